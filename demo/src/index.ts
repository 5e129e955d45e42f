/**
 * The demo pages' script (`/dist/index.js`, built by `partykit dev` and
 * `partykit deploy`): the visitor widget exactly as the script tag ships it,
 * and the host dashboard's code on pages that have a `<contact-me-host>`.
 * @module
 */
import "../../widget/contact-me/script.ts";

if (globalThis.document?.querySelector("contact-me-host")) void import("../../widget/contact-me-host/script.ts");

/** The widget's `PeerCall`, loaded on demand: the benchmark's direct baseline uses it. */
export const loadPeerCall = (): Promise<typeof import("../../widget/call/peer-call.ts")> => import("../../widget/call/peer-call.ts");
