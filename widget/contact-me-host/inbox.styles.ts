/**
 * Styles of the dashboard's inbox (`inbox.ts`): the list pane beside the
 * open conversation, one pane at a time when narrow. Colours come from the
 * tokens of `../styles.ts`, which have dark variants.
 * @module
 */
import { css } from "lit";

export const inboxStyles = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  .meta {
    font-size: 0.8em;
    color: var(--_muted);
  }
  .panes {
    display: grid;
    grid-template-columns: minmax(13rem, 18rem) minmax(0, 1fr);
    gap: 1rem;
    align-items: start;
  }
  .narrow .panes {
    grid-template-columns: minmax(0, 1fr);
  }

  /* ---- the list */
  .list {
    display: grid;
    gap: 0.6rem;
    min-width: 0;
  }
  .filters {
    display: flex;
    border: 1px solid var(--_border);
    border-radius: 8px;
    padding: 2px;
    margin: 0;
    gap: 2px;
    min-width: 0;
  }
  .filters label {
    flex: 1;
    display: block;
    position: relative;
    font-size: 0.9em;
    color: var(--_fg);
  }
  .filters input {
    position: absolute;
    inset: 0;
    opacity: 0;
    margin: 0;
    cursor: pointer;
    min-height: 0;
  }
  .filters span {
    display: flex;
    align-items: center;
    justify-content: center;
    min-height: 2.2em;
    padding: 0 0.6em;
    border-radius: 6px;
    text-align: center;
  }
  .filters input:checked + span {
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .filters input:focus-visible + span {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  ul.items {
    gap: 0.25rem;
  }
  .item {
    display: grid;
    gap: 0.2em;
    width: 100%;
    text-align: start;
    border-color: transparent;
    padding: 0.55em 0.7em;
  }
  .item:hover {
    border-color: var(--_border);
  }
  .item[aria-current="true"] {
    border-color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 10%, var(--_bg));
  }
  .item-top,
  .item-bottom {
    display: flex;
    gap: 0.5em;
    align-items: baseline;
    min-width: 0;
  }
  .item .name {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .item.unread .name {
    font-weight: 700;
  }
  .item time,
  .item .preview {
    font-size: 0.85em;
    color: var(--_muted);
  }
  .item .preview {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .item .preview::before {
    content: attr(data-text);
  }
  .item.unread .preview {
    color: var(--_fg);
  }
  .count {
    min-width: 1.4em;
    padding: 0 0.4em;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_on-accent);
    font-size: 0.8em;
    font-weight: 700;
    text-align: center;
    line-height: 1.5;
  }
  .empty {
    color: var(--_muted);
    margin: 0.5rem 0;
  }

  /* ---- the open conversation */
  section.conversation {
    margin: 0;
    min-width: 0;
  }
  /* One pane on a narrow dashboard: no frame within the frame. */
  .narrow section.conversation {
    border: 0;
    padding: 0;
  }
  [part="conversation-header"] {
    display: grid;
    gap: 0.3rem;
    justify-items: start;
    border-bottom: 1px solid var(--_border);
    padding-bottom: 0.6rem;
  }
  [part="conversation-header"] h3 {
    font-size: 1.05em;
    margin: 0;
    overflow-wrap: anywhere;
  }
  [part="conversation-header"] .meta {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .details {
    display: flex;
    flex-wrap: wrap;
    gap: 0.1rem 1rem;
  }
  .details div {
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .details dt,
  .details dd {
    display: inline;
    margin: 0;
  }
  .details dt::after {
    content: ":";
  }
  a {
    color: var(--_accent);
  }
  ul.days {
    gap: 1rem;
  }
  .day-heading {
    margin: 0 0 0.5rem;
    font-size: 0.8em;
    font-weight: 600;
    color: var(--_muted);
    text-align: center;
  }
  ul.day-messages {
    gap: 0.5rem;
  }
  [part~="message"] {
    max-width: min(85%, 36rem);
    justify-self: start;
    padding: 0.45em 0.75em;
    border-radius: 12px;
    border: 1px solid var(--_border);
    border-end-start-radius: 4px;
  }
  [part~="message-host"] {
    justify-self: end;
    border-color: var(--_accent);
    border-end-start-radius: 12px;
    border-end-end-radius: 4px;
    background: color-mix(in srgb, var(--_accent) 10%, var(--_bg));
  }
  [part~="message-call"] {
    justify-self: center;
    max-width: 100%;
    border-style: dashed;
    border-radius: 999px;
    padding: 0.2em 0.9em;
    font-size: 0.9em;
  }
  [part~="message-call"].unanswered {
    border-color: var(--_danger);
  }
  [part~="message"] .text {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .reply {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    gap: 0.25rem 0.5rem;
    align-items: end;
    border-top: 1px solid var(--_border);
    padding-top: 0.6rem;
  }
  .reply .hint {
    grid-column: 1 / -1;
    margin: 0;
  }
  .back {
    display: inline-flex;
    gap: 0.4em;
    align-items: center;
  }
  .actions,
  .confirm {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    align-items: center;
  }
  .confirm p {
    flex-basis: 100%;
    margin: 0;
  }
  [part="message-state"] {
    display: block;
    text-align: end;
  }
  [part="typing"] {
    min-height: 1.3em;
    margin: 0.3rem 0 0;
    font-style: italic;
  }
  .preview.typing::before {
    font-style: italic;
  }
  [part="load-older"] {
    margin-top: 0.5rem;
    width: 100%;
  }
  [part="load-older"][aria-disabled="true"] {
    opacity: 0.7;
    cursor: progress;
  }
`;
