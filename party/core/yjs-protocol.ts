/**
 * y-webrtc's signaling protocol, as spoken by y-webrtc's own bundled server
 * (`y-webrtc/bin/server.js`), with bounds. No PartyKit imports: the party
 * (`party/yjs.ts`) hands {@link handleFrame} the sender and the room's open
 * connections and carries out the {@link Effects} it returns.
 *
 * Frames (JSON text, one object each):
 * - client → server `{"type":"subscribe","topics":[string, …]}`: receive what
 *   is published to those topics (y-webrtc: one topic per document room name).
 * - client → server `{"type":"unsubscribe","topics":[string, …]}`.
 * - client → server `{"type":"publish","topic":string, …rest}`: the frame is
 *   relayed to every subscriber of `topic`, the sender included when it is
 *   subscribed, with `clients` set to the number of subscribers — exactly as
 *   the reference server does. `rest` (y-webrtc's `data`: an announce or
 *   SDP/ICE signal object, or a base64 string when the room has a password) is
 *   relayed untouched, except that `__proto__`, `constructor` and `prototype`
 *   keys are dropped.
 * - client → server `{"type":"ping"}` → `{"type":"pong"}` (lib0's websocket
 *   client reconnects when it hears nothing for 30 s and pings every 15 s).
 * - server → client `{"type":"error","code":…,"message":…}` when a frame is
 *   refused, in part or whole; see {@link YjsErrorCode}. The connection stays
 *   open, and y-webrtc clients ignore the frame (they only read `publish`).
 *
 * A connection's subscriptions live in its {@link SignalingState} (PartyKit
 * connection state, kept across hibernation); a topic's subscribers are found
 * by scanning the open connections, so a subscribe or publish costs
 * O(connections × topics per connection), at most 32 comparisons per
 * connection.
 *
 * @module
 */
import * as v from "valibot";
import { parseJsonFrame } from "../../protocol/socket.ts";

/** Largest frame accepted, in bytes of UTF-8 (64 KiB: SDP offers are a few KiB, encrypted ones ~1.4× that). */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Most topics one connection may be subscribed to at once. */
export const MAX_TOPICS_PER_CONNECTION = 32;
/** Most connections subscribed to one topic (y-webrtc peers connect to at most 20–34 others anyway). */
export const MAX_SUBSCRIBERS_PER_TOPIC = 64;
/** Longest topic name, in bytes of UTF-8. */
export const MAX_TOPIC_BYTES = 128;
/** Most entries in one subscribe/unsubscribe frame's `topics`. */
export const MAX_TOPICS_PER_FRAME = 256;
/**
 * Largest serialized {@link SignalingState}, in bytes of UTF-8. PartyKit keeps
 * connection state in the socket's hibernation attachment, which Cloudflare
 * caps at 2,048 bytes together with the connection id and URL (see
 * `MAX_URL_LENGTH` in `party/yjs.ts`). 32 topics of 36 bytes (a UUID) fit.
 */
export const MAX_STATE_BYTES = 1280;

/** Stable codes of `error` frames. */
export const YjsErrorCode = v.picklist([
  /** The frame is over {@link MAX_FRAME_BYTES}. */
  "too_large",
  /** The frame is not JSON. */
  "bad_json",
  /** Binary frame, unknown `type`, or wrong fields (e.g. a topic over {@link MAX_TOPIC_BYTES}). */
  "bad_message",
  /** Subscribing would exceed {@link MAX_TOPICS_PER_CONNECTION} or {@link MAX_STATE_BYTES}. */
  "too_many_topics",
  /** The topic already has {@link MAX_SUBSCRIBERS_PER_TOPIC} subscribers. */
  "topic_full",
  /** A `publish` to a topic the sender has not subscribed to (y-webrtc always subscribes first). */
  "not_subscribed",
  /** More frames than `RATES.frame` of `limits.ts` allows (40 at once, then 20/s); the frame is dropped. */
  "rate_limited",
]);
export type YjsErrorCode = v.InferOutput<typeof YjsErrorCode>;

/** One topic name: 1 to {@link MAX_TOPIC_BYTES} bytes. */
const Topic = v.pipe(v.string(), v.minLength(1), v.maxBytes(MAX_TOPIC_BYTES));
/** `topics` of (un)subscribe; missing means none, as in the reference server. */
const Topics = v.optional(v.pipe(v.array(Topic), v.maxLength(MAX_TOPICS_PER_FRAME)), []);

/** Every frame a client may send. */
export const YjsClientFrame = v.variant("type", [
  v.object({ type: v.literal("subscribe"), topics: Topics }),
  v.object({ type: v.literal("unsubscribe"), topics: Topics }),
  /** Loose: everything besides `type` and `topic` is relayed as sent. */
  v.looseObject({ type: v.literal("publish"), topic: Topic }),
  v.object({ type: v.literal("ping") }),
]);
export type YjsClientFrame = v.InferOutput<typeof YjsClientFrame>;

/** Frames the server sends of its own (relayed `publish` frames aside). */
export type YjsServerFrame = { type: "pong" } | { type: "error"; code: YjsErrorCode; message: string };

/** What a connection keeps across hibernation: the topics it subscribed to, in order. */
export interface SignalingState {
  readonly topics: readonly string[];
}

/** A connection as this module sees it. `state` is `null` before its first subscribe. */
export interface SignalingPeer {
  readonly id: string;
  readonly state: SignalingState | null;
}

/** Result of parsing one frame. */
export type ParsedFrame =
  | { ok: true; frame: YjsClientFrame }
  | { ok: false; code: "too_large" | "bad_json" | "bad_message"; message: string };


const encoder = new TextEncoder();

/** Bytes of `text` in UTF-8. */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).byteLength;
}

/**
 * Validate one WebSocket frame.
 * @param raw the frame as received (binary frames are refused)
 * @returns the typed frame, or a code (`too_large`, `bad_json`,
 *   `bad_message`) with a reason that never echoes the input
 */
export function parseFrame(raw: string | ArrayBuffer | ArrayBufferView): ParsedFrame {
  const parsed = parseJsonFrame(YjsClientFrame, raw, MAX_FRAME_BYTES);
  return parsed.ok ? { ok: true, frame: parsed.message } : parsed;
}

/** Serialized size of `state`, in bytes of UTF-8. */
export function stateBytes(state: SignalingState): number {
  return utf8Bytes(JSON.stringify(state));
}

/** Whether `peer` is subscribed to `topic`. */
export function isSubscribed(peer: SignalingPeer, topic: string): boolean {
  return peer.state?.topics.includes(topic) ?? false;
}

/** The peers subscribed to `topic`, in iteration order. */
export function subscribersOf<P extends SignalingPeer>(peers: Iterable<P>, topic: string): P[] {
  const out: P[] = [];
  for (const peer of peers) if (isSubscribed(peer, topic)) out.push(peer);
  return out;
}

/** Outcome of {@link subscribe}. */
export interface SubscribeResult {
  /** The sender's new state (the old one when nothing changed). */
  state: SignalingState;
  /** Topics newly subscribed, in order. */
  added: string[];
  /** Refusals, at most one per code. */
  errors: Extract<YjsServerFrame, { type: "error" }>[];
}

/**
 * Subscribe `sender` to `topics`, in order; topics it already has are kept
 * once. Each topic is refused with `topic_full` when
 * {@link MAX_SUBSCRIBERS_PER_TOPIC} other peers have it, and with
 * `too_many_topics` once the state would exceed
 * {@link MAX_TOPICS_PER_CONNECTION} topics or {@link MAX_STATE_BYTES}; the
 * others are still subscribed (y-webrtc subscribes all its rooms in one frame).
 * @param peers the room's open connections (the sender among them or not)
 */
export function subscribe(sender: SignalingPeer, topics: readonly string[], peers: Iterable<SignalingPeer>): SubscribeResult {
  const current = sender.state?.topics ?? [];
  const wanted = [...new Set(topics)].filter((t) => !current.includes(t));
  const state: SignalingState = { topics: [...current] };
  if (wanted.length === 0) return { state: sender.state ?? state, added: [], errors: [] };

  const counts = new Map<string, number>(wanted.map((t) => [t, 0]));
  for (const peer of peers) {
    if (peer.id === sender.id || !peer.state) continue;
    for (const t of peer.state.topics) {
      const n = counts.get(t);
      if (n !== undefined) counts.set(t, n + 1);
    }
  }

  const added: string[] = [];
  let full = 0;
  let over = 0;
  const topicsNow = state.topics as string[];
  for (const topic of wanted) {
    if ((counts.get(topic) ?? 0) >= MAX_SUBSCRIBERS_PER_TOPIC) {
      full++;
      continue;
    }
    topicsNow.push(topic);
    if (topicsNow.length > MAX_TOPICS_PER_CONNECTION || stateBytes(state) > MAX_STATE_BYTES) {
      topicsNow.pop();
      over++;
      continue;
    }
    added.push(topic);
  }

  const errors: SubscribeResult["errors"] = [];
  if (full > 0) {
    errors.push({
      type: "error",
      code: "topic_full",
      message: `${full} topic(s) not subscribed: a topic has at most ${MAX_SUBSCRIBERS_PER_TOPIC} subscribers`,
    });
  }
  if (over > 0) {
    errors.push({
      type: "error",
      code: "too_many_topics",
      message: `${over} topic(s) not subscribed: a connection has at most ${MAX_TOPICS_PER_CONNECTION} topics (${MAX_STATE_BYTES} bytes of names)`,
    });
  }
  return { state: added.length > 0 ? state : sender.state ?? state, added, errors };
}

/** `state` without `topics`; topics not subscribed are ignored. */
export function unsubscribe(state: SignalingState | null, topics: readonly string[]): SignalingState {
  return { topics: (state?.topics ?? []).filter((t) => !topics.includes(t)) };
}

/**
 * The frame relayed for a `publish`: every field as sent (bar the keys valibot
 * drops: `__proto__`, `constructor`, `prototype`), with `clients` set to the
 * number of receivers, like the reference server.
 */
export function relayedPublish(frame: Extract<YjsClientFrame, { type: "publish" }>, clients: number): string {
  return JSON.stringify({ ...frame, clients });
}

/** What the room must do after one frame. */
export interface Effects<P extends SignalingPeer> {
  /** The sender's new state, when it changed. */
  state?: SignalingState;
  /** Frames for the sender only, in order. */
  replies: YjsServerFrame[];
  /** One serialized frame for each of `to` (a `publish` relay). */
  deliver?: { to: P[]; frame: string };
}

/**
 * Decide what one frame from `sender` does.
 * @param raw the WebSocket frame as received
 * @param sender the connection it came from, with its current state
 * @param peers the room's open connections with their states; iterated only
 *   for subscribe and publish
 * @returns the effects, to be carried out by the caller; never throws
 */
export function handleFrame<P extends SignalingPeer>(
  raw: string | ArrayBuffer | ArrayBufferView,
  sender: SignalingPeer,
  peers: () => Iterable<P>,
): Effects<P> {
  const parsed = parseFrame(raw);
  if (!parsed.ok) return { replies: [{ type: "error", code: parsed.code, message: parsed.message }] };
  const frame = parsed.frame;
  switch (frame.type) {
    case "ping":
      return { replies: [{ type: "pong" }] };
    case "subscribe": {
      const result = subscribe(sender, frame.topics, peers());
      return { ...(result.added.length > 0 ? { state: result.state } : {}), replies: result.errors };
    }
    case "unsubscribe": {
      if (!frame.topics.some((t) => sender.state?.topics.includes(t))) return { replies: [] };
      return { state: unsubscribe(sender.state, frame.topics), replies: [] };
    }
    case "publish": {
      if (!isSubscribed(sender, frame.topic)) {
        return { replies: [{ type: "error", code: "not_subscribed", message: "subscribe to a topic before publishing to it" }] };
      }
      const to = subscribersOf(peers(), frame.topic);
      if (to.length === 0) return { replies: [] };
      return { replies: [], deliver: { to, frame: relayedPublish(frame, to.length) } };
    }
  }
}
