/**
 * Conversations and messages: a visitor's text (stored, acknowledged with
 * `sent`, then `delivered` once a dashboard has it), a host's reply from the
 * dashboard, read receipts, history for a returning visitor, and the recent
 * conversations a dashboard opens with. Storage is `conversations.ts`; the
 * Slack side is `slack-bridge.ts`. A message may carry files uploaded to its
 * conversation (`files.ts`): they are checked before anything is stored, and
 * deleted with the conversation.
 *
 * Who hears a message: every live dashboard, and the conversation's visitor
 * sockets — those tagged with it (opened with its token) and the socket that
 * wrote last (which may have started it without a token). No scan of every
 * visitor socket.
 * @module
 */
import {
  CONVERSATIONS_PAGE,
  CloseCode,
  type CallLog,
  type ClientMessage,
  type ConversationMessage,
  type FileRef,
  type MessageOf,
  type ServerMessage,
} from "../../protocol/socket.ts";
import type { Agent } from "./agent.ts";
import { conversationTag, isVisitor, type Connections, type HostConn, type VisitorConn } from "./connections.ts";
import type { Conversation, ConversationStore, StoredMessage } from "./conversations.ts";
import type { SlackBridge } from "./slack-bridge.ts";
import { plainText, type Files } from "./files.ts";
import type { PushDesk } from "./push.ts";
import { callEvent, type Webhooks } from "./webhooks.ts";

/** Messages of each conversation in a page of the dashboard's list. */
const DASHBOARD_MESSAGES = 30;

/** A message as dashboards see it (no storage fields). */
function forHost(message: StoredMessage): ConversationMessage {
  const { seq: _seq, slackTs: _ts, ...rest } = message;
  return rest;
}

/** A message as its visitor sees it: no Slack delivery details. */
function forVisitor(message: StoredMessage): ConversationMessage {
  const { seq: _seq, slackTs: _ts, slack: _slack, slackError: _error, ...rest } = message;
  return rest;
}

/** Who a visitor is, as dashboards see it beside their conversation (`VisitorDetails` on the wire). */
function details(c: Conversation) {
  const { name, email, page, timeZone, browser, os, device, createdAt } = c;
  return { name, email, page, timeZone, browser, os, device, createdAt };
}

/** What a visitor told about itself with a message or a call, kept on its conversation. */
interface Context {
  name?: string;
  email?: string;
  page?: string;
  timeZone?: string;
  agent?: Agent;
}

/** Keep what `context` tells on `conversation` (what it leaves out stays as it was). */
function remember(conversation: Conversation, context: Context): void {
  const { agent, ...given } = context;
  for (const [key, value] of Object.entries({ ...given, ...agent })) {
    if (value) (conversation as unknown as Record<string, unknown>)[key] = value;
  }
}

/** A call's timeline entry in plain English, for plain-text readers (`text` of the entry). */
export function callText(log: CallLog): string {
  const kind = log.media === "video" ? "Video call" : "Audio call";
  const lower = kind.toLowerCase();
  const duration = log.durationS === undefined ? "" : `, ${Math.floor(log.durationS / 60)}:${String(log.durationS % 60).padStart(2, "0")}`;
  switch (log.state) {
    case "ringing":
      return `${kind}, ringing`;
    case "in-call":
      return `${kind}${log.by ? ` with ${log.by}` : ""}, in progress`;
    case "answered":
      return `${kind}${log.by ? ` with ${log.by}` : ""}${duration}`;
    case "missed":
      return `Missed ${lower}`;
    case "declined":
      return `Declined ${lower}`;
    case "cancelled":
      return `Cancelled ${lower}`;
    case "failed":
      return `${kind} could not connect`;
  }
}

/** A call to log in its conversation: what the call desk knows of it. */
export interface CallEntry {
  conversationId: string;
  /** The visitor's socket that called: it hears the entry even when its conversation is new. */
  visitorConn: string;
  log: CallLog;
  context: Context;
  /** The entry's seq, once stored: it is updated, not stored again. */
  seq?: number;
}

export class Messages {
  constructor(
    private readonly store: ConversationStore,
    private readonly conns: Connections,
    private readonly slack: SlackBridge,
    private readonly webhooks: Webhooks,
    private readonly push: Pick<PushDesk, "visitorWrote">,
    private readonly files: Pick<Files, "refs" | "attach" | "forget">,
  ) {}

  /**
   * The files a message names, when each is a complete file of the
   * conversation; they are then kept with it. `undefined` (the message is
   * refused with `not_found`) when one is not.
   */
  private async take(conversationId: string, ids: readonly string[] | undefined): Promise<FileRef[] | undefined> {
    if (!ids?.length) return [];
    const files = await this.files.refs(conversationId, ids);
    if (files) await this.files.attach(ids);
    return files;
  }

  /** A new message, for the owner's webhook (stored in its outbox before anyone is told). */
  private created(conversation: Conversation, message: StoredMessage): Promise<void> {
    const { id, from, by, text, at, files, callBack } = message;
    const { name, email, page } = conversation;
    return this.webhooks.emit({ type: "message.created", data: { conversationId: conversation.id, message: { id, from, by, text, at, files, callBack }, visitor: { name, email, page } } }, at);
  }

  /** A host's reply typed in the conversation's Slack thread: to the dashboards, the visitor and the webhook. */
  async fromSlack(conversation: Conversation, message: StoredMessage): Promise<void> {
    await this.created(conversation, message);
    this.publish(conversation, message);
  }

  /** A visitor socket opened with a known conversation: its history. */
  async visitorConnected(conn: VisitorConn, known: boolean): Promise<void> {
    if (!known) return;
    const id = conn.state!.conversationId;
    const [messages, conversation] = await Promise.all([this.store.history(id), this.store.get(id)]);
    this.conns.send(conn, { type: "history", messages: messages.map(forVisitor), hostReadAt: conversation?.hostReadAt });
  }

  /** `text` from a visitor. */
  async text(sender: VisitorConn, msg: MessageOf<ClientMessage, "text">, now: number): Promise<void> {
    const { conversationId, address } = sender.state!;
    if (!this.conns.spend(sender, "text", now) || !this.conns.spendAddress(address, "text", now)) {
      return this.conns.fail(sender, "rate_limited", "Too many messages; wait a few seconds");
    }
    if (msg.clientId) {
      const earlier = await this.store.byClientId(conversationId, msg.clientId);
      if (earlier) return this.resend(sender, conversationId, earlier);
    }
    const conversation = await this.store.open(conversationId, now);
    const refusal = await this.store.refusal(conversation);
    if (refusal) return this.conns.fail(sender, refusal, "This conversation or room is full");
    if (conversation.count === 0 && !this.conns.spendAddress(address, "conversation", now)) {
      return this.conns.fail(sender, "rate_limited", "Too many new conversations from your address; wait a minute");
    }
    const files = await this.take(conversationId, msg.files);
    if (!files) return this.conns.fail(sender, "not_found", "files: not a file uploaded to this conversation");
    remember(conversation, { name: msg.name, email: msg.email, page: msg.page, timeZone: msg.timeZone, agent: sender.state!.agent });
    conversation.conn = sender.id;
    const slack = this.slack.mode();
    // Delivered in the first write when a dashboard is here to show it.
    const message = await this.store.append(conversation, {
      id: crypto.randomUUID(),
      clientId: msg.clientId,
      from: "visitor",
      text: msg.text,
      ...(files.length ? { files } : {}),
      ...(msg.callBack ? { callBack: msg.callBack } : {}),
      at: now,
      delivered: this.conns.live("host").length > 0,
      ...(slack ? { slack: "pending" as const } : {}),
    });
    // The outbox entry is stored before the visitor hears "sent": a room evicted
    // in between must not leave a message that never reaches Slack.
    const queued = !!slack && (await this.slack.enqueue(conversation, message, { from: "visitor", text: plainText(message), name: conversation.name, email: conversation.email, page: msg.page }));
    await this.created(conversation, message);
    await this.push.visitorWrote(conversation, message);
    this.conns.send(sender, { type: "sent", id: message.id, clientId: msg.clientId, at: now });
    this.publish(conversation, message);
    if (queued) void this.slack.drain();
  }

  /**
   * Who is calling, for the dashboards' ringing card: the visitor's
   * conversation's name, email and page, unless the call gives its own.
   */
  async caller(sender: VisitorConn, msg: MessageOf<ClientMessage, "call">): Promise<{ conversationId: string; name?: string; email?: string; page?: string }> {
    const conversationId = sender.state!.conversationId;
    const c = await this.store.get(conversationId);
    return { conversationId, name: msg.name || c?.name, email: msg.email || c?.email, page: msg.page || c?.page };
  }

  /**
   * A call's entry in the caller's conversation's timeline: stored when the
   * call is asked for (starting the conversation when the visitor had not
   * written yet), then updated in place as it is answered and ends. Every
   * dashboard and the visitor hear each state; Slack is told too (see
   * `SlackBridge.callPosts`). Not kept when the conversation or the room is
   * full, or the conversation was deleted.
   * @returns the entry's seq, or undefined when not kept
   */
  async logCall(entry: CallEntry, now: number): Promise<number | undefined> {
    if (await this.store.deleted(entry.conversationId)) return undefined;
    const text = callText(entry.log);
    if (entry.seq !== undefined) {
      const updated = await this.store.update(entry.conversationId, entry.seq, { call: entry.log, text });
      const conversation = updated && (await this.store.get(entry.conversationId));
      if (updated && conversation) {
        this.publish(conversation, updated);
        await this.toSlack(conversation, updated, true);
        await this.callChanged(conversation, entry.log);
        return updated.seq;
      }
    }
    const conversation = await this.store.open(entry.conversationId, now);
    if (await this.store.refusal(conversation)) return undefined;
    remember(conversation, entry.context);
    conversation.conn = entry.visitorConn;
    const slack = this.slack.mode();
    const message = await this.store.append(conversation, {
      id: crypto.randomUUID(),
      from: "visitor",
      text,
      at: now,
      delivered: true,
      call: entry.log,
      ...(slack ? { slack: "pending" as const } : {}),
    });
    this.publish(conversation, message);
    await this.toSlack(conversation, message, false);
    await this.callChanged(conversation, entry.log);
    return message.seq;
  }

  /** A call's new state, for the owner's webhook (`call.ringing`, `call.answered`, `call.missed`). */
  private async callChanged(conversation: Conversation, log: CallLog): Promise<void> {
    const event = callEvent(log, { conversationId: conversation.id, name: conversation.name, email: conversation.email, page: conversation.page });
    if (event) await this.webhooks.emit(event);
  }

  /** Tell Slack about a call's entry: posted when stored, edited (or followed up) as it changes. */
  private async toSlack(conversation: Conversation, message: StoredMessage, update: boolean): Promise<void> {
    const post = this.slack.callPost(conversation, message, update);
    if (post && (await this.slack.enqueue(conversation, message, post))) void this.slack.drain();
  }

  /** A resend after a reconnect: acknowledge again, store nothing. */
  private resend(sender: VisitorConn, conversationId: string, message: StoredMessage): void {
    this.conns.send(sender, { type: "sent", id: message.id, clientId: message.clientId, at: message.at });
    if (message.delivered) this.conns.send(sender, { type: "message", conversationId, message: forVisitor(message) });
  }

  /** `read` from a visitor: it has seen the host's messages; the dashboards hear `seen`. */
  async read(sender: VisitorConn, now: number): Promise<void> {
    const c = await this.store.get(sender.state!.conversationId);
    if (!c || !c.unread) return;
    await this.store.save({ ...c, unread: 0, readAt: now });
    this.toHosts({ type: "seen", conversationId: c.id, by: "visitor", at: now });
  }

  /**
   * `read` from a host: it has seen the visitor's messages of `conversationId`;
   * the visitor and the dashboards hear `seen`. Stored only when something
   * new was seen (one write per new message at most).
   */
  async hostRead(sender: HostConn, conversationId: string | undefined, now: number): Promise<void> {
    if (!conversationId) return this.conns.fail(sender, "bad_message", "conversationId: a host must name the conversation");
    const c = await this.store.get(conversationId);
    if (!c) return this.conns.fail(sender, "not_found", "No such conversation");
    if ((c.hostReadAt ?? 0) >= c.updatedAt) return;
    await this.store.save({ ...c, hostReadAt: now });
    const seen = { type: "seen", conversationId: c.id, by: "host", at: now } satisfies ServerMessage;
    this.toHosts(seen);
    this.toVisitorSockets(c, JSON.stringify(seen));
  }

  /**
   * `typing`: relayed to the other side, never stored; beyond the `typing`
   * rate it is dropped without an error (a client repeats it anyway).
   */
  async typing(sender: VisitorConn | HostConn, conversationId: string | undefined, now: number): Promise<void> {
    if (!this.conns.spend(sender, "typing", now)) return;
    if (isVisitor(sender)) {
      const id = sender.state!.conversationId;
      const c = await this.store.get(id);
      return this.toHosts({ type: "typing", conversationId: id, from: "visitor", name: c?.name });
    }
    if (!conversationId) return this.conns.fail(sender, "bad_message", "conversationId: a host must name the conversation");
    const c = await this.store.get(conversationId);
    if (!c) return this.conns.fail(sender, "not_found", "No such conversation");
    const frame = { type: "typing", conversationId: c.id, from: "host", name: sender.state!.name } satisfies ServerMessage;
    this.toVisitorSockets(c, JSON.stringify(frame));
  }

  /** `reply` from a dashboard (joins the Slack thread too, in bot mode). */
  async reply(sender: HostConn, msg: MessageOf<ClientMessage, "reply">, now: number): Promise<void> {
    if (!this.conns.spend(sender, "text", now)) return this.conns.fail(sender, "rate_limited", "Too many messages; wait a few seconds");
    const conversation = await this.store.get(msg.conversationId);
    if (!conversation) return this.conns.fail(sender, "not_found", "No such conversation");
    const refusal = await this.store.refusal(conversation);
    if (refusal) return this.conns.fail(sender, refusal, "This conversation or room is full");
    if (msg.clientId) {
      const earlier = await this.store.byClientId(conversation.id, msg.clientId);
      if (earlier) return this.conns.send(sender, { type: "sent", id: earlier.id, clientId: earlier.clientId, at: earlier.at });
    }
    const files = await this.take(conversation.id, msg.files);
    if (!files) return this.conns.fail(sender, "not_found", "files: not a file uploaded to this conversation");
    const by = sender.state!.name;
    const threads = this.slack.mode() === "bot";
    conversation.unread = (conversation.unread ?? 0) + 1;
    const message = await this.store.append(conversation, {
      id: crypto.randomUUID(),
      clientId: msg.clientId,
      from: "host",
      by,
      text: msg.text,
      ...(files.length ? { files } : {}),
      at: now,
      ...(threads ? { slack: "pending" as const } : {}),
    });
    const queued = threads && (await this.slack.enqueue(conversation, message, { from: "host", text: plainText(message), name: by }));
    await this.created(conversation, message);
    this.conns.send(sender, { type: "sent", id: message.id, clientId: msg.clientId, at: now });
    this.publish(conversation, message);
    if (queued) void this.slack.drain();
  }

  /** `archive` from a host: out of (or back into) the dashboards' list; every dashboard hears `archived`. */
  async archive(sender: HostConn, msg: MessageOf<ClientMessage, "archive">): Promise<void> {
    if (!(await this.store.archive(msg.conversationId, msg.archived))) return this.conns.fail(sender, "not_found", "No such conversation");
    this.toHosts({ type: "archived", conversationId: msg.conversationId, archived: msg.archived });
  }

  /**
   * `delete` from a host: the conversation and everything kept of it go (its
   * waiting Slack posts and its files too); its visitor's sockets are closed so they start
   * afresh; every dashboard hears `deleted`.
   */
  async delete(sender: HostConn, conversationId: string): Promise<void> {
    const conversation = await this.store.get(conversationId);
    if (!conversation || !(await this.store.remove(conversationId))) return this.conns.fail(sender, "not_found", "No such conversation");
    await this.slack.outbox.forget(conversationId);
    await this.files.forget(conversationId);
    for (const v of this.visitorSockets(conversation)) this.conns.close(v, CloseCode.conversationDeleted, "The conversation was deleted");
    this.toHosts({ type: "deleted", conversationId });
    await this.webhooks.emit({ type: "conversation.deleted", data: { conversationId } });
  }

  /** Tell the conversation's visitor sockets and every dashboard about a new or changed message. */
  publish(conversation: Conversation, message: StoredMessage): void {
    this.toHosts({ type: "message", conversationId: conversation.id, message: forHost(message), conversation: details(conversation) });
    this.toVisitor(conversation, message);
  }

  /** Send `frame` to every live dashboard (serialized once). */
  private toHosts(frame: ServerMessage): void {
    const raw = JSON.stringify(frame);
    for (const h of this.conns.live("host")) this.conns.sendRaw(h, raw);
  }

  private toVisitor(conversation: Conversation, message: StoredMessage): void {
    this.toVisitorSockets(conversation, JSON.stringify({ type: "message", conversationId: conversation.id, message: forVisitor(message) } satisfies ServerMessage));
  }

  /** Send `raw` to the conversation's visitor sockets. */
  private toVisitorSockets(conversation: Conversation, raw: string): void {
    for (const v of this.visitorSockets(conversation)) this.conns.sendRaw(v, raw);
  }

  /** The conversation's visitor sockets: those tagged with it, and the socket that wrote last. */
  private visitorSockets(conversation: Conversation) {
    const sockets = this.conns.live(conversationTag(conversation.id));
    const last = conversation.conn ? this.conns.get(conversation.conn) : undefined;
    if (last && isVisitor(last) && !last.state!.gone && last.state!.conversationId === conversation.id && !sockets.includes(last)) sockets.push(last);
    return sockets;
  }

  /** A dashboard connects: the first page of its list. */
  hostConnected(conn: HostConn): Promise<void> {
    return this.sendPage(conn);
  }

  /** `older` from a host: the page of its list after `cursor`. */
  older(conn: HostConn, cursor: string): Promise<void> {
    return this.sendPage(conn, cursor);
  }

  /** A page of conversations to `conn`; visitor messages it now shows are delivered. */
  private async sendPage(conn: HostConn, cursor?: string): Promise<void> {
    const summaries = [];
    const page = await this.store.page(CONVERSATIONS_PAGE, cursor);
    for (const conversation of page.conversations) {
      const messages = await this.store.history(conversation.id, DASHBOARD_MESSAGES);
      for (const [i, m] of messages.entries()) {
        if (m.from !== "visitor" || m.delivered) continue;
        messages[i] = (await this.store.update(conversation.id, m.seq, { delivered: true })) ?? m;
        this.toVisitor(conversation, messages[i]);
      }
      const { id, updatedAt, readAt, hostReadAt } = conversation;
      summaries.push({ id, ...details(conversation), updatedAt, messages: messages.map(forHost), visitorReadAt: readAt || undefined, hostReadAt });
    }
    this.conns.send(conn, { type: "conversations", conversations: summaries, cursor, next: page.next });
  }

  /** Host messages the visitor of conversation `id` has not seen (`GET presence`). */
  async unread(id: string): Promise<number | undefined> {
    const conversation = await this.store.get(id);
    return conversation ? (conversation.unread ?? 0) : undefined;
  }
}
