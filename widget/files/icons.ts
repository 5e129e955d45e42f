/**
 * The icons of files in a conversation, inline SVG in the text's colour
 * (Feather's `paperclip` and `file`, MIT): emoji would depend on the
 * system's fonts.
 * @module
 */
import { html } from "lit";

/** An icon of `path` on a 24 × 24 grid, hidden from assistive technologies. */
const icon = (path: string) =>
  html`<svg class="icon" viewBox="0 0 24 24" width="1.2em" height="1.2em" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d=${path} /></svg>`;
/** A paperclip. */
export const paperclipIcon = () => icon("M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48");
/** A sheet of paper with a folded corner. */
export const documentIcon = () => icon("M13 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9zM13 2v7h7");
