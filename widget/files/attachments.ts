/**
 * Files attached to a message before it is sent, the same on the visitor's
 * panel and the dashboard's reply box: picked (a file picker), pasted (a
 * screenshot in the message box) or dropped; shown as chips with a thumbnail
 * (an object URL) and a remove button; uploaded when the message is sent,
 * each with its progress bar; and refused, with a line saying why, while the
 * message and its files stay as they were.
 * @module
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from "lit";
import { MEDIA_TYPES, mediaType } from "../../protocol/media.ts";
import { MAX_FILES_PER_MESSAGE, type FileRef } from "../../protocol/socket.ts";
import type { RoomAddress } from "../room/address.ts";
import { format, type Problem } from "../strings.ts";
import { formatSize } from "./file-view.ts";
import { documentIcon, paperclipIcon } from "./icons.ts";
import type { FileStrings } from "./files.strings.ts";
import { UploadError, uploadFile } from "./upload.ts";

/** Parts of the attachments of a message being written. */
export const ATTACHMENT_PARTS = ["attach", "attachments", "attachment", "attachment-remove", "attachment-progress", "attachment-error"] as const;

/** The types a person may attach (recordings are made by the recorder, not picked): the file picker's `accept`. */
export const ATTACHABLE_TYPES = (Object.keys(MEDIA_TYPES) as (keyof typeof MEDIA_TYPES)[]).filter((t) => MEDIA_TYPES[t] !== "recording");

/** A file attached to the message being written. */
export interface Attachment {
  /** Unique in this page, for rendering. */
  key: number;
  file: File;
  /** An object URL of an image, for its thumbnail. */
  preview?: string;
  /** Bytes the room holds, while uploading. */
  sent?: number;
  /** Once stored by the room. */
  ref?: FileRef;
}

let nextKey = 1;

/** What a refused upload tells the person: a key of {@link FileStrings} and its values. */
export function uploadProblem(error: unknown, name: string, type: string): Problem<keyof FileStrings> {
  if (!(error instanceof UploadError)) return { key: "fileFailed", params: { name } };
  switch (error.code) {
    case "too_large":
      return error.maxBytes ? { key: "fileTooLarge", params: { name, mb: Math.round(error.maxBytes / 1024 / 1024) } } : { key: "fileTooLargeNoLimit", params: { name } };
    case "unsupported_type":
      return { key: "fileWrongType", params: { name } };
    case "mismatch":
      return { key: "fileMismatch", params: { name, type } };
    case "quota_exceeded":
      return { key: "fileQuota", params: { name } };
    case "network":
      return { key: "fileNetwork", params: { name } };
    case "rate_limited":
      return { key: "fileRateLimited", params: { name } };
    default:
      return { key: "fileFailed", params: { name } };
  }
}

/**
 * The files attached to the message being written, as a Lit
 * ReactiveController: add (picker, paste, drop), remove, upload all, clear.
 * A file already stored is not uploaded again when the message is sent again.
 */
export class Attachments implements ReactiveController {
  files: Attachment[] = [];
  /** Why the last file was refused or the last upload failed; cleared by the next change. */
  problem: Problem<keyof FileStrings> | undefined;
  /** True while uploading. */
  busy = false;
  /** True while files are dragged over the drop target. */
  dragging = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Files attached in other contexts (the dashboard's other conversations), kept while another one is shown. */
  readonly #parked = new Map<string, Attachment[]>();
  /** The context {@link files} belong to, once {@link show} named one. */
  #context: string | undefined;

  hostDisconnected(): void {
    for (const f of [...this.files, ...[...this.#parked.values()].flat()]) if (f.preview) URL.revokeObjectURL(f.preview);
    this.files = [];
    this.#parked.clear();
  }

  /**
   * Show the files attached in `context` (the dashboard's conversation id),
   * keeping those of the one shown before for when it comes back: files
   * attached and not yet sent are never lost by reading another
   * conversation. Waits (returns false) while uploading; true once shown.
   * Meant to be called while rendering: it asks for no update itself.
   */
  show(context: string): boolean {
    if (context === this.#context) return true;
    if (this.busy) return false;
    if (this.#context !== undefined && this.files.length) this.#parked.set(this.#context, this.files);
    this.files = this.#parked.get(context) ?? [];
    this.#parked.delete(context);
    this.#context = context;
    this.problem = undefined;
    return true;
  }

  /** Attach `files`: those of a type that cannot be attached, or past {@link MAX_FILES_PER_MESSAGE}, are refused with a line. */
  add(files: Iterable<File>): void {
    if (this.busy) return;
    this.problem = undefined;
    for (const file of files) {
      const type = mediaType(file.type);
      if (!type || MEDIA_TYPES[type] === "recording" || file.size === 0) {
        this.problem = { key: "fileWrongType", params: { name: file.name || file.type } };
        continue;
      }
      if (this.files.length >= MAX_FILES_PER_MESSAGE) {
        this.problem = { key: "tooManyFiles", params: { n: MAX_FILES_PER_MESSAGE } };
        break;
      }
      this.files = [...this.files, { key: nextKey++, file, ...(MEDIA_TYPES[type] === "image" ? { preview: URL.createObjectURL(file) } : {}) }];
    }
    this.host.requestUpdate();
  }

  /** Take a file off the message. */
  remove(key: number): void {
    const gone = this.files.find((f) => f.key === key);
    if (!gone || this.busy) return;
    if (gone.preview) URL.revokeObjectURL(gone.preview);
    this.files = this.files.filter((f) => f !== gone);
    this.problem = undefined;
    this.host.requestUpdate();
  }

  /**
   * Forget every file (the message was sent): those shown, or those of
   * `context` when given (another conversation's, if it is no longer shown).
   */
  clear(context?: string): void {
    const shown = context === undefined || context === this.#context;
    const gone = shown ? this.files : (this.#parked.get(context) ?? []);
    for (const f of gone) if (f.preview) URL.revokeObjectURL(f.preview);
    if (!shown) {
      this.#parked.delete(context);
      return;
    }
    this.files = [];
    this.problem = undefined;
    this.host.requestUpdate();
  }

  /**
   * Upload every file not yet stored, side by side, each with its progress.
   * @returns the files as the message carries them, in order, once every one
   *   is stored; undefined when one failed (then {@link problem} says why and
   *   the files stay attached: those stored are not uploaded again)
   */
  async upload(address: RoomAddress, token: string | undefined, conversationId?: string): Promise<FileRef[] | undefined> {
    if (this.busy) return undefined;
    this.problem = undefined;
    if (!token) {
      this.problem = { key: "fileNetwork", params: { name: this.files[0]?.file.name ?? "" } };
      this.host.requestUpdate();
      return undefined;
    }
    this.busy = true;
    this.host.requestUpdate();
    const update = (key: number, change: Partial<Attachment>) => {
      this.files = this.files.map((f) => (f.key === key ? { ...f, ...change } : f));
      this.host.requestUpdate();
    };
    const results = await Promise.allSettled(
      this.files.map(async (a) => {
        if (a.ref) return a.ref;
        const ref = await uploadFile(address, a.file, {
          token,
          ...(conversationId ? { conversationId } : {}),
          onProgress: (sent) => update(a.key, { sent }),
        });
        update(a.key, { ref });
        return ref;
      }),
    );
    this.busy = false;
    const failed = results.findIndex((r) => r.status === "rejected");
    if (failed >= 0) {
      const { file } = this.files[failed]!;
      const reason = (results[failed] as PromiseRejectedResult).reason as unknown;
      console.warn("contact-me: upload failed", reason);
      this.problem = uploadProblem(reason, file.name || "", file.type);
      this.files = this.files.map((f) => (f.ref ? f : { ...f, sent: undefined }));
      this.host.requestUpdate();
      return undefined;
    }
    this.host.requestUpdate();
    return results.map((r) => (r as PromiseFulfilledResult<FileRef>).value);
  }

  /** `paste` in the message box: files on the clipboard (a screenshot) are attached, text pastes as usual. */
  readonly onPaste = (event: ClipboardEvent): void => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (!files.length) return;
    event.preventDefault();
    this.add(files);
  };

  /** `dragover` on the drop target: accept files. */
  readonly onDragOver = (event: DragEvent): void => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    if (!this.dragging) {
      this.dragging = true;
      this.host.requestUpdate();
    }
  };

  /** `dragleave` of the drop target. */
  readonly onDragLeave = (event: DragEvent): void => {
    const target = event.currentTarget as Element | null;
    if (target && event.relatedTarget instanceof Node && target.contains(event.relatedTarget)) return;
    this.dragging = false;
    this.host.requestUpdate();
  };

  /** `drop` on the drop target: the files dropped are attached. */
  readonly onDrop = (event: DragEvent): void => {
    const files = [...(event.dataTransfer?.files ?? [])];
    this.dragging = false;
    if (!files.length) return this.host.requestUpdate();
    event.preventDefault();
    this.add(files);
  };

  /** Files chosen in the picker. */
  readonly onPick = (event: Event): void => {
    const input = event.currentTarget as HTMLInputElement;
    this.add([...(input.files ?? [])]);
    input.value = "";
  };

  /**
   * The **Attach a file** button (`attach`, a label over a hidden file input
   * taking {@link ATTACHABLE_TYPES}), the chips of the files attached
   * (`attachments`, `attachment`, `attachment-remove`, `attachment-progress`)
   * and the line saying why a file was refused (`attachment-error`).
   */
  render(s: FileStrings) {
    return html`<div class="attach-row">
        <label part="attach" class="attach"
          ><input
            type="file"
            multiple
            accept=${ATTACHABLE_TYPES.join(",")}
            ?disabled=${this.busy}
            @change=${this.onPick}
          />${paperclipIcon()}<span class="attach-text">${s.attach}</span></label
        >
      </div>
      ${this.files.length
        ? html`<ul part="attachments" class="attachments">
            ${this.files.map((a) => {
              const name = a.file.name || s.unnamedFile;
              return html`<li part="attachment" class="attachment">
                ${a.preview ? html`<img src=${a.preview} alt="" />` : documentIcon()}
                <span class="attachment-name">${name}</span>
                <small>${formatSize(a.file.size, s)}</small>
                ${a.sent !== undefined && !a.ref
                  ? html`<progress part="attachment-progress" max=${a.file.size} .value=${a.sent} aria-label=${format(s.uploadingFile, { name })}></progress>`
                  : nothing}
                <button type="button" part="attachment-remove" ?disabled=${this.busy} aria-label=${format(s.removeFile, { name })} @click=${() => this.remove(a.key)}>×</button>
              </li>`;
            })}
          </ul>`
        : nothing}
      ${this.problem ? html`<p part="attachment-error" class="error" role="alert">${format(s[this.problem.key], this.problem.params)}</p>` : nothing}`;
  }
}
