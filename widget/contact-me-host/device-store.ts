/**
 * What the dashboard keeps per conversation on this device, in
 * `localStorage`: half-typed replies and when each conversation was last
 * read. Read on first use, never at import, so the element renders where
 * there is no storage (SSR).
 * @module
 */
import { local } from "../room/storage.ts";

/** Values by conversation id, as one JSON object under one `localStorage` key. */
class PerConversation<V> {
  readonly #key: string;
  readonly #values: Record<string, V>;
  readonly #valid: (value: unknown) => value is V;

  constructor(key: string, valid: (value: unknown) => value is V) {
    this.#key = key;
    this.#valid = valid;
    let saved: unknown;
    try {
      saved = JSON.parse(local.get(key) ?? "{}");
    } catch {
      saved = {};
    }
    this.#values = typeof saved === "object" && saved !== null ? (saved as Record<string, V>) : {};
  }

  protected read(conversationId: string): V | undefined {
    const value = this.#values[conversationId];
    return this.#valid(value) ? value : undefined;
  }

  protected write(conversationId: string, value: V | undefined): void {
    if (value === undefined) delete this.#values[conversationId];
    else this.#values[conversationId] = value;
    local.set(this.#key, JSON.stringify(this.#values));
  }
}

/**
 * Half-typed replies, by conversation id, so a draft stays with its
 * conversation across re-renders, reloads and sign-ins.
 */
export class Drafts extends PerConversation<string> {
  constructor(key: string) {
    super(key, (v): v is string => typeof v === "string");
  }

  /** The draft of a conversation, if any. */
  get(conversationId: string): string | undefined {
    return this.read(conversationId);
  }

  /** Keep `text` as the conversation's draft (an empty text removes it). */
  set(conversationId: string, text: string): void {
    this.write(conversationId, text || undefined);
  }

  /** Forget the conversation's draft (it was sent). */
  delete(conversationId: string): void {
    this.write(conversationId, undefined);
  }
}

/**
 * When the host last read each conversation on this device: the time (the
 * room's clock, ms) of the newest message seen open. Visitor messages after
 * it are unread.
 */
export class ReadMarks extends PerConversation<number> {
  constructor(key: string) {
    super(key, (v): v is number => typeof v === "number" && Number.isFinite(v));
  }

  /** The time of the newest message read in the conversation; 0 when never opened here. */
  get(conversationId: string): number {
    return this.read(conversationId) ?? 0;
  }

  /** Mark the conversation read up to `at`; an earlier time changes nothing. */
  markRead(conversationId: string, at: number): void {
    if (at > this.get(conversationId)) this.write(conversationId, at);
  }

  /** Forget the conversation (it was deleted). */
  delete(conversationId: string): void {
    this.write(conversationId, undefined);
  }
}
