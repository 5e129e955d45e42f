/**
 * How a message's files show, the same on the visitor's panel and on the
 * dashboard: an image as a thumbnail that links to the whole image, a
 * recording as an `<audio>` or `<video controls>` player with its length, a
 * document as a download link with its name and size. Their URLs are
 * short-lived signed links (`GET file/link` of `protocol/http.ts`), asked for
 * when a file is shown ({@link FileLinks}) and asked for again once expired
 * or when a player or image fails with its link.
 * @module
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from "lit";
import { bearer } from "../../protocol/http.ts";
import { MEDIA_TYPES, mediaType } from "../../protocol/media.ts";
import type { FileRef } from "../../protocol/socket.ts";
import { formatDuration } from "../call/call-log.ts";
import { fetchRoom, roomOrigin, type RoomAddress } from "../room/address.ts";
import { format } from "../strings.ts";
import type { FileStrings } from "./files.strings.ts";
import { documentIcon } from "./icons.ts";
import { settleOnMetadata } from "./media-duration.ts";

/** Parts of a message's files. */
export const FILE_PARTS = ["files", "file-image", "file-recording", "file-document"] as const;

/** A link is asked for again when it expires within this many seconds. */
const RENEW_BEFORE_S = 20;
/** A failing link is asked for again at most this often, ms (a file that cannot load does not loop). */
const RETRY_FAILED_MS = 10_000;

type Link = { url: string; expires: number; at: number } | { pending: true } | { gone: true };

/**
 * The signed links of the files shown, by file id: asked for on first
 * {@link FileLinks.url}, renewed when they expire, and asked for again when
 * an image or player reports an error ({@link FileLinks.failed}). The host
 * element updates as links arrive.
 */
export class FileLinks implements ReactiveController {
  readonly #links = new Map<string, Link>();

  /**
   * @param access the room and the `Authorization: Bearer` token (a visitor's
   *   conversation token or a host token); undefined while there is none
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly access: () => { address: RoomAddress; token: string } | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The signed URL of file `id` (absolute, on the room's origin), or undefined while it is asked for or gone. */
  url(id: string, now = Date.now()): string | undefined {
    const link = this.#links.get(id);
    if (link && "url" in link) {
      if (link.expires - RENEW_BEFORE_S > now / 1000) return link.url;
      this.#fetch(id);
      return link.url;
    }
    if (!link) this.#fetch(id);
    return undefined;
  }

  /** Whether file `id` cannot be had (deleted, or not this token's). */
  gone(id: string): boolean {
    const link = this.#links.get(id);
    return !!link && "gone" in link;
  }

  /** An image or player failed with its link (expired while shown, or a network error): ask for a new one. */
  failed(id: string, now = Date.now()): void {
    const link = this.#links.get(id);
    if (link && "url" in link && now - link.at > RETRY_FAILED_MS) this.#fetch(id);
  }

  /** Forget every link (signed out, or another conversation token). */
  clear(): void {
    this.#links.clear();
  }

  #fetch(id: string): void {
    const access = this.access();
    if (!access) return;
    const previous = this.#links.get(id);
    if (previous && "pending" in previous) return;
    this.#links.set(id, { pending: true });
    const { address, token } = access;
    const origin = roomOrigin(address);
    // `GET file/link` → `FileLink` {path, expires} (`protocol/http.ts`), its shape checked by hand (no valibot in the visitor's chunks).
    fetchRoom(address, "file/link", { headers: bearer(token) }, { id })
      .then(async (res) => {
        const body = (await res.json().catch(() => ({}))) as { path?: unknown; expires?: unknown };
        if (res.ok && typeof body.path === "string" && body.path.startsWith("/") && typeof body.expires === "number") {
          this.#links.set(id, { url: new URL(body.path, origin).href, expires: body.expires, at: Date.now() });
        } else if (res.status === 403 || res.status === 404) this.#links.set(id, { gone: true });
        else this.#links.delete(id);
      })
      .catch(() => {
        // Unreachable: asked again on a render after a while.
        setTimeout(() => {
          const now = this.#links.get(id);
          if (now && "pending" in now) this.#links.delete(id);
          this.host.requestUpdate();
        }, RETRY_FAILED_MS);
      })
      .finally(() => this.host.requestUpdate());
  }
}

/** `1.2 MB`, `340 KB`, `12 B` (1 KB = 1,024 bytes, as the room's limits count). */
export function formatSize(bytes: number, s: Pick<FileStrings, "bytes" | "kilobytes" | "megabytes">): string {
  if (bytes < 1024) return format(s.bytes, { n: bytes });
  if (bytes < 1024 * 1024) return format(s.kilobytes, { n: Math.round(bytes / 1024) });
  const mb = bytes / 1024 / 1024;
  return format(s.megabytes, { n: mb < 10 ? mb.toFixed(1) : Math.round(mb) });
}

/** What kind of file `f` is: `image`, `recording` or `document` (anything unknown is a document). */
export function fileKind(f: Pick<FileRef, "type">): "image" | "recording" | "document" {
  const type = mediaType(f.type);
  return type ? MEDIA_TYPES[type] : "document";
}

/** "Voice message 0:12" or "Video message 0:12" for a recording. */
export function recordingLabel(f: FileRef, s: FileStrings): string {
  return format(f.type.startsWith("video/") ? s.videoMessage : s.voiceMessage, { duration: formatDuration(Math.round(f.durationS ?? 0)) });
}

/**
 * One line for a message that is files only (the dashboard's list preview):
 * "Voice message 0:12" for a recording, "📎 photo.png" for one file, "📎 3 files".
 */
export function filesSummary(files: readonly FileRef[], s: FileStrings): string {
  if (files.length === 1) {
    const f = files[0]!;
    return fileKind(f) === "recording" ? recordingLabel(f, s) : format(s.filePreview, { name: f.name || s.unnamedFile });
  }
  return format(s.filesPreview, { n: files.length });
}

/**
 * A message's files: `<div part="files">` holding, per file, an image
 * thumbnail linking to the image (`file-image`), a player with its length
 * (`file-recording`), or a download link with name and size (`file-document`).
 * Nothing while a file's link is being asked for; a line when it is gone.
 */
export function renderFiles(files: readonly FileRef[] | undefined, links: FileLinks, s: FileStrings) {
  if (!files?.length) return nothing;
  return html`<div part="files" class="files">${files.map((f) => renderFile(f, links, s))}</div>`;
}

function renderFile(f: FileRef, links: FileLinks, s: FileStrings) {
  const name = f.name || s.unnamedFile;
  if (links.gone(f.id)) return html`<span class="file-gone">${format(s.fileGone, { name })}</span>`;
  const url = links.url(f.id);
  const failed = () => links.failed(f.id);
  const kind = fileKind(f);
  if (kind === "image") {
    return html`<a part="file-image" class="file-image" href=${url ?? nothing} target="_blank" rel="noopener noreferrer" aria-label=${format(s.openImage, { name })}
      >${url ? html`<img src=${url} alt=${name} loading="lazy" referrerpolicy="no-referrer" @error=${failed} />` : nothing}</a
    >`;
  }
  if (kind === "recording") {
    const label = recordingLabel(f, s);
    const player = f.type.startsWith("video/")
      ? html`<video controls preload="metadata" playsinline src=${url ?? nothing} aria-label=${label} @error=${failed} @loadedmetadata=${settleOnMetadata}></video>`
      : html`<audio controls preload="metadata" src=${url ?? nothing} aria-label=${label} @error=${failed} @loadedmetadata=${settleOnMetadata}></audio>`;
    return html`<figure part="file-recording" class="file-recording">${player}<figcaption>${label}</figcaption></figure>`;
  }
  return html`<a part="file-document" class="file-document" href=${url ?? nothing} download=${name} rel="noopener noreferrer"
    >${documentIcon()}<span class="file-name">${name}</span> <small class="file-size">${formatSize(f.size, s)}</small></a
  >`;
}
