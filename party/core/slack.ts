/**
 * Slack, in two modes:
 * - **webhook**: an incoming webhook (https://api.slack.com/messaging/webhooks),
 *   `POST {"text"}` as JSON; Slack answers `200 ok`. One-way.
 * - **bot**: the Web API method `chat.postMessage`
 *   (https://api.slack.com/methods/chat.postMessage) with a bot token, one
 *   thread per conversation (`thread_ts`), and replies typed in that thread
 *   coming back through the Events API (https://api.slack.com/apis/events-api),
 *   whose requests are verified with the signing secret
 *   (https://api.slack.com/authentication/verifying-requests-from-slack).
 * @module
 */
import type { CallLog, FileRef } from "../../protocol/socket.ts";
import { classify, retryAfter, type Delivery } from "./delivery.ts";

export type { Delivery };

/**
 * Escape text for Slack's mrkdwn (https://api.slack.com/reference/surfaces/formatting#escaping):
 * `&`, `<` and `>` become entities, so visitor text can never form a link,
 * a mention, `<!channel>` or `<!here>`.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** One message as posted to Slack. */
export interface SlackMessage {
  /** Who wrote: the visitor, or a host replying from the dashboard. */
  from: "visitor" | "host";
  text: string;
  /** Visitor's name, or the replying host's name. */
  name?: string;
  email?: string;
  page?: string;
  /** A call's notice rather than a message: how the call stands. */
  call?: CallLog;
  /** Bot mode: edit the notice already posted for this entry (`chat.update`) instead of posting. */
  update?: boolean;
  /** Where hosts answer calls (`DASHBOARD_URL`), linked from a ringing call's notice. */
  dashboardUrl?: string;
  /** Webhook mode: the dashboard opened at the message's conversation, linked when it carries files. */
  conversationUrl?: string;
  /** The files the message carries (named in `text` too). */
  files?: FileRef[];
  /**
   * Bot mode: this entry puts that one file of the message into the
   * conversation's thread ({@link uploadFile}) rather than posting text.
   */
  file?: FileRef;
  /** The file's bytes are at Slack under this `file_id`, waiting for `files.completeUploadExternal`. */
  file_id?: string;
}

const quote = (text: string) =>
  escapeSlackText(text)
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");

/**
 * The Slack text for one message. A visitor message that opens a conversation
 * says who wrote (name, email) and from which page; later ones in its thread
 * just quote the text. Every visitor-supplied part is escaped.
 */
export function slackText(message: SlackMessage, opensThread = true): string {
  if (message.call) return callNotice(message, message.call);
  if (message.conversationUrl && message.files?.length) {
    return `${slackText({ ...message, conversationUrl: undefined }, opensThread)}\n<${message.conversationUrl.replace(/\|/g, "%7C")}|Open the conversation in the dashboard> to see the ${message.files.length === 1 ? "file" : "files"}`;
  }
  if (message.from === "host") return `*${escapeSlackText(message.name ?? "Host")}* replied from the dashboard:\n${quote(message.text)}`;
  if (!opensThread) return quote(message.text);
  const who = message.name ? `*${escapeSlackText(message.name)}*` : "A visitor";
  const email = message.email ? ` (${escapeSlackText(message.email)})` : "";
  const where = message.page ? ` on ${escapeSlackText(message.page)}` : "";
  return `${who}${email} wrote${where}:\n${quote(message.text)}`;
}

/** `m:ss`. */
const minutes = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;

/**
 * A call's notice: "📞 Video call from *Ada* (email) on page — Answer: <link>"
 * while it rings, then who answered (and for how long), or that it was
 * missed, declined, cancelled or could not connect. The dashboard link is
 * the room's configuration; every visitor-supplied part is escaped.
 */
function callNotice(message: SlackMessage, call: CallLog): string {
  const kind = call.media === "video" ? "Video call" : "Audio call";
  const who = message.name ? `*${escapeSlackText(message.name)}*` : "a visitor";
  const email = message.email ? ` (${escapeSlackText(message.email)})` : "";
  const where = message.page ? ` on ${escapeSlackText(message.page)}` : "";
  const by = call.by ? ` by *${escapeSlackText(call.by)}*` : "";
  const from = `📞 ${kind} from ${who}${email}${where}`;
  switch (call.state) {
    case "ringing":
      return message.dashboardUrl ? `${from} — Answer: <${message.dashboardUrl.replace(/\|/g, "%7C")}|open the dashboard>` : from;
    case "in-call":
      return `${from} — answered${by}`;
    case "answered":
      return `${from} — answered${by}${call.durationS === undefined ? "" : `, ${minutes(call.durationS)}`}`;
    case "missed":
      return `📞 Missed ${kind.toLowerCase()} from ${who}${email}${where}`;
    case "declined":
      return `${from} — declined`;
    case "cancelled":
      return `${from} — cancelled by the caller`;
    case "failed":
      return `${from} — answered${by}, could not connect`;
  }
}

/** Webhook payload for one visitor message (the message, the name, the page). */
export function webhookPayload(message: Omit<SlackMessage, "from">): { text: string } {
  return { text: slackText({ ...message, from: "visitor" }) };
}

/** Web API errors worth retrying (https://api.slack.com/methods/chat.postMessage#errors, …/chat.update#errors). */
const TRANSIENT_API_ERRORS = new Set(["ratelimited", "service_unavailable", "internal_error", "fatal_error", "request_timeout"]);

/** Post to an incoming webhook. Never throws. */
export async function postWebhook(url: string, text: string): Promise<Delivery> {
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text }) });
    const bad = await classify(res, "webhook");
    if (bad) return bad;
    await res.body?.cancel();
    return { kind: "ok" };
  } catch (err) {
    return { kind: "retry", reason: `webhook unreachable: ${(err as Error).message}` };
  }
}

/** Bot-mode settings. */
export interface SlackBot {
  token: string;
  channel: string;
  /** Web API base, `https://slack.com/api` unless pointed elsewhere. */
  apiUrl: string;
}

/** The answer of a Web API method that said `ok: true`, or why it did not. */
type WebApiAnswer = { kind: "ok"; answer: Record<string, unknown> } | Exclude<Delivery, { kind: "ok" }>;

/**
 * Call Web API method `method` with the bot token: `body` as JSON, or
 * form-encoded (`application/x-www-form-urlencoded`) when `form`, as the
 * `files.*` methods take their arguments. HTTP 429/5xx and
 * {@link TRANSIENT_API_ERRORS} are `retry` (with `Retry-After`), any other
 * `ok: false` is `fail` with Slack's `error`. Never throws.
 */
async function webApi(bot: SlackBot, method: string, body: Record<string, string | number | boolean>, form = false): Promise<WebApiAnswer> {
  try {
    const res = await fetch(`${bot.apiUrl.replace(/\/$/, "")}/${method}`, {
      method: "POST",
      headers: { "content-type": form ? "application/x-www-form-urlencoded" : "application/json; charset=utf-8", authorization: `Bearer ${bot.token}` },
      body: form ? new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString() : JSON.stringify(body),
    });
    const bad = await classify(res, method);
    if (bad) return bad;
    const answer = (await res.json().catch(() => null)) as { ok?: boolean; error?: string } | null;
    if (answer?.ok) return { kind: "ok", answer };
    const error = answer?.error ?? "malformed response";
    return TRANSIENT_API_ERRORS.has(error)
      ? { kind: "retry", reason: `${method}: ${error}`, after: retryAfter(res) }
      : { kind: "fail", reason: `${method}: ${error}` };
  } catch (err) {
    return { kind: "retry", reason: `Slack unreachable: ${(err as Error).message}` };
  }
}

/** A Web API method that posts or edits a message; its answer carries the message's `ts`. Never throws. */
async function callWebApi(bot: SlackBot, method: "chat.postMessage" | "chat.update", body: Record<string, string | number | boolean>): Promise<Delivery> {
  const result = await webApi(bot, method, { channel: bot.channel, ...body });
  if (result.kind !== "ok") return result;
  return typeof result.answer.ts === "string" ? { kind: "ok", ts: result.answer.ts } : { kind: "fail", reason: `${method}: malformed response` };
}

/**
 * Put one file into a thread of the bot's channel with Slack's upload flow
 * (https://api.slack.com/messaging/files#uploading_files), from where it
 * stands:
 * 1. `files.getUploadURLExternal` (https://api.slack.com/methods/files.getUploadURLExternal),
 *    form-encoded `filename` and `length` (bytes) → `{ok, upload_url, file_id}`;
 * 2. `POST` the bytes to `upload_url` (HTTP 200 when stored);
 * 3. `files.completeUploadExternal` (https://api.slack.com/methods/files.completeUploadExternal),
 *    `files=[{"id": file_id, "title"}]`, `channel_id`, `thread_ts`, and
 *    `initial_comment` when given → `{ok, files}`.
 *
 * Steps 1–2 are skipped when `fileId` says the bytes are already at Slack;
 * `uploaded` is told the `file_id` once they are (to keep it, so a retry
 * only completes). A failure in steps 1–2 starts again from step 1 with a
 * new `file_id` next time. Never throws.
 * @param bytes the file's bytes (its length is `length`)
 * @returns `ok`, or `retry`/`fail` with Slack's `error` or the HTTP status
 */
export async function uploadFile(
  bot: SlackBot,
  file: { filename: string; title: string; bytes: () => Promise<Uint8Array<ArrayBuffer> | undefined>; threadTs: string; initialComment?: string; fileId?: string },
  uploaded: (fileId: string) => Promise<void>,
): Promise<Delivery> {
  let fileId = file.fileId;
  if (!fileId) {
    const bytes = await file.bytes();
    if (!bytes) return { kind: "fail", reason: "the file is no longer stored" };
    const got = await webApi(bot, "files.getUploadURLExternal", { filename: file.filename, length: bytes.length }, true);
    if (got.kind !== "ok") return got;
    const { upload_url: uploadUrl, file_id: newId } = got.answer;
    if (typeof uploadUrl !== "string" || typeof newId !== "string") return { kind: "fail", reason: "files.getUploadURLExternal: malformed response" };
    try {
      const res = await fetch(uploadUrl, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: bytes });
      const bad = await classify(res, "file upload");
      if (bad) return bad;
      await res.body?.cancel();
    } catch (err) {
      return { kind: "retry", reason: `Slack file upload unreachable: ${(err as Error).message}` };
    }
    fileId = newId;
    await uploaded(fileId);
  }
  const done = await webApi(
    bot,
    "files.completeUploadExternal",
    {
      files: JSON.stringify([{ id: fileId, title: file.title }]),
      channel_id: bot.channel,
      thread_ts: file.threadTs,
      ...(file.initialComment ? { initial_comment: file.initialComment } : {}),
    },
    true,
  );
  return done.kind === "ok" ? { kind: "ok" } : done;
}

/** `chat.postMessage`, into `threadTs` when given. Never throws. */
export function postMessage(bot: SlackBot, text: string, threadTs?: string): Promise<Delivery> {
  return callWebApi(bot, "chat.postMessage", { text, ...(threadTs ? { thread_ts: threadTs } : {}), unfurl_links: false });
}

/**
 * `chat.update` (https://api.slack.com/methods/chat.update): replace the
 * text of the bot's message `ts` in the channel. Never throws.
 */
export function updateMessage(bot: SlackBot, ts: string, text: string): Promise<Delivery> {
  return callWebApi(bot, "chat.update", { ts, text });
}

/** Requests older than this are refused (replay protection), in seconds. */
export const SIGNATURE_MAX_AGE_S = 5 * 60;

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  return Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
}

/**
 * Verify a request from Slack: `X-Slack-Signature` must be `v0=` + hex
 * HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>` keyed with the
 * signing secret, and the timestamp within {@link SIGNATURE_MAX_AGE_S} of now.
 * The comparison is Web Crypto's constant-time `verify`.
 */
export async function verifySlackSignature(
  secret: string,
  timestamp: string | null,
  signature: string | null,
  rawBody: string,
  now = Date.now(),
): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "missing or malformed timestamp" };
  if (Math.abs(now / 1000 - Number(timestamp)) > SIGNATURE_MAX_AGE_S) return { ok: false, reason: "stale timestamp" };
  const sig = signature?.startsWith("v0=") ? hexToBytes(signature.slice(3)) : null;
  if (!sig) return { ok: false, reason: "missing or malformed signature" };
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const valid = await crypto.subtle.verify("HMAC", key, sig, enc.encode(`v0:${timestamp}:${rawBody}`));
  return valid ? { ok: true } : { ok: false, reason: "bad signature" };
}

/** Sign a body as Slack does (for tests and tools): the `X-Slack-Signature` value. */
export async function signSlackRequest(secret: string, timestamp: string, rawBody: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(`v0:${timestamp}:${rawBody}`)));
  return `v0=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
