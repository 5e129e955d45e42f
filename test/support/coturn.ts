/// <reference types="node" />
/**
 * Starts a real coturn `turnserver` on 127.0.0.1 for end-to-end tests: UDP
 * only (no TLS/DTLS), TURN REST API credentials (`--use-auth-secret`), loopback
 * peers allowed (coturn refuses them by default), no config file, no CLI,
 * its own temporary user database and pid file. Stopped (and its temporary
 * directory removed) by {@link Coturn.stop}.
 *
 * Install: `apt-get install -y coturn` (Debian; `.ci/run` does it).
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./dev-server.ts";

export interface Coturn {
  /** `turn:127.0.0.1:<port>?transport=udp` */
  url: string;
  port: number;
  stop(): Promise<void>;
  logs(): string;
}

const BINARY = process.env.TURNSERVER_PATH || "turnserver";

/** Send a STUN Binding request (RFC 8489 §6) and wait for any answer. */
function stunAnswers(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0); // Binding request
    request.writeUInt16BE(0, 2); // no attributes
    request.writeUInt32BE(0x2112a442, 4); // magic cookie
    randomBytes(12).copy(request, 8); // transaction id
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("message", () => done(true));
    socket.once("error", () => done(false));
    socket.send(request, port, "127.0.0.1");
  });
}

/**
 * Start `turnserver` with `secret` as its static auth secret, on `port`
 * (default: a free one).
 * @throws if the binary is missing (naming the install command) or it does
 *   not answer STUN within 15 s
 */
export async function startCoturn(secret: string, options: { port?: number; realm?: string } = {}): Promise<Coturn> {
  if (spawnSync(BINARY, ["-h"], { stdio: "ignore" }).error) {
    throw new Error(`turnserver not found. Install coturn: \`apt-get install -y coturn\` (or set TURNSERVER_PATH).`);
  }
  const port = options.port ?? (await freePort());
  const realm = options.realm ?? "contact-me.test";
  // A small relay port range of its own: quick to set up, unlikely to collide.
  const minPort = 40000 + Math.floor(Math.random() * 200) * 100;
  const dir = mkdtempSync(join(tmpdir(), "contact-me-coturn-"));
  const args = [
    "-n",
    "--no-cli",
    "--no-tls",
    "--no-dtls",
    "--listening-ip=127.0.0.1",
    "--relay-ip=127.0.0.1",
    `--listening-port=${port}`,
    `--min-port=${minPort}`,
    `--max-port=${minPort + 99}`,
    "--allow-loopback-peers",
    "--use-auth-secret",
    `--static-auth-secret=${secret}`,
    `--realm=${realm}`,
    "--fingerprint",
    "--log-file=stdout",
    "--simple-log",
    `--pidfile=${join(dir, "turnserver.pid")}`,
    `--userdb=${join(dir, "turndb")}`,
  ];
  const child = spawn(BINARY, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (c: string) => (output += c));
  child.stderr?.setEncoding("utf8").on("data", (c: string) => (output += c));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      await Promise.race([exit, sleep(3000)]);
      if (!exited) child.kill("SIGKILL");
      await exit;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", () => void (exited || child.kill("SIGKILL")));
  const deadline = Date.now() + 15_000;
  while (!(await stunAnswers(port, 300))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`turnserver did not answer STUN on 127.0.0.1:${port}:\n${output.slice(-3000)}`);
    }
    await sleep(100);
  }
  return { url: `turn:127.0.0.1:${port}?transport=udp`, port, stop, logs: () => output };
}
