/**
 * `contact-me/react/host`: `<contact-me-host>`, the host dashboard, as a React
 * component. Importing it registers `<contact-me-host>`, as `contact-me/host`
 * does; import it on the owner's page only.
 *
 * ```tsx
 * import { ContactMeHost } from "contact-me/react/host";
 * <ContactMeHost room="my-site" host="contact-me.you.workers.dev"
 *                onContactMeHostRing={(e) => console.log(e.detail.callId)} />
 * ```
 * @module
 */
import { createComponent, type EventName } from "@lit/react";
import * as React from "react";
import type { ContactMeHostEventMap } from "./events.ts";
// Registers the element: the component renders its tag.
import "./host.ts";
import type { ContactMeHost as ContactMeHostElement } from "./contact-me-host/contact-me-host.ts";

export type * from "./host.ts";

/** The `onContactMeHost…` props: each handler receives the event with its typed `detail`. */
export const contactMeHostEvents = {
  /** A call started ringing on this dashboard. */
  onContactMeHostRing: "contact-me-host-ring" as EventName<ContactMeHostEventMap["contact-me-host-ring"]>,
  /** A visitor's message arrived. */
  onContactMeHostMessage: "contact-me-host-message" as EventName<ContactMeHostEventMap["contact-me-host-message"]>,
};

/**
 * `<contact-me-host>`: the host dashboard, as a React component (a `ref` gets the element).
 * `strings` is set as a property; every other prop (`room`, `host`, `party`, `answer`,
 * `conversation`) reaches the element as an attribute, in the server's HTML and before the
 * element connects (see `contact-me/react`).
 */
export const ContactMeHost = /* @__PURE__ */ createComponent({
  react: React,
  tagName: "contact-me-host",
  elementClass: { prototype: { strings: undefined } } as unknown as typeof ContactMeHostElement,
  events: contactMeHostEvents,
  displayName: "ContactMeHost",
});

/** Props of {@link ContactMeHost}: the element's properties and the `onContactMeHost…` handlers. */
export type ContactMeHostProps = React.ComponentProps<typeof ContactMeHost>;
