/**
 * The sign-in guard: one per client address for the whole deployment (a
 * Durable Object named by the address), asked by every room before it checks
 * a host key. A host key is valid in every room, so a limit kept by each room
 * would give a guesser fresh tries with each new room name; kept here, the
 * address has one allowance wherever it tries.
 *
 * The allowance is {@link RATES}`.signIn`: 10 tries at once, then one every
 * 6 s. A try is taken before the key is checked (so concurrent guesses cannot
 * overrun it) and given back when the key was right, so the real host's own
 * sign-ins never use it up; another address is never affected.
 *
 * Requests (from rooms only; the edge refuses this party from outside):
 * - `POST /take` → `200 {"ok": true}` | `429 {"ok": false, "retryAfter": <seconds>}`
 * - `POST /refund` → `204`
 * The bucket is kept in storage (key `bucket`), so an evicted guard forgets nothing.
 * @module
 */
import * as v from "valibot";
import { RATES, take, type Bucket } from "./limits.ts";
import type { RoomRuntime } from "./runtime.ts";

/** The guard's answer to `POST /take`, read by the room with this schema. */
export const GuardAnswer = v.object({
  /** Whether the try is allowed. */
  ok: v.boolean(),
  /** Seconds until the next try is allowed, when refused. */
  retryAfter: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type GuardAnswer = v.InferOutput<typeof GuardAnswer>;

export class SignInGuard {
  constructor(private readonly runtime: RoomRuntime) {}

  async onRequest(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    if (req.method !== "POST") return new Response(null, { status: 405 });
    const storage = this.runtime.storage;
    const bucket = await storage.get<Bucket>("bucket");
    const now = Date.now();
    if (path.endsWith("/take")) {
      const attempt = take(bucket, RATES.signIn, now);
      await storage.put("bucket", attempt.bucket);
      if (attempt.ok) return Response.json({ ok: true } satisfies GuardAnswer);
      const retryAfter = Math.ceil((1 - attempt.bucket.tokens) / RATES.signIn.perSecond);
      return Response.json({ ok: false, retryAfter } satisfies GuardAnswer, { status: 429 });
    }
    if (path.endsWith("/refund")) {
      if (bucket) await storage.put("bucket", { tokens: Math.min(RATES.signIn.burst, bucket.tokens + 1), at: bucket.at });
      return new Response(null, { status: 204 });
    }
    return new Response(null, { status: 404 });
  }
}
