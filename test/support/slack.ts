/// <reference types="node" />
/**
 * A local stand-in for Slack, for tests without internet: an incoming
 * webhook, the Web API methods `chat.postMessage` and `chat.update`, Slack's
 * file upload flow and its file host, in Slack's wire formats.
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
 * Files, as Slack's upload flow takes them (https://api.slack.com/messaging/files#uploading_files):
 * - `POST /api/files.getUploadURLExternal` (form-encoded or JSON `filename`,
 *   `length` in bytes) → `{"ok": true, "upload_url", "file_id"}`, or
 *   `not_authed`, `invalid_auth`, `invalid_arguments` (no filename, a length
 *   that is not a positive integer);
 * - `POST <upload_url>` with the bytes → `200` `OK - <length>`; `400` when
 *   their number is not the `length` given, `404` for an unknown upload URL,
 *   `410` for one already used;
 * - `POST /api/files.completeUploadExternal` (`files` as a JSON array of
 *   `{"id", "title"}`, `channel_id`, optional `thread_ts`, `initial_comment`)
 *   → `{"ok": true, "files": [{"id", "title"}]}`, or the auth errors,
 *   `invalid_arguments`, `file_not_found` (an unknown `file_id`, one whose
 *   bytes never arrived, or one already completed), `channel_not_found`,
 *   `thread_not_found` (a `thread_ts` that is no message of that channel).
 *
 * Files shared in Slack ({@link SlackStandIn.shareFile}) are served at their
 * `url_private_download`, `GET` with `Authorization: Bearer <bot token>`:
 * `401` without it, `403` with another token, each download recorded.
 *
 * {@link SlackStandIn.failNext} scripts an outage: the next requests get the
 * given status (e.g. 500, or 429 with `Retry-After`) before normal service.
 *
 * Every request that reaches the webhook or the API is recorded, valid or not.
 *
 * @module
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import { createHash } from "node:crypto";
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

/** A file put into a channel with the upload flow, as the stand-in holds it. */
export interface SlackUpload {
  file_id: string;
  filename: string;
  /** Declared at `files.getUploadURLExternal`. */
  length: number;
  /** What arrived at the `upload_url` (undefined until then). */
  bytes?: Buffer;
  /** SHA-256 of `bytes`, lower-case hex. */
  sha256?: string;
  /** Set by `files.completeUploadExternal`. */
  completed?: { channel_id: string; thread_ts?: string; title?: string; initial_comment?: string };
}

/** A file shared in Slack, as a `file_share` message event carries it (https://api.slack.com/types/file). */
export interface SharedFile {
  id: string;
  name: string;
  mimetype: string;
  size: number;
  url_private_download: string;
}

/** A scripted failure answer. */
export interface Failure {
  status: number;
  /** e.g. `{"retry-after": "1"}` */
  headers?: Record<string, string>;
  body?: string;
  /** Only for a request to this path (e.g. `/api/files.completeUploadExternal`, or `/upload/` for any upload URL); else the next request. */
  path?: string;
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
  /** Files of the upload flow, by `files.getUploadURLExternal` order. */
  uploads: SlackUpload[];
  /** `GET`s of shared files' `url_private_download`, with the status answered. */
  downloads: { file_id: string; authorization?: string; status: number }[];
  /**
   * Share a file in Slack: served at the returned `url_private_download`
   * (bot token required) with `mimetype` as its `Content-Type`. `size`
   * defaults to the bytes' number (give another to lie, as a test may).
   */
  shareFile(bytes: Uint8Array, name: string, mimetype: string, size?: number): SharedFile;
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
  const uploads: SlackUpload[] = [];
  const shared = new Map<string, { bytes: Buffer; mimetype: string }>();
  const downloads: SlackStandIn["downloads"] = [];
  let fileCount = 0;
  let port = 0;
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

  /** The first scripted failure meant for a request to `path`, taken from the list. */
  const takeFailure = (path: string): Failure | undefined => {
    const index = failures.findIndex((f) => f.path === undefined || path.startsWith(f.path));
    return index < 0 ? undefined : failures.splice(index, 1)[0];
  };

  const authError = (headers: IncomingHttpHeaders): string | undefined =>
    !headers.authorization ? "not_authed" : headers.authorization !== `Bearer ${BOT_TOKEN}` ? "invalid_auth" : undefined;

  /** Arguments of a `files.*` method: form-encoded (as Slack recommends for them) or JSON. */
  const args = (headers: IncomingHttpHeaders, body: string, json: unknown): Record<string, unknown> =>
    (headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")
      ? Object.fromEntries(new URLSearchParams(body))
      : typeof json === "object" && json !== null
        ? (json as Record<string, unknown>)
        : {};

  /** files.getUploadURLExternal (https://api.slack.com/methods/files.getUploadURLExternal). */
  const getUploadURLExternal = (headers: IncomingHttpHeaders, json: unknown, body: string): { ok: boolean; [k: string]: unknown } => {
    const auth = authError(headers);
    if (auth) return { ok: false, error: auth };
    const { filename, length } = args(headers, body, json);
    const bytes = Number(length);
    if (typeof filename !== "string" || filename === "" || !Number.isSafeInteger(bytes) || bytes < 1) return { ok: false, error: "invalid_arguments" };
    const file_id = `F${String(++fileCount).padStart(9, "0")}`;
    uploads.push({ file_id, filename, length: bytes });
    return { ok: true, upload_url: `http://127.0.0.1:${port}/upload/v1/${file_id}`, file_id };
  };

  /** files.completeUploadExternal (https://api.slack.com/methods/files.completeUploadExternal). */
  const completeUploadExternal = (headers: IncomingHttpHeaders, json: unknown, body: string): { ok: boolean; [k: string]: unknown } => {
    const auth = authError(headers);
    if (auth) return { ok: false, error: auth };
    const given = args(headers, body, json);
    let files: unknown;
    try {
      files = typeof given.files === "string" ? JSON.parse(given.files) : given.files;
    } catch {
      return { ok: false, error: "invalid_arguments" };
    }
    if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === "object" && f !== null && typeof f.id === "string")) return { ok: false, error: "invalid_arguments" };
    const found = (files as { id: string; title?: unknown }[]).map((f) => ({ f, upload: uploads.find((u) => u.file_id === f.id) }));
    if (found.some(({ upload }) => !upload || !upload.bytes || upload.completed)) return { ok: false, error: "file_not_found" };
    const { channel_id, thread_ts, initial_comment } = given;
    if (channel_id !== CHANNEL_ID) return { ok: false, error: "channel_not_found" };
    if (thread_ts !== undefined && !posts.some((p) => p.channel === channel_id && p.ts === thread_ts)) return { ok: false, error: "thread_not_found" };
    for (const { f, upload } of found) {
      upload!.completed = {
        channel_id,
        ...(typeof thread_ts === "string" ? { thread_ts } : {}),
        ...(typeof f.title === "string" ? { title: f.title } : {}),
        ...(typeof initial_comment === "string" ? { initial_comment } : {}),
      };
    }
    return { ok: true, files: found.map(({ f, upload }) => ({ id: f.id, title: typeof f.title === "string" ? f.title : upload!.filename })) };
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const download = /^\/files-pri\/T000-(F\w+)\/download\/[^/]+$/.exec(path);
    if (download && req.method === "GET") {
      const file_id = download[1]!;
      const file = shared.get(file_id);
      const authorization = req.headers.authorization;
      const status = !file ? 404 : !authorization ? 401 : authorization !== `Bearer ${BOT_TOKEN}` ? 403 : 200;
      downloads.push({ file_id, ...(authorization ? { authorization } : {}), status });
      if (status !== 200) return reply(res, status, status === 404 ? "file_not_found" : "not_authed");
      res.writeHead(200, { "content-type": file!.mimetype, "content-length": String(file!.bytes.length) });
      return void res.end(file!.bytes);
    }
    const upload = /^\/upload\/v1\/(F\w+)$/.exec(path);
    if (upload) {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const bytes = Buffer.concat(chunks);
        const record: SlackRequest = { method: req.method ?? "", path, headers: req.headers, body: `<${bytes.length} bytes>`, json: undefined, status: 200 };
        requests.push(record);
        const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
          record.status = status;
          for (const notify of waiters) notify(record);
          res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
          res.end(text);
        };
        const failure = takeFailure(path);
        if (failure) return answer(failure.status, failure.body ?? "error", failure.headers);
        const target = uploads.find((u) => u.file_id === upload[1]);
        if (req.method !== "POST") return answer(405, "invalid_method", { allow: "POST" });
        if (!target) return answer(404, "not_found");
        if (target.bytes) return answer(410, "upload_url already used");
        if (bytes.length !== target.length) return answer(400, `length mismatch: ${bytes.length} bytes, ${target.length} declared`);
        target.bytes = bytes;
        target.sha256 = createHash("sha256").update(bytes).digest("hex");
        answer(200, `OK - ${bytes.length}`);
      });
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => setTimeout(handle, delays.shift() ?? 0));
    const handle = () => {
      const method = {
        "/api/chat.postMessage": postMessage,
        "/api/chat.update": chatUpdate,
        "/api/files.getUploadURLExternal": getUploadURLExternal,
        "/api/files.completeUploadExternal": completeUploadExternal,
      }[path];
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
      const failure = takeFailure(path);
      if (failure) return answer(failure.status, failure.body ?? "error", "text/plain; charset=utf-8", failure.headers);
      if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        return answer(405, "invalid_method");
      }
      if (method) return answer(200, JSON.stringify(method(req.headers, json, body)), "application/json; charset=utf-8");
      if (!isPayload(json)) return answer(400, "invalid_payload");
      answer(200, "ok");
    };
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  port = (server.address() as AddressInfo).port;

  return {
    webhookUrl: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    apiUrl: `http://127.0.0.1:${port}/api`,
    requests,
    posts,
    updates,
    uploads,
    downloads,
    shareFile(bytes, name, mimetype, size = bytes.length) {
      const id = `F${String(++fileCount).padStart(9, "0")}`;
      shared.set(id, { bytes: Buffer.from(bytes), mimetype });
      return { id, name, mimetype, size, url_private_download: `http://127.0.0.1:${port}/files-pri/T000-${id}/download/${encodeURIComponent(name)}` };
    },
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
