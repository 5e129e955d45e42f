/**
 * Token-bucket rate limiting, kept in connection state so it survives
 * hibernation. A bucket holds up to `burst` tokens and gains `perSecond`
 * tokens per second; each frame spends one.
 * @module
 */

/** A bucket's persisted form: tokens left and when they were counted (ms). */
export interface Bucket {
  tokens: number;
  at: number;
}

/** Capacity and refill of one bucket. */
export interface Rate {
  /** Largest burst, in frames. */
  burst: number;
  /** Refill, in frames per second. */
  perSecond: number;
}

/**
 * Default limits per connection.
 * - `frame`: every frame (floods of any kind), 40 at once then 20/s — enough
 *   for a burst of ICE candidates.
 * - `text`: visitor messages, 5 at once then one every 3 s (20/min).
 * - `call`: call requests, 3 at once then one every 10 s.
 * - `typing`: typing notices, 3 at once then one a second (clients send one
 *   every 3 s); those beyond are dropped without an error.
 * - `signIn`: wrong host keys per client address (`POST host/session`),
 *   10 at once then one every 6 s.
 * - `meetingSignal`: `meeting-signal` frames (instead of `frame`): a
 *   participant joining a meeting of five negotiates with four peers at
 *   once, 160 at once then 80/s.
 */
export const RATES = {
  frame: { burst: 40, perSecond: 20 },
  text: { burst: 5, perSecond: 1 / 3 },
  call: { burst: 3, perSecond: 1 / 10 },
  typing: { burst: 3, perSecond: 1 },
  signIn: { burst: 10, perSecond: 1 / 6 },
  meetingSignal: { burst: 160, perSecond: 80 },
} as const satisfies Record<string, Rate>;

export type RateName = keyof typeof RATES;

/**
 * Limits per client address (`cf-connecting-ip`) in one room, on top of the
 * per-connection ones, so reconnecting does not buy a fresh allowance:
 * - `socket`: new visitor sockets, 30 at once then one every 2 s;
 * - `conversation`: new conversations, 5 at once then one a minute;
 * - `text`: visitor messages, 20 at once then one every 3 s;
 * - `call`: call requests, 6 at once then one every 10 s;
 * - `upload`: new uploads by visitors (`POST upload`), 10 at once then one every 30 s;
 * - `pin`: meeting PINs tried (`meeting-join`), 5 at once then one every 30 s
 *   (a right PIN gives its token back);
 * - `decline`: decline tokens tried (`POST decline`), 10 at once then one
 *   every 6 s (a right token gives its token back).
 * Kept in the room's memory (a room woken from hibernation starts them full).
 */
export const ADDRESS_RATES = {
  socket: { burst: 30, perSecond: 1 / 2 },
  conversation: { burst: 5, perSecond: 1 / 60 },
  text: { burst: 20, perSecond: 1 / 3 },
  call: { burst: 6, perSecond: 1 / 10 },
  upload: { burst: 10, perSecond: 1 / 30 },
  pin: { burst: 5, perSecond: 1 / 30 },
  decline: { burst: 10, perSecond: 1 / 6 },
} as const satisfies Record<string, Rate>;

export type AddressRateName = keyof typeof ADDRESS_RATES;

/** Visitor sockets open at once from one address in one room. */
export const MAX_SOCKETS_PER_ADDRESS = 30;
/** Messages kept in one conversation; beyond, `conversation_full`. */
export const MAX_MESSAGES_PER_CONVERSATION = 1000;
/** Conversations kept in one room; beyond, a new one is refused with `room_full`. */
export const MAX_CONVERSATIONS = 10_000;
/** Bytes of conversations kept in one room (JSON size); beyond, new messages are refused with `room_full`. */
export const MAX_ROOM_BYTES = 100 * 1024 * 1024;

const MiB = 1024 * 1024;
/**
 * Bytes the `yjs` party relays (a frame's UTF-8 size times its receivers),
 * so a few sockets cannot flood a subscriber: per socket 2 MiB at once then
 * 512 KiB/s, per room 8 MiB at once then 2 MiB/s. y-webrtc's signaling (SDP
 * and candidates, a few KiB each) stays far below.
 */
export const RELAY_BYTES = {
  socket: { burst: 2 * MiB, perSecond: MiB / 2 },
  room: { burst: 8 * MiB, perSecond: 2 * MiB },
} as const satisfies Record<string, Rate>;

/**
 * Spend `cost` tokens (one by default).
 * @returns the bucket after the attempt, and whether that many tokens were available
 */
export function take(bucket: Bucket | undefined, rate: Rate, now: number, cost = 1): { ok: boolean; bucket: Bucket } {
  const start = bucket ?? { tokens: rate.burst, at: now };
  const elapsed = Math.max(0, now - start.at) / 1000;
  const tokens = Math.min(rate.burst, start.tokens + elapsed * rate.perSecond);
  if (tokens < cost) return { ok: false, bucket: { tokens, at: now } };
  return { ok: true, bucket: { tokens: tokens - cost, at: now } };
}
