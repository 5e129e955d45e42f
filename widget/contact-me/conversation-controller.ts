/**
 * The visitor's conversation, as a Lit ReactiveController: history from the
 * room, messages sent with client ids (resent after a reconnect, never
 * stored twice), each with its state, and the unread count of host replies.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { ClientMessage, ConversationMessage, ServerMessage } from "../../protocol/socket.ts";

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

type Send = (message: ClientMessage) => boolean;

export class ConversationController implements ReactiveController {
  messages: PanelMessage[] = [];
  /** Host messages not yet seen. */
  unread = 0;
  /** True while the visitor is looking at the conversation. */
  private reading = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly send: Send,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Send a message; shown at once as `sending`. */
  post(text: string, from: Sender): PanelMessage {
    const message: PanelMessage = { clientId: newClientId(), from: "visitor", text, at: Date.now(), state: "sending" };
    this.messages = [...this.messages, message];
    this.transmit(message, from);
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

  /**
   * Feed a frame from the room; returns true when it was the conversation's.
   * On `welcome` (every reconnect), messages still `sending` are sent again
   * with the same client id.
   */
  handle(message: ServerMessage, from: () => Sender): boolean {
    switch (message.type) {
      case "welcome":
        for (const m of this.messages) if (m.state === "sending") this.transmit(m, from());
        return false;
      case "history":
        this.merge(message.messages);
        return true;
      case "message": {
        const isNew = !this.messages.some((m) => m.id === message.message.id);
        this.merge([message.message]);
        if (isNew && message.message.from === "host") {
          if (this.reading) this.send({ type: "read" });
          else this.unread += 1;
        }
        return true;
      }
      case "sent": {
        const mine = this.messages.find((m) => m.clientId && m.clientId === message.clientId);
        if (!mine) return false;
        this.replace(mine, { ...mine, id: message.id, at: message.at, state: mine.state === "delivered" ? "delivered" : "sent" });
        return true;
      }
      default:
        return false;
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
