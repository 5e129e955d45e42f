/**
 * The visitor's conversation, as a Lit ReactiveController: history from the
 * room, messages sent with client ids (resent after a reconnect, never
 * stored twice), each with its state, and the unread count of host replies.
 * Takes the room's `welcome`, `history`, `message`, `sent`, `typing` and
 * `seen` frames: a host typing shows for twice {@link TYPING_EVERY_MS}, and
 * the time up to which a host has seen the visitor's messages is kept. When a
 * host deletes the conversation (close code `conversationDeleted`), what is
 * shown of it goes too; messages not yet sent start the new one.
 *
 * A message the room has not acknowledged (`sent`) is kept in `localStorage`
 * (per room, see {@link ConversationController.restore}) so a reload does not
 * lose it; one not acknowledged within {@link NOT_SENT_AFTER_MS} is shown as
 * `failed` ("Not sent — Retry"). Every reconnect sends them all again.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { CloseCode, TYPING_EVERY_MS, type CallLog, type ConversationMessage, type FileRef } from "../../protocol/socket.ts";
import type { SignalingController } from "../room/signaling.ts";
import { local } from "../room/storage.ts";

/**
 * How long a visitor's message may wait for the room's acknowledgement
 * before it shows as `failed` (it is still sent on the next reconnect), ms.
 */
export const NOT_SENT_AFTER_MS = 8_000;

/**
 * Where a visitor's own message stands: `sending`, `failed` (not
 * acknowledged in time; kept and sent again), `sent` (stored by the room),
 * `delivered` (reached a host).
 */
export type MessageState = "sending" | "failed" | "sent" | "delivered";

/** A message as the panel shows it. */
export interface PanelMessage {
  /** Room id once stored; undefined while sending. */
  id?: string;
  clientId?: string;
  from: "visitor" | "host";
  by?: string;
  text: string;
  at: number;
  state: MessageState;
  /** Set when the entry is a call the visitor made, not a message. */
  call?: CallLog;
  /** Files the message carries (stored by the room before the message is sent). */
  files?: FileRef[];
  /** A call-back request: the phone number or email to call back on (`text` is its note). */
  callBack?: string;
}

/** What the visitor may fill in besides the text. */
export interface Sender {
  name?: string;
  email?: string;
  page?: string;
  /** IANA time zone, e.g. `Europe/Paris`. */
  timeZone?: string;
}

/** What becomes of the conversation, for the element's events. */
export interface ConversationEvents {
  /** The room stored one of the visitor's messages. */
  stored(message: PanelMessage): void;
  /** A host reply arrived. */
  received(message: PanelMessage): void;
}

export class ConversationController implements ReactiveController {
  messages: PanelMessage[] = [];
  /** Host messages not yet seen. */
  unread = 0;
  /** A host has seen the visitor's messages up to this time (ms since the epoch). */
  seenAt: number | undefined;
  /** The name a host typing gave, while it types (for "Ada is typing…"). */
  typing: string | undefined;
  /** True while the visitor is looking at the conversation. */
  private reading = false;
  /** When this side last sent `typing` (ms). */
  private typingSentAt = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  /** What the visitor gave with each message not yet acknowledged, by client id. */
  private readonly senders = new Map<string, Sender>();
  /** The `failed` deadline of each message being sent, by client id. */
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The storage key of the messages not yet acknowledged; set by {@link restore}. */
  private outboxKey: string | undefined;

  /**
   * @param sender what the visitor gave (name, email, page), sent with each message and resend
   * @param events told of stored messages and arrived replies
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly signaling: SignalingController,
    private readonly sender: () => Sender,
    private readonly events: ConversationEvents,
  ) {
    host.addController(this);
    // Every reconnect: messages not yet acknowledged go again, with the same client id.
    signaling.on("welcome", () => {
      for (const m of this.messages) if (m.state === "sending" || m.state === "failed") this.transmit(m);
    });
    signaling.on("history", (m) => {
      this.seenAt = m.hostReadAt;
      this.announce(() => this.merge(m.messages));
    });
    signaling.on("seen", (m) => {
      if (m.by !== "host") return;
      this.seenAt = m.at;
      host.requestUpdate();
    });
    signaling.on("typing", (m) => {
      if (m.from !== "host") return;
      this.typing = m.name ?? "";
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(() => {
        this.typing = undefined;
        host.requestUpdate();
      }, 2 * TYPING_EVERY_MS);
      host.requestUpdate();
    });
    signaling.onClose((code) => {
      if (code === CloseCode.conversationDeleted) this.forget();
    });
    signaling.on("message", ({ message }) =>
      this.announce(() => {
        const isNew = !this.messages.some((m) => m.id === message.id);
        this.merge([message]);
        if (isNew && message.from === "host") {
          // The reply is what was being typed.
          this.typing = undefined;
          if (this.reading) this.send({ type: "read" });
          else this.unread += 1;
        }
      }),
    );
    signaling.on("sent", ({ clientId, id, at }) =>
      this.announce(() => {
        const mine = this.messages.find((m) => m.clientId && m.clientId === clientId);
        if (mine) this.replace(mine, { ...mine, id, at, state: mine.state === "delivered" ? "delivered" : "sent" });
      }),
    );
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    clearTimeout(this.typingTimer);
  }

  /**
   * The visitor typed in the message box: tell the host (`typing`), at most
   * once every {@link TYPING_EVERY_MS}, and only on an open socket (never buffered).
   */
  typed(now = Date.now()): void {
    if (this.signaling.status !== "open" || now - this.typingSentAt < TYPING_EVERY_MS) return;
    this.typingSentAt = now;
    this.send({ type: "typing" });
  }

  /** The conversation was deleted by a host: forget what was shown of it; what is not yet sent stays. */
  private forget(): void {
    this.messages = this.messages.filter((m) => m.from === "visitor" && !m.id);
    this.unread = 0;
    this.seenAt = undefined;
    this.typing = undefined;
    this.host.requestUpdate();
  }

  /**
   * Take back the messages a previous page of this room left unacknowledged
   * (kept under `key` in `localStorage`), shown as `sending` and sent on the
   * next `welcome`; from now on, keep this page's there too. Idempotent.
   */
  restore(key: string): void {
    this.outboxKey = key;
    let kept: Outgoing[] = [];
    try {
      const parsed: unknown = JSON.parse(local.get(key) ?? "[]");
      if (Array.isArray(parsed)) kept = parsed.filter(isOutgoing);
    } catch {
      // Unreadable: nothing to take back.
    }
    const fresh = kept.filter((k) => !this.messages.some((m) => m.clientId === k.clientId));
    for (const k of fresh) this.senders.set(k.clientId, k.sender);
    if (fresh.length) {
      const restored = fresh.map(
        (k): PanelMessage => ({
          clientId: k.clientId,
          from: "visitor",
          text: k.text,
          at: k.at,
          state: "sending",
          ...(k.files?.length ? { files: k.files } : {}),
          ...(k.callBack ? { callBack: k.callBack } : {}),
        }),
      );
      this.messages = [...this.messages, ...restored].sort((a, b) => a.at - b.at);
      for (const m of restored) this.startTimer(m);
      this.host.requestUpdate();
    }
    this.keep();
  }

  /** **Retry** of a `failed` message: send it again now (same client id), reconnecting first if need be. */
  retry(clientId: string): void {
    const message = this.messages.find((m) => m.clientId === clientId && m.state === "failed");
    if (!message) return;
    if (this.signaling.status === "open") this.transmit(message);
    else {
      this.setState(message, "sending");
      this.startTimer(message);
      // Sent on the `welcome` of the fresh connection.
      this.signaling.retry();
    }
  }

  private send(message: Parameters<SignalingController["send"]>[0]): boolean {
    return this.signaling.send(message);
  }

  /** Run `change`, then tell {@link ConversationEvents} of messages newly stored and replies newly arrived. */
  private announce(change: () => void): void {
    const before = this.messages;
    change();
    for (const m of this.messages) {
      const old = before.find((b) => (m.id && b.id === m.id) || (m.clientId && b.clientId === m.clientId));
      if (m.call) continue;
      if (m.from === "visitor" && m.id && !old?.id) this.events.stored(m);
      else if (m.from === "host" && !old) this.events.received(m);
    }
  }

  /**
   * Send a message, with `files` the room has stored (`widget/files/upload.ts`)
   * or, with `callBack`, a call-back request (`text` its note); shown at once
   * as `sending`, and kept until the room acknowledges it. While the socket is
   * not open it goes on the next `welcome`.
   */
  post(text: string, files: FileRef[] = [], callBack?: string): PanelMessage {
    const message: PanelMessage = {
      clientId: newClientId(),
      from: "visitor",
      text,
      at: Date.now(),
      state: "sending",
      ...(files.length ? { files } : {}),
      ...(callBack ? { callBack } : {}),
    };
    this.senders.set(message.clientId!, this.sender());
    this.messages = [...this.messages, message];
    this.keep();
    if (this.signaling.status === "open") this.transmit(message);
    else this.startTimer(message);
    this.host.requestUpdate();
    return message;
  }

  /** The visitor opened (true) or left (false) the conversation. */
  setReading(reading: boolean): void {
    this.reading = reading;
    if (reading && this.unread > 0) {
      this.unread = 0;
      this.send({ type: "read" });
      this.host.requestUpdate();
    }
  }

  /** Unread count from the page-load presence request, before any socket. */
  setUnread(count: number): void {
    if (this.messages.length === 0) {
      this.unread = count;
      this.host.requestUpdate();
    }
  }

  /** Send `message` (again) with what the visitor gave with it; `failed` until acknowledged in time. */
  private transmit(message: PanelMessage): void {
    const from = (message.clientId && this.senders.get(message.clientId)) || this.sender();
    if (message.state === "failed") this.setState(message, "sending");
    this.startTimer(message);
    this.send({
      type: "text",
      text: message.text,
      clientId: message.clientId,
      ...(message.files?.length ? { files: message.files.map((f) => f.id) } : {}),
      ...(from.name ? { name: from.name } : {}),
      ...(from.email ? { email: from.email } : {}),
      ...(from.page ? { page: from.page } : {}),
      ...(from.timeZone ? { timeZone: from.timeZone } : {}),
      ...(message.files?.length ? { files: message.files.map((f) => f.id) } : {}),
      ...(message.callBack ? { callBack: message.callBack } : {}),
    });
  }

  /** (Re)start the deadline after which `message`, still unacknowledged, shows as `failed`. */
  private startTimer(message: PanelMessage): void {
    const clientId = message.clientId;
    if (!clientId) return;
    clearTimeout(this.timers.get(clientId));
    this.timers.set(
      clientId,
      setTimeout(() => {
        this.timers.delete(clientId);
        const now = this.messages.find((m) => m.clientId === clientId);
        if (now?.state === "sending") this.setState(now, "failed");
      }, NOT_SENT_AFTER_MS),
    );
  }

  private setState(message: PanelMessage, state: MessageState): void {
    const current = this.messages.find((m) => m.clientId === message.clientId) ?? message;
    this.replace(current, { ...current, state });
  }

  /**
   * Keep the visitor's messages not yet acknowledged (no room id) in
   * `localStorage`, with what the visitor gave; forget the others and their timers.
   */
  private keep(): void {
    const pending = this.messages.filter((m) => m.from === "visitor" && !m.id && m.clientId);
    for (const clientId of [...this.senders.keys()]) {
      if (!pending.some((m) => m.clientId === clientId)) {
        clearTimeout(this.timers.get(clientId));
        this.timers.delete(clientId);
        this.senders.delete(clientId);
      }
    }
    if (!this.outboxKey) return;
    if (pending.length === 0) return local.remove(this.outboxKey);
    const outgoing = pending.map(
      (m): Outgoing => ({
        clientId: m.clientId!,
        text: m.text,
        at: m.at,
        sender: this.senders.get(m.clientId!) ?? {},
        ...(m.files ? { files: m.files } : {}),
        ...(m.callBack ? { callBack: m.callBack } : {}),
      }),
    );
    local.set(this.outboxKey, JSON.stringify(outgoing));
  }

  /** Upsert room messages, matching by id or by the client id of our own. */
  private merge(incoming: ConversationMessage[]): void {
    let list = this.messages;
    for (const m of incoming) {
      const shown: PanelMessage = {
        id: m.id,
        clientId: m.clientId,
        from: m.from,
        by: m.by,
        text: m.text,
        at: m.at,
        state: m.delivered ? "delivered" : "sent",
        ...(m.call ? { call: m.call } : {}),
        ...(m.files?.length ? { files: m.files } : {}),
        ...(m.callBack ? { callBack: m.callBack } : {}),
      };
      const i = list.findIndex((x) => x.id === m.id || (m.clientId !== undefined && x.clientId === m.clientId));
      list = i >= 0 ? list.map((x, j) => (j === i ? { ...shown, state: better(x.state, shown.state) } : x)) : [...list, shown];
    }
    this.messages = list.sort((a, b) => a.at - b.at);
    this.keep();
    this.host.requestUpdate();
  }

  private replace(old: PanelMessage, next: PanelMessage): void {
    this.messages = this.messages.map((m) => (m === old ? next : m));
    this.keep();
    this.host.requestUpdate();
  }
}

/** A message not yet acknowledged, as kept in `localStorage`. */
interface Outgoing {
  clientId: string;
  text: string;
  at: number;
  sender: Sender;
  /** The files it carries, already stored by the room. */
  files?: FileRef[];
  /** A call-back request's phone number or email (`text` is its note). */
  callBack?: string;
}

function isOutgoing(value: unknown): value is Outgoing {
  const v = value as Partial<Outgoing> | null;
  return !!v && typeof v.clientId === "string" && typeof v.text === "string" && typeof v.at === "number" && typeof v.sender === "object" && v.sender !== null && (v.files === undefined || Array.isArray(v.files)) && (v.callBack === undefined || typeof v.callBack === "string");
}

const ORDER: MessageState[] = ["sending", "failed", "sent", "delivered"];
/** States only move forward. */
const better = (a: MessageState, b: MessageState): MessageState => (ORDER.indexOf(a) > ORDER.indexOf(b) ? a : b);

function newClientId(): string {
  return globalThis.crypto.randomUUID();
}
