/**
 * What the room pushes to a host's devices: the JSON of a Web Push message's
 * payload (RFC 8030, encrypted per RFC 8291), as the dashboard's service
 * worker reads it in its `push` event (`event.data.json()`). The socket
 * protocol is its peer, `socket.ts`.
 *
 * Each push is one of:
 * - `call`: a visitor is calling; the service worker shows "Video call from
 *   Ada" with Answer and Decline. Pushed with `Urgency: high`, a TTL of the
 *   ring timeout and `Topic` {@link callTopic}, so the call's later push
 *   replaces it at the push service if not yet delivered.
 * - `call-end`: that call stopped ringing (`state`: answered elsewhere,
 *   missed, cancelled by the visitor, declined); the service worker closes
 *   the call's notification, and shows "Missed call from Ada" for `missed`.
 * - `message`: a visitor wrote and no host saw it for a while; collapsed per
 *   conversation (`Topic` {@link conversationTopic}).
 *
 * `room` is the room's name, for the dashboard's URL:
 * `host.html?room=<room>&answer=<callId>` (Answer) or
 * `host.html?room=<room>&conversation=<conversationId>`.
 * @module
 */
import * as v from "valibot";
import { CallMedia } from "./socket.ts";

/** Longest message preview pushed, in characters. */
export const PUSH_PREVIEW_LENGTH = 140;

const Common = {
  /** The room's name. */
  room: v.string(),
  /** The room's own origin (`https://…`), where its HTTP endpoints are (`/parties/main/<room>/…`). */
  origin: v.string(),
  /** The visitor's name, when they gave one. */
  name: v.optional(v.string()),
};

export const PushPayload = v.variant("type", [
  v.object({
    type: v.literal("call"),
    ...Common,
    callId: v.string(),
    media: CallMedia,
    /** The page the visitor calls from. */
    page: v.optional(v.string()),
    /** When the call stops ringing at the latest, ms since the epoch. */
    until: v.number(),
    /**
     * Declines the call for the host this was pushed to, with no dashboard
     * open: `POST /parties/main/<room>/decline` with body `{"callId", "token"}`.
     */
    declineToken: v.optional(v.string()),
  }),
  v.object({
    type: v.literal("call-end"),
    ...Common,
    callId: v.string(),
    media: CallMedia,
    state: v.picklist(["answered", "missed", "cancelled", "declined"]),
    /** Who answered, for `answered`. */
    by: v.optional(v.string()),
  }),
  v.object({
    type: v.literal("message"),
    ...Common,
    conversationId: v.string(),
    /** The start of the newest unseen message (≤ {@link PUSH_PREVIEW_LENGTH}). */
    text: v.string(),
    /** How many messages of this conversation no host has seen. */
    unseen: v.number(),
  }),
]);
export type PushPayload = v.InferOutput<typeof PushPayload>;

/** The `Topic` of a call's pushes (RFC 8030 §5.4: ≤ 32 base64url characters): its id without dashes, `c` first. */
export function callTopic(callId: string): string {
  return `c${callId.replace(/[^A-Za-z0-9_-]/g, "")}`.slice(0, 32);
}

/** The `Topic` of a conversation's message pushes: its id without dashes, `m` first. */
export function conversationTopic(conversationId: string): string {
  return `m${conversationId.replace(/[^A-Za-z0-9_-]/g, "")}`.slice(0, 32);
}

/**
 * The dashboard at `base` (`DASHBOARD_URL`, e.g.
 * `https://example.com/host.html?room=default`) opened at `params`, as the
 * dashboard's service worker opens it from a notification: `conversation`
 * (`…&conversation=<id>`, the element's `conversation` attribute) or
 * `answer`. Parameters already in `base` are kept; those given replace them.
 */
export function dashboardUrl(base: string, params: { conversation?: string; answer?: string }): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  return url.toString();
}
