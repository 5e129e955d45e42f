/**
 * Styles of files in a conversation (`file-view.ts`) and of the files
 * attached to a message being written (`attachments.ts`), shared by the
 * visitor's panel and the dashboard.
 * @module
 */
import { css } from "lit";

export const fileStyles = css`
  .files {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em;
    margin-top: 0.3em;
    white-space: normal;
  }
  .file-image img {
    display: block;
    max-width: 12em;
    max-height: 10em;
    border-radius: 6px;
    object-fit: cover;
  }
  .file-image:not([href]) {
    display: block;
    width: 6em;
    height: 4em;
    border-radius: 6px;
    background: var(--_border);
  }
  .file-recording {
    margin: 0;
  }
  .file-recording video {
    max-width: 16em;
    border-radius: 6px;
  }
  .file-recording figcaption {
    font-size: 0.8em;
  }
  .file-document {
    color: inherit;
    padding: 0.3em 0.5em;
    border: 1px solid currentColor;
    border-radius: 6px;
  }
  .file-document::before {
    content: "📄 ";
  }
  .file-size {
    display: inline !important;
    opacity: 0.8;
  }
  .attach {
    display: inline-flex;
    align-items: center;
    gap: 0.3em;
    cursor: pointer;
    color: var(--_accent);
  }
  .attach input {
    position: absolute;
    width: 1px;
    height: 1px;
    opacity: 0;
  }
  .attach:focus-within {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .attachments {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em;
  }
  .attachment {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    max-width: 100%;
    padding: 0.2em 0.4em;
    border: 1px solid var(--_border);
    border-radius: 8px;
    font-size: 0.85em;
  }
  .attachment img {
    width: 2.2em;
    height: 2.2em;
    object-fit: cover;
    border-radius: 4px;
  }
  .attachment-name {
    max-width: 10em;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .attachment progress {
    width: 4em;
  }
  .attachment button {
    padding: 0 0.4em;
  }
  .dragging {
    outline: 2px dashed var(--_accent);
    outline-offset: 4px;
  }
  .error {
    color: var(--_danger);
  }
`;
