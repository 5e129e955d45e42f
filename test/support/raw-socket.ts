/// <reference types="node" />
/**
 * A raw WebSocket to the room (the `ws` package), for tests that speak the
 * protocol directly (the main room's, or the yjs party's): it records every
 * frame (binary ones as `{binary: true}`), answers the room's pings, and can
 * send what no browser would.
 * @module
 */
import WebSocket from "ws";
import { HOST_SESSION, requestEndpoint, roomPath } from "../../protocol/http.ts";
import { WAIT_MS, eventually } from "./browser.ts";

/** `ws://…/parties/main/<room>` for a server origin, with an optional query (`?…`). */
export function roomSocketUrl(origin: string, room: string, query = ""): string {
  return `${origin.replace(/^http/, "ws")}${roomPath(room)}${query}`;
}

/** Sign in over HTTP (`POST host/session`) and return the host socket's URL. */
export async function hostSocketUrl(origin: string, room: string, key: string): Promise<string> {
  const answer = await requestEndpoint(origin, HOST_SESSION, room, { body: { key } }, { signal: AbortSignal.timeout(WAIT_MS) });
  if (!answer.ok) throw new Error(`host sign-in failed: HTTP ${answer.status} ${answer.error.message}`);
  return roomSocketUrl(origin, room, `?role=host&token=${encodeURIComponent(answer.body.token)}`);
}

export type Frame = Record<string, unknown> & { type?: unknown };

/** A raw WebSocket to the room that records every frame it receives. */
export class RawSocket {
  readonly frames: Frame[] = [];
  /** Resolves with the close code and reason once the socket is closed, by either side. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #ws: WebSocket;
  #seen = 0;

  private constructor(ws: WebSocket, answerPings: boolean) {
    this.#ws = ws;
    this.closed = new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
    ws.on("message", (data, isBinary) => {
      if (isBinary) return void this.frames.push({ binary: true });
      const frame = JSON.parse(String(data)) as Frame;
      // Answer the room's liveness pings, as the widget does (unless playing dead).
      if (frame.type === "ping" && answerPings) ws.send(JSON.stringify({ type: "pong" }));
      this.frames.push(frame);
    });
  }

  /**
   * Connect; resolves once open, rejects with the HTTP status if refused.
   * `origin` sets the Origin header, as a browser on that site would;
   * `answerPings: false` makes a socket that stays open but never answers,
   * like one whose network died without a close; `address` sets
   * `cf-connecting-ip`, as Cloudflare's edge would for a client at that address;
   * `userAgent` sets `User-Agent`, as a browser would.
   */
  static open(url: string, options: { origin?: string; answerPings?: boolean; address?: string; userAgent?: string } = {}): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const headers = {
        ...(options.address ? { "cf-connecting-ip": options.address } : {}),
        ...(options.userAgent ? { "user-agent": options.userAgent } : {}),
      };
      const ws = new WebSocket(url, { ...(options.origin ? { origin: options.origin } : {}), headers });
      const socket = new RawSocket(ws, options.answerPings ?? true);
      const timer = setTimeout(() => reject(new Error(`no answer from ${url}`)), WAIT_MS);
      ws.once("open", () => {
        clearTimeout(timer);
        resolve(socket);
      });
      ws.once("unexpected-response", (_req, res) => {
        clearTimeout(timer);
        res.resume();
        reject(Object.assign(new Error(`upgrade refused: HTTP ${res.statusCode}`), { status: res.statusCode }));
        ws.terminate();
      });
      ws.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** Send a text frame (an object as JSON), or a binary one for a Buffer. */
  send(raw: string | Buffer | Frame): void {
    this.#ws.send(typeof raw === "string" || Buffer.isBuffer(raw) ? raw : JSON.stringify(raw));
  }

  /** Resolves once everything sent so far has left the socket's buffer. */
  async drain(): Promise<void> {
    while (this.#ws.bufferedAmount > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /** The next frame (after those already returned) matching `pred`. */
  async next(what: string, pred: (f: Frame) => boolean = () => true): Promise<Frame> {
    const index = await eventually(
      what,
      async () => this.frames.findIndex((f, i) => i >= this.#seen && pred(f)),
      (i) => i >= 0,
      10_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; frames: ${JSON.stringify(this.frames)}`);
    });
    this.#seen = index + 1;
    return this.frames[index] as Frame;
  }

  /** Close; resolves once closed (terminating after 5 s without a close frame). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#ws.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => {
        this.#ws.terminate();
        resolve();
      }, 5_000);
      this.#ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.#ws.close();
    });
  }
}

