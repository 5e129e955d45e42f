/**
 * The main party's HTTP endpoints, under `/parties/main/<room>`. Every answer
 * is JSON with CORS headers (`Access-Control-Allow-Origin` is the request's
 * origin when it is in `ALLOWED_ORIGINS`, `*` when that is unset); errors are
 * `{"error": <code>, "message": <reason>}`.
 *
 * - `GET presence[?conversation=<token>]` → `200 {"available": boolean, "unread"?: number}`.
 * - `POST host/session` `{"key": string}` → `200 {"token", "name"}` |
 *   `400 bad_json` | `401 forbidden` (wrong key) | `429 rate_limited` with
 *   `Retry-After` (seconds) after 10 wrong keys from one address
 *   (`cf-connecting-ip`) in any room of the deployment, then one per 6 s
 *   (see `guard.ts`) | `503 unavailable` when no host
 *   is configured (or its key is too short; the message says which).
 * - `POST slack/events`: Slack's Events API (see `slack-bridge.ts`).
 * - `OPTIONS` anything → `204` (CORS preflight); anything else → `404 not_found`.
 * @module
 */
import { findHost, issueHostToken } from "./auth.ts";
import type { RoomConfig } from "./config.ts";
import type { GuardAnswer } from "./guard.ts";
import type { SlackBridge } from "./slack-bridge.ts";

/** Longest host key read, in characters. */
const MAX_KEY_LENGTH = 1024;

function corsHeaders(origin: string | null, allowed: ReadonlySet<string> | undefined): Record<string, string> {
  return {
    "content-type": "application/json",
    "access-control-allow-origin": allowed ? (origin && allowed.has(origin) ? origin : "null") : "*",
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "content-type",
    vary: "origin",
  };
}

/** What the routes need from the room. */
export interface RouteContext {
  /** The room's name and configuration (host tokens are bound to the name). */
  id: string;
  config: RoomConfig;
  available(): boolean;
  /** Unread host messages of the conversation whose token is given, or undefined. */
  unread(conversationToken: string): Promise<number | undefined>;
  slack: SlackBridge;
  /** Ask the sign-in guard of a client address (`/take` or `/refund`, see `guard.ts`). */
  guard(address: string, action: "take" | "refund"): Promise<Response>;
}

export class Routes {
  async handle(req: Request, room: RouteContext): Promise<Response> {
    const headers = corsHeaders(req.headers.get("origin"), room.config.allowedOrigins);
    const json = (body: unknown, status = 200, extra: Record<string, string> = {}) =>
      new Response(JSON.stringify(body), { status, headers: { ...headers, ...extra } });
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers });
    const url = new URL(req.url);
    const path = url.pathname;
    if (path.endsWith("/presence") && req.method === "GET") {
      const token = url.searchParams.get("conversation");
      const unread = token ? await room.unread(token) : undefined;
      return json({ available: room.available(), ...(unread !== undefined ? { unread } : {}) });
    }
    if (path.endsWith("/slack/events") && req.method === "POST") {
      const answer = await room.slack.event(await req.text(), req.headers.get("x-slack-request-timestamp"), req.headers.get("x-slack-signature"));
      return json(answer.body, answer.status);
    }
    if (path.endsWith("/host/session") && req.method === "POST") {
      const answer = await this.signIn(req, room);
      return json(answer.body, answer.status, answer.headers);
    }
    return json({ error: "not_found", message: "No such endpoint" }, 404);
  }

  /** `POST host/session`: a host key for a host token. */
  private async signIn(req: Request, room: RouteContext): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const { hosts } = room.config;
    // The body is read first, whatever the answer: a client is never left sending into a closed request.
    let key: unknown;
    let malformed = false;
    try {
      key = ((await req.json()) as { key?: unknown } | null)?.key;
    } catch {
      malformed = true;
    }
    if (hosts.size === 0) return { status: 503, body: { error: "unavailable", message: room.config.hostsProblem ?? "No host is configured" } };
    if (malformed) return { status: 400, body: { error: "bad_json", message: 'Body must be JSON {"key": string}' } };
    const client = req.headers.get("cf-connecting-ip") ?? "unknown";
    let attempt: GuardAnswer;
    try {
      attempt = (await (await room.guard(client, "take")).json()) as GuardAnswer;
    } catch (err) {
      console.error(`sign-in guard: ${(err as Error).message}`);
      return { status: 503, body: { error: "unavailable", message: "Sign-in is busy; try again in a moment" }, headers: { "retry-after": "1" } };
    }
    if (!attempt.ok) {
      return { status: 429, body: { error: "rate_limited", message: "Too many wrong host keys; wait a minute" }, headers: { "retry-after": String(attempt.retryAfter ?? 60) } };
    }
    const name = typeof key === "string" && key.length <= MAX_KEY_LENGTH ? await findHost(hosts, key) : undefined;
    if (!name) return { status: 401, body: { error: "forbidden", message: "Wrong host key" } };
    // A right key gives its try back: the real host is never slowed down by its own sign-ins.
    await (await room.guard(client, "refund")).body?.cancel();
    return { status: 200, body: { token: await issueHostToken(hosts.get(name)!, name, room.id, Date.now(), room.config.hostSessionS), name } };
  }
}
