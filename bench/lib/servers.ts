/// <reference types="node" />
/**
 * The servers a run starts, all on 127.0.0.1: the rooms on both runtimes,
 * `partykit dev` and `wrangler dev` (via the test support code), the `ws`
 * baseline server (its own process), the Slack stand-in, and a switch in
 * front of it that can simulate a Slack outage (used only by the outbox
 * probe, on a `partykit dev` of its own).
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, request, Agent, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { startPartykit } from "../../test/support/partykit.ts";
import type { Runtime, TestServer } from "../../test/support/server.ts";
import { startWrangler } from "../../test/support/wrangler.ts";
import { startSlackStandIn, type SlackStandIn } from "../../test/support/slack.ts";
import { within } from "./deadline.ts";
import { fetchHostToken, roomPath, type RoomTarget } from "./clients.ts";
import { devServerProcesses, type ProcInfo } from "./procs.ts";

/** The command each runtime's local server is, as reports name it. */
export const RUNTIME_NAMES: Record<Runtime, string> = { partykit: "partykit dev", wrangler: "wrangler dev" };

/** The rooms on one runtime's local server. */
export interface RuntimeTarget extends RoomTarget {
  readonly runtime: Runtime;
  readonly server: TestServer;
  /**
   * The server's processes: `workerd` (the rooms run there; its PIDs are
   * {@link RoomTarget.serverPids}) and all of them, tooling included (node,
   * esbuild).
   */
  processes(): { all: ProcInfo[]; workerd: ProcInfo[] };
}

/** A local dev server (`partykit dev` or `wrangler dev`) started with `HOST_KEY=hostKey`, as a {@link RoomTarget}. */
export function runtimeTarget(server: TestServer, hostKey: string): RuntimeTarget {
  const wsOrigin = server.origin.replace(/^http/, "ws");
  const processes = (): { all: ProcInfo[]; workerd: ProcInfo[] } => devServerProcesses(server.port);
  return {
    name: RUNTIME_NAMES[server.runtime],
    runtime: server.runtime,
    server,
    origin: server.origin,
    socketUrl: (room, host) => `${wsOrigin}${roomPath(room)}${host ? `?role=host&token=${encodeURIComponent(host.token)}` : ""}`,
    hostToken: (room) => fetchHostToken(server.origin, room, hostKey),
    serverPids: () => processes().workerd.map((p) => p.pid),
    toolingPids: () => processes().all.filter((p) => p.name !== "workerd").map((p) => p.pid),
    processes,
  };
}

export interface BaselineServer extends RoomTarget {
  pid: number;
  stop(): Promise<void>;
}

const BASELINE_SCRIPT = fileURLToPath(new URL("../baseline-server.ts", import.meta.url));

/**
 * Start `bench/baseline-server.ts` in its own Node process. It is bundled to
 * plain JavaScript first, so the process carries no TypeScript loader and its
 * memory is the server's own.
 */
export async function startBaselineServer(): Promise<BaselineServer> {
  const dir = mkdtempSync(join(tmpdir(), "contact-me-ws-baseline-"));
  const script = join(dir, "baseline-server.mjs");
  await build({
    entryPoints: [BASELINE_SCRIPT],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: script,
    // Optional native add-ons of `ws`; it falls back to JavaScript without them.
    external: ["bufferutil", "utf-8-validate"],
    banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
    logLevel: "silent",
  });
  const child: ChildProcess = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
  child.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const port = await within(
    new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`baseline server exited (${code})`)));
    }),
    30_000,
    "the ws baseline server to listen",
  );
  const origin = `http://127.0.0.1:${port}`;
  return {
    name: "ws baseline",
    origin,
    pid: child.pid!,
    socketUrl: (room, host) => `ws://127.0.0.1:${port}${roomPath(room)}${host ? "?role=host" : ""}`,
    hostToken: async () => "baseline",
    serverPids: () => [child.pid!],
    stop: async () => {
      process.removeListener("exit", killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await within(exited, 5_000, "baseline server to exit").catch(() => child.kill("SIGKILL"));
    },
  };
}

/**
 * A switch in front of the Slack stand-in: while `down`, every POST is
 * answered `503` (a Slack outage, as the room sees it) and counted in
 * `refused`; otherwise requests are passed through unchanged.
 */
export interface SlackSwitch {
  webhookUrl: string;
  down: boolean;
  refused: number;
  stop(): Promise<void>;
}

export async function startSlackSwitch(slack: SlackStandIn): Promise<SlackSwitch> {
  const target = new URL(slack.webhookUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const state = { down: false, refused: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (state.down) {
        state.refused++;
        res.writeHead(503, { "content-type": "text/plain" });
        res.end("service_unavailable");
        return;
      }
      const body = Buffer.concat(chunks);
      const upstream = request(
        { agent, host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => {
        res.writeHead(502);
        res.end("bad_gateway");
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    webhookUrl: `http://127.0.0.1:${port}${target.pathname}`,
    get down() {
      return state.down;
    },
    set down(v: boolean) {
      state.down = v;
    },
    get refused() {
      return state.refused;
    },
    set refused(v: number) {
      state.refused = v;
    },

    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { startPartykit, startWrangler, startSlackStandIn, type Runtime, type TestServer, type SlackStandIn };
