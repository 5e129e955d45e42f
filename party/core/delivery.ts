/**
 * The outcome of one attempt to deliver something over HTTP (a Slack post,
 * a webhook event), and how an HTTP answer maps to it: 429 and 5xx are worth
 * retrying (honouring `Retry-After`, RFC 9110 §10.2.3), other 4xx are not.
 * The durable outbox (`outbox.ts`) acts on it.
 * @module
 */

/**
 * The outcome of one delivery attempt.
 * - `ok`: delivered; `ts` is the Slack message timestamp (Slack bot mode).
 * - `retry`: try again later (network error, 5xx, 429); `after` is the
 *   answer's `Retry-After` in ms when given.
 * - `fail`: permanent (4xx other than 429, or an API error such as Slack's
 *   `channel_not_found`); `reason` says why.
 */
export type Delivery =
  | { kind: "ok"; ts?: string }
  | { kind: "retry"; reason: string; after?: number }
  | { kind: "fail"; reason: string };

/** An answer's `Retry-After` in ms (the delay-seconds form), if it has one. */
export function retryAfter(res: Response): number | undefined {
  const header = res.headers.get("retry-after");
  const seconds = header === null || header.trim() === "" ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * What an HTTP answer means for a delivery, named `what` in reasons:
 * `retry` for 429 (with its `Retry-After`) and 5xx, `fail` for any other
 * non-2xx (with the start of its body), `undefined` for a 2xx.
 */
export async function classify(res: Response, what: string): Promise<Exclude<Delivery, { kind: "ok" }> | undefined> {
  if (res.status === 429) return { kind: "retry", reason: `${what}: HTTP 429 rate limited`, after: retryAfter(res) };
  if (res.status >= 500) return { kind: "retry", reason: `${what}: HTTP ${res.status}` };
  if (!res.ok) return { kind: "fail", reason: `${what}: HTTP ${res.status} ${(await res.text()).slice(0, 100)}` };
  return undefined;
}
