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
 * so one socket cannot flood a topic's subscribers; the buckets are kept in
 * memory (a room woken from hibernation starts them full).
 *
 * HTTP `GET /parties/yjs/<room>` → `200 okay` (text/plain), like the
 * reference server, for health checks; other methods → 405.
 * @module
 */
import { RATES, take, type Bucket } from "./limits.ts";
import type { Connection, Frame, RoomRuntime } from "./runtime.ts";
import { handleFrame, type SignalingState, type YjsServerFrame } from "./yjs-protocol.ts";

type Conn = Connection<SignalingState>;

export class YjsRoom {
  /** Frame buckets by connection id. */
  private readonly buckets = new Map<string, Bucket>();

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
    if (effects.deliver) {
      for (const conn of effects.deliver.to) this.sendRaw(conn, effects.deliver.frame);
    }
  }

  /**
   * Drop a closing connection's topics (it is also no longer listed as open)
   * and answer the client's close frame: with hibernation PartyKit does not,
   * and the client would wait for its close timeout.
   */
  onClose(conn: Conn): void {
    this.buckets.delete(conn.id);
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
