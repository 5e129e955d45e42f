/**
 * Styles of `<contact-me-panel>`: the dialog, its header, the actions, the
 * conversation and the message form. Loaded with the panel.
 * @module
 */
import { css } from "lit";
import { fileStyles } from "../files/files.styles.ts";
import { baseStyles } from "../styles.ts";

export const panelStyles = [
  baseStyles,
  fileStyles,
  css`
    :host {
      width: var(--contact-me-width, 22rem);
      max-width: calc(100vw - 2.5rem);
      max-height: calc(100vh - 6rem);
      overflow: auto;
      box-sizing: border-box;
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      box-shadow: 0 8px 32px rgb(0 0 0 / 0.22);
      padding: 1rem;
      display: grid;
      gap: 0.75rem;
    }
    [part="header"] {
      display: flex;
      align-items: center;
      gap: 0.75em;
    }
    [part="header"] h2 {
      font-size: 1.1em;
      margin: 0;
      overflow-wrap: anywhere;
    }
    [part="header"] .who {
      flex: 1;
      min-width: 0;
    }
    [part="tagline"] {
      margin: 0;
      font-size: 0.85em;
      color: var(--_muted);
    }
    .avatar {
      flex: none;
      width: 2.5rem;
      height: 2.5rem;
      border-radius: 50%;
      object-fit: cover;
    }
    .initials {
      display: grid;
      place-items: center;
      background: var(--_accent);
      color: var(--_on-accent);
      font-weight: 600;
    }
    [part="away"] {
      margin: 0;
      display: grid;
      gap: 0.15em;
    }
    [part="email-hint"] {
      margin: -0.25em 0 0;
      font-size: 0.85em;
    }
    [part="sender"] {
      margin: 0;
      font-size: 0.9em;
      color: var(--_muted);
    }
    [part="sender-change"] {
      padding: 0.1em 0.5em;
    }
    [part="close"] {
      padding: 0.2em 0.6em;
    }
    [part="menu"] {
      display: grid;
      gap: 0.5em;
    }
    .hint {
      margin: 0;
      font-size: 0.85em;
      color: var(--_muted);
    }
    [part="messages"] {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 0.4em;
    }
    [part~="message"] {
      max-width: 85%;
      padding: 0.4em 0.7em;
      border-radius: 10px;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    [part~="message-visitor"] {
      justify-self: end;
      background: var(--_accent);
      color: var(--_on-accent);
    }
    [part~="message-host"] {
      justify-self: start;
      border: 1px solid var(--_border);
    }
    [part~="message-call"] {
      justify-self: center;
      max-width: 100%;
      padding: 0.1em 0.5em;
      color: var(--_muted);
      font-size: 0.85em;
    }
    [part~="message"] small {
      display: block;
      opacity: 0.8;
      font-size: 0.75em;
    }
    [part="unreachable"] {
      display: flex;
      align-items: center;
      gap: 0.5em;
      color: var(--_danger);
    }
    [part="unreachable"] span {
      flex: 1;
    }
    [part="message-retry"] {
      padding: 0 0.4em;
      font-size: inherit;
    }
    [part="form"] {
      display: grid;
      gap: 0.5em;
    }
    /*
     * Phone size: a full-screen sheet. The conversation scrolls between the
     * header and the message box, which stays at the bottom (above the
     * keyboard, as the dynamic viewport shrinks); the notch and home
     * indicator are kept clear with the safe-area insets.
     */
    @media (max-width: 480px) {
      :host {
        position: fixed;
        inset: 0;
        width: 100%;
        max-width: none;
        height: 100vh;
        height: 100dvh;
        max-height: none;
        border: 0;
        border-radius: 0;
        box-shadow: none;
        display: flex;
        flex-direction: column;
        padding: max(0.75rem, env(safe-area-inset-top)) max(1rem, env(safe-area-inset-right))
          max(0.75rem, env(safe-area-inset-bottom)) max(1rem, env(safe-area-inset-left));
        overflow: hidden;
      }
      :host > * {
        flex: none;
      }
      [part="header"] {
        min-height: 44px;
      }
      [part="close"] {
        min-width: 44px;
        min-height: 44px;
        font-size: 1.4em;
      }
      [part="messages"],
      [part="menu"],
      [part="call"] {
        flex: 1 1 auto;
        min-height: 0;
        overflow-y: auto;
        align-content: start;
      }
      [part="form"] {
        margin-top: auto;
      }
    }
  `,
];
