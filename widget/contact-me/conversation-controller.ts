/**
 * The visitor's conversation, as a Lit ReactiveController: history from the
 * room, messages sent with client ids (resent after a reconnect, never
 * stored twice), each with its state, and the unread count of host replies.
 * Takes the room's `welcome`, `history`, `message` and `sent` frames.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { ConversationMessage } from "../../protocol/socket.ts";
import type { SignalingController } from "../room/signaling.ts";

/** Where a visitor's own message stands. */
export type MessageState = "sending" | "sent" | "delivered";

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
}

/** What the visitor may fill in besides the text. */
export interface Sender {
  name?: string;
  email?: string;
  page?: string;
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
  /** True while the visitor is looking at the conversation. */
  private reading = false;

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
    // Every reconnect: messages still `sending` go again, with the same client id.
    signaling.on("welcome", () => {
      for (const m of this.messages) if (m.state === "sending") this.transmit(m, this.sender());
    });
    signaling.on("history", (m) => this.announce(() => this.merge(m.messages)));
    signaling.on("message", ({ message }) =>
      this.announce(() => {
        const isNew = !this.messages.some((m) => m.id === message.id);
        this.merge([message]);
        if (isNew && message.from === "host") {
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

  private send(message: Parameters<SignalingController["send"]>[0]): boolean {
    return this.signaling.send(message);
  }

  /** Run `change`, then tell {@link ConversationEvents} of messages newly stored and replies newly arrived. */
  private announce(change: () => void): void {
    const before = this.messages;
    change();
    for (const m of this.messages) {
      const old = before.find((b) => (m.id && b.id === m.id) || (m.clientId && b.clientId === m.clientId));
      if (m.from === "visitor" && m.id && !old?.id) this.events.stored(m);
      else if (m.from === "host" && !old) this.events.received(m);
    }
  }

  /** Send a message; shown at once as `sending`. */
  post(text: string): PanelMessage {
    const message: PanelMessage = { clientId: newClientId(), from: "visitor", text, at: Date.now(), state: "sending" };
    this.messages = [...this.messages, message];
    this.transmit(message, this.sender());
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

  private transmit(message: PanelMessage, from: Sender): void {
    this.send({
      type: "text",
      text: message.text,
      clientId: message.clientId,
      ...(from.name ? { name: from.name } : {}),
      ...(from.email ? { email: from.email } : {}),
      ...(from.page ? { page: from.page } : {}),
    });
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
      };
      const i = list.findIndex((x) => x.id === m.id || (m.clientId !== undefined && x.clientId === m.clientId));
      list = i >= 0 ? list.map((x, j) => (j === i ? { ...shown, state: better(x.state, shown.state) } : x)) : [...list, shown];
    }
    this.messages = list.sort((a, b) => a.at - b.at);
    this.host.requestUpdate();
  }

  private replace(old: PanelMessage, next: PanelMessage): void {
    this.messages = this.messages.map((m) => (m === old ? next : m));
    this.host.requestUpdate();
  }
}

const ORDER: MessageState[] = ["sending", "sent", "delivered"];
/** States only move forward. */
const better = (a: MessageState, b: MessageState): MessageState => (ORDER.indexOf(a) > ORDER.indexOf(b) ? a : b);

function newClientId(): string {
  return globalThis.crypto.randomUUID();
}
