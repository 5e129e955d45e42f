/**
 * contact-me: `<contact-me>` (visitor widget) and `<contact-me-host>` (host
 * dashboard). Importing this module registers both elements; it is safe to
 * import twice and safe to import in Node (SSR), where it registers nothing.
 * @module
 */
import { ContactMeHost } from "./contact-me-host.ts";
import { ContactMe } from "./contact-me.ts";
import { define } from "./define.ts";

define("contact-me", ContactMe);
define("contact-me-host", ContactMeHost);

export { ContactMe, ContactMeHost };
export { PeerCall, PeerCallError, type PeerCallErrorCode, type Signal } from "./call.ts";
export type { CallStatus } from "./call-controller.ts";
