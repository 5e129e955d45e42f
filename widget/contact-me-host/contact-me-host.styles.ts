/**
 * Styles of `<contact-me-host>`: sign-in, toolbar, the lists of calls and
 * conversations. The call view has its own (`call/call-view.styles.ts`).
 * @module
 */
import { css } from "lit";
import { baseStyles } from "../styles.ts";

export const hostStyles = [
  baseStyles,
  css`
      :host {
        display: block;
        max-width: 48rem;
      }
      section,
      contact-me-call {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: 1rem;
        margin-block: 1rem;
        display: grid;
        gap: 0.6rem;
        background: var(--_bg);
      }
      h2 {
        font-size: 1.05em;
        margin: 0;
      }
      [part="sign-in"] {
        display: grid;
        gap: 0.6rem;
        max-width: 22rem;
      }
      [part="available"] {
        display: inline-flex;
        align-items: center;
        gap: 0.6em;
      }
      [part="available"] .track {
        width: 2.4em;
        height: 1.3em;
        border-radius: 999px;
        background: var(--_border);
        position: relative;
        transition: background 0.15s;
      }
      [part="available"] .track::after {
        content: "";
        position: absolute;
        top: 0.15em;
        left: 0.15em;
        width: 1em;
        height: 1em;
        border-radius: 50%;
        background: #fff;
        transition: transform 0.15s;
      }
      [part="available"][aria-checked="true"] .track {
        background: var(--_ok);
      }
      [part="available"][aria-checked="true"] .track::after {
        transform: translateX(1.1em);
      }
      .toolbar {
        display: flex;
        gap: 1rem;
        align-items: center;
        flex-wrap: wrap;
      }
      .toolbar .who {
        flex: 1;
        color: var(--_muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.6rem;
      }
      [part="conversation"] {
        border-top: 1px solid var(--_border);
        padding-top: 0.6rem;
        display: grid;
        gap: 0.5rem;
      }
      [part~="message"] {
        border-left: 3px solid var(--_accent);
        padding-left: 0.6rem;
      }
      [part~="message-host"] {
        border-left-color: var(--_ok);
        margin-left: 1.5rem;
      }
      .meta {
        font-size: 0.8em;
        color: var(--_muted);
      }
      [part~="message"] .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      [part="reply"] {
        align-items: end;
      }
      .grow {
        flex: 1;
      }
    `,
];
