/**
 * The events `<contact-me>` and `<contact-me-host>` fire, with their detail
 * types. Every event bubbles and is composed (it crosses shadow roots), so a
 * page can listen on `document`. Registered in `HTMLElementEventMap`,
 * `DocumentEventMap` and `WindowEventMap`, so
 * `el.addEventListener("contact-me-call-end", (e) => e.detail.status)` is typed.
 * @module
 */
import type { CallMedia } from "../protocol/socket.ts";
import type { CallStatus } from "./call/call-controller.ts";

/** Detail of `contact-me-open` and `contact-me-close`. */
export interface ContactMePanelDetail {
  /** The element's room. */
  room: string;
}

/** Detail of `contact-me-message-sent`: the room stored the visitor's message. */
export interface ContactMeMessageSentDetail {
  /** The message as sent. */
  text: string;
}

/** Detail of `contact-me-message-received`: a host reply arrived. */
export interface ContactMeMessageReceivedDetail {
  /** The reply. */
  text: string;
  /** Who answered, when the room names them. */
  by?: string;
}

/** Detail of `contact-me-call-start`: a call connected. */
export interface ContactMeCallStartDetail {
  /** `audio` or `video`. */
  media: CallMedia;
}

/** Detail of `contact-me-call-end`: a call ended (or never connected). */
export interface ContactMeCallEndDetail {
  /** How it ended: `ended`, `declined`, `failed`, `no-answer`, `unavailable`, … */
  status: CallStatus;
  /** `audio` or `video`. */
  media: CallMedia | undefined;
}

/** Every `contact-me-*` event, by name. */
export interface ContactMeEventMap {
  "contact-me-open": CustomEvent<ContactMePanelDetail>;
  "contact-me-close": CustomEvent<ContactMePanelDetail>;
  "contact-me-message-sent": CustomEvent<ContactMeMessageSentDetail>;
  "contact-me-message-received": CustomEvent<ContactMeMessageReceivedDetail>;
  "contact-me-call-start": CustomEvent<ContactMeCallStartDetail>;
  "contact-me-call-end": CustomEvent<ContactMeCallEndDetail>;
}

/** Detail of `contact-me-host-ring`: a call started ringing on this dashboard. */
export interface ContactMeHostRingDetail {
  /** The room's id for the call (a UUID). */
  callId: string;
  /** `audio` or `video`. */
  media: CallMedia;
  /** The visitor's name, when they gave one. */
  name?: string;
}

/** Detail of `contact-me-host-message`: a visitor's message arrived. */
export interface ContactMeHostMessageDetail {
  /** The conversation it belongs to (reply with the same id). */
  conversationId: string;
  /** The message. */
  text: string;
  /** What the visitor gave: name and email, and the page they wrote from. */
  name?: string;
  email?: string;
  page?: string;
}

/** Every `contact-me-host-*` event of `<contact-me-host>`, by name. */
export interface ContactMeHostEventMap {
  "contact-me-host-ring": CustomEvent<ContactMeHostRingDetail>;
  "contact-me-host-message": CustomEvent<ContactMeHostMessageDetail>;
}

type AllEvents = ContactMeEventMap & ContactMeHostEventMap;

/** Fire `name` from `target` with `detail`, bubbling and composed. */
export function fire<K extends keyof AllEvents>(target: EventTarget, name: K, detail: AllEvents[K]["detail"]): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends ContactMeEventMap, ContactMeHostEventMap {}
  // They bubble out of shadow roots to the document and the window.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DocumentEventMap extends ContactMeEventMap, ContactMeHostEventMap {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface WindowEventMap extends ContactMeEventMap, ContactMeHostEventMap {}
}
