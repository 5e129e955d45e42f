/// <reference types="node" />
/**
 * Raw WebSocket clients for the load benchmarks (the `ws` package, no
 * browser): visitor and host sockets of a room, frame waiters, and a tally of
 * `error` frames so every figure can say whether the room refused anything.
 * Every client answers the room's liveness `ping` with a `pong`, as the widget
 * does; a socket silent for 7 s would be closed as dead.
 *
 * The room limits visitors per client address (`cf-connecting-ip`, which
 * Cloudflare's edge sets and both local servers pass through from the
 * client), and the benchmarks play many distinct visitors: every visitor
 * socket carries an address of its own ({@link visitorAddress}), as separate
 * people would.
 * @module
 */
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { HOST_SESSION, requestEndpoint, roomPath as partyPath } from "../../protocol/http.ts";
import { Deadline, within } from "./deadline.ts";

export type Frame = Record<string, unknown> & { type?: unknown };

/** Where a room runs: `partykit dev`, or the plain `ws` baseline server. */
export interface RoomTarget {
  /** Short name for reports. */
  readonly name: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** WebSocket URL of `room` for a visitor, or for a host holding `token`. */
  socketUrl(room: string, host?: { token: string }): string;
  /** A host token for `room` (`POST …/host/session`). */
  hostToken(room: string): Promise<string>;
  /** PIDs of the server processes, for memory and CPU figures. */
  serverPids(): number[];
  /** PIDs of the server's tooling around them (e.g. a dev server's node and esbuild), watched but not counted. */
  toolingPids?(): number[];
}

let addresses = 0;

/**
 * A client address no other simulated visitor of this run has: an IPv6
 * documentation address (RFC 3849), `2001:db8::1`, `2001:db8::2`, … (hex).
 * A visitor keeps its address for all its sockets and requests.
 */
export function visitorAddress(): string {
  const n = ++addresses;
  return n > 0xffff ? `2001:db8::${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}` : `2001:db8::${n.toString(16)}`;
}

/** Base URL of a room's HTTP and WebSocket endpoints. */
export function roomPath(room: string): string {
  return partyPath(encodeURIComponent(room));
}

/** `POST /parties/main/<room>/host/session {"key"}` → token (`HOST_SESSION` in `protocol/http.ts`). */
export async function fetchHostToken(origin: string, room: string, key: string): Promise<string> {
  const answer = await requestEndpoint(origin, HOST_SESSION, encodeURIComponent(room), { body: { key } }, { signal: AbortSignal.timeout(10_000) });
  if (!answer.ok) throw new Error(`host sign-in for ${room} answered ${answer.status}: ${answer.error.message}`);
  return answer.body.token;
}

/** `error` frames received, by code, since the last {@link takeErrorFrames}. */
let errorTally = new Map<string, number>();

/** The `error` frames counted since the previous call, and reset. */
export function takeErrorFrames(): Record<string, number> {
  const out = Object.fromEntries(errorTally);
  errorTally = new Map();
  return out;
}

const PONG = JSON.stringify({ type: "pong" });

interface Waiter {
  pred: (f: Frame) => boolean;
  resolve: (f: Frame) => void;
}

/** One WebSocket to a room. */
export class Client {
  /** Called with every frame and the `performance.now()` it arrived at. */
  onFrame: ((frame: Frame, at: number) => void) | undefined;
  /** Connection id from `welcome`. */
  id = "";
  /** Liveness pings received (each answered with a `pong`). */
  pings = 0;
  readonly #waiters = new Set<Waiter>();

  /**
   * @param address the client address the socket claims (`cf-connecting-ip`),
   *   or undefined (a host: the room limits visitors by address, not hosts)
   */
  private constructor(
    readonly ws: WebSocket,
    readonly address: string | undefined,
  ) {
    ws.on("message", (data) => {
      const at = performance.now();
      let frame: Frame;
      try {
        frame = JSON.parse(String(data)) as Frame;
      } catch {
        return;
      }
      if (frame.type === "ping") {
        if (ws.readyState === WebSocket.OPEN) ws.send(PONG);
        this.pings++;
      }
      if (frame.type === "error") {
        const code = String(frame.code);
        errorTally.set(code, (errorTally.get(code) ?? 0) + 1);
      }
      this.onFrame?.(frame, at);
      for (const w of this.#waiters) {
        if (w.pred(frame)) {
          this.#waiters.delete(w);
          w.resolve(frame);
        }
      }
    });
    ws.on("error", () => {}); // reported through `close`
  }

  /**
   * Open `url` and wait for the room's `welcome`; with `address`, as a client
   * at that address (a `cf-connecting-ip` header on the upgrade request).
   */
  static async connect(url: string, opts: { timeoutMs?: number; address?: string } = {}): Promise<Client> {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      ...(opts.address ? { headers: { "cf-connecting-ip": opts.address } } : {}),
    });
    const client = new Client(ws, opts.address);
    const welcome = client.next((f) => f.type === "welcome");
    const opened = new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => {
        res.resume();
        reject(new Error(`upgrade refused: HTTP ${res.statusCode}`));
      });
      ws.once("error", reject);
      ws.once("close", (code) => reject(new Error(`closed (${code}) before welcome`)));
    });
    try {
      await within(opened, timeoutMs, `open ${url}`);
      const w = await within(welcome, timeoutMs, `welcome from ${url}`);
      client.id = String(w.id);
    } catch (err) {
      ws.terminate();
      throw err;
    }
    return client;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** The next frame from now on that matches `pred`. */
  next(pred: (f: Frame) => boolean): Promise<Frame> {
    return new Promise((resolve) => this.#waiters.add({ pred, resolve }));
  }

  /** Like {@link next}, bounded by `timeoutMs`. */
  expect(pred: (f: Frame) => boolean, what: string, timeoutMs = 10_000): Promise<Frame> {
    let waiter: Waiter | undefined;
    const p = new Promise<Frame>((resolve) => {
      waiter = { pred, resolve };
      this.#waiters.add(waiter);
    });
    return within(p, timeoutMs, what).finally(() => this.#waiters.delete(waiter!));
  }

  close(): void {
    this.ws.terminate();
  }
}

/**
 * Open one visitor socket per URL, `concurrency` handshakes at a time; each
 * is a visitor of its own, with its own {@link visitorAddress}.
 * @throws on the first socket that fails, after closing the ones opened
 */
export async function connectMany(urls: readonly string[], deadline: Deadline, concurrency = 50): Promise<Client[]> {
  const clients: Client[] = new Array(urls.length);
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < urls.length) {
      const i = next++;
      try {
        deadline.check("connecting sockets");
        clients[i] = await Client.connect(urls[i]!, { timeoutMs: deadline.cap(20_000), address: visitorAddress() });
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
  if (failure !== undefined) {
    closeAll(clients.filter(Boolean));
    throw failure;
  }
  return clients;
}

export function closeAll(clients: readonly Client[]): void {
  for (const c of clients) c?.close();
}

/** Open a host socket for `room` and go Available; resolves once the room confirms. */
export async function availableHost(target: RoomTarget, room: string): Promise<Client> {
  const token = await target.hostToken(room);
  const host = await Client.connect(target.socketUrl(room, { token }));
  const confirmed = host.expect((f) => f.type === "presence" && f.available === true, `presence confirmation in ${room}`);
  host.send({ type: "available", available: true });
  await confirmed;
  return host;
}

/** One entry of a host's `queue` snapshot. */
interface QueuedCall {
  callId: string;
  state: "ringing" | "queued" | "reconnecting";
  ringsHere: boolean;
}

/**
 * Put `visitor` and `host` in an accepted audio call: the visitor sends
 * `call`, the host's next `queue` snapshot lists it ringing here, the host
 * sends `accept`, and both get `accepted`. The host must be alone with this
 * caller (no other call ringing at it). Returns the call id.
 */
export async function acceptedCall(visitor: Client, host: Client): Promise<string> {
  const ringing = (f: Frame): QueuedCall | undefined =>
    f.type === "queue" && Array.isArray(f.calls) ? (f.calls as QueuedCall[]).find((c) => c.state === "ringing" && c.ringsHere) : undefined;
  const ring = host.expect((f) => ringing(f) !== undefined, "a call ringing at the host (queue snapshot)");
  visitor.send({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } });
  const callId = ringing(await ring)!.callId;
  const both = Promise.all([
    visitor.expect((f) => f.type === "accepted" && f.callId === callId, "accepted at the visitor"),
    host.expect((f) => f.type === "accepted" && f.callId === callId, "accepted at the host"),
  ]);
  host.send({ type: "accept", callId });
  await both;
  return callId;
}
