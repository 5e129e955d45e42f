/**
 * `contact-me/host`: the host dashboard. Importing this module registers
 * `<contact-me-host>` (sign-in, inbox, availability, calls); load it on the
 * owner's page only, since it carries the call code. Safe to import twice,
 * next to the script tag, and in Node (SSR).
 * @module
 */
import { ContactMeHost } from "./contact-me-host/contact-me-host.ts";
import { define } from "./define.ts";

define("contact-me-host", ContactMeHost);

export { ContactMeHost };
export type * from "./events.ts";
export { hostStrings, type HostStrings } from "./contact-me-host/contact-me-host.strings.ts";
export { callStrings, type CallStrings } from "./call/call.strings.ts";
export { errorStrings, errorKey, type ErrorStrings } from "./room/errors.ts";
export { fileStrings, type FileStrings } from "./files/files.strings.ts";
export { meetingsStrings, type MeetingsStrings } from "./contact-me-host/meetings-editor.ts";
export { format, type Problem } from "./strings.ts";
