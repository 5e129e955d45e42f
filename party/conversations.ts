/**
 * Conversations in room storage. Keys:
 * - `conv:<id>` → {@link Conversation} (who, when, Slack thread);
 * - `msg:<id>:<seq>` → {@link StoredMessage}, `seq` zero-padded so keys sort in order;
 * - `cid:<id>:<clientId>` → seq, so a resent message is found, not stored twice;
 * - `thread:<ts>` → conversation id, for Slack replies.
 * Values stay far below the 128 KiB storage limit (one message each).
 * @module
 */
import type * as Party from "partykit/server";
import type { ConversationMessage } from "./protocol.ts";

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
  /** Host messages up to this time have been seen by the visitor. */
  readAt: number;
  /** Host messages the visitor has not seen yet. */
  unread?: number;
}

/** A message as stored: the wire form plus its place. */
export type StoredMessage = ConversationMessage & { seq: number };

/** Messages sent with a conversation (history, dashboard). */
export const HISTORY_LIMIT = 100;

const pad = (n: number) => String(n).padStart(10, "0");

export class ConversationStore {
  constructor(private readonly storage: Party.Storage) {}

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

  /** Append a message (its `seq` is assigned here) and save the conversation. */
  async append(conversation: Conversation, message: ConversationMessage): Promise<StoredMessage> {
    const stored: StoredMessage = { ...message, seq: conversation.count };
    conversation.count += 1;
    conversation.updatedAt = message.at;
    const entries: Record<string, unknown> = { [`msg:${conversation.id}:${pad(stored.seq)}`]: stored, [`conv:${conversation.id}`]: conversation };
    if (message.clientId) entries[`cid:${conversation.id}:${message.clientId}`] = stored.seq;
    await this.storage.put(entries);
    return stored;
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

  /** The most recently active conversations, newest first. */
  async recent(limit: number): Promise<Conversation[]> {
    const all = await this.storage.list<Conversation>({ prefix: "conv:" });
    return [...all.values()].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, limit);
  }

  byThread(ts: string): Promise<string | undefined> {
    return this.storage.get<string>(`thread:${ts}`);
  }

  async setThread(conversation: Conversation, ts: string): Promise<void> {
    conversation.slackTs = ts;
    await this.storage.put({ [`conv:${conversation.id}`]: conversation, [`thread:${ts}`]: conversation.id });
  }
}
