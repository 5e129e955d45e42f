/**
 * Outgoing webhooks: what happens in the room, POSTed as signed JSON to the
 * owner's `WEBHOOK_URL` (to wire ntfy, Discord, email or Zapier), through the
 * durable outbox (`outbox.ts`, keys `hookbox:`): at least once, in the order
 * the events happened, each with an `id` for the receiver to drop repeats;
 * 429 and 5xx are retried with the outbox's backoff, other 4xx dropped and
 * logged.
 *
 * A request:
 * ```
 * POST <WEBHOOK_URL>
 * content-type: application/json
 * x-contact-me-event-id: <id>
 * x-contact-me-request-timestamp: <unix seconds, at this attempt>
 * x-contact-me-signature: v0=<hex HMAC-SHA256(WEBHOOK_SECRET, "v0:" + timestamp + ":" + body)>
 *
 * {"id": "<uuid>", "type": "call.ringing", "at": <ms>, "room": "<room>", "data": {…}}
 * ```
 * The signature follows Slack's v0 scheme
 * (https://api.slack.com/authentication/verifying-requests-from-slack): a
 * receiver recomputes it over the raw body, compares in constant time, and
 * refuses timestamps more than 5 minutes off.
 * @module
 */
import type { CallLog, CallMedia, ConversationMessage } from "../../protocol/socket.ts";
import type { RoomConfig } from "./config.ts";
import { classify, type Delivery } from "./delivery.ts";
import { Outbox, type OutboxEntry, type OutboxKeys } from "./outbox.ts";
import type { Storage } from "./runtime.ts";

/** Header with the event's id. */
export const WEBHOOK_ID_HEADER = "x-contact-me-event-id";
/** Header with the attempt's time, unix seconds. */
export const WEBHOOK_TIMESTAMP_HEADER = "x-contact-me-request-timestamp";
/** Header with `v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<body>`. */
export const WEBHOOK_SIGNATURE_HEADER = "x-contact-me-signature";

/** The webhook outbox's keys in room storage. */
const WEBHOOK_OUTBOX: OutboxKeys = { prefix: "hookbox:", seq: "hookboxSeq" };
/** Every event goes in one lane: strictly in order. */
const LANE = "events";

/** Who a conversation's visitor is, as events carry it. */
export interface EventVisitor {
  name?: string;
  email?: string;
  page?: string;
}

/** A call, as call events carry it. */
export interface EventCall extends EventVisitor {
  callId: string;
  media: CallMedia;
  conversationId: string;
}

/**
 * The events, by `type`:
 * - `message.created`: a visitor wrote, or a host replied (from the dashboard or Slack), with the files it carries
 *   (and `callBack`, the phone or email, when the visitor asked to be called back);
 * - `call.ringing`: a visitor asked for a call (it rings, or waits in line);
 * - `call.answered`: a host accepted it (`by`);
 * - `call.missed`: nobody answered it (it rang out, or every host went away);
 * - `conversation.deleted`: a host deleted a conversation and all the room kept of it.
 */
export type WebhookEvent =
  | { type: "message.created"; data: { conversationId: string; message: Pick<ConversationMessage, "id" | "from" | "by" | "text" | "at" | "files" | "callBack">; visitor: EventVisitor } }
  | { type: "call.ringing"; data: EventCall }
  | { type: "call.answered"; data: EventCall & { by: string } }
  | { type: "call.missed"; data: EventCall }
  | { type: "conversation.deleted"; data: { conversationId: string } };

/** An event as it is POSTed (the body's JSON). */
export type WebhookPayload = WebhookEvent & {
  /** Unique per event: a receiver drops a repeat by it. */
  id: string;
  /** When it happened, ms since the epoch. */
  at: number;
  /** The room's name. */
  room: string;
};

/** The event a call's entry changing to `log.state` makes, if any. */
export function callEvent(log: CallLog, call: Omit<EventCall, "callId" | "media">): WebhookEvent | undefined {
  const data = { callId: log.callId, media: log.media, ...call };
  switch (log.state) {
    case "ringing":
      return { type: "call.ringing", data };
    case "in-call":
      return { type: "call.answered", data: { ...data, by: log.by ?? "" } };
    case "missed":
      return { type: "call.missed", data };
    default:
      return undefined;
  }
}

/** `v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<body>` keyed with `secret`. */
export async function signWebhook(secret: string, timestamp: string, body: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(`v0:${timestamp}:${body}`)));
  return `v0=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export class Webhooks {
  readonly outbox: Outbox<WebhookPayload>;

  /**
   * @param room the room's name (read when an event happens, never from an alarm before it is known)
   * @param schedule asks the room to set its alarm again (the outbox's next retry)
   */
  constructor(
    storage: Storage,
    private readonly config: () => RoomConfig,
    private readonly room: () => string,
    private readonly schedule: () => void,
  ) {
    this.outbox = new Outbox<WebhookPayload>(storage, WEBHOOK_OUTBOX);
  }

  /** Store `event` for delivery and start delivering (nothing when no webhook is configured). */
  async emit(event: WebhookEvent, now = Date.now()): Promise<void> {
    if (!this.config().webhook) return;
    const payload = { ...event, id: crypto.randomUUID(), at: now, room: this.room() } as WebhookPayload;
    if (!(await this.outbox.enqueue(LANE, 0, payload, now))) return console.error(`webhook outbox full: ${event.type} not sent`);
    void this.drain();
  }

  /** Deliver what is due, then schedule the next attempt. */
  async drain(): Promise<void> {
    await this.outbox.drain(
      (entry) => this.deliver(entry),
      async (entry, result) => {
        if (result.kind === "retry") console.warn(`webhook ${entry.message.type} will retry (attempt ${entry.attempt}): ${result.reason}`);
        if (result.kind === "fail") console.error(`webhook ${entry.message.type} failed for good: ${result.reason}`);
      },
    );
    this.schedule();
  }

  private async deliver(entry: OutboxEntry<WebhookPayload>): Promise<Delivery> {
    const webhook = this.config().webhook;
    if (!webhook) return { kind: "fail", reason: "WEBHOOK_URL is no longer configured" };
    const body = JSON.stringify(entry.message);
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(webhook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [WEBHOOK_ID_HEADER]: entry.message.id,
          [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
          [WEBHOOK_SIGNATURE_HEADER]: await signWebhook(webhook.secret, timestamp, body),
        },
        body,
      });
      const bad = await classify(res, "webhook");
      if (bad) return bad;
      await res.body?.cancel();
      return { kind: "ok" };
    } catch (err) {
      return { kind: "retry", reason: `webhook unreachable: ${(err as Error).message}` };
    }
  }
}
