/**
 * `contact-me/react`: `<contact-me>` as a React component, for React 18 (which
 * sets only attributes on custom elements) and as a convenience in React 19.
 * Importing it registers `<contact-me>`, as `contact-me` does, and weighs the
 * same in the visitor's first load (React itself aside).
 *
 * ```tsx
 * import { ContactMe } from "contact-me/react";
 * <ContactMe room="my-site" host="contact-me.you.workers.dev"
 *            strings={{ launcher: "Écrivez-moi" }}
 *            onContactMeMessageSent={(e) => console.log(e.detail.text)} />
 * ```
 *
 * Props are the element's properties (`room`, `host`, `party`, `modes`,
 * `position`, `strings`, …, set as properties, so objects need no JSON) and
 * one `onContactMe…` prop per `contact-me-*` event, typed with its detail.
 * Server rendering (Next.js, Gatsby, Remix) outputs the bare `<contact-me>`
 * tag with its attributes; the element upgrades in the browser.
 * @module
 */
import { createComponent, type EventName } from "@lit/react";
import * as React from "react";
import type { ContactMeEventMap } from "./events.ts";
// Registers the element: the component renders its tag.
import "./index.ts";
import type { ContactMe as ContactMeElement } from "./contact-me/contact-me.ts";

export type * from "./index.ts";

/** The `onContactMe…` props: each handler receives the event with its typed `detail`. */
export const contactMeEvents = {
  /** The visitor opened the panel. */
  onContactMeOpen: "contact-me-open" as EventName<ContactMeEventMap["contact-me-open"]>,
  /** The visitor closed the panel. */
  onContactMeClose: "contact-me-close" as EventName<ContactMeEventMap["contact-me-close"]>,
  /** The room stored a message the visitor sent. */
  onContactMeMessageSent: "contact-me-message-sent" as EventName<ContactMeEventMap["contact-me-message-sent"]>,
  /** A host reply arrived. */
  onContactMeMessageReceived: "contact-me-message-received" as EventName<ContactMeEventMap["contact-me-message-received"]>,
  /** A call connected. */
  onContactMeCallStart: "contact-me-call-start" as EventName<ContactMeEventMap["contact-me-call-start"]>,
  /** A call ended, or never connected. */
  onContactMeCallEnd: "contact-me-call-end" as EventName<ContactMeEventMap["contact-me-call-end"]>,
};

/** The string properties, by prop name, and the attributes they are rendered as. */
const attributes: Record<string, string> = {
  room: "room",
  host: "host",
  party: "party",
  modes: "modes",
  position: "position",
  hostName: "host-name",
  hostAvatar: "host-avatar",
  hostTagline: "host-tagline",
  hostAway: "host-away",
};

/**
 * `<contact-me>` through `createComponent`, told that `strings` is its only property
 * (`createComponent` sets the props it finds on `elementClass.prototype` as properties, after
 * React has inserted the element, and leaves them out of server-rendered HTML). Every other
 * prop reaches the element as an attribute, as React renders it: in the server's HTML, and on
 * the element before it connects and asks for its room's presence.
 */
const Element = /* @__PURE__ */ createComponent({
  react: React,
  tagName: "contact-me",
  elementClass: { prototype: { strings: undefined } } as unknown as typeof ContactMeElement,
  events: contactMeEvents,
});

/** Props of {@link ContactMe}: the element's properties and the `onContactMe…` handlers. */
export type ContactMeProps = React.ComponentProps<typeof Element>;

/** `<contact-me>`: the visitor widget, as a React component (a `ref` gets the element). */
export const ContactMe = /* @__PURE__ */ React.forwardRef<ContactMeElement, Omit<ContactMeProps, "ref">>(function ContactMe(props, ref) {
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) renamed[attributes[key] ?? key] = value;
  return React.createElement(Element, { ...renamed, ref });
});
