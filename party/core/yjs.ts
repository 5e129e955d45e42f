/**
 * The `yjs` party's room, independent of the runtime: a signaling server for
 * Yjs apps using y-webrtc, in place of y-webrtc's own `bin/server.js`. Point
 * a provider at `wss://<host>/parties/yjs/<room>` and peers find each other
 * through it; documents, awareness and media then go peer to peer and never
 * pass here.
 *
 * Each room id is a separate signaling server: topics (y-webrtc room names)
 * in different rooms never meet. The protocol and its bounds are in
 * `yjs-protocol.ts`; this class applies them to the room's connections.
 *
 * Subscriptions live in connection state (kept across hibernation), so a
 * hibernated room holds no maps that an eviction could lose. A disconnected
 * socket is no longer among the open connections, which removes it from
 * every topic.
 *
 * Frames are rate-limited per connection like the main room's (`RATES.frame`),
 * and the bytes relayed per connection and per room (`RELAY_BYTES`), so a few
 * sockets cannot flood a topic's subscribers; the buckets are kept in memory
 * (a room woken from hibernation starts them full).
 *
 * HTTP `GET /parties/yjs/<room>` → `200 okay` (text/plain), like the
 * reference server, for health checks; other methods → 405.
 * @module
 */
import { RATES, RELAY_BYTES, take, type Bucket } from "./limits.ts";
import type { Connection, Frame, RoomRuntime } from "./runtime.ts";
import { handleFrame, utf8Bytes, type SignalingState, type YjsServerFrame } from "./yjs-protocol.ts";

type Conn = Connection<SignalingState>;

export class YjsRoom {
  /** Frame buckets by connection id. */
  private readonly buckets = new Map<string, Bucket>();
  /** Relayed-bytes buckets by connection id, and the room's. */
  private readonly bytes = new Map<string, Bucket>();
  private roomBytes: Bucket | undefined;

  constructor(private readonly runtime: RoomRuntime) {}

  onRequest(req: Request): Response {
    if (req.method !== "GET" && req.method !== "HEAD") return new Response("Method not allowed", { status: 405 });
    return new Response("okay", { headers: { "content-type": "text/plain" } });
  }

  onMessage(sender: Conn, raw: Frame): void {
    const { ok, bucket } = take(this.buckets.get(sender.id), RATES.frame, Date.now());
    this.buckets.set(sender.id, bucket);
    if (!ok) return this.send(sender, { type: "error", code: "rate_limited", message: "Too many frames; slow down" });
    const effects = handleFrame(raw, sender, () => this.runtime.getConnections<SignalingState>());
    if (effects.state) this.saveState(sender, effects.state);
    for (const reply of effects.replies) this.send(sender, reply);
    if (effects.deliver && this.spendBytes(sender, utf8Bytes(effects.deliver.frame) * effects.deliver.to.length)) {
      for (const conn of effects.deliver.to) this.sendRaw(conn, effects.deliver.frame);
    }
  }

  /** Spend relayed bytes from the sender's and the room's budgets; false (and an error frame) when either is short. */
  private spendBytes(sender: Conn, cost: number): boolean {
    const now = Date.now();
    const mine = take(this.bytes.get(sender.id), RELAY_BYTES.socket, now, cost);
    const room = take(this.roomBytes, RELAY_BYTES.room, now, cost);
    if (mine.ok && room.ok) {
      this.bytes.set(sender.id, mine.bucket);
      this.roomBytes = room.bucket;
      return true;
    }
    this.send(sender, { type: "error", code: "rate_limited", message: "Too many bytes relayed; slow down" });
    return false;
  }

  /**
   * Drop a closing connection's topics (it is also no longer listed as open)
   * and answer the client's close frame: with hibernation PartyKit does not,
   * and the client would wait for its close timeout.
   */
  onClose(conn: Conn): void {
    this.buckets.delete(conn.id);
    this.bytes.delete(conn.id);
    try {
      conn.setState(null);
    } catch {
      // Already gone.
    }
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }

  /**
   * Store `state`; should the platform refuse it (the attachment limit), keep
   * the previous state and say so.
   */
  private saveState(conn: Conn, state: SignalingState): void {
    const previous = conn.state;
    try {
      conn.setState(state);
    } catch {
      try {
        conn.setState(previous);
      } catch {
        // The socket is closing; its state goes with it.
      }
      this.send(conn, { type: "error", code: "too_many_topics", message: "subscriptions do not fit in connection state" });
    }
  }

  private send(conn: Conn, frame: YjsServerFrame): void {
    this.sendRaw(conn, JSON.stringify(frame));
  }

  private sendRaw(conn: Conn, frame: string): void {
    try {
      conn.send(frame);
    } catch {
      // The socket is closing; onClose cleans up.
    }
  }
}
