/// <reference types="node" />
/**
 * The process plumbing shared by the local servers the end-to-end tests run
 * (`partykit dev` in `partykit.ts`, `wrangler dev` in `wrangler.ts`): each
 * start gets its own free port and process group, its output is captured, it
 * counts as ready once it serves `GET /` with 200 and has printed its own
 * "Ready on" line, and stopping it kills the whole group (including
 * `workerd`), SIGTERM first, SIGKILL after a grace period.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

/** Repository root (this file lives in `test/support/`). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** How long a server may take to become ready. */
const READY_TIMEOUT_MS = 60_000;
/** Terminal control sequences the servers print even without a terminal. */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** Grace period between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 3_000;

/** The local runtimes the rooms run on. */
export type Runtime = "partykit" | "wrangler";

/** How a test wants its server (the same for every runtime). */
export interface ServerOptions {
  /** Room variables (overriding any `.env`). */
  vars?: Record<string, string>;
  /**
   * Directory for durable storage, kept across a restart on the same port;
   * or `false` (the default) for storage that does not outlive the server.
   */
  persist?: string | false;
  /** Port to listen on (e.g. the same one again, to restart a server); default a free one. */
  port?: number;
  /** Added to the server process's environment, e.g. `SSL_CERT_FILE` to trust a local HTTPS stand-in. */
  env?: Record<string, string>;
}

/** A running local server. */
export interface TestServer {
  /** Which runtime it is. */
  runtime: Runtime;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /**
   * Kill the whole process group; resolves once it has exited, and rejects
   * then if the server logged an error no handler caught (see
   * {@link uncaughtErrors}), so no test file passes over one.
   */
  stop(): Promise<void>;
  /** Everything the server printed so far (stdout and stderr, interleaved). */
  logs(): string;
}

/**
 * What the runtimes print for an error that escaped the room's handlers:
 * workerd's `Uncaught` (both), PartyKit's and PartyServer's own handler
 * messages, and the runtime refusing to pick one of two sockets under one id.
 * The room's deliberate `console.error` reports (bad configuration, a Slack
 * post that failed for good) are not among them, nor workerd's own notes that
 * a client went away mid-request or mid-answer (`disconnected:
 * worker_do_not_log`; a write to the client's closed TCP connection:
 * `Broken pipe`, `Connection reset by peer`; a request whose client dropped
 * it before its body had arrived, which each dev server's own front proxy
 * reports as `Uncaught Error: Network connection lost.` (`partykit dev`:
 * `Uncaught (in response) …`), answering 503 to nobody; a WebSocket whose
 * client closed while workerd was still writing a frame to it, `failed:
 * worker_do_not_log; Request failed due to internal error` after `another
 * message send is already in progress`): transport, not the room.
 */
const UNCAUGHT = /Uncaught|Unhandled|on(?:Message|Close|Error|Request|BeforeConnect|BeforeRequest) error|Error when connecting|(?:Error|Exception) in (?:Main|Yjs|Guard)\b|More than one connection/;
const CLIENT_GONE = /disconnected: (worker_do_not_log|::(write|writev|send)\(.*\): (Broken pipe|Connection reset by peer))|failed: worker_do_not_log; Request failed due to internal error|^\s*(✘ \[ERROR\] )?Uncaught (\(in response\) )?Error: Network connection lost\.\s*$/;

/** The lines of a server's log that report an error no handler caught. */
export function uncaughtErrors(logs: string): string[] {
  return logs.split("\n").filter((line) => UNCAUGHT.test(line) && !CLIENT_GONE.test(line));
}

/** One attempt at starting a server, as its runtime module describes it. */
export interface Launch {
  command: string;
  args: string[];
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Called once the process group is gone (also after a failed start). */
  cleanup?: () => void;
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

/** Every process group started here (with its clean-up), killed if the test process ends first. */
const running = new Map<ChildProcess, (() => void) | undefined>();
function killAll(): void {
  for (const [child, cleanup] of running) {
    killGroup(child, "SIGKILL");
    try {
      cleanup?.();
    } catch {
      // Best effort: the process is going away.
    }
  }
  running.clear();
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    killAll();
    // Die of the same signal, as without this handler.
    process.kill(process.pid, signal);
  });
}

/** How long one readiness request may take. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * `GET url`'s status, or `undefined` if it fails or takes over
 * {@link PROBE_TIMEOUT_MS}. Bounded by a timer of its own: a `fetch` whose
 * connection the server drops while it restarts can otherwise stay pending
 * for good (seen under `wrangler dev` on Node 20, with no socket left and its
 * `AbortSignal.timeout` never firing).
 */
async function probe(url: string): Promise<number | undefined> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve(undefined);
    }, PROBE_TIMEOUT_MS);
  });
  const request = (async () => {
    const res = await fetch(url, { signal: abort.signal });
    await res.arrayBuffer();
    return res.status;
  })().catch(() => undefined); // not listening yet
  try {
    return await Promise.race([request, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a server prints when a port it was given is taken (workerd: `::bind(...): Address already in use`). */
const ADDRESS_IN_USE = /Address already in use|EADDRINUSE/;

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
 * Start a server as `prepare(port)` describes it, on `opts.port` or a free
 * port, and wait until it is ready. A port taken by another process between
 * choosing and binding it (the server exits before it is ready, or says the
 * address is in use: `partykit dev` then stays up, serving nothing) gets one
 * retry, on a new free port unless `opts.port` fixes it; `prepare` is called
 * again for it.
 * @param name the command as people know it, e.g. `partykit dev`, for messages
 * @throws if it is not ready within 60 s, with everything it printed
 */
export async function startDevServer(
  runtime: Runtime,
  name: string,
  opts: ServerOptions,
  prepare: (port: number) => Promise<Launch>,
): Promise<TestServer> {
  try {
    return await startOnce(runtime, name, opts, prepare);
  } catch (err) {
    if (!/exited before it was ready|could not bind its port/.test((err as Error).message)) throw err;
    return startOnce(runtime, name, opts, prepare);
  }
}

async function startOnce(runtime: Runtime, name: string, opts: ServerOptions, prepare: (port: number) => Promise<Launch>): Promise<TestServer> {
  const port = opts.port ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const launch = await prepare(port);

  let child: ChildProcess;
  try {
    child = spawn(launch.command, launch.args, {
      cwd: REPO_ROOT,
      env: { ...process.env, FORCE_COLOR: "0", ...launch.env, ...opts.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    launch.cleanup?.();
    throw err;
  }
  running.set(child, launch.cleanup);

  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    const done = (how: string): void => {
      if (exited) return;
      exited = true;
      output += `\n[${name} exited: ${how}]\n`;
      resolve();
    };
    child.once("exit", (code, signal) => done(String(signal ?? code)));
    // Not even started (e.g. the command is missing): no "exit" follows.
    child.once("error", (err) => done(err.message));
  });
  const logs = (): string => output.replace(ANSI, "");

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      // Read before the kill: what a dying server prints is not the room's doing.
      const uncaught = uncaughtErrors(logs());
      const pid = child.pid;
      if (pid !== undefined) {
        killGroup(child, "SIGTERM");
        const deadline = Date.now() + KILL_GRACE_MS;
        while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
        if (groupAlive(pid)) killGroup(child, "SIGKILL");
        await exit;
        // workerd is a grandchild: wait for it to be reaped, but not forever (a
        // container without an init process may never reap it).
        const reaped = Date.now() + KILL_GRACE_MS;
        while (groupAlive(pid) && Date.now() < reaped) await sleep(50);
      }
      running.delete(child);
      launch.cleanup?.();
      if (uncaught.length > 0) throw new Error(`${name} logged ${uncaught.length} uncaught error(s):\n${uncaught.join("\n")}\n--- log ---\n${logs().slice(-4000)}`);
    })());

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await stop().catch(() => {});
      throw new Error(`${name} exited before it was ready:\n${logs()}`);
    }
    if (ADDRESS_IN_USE.test(output)) {
      await stop().catch(() => {});
      throw new Error(`${name} could not bind its port (taken by another process meanwhile):\n${logs()}`);
    }
    // Only our own server counts: another process may hold the port we were given.
    // The page and the script it loads: wrangler dev builds the script once more after it starts.
    if ((await probe(`${origin}/`)) === 200 && (await probe(`${origin}/dist/index.js`)) === 200 && output.includes("Ready on")) break;
    if (Date.now() > deadline) {
      await stop().catch(() => {});
      throw new Error(`${name} was not ready on ${origin} within ${READY_TIMEOUT_MS / 1000} s:\n${logs()}`);
    }
    await sleep(250);
  }

  return { runtime, origin, port, stop, logs };
}
