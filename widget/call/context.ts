/**
 * How the call view (`<contact-me-call>`) gets its call: the element that owns
 * the {@link CallController} provides it, with the strings to show, through
 * {@link https://lit.dev/docs/data/context/ @lit/context}. A fresh value is
 * provided on each of the owner's updates, so the view renders whenever the
 * call changes.
 * @module
 */
import { ContextProvider, createContext } from "@lit/context";
import type { ReactiveElement } from "lit";
import type { ErrorStrings } from "../room/errors.ts";
import type { CallController } from "./call-controller.ts";
import type { CallStrings, PeerStrings } from "./call.strings.ts";

/** What `<contact-me-call>` needs from the element around it. */
export interface CallContext {
  /** The element's call. */
  call: CallController;
  /** Every string the view shows: defaults with the site's overrides. */
  strings: CallStrings & ErrorStrings & PeerStrings;
  /** How to name the other side, e.g. "The host" in "The host is muted". */
  peer: string;
  /** The other side's own name when known (e.g. "Ada"), for "Calling Ada…" and the initials; else {@link peer} is used. */
  peerName?: string;
  /** URL of the other side's picture; without it the view shows the initials of {@link peer}. */
  peerAvatar?: string;
  /** Whether **Turn on video** may be offered (the site allows video). */
  allowVideo: boolean;
}

/** The context key of {@link CallContext}. */
export const callContext = createContext<CallContext>(Symbol("contact-me-call"));

/** Provide `value()` to the call views inside `host`, afresh before each of its renders. */
export function provideCall(host: ReactiveElement, value: () => CallContext): void {
  const provider = new ContextProvider(host, { context: callContext });
  host.addController({ hostUpdate: () => provider.setValue(value()) });
}
