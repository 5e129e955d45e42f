/**
 * Resumable uploads of a file to a conversation, over the room's endpoints of
 * `protocol/http.ts`: `POST upload`, `PUT upload/part?id&offset`,
 * `GET upload/status?id`, each with `Authorization: Bearer <token>`.
 *
 * A file goes in parts of the room's `partBytes`, in order. A part whose
 * answer was lost is sent again (the room acknowledges a part it holds without
 * writing it twice); a `409 conflict` says where to go on from; a dropped
 * connection is retried with backoff, then resumed from the last byte the room
 * acknowledged (`GET upload/status`). An unfinished upload is remembered in
 * `localStorage` under the file's SHA-256, so the same file picked again after
 * a reload goes on where it stopped instead of starting over: one file for
 * one upload, never two.
 *
 * It speaks to the endpoints with `fetch` and checks the answers' shapes by
 * hand, without the schemas of `protocol/http.ts` (valibot's validators would
 * weigh on the visitor's chunks); an answer of another shape is an
 * `UploadError` with the answer's status.
 * @module
 */
import { HTTP_ERROR_CODES, MAX_FILE_NAME_LENGTH, bearer, type ErrorStatus, type UploadProgress } from "../../protocol/http.ts";
import { mediaType } from "../../protocol/media.ts";
import type { FileRef } from "../../protocol/socket.ts";
import { fetchRoom, storagePrefix, type RoomAddress } from "../room/address.ts";
import { local } from "../room/storage.ts";

/** How an upload is made. */
export interface UploadOptions {
  /** The visitor's conversation token, or a host token (`POST host/session`). */
  token: string;
  /** With a host token: the conversation the file is for (a visitor's token names its own). */
  conversationId?: string;
  /** A recording's length in seconds (required by the room for `audio/*` and `video/*`). */
  durationS?: number;
  /** Called as the room acknowledges bytes: bytes it holds, of the file's size. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** Aborts the upload (it stays resumable: the same file uploaded again goes on from where it stopped). */
  signal?: AbortSignal;
}

/**
 * Why an upload failed. `code` is the room's HTTP error code
 * (`HTTP_ERROR_CODES` of `protocol/http.ts`), or one of the client's own:
 * - `too_large` (413): over `MAX_ATTACHMENT_MB` (then `maxBytes`, the room's
 *   `maxBytes`: the largest file it takes), or a recording over `MAX_RECORDING_S`;
 * - `unsupported_type` (415, or 0 when refused before asking the room): not
 *   one of `protocol/media.ts`;
 * - `mismatch` (422): the file's bytes are not of its type (an `.html`
 *   renamed `.png`), or it changed while uploading (SHA-256);
 * - `quota_exceeded` (507): the room's files would exceed `MEDIA_QUOTA_MB`;
 * - `rate_limited` (429): too many uploads open or started (after waiting
 *   `Retry-After` once);
 * - `forbidden` (403), `not_found` (404: no such conversation), `bad_json` (400);
 * - `network` (status 0): the room could not be reached after the retries;
 * - `unavailable` (503, or a platform's error page).
 */
export class UploadError extends Error {
  override readonly name = "UploadError";
  /**
   * @param code the room's error code, or `network`
   * @param status the HTTP status, 0 when no answer (or refused before asking)
   * @param maxBytes for `too_large`, the largest file the room takes, when known
   */
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly maxBytes?: number,
  ) {
    super(message);
  }
}

/** What is remembered of an unfinished upload, under its file's SHA-256. */
interface Unfinished {
  id: string;
  sha256: string;
  name?: string;
  size: number;
  type: string;
  conversationId?: string;
}

/** Waits between retries of a request the network dropped, in ms (then the upload fails with `network`). */
export const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000];

/** The storage key of an unfinished upload of the file whose SHA-256 is `sha256` to the room at `address`. */
export function unfinishedKey(address: RoomAddress, sha256: string): string {
  return `${storagePrefix("contact-me:upload", address)}:${sha256}`;
}

/** The SHA-256 of `blob`, 64 lower-case hex digits (Web Crypto). */
export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Uploads of the same file to the same room in progress in this page, by storage key: joined, not repeated. */
const inFlight = new Map<string, Promise<FileRef>>();

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/**
 * Upload `file` to the room at `address` and return it as a message carries
 * it, once the room has stored it whole (its first bytes and SHA-256
 * checked). Put the returned `id` in a `text` or `reply` frame's `files`.
 *
 * ```ts
 * const ref = await uploadFile(address, input.files[0], { token, onProgress: (sent, total) => bar.value = sent / total });
 * socket.send({ type: "text", text: "", clientId, files: [ref.id] });
 * ```
 * @param file its `type` must be one of `protocol/media.ts` (parameters such
 *   as `;codecs=opus` are dropped); its `name`, when it has one, is kept
 * @returns `{id, type, name?, size, durationS?}` (`FileRef` of `protocol/socket.ts`)
 * @throws {UploadError} with the room's code (see {@link UploadError})
 * @throws the signal's reason when aborted
 */
export function uploadFile(address: RoomAddress, file: Blob & { name?: string }, options: UploadOptions): Promise<FileRef> {
  return (async () => {
    const type = mediaType(file.type);
    if (!type) throw new UploadError("unsupported_type", 0, `Type not accepted: ${file.type || "unknown"}`);
    const sha256 = await sha256Hex(file);
    const key = unfinishedKey(address, sha256);
    const running = inFlight.get(key);
    if (running) return running;
    const upload = run(address, file, type, sha256, key, options);
    inFlight.set(key, upload);
    try {
      return await upload;
    } finally {
      inFlight.delete(key);
    }
  })();
}

/** An answer of the room: its status, JSON body, and `Retry-After` in seconds. */
interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfter?: number;
}

/** Whether `body` says where an upload stands: an `UploadCreated` or an `UploadProgress` (`protocol/http.ts`). */
function isUpload(body: Record<string, unknown>): boolean {
  return typeof body.id === "string" && typeof body.offset === "number" && typeof body.partBytes === "number" && body.partBytes > 0;
}

/** Whether `body` is an `UploadProgress` (`protocol/http.ts`), its `file` present once complete. */
function isProgress(body: Record<string, unknown>): body is UploadProgress & Record<string, unknown> {
  const file = body.file as Record<string, unknown> | undefined;
  return (
    typeof body.id === "string" &&
    typeof body.offset === "number" &&
    typeof body.size === "number" &&
    typeof body.partBytes === "number" &&
    body.partBytes > 0 &&
    typeof body.complete === "boolean" &&
    (!body.complete || (!!file && typeof file.id === "string" && typeof file.type === "string" && typeof file.size === "number"))
  );
}

async function run(address: RoomAddress, file: Blob & { name?: string }, type: string, sha256: string, key: string, options: UploadOptions): Promise<FileRef> {
  const { token, signal } = options;
  const name = file.name ? file.name.slice(0, MAX_FILE_NAME_LENGTH) : undefined;

  /** One request to the room; network failures are retried with backoff, then an {@link UploadError} `network`. */
  async function request(path: string, init: RequestInit, query?: Record<string, string>): Promise<Answer> {
    for (let i = 0; ; i++) {
      signal?.throwIfAborted();
      let res: Response;
      try {
        res = await fetchRoom(address, path, { ...init, headers: { ...bearer(token), ...(init.headers as Record<string, string>) }, signal }, query);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (i >= RETRY_DELAYS_MS.length) throw new UploadError("network", 0, `The room could not be reached: ${String(error)}`);
        await sleep(RETRY_DELAYS_MS[i]!, signal);
        continue;
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        body = undefined;
      }
      const retry = res.headers.get("retry-after");
      const answer: Answer = { status: res.status, body: body && typeof body === "object" ? (body as Record<string, unknown>) : {} };
      if (retry && /^\d{1,9}$/.test(retry.trim())) answer.retryAfter = Number(retry.trim());
      if (res.ok ? !isUpload(answer.body) : typeof answer.body.error !== "string") {
        // A platform's error page, or an answer of another shape.
        throw new UploadError(HTTP_ERROR_CODES[res.status as ErrorStatus] ?? "unavailable", res.status, `${init.method ?? "GET"} ${path}: HTTP ${res.status}, not the room's answer`);
      }
      return answer;
    }
  }
  /** A refusal as an {@link UploadError}. */
  const refused = (answer: Answer) => {
    const code = String(answer.body.error);
    const message = String(answer.body.message ?? code);
    const maxBytes = typeof answer.body.maxBytes === "number" ? answer.body.maxBytes : undefined;
    return new UploadError(code, answer.status, message, maxBytes);
  };
  const done = (progress: UploadProgress): FileRef => {
    local.remove(key);
    const f = progress.file!;
    options.onProgress?.(f.size, f.size);
    return { id: f.id, type: f.type, size: f.size, ...(f.name !== undefined ? { name: f.name } : {}), ...(f.durationS !== undefined ? { durationS: f.durationS } : {}) };
  };
  const status = (id: string) => request("upload/status", { method: "GET" }, { id });

  // Go on with an unfinished upload of this file, when the room still has it.
  let id: string | undefined;
  let offset = 0;
  let partBytes = 0;
  const remembered = readUnfinished(key);
  if (remembered && remembered.size === file.size && remembered.type === type && remembered.conversationId === options.conversationId) {
    const answer = await status(remembered.id);
    if (isProgress(answer.body)) {
      if (answer.body.complete) return done(answer.body);
      ({ id, offset, partBytes } = answer.body);
    } else local.remove(key); // expired, discarded, or not this token's
  }
  if (id === undefined) {
    const body = JSON.stringify({
      type,
      size: file.size,
      sha256,
      ...(name ? { name } : {}),
      ...(options.durationS !== undefined ? { durationS: options.durationS } : {}),
      ...(options.conversationId ? { conversationId: options.conversationId } : {}),
    });
    const create = () => request("upload", { method: "POST", headers: { "content-type": "application/json" }, body });
    let answer = await create();
    if (answer.status === 429 && answer.retryAfter !== undefined && answer.retryAfter <= 30) {
      await sleep(answer.retryAfter * 1000, signal);
      answer = await create();
    }
    // The answer to `POST upload` is an `UploadCreated`: an `UploadProgress` without `size` and `complete`.
    if (answer.status !== 200) throw refused(answer);
    ({ id, offset, partBytes } = answer.body as unknown as UploadProgress);
    const unfinished: Unfinished = { id, sha256, size: file.size, type, ...(name ? { name } : {}), ...(options.conversationId ? { conversationId: options.conversationId } : {}) };
    local.set(key, JSON.stringify(unfinished));
  }

  const uploadId = id;
  let waits = 0;
  for (;;) {
    options.onProgress?.(offset, file.size);
    const at = offset;
    const bytes = file.slice(at, Math.min(at + partBytes, file.size));
    let answer: Answer;
    try {
      answer = await request("upload/part", { method: "PUT", headers: { "content-type": "application/octet-stream" }, body: bytes }, { id: uploadId, offset: String(at) });
    } catch (error) {
      if (!(error instanceof UploadError) || error.code !== "network") throw error;
      // The retries of this part failed; one last look at where the room stands before giving up.
      const where = await status(uploadId).catch(() => undefined);
      if (!where || !isProgress(where.body)) throw error;
      if (where.body.complete) return done(where.body);
      if (where.body.offset === at) throw error;
      offset = where.body.offset;
      continue;
    }
    if (isProgress(answer.body)) {
      if (answer.body.complete) return done(answer.body);
      offset = answer.body.offset;
      continue;
    }
    if (answer.status === 409) {
      // Not at the room's offset (a part acknowledged whose answer was lost, or a reload): go on from there.
      const from = typeof answer.body.offset === "number" ? answer.body.offset : undefined;
      if (from !== undefined) offset = from;
      else {
        const where = await status(uploadId);
        if (!isProgress(where.body)) throw refused(where);
        offset = where.body.offset;
      }
      continue;
    }
    if ((answer.status === 429 || answer.status === 503) && waits++ < RETRY_DELAYS_MS.length) {
      await sleep((answer.retryAfter ?? 2) * 1000, signal);
      continue;
    }
    if (answer.status === 404 || answer.status === 422) local.remove(key); // discarded by the room
    throw refused(answer);
  }
}

function readUnfinished(key: string): Unfinished | undefined {
  try {
    const value: unknown = JSON.parse(local.get(key) ?? "null");
    if (value && typeof value === "object" && typeof (value as Unfinished).id === "string" && typeof (value as Unfinished).size === "number") return value as Unfinished;
  } catch {
    // unreadable: start over
  }
  return undefined;
}
