/**
 * Shared styles. Colours and sizes are custom properties on `:host` so a
 * site can restyle the elements without reaching into the shadow root.
 * @module
 */
import { css } from "lit";

/** Tokens and controls common to both elements. */
export const baseStyles = css`
  :host {
    --_accent: var(--contact-me-accent, #2557d6);
    --_on-accent: var(--contact-me-on-accent, #ffffff);
    --_bg: var(--contact-me-background, #ffffff);
    --_fg: var(--contact-me-foreground, #1b1d21);
    --_muted: var(--contact-me-muted, #5b616e);
    --_border: var(--contact-me-border, #d5d8de);
    --_danger: var(--contact-me-danger, #c62828);
    /* Filled red buttons (Hang up): the same deep red in both schemes, as white on the dark scheme's light red would not read. */
    --_danger-fill: var(--contact-me-danger-fill, #c62828);
    --_on-danger: var(--contact-me-on-danger, #ffffff);
    --_ok: var(--contact-me-ok, #1e7d32);
    --_radius: var(--contact-me-radius, 12px);
    --_font: var(--contact-me-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
    font-family: var(--_font);
    color: var(--_fg);
    font-size: 15px;
    line-height: 1.4;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--contact-me-accent, #7aa2ff);
      --_on-accent: var(--contact-me-on-accent, #0b1020);
      --_bg: var(--contact-me-background, #1b1d21);
      --_fg: var(--contact-me-foreground, #eef0f3);
      --_muted: var(--contact-me-muted, #aab0bc);
      --_border: var(--contact-me-border, #3a3e46);
      --_danger: var(--contact-me-danger, #ff8a80);
      --_ok: var(--contact-me-ok, #81c784);
    }
  }
  [hidden] {
    display: none !important;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: 8px;
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_fg);
    padding: 0.5em 0.9em;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  button.danger {
    background: var(--_danger-fill);
    border-color: var(--_danger-fill);
    color: var(--_on-danger);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 8px;
    padding: 0.5em;
    box-sizing: border-box;
    width: 100%;
  }
  label {
    display: grid;
    gap: 0.25em;
    font-size: 0.9em;
    color: var(--_muted);
  }
  .presence::before {
    content: "";
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    border-radius: 50%;
    margin-right: 0.4em;
    background: var(--_muted);
  }
  .presence.on::before {
    background: var(--_ok);
  }
  video {
    width: 100%;
    border-radius: 8px;
    background: #000;
  }
  .status {
    font-weight: 600;
  }
  .error {
    color: var(--_danger);
  }
  .muted {
    color: var(--_muted);
  }
  .row {
    display: flex;
    gap: 0.5em;
    flex-wrap: wrap;
    align-items: center;
  }
  /* Phones and touch screens: targets of at least 44 px (WCAG 2.5.5), and
     fields of at least 16 px so that iOS does not zoom into them. */
  @media (max-width: 480px), (pointer: coarse) {
    button {
      min-height: 44px;
      min-width: 44px;
    }
    input,
    select,
    textarea {
      font-size: max(16px, 1em);
      min-height: 44px;
    }
  }
`;
