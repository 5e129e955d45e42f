/**
 * Styles of `<contact-me-host>`: sign-in, toolbar, the lists of calls; the
 * inbox's are in `inbox.styles.ts`. The call view has its own (`call/call-view.styles.ts`).
 * @module
 */
import { css } from "lit";
import { fileStyles } from "../files/files.styles.ts";
import { baseStyles } from "../styles.ts";
import { inboxStyles } from "./inbox.styles.ts";

export const hostStyles = [
  baseStyles,
  fileStyles,
  css`
      :host {
        display: block;
        max-width: 72rem;
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
      /* A meeting (joined, or a call moved into one) in its own box; the tiles share its height. */
      contact-me-meeting {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        margin-block: 1rem;
        height: min(80vh, 44rem);
        overflow: hidden;
      }
      [part="hours"] {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: 0.6rem 1rem;
        margin-block: 1rem;
        background: var(--_bg);
      }
      [part="hours"] summary {
        cursor: pointer;
      }
      .hours-title {
        font-weight: 600;
      }
      [part="hours"] form {
        display: grid;
        gap: 0.6rem;
        margin-top: 0.6rem;
        justify-items: start;
      }
      [part="hours"] .days {
        display: grid;
        gap: 0.4rem;
      }
      [part="hours"] fieldset {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 1rem;
        margin: 0;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }
      [part="hours"] legend {
        font-weight: 600;
      }
      [part="hours"] .check {
        display: inline-flex;
        align-items: center;
        gap: 0.4em;
      }
      [part="hours"] .check input {
        width: auto;
        margin: 0;
      }
      [part="hours"] input[name="timeZone"] {
        width: 16rem;
        max-width: 100%;
      }
      [part="sign-in"] {
        display: grid;
        gap: 0.6rem;
        max-width: 22rem;
      }
      [part="available"],
      .switch {
        display: inline-flex;
        align-items: center;
        gap: 0.6em;
      }
      [part="available"] .track,
      .switch .track {
        width: 2.4em;
        height: 1.3em;
        border-radius: 999px;
        background: var(--_border);
        position: relative;
        transition: background 0.15s;
      }
      [part="available"] .track::after,
      .switch .track::after {
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
      [part="available"][aria-checked="true"] .track,
      .switch[aria-checked="true"] .track {
        background: var(--_ok);
      }
      [part="available"][aria-checked="true"] .track::after,
      .switch[aria-checked="true"] .track::after {
        transform: translateX(1.1em);
      }
      [part="notifications"] .switch {
        justify-self: start;
      }
      [part="notifications"] p {
        margin: 0;
      }
      [part="push-device"] > span {
        display: grid;
        flex: 1;
        min-width: 0;
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
      /* Who is calling: the call, then their email and page on a line of their own. */
      .caller {
        display: grid;
        gap: 0.15rem;
        flex-basis: 100%;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      button.accept {
        font-size: 1.1em;
        font-weight: 600;
        padding: 0.65em 1.4em;
        min-height: 48px;
      }
      /* A live call stays in view above the inbox while the host scrolls. */
      contact-me-call.live {
        position: sticky;
        top: 0;
        z-index: 2;
        box-shadow: 0 4px 12px rgb(0 0 0 / 0.18);
      }
    `,
  inboxStyles,
];
