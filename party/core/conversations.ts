/**
 * Conversations in room storage. Keys:
 * - `conv:<id>` → {@link Conversation} (who, when, Slack thread);
 * - `act:<updatedAt, 13 digits>:<id>` → the id: the activity index, so a
 *   dashboard's list is read a page at a time, newest first
 *   (`list({prefix: "act:", reverse: true, limit})`), never a scan of every
 *   conversation. Archived conversations are not in it. `actIndex` marks a
 *   room whose index is built (older rooms build it once, on first use);
 * - `msg:<id>:<seq>` → {@link StoredMessage}, `seq` zero-padded so keys sort in order;
 * - `cid:<id>:<clientId>` → seq, so a resent message is found, not stored twice;
 * - `thread:<ts>` → conversation id, for Slack replies;
 * - `gone:<id>` → when conversation `id` was deleted by a host (ms): its
 *   visitor's token no longer finds it, so that visitor starts afresh;
 * - `stats` → {@link Stats}: how many conversations and bytes the room keeps,
 *   against `MAX_CONVERSATIONS` and `MAX_ROOM_BYTES`, and when it last pruned
 *   conversations idle for longer than the retention (`RETENTION_DAYS`).
 * Values stay far below the 128 KiB storage limit (one message each).
 * @module
 */
import type { Storage } from "./runtime.ts";
import type { ConversationMessage, ErrorCode } from "../../protocol/socket.ts";
import { MAX_CONVERSATIONS, MAX_MESSAGES_PER_CONVERSATION, MAX_ROOM_BYTES } from "./limits.ts";

/** A conversation's record. Times are ms since the epoch. */
export interface Conversation {
  id: string;
  name?: string;
  email?: string;
  /** Page of the latest visitor message or call. */
  page?: string;
  /** The visitor's IANA time zone, as its latest message or call gave it. */
  timeZone?: string;
  /** Browser, OS and device type of the visitor's latest socket that wrote or called (`agent.ts`). */
  browser?: string;
  os?: string;
  device?: string;
  createdAt: number;
  updatedAt: number;
  /** Messages so far; the next message's seq. */
  count: number;
  /** Archived by a host: out of the dashboard's list until the visitor writes again. */
  archived?: boolean;
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
  /** Visitor messages up to this time have been seen by a host (ms since the epoch). */
  hostReadAt?: number;
}

/** What the room keeps, in all. */
export interface Stats {
  conversations: number;
  /** JSON size of the stored messages and conversation records, in bytes (an estimate of storage use). */
  bytes: number;
  /** Last prune, ms since the epoch. */
  prunedAt: number;
}

/**
 * A message as stored: the wire form plus its place, and for a call's
 * notice in bot mode the Slack `ts` it was posted as (to edit it).
 */
export type StoredMessage = ConversationMessage & { seq: number; slackTs?: string };

/** Messages sent with a conversation (history, dashboard). */
export const HISTORY_LIMIT = 100;

const pad = (n: number) => String(n).padStart(10, "0");

/** The activity index's key of `c`. */
const activityKey = (c: Pick<Conversation, "id" | "updatedAt">) => `act:${String(c.updatedAt).padStart(13, "0")}:${c.id}`;

/** One page of the conversation list, newest activity first. */
export interface ConversationPage {
  conversations: Conversation[];
  /** Cursor of the next (older) page; absent at the end. */
  next?: string;
}

export class ConversationStore {
  /** The activity index is built (storage key `actIndex`). */
  private indexed: Promise<void> | undefined;
  /** Cache of storage key `stats`. */
  private statsRead: Promise<Stats> | undefined;

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

  stats(): Promise<Stats> {
    return (this.statsRead ??= this.storage.get<Stats>("stats").then((s) => s ?? { conversations: 0, bytes: 0, prunedAt: Date.now() }));
  }

  /**
   * Why a message may not be added to `conversation` (`conversation_full`,
   * `room_full`), or undefined when it may.
   */
  async refusal(conversation: Conversation): Promise<Extract<ErrorCode, "conversation_full" | "room_full"> | undefined> {
    if (conversation.count >= MAX_MESSAGES_PER_CONVERSATION) return "conversation_full";
    const stats = await this.stats();
    if (stats.bytes >= MAX_ROOM_BYTES || (conversation.count === 0 && stats.conversations >= MAX_CONVERSATIONS)) return "room_full";
    return undefined;
  }

  /**
   * Append a message (its `seq` is assigned here), save the conversation, move
   * it to the front of the `recent` index and count it in the stats: one
   * storage write.
   */
  async append(conversation: Conversation, message: ConversationMessage): Promise<StoredMessage> {
    const stored: StoredMessage = { ...message, seq: conversation.count };
    const isNew = conversation.count === 0;
    await this.index();
    const listedAs = isNew || conversation.archived ? undefined : activityKey(conversation);
    conversation.count += 1;
    delete conversation.archived;
    conversation.updatedAt = message.at;
    const entries: Record<string, unknown> = { [`msg:${conversation.id}:${pad(stored.seq)}`]: stored, [`conv:${conversation.id}`]: conversation };
    const stats = await this.stats();
    const next: Stats = {
      ...stats,
      conversations: stats.conversations + (isNew ? 1 : 0),
      bytes: stats.bytes + JSON.stringify(stored).length + (isNew ? JSON.stringify(conversation).length : 0),
    };
    this.statsRead = Promise.resolve(next);
    entries.stats = next;
    if (message.clientId) entries[`cid:${conversation.id}:${message.clientId}`] = stored.seq;
    const key = activityKey(conversation);
    entries[key] = conversation.id;
    await this.storage.put(entries);
    if (listedAs && listedAs !== key) await this.storage.delete(listedAs);
    return stored;
  }

  /**
   * Build the activity index once for a room that kept conversations before
   * it existed (one scan, ever), and mark it built.
   */
  private index(): Promise<void> {
    return (this.indexed ??= (async () => {
      if (await this.storage.get<boolean>("actIndex")) return;
      const all = await this.storage.list<Conversation>({ prefix: "conv:" });
      const entries: Record<string, unknown> = {};
      for (const c of all.values()) if (!c.archived) entries[activityKey(c)] = c.id;
      const keys = Object.keys(entries);
      for (let i = 0; i < keys.length; i += 128) await this.storage.put(Object.fromEntries(keys.slice(i, i + 128).map((k) => [k, entries[k]])));
      await this.storage.put("actIndex", true);
      await this.storage.delete("recent");
    })());
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
  async update(conversationId: string, seq: number, patch: Partial<Omit<StoredMessage, "seq">>): Promise<StoredMessage | undefined> {
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

  /**
   * A page of the list: the `limit` most recently active conversations (not
   * archived), newest first, before `cursor` (the `next` of the page before;
   * none for the first page). One index read and one batch read.
   */
  async page(limit: number, cursor?: string): Promise<ConversationPage> {
    await this.index();
    const index = await this.storage.list<string>({ prefix: "act:", reverse: true, limit: limit + 1, ...(cursor ? { end: cursor } : {}) });
    const keys = [...index.keys()];
    const shown = keys.slice(0, limit);
    if (shown.length === 0) return { conversations: [] };
    const found = await this.storage.get<Conversation>(shown.map((k) => `conv:${index.get(k)}`));
    // An entry whose conversation moved on (or went) is not listed here.
    const conversations = shown
      .map((k) => [k, found.get(`conv:${index.get(k)}`)] as const)
      .filter(([k, c]) => c !== undefined && !c.archived && activityKey(c) === k)
      .map(([, c]) => c as Conversation);
    return { conversations, next: keys.length > limit ? shown[shown.length - 1] : undefined };
  }

  /**
   * Delete every conversation idle since before `before` (ms since the epoch)
   * with its messages, and note when this ran. Runs from the room's alarm,
   * about once a day (the room then deletes their files, `files.ts`).
   * @returns the ids of the conversations deleted
   */
  async prune(before: number, now = Date.now()): Promise<string[]> {
    const all = await this.storage.list<Conversation>({ prefix: "conv:" });
    const old = [...all.values()].filter((c) => c.updatedAt < before);
    await this.erase(old, { prunedAt: now });
    return old.map((c) => c.id);
  }

  /**
   * Delete conversation `id` with everything stored of it (messages, client
   * ids, Slack thread), and leave a `gone:` mark so its token no longer finds
   * it. (The Slack outbox's entries are the caller's: `Outbox.forget`.)
   * @returns false when there is no such conversation
   */
  async remove(id: string, now = Date.now()): Promise<boolean> {
    const c = await this.get(id);
    if (!c) return false;
    await this.erase([c], {}, { [`gone:${id}`]: now });
    return true;
  }

  /** Whether conversation `id` was deleted by a host. */
  async deleted(id: string): Promise<boolean> {
    return (await this.storage.get<number>(`gone:${id}`)) !== undefined;
  }

  /** Out of (`archived`) or back into the dashboard's list; false when there is no such conversation. */
  async archive(id: string, archived: boolean): Promise<boolean> {
    const c = await this.get(id);
    if (!c) return false;
    await this.index();
    if (archived) {
      c.archived = true;
      await this.storage.put(`conv:${id}`, c);
      await this.storage.delete(activityKey(c));
    } else {
      delete c.archived;
      await this.storage.put({ [`conv:${id}`]: c, [activityKey(c)]: id });
    }
    return true;
  }

  /** Delete `conversations` and every key of theirs; update the index and stats (with `stats`), and put `extra`. */
  private async erase(conversations: Conversation[], stats: Partial<Stats>, extra: Record<string, unknown> = {}): Promise<void> {
    let freed = 0;
    for (const c of conversations) {
      const keys = [`conv:${c.id}`, activityKey(c), ...(c.slackTs ? [`thread:${c.slackTs}`] : [])];
      for (const prefix of [`msg:${c.id}:`, `cid:${c.id}:`]) {
        const entries = await this.storage.list<unknown>({ prefix });
        for (const [key, value] of entries) {
          keys.push(key);
          if (prefix.startsWith("msg:")) freed += JSON.stringify(value).length;
        }
      }
      freed += JSON.stringify(c).length;
      for (let i = 0; i < keys.length; i += 128) await this.storage.delete(keys.slice(i, i + 128));
    }
    const before = await this.stats();
    const next: Stats = {
      ...before,
      conversations: Math.max(0, before.conversations - conversations.length),
      bytes: Math.max(0, before.bytes - freed),
      ...stats,
    };
    this.statsRead = Promise.resolve(next);
    await this.storage.put({ stats: next, ...extra });
  }

  byThread(ts: string): Promise<string | undefined> {
    return this.storage.get<string>(`thread:${ts}`);
  }

  async setThread(conversation: Conversation, ts: string): Promise<void> {
    conversation.slackTs = ts;
    await this.storage.put({ [`conv:${conversation.id}`]: conversation, [`thread:${ts}`]: conversation.id });
  }
}
