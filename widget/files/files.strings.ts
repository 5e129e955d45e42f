/**
 * The strings of files in a conversation, shared by `<contact-me>` and
 * `<contact-me-host>` (each merges them into its own and lets its `strings`
 * override them): attaching, uploading, the refusals of an upload (one per
 * `UploadError` code of `upload.ts`), and how a file shows in a message.
 * Placeholders: `{name}` a file's name, `{mb}` the room's `MAX_ATTACHMENT_MB`,
 * `{type}` a file type, `{duration}` `m:ss`, `{size}` e.g. `1.2 MB`, `{n}` a count.
 * @module
 */

/** Strings of files in a conversation. */
export const fileStrings = {
  /** The button that opens the file picker. */
  attach: "Attach a file",
  /** Accessible name of a picked file's remove button. */
  removeFile: "Remove {name}",
  /** Accessible name of a picked file's progress bar while it uploads. */
  uploadingFile: "Uploading {name}",
  /** Over `MAX_ATTACHMENT_MB` (`413 too_large`), with the limit. */
  fileTooLarge: "{name} is too large: files can be up to {mb} MB.",
  /** {@link fileTooLarge} when the limit is not known. */
  fileTooLargeNoLimit: "{name} is too large to send.",
  /** A type that cannot be attached (`415 unsupported_type`). */
  fileWrongType: "{name} cannot be sent: only images (PNG, JPEG, WebP, GIF), PDF and plain text files can.",
  /** The file's content is not of the type its name says (`422 mismatch`), e.g. a web page renamed `.png`. */
  fileMismatch: "{name} cannot be sent: its content is not what its name says ({type}).",
  /** The room's space for files is full (`507 quota_exceeded`). */
  fileQuota: "{name} cannot be sent: there is no more room for files here. Send text, or a smaller file.",
  /** The room could not be reached while uploading (the message is kept: send again). */
  fileNetwork: "{name} could not be uploaded: the connection was lost. Send again to go on.",
  /** Too many uploads at once (`429 rate_limited`). */
  fileRateLimited: "Too many files at once; wait a little and send again.",
  /** Any other refusal of an upload. */
  fileFailed: "{name} could not be uploaded. Send again to retry.",
  /** More files picked than one message carries. */
  tooManyFiles: "A message carries at most {n} files.",
  /** An image in a message: the link that opens it whole. */
  openImage: "Open {name}",
  /** A recorded voice message, with its length. */
  voiceMessage: "Voice message {duration}",
  /** A recorded video message, with its length. */
  videoMessage: "Video message {duration}",
  /** A file's name when it has none (a pasted screenshot may not). */
  unnamedFile: "file",
  /** The dashboard's list preview of a message that is one file only. */
  filePreview: "📎 {name}",
  /** The dashboard's list preview of a message that is several files only. */
  filesPreview: "📎 {n} files",
  /** A file whose link cannot be had (deleted with its conversation, or no longer allowed). */
  fileGone: "{name} is no longer available.",
  /** Sizes. */
  bytes: "{n} B",
  kilobytes: "{n} KB",
  megabytes: "{n} MB",
};

export type FileStrings = typeof fileStrings;
