/**
 * Web Push to the hosts' devices: the room keeps each host's push
 * subscriptions and pushes calls, missed calls and unseen messages to them,
 * so a host is reached with no dashboard open.
 *
 * - Identity: the room's VAPID key pair (RFC 8292) comes from
 *   `VAPID_PUBLIC_KEY` / `VAPID_PRIVATE_KEY`, or is made on first use and kept
 *   in storage (`vapid`); dashboards get its public key in the `push` frame.
 * - Devices: per host (storage `devices:<host>`), at most
 *   {@link MAX_PUSH_DEVICES} (the oldest goes), with "Ring my devices"
 *   (`ring`). A host with `ring` on and a device is reachable for calls inside
 *   the business hours ({@link PushDesk.reachable}).
 * - What is pushed (payloads in `protocol/push.ts`): a call when it starts
 *   ringing at a host (`Urgency: high`, TTL the ring's time left, `Topic` per
 *   call); its end (answered elsewhere, missed, cancelled, declined) to the
 *   same devices with the same `Topic`, and a missed call to every host's
 *   devices; a visitor's message no host has seen after
 *   `PUSH_MESSAGE_DELAY_S` (`Topic` per conversation, so they collapse).
 * - Delivery: through a durable outbox of its own (`pushbox:`, one lane per
 *   device), encrypted (`aes128gcm`) and signed at each attempt (`vapid.ts`);
 *   429 and 5xx retried with the outbox's backoff, a push past its TTL
 *   dropped; 404 and 410 mean the subscription is gone: the device is
 *   removed and its host's dashboards told.
 * @module
 */
import { MAX_PUSH_DEVICES, type MessageOf, type PushSubscription, type ServerMessage } from "../../protocol/socket.ts";
import { PUSH_PREVIEW_LENGTH, callTopic, conversationTopic, type PushPayload } from "../../protocol/push.ts";
import { issueDeclineToken } from "./auth.ts";
import type { RoomConfig } from "./config.ts";
import type { Connections, HostConn } from "./connections.ts";
import type { Conversation, ConversationStore, StoredMessage } from "./conversations.ts";
import { classify, type Delivery } from "./delivery.ts";
import { Outbox, type OutboxEntry, type OutboxKeys } from "./outbox.ts";
import { plainText } from "./files.ts";
import type { Storage } from "./runtime.ts";
import { generateVapidKeys, pushRequest, vapidPairMatches, type VapidKeys } from "./vapid.ts";

/** The push outbox's keys in room storage. */
const PUSH_OUTBOX: OutboxKeys = { prefix: "pushbox:", seq: "pushboxSeq" };
/** Storage key prefix of each host's devices. */
const DEVICES = "devices:";
/** Storage key of the conversations whose unseen messages are due to be pushed. */
const UNSEEN = "pushUnseen";
/** Most conversations waiting to be pushed at once (the oldest goes). */
const UNSEEN_KEPT = 200;
/** How long a message push is kept for an offline device, in seconds (one day). */
const MESSAGE_TTL_S = 24 * 60 * 60;
/** How long a missed call's push is kept for an offline device, in seconds (one day). */
const MISSED_TTL_S = 24 * 60 * 60;
/** `VAPID_SUBJECT` when unset and no https origin is known. */
const FALLBACK_SUBJECT = "mailto:contact-me@localhost";

/** One device of a host: its push subscription, as kept. */
export interface Device {
  /** Random, base64url; names the device to its host's dashboards. */
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  label?: string;
  /** When it was added, ms since the epoch. */
  at: number;
  /** The room's origin as the dashboard that added it reached it: its pushes point there. */
  origin: string;
}

/** A host's push settings (storage `devices:<host>`). */
interface HostDevices {
  ring: boolean;
  devices: Device[];
}

/** One push waiting in the outbox. */
export interface PushEntry {
  host: string;
  device: string;
  /** The payload, without `origin` (added from the device at delivery). */
  payload: PushPayload;
  urgency: "normal" | "high";
  topic: string;
  /** Not worth delivering after this time (its TTL ends), ms since the epoch. */
  until: number;
}

/** A conversation whose visitor messages no host has seen, to push when due. */
interface Unseen {
  conversationId: string;
  due: number;
  /** Visitor messages since a host last saw the conversation. */
  count: number;
  /** The newest one's time (ms) and start. */
  lastAt: number;
  text: string;
  name?: string;
}

/** What the push desk needs of a call. */
export interface PushCall {
  id: string;
  media: "audio" | "video";
  name?: string;
  page?: string;
}

export class PushDesk {
  readonly outbox: Outbox<PushEntry>;
  private hosts = new Map<string, HostDevices>();
  private unseen: Unseen[] = [];
  private vapid: VapidKeys | undefined;
  /** Why the room cannot push, if so. */
  private problem: string | undefined;
  /** Call pushes are stored in the order they happen. */
  private chain: Promise<void> = Promise.resolve();

  /**
   * @param room the room's name and signing secret (read when a push is made)
   * @param schedule asks the room to set its alarm again
   */
  constructor(
    private readonly storage: Storage,
    private readonly config: () => RoomConfig,
    private readonly conns: Connections,
    private readonly store: ConversationStore,
    private readonly room: () => { id: string; secret: string },
    private readonly schedule: () => void,
  ) {
    this.outbox = new Outbox<PushEntry>(storage, PUSH_OUTBOX);
  }

  /** Read the devices, the pending pushes and the VAPID key pair (made and kept now if there is none). */
  async load(): Promise<void> {
    await this.outbox.load();
    const stored = await this.storage.list<HostDevices>({ prefix: DEVICES });
    this.hosts = new Map([...stored].map(([key, value]) => [key.slice(DEVICES.length), value]));
    this.unseen = (await this.storage.get<Unseen[]>(UNSEEN)) ?? [];
    const { keys, problem } = this.config().vapid;
    if (problem) {
      this.problem = problem;
      return;
    }
    if (keys) {
      if (await vapidPairMatches(keys)) this.vapid = keys;
      else console.error((this.problem = "VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY; Web Push is off"));
      return;
    }
    this.vapid = await this.storage.get<VapidKeys>("vapid");
    if (!this.vapid) await this.storage.put("vapid", (this.vapid = await generateVapidKeys()));
  }

  // ------------------------------------------------------------------ devices

  /** The `push` frame for host `name`'s dashboards. */
  frame(name: string): MessageOf<ServerMessage, "push"> {
    const mine = this.hosts.get(name);
    return {
      type: "push",
      ...(this.vapid ? { publicKey: this.vapid.publicKey } : {}),
      ring: mine?.ring ?? false,
      devices: (mine?.devices ?? []).map(({ id, label, endpoint, at }) => ({ id, endpoint, at, ...(label ? { label } : {}) })),
    };
  }

  /** Tell every dashboard of host `name` its push settings. */
  private tell(name: string): void {
    const frame = JSON.stringify(this.frame(name));
    for (const h of this.conns.live("host")) if (h.state!.name === name) this.conns.sendRaw(h, frame);
  }

  private async save(name: string, settings: HostDevices): Promise<void> {
    if (settings.devices.length === 0 && !settings.ring) {
      this.hosts.delete(name);
      await this.storage.delete(DEVICES + name);
    } else {
      this.hosts.set(name, settings);
      await this.storage.put(DEVICES + name, settings);
    }
    this.tell(name);
  }

  /**
   * `push-subscribe`: add (or renew) a device of the sender's host; the
   * oldest goes beyond {@link MAX_PUSH_DEVICES}.
   * @param origin the room's origin as this dashboard reaches it
   */
  async subscribe(sender: HostConn, subscription: PushSubscription, label: string | undefined, origin: string, now: number): Promise<void> {
    if (!this.vapid) return this.conns.fail(sender, "unavailable", `This room cannot push: ${this.problem ?? "no VAPID key"}`);
    const name = sender.state!.name;
    const mine = this.hosts.get(name) ?? { ring: false, devices: [] };
    const same = mine.devices.find((d) => d.endpoint === subscription.endpoint);
    const device: Device = {
      id: same?.id ?? crypto.randomUUID().replace(/-/g, "").slice(0, 16),
      endpoint: subscription.endpoint,
      keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth },
      ...(label ? { label } : {}),
      at: now,
      origin,
    };
    const devices = [...mine.devices.filter((d) => d !== same), device].slice(-MAX_PUSH_DEVICES);
    await this.save(name, { ...mine, devices });
  }

  /** `push-unsubscribe`: remove one of the sender's host's devices. */
  async unsubscribe(sender: HostConn, id: string): Promise<void> {
    const name = sender.state!.name;
    const mine = this.hosts.get(name);
    if (!mine?.devices.some((d) => d.id === id)) return this.conns.fail(sender, "not_found", "No such device");
    await this.save(name, { ...mine, devices: mine.devices.filter((d) => d.id !== id) });
    await this.outbox.forget(id);
  }

  /** `push-ring`: "Ring my devices" on or off for the sender's host. */
  async setRing(sender: HostConn, ring: boolean): Promise<void> {
    const name = sender.state!.name;
    await this.save(name, { ...(this.hosts.get(name) ?? { devices: [] }), ring });
  }

  /** Hosts that calls may ring by push: "Ring my devices" on, a device, still a configured host, and a room that can push. */
  reachable(): string[] {
    if (!this.vapid) return [];
    const configured = this.config().hosts;
    return [...this.hosts].filter(([name, h]) => h.ring && h.devices.length > 0 && configured.has(name)).map(([name]) => name);
  }

  // ------------------------------------------------------------------ what is pushed

  private async enqueue(host: string, payload: PushPayload, urgency: PushEntry["urgency"], topic: string, until: number, now: number): Promise<void> {
    for (const device of this.hosts.get(host)?.devices ?? []) {
      if (!(await this.outbox.enqueue(device.id, 0, { host, device: device.id, payload, urgency, topic, until }, now))) {
        console.error(`push outbox full: ${payload.type} to ${host} not sent`);
      }
    }
  }

  /** Run `work` after the call pushes before it, then deliver. */
  private then(work: () => Promise<void>): void {
    this.chain = this.chain
      .then(work)
      .then(() => void this.drain())
      .catch((err: unknown) => console.error("contact-me: a push could not be stored", err));
  }

  /** A call started ringing at `hosts` until `until` (ms): pushed to their devices, each with its decline token. */
  callRinging(call: PushCall, hosts: readonly string[], until: number): void {
    const now = Date.now();
    const { id: room, secret } = this.room();
    this.then(async () => {
      for (const host of hosts) {
        if (!this.hosts.get(host)?.devices.length) continue;
        const declineToken = await issueDeclineToken(secret, room, call.id, host);
        const payload: PushPayload = { type: "call", room, origin: "", callId: call.id, media: call.media, name: call.name, page: call.page, until, declineToken };
        await this.enqueue(host, payload, "high", callTopic(call.id), until, now);
      }
    });
  }

  /**
   * A call stopped ringing: `pushedTo` (hosts told it rang) hear how it ended,
   * replacing the ringing push; a missed call goes to every host's devices.
   */
  callEnded(call: PushCall, pushedTo: readonly string[], state: "answered" | "missed" | "cancelled" | "declined", by?: string): void {
    const now = Date.now();
    const { id: room } = this.room();
    const to = state === "missed" ? [...this.hosts.keys()] : pushedTo;
    const ttlS = state === "missed" ? MISSED_TTL_S : Math.ceil(this.config().ringTimeoutPushMs / 1000);
    this.then(async () => {
      for (const host of to) {
        const payload: PushPayload = { type: "call-end", room, origin: "", callId: call.id, media: call.media, name: call.name, state, ...(by ? { by } : {}) };
        await this.enqueue(host, payload, state === "missed" ? "normal" : "high", callTopic(call.id), now + ttlS * 1000, now);
      }
    });
  }

  /** A visitor wrote: pushed to every host's devices if no host has seen it after `PUSH_MESSAGE_DELAY_S`. */
  async visitorWrote(conversation: Conversation, message: StoredMessage): Promise<void> {
    if (this.hosts.size === 0) return;
    const earlier = this.unseen.find((u) => u.conversationId === conversation.id);
    const entry: Unseen = {
      conversationId: conversation.id,
      due: earlier?.due ?? message.at + this.config().pushMessageDelayMs,
      count: (earlier?.count ?? 0) + 1,
      lastAt: message.at,
      text: plainText(message).slice(0, PUSH_PREVIEW_LENGTH),
      ...(conversation.name ? { name: conversation.name } : {}),
    };
    this.unseen = [...this.unseen.filter((u) => u !== earlier), entry].slice(-UNSEEN_KEPT);
    await this.storage.put(UNSEEN, this.unseen);
    this.schedule();
  }

  /** Push the unseen messages that are due (seen, deleted or emptied conversations are let go). */
  async due(now: number): Promise<void> {
    const due = this.unseen.filter((u) => u.due <= now);
    if (due.length === 0) return;
    this.unseen = this.unseen.filter((u) => u.due > now);
    await this.storage.put(UNSEEN, this.unseen);
    const { id: room } = this.room();
    for (const u of due) {
      const conversation = await this.store.get(u.conversationId);
      if (!conversation || (conversation.hostReadAt ?? 0) >= u.lastAt) continue;
      const payload: PushPayload = { type: "message", room, origin: "", conversationId: u.conversationId, text: u.text, unseen: u.count, ...(u.name ? { name: u.name } : {}) };
      for (const host of this.hosts.keys()) await this.enqueue(host, payload, "normal", conversationTopic(u.conversationId), now + MESSAGE_TTL_S * 1000, now);
    }
    void this.drain();
  }

  /** When the next unseen message is due (ms since the epoch), if any. */
  nextDue(): number | undefined {
    return this.unseen.length ? Math.min(...this.unseen.map((u) => u.due)) : undefined;
  }

  // ------------------------------------------------------------------ delivery

  /** Deliver what is due, then schedule the next attempt. */
  async drain(): Promise<void> {
    await this.outbox.drain(
      (entry) => this.deliver(entry),
      async (entry, result) => {
        if (result.kind === "retry") console.warn(`push ${entry.message.payload.type} will retry (attempt ${entry.attempt}): ${result.reason}`);
        if (result.kind === "fail") console.error(`push ${entry.message.payload.type} not delivered: ${result.reason}`);
      },
    );
    this.schedule();
  }

  private async deliver(entry: OutboxEntry<PushEntry>): Promise<Delivery> {
    const { host, device: id, payload, urgency, topic, until } = entry.message;
    const device = this.hosts.get(host)?.devices.find((d) => d.id === id);
    if (!device) return { kind: "fail", reason: "the device was removed" };
    if (!this.vapid) return { kind: "fail", reason: this.problem ?? "no VAPID key" };
    const ttl = Math.floor((until - Date.now()) / 1000);
    if (ttl <= 0) return { kind: "fail", reason: "its time to live is over" };
    const subject = this.config().vapid.subject ?? (device.origin.startsWith("https:") ? device.origin : FALLBACK_SUBJECT);
    try {
      const { url, init } = await pushRequest(device, JSON.stringify({ ...payload, origin: device.origin }), { ttl, urgency, topic }, { keys: this.vapid, subject });
      const res = await fetch(url, init);
      if (res.status === 404 || res.status === 410) {
        await res.arrayBuffer();
        await this.removeGone(host, id);
        return { kind: "fail", reason: `HTTP ${res.status}: the subscription is gone; the device was removed` };
      }
      const bad = await classify(res, "push service");
      if (bad) return bad;
      await res.arrayBuffer();
      return { kind: "ok" };
    } catch (err) {
      return { kind: "retry", reason: `push service unreachable: ${(err as Error).message}` };
    }
  }

  /** The push service says a subscription is gone: the device goes, with what waits for it. */
  private async removeGone(host: string, id: string): Promise<void> {
    const mine = this.hosts.get(host);
    if (!mine) return;
    await this.save(host, { ...mine, devices: mine.devices.filter((d) => d.id !== id) });
    // Not awaited: this runs inside the outbox's own drain.
    void this.outbox.forget(id);
  }
}
