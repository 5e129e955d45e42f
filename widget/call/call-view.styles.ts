/**
 * Styles of `<contact-me-call>`: the status line, the videos, the call timer
 * and quality, and the in-call controls.
 * @module
 */
import { css } from "lit";
import { baseStyles } from "../styles.ts";

export const callViewStyles = [
  baseStyles,
  css`
    :host {
      display: grid;
      gap: 0.6em;
    }
    p {
      margin: 0;
    }
    .videos {
      display: grid;
      grid-template-columns: 3fr 1fr;
      gap: 0.5rem;
      align-items: end;
    }
    .call-info {
      display: flex;
      gap: 0.75em;
      flex-wrap: wrap;
      align-items: center;
      font-size: 0.85em;
      color: var(--_muted);
    }
    [part="call-quality"][data-quality]::before {
      content: "";
      display: inline-block;
      width: 0.6em;
      height: 0.6em;
      border-radius: 50%;
      margin-right: 0.35em;
      background: var(--_ok);
    }
    [part="call-quality"][data-quality="fair"]::before {
      background: #d99a00;
    }
    [part="call-quality"][data-quality="poor"]::before {
      background: var(--_danger);
    }
    [part="devices"] {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
      gap: 0.5em;
    }
    button[aria-pressed="true"] {
      border-color: var(--_danger);
      color: var(--_danger);
    }
  `,
];
