/**
 * The durable outbox: every outbound post (to Slack, `outbox:<seq>`; to the
 * owner's webhook, `hookbox:<seq>`) is stored first, then delivered by
 * {@link Outbox.drain}, which the room runs after each enqueue and from its
 * alarm.
 *
 * - Order: entries of one lane (`conversationId`: a conversation's id for
 *   Slack, one lane for all webhook events) go strictly in order; one that
 *   must wait holds back the later ones of its lane (others go on).
 * - Retries: network errors, 5xx and 429 are retried with exponential backoff
 *   and jitter ({@link backoff}); a 429's `Retry-After` is honoured.
 * - Recovery: once any post goes through, the service is back, so entries still
 *   waiting out an earlier failure's backoff are tried at once (except those
 *   told to wait by a `Retry-After`); without this, after a long outage each
 *   conversation would sit out its own delay of up to 5 minutes.
 * - Permanent failures (other 4xx, Web API errors) are dropped from the
 *   outbox and reported, with the reason, to the caller.
 * - Durability: an entry leaves storage only after Slack accepted it, so a
 *   restart resumes where it stopped. (Slack has no idempotency key: a crash
 *   in the instant between Slack's answer and the delete could repeat that
 *   one post.)
 * @module
 */
import type { Delivery } from "./delivery.ts";
import type { Storage } from "./runtime.ts";
import type { SlackMessage } from "./slack.ts";

/** One pending post of message type `M`. */
export interface OutboxEntry<M = SlackMessage> {
  /** Storage key, `<prefix><seq>`; orders the outbox. */
  key: string;
  /** Its lane: a conversation's id (Slack), or one lane for every webhook event. */
  conversationId: string;
  /** The message's seq in its conversation (Slack), or the event's number (webhooks). */
  seq: number;
  message: M;
  /** Failed attempts so far. */
  attempt: number;
  /** Not before this time (ms since the epoch). */
  nextAt: number;
  /** Set when Slack itself said when to retry (`Retry-After`): not tried sooner. */
  retryAfterUntil?: number;
}

/** First retry delay, in ms. */
export const BACKOFF_BASE_MS = 1000;
/** Longest retry delay, in ms (5 minutes). */
export const BACKOFF_MAX_MS = 5 * 60 * 1000;
/** Most entries kept waiting; beyond, new posts fail at once ("outbox full"). */
export const OUTBOX_LIMIT = 5000;

/**
 * Delay before retry number `attempt` (1, 2, …): `base·2^(attempt-1)` capped
 * at the maximum, with "equal jitter" (half fixed, half random) so retries of
 * many rooms spread out but never come back at once.
 */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Where an outbox keeps its entries (`prefix` + seq) and its counter. */
export interface OutboxKeys {
  prefix: string;
  seq: string;
}

/** Slack's outbox keys. */
export const SLACK_OUTBOX: OutboxKeys = { prefix: "outbox:", seq: "outboxSeq" };

export class Outbox<M = SlackMessage> {
  private entries: OutboxEntry<M>[] = [];
  private seq = 0;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly storage: Storage,
    private readonly keys: OutboxKeys = SLACK_OUTBOX,
  ) {}

  async load(): Promise<void> {
    const stored = await this.storage.list<OutboxEntry<M>>({ prefix: this.keys.prefix });
    this.entries = [...stored.values()];
    this.seq = (await this.storage.get<number>(this.keys.seq)) ?? 0;
  }

  get size(): number {
    return this.entries.length;
  }

  /** When the next entry is due, if any. */
  nextAt(): number | undefined {
    return this.entries.length ? Math.min(...this.entries.map((e) => e.nextAt)) : undefined;
  }

  /** Store a post for delivery in lane `conversationId`. False when the outbox is full. */
  enqueue(conversationId: string, seq: number, message: M, now: number): Promise<boolean> {
    return this.enqueueAll(conversationId, seq, [message], now);
  }

  /**
   * Store several posts of one message for delivery in lane `conversationId`,
   * in this order, in one write (all or none). False when they do not all fit.
   */
  async enqueueAll(conversationId: string, seq: number, messages: readonly M[], now: number): Promise<boolean> {
    if (this.entries.length + messages.length > OUTBOX_LIMIT) return false;
    const writes: Record<string, unknown> = {};
    for (const message of messages) {
      this.seq += 1;
      const entry: OutboxEntry<M> = { key: `${this.keys.prefix}${String(this.seq).padStart(12, "0")}`, conversationId, seq, message, attempt: 0, nextAt: now };
      this.entries.push(entry);
      writes[entry.key] = entry;
    }
    await this.storage.put({ ...writes, [this.keys.seq]: this.seq });
    return true;
  }

  /** Store an entry again after its delivery changed its `message` (a step of it done), so a restart goes on from there. */
  async save(entry: OutboxEntry<M>): Promise<void> {
    if (this.entries.includes(entry)) await this.storage.put(entry.key, entry);
  }

  /** Whether posts of message `seq` of lane `conversationId` still wait. */
  waiting(conversationId: string, seq: number): boolean {
    return this.entries.some((e) => e.conversationId === conversationId && e.seq === seq);
  }

  /** Drop every waiting post of `conversationId` (the conversation was deleted). */
  async forget(conversationId: string): Promise<void> {
    const gone = this.entries.filter((e) => e.conversationId === conversationId);
    if (gone.length === 0) return;
    this.entries = this.entries.filter((e) => e.conversationId !== conversationId);
    await this.storage.delete(gone.map((e) => e.key));
  }

  /**
   * Deliver every due entry (see the module rules). Only one drain runs at a
   * time; a call during a drain makes it pass again.
   * @param deliver sends one entry
   * @param settled told of every outcome (delivered, retrying, failed)
   */
  drain(deliver: (entry: OutboxEntry<M>) => Promise<Delivery>, settled: (entry: OutboxEntry<M>, result: Delivery) => Promise<void>): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass(deliver, settled);
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(deliver: (entry: OutboxEntry<M>) => Promise<Delivery>, settled: (entry: OutboxEntry<M>, result: Delivery) => Promise<void>) {
    const held = new Set<string>();
    const retriedNow = new Set<OutboxEntry<M>>();
    let delivered = false;
    for (const entry of [...this.entries].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      if (held.has(entry.conversationId) || !this.entries.includes(entry)) continue;
      if (entry.nextAt > Date.now()) {
        held.add(entry.conversationId);
        continue;
      }
      const result = await deliver(entry);
      if (result.kind === "retry") {
        entry.attempt += 1;
        entry.nextAt = Date.now() + (result.after ?? backoff(entry.attempt));
        entry.retryAfterUntil = result.after !== undefined ? entry.nextAt : undefined;
        retriedNow.add(entry);
        held.add(entry.conversationId);
        await this.storage.put(entry.key, entry);
      } else {
        delivered ||= result.kind === "ok";
        this.entries = this.entries.filter((e) => e !== entry);
        await this.storage.delete(entry.key);
      }
      await settled(entry, result);
    }
    if (!delivered) return;
    // The service answered: what still waits out an earlier failure's backoff goes now.
    const now = Date.now();
    const waiting = this.entries.filter((e) => e.nextAt > now && !retriedNow.has(e) && !(e.retryAfterUntil && e.retryAfterUntil > now));
    for (const entry of waiting) {
      entry.nextAt = now;
      await this.storage.put(entry.key, entry);
    }
    if (waiting.length > 0) this.again = true;
  }
}
