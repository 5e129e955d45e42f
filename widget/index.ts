/**
 * contact-me: `<contact-me>` (visitor widget) and `<contact-me-host>` (host
 * dashboard). Importing this module registers both elements; it is safe to
 * import twice, next to the script tag, and in Node (SSR), where Lit's DOM
 * shim takes the registrations. The widget's panel and call code is a separate
 * chunk, loaded with `import()` when the visitor first opens it.
 * @module
 */
import { ContactMeHost } from "./contact-me-host/contact-me-host.ts";
import { ContactMe } from "./contact-me/contact-me.ts";
import { define } from "./define.ts";

define("contact-me", ContactMe);
define("contact-me-host", ContactMeHost);

export { ContactMe, ContactMeHost };
export type { ContactMeStrings } from "./contact-me/contact-me.ts";
export type * from "./events.ts";
export { format, type Problem } from "./strings.ts";
export { visitorStrings, type VisitorStrings } from "./contact-me/contact-me.strings.ts";
export { hostStrings, type HostStrings } from "./contact-me-host/contact-me-host.strings.ts";
export { callStrings, type CallStrings } from "./call/call.strings.ts";
export { recorderStrings, type RecorderStrings } from "./files/recorder.strings.ts";
export { errorStrings, errorKey, type ErrorStrings } from "./room/errors.ts";
export { fileStrings, type FileStrings } from "./files/files.strings.ts";
export { uploadFile, UploadError, type UploadOptions } from "./files/upload.ts";
export { PeerCall, PeerCallError, type PeerCallErrorCode, type Signal } from "./call/peer-call.ts";
export type { CallStatus } from "./call/call-controller.ts";
