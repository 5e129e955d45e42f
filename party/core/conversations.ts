/**
 * Conversations in room storage. Keys:
 * - `conv:<id>` → {@link Conversation} (who, when, Slack thread);
 * - `recent` → the ids of the {@link RECENT_KEPT} most recently active
 *   conversations, newest first, so a dashboard's list is one read, not a
 *   scan of every conversation;
 * - `msg:<id>:<seq>` → {@link StoredMessage}, `seq` zero-padded so keys sort in order;
 * - `cid:<id>:<clientId>` → seq, so a resent message is found, not stored twice;
 * - `thread:<ts>` → conversation id, for Slack replies.
 * Values stay far below the 128 KiB storage limit (one message each).
 * @module
 */
import type { Storage } from "./runtime.ts";
import type { ConversationMessage } from "../protocol.ts";

/** A conversation's record. Times are ms since the epoch. */
export interface Conversation {
  id: string;
  name?: string;
  email?: string;
  /** Page of the latest visitor message. */
  page?: string;
  createdAt: number;
  updatedAt: number;
  /** Messages so far; the next message's seq. */
  count: number;
  /** Slack thread (`ts` of its first message), in bot mode. */
  slackTs?: string;
  /**
   * The visitor socket that wrote last. Sockets that opened with the
   * conversation's token carry its tag; this one may have started it without.
   */
  conn?: string;
  /** Host messages up to this time have been seen by the visitor. */
  readAt: number;
  /** Host messages the visitor has not seen yet. */
  unread?: number;
}

/** A message as stored: the wire form plus its place. */
export type StoredMessage = ConversationMessage & { seq: number };

/** Messages sent with a conversation (history, dashboard). */
export const HISTORY_LIMIT = 100;
/** Conversations kept in the `recent` index (the dashboard shows fewer). */
export const RECENT_KEPT = 50;

const pad = (n: number) => String(n).padStart(10, "0");

export class ConversationStore {
  /** Cache of storage key `recent`. */
  private recentIds: Promise<string[]> | undefined;

  constructor(private readonly storage: Storage) {}

  get(id: string): Promise<Conversation | undefined> {
    return this.storage.get<Conversation>(`conv:${id}`);
  }

  /** The conversation `id`, created empty when new. */
  async open(id: string, now: number): Promise<Conversation> {
    return (await this.get(id)) ?? { id, createdAt: now, updatedAt: now, count: 0, readAt: 0 };
  }

  save(conversation: Conversation): Promise<void> {
    return this.storage.put(`conv:${conversation.id}`, conversation);
  }

  /**
   * Append a message (its `seq` is assigned here), save the conversation and
   * move it to the front of the `recent` index: one storage write.
   */
  async append(conversation: Conversation, message: ConversationMessage): Promise<StoredMessage> {
    const stored: StoredMessage = { ...message, seq: conversation.count };
    conversation.count += 1;
    conversation.updatedAt = message.at;
    const entries: Record<string, unknown> = { [`msg:${conversation.id}:${pad(stored.seq)}`]: stored, [`conv:${conversation.id}`]: conversation };
    if (message.clientId) entries[`cid:${conversation.id}:${message.clientId}`] = stored.seq;
    const ids = await this.recentIndex();
    if (ids[0] !== conversation.id) {
      const next = [conversation.id, ...ids.filter((id) => id !== conversation.id)].slice(0, RECENT_KEPT);
      this.recentIds = Promise.resolve(next);
      entries.recent = next;
    }
    await this.storage.put(entries);
    return stored;
  }

  private recentIndex(): Promise<string[]> {
    return (this.recentIds ??= this.storage.get<string[]>("recent").then((ids) => ids ?? []));
  }

  /** The message sent earlier with `clientId`, if any. */
  async byClientId(conversationId: string, clientId: string): Promise<StoredMessage | undefined> {
    const seq = await this.storage.get<number>(`cid:${conversationId}:${clientId}`);
    return seq === undefined ? undefined : this.message(conversationId, seq);
  }

  message(conversationId: string, seq: number): Promise<StoredMessage | undefined> {
    return this.storage.get<StoredMessage>(`msg:${conversationId}:${pad(seq)}`);
  }

  /** Update a stored message; returns it, or undefined when gone. */
  async update(conversationId: string, seq: number, patch: Partial<ConversationMessage>): Promise<StoredMessage | undefined> {
    const message = await this.message(conversationId, seq);
    if (!message) return undefined;
    const updated = { ...message, ...patch };
    await this.storage.put(`msg:${conversationId}:${pad(seq)}`, updated);
    return updated;
  }

  /** The last `limit` messages, oldest first. */
  async history(conversationId: string, limit = HISTORY_LIMIT): Promise<StoredMessage[]> {
    const page = await this.storage.list<StoredMessage>({ prefix: `msg:${conversationId}:`, reverse: true, limit });
    return [...page.values()].reverse();
  }

  /** The most recently active conversations (at most {@link RECENT_KEPT}), newest first. */
  async recent(limit: number): Promise<Conversation[]> {
    const ids = (await this.recentIndex()).slice(0, Math.min(limit, RECENT_KEPT));
    if (ids.length === 0) return [];
    const found = await this.storage.get<Conversation>(ids.map((id) => `conv:${id}`));
    return ids.map((id) => found.get(`conv:${id}`)).filter((c): c is Conversation => c !== undefined);
  }

  byThread(ts: string): Promise<string | undefined> {
    return this.storage.get<string>(`thread:${ts}`);
  }

  async setThread(conversation: Conversation, ts: string): Promise<void> {
    conversation.slackTs = ts;
    await this.storage.put({ [`conv:${conversation.id}`]: conversation, [`thread:${ts}`]: conversation.id });
  }
}
