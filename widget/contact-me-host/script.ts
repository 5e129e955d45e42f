/**
 * The script-tag entry of the host dashboard, built to
 * `dist/contact-me-host.js` (Lit bundled): registers `<contact-me-host>`.
 * @module
 */
import { ContactMeHost } from "./contact-me-host.ts";
import { define } from "../define.ts";

define("contact-me-host", ContactMeHost);

export { ContactMeHost };
