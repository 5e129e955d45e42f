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
export { hostStrings, visitorStrings, format, type HostStrings, type VisitorStrings } from "./strings.ts";
export { callStrings, errorStrings, errorKey, type CallStrings, type ErrorStrings, type Problem } from "./call/call-strings.ts";
export { PeerCall, PeerCallError, type PeerCallErrorCode, type Signal } from "./call/peer-call.ts";
export type { CallStatus } from "./call/call-controller.ts";
