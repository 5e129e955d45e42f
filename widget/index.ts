/**
 * `contact-me`: the visitor widget. Importing this module registers
 * `<contact-me>` and nothing else: only the launcher button and its presence
 * dot load with the page; the panel, conversation and call code are a separate
 * module loaded with `import()` when the visitor first opens it, as with the
 * script tag. Safe to import twice, next to the script tag, and in Node (SSR),
 * where Lit's DOM shim takes the registration.
 *
 * The host dashboard is `contact-me/host`; the WebRTC peer is `contact-me/call`;
 * React components are `contact-me/react` and `contact-me/react/host`.
 * @module
 */
import { ContactMe } from "./contact-me/contact-me.ts";
import { define } from "./define.ts";

define("contact-me", ContactMe);

export { ContactMe };
export type { ContactMeStrings } from "./contact-me/contact-me.ts";
export type * from "./events.ts";
export { format, type Problem } from "./strings.ts";
export { visitorStrings, type VisitorStrings } from "./contact-me/contact-me.strings.ts";
export type { CallStrings } from "./call/call.strings.ts";
export { recorderStrings, type RecorderStrings } from "./files/recorder.strings.ts";
export { errorStrings, errorKey, type ErrorStrings } from "./room/errors.ts";
export { fileStrings, type FileStrings } from "./files/files.strings.ts";
export { uploadFile, UploadError, type UploadOptions } from "./files/upload.ts";
export type { CallStatus } from "./call/call-controller.ts";
