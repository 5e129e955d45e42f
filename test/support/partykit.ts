/// <reference types="node" />
/**
 * Starts `partykit dev` for end-to-end tests and stops it again.
 *
 * Each call gets its own free port and process group, so a test file can run
 * its own server and kill every child (including `workerd`) when it is done.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

/** Repository root (this file lives in `test/support/`). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** How long the server may take to answer `GET /` with 200. */
const READY_TIMEOUT_MS = 60_000;
/** Terminal control sequences partykit prints even without a terminal. */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** Grace period between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 3_000;

export interface PartykitOptions {
  /** Room variables, each passed as `--var K=V` (overriding any `.env`). */
  vars?: Record<string, string>;
  /** Directory for durable storage, or `false` (the default) for none. */
  persist?: string | false;
  /** Port to listen on (e.g. the same one again, to restart a server); default a free one. */
  port?: number;
}

export interface PartykitServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** Kill the whole process group; resolves once it has exited. */
  stop(): Promise<void>;
  /** Everything the server printed so far (stdout and stderr, interleaved). */
  logs(): string;
}

/** Ask the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the listening port"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Every process group started here, killed if the test process ends first. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    for (const child of running) killGroup(child, "SIGKILL");
    // Die of the same signal, as without this handler.
    process.kill(process.pid, signal);
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Start `partykit dev` on a free port and wait until it serves `/`. A port
 * taken by another process between choosing and binding it gets one retry on
 * a new port.
 * @throws if it is not ready within 60 s, with everything it printed
 */
export async function startPartykit(opts: PartykitOptions = {}): Promise<PartykitServer> {
  try {
    return await startOnce(opts);
  } catch (err) {
    if (!/exited before it was ready/.test((err as Error).message)) throw err;
    return startOnce(opts);
  }
}

async function startOnce(opts: PartykitOptions): Promise<PartykitServer> {
  const port = opts.port ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const args = [
    "dev",
    "--port", String(port),
    "--persist", opts.persist === undefined || opts.persist === false ? "false" : opts.persist,
    "--disable-request-cf-fetch",
    "--no-hotkeys",
  ];
  for (const [key, value] of Object.entries(opts.vars ?? {})) args.push("--var", `${key}=${value}`);

  const child = spawn(`${REPO_ROOT}node_modules/.bin/partykit`, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_UPDATE_NOTIFIER: "1", FORCE_COLOR: "0" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);

  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true;
      output += `\n[partykit exited: ${signal ?? code}]\n`;
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    const pid = child.pid;
    if (pid === undefined) return;
    killGroup(child, "SIGTERM");
    const deadline = Date.now() + KILL_GRACE_MS;
    while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
    if (groupAlive(pid)) killGroup(child, "SIGKILL");
    if (!exited) await exit;
    // workerd is a grandchild: wait for it to be reaped, but not forever (a
    // container without an init process may never reap it).
    const reaped = Date.now() + KILL_GRACE_MS;
    while (groupAlive(pid) && Date.now() < reaped) await sleep(50);
    running.delete(child);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`partykit dev exited before it was ready:\n${output.replace(ANSI, "")}`);
    try {
      const res = await fetch(`${origin}/`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      // Only our own server counts: another process may hold the port we were given.
      if (res.status === 200 && output.includes("Ready on")) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`partykit dev was not ready on ${origin} within ${READY_TIMEOUT_MS / 1000} s:\n${output.replace(ANSI, "")}`);
    }
    await sleep(250);
  }

  return { origin, port, stop, logs: () => output.replace(ANSI, "") };
}
