/**
 * The script-tag entry, built to `dist/contact-me.js` (Lit bundled): registers
 * `<contact-me>` and nothing else. Only the button and presence load with the
 * page; the panel, text and call code load on first open. Loading it twice, or
 * next to the npm package, is a no-op.
 * @module
 */
import { ContactMe } from "./contact-me.ts";
import { define } from "../define.ts";

define("contact-me", ContactMe);

export { ContactMe };
