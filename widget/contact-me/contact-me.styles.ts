/**
 * Styles of `<contact-me>`: where it sits on the page, the **Contact me**
 * button, its presence dot and unread badge. The panel has its own
 * (`contact-me-panel.styles.ts`), loaded with it.
 * @module
 */
import { css } from "lit";
import { baseStyles } from "../styles.ts";

export const launcherStyles = [
  baseStyles,
  css`
      :host {
        position: fixed;
        bottom: 1.25rem;
        right: 1.25rem;
        z-index: var(--contact-me-z-index, 2147483000);
        display: flex;
        flex-direction: column-reverse;
        align-items: flex-end;
        gap: 0.75rem;
      }
      :host([position="bottom-left"]) {
        right: auto;
        left: 1.25rem;
        align-items: flex-start;
      }
      :host([position="inline"]) {
        position: static;
        align-items: flex-start;
        flex-direction: column;
      }
      .bar {
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }
      [part="launcher"] {
        position: relative;
        border-radius: 999px;
        padding: 0.75em 1.25em;
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.18);
        font-weight: 600;
      }
      [part="launcher-hang-up"] {
        border-radius: 999px;
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.18);
        font-weight: 600;
      }
      [part="launcher-presence"] {
        display: inline-block;
        width: 0.55em;
        height: 0.55em;
        margin-left: 0.5em;
        border-radius: 50%;
        background: var(--_ok);
        box-shadow: 0 0 0 2px var(--_on-accent);
        vertical-align: middle;
      }
      /* Phone size: clear of the home indicator; hidden under the open panel, a full-screen sheet. */
      @media (max-width: 480px) {
        :host {
          bottom: max(1rem, env(safe-area-inset-bottom));
          right: max(1rem, env(safe-area-inset-right));
        }
        :host([position="bottom-left"]) {
          left: max(1rem, env(safe-area-inset-left));
        }
        .bar.open {
          display: none;
        }
      }
      [part="badge"] {
        position: absolute;
        top: -0.4em;
        right: -0.4em;
        min-width: 1.4em;
        height: 1.4em;
        border-radius: 999px;
        background: var(--_danger-fill);
        color: var(--_on-danger);
        font-size: 0.8em;
        line-height: 1.4em;
        text-align: center;
      }
      /* A meeting takes the whole page, over the site and the button. */
      .meeting {
        position: fixed;
        inset: 0;
        overflow: auto;
        z-index: var(--contact-me-z-index, 2147483000);
      }
    `,
];
