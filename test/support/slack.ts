/// <reference types="node" />
/**
 * A local stand-in for Slack, for tests without internet: an incoming
 * webhook and the Web API methods `chat.postMessage` and `chat.update`, in Slack's wire formats.
 *
 * The webhook answers like `hooks.slack.com/services/T…/B…/…` does:
 * - `POST` to the webhook path with a JSON body holding `text` or `blocks`
 *   → `200`, `text/plain` body `ok`;
 * - `POST` with invalid JSON, or with neither `text` nor `blocks`
 *   → `400` `invalid_payload`;
 * - any other path → `404` `no_service`;
 * - any other method on the webhook path → `405`.
 *
 * `POST /api/chat.postMessage` answers like `slack.com/api/chat.postMessage`
 * (https://api.slack.com/methods/chat.postMessage): HTTP 200 with
 * `{"ok": true, "channel", "ts", "message"}`, or `{"ok": false, "error"}`
 * (`not_authed`, `invalid_auth`, `channel_not_found`, `no_text`).
 * `POST /api/chat.update` edits one of those (https://api.slack.com/methods/chat.update):
 * `{"ok": true, "channel", "ts", "text"}`, or `message_not_found` for a `ts`
 * it never posted, and the same auth, channel and text errors.
 *
 * {@link SlackStandIn.failNext} scripts an outage: the next requests get the
 * given status (e.g. 500, or 429 with `Retry-After`) before normal service.
 *
 * Every request that reaches the webhook or the API is recorded, valid or not.
 *
 * @module
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Path of the one webhook this stand-in serves. */
const WEBHOOK_PATH = "/services/T000/B000/XXXX";
/** The bot token and channel `chat.postMessage` accepts. */
export const BOT_TOKEN = "xoxb-0000-test-token";
export const CHANNEL_ID = "C0CONTACT";

/** One request received on the webhook path. */
export interface SlackRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Raw body as UTF-8. */
  body: string;
  /** Parsed body, or `undefined` if it was not JSON. */
  json: unknown;
  /** HTTP status the stand-in answered. */
  status: number;
}

/** A message `chat.postMessage` accepted. */
export interface SlackPost {
  channel: string;
  text: string;
  ts: string;
  thread_ts?: string;
}

/** An edit `chat.update` accepted. */
export interface SlackUpdate {
  channel: string;
  ts: string;
  text: string;
}

/** A scripted failure answer. */
export interface Failure {
  status: number;
  /** e.g. `{"retry-after": "1"}` */
  headers?: Record<string, string>;
  body?: string;
}

export interface SlackStandIn {
  /** `http://127.0.0.1:PORT/services/T000/B000/XXXX` */
  webhookUrl: string;
  /** `http://127.0.0.1:PORT/api`, for `SLACK_API_URL`. */
  apiUrl: string;
  /** Requests received on the webhook path and the API, oldest first. */
  requests: SlackRequest[];
  /** Messages `chat.postMessage` accepted, oldest first (their `text` as last edited). */
  posts: SlackPost[];
  /** Edits `chat.update` accepted, oldest first. */
  updates: SlackUpdate[];
  /** Answer the next requests (webhook or API) with these failures, in order. */
  failNext(...failures: Failure[]): void;
  /** Answer the next requests as usual, but each only after its delay (ms), in order. */
  slowNext(...delaysMs: number[]): void;
  /**
   * Resolve with the first request (already received or still to come) that
   * matches `pred`; reject after `timeoutMs`.
   */
  waitForRequest(pred?: (r: SlackRequest) => boolean, timeoutMs?: number): Promise<SlackRequest>;
  stop(): Promise<void>;
}

function reply(res: ServerResponse, status: number, body: string): void {
  // Only for paths outside the stand-in (404): nothing to record.
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
}

function isPayload(json: unknown): boolean {
  if (typeof json !== "object" || json === null) return false;
  const { text, blocks } = json as { text?: unknown; blocks?: unknown };
  return (typeof text === "string" && text.length > 0) || Array.isArray(blocks);
}

/** Start the stand-in on a free port of 127.0.0.1. */
export async function startSlackStandIn(): Promise<SlackStandIn> {
  const requests: SlackRequest[] = [];
  const posts: SlackPost[] = [];
  const updates: SlackUpdate[] = [];
  const failures: Failure[] = [];
  const delays: number[] = [];
  const waiters = new Set<(r: SlackRequest) => void>();
  let clock = 1_800_000_000;

  /** chat.postMessage, as Slack answers it. */
  const postMessage = (headers: IncomingHttpHeaders, json: unknown): { ok: boolean; [k: string]: unknown } => {
    const auth = headers.authorization;
    if (!auth) return { ok: false, error: "not_authed" };
    if (auth !== `Bearer ${BOT_TOKEN}`) return { ok: false, error: "invalid_auth" };
    const { channel, text, thread_ts } = (json ?? {}) as { channel?: unknown; text?: unknown; thread_ts?: unknown };
    if (channel !== CHANNEL_ID) return { ok: false, error: "channel_not_found" };
    if (typeof text !== "string" || text === "") return { ok: false, error: "no_text" };
    const ts = `${clock++}.000100`;
    const post: SlackPost = { channel, text, ts, ...(typeof thread_ts === "string" ? { thread_ts } : {}) };
    posts.push(post);
    return { ok: true, channel, ts, message: { type: "message", text, ts, ...(post.thread_ts ? { thread_ts: post.thread_ts } : {}) } };
  };

  /**
   * chat.update, as Slack answers it (https://api.slack.com/methods/chat.update):
   * the bot's own message `ts` in `channel`, else `message_not_found`.
   */
  const chatUpdate = (headers: IncomingHttpHeaders, json: unknown): { ok: boolean; [k: string]: unknown } => {
    const auth = headers.authorization;
    if (!auth) return { ok: false, error: "not_authed" };
    if (auth !== `Bearer ${BOT_TOKEN}`) return { ok: false, error: "invalid_auth" };
    const { channel, ts, text } = (json ?? {}) as { channel?: unknown; ts?: unknown; text?: unknown };
    if (channel !== CHANNEL_ID) return { ok: false, error: "channel_not_found" };
    if (typeof text !== "string" || text === "") return { ok: false, error: "no_text" };
    const post = posts.find((p) => p.ts === ts);
    if (!post || typeof ts !== "string") return { ok: false, error: "message_not_found" };
    post.text = text;
    updates.push({ channel, ts, text });
    return { ok: true, channel, ts, text };
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => setTimeout(handle, delays.shift() ?? 0));
    const handle = () => {
      const method = { "/api/chat.postMessage": postMessage, "/api/chat.update": chatUpdate }[path];
      const api = method !== undefined;
      if (path !== WEBHOOK_PATH && !api) return reply(res, 404, "no_service");
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const record: SlackRequest = { method: req.method ?? "", path, headers: req.headers, body, json, status: 200 };
      requests.push(record);
      const answer = (status: number, text: string, type = "text/plain; charset=utf-8", headers: Record<string, string> = {}) => {
        record.status = status;
        for (const notify of waiters) notify(record);
        res.writeHead(status, { "content-type": type, ...headers });
        res.end(text);
      };
      const failure = failures.shift();
      if (failure) return answer(failure.status, failure.body ?? "error", "text/plain; charset=utf-8", failure.headers);
      if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        return answer(405, "invalid_method");
      }
      if (method) return answer(200, JSON.stringify(method(req.headers, json)), "application/json; charset=utf-8");
      if (!isPayload(json)) return answer(400, "invalid_payload");
      answer(200, "ok");
    };
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    webhookUrl: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    apiUrl: `http://127.0.0.1:${port}/api`,
    requests,
    posts,
    updates,
    failNext: (...more) => void failures.push(...more),
    slowNext: (...more) => void delays.push(...more),
    waitForRequest(pred = () => true, timeoutMs = 10_000) {
      const seen = requests.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching Slack request within ${timeoutMs} ms; got ${JSON.stringify(requests.map((r) => r.body))}`));
        }, timeoutMs);
        const check = (r: SlackRequest): void => {
          if (!pred(r)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(r);
        };
        waiters.add(check);
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
