/**
 * Files in conversations (attachments and recorded messages): resumable
 * uploads, the file records messages point to, the room's quota, signed
 * links, and serving the bytes. The bytes themselves are `blobs.ts`'s: an
 * R2 bucket when the room's env has one as `MEDIA` (the Worker), else the
 * room's own storage (`partykit dev`). The HTTP shapes are
 * `protocol/http.ts`'s ({@link CREATE_UPLOAD}, {@link UPLOAD_PART},
 * {@link UPLOAD_STATUS}, {@link FILE_LINK}, {@link FILE}).
 *
 * An upload is made (`POST upload`: type, size, SHA-256, name, duration),
 * which reserves its size in the quota; its parts arrive in order, each of
 * the blob store's part size, and each is written as one blob part. The
 * first part's bytes must be of the declared type (`media-types.ts`). With
 * the last part the whole file is read back and its SHA-256 checked (Web
 * Crypto); only then is the file record written. So nothing half-stored is
 * ever a file, and a message (`messages.ts`) can carry only files. An
 * upload whose bytes do not match is discarded at once; one not completed
 * within {@link UPLOAD_TTL_MS}, and a file no message took within the same
 * time, are deleted by the room's alarm ({@link Files.sweep}).
 *
 * Storage keys:
 * - `upload:<id>` → {@link Upload}; `file:<id>` → {@link StoredFile} (a
 *   completed upload's file keeps its id);
 * - `cu:<conversationId>:<id>` (open uploads) and `cf:<conversationId>:<id>`
 *   (files) → 1: what to delete with a conversation, and how many uploads it has open;
 * - `fdue:<ms, 13 digits>:<id>` → id: when an open upload or a file no
 *   message took is deleted;
 * - `media` → {@link MediaUse}: bytes of files and open uploads, against `MEDIA_QUOTA_MB`.
 * Blob parts are keyed by the upload's (and file's) id.
 *
 * Each upload's requests, and its deletion, run one at a time
 * ({@link Files.serial}): R2 writes yield to other requests, and a part
 * retried while the first try is still being written must not be written twice.
 * @module
 */
import type * as v from "valibot";
import {
  CREATE_UPLOAD,
  FILE,
  FILE_LINK,
  FILE_LINK_TTL_S,
  MAX_FILE_NAME_LENGTH,
  UPLOAD_OFFSET_HEADER,
  UPLOAD_PART,
  UPLOAD_STATUS,
  errorAnswer,
  errorBody,
  type Answer,
  type ErrorStatus,
  type UploadProgress,
  type UploadRequest,
} from "../../protocol/http.ts";
import { MEDIA_TYPES, type MediaType } from "../../protocol/media.ts";
import type { ConversationMessage, FileRef } from "../../protocol/socket.ts";
import { signFileLink, verifyConversationToken, verifyFileLink, verifyHostToken } from "./auth.ts";
import { R2Blobs, StorageBlobs, isR2Bucket, type BlobStore } from "./blobs.ts";
import type { RoomConfig } from "./config.ts";
import { matchesType, mediaType } from "./media-types.ts";
import type { Storage } from "./runtime.ts";

/** An upload not completed within this time (ms, 24 h) is discarded; so is a completed file no message took. */
export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
/** Uploads one conversation may have open at once; beyond, `429`. */
export const MAX_OPEN_UPLOADS = 5;

/** An upload in progress. Times in ms since the epoch. */
export interface Upload {
  id: string;
  conversationId: string;
  type: MediaType;
  size: number;
  /** Declared SHA-256 of the whole file, lower-case hex. */
  sha256: string;
  name?: string;
  durationS?: number;
  /** Who uploads: a visitor (its conversation token) or a host (its name). */
  by: { visitor: true } | { host: string };
  /** The blob store's part size when the upload was made: every part but the last has it. */
  partBytes: number;
  /** Bytes received and stored: the next part's offset. */
  offset: number;
  createdAt: number;
  /** When it is discarded if not complete. */
  expires: number;
}

/** A complete, checked file. */
export interface StoredFile {
  id: string;
  conversationId: string;
  type: MediaType;
  size: number;
  sha256: string;
  name?: string;
  durationS?: number;
  partBytes: number;
  at: number;
  /** A message carries it; until then it is deleted at `expires`. */
  attached?: boolean;
  expires?: number;
}

/** Bytes of files and open uploads (reserved at their full size) in the room. */
export interface MediaUse {
  bytes: number;
}

/** Who a bearer token stands for: a signed-in host, or the visitor of one conversation. */
export type Bearer = { host: string } | { conversationId: string };

/** What the room gives the file desk. */
export interface FilesContext {
  storage: Storage;
  env: () => Record<string, unknown>;
  config: () => RoomConfig;
  /** The room's name and signing secret. */
  room: () => { id: string; secret: string };
  /** Whether conversation `id` exists (a host uploads only to one that does). */
  conversationExists(id: string): Promise<boolean>;
  /** Whether conversation `id` was deleted by a host (its token then opens nothing). */
  conversationDeleted(id: string): Promise<boolean>;
  /** Take one from the per-address upload allowance (`limits.ts`). */
  spendAddress(address: string, now: number): boolean;
  /** Wake the alarm: an expiry was added. */
  schedule(): void;
}

const due = (at: number, id: string) => `fdue:${String(at).padStart(13, "0")}:${id}`;

/** A file as a message carries it (`FileRef` on the wire). */
export function fileRef(file: StoredFile): FileRef {
  const { id, type, name, size, durationS } = file;
  return { id, type, size, ...(name !== undefined ? { name } : {}), ...(durationS !== undefined ? { durationS } : {}) };
}

/** Lower-case hex of `bytes`. */
function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A size for people: `512 B`, `12 KB`, `3.4 MB` (powers of 1,024). */
function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A message in plain text, its files named on lines of their own (`📎 name
 * (size)`, `🎤 Voice message (0:42)`), a call-back request first (`📞 Call-back
 * request: <phone or email>`): for Slack posts and push previews,
 * which show no files themselves.
 */
export function plainText(message: Pick<ConversationMessage, "text" | "files" | "callBack">): string {
  const lines = (message.files ?? []).map((f) => {
    const kind = MEDIA_TYPES[f.type as MediaType];
    if (kind === "recording") {
      const s = Math.round(f.durationS ?? 0);
      return `${f.type.startsWith("video/") ? "🎥 Video" : "🎤 Voice"} message (${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")})`;
    }
    return `📎 ${f.name || (kind === "image" ? "Image" : "File")} (${humanSize(f.size)})`;
  });
  const callBack = message.callBack ? [`📞 Call-back request: ${message.callBack}`] : [];
  return [...callBack, message.text, ...lines].filter((l) => l !== "").join("\n");
}

/**
 * A `Range` header (RFC 9110 §14.1.2) against a file of `size` bytes: one
 * `bytes=a-b`, `a-` or `-n` range, clipped to the file. `undefined` when
 * there is no header, or one the room ignores (another unit, several ranges,
 * malformed: the whole file is sent, §14.2); `"unsatisfiable"` when the
 * range starts past the end (or asks for the last 0 bytes).
 * @returns the first and last byte's offsets (inclusive)
 */
export function parseRange(header: string | null, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  if (header === null) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Number(match[2]);
  if (match[2] !== "" && end < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

/** `Content-Disposition` (RFC 6266): inline for images, audio and video, attachment for anything else, with the file's name (RFC 8187 encoding). */
export function contentDisposition(file: Pick<StoredFile, "type" | "name">): string {
  const inline = MEDIA_TYPES[file.type] !== "document";
  const name = file.name ? `; filename*=UTF-8''${encodeURIComponent(file.name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}` : "";
  return `${inline ? "inline" : "attachment"}${name}`;
}

export class Files {
  /** The tail of each upload's queue of work (see {@link serial}). */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Earliest `fdue:` time, once read (undefined: none). */
  private nextDueAt: number | undefined;

  constructor(private readonly ctx: FilesContext) {}

  /** Where bytes go: R2 when the env binds a bucket as `MEDIA`, else room storage. */
  blobs(): BlobStore {
    const bucket = this.ctx.env().MEDIA;
    return isR2Bucket(bucket) ? new R2Blobs(bucket, () => this.ctx.room().id) : new StorageBlobs(this.ctx.storage);
  }

  /** Read the earliest expiry (on the room's start). */
  async load(): Promise<void> {
    const first = await this.ctx.storage.list<string>({ prefix: "fdue:", limit: 1 });
    const key = [...first.keys()][0];
    this.nextDueAt = key ? Number(key.slice(5, 18)) : undefined;
  }

  /** When the alarm should next run {@link sweep}, if anything is pending. */
  nextDue(): number | undefined {
    return this.nextDueAt;
  }

  private noteDue(at: number): void {
    if (this.nextDueAt === undefined || at < this.nextDueAt) this.nextDueAt = at;
    this.ctx.schedule();
  }

  /** Run `work` after every earlier piece of work on upload (or file) `id`. */
  private serial<T>(id: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(id) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => {});
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return run;
  }

  private async use(): Promise<MediaUse> {
    return (await this.ctx.storage.get<MediaUse>("media")) ?? { bytes: 0 };
  }

  /** Who an `Authorization: Bearer <token>` header stands for, if anyone. */
  async bearer(header: string | null, now = Date.now()): Promise<Bearer | undefined> {
    const token = /^Bearer\s+(\S{1,1024})\s*$/i.exec(header ?? "")?.[1];
    if (!token) return undefined;
    const { id, secret } = this.ctx.room();
    const conversationId = await verifyConversationToken(token, secret, id, now);
    if (conversationId) return (await this.ctx.conversationDeleted(conversationId)) ? undefined : { conversationId };
    const host = await verifyHostToken(token, this.ctx.config().hosts, id, now);
    return host ? { host } : undefined;
  }

  /** Whether `who` may touch files of `conversationId`: any host, or that conversation's visitor. */
  private opens(who: Bearer, conversationId: string): boolean {
    return "host" in who || who.conversationId === conversationId;
  }

  // ------------------------------------------------------------ uploads

  /** `POST upload`: begin an upload (see {@link CREATE_UPLOAD}); the checks in its documented order. */
  async create(who: Bearer | undefined, body: v.InferOutput<typeof UploadRequest>, address: string, now = Date.now()): Promise<Answer<typeof CREATE_UPLOAD>> {
    if (!who) return errorAnswer(403, "An upload needs a conversation token or a host token (Authorization: Bearer)");
    let conversationId: string;
    if ("host" in who) {
      if (!body.conversationId) return errorAnswer(403, "A host names the conversation the file is for (conversationId)");
      if (!(await this.ctx.conversationExists(body.conversationId))) return errorAnswer(404, "No such conversation");
      conversationId = body.conversationId;
    } else {
      if (body.conversationId !== undefined && body.conversationId !== who.conversationId) return errorAnswer(403, "A visitor uploads only to its own conversation");
      conversationId = who.conversationId;
    }
    const type = mediaType(body.type);
    if (!type) return errorAnswer(415, `Type not accepted; accepted: ${Object.keys(MEDIA_TYPES).join(", ")}`);
    const { media } = this.ctx.config();
    if (body.size > media.maxFileBytes) return { status: 413, body: { ...errorBody(413, `File over ${media.maxFileBytes / 1024 / 1024} MB`), maxBytes: media.maxFileBytes } };
    if (MEDIA_TYPES[type] === "recording") {
      if (body.durationS === undefined) return errorAnswer(400, "durationS: a recording declares its length in seconds");
      if (body.durationS > media.maxRecordingS) return errorAnswer(413, `Recording over ${media.maxRecordingS} seconds`);
    }
    const open = await this.ctx.storage.list({ prefix: `cu:${conversationId}:`, limit: MAX_OPEN_UPLOADS });
    if (open.size >= MAX_OPEN_UPLOADS) return errorAnswer(429, `${MAX_OPEN_UPLOADS} uploads are open in this conversation; finish one first`, { "retry-after": "10" });
    if ("conversationId" in who && !this.ctx.spendAddress(address, now)) return errorAnswer(429, "Too many uploads from your address; wait a little", { "retry-after": "30" });
    const blobs = this.blobs();
    const id = crypto.randomUUID();
    const upload: Upload = {
      id,
      conversationId,
      type,
      size: body.size,
      sha256: body.sha256,
      ...(body.name ? { name: body.name } : {}),
      ...(body.durationS !== undefined && MEDIA_TYPES[type] === "recording" ? { durationS: body.durationS } : {}),
      by: "host" in who ? { host: who.host } : { visitor: true },
      partBytes: blobs.partBytes,
      offset: 0,
      createdAt: now,
      expires: now + UPLOAD_TTL_MS,
    };
    // The quota check and the reservation happen under one lock, so two uploads cannot both take the last bytes.
    return this.serial("media", async () => {
      const use = await this.use();
      if (use.bytes + upload.size > media.quotaBytes) return errorAnswer(507, `The room's files would exceed its quota of ${media.quotaBytes / 1024 / 1024} MB`);
      await this.ctx.storage.put({
        [`upload:${id}`]: upload,
        [`cu:${conversationId}:${id}`]: 1,
        [due(upload.expires, id)]: id,
        media: { bytes: use.bytes + upload.size },
      });
      this.noteDue(upload.expires);
      return { status: 200 as const, body: { id, partBytes: upload.partBytes, offset: 0, expires: upload.expires } };
    });
  }

  private progress(upload: Upload): UploadProgress {
    return { id: upload.id, offset: upload.offset, size: upload.size, partBytes: upload.partBytes, complete: false };
  }

  private completed(file: StoredFile): UploadProgress {
    return { id: file.id, offset: file.size, size: file.size, partBytes: file.partBytes, complete: true, file: { ...fileRef(file), sha256: file.sha256 } };
  }

  /** `GET upload/status`: where upload `id` stands (see {@link UPLOAD_STATUS}). */
  async status(who: Bearer | undefined, id: string): Promise<Answer<typeof UPLOAD_STATUS>> {
    if (!who) return errorAnswer(403, "Needs the uploader's token (Authorization: Bearer)");
    const found = await this.find(id);
    if (!found) return errorAnswer(404, "No such upload");
    if (!this.opens(who, found.conversationId)) return errorAnswer(403, "Not an upload of your conversation");
    return { status: 200, body: "offset" in found ? this.progress(found) : this.completed(found) };
  }

  private async find(id: string): Promise<Upload | StoredFile | undefined> {
    const got = await this.ctx.storage.get<Upload | StoredFile>([`upload:${id}`, `file:${id}`]);
    return got.get(`upload:${id}`) ?? got.get(`file:${id}`);
  }

  /** `PUT upload/part`: one part of upload `id` at `offset` (see {@link UPLOAD_PART}). */
  part(who: Bearer | undefined, id: string, offset: number, bytes: Uint8Array): Promise<Answer<typeof UPLOAD_PART>> {
    return this.serial(id, async () => {
      if (!who) return errorAnswer(403, "Needs the uploader's token (Authorization: Bearer)");
      const found = await this.find(id);
      if (!found) return errorAnswer(404, "No such upload");
      if (!this.opens(who, found.conversationId)) return errorAnswer(403, "Not an upload of your conversation");
      // Complete: a resent part is acknowledged with the file.
      if (!("offset" in found)) return { status: 200, body: this.completed(found) };
      const upload = found;
      if (offset < upload.offset && offset % upload.partBytes === 0) return { status: 200, body: this.progress(upload) };
      if (offset !== upload.offset) {
        const message = `Parts go in order; the next one starts at byte ${upload.offset}`;
        return { status: 409, body: { ...errorBody(409, message), offset: upload.offset }, headers: { [UPLOAD_OFFSET_HEADER]: String(upload.offset) } };
      }
      const last = upload.offset + bytes.length === upload.size;
      if (bytes.length > upload.partBytes || upload.offset + bytes.length > upload.size) {
        return errorAnswer(413, `A part has at most ${upload.partBytes} bytes and ends at the declared size (${upload.size})`);
      }
      if (bytes.length === 0 || (bytes.length < upload.partBytes && !last)) return errorAnswer(400, `Every part but the last has ${upload.partBytes} bytes`);
      if (upload.offset === 0 && !matchesType(upload.type, bytes, last)) {
        await this.discard(upload);
        return errorAnswer(422, `The file's bytes are not ${upload.type}; the upload is discarded`);
      }
      const blobs = this.blobs();
      await blobs.putPart(id, upload.offset / upload.partBytes, bytes);
      upload.offset += bytes.length;
      if (!last) {
        await this.ctx.storage.put(`upload:${id}`, upload);
        return { status: 200, body: this.progress(upload) };
      }
      return this.finish(upload, blobs);
    });
  }

  /** The last part is in: check the whole file, then store it as a file (or discard it). */
  private async finish(upload: Upload, blobs: BlobStore): Promise<Answer<typeof UPLOAD_PART>> {
    const whole = await this.read(upload.id, upload.partBytes, upload.size, 0, upload.size - 1, blobs);
    const sum = whole ? hex(await crypto.subtle.digest("SHA-256", whole)) : undefined;
    if (!whole || sum !== upload.sha256) {
      await this.discard(upload);
      return errorAnswer(422, whole ? "The file's SHA-256 is not the declared one; the upload is discarded" : "Parts of the file are missing; the upload is discarded");
    }
    // Text is text to its end, not only in its first part.
    if (upload.type === "text/plain" && !matchesType("text/plain", whole, true)) {
      await this.discard(upload);
      return errorAnswer(422, "The file is not plain text; the upload is discarded");
    }
    const now = Date.now();
    const file: StoredFile = {
      id: upload.id,
      conversationId: upload.conversationId,
      type: upload.type,
      size: upload.size,
      sha256: upload.sha256,
      ...(upload.name !== undefined ? { name: upload.name } : {}),
      ...(upload.durationS !== undefined ? { durationS: upload.durationS } : {}),
      partBytes: upload.partBytes,
      at: now,
      expires: now + UPLOAD_TTL_MS,
    };
    const fileDue = due(file.expires!, file.id);
    await this.ctx.storage.put({ [`file:${file.id}`]: file, [`cf:${file.conversationId}:${file.id}`]: 1, [fileDue]: file.id });
    // (The upload's expiry key may be the file's, when both fall in the same millisecond.)
    await this.ctx.storage.delete([`upload:${upload.id}`, `cu:${upload.conversationId}:${upload.id}`, due(upload.expires, upload.id)].filter((k) => k !== fileDue));
    this.noteDue(file.expires!);
    return { status: 200, body: this.completed(file) };
  }

  /** Bytes `start`…`end` (inclusive) of a file of `size` bytes in parts of `partBytes`; undefined when a part is missing. */
  private async read(id: string, partBytes: number, size: number, start: number, end: number, blobs = this.blobs()): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const out = new Uint8Array(end - start + 1);
    for (let index = Math.floor(start / partBytes); index * partBytes <= end; index++) {
      const part = await blobs.getPart(id, index);
      const partStart = index * partBytes;
      if (!part || part.length !== Math.min(partBytes, size - partStart)) return undefined;
      const from = Math.max(start, partStart) - partStart;
      const to = Math.min(end, partStart + part.length - 1) - partStart;
      out.set(part.subarray(from, to + 1), partStart + from - start);
    }
    return out;
  }

  /** Delete an upload and its parts, and give its reservation back. */
  private async discard(upload: Upload): Promise<void> {
    await this.blobs().delete(upload.id, Math.ceil(upload.size / upload.partBytes));
    await this.ctx.storage.delete([`upload:${upload.id}`, `cu:${upload.conversationId}:${upload.id}`, due(upload.expires, upload.id)]);
    await this.release(upload.size);
  }

  /** Delete a file and its parts, and give its bytes back to the quota. */
  private async remove(file: StoredFile): Promise<void> {
    await this.blobs().delete(file.id, Math.ceil(file.size / file.partBytes));
    await this.ctx.storage.delete([`file:${file.id}`, `cf:${file.conversationId}:${file.id}`, ...(file.expires !== undefined ? [due(file.expires, file.id)] : [])]);
    await this.release(file.size);
  }

  private release(bytes: number): Promise<void> {
    return this.serial("media", async () => {
      const use = await this.use();
      await this.ctx.storage.put("media", { bytes: Math.max(0, use.bytes - bytes) });
    });
  }

  /**
   * Delete upload or file `id`, whichever it is, after any work on it; with
   * `dueBy`, only an upload or a file no message took whose time is up by then
   * (an upload may have become a file meanwhile).
   */
  private drop(id: string, dueBy?: number): Promise<void> {
    return this.serial(id, async () => {
      const found = await this.find(id);
      if (!found) return;
      if ("offset" in found) {
        if (dueBy === undefined || found.expires <= dueBy) await this.discard(found);
      } else if (dueBy === undefined || (!found.attached && found.expires !== undefined && found.expires <= dueBy)) {
        await this.remove(found);
      }
    });
  }

  /**
   * The whole of file `id` (at most `MAX_ATTACHMENT_MB`), to pass it on to
   * Slack; undefined when there is no such file or a part is missing.
   */
  async bytes(id: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const file = await this.ctx.storage.get<StoredFile>(`file:${id}`);
    if (!file) return undefined;
    return this.serial(file.id, () => this.read(file.id, file.partBytes, file.size, 0, file.size - 1));
  }

  /**
   * Keep `bytes`, which came whole from elsewhere (a file shared in a
   * conversation's Slack thread), as a file of conversation `conversationId`
   * that a message carries: the same checks as an upload's — an accepted
   * type ({@link MEDIA_TYPES}) whose bytes are that type (`media-types.ts`),
   * at most `MAX_ATTACHMENT_MB`, within the room's quota.
   * @returns the file as a message carries it, or why it was refused (a sentence)
   */
  async keep(conversationId: string, declared: { type: string; name?: string; bytes: Uint8Array<ArrayBuffer> }, now = Date.now()): Promise<{ file: FileRef } | { refused: string }> {
    const { bytes } = declared;
    const type = mediaType(declared.type);
    if (!type) return { refused: `type ${declared.type || "unknown"} not accepted` };
    const { media } = this.ctx.config();
    if (bytes.length > media.maxFileBytes) return { refused: `over ${media.maxFileBytes / 1024 / 1024} MB` };
    if (bytes.length === 0 || !matchesType(type, bytes, true)) return { refused: `its bytes are not ${type}` };
    const reserved = await this.serial("media", async () => {
      const use = await this.use();
      if (use.bytes + bytes.length > media.quotaBytes) return false;
      await this.ctx.storage.put("media", { bytes: use.bytes + bytes.length });
      return true;
    });
    if (!reserved) return { refused: `the room's files would exceed its quota of ${media.quotaBytes / 1024 / 1024} MB` };
    const blobs = this.blobs();
    const id = crypto.randomUUID();
    try {
      for (let offset = 0, index = 0; offset < bytes.length; offset += blobs.partBytes, index++) await blobs.putPart(id, index, bytes.subarray(offset, offset + blobs.partBytes));
    } catch (err) {
      await blobs.delete(id, Math.ceil(bytes.length / blobs.partBytes)).catch(() => {});
      await this.release(bytes.length);
      return { refused: `could not be stored (${(err as Error).message})` };
    }
    // A name as an upload may have: no control characters, `/` or `\`.
    const name = declared.name?.replace(/[\u0000-\u001f\u007f/\\]/g, "_").trim().slice(0, MAX_FILE_NAME_LENGTH);
    const file: StoredFile = {
      id,
      conversationId,
      type,
      size: bytes.length,
      sha256: hex(await crypto.subtle.digest("SHA-256", bytes)),
      ...(name ? { name } : {}),
      partBytes: blobs.partBytes,
      at: now,
      attached: true,
    };
    await this.ctx.storage.put({ [`file:${id}`]: file, [`cf:${conversationId}:${id}`]: 1 });
    return { file: fileRef(file) };
  }

  // ------------------------------------------------------------ messages

  /**
   * The files of conversation `conversationId` with these ids, for a message
   * to carry; `undefined` when one of them is not a complete file of that
   * conversation (the message is then refused whole).
   */
  async refs(conversationId: string, ids: readonly string[]): Promise<FileRef[] | undefined> {
    if (ids.length === 0) return [];
    const found = await this.ctx.storage.get<StoredFile>(ids.map((id) => `file:${id}`));
    const files = ids.map((id) => found.get(`file:${id}`));
    if (files.some((f) => !f || f.conversationId !== conversationId)) return undefined;
    return files.map((f) => fileRef(f!));
  }

  /** A message took these files: they stay as long as their conversation. */
  async attach(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      await this.serial(id, async () => {
        const file = await this.ctx.storage.get<StoredFile>(`file:${id}`);
        if (!file || file.attached) return;
        const expires = file.expires;
        delete file.expires;
        await this.ctx.storage.put(`file:${id}`, { ...file, attached: true });
        if (expires !== undefined) await this.ctx.storage.delete(due(expires, id));
      });
    }
  }

  /** Delete every upload and file of conversation `conversationId` (deleted by a host, or past the retention). */
  async forget(conversationId: string): Promise<void> {
    for (const prefix of [`cu:${conversationId}:`, `cf:${conversationId}:`]) {
      const keys = await this.ctx.storage.list({ prefix });
      for (const key of keys.keys()) await this.drop(key.slice(prefix.length));
    }
  }

  /** Delete the uploads not completed, and the files no message took, whose time is up (from the alarm). */
  async sweep(now: number): Promise<void> {
    const expired = await this.ctx.storage.list<string>({ prefix: "fdue:", end: due(now + 1, "") });
    for (const id of expired.values()) await this.drop(id, now);
    // Entries whose record went another way stay no longer.
    const left = [...expired.keys()];
    for (let i = 0; i < left.length; i += 128) await this.ctx.storage.delete(left.slice(i, i + 128));
    await this.load();
  }

  // ------------------------------------------------------------ links

  /** `GET file/link`: a signed link to file `id` for `who` (see {@link FILE_LINK}). */
  async link(who: Bearer | undefined, id: string, ttlS: number | undefined, now = Date.now()): Promise<Answer<typeof FILE_LINK>> {
    if (!who) return errorAnswer(403, "Needs a conversation token or a host token (Authorization: Bearer)");
    const file = await this.ctx.storage.get<StoredFile>(`file:${id}`);
    if (!file) return errorAnswer(404, "No such file");
    if (!this.opens(who, file.conversationId)) return errorAnswer(403, "Not a file of your conversation");
    const { id: room, secret } = this.ctx.room();
    const life = Math.min(Math.max(ttlS ?? FILE_LINK_TTL_S, 1), FILE_LINK_TTL_S);
    const exp = Math.floor(now / 1000) + life;
    const sig = await signFileLink(secret, room, id, exp);
    const path = `/parties/main/${encodeURIComponent(room)}/${FILE.path}?id=${id}&exp=${exp}&sig=${sig}`;
    return { status: 200, body: { path, expires: exp } };
  }

  /**
   * `GET file`: the bytes of a file, by its signed link (see {@link FILE}).
   * @param headers the CORS headers every answer carries
   */
  async serve(query: { id: string; exp: string; sig: string }, range: string | null, headers: Record<string, string>, now = Date.now()): Promise<Response> {
    const fail = (status: ErrorStatus, message: string, extra: Record<string, string> = {}) =>
      new Response(JSON.stringify(errorBody(status, message)), { status, headers: { ...headers, "content-type": "application/json", ...extra } });
    const { id: room, secret } = this.ctx.room();
    const exp = Number(query.exp);
    const verdict = await verifyFileLink(secret, room, query.id, exp, query.sig, now);
    if (verdict === "forged") return fail(403, "Not a link of this room to this file");
    if (verdict === "expired") return fail(403, "The link has expired; ask for a new one");
    const file = await this.ctx.storage.get<StoredFile>(`file:${query.id}`);
    if (!file) return fail(404, "No such file");
    const wanted = parseRange(range, file.size);
    if (wanted === "unsatisfiable") return fail(416, "The range is outside the file", { "content-range": `bytes */${file.size}` });
    const { start, end } = wanted ?? { start: 0, end: file.size - 1 };
    const bytes = await this.serial(file.id, () => this.read(file.id, file.partBytes, file.size, start, end));
    if (!bytes) return fail(404, "No such file");
    const out: Record<string, string> = {
      ...headers,
      "content-type": file.type === "text/plain" ? "text/plain; charset=utf-8" : file.type,
      "content-length": String(bytes.length),
      "accept-ranges": "bytes",
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
      "content-disposition": contentDisposition(file),
      "cache-control": `private, max-age=${Math.max(0, exp - Math.floor(now / 1000))}`,
      ...(wanted ? { "content-range": `bytes ${start}-${end}/${file.size}` } : {}),
    };
    return new Response(bytes, { status: wanted ? 206 : 200, headers: out });
  }
}
