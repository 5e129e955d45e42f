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
 * - `signIn`: wrong host keys per client address (`POST host/session`),
 *   10 at once then one every 6 s.
 */
export const RATES = {
  frame: { burst: 40, perSecond: 20 },
  text: { burst: 5, perSecond: 1 / 3 },
  call: { burst: 3, perSecond: 1 / 10 },
  signIn: { burst: 10, perSecond: 1 / 6 },
} as const satisfies Record<string, Rate>;

export type RateName = keyof typeof RATES;

/**
 * Spend one token.
 * @returns the bucket after the attempt, and whether a token was available
 */
export function take(bucket: Bucket | undefined, rate: Rate, now: number): { ok: boolean; bucket: Bucket } {
  const start = bucket ?? { tokens: rate.burst, at: now };
  const elapsed = Math.max(0, now - start.at) / 1000;
  const tokens = Math.min(rate.burst, start.tokens + elapsed * rate.perSecond);
  if (tokens < 1) return { ok: false, bucket: { tokens, at: now } };
  return { ok: true, bucket: { tokens: tokens - 1, at: now } };
}
