/**
 * The contact-me room: one PartyKit room per site.
 *
 * It does host presence, the call queue (ring → accept/decline, first accept
 * wins, waiting in line), the relay of signaling (SDP offer/answer, ICE
 * candidates) between the two peers of one call, and forwards visitor text to
 * the host dashboards and Slack. Media never passes through it: calls are
 * peer-to-peer WebRTC.
 *
 * State: the calls, missed calls and the room's signing secret are in room
 * storage (written through, cached in memory); identity, liveness and rate
 * limits are in each connection's state. Both survive hibernation.
 *
 * HTTP endpoints (under `/parties/main/<room>`):
 * - `POST /host/session` `{"key": string}` → `200 {"token","name"}` |
 *   `401 {"error":"forbidden"}` | `429 {"error":"rate_limited"}` with `Retry-After` (s) after
 *   10 wrong keys from one address (then one per 6 s) | `503 {"error":"unavailable"}` when no
 *   host is configured.
 * - `GET /presence[?conversation=<token>]` → `200 {"available": boolean, "unread"?: number}`.
 * - `POST /slack/events`: Slack's Events API (bot mode), signed with
 *   `SLACK_SIGNING_SECRET`: `url_verification`, and replies in a
 *   conversation's thread, which reach the visitor live.
 *
 * WebSocket: visitors connect with no credentials (`?resume=<token>` after a
 * drop); hosts add `?role=host&token=<token>`, checked in
 * {@link ContactRoom.onBeforeConnect} before the socket opens.
 * @module
 */
import type * as Party from "partykit/server";
import {
  findHost,
  issueConversationToken,
  issueHostToken,
  issueResumeToken,
  newRoomSecret,
  verifyConversationToken,
  verifyHostToken,
  verifyResumeToken,
} from "./auth.ts";
import { ConversationStore, type Conversation, type StoredMessage } from "./conversations.ts";
import { readConfig, type RoomConfig } from "./config.ts";
import { RATES, take, type Bucket, type RateName } from "./limits.ts";
import {
  HOST_ONLY,
  PROTOCOL_VERSION,
  RESUME_GRACE_S,
  VISITOR_ONLY,
  parseClientMessage,
  type ClientMessage,
  type ConversationMessage,
  type EndReason,
  type ErrorCode,
  type MessageOf,
  type ServerMessage,
} from "./protocol.ts";
import { placeCalls, type CallRecord, type HostPresence } from "./queue.ts";
import { Outbox, type OutboxEntry } from "./outbox.ts";
import { postMessage, postWebhook, slackText, verifySlackSignature, type Delivery } from "./slack.ts";
import { iceServersFor } from "./turn.ts";

/** Header set by `onBeforeConnect`: the signed-in host's name (absent for visitors). */
const HOST_HEADER = "x-contact-me-host";
/** Silence after which a host (or a visitor with a call) is taken as gone, in ms. */
export const LIVENESS_TIMEOUT_MS = 7_000;
/** How often the room pings hosts and calling visitors, in ms. */
export const PING_INTERVAL_MS = 2_000;
/** Longest WebSocket URL accepted (tokens included), in characters. */
const MAX_SOCKET_URL = 1024;
/** Missed calls kept for the dashboard. */
const MISSED_KEPT = 50;
/** Conversations, and messages of each, sent to a dashboard when it connects. */
const DASHBOARD_CONVERSATIONS = 20;
const DASHBOARD_MESSAGES = 30;
/** Slack event ids remembered to drop retried deliveries. */
const EVENTS_KEPT = 500;

interface Common {
  /** Last frame received, ms since the epoch. */
  lastSeen: number;
  buckets: Partial<Record<RateName, Bucket>>;
  /** Set when the room closed this socket for silence. */
  gone?: boolean;
}
interface VisitorState extends Common {
  role: "visitor";
  visitorId: string;
  /** The conversation this browser keeps (from its conversation token). */
  conversationId: string;
}
interface HostState extends Common {
  role: "host";
  name: string;
  available: boolean;
}
type State = VisitorState | HostState;
type Conn = Party.Connection<State>;

interface MissedCall {
  callId: string;
  name?: string;
  media: CallRecord["media"];
  at: number;
}

function corsHeaders(origin: string | null, allowed: ReadonlySet<string> | undefined): Record<string, string> {
  return {
    "content-type": "application/json",
    "access-control-allow-origin": allowed ? (origin && allowed.has(origin) ? origin : "null") : "*",
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "content-type",
    vary: "origin",
  };
}

/** A request whose `Origin` is present and not in `ALLOWED_ORIGINS` (when set). */
function foreignOrigin(req: Party.Request, allowed: ReadonlySet<string> | undefined): boolean {
  const origin = req.headers.get("origin");
  return allowed !== undefined && origin !== null && !allowed.has(origin);
}

export default class ContactRoom implements Party.Server {
  /** Sockets hibernate between frames: idle visitors cost no memory. */
  readonly options = { hibernate: true };

  private config: RoomConfig;
  /** Cache of storage key `calls`. */
  private calls: CallRecord[] = [];
  /** Cache of storage key `missed`, newest first. */
  private missed: MissedCall[] = [];
  /** Cache of storage key `seq`: arrival counter for queue order. */
  private seq = 0;
  /** Cache of storage key `secret`: signs resume tokens. */
  private secret = "";
  private loaded: Promise<void> | undefined;
  private readonly conversations: ConversationStore;
  private readonly outbox: Outbox;
  /** Last frames pushed, to send only changes; rebuilt after a wake-up. */
  private lastPresence: boolean | undefined;
  /**
   * Wrong host keys by client address (`cf-connecting-ip`), against key
   * guessing. In memory: an evicted room starts afresh, which only helps the
   * real host.
   */
  private readonly signIns = new Map<string, Bucket>();
  private readonly lastSent = new Map<string, string>();

  constructor(readonly room: Party.Room) {
    this.config = readConfig(room.env);
    this.conversations = new ConversationStore(room.storage);
    this.outbox = new Outbox(room.storage);
  }

  // ------------------------------------------------------------------ edge checks

  /**
   * Authenticates host sockets before they open, and refuses visitor sockets
   * from origins outside `ALLOWED_ORIGINS`. The host header is always
   * rewritten, so a client can never claim it.
   */
  static async onBeforeConnect(req: Party.Request, lobby: Party.Lobby): Promise<Party.Request | Response> {
    // PartyKit keeps the URL beside the connection's state in one 2 KiB attachment.
    if (req.url.length > MAX_SOCKET_URL) return new Response(`URL over ${MAX_SOCKET_URL} characters`, { status: 414 });
    const config = readConfig(lobby.env);
    const url = new URL(req.url);
    req.headers.delete(HOST_HEADER);
    if (url.searchParams.get("role") === "host") {
      const name = await verifyHostToken(url.searchParams.get("token") ?? "", config.hosts, lobby.id);
      if (!name) return new Response("Unauthorized: sign in with the host key", { status: 401 });
      req.headers.set(HOST_HEADER, encodeURIComponent(name));
      return req;
    }
    if (foreignOrigin(req, config.allowedOrigins)) {
      return new Response("Forbidden: this site may not embed this room", { status: 403 });
    }
    return req;
  }

  /** Refuses HTTP requests from origins outside `ALLOWED_ORIGINS`. */
  static onBeforeRequest(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    const { allowedOrigins } = readConfig(lobby.env);
    if (foreignOrigin(req, allowedOrigins)) {
      return new Response(JSON.stringify({ error: "forbidden", message: "Origin not allowed" }), {
        status: 403,
        headers: { "content-type": "application/json" },
      });
    }
    return req;
  }

  getConnectionTags(_conn: Party.Connection, ctx: Party.ConnectionContext): string[] {
    return [ctx.request.headers.has(HOST_HEADER) ? "host" : "visitor"];
  }

  // ------------------------------------------------------------------ storage

  private load(): Promise<void> {
    return (this.loaded ??= (async () => {
      const stored = await this.room.storage.get<CallRecord[] | MissedCall[] | number | string>(["calls", "missed", "seq", "secret"]);
      this.calls = (stored.get("calls") as CallRecord[] | undefined) ?? [];
      this.missed = (stored.get("missed") as MissedCall[] | undefined) ?? [];
      this.seq = (stored.get("seq") as number | undefined) ?? 0;
      this.secret = (stored.get("secret") as string | undefined) ?? "";
      if (!this.secret) {
        this.secret = newRoomSecret();
        await this.room.storage.put("secret", this.secret);
      }
      await this.outbox.load();
      // After a restart, sockets the stored calls refer to are gone: start their grace now.
      const now = Date.now();
      for (const call of this.calls) {
        if (call.visitorGoneAt === undefined && !this.room.getConnection(call.visitorConn)) call.visitorGoneAt = now;
        if (call.hostConn && call.hostGoneAt === undefined && !this.room.getConnection(call.hostConn)) call.hostGoneAt = now;
      }
    })());
  }

  async onStart(): Promise<void> {
    await this.load();
    if (this.outbox.size > 0) this.scheduleAlarm(); // a restart picks up where delivery stopped
  }

  private saveCalls(): void {
    void this.room.storage.put({ calls: this.calls, seq: this.seq });
  }

  // ------------------------------------------------------------------ connections

  async onConnect(conn: Conn, ctx: Party.ConnectionContext): Promise<void> {
    await this.load();
    const now = Date.now();
    const hostHeader = ctx.request.headers.get(HOST_HEADER);
    if (hostHeader !== null) {
      const name = decodeURIComponent(hostHeader);
      conn.setState({ role: "host", name, available: false, lastSeen: now, buckets: {} });
      this.send(conn, { type: "welcome", protocol: PROTOCOL_VERSION, role: "host", id: conn.id, iceServers: this.config.iceServers, name });
      this.send(conn, { type: "presence", available: this.isAvailable() });
      this.send(conn, { type: "missed", calls: this.missed });
      await this.sendConversations(conn);
      // A host returning within the grace takes its call back.
      const call = this.calls.find((c) => c.state === "active" && c.host === name && c.hostGoneAt !== undefined);
      if (call) {
        call.hostConn = conn.id;
        call.hostGoneAt = undefined;
        this.saveCalls();
        this.send(conn, { type: "resumed", callId: call.id, media: call.media, polite: false, peerName: call.name, ...(await this.callIce(conn.id)) });
        this.sendTo(call.visitorConn, { type: "peer", callId: call.id, connected: true });
      }
      this.reconcile();
      return;
    }

    const params = new URL(ctx.request.url).searchParams;
    const resume = params.get("resume");
    const resumedId = resume ? await verifyResumeToken(resume, this.secret, this.room.id) : undefined;
    const visitorId = resumedId ?? crypto.randomUUID();
    const conversationToken = params.get("conversation");
    const known = conversationToken ? await verifyConversationToken(conversationToken, this.secret, this.room.id) : undefined;
    const conversationId = known ?? crypto.randomUUID();
    conn.setState({ role: "visitor", visitorId, conversationId, lastSeen: now, buckets: {} });
    this.send(conn, {
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      role: "visitor",
      id: conn.id,
      iceServers: this.config.iceServers,
      resumeToken: await issueResumeToken(this.secret, visitorId, this.room.id),
      conversationToken: await issueConversationToken(this.secret, conversationId, this.room.id),
    });
    this.send(conn, { type: "presence", available: this.isAvailable() });
    if (known) this.send(conn, { type: "history", messages: (await this.conversations.history(known)).map(forVisitor) });
    const call = resumedId ? this.calls.find((c) => c.visitorId === resumedId) : undefined;
    if (!call) return;
    // Back within the grace: same place in line, or the same call.
    call.visitorConn = conn.id;
    call.visitorGoneAt = undefined;
    if (call.state === "active") {
      this.saveCalls();
      this.send(conn, { type: "resumed", callId: call.id, media: call.media, polite: true, peerName: call.host, ...(await this.callIce(conn.id)) });
      if (call.hostConn) this.sendTo(call.hostConn, { type: "peer", callId: call.id, connected: true });
      return;
    }
    this.reconcile(undefined, new Set([call.id]));
  }

  async onClose(conn: Conn): Promise<void> {
    await this.load();
    this.leave(conn);
    // With hibernation the runtime does not answer a client's close frame; without
    // this the browser waits ~10 s and sees 1006.
    try {
      conn.close();
    } catch {
      // already closed
    }
  }

  async onError(conn: Conn): Promise<void> {
    await this.load();
    this.leave(conn);
  }

  /** A socket is gone: its calls wait out the grace; a host's availability goes with it. */
  private leave(conn: Conn): void {
    const state = conn.state;
    if (!state) return;
    const now = Date.now();
    for (const call of this.calls) {
      if (state.role === "visitor" && call.visitorConn === conn.id && call.visitorGoneAt === undefined) {
        call.visitorGoneAt = now;
        if (call.state === "active" && call.hostConn) this.sendTo(call.hostConn, { type: "peer", callId: call.id, connected: false });
      }
      if (state.role === "host" && call.state === "active" && call.hostConn === conn.id && call.hostGoneAt === undefined) {
        call.hostGoneAt = now;
        this.sendTo(call.visitorConn, { type: "peer", callId: call.id, connected: false });
      }
    }
    this.lastSent.delete(conn.id);
    this.saveCalls();
    this.reconcile(conn.id);
  }

  // ------------------------------------------------------------------ HTTP

  async onRequest(req: Party.Request): Promise<Response> {
    const headers = corsHeaders(req.headers.get("origin"), this.config.allowedOrigins);
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers });
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers });
    await this.load();
    const path = new URL(req.url).pathname;
    if (path.endsWith("/presence") && req.method === "GET") {
      const token = new URL(req.url).searchParams.get("conversation");
      const id = token ? await verifyConversationToken(token, this.secret, this.room.id) : undefined;
      const conversation = id ? await this.conversations.get(id) : undefined;
      return json({ available: this.isAvailable(), ...(conversation ? { unread: conversation.unread ?? 0 } : {}) });
    }
    if (path.endsWith("/slack/events") && req.method === "POST") {
      return this.onSlackEvent(req, json);
    }
    if (path.endsWith("/host/session") && req.method === "POST") {
      if (this.config.hosts.size === 0) {
        return json({ error: "unavailable", message: "No host is configured: set HOST_KEY or HOSTS" }, 503);
      }
      const client = req.headers.get("cf-connecting-ip") ?? "unknown";
      const now = Date.now();
      const attempt = take(this.signIns.get(client), RATES.signIn, now);
      if (!attempt.ok) {
        this.signIns.set(client, attempt.bucket);
        const retry = String(Math.ceil((1 - attempt.bucket.tokens) / RATES.signIn.perSecond));
        return new Response(JSON.stringify({ error: "rate_limited", message: "Too many wrong host keys; wait a minute" }), {
          status: 429,
          headers: { ...headers, "retry-after": retry },
        });
      }
      let key: unknown;
      try {
        key = ((await req.json()) as { key?: unknown } | null)?.key;
      } catch {
        return json({ error: "bad_json", message: 'Body must be JSON {"key": string}' }, 400);
      }
      const name = typeof key === "string" && key.length <= 1024 ? await findHost(this.config.hosts, key) : undefined;
      if (!name) {
        // Only wrong keys spend: the real host is never slowed down by its own sign-ins.
        if (this.signIns.size >= 10_000) this.signIns.clear();
        this.signIns.set(client, attempt.bucket);
        return json({ error: "forbidden", message: "Wrong host key" }, 401);
      }
      return json({ token: await issueHostToken(this.config.hosts.get(name)!, name, this.room.id), name });
    }
    return json({ error: "not_found", message: "No such endpoint" }, 404);
  }

  // ------------------------------------------------------------------ frames

  async onMessage(raw: string | ArrayBuffer | ArrayBufferView, sender: Conn): Promise<void> {
    await this.load();
    const state = sender.state;
    if (!state || state.gone) return;
    const now = Date.now();
    if (!this.spend(sender, "frame", now)) return this.fail(sender, "rate_limited", "Too many frames; slow down");
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) return this.fail(sender, parsed.code, parsed.message);
    const msg = parsed.message;
    if (state.role === "visitor" && HOST_ONLY.has(msg.type)) {
      return this.fail(sender, "forbidden", `Only a signed-in host may send "${msg.type}"`);
    }
    if (state.role === "host" && VISITOR_ONLY.has(msg.type)) {
      return this.fail(sender, "forbidden", `A host may not send "${msg.type}"`);
    }
    switch (msg.type) {
      case "ping":
        return this.send(sender, { type: "pong" });
      case "pong":
        return;
      case "text":
        return this.onText(sender, msg, now);
      case "reply":
        return this.onReply(sender, msg, now);
      case "read":
        return this.onRead(sender);
      case "call":
        return this.onCall(sender as Conn, msg, now);
      case "cancel":
        return this.onCancel(sender as Conn);
      case "available":
        sender.setState({ ...(sender.state as HostState), available: msg.available });
        this.lastPresence = undefined; // always confirm to the sender
        return this.reconcile();
      case "accept":
        return this.onAccept(sender as Conn, msg.callId);
      case "decline":
        return this.onDecline(sender as Conn, msg.callId);
      case "signal":
        return this.onSignal(sender, msg);
      case "hangup":
        return this.onHangUp(sender, msg.callId, msg.reason === "failed" ? "failed" : "hangup");
    }
  }

  /** Spend a token of `rate`; records liveness. False when the bucket is empty. */
  private spend(conn: Conn, rate: RateName, now: number): boolean {
    const state = conn.state!;
    const { ok, bucket } = take(state.buckets[rate], RATES[rate], now);
    conn.setState({ ...state, lastSeen: now, buckets: { ...state.buckets, [rate]: bucket } } as State);
    return ok;
  }

  // ------------------------------------------------------------------ conversations

  private onRead(sender: Conn): Promise<void> | void {
    const id = (sender.state as VisitorState).conversationId;
    return this.conversations.get(id).then((c) => {
      if (c && c.unread) return this.conversations.save({ ...c, unread: 0, readAt: Date.now() });
    });
  }

  private async onText(sender: Conn, msg: MessageOf<ClientMessage, "text">, now: number): Promise<void> {
    if (!this.spend(sender, "text", now)) return this.fail(sender, "rate_limited", "Too many messages; wait a few seconds");
    const conversationId = (sender.state as VisitorState).conversationId;
    if (msg.clientId) {
      const earlier = await this.conversations.byClientId(conversationId, msg.clientId);
      if (earlier) return this.resend(sender, conversationId, earlier);
    }
    const conversation = await this.conversations.open(conversationId, now);
    if (msg.name) conversation.name = msg.name;
    if (msg.email) conversation.email = msg.email;
    if (msg.page) conversation.page = msg.page;
    const slack = this.slackMode();
    const message = await this.conversations.append(conversation, {
      id: crypto.randomUUID(),
      clientId: msg.clientId,
      from: "visitor",
      text: msg.text,
      at: now,
      delivered: false,
      ...(slack ? { slack: "pending" as const } : {}),
    });
    // The outbox entry is stored before the visitor hears "sent": a room evicted
    // in between must not leave a message that never reaches Slack.
    const queued = !!slack && (await this.enqueue(conversation, message, { from: "visitor", text: msg.text, name: conversation.name, email: conversation.email, page: msg.page }));
    this.send(sender, { type: "sent", id: message.id, clientId: msg.clientId, at: now });
    await this.publishMessage(conversation, message);
    if (queued) void this.drainOutbox();
  }

  /** A resend after a reconnect: acknowledge again, store nothing. */
  private resend(sender: Conn, conversationId: string, message: StoredMessage): void {
    this.send(sender, { type: "sent", id: message.id, clientId: message.clientId, at: message.at });
    if (message.delivered) this.send(sender, { type: "message", conversationId, message: forVisitor(message) });
  }

  private async onReply(sender: Conn, msg: MessageOf<ClientMessage, "reply">, now: number): Promise<void> {
    if (!this.spend(sender, "text", now)) return this.fail(sender, "rate_limited", "Too many messages; wait a few seconds");
    const conversation = await this.conversations.get(msg.conversationId);
    if (!conversation) return this.fail(sender, "not_found", "No such conversation");
    if (msg.clientId) {
      const earlier = await this.conversations.byClientId(conversation.id, msg.clientId);
      if (earlier) return this.send(sender, { type: "sent", id: earlier.id, clientId: earlier.clientId, at: earlier.at });
    }
    const by = (sender.state as HostState).name;
    const bot = this.config.slackBot;
    conversation.unread = (conversation.unread ?? 0) + 1;
    const message = await this.conversations.append(conversation, {
      id: crypto.randomUUID(),
      clientId: msg.clientId,
      from: "host",
      by,
      text: msg.text,
      at: now,
      ...(bot ? { slack: "pending" as const } : {}),
    });
    // A dashboard reply joins the Slack thread too (bot mode; a webhook is one-way).
    const queued = !!bot && (await this.enqueue(conversation, message, { from: "host", text: msg.text, name: by }));
    this.send(sender, { type: "sent", id: message.id, clientId: msg.clientId, at: now });
    await this.publishMessage(conversation, message);
    if (queued) void this.drainOutbox();
  }

  /**
   * Tell the conversation's visitor sockets and every dashboard about a new
   * or changed message. A visitor message that reaches a dashboard is
   * delivered.
   */
  private async publishMessage(conversation: Conversation, message: StoredMessage): Promise<void> {
    const hosts = this.live("host");
    if (message.from === "visitor" && !message.delivered && hosts.length > 0) {
      message = (await this.conversations.update(conversation.id, message.seq, { delivered: true })) ?? message;
    }
    const details = { name: conversation.name, email: conversation.email, page: conversation.page };
    const toHosts = JSON.stringify({ type: "message", conversationId: conversation.id, message: strip(message), conversation: details } satisfies ServerMessage);
    for (const h of hosts) this.sendRaw(h, toHosts);
    const toVisitor = JSON.stringify({ type: "message", conversationId: conversation.id, message: forVisitor(message) } satisfies ServerMessage);
    for (const v of this.live("visitor")) if ((v.state as VisitorState).conversationId === conversation.id) this.sendRaw(v, toVisitor);
  }

  /** A dashboard connects: recent conversations; visitor messages it now shows are delivered. */
  private async sendConversations(conn: Conn): Promise<void> {
    const summaries = [];
    for (const conversation of await this.conversations.recent(DASHBOARD_CONVERSATIONS)) {
      const messages = await this.conversations.history(conversation.id, DASHBOARD_MESSAGES);
      for (const [i, m] of messages.entries()) {
        if (m.from !== "visitor" || m.delivered) continue;
        messages[i] = (await this.conversations.update(conversation.id, m.seq, { delivered: true })) ?? m;
        const update = JSON.stringify({ type: "message", conversationId: conversation.id, message: forVisitor(messages[i]) } satisfies ServerMessage);
        for (const v of this.live("visitor")) if ((v.state as VisitorState).conversationId === conversation.id) this.sendRaw(v, update);
      }
      const { id, name, email, page, updatedAt } = conversation;
      summaries.push({ id, name, email, page, updatedAt, messages: messages.map(strip) });
    }
    this.send(conn, { type: "conversations", conversations: summaries });
  }

  // ------------------------------------------------------------------ Slack

  /** Which Slack mode is configured: bot (threads both ways), webhook (one-way), or none. */
  private slackMode(): "bot" | "webhook" | undefined {
    return this.config.slackBot ? "bot" : this.config.slackWebhookUrl ? "webhook" : undefined;
  }

  /**
   * Store a Slack post in the outbox (call before acknowledging the message,
   * then {@link drainOutbox}). False, with the message marked failed, when
   * the outbox is full.
   */
  private async enqueue(conversation: Conversation, message: StoredMessage, post: OutboxEntry["message"]): Promise<boolean> {
    if (await this.outbox.enqueue(conversation.id, message.seq, post, Date.now())) return true;
    await this.settle({ conversationId: conversation.id, seq: message.seq } as OutboxEntry, { kind: "fail", reason: "outbox full" });
    return false;
  }

  /** Deliver what is due in the outbox, then schedule the next attempt. */
  private async drainOutbox(): Promise<void> {
    await this.outbox.drain(
      (entry) => this.deliver(entry),
      (entry, result) => this.settle(entry, result),
    );
    this.scheduleAlarm();
  }

  private async deliver(entry: OutboxEntry): Promise<Delivery> {
    const bot = this.config.slackBot;
    if (bot) {
      const conversation = await this.conversations.get(entry.conversationId);
      if (!conversation) return { kind: "fail", reason: "conversation gone" };
      const result = await postMessage(bot, slackText(entry.message, !conversation.slackTs), conversation.slackTs);
      if (result.kind === "ok" && result.ts && !conversation.slackTs) await this.conversations.setThread(conversation, result.ts);
      return result;
    }
    if (this.config.slackWebhookUrl) {
      if (entry.message.from === "host") return { kind: "ok" };
      return postWebhook(this.config.slackWebhookUrl, slackText(entry.message));
    }
    return { kind: "fail", reason: "Slack is no longer configured" };
  }

  /** Record a delivery outcome on the message and tell who needs to know. */
  private async settle(entry: OutboxEntry, result: Delivery): Promise<void> {
    if (result.kind === "retry") {
      console.warn(`Slack delivery will retry (attempt ${entry.attempt}): ${result.reason}`);
      return;
    }
    const patch: Partial<ConversationMessage> =
      result.kind === "ok" ? { slack: "sent", slackError: undefined, delivered: true } : { slack: "failed", slackError: result.reason };
    if (result.kind === "fail") console.error(`Slack delivery failed for good: ${result.reason}`);
    const message = await this.conversations.update(entry.conversationId, entry.seq, patch);
    const conversation = await this.conversations.get(entry.conversationId);
    if (message && conversation) await this.publishMessage(conversation, message);
  }

  /** `POST /slack/events`: verified, deduplicated, acknowledged at once. */
  private async onSlackEvent(req: Party.Request, json: (body: unknown, status?: number) => Response): Promise<Response> {
    const bot = this.config.slackBot;
    if (!bot?.signingSecret) return json({ error: "not_found", message: "Slack bot mode is not configured" }, 404);
    const raw = await req.text();
    const check = await verifySlackSignature(bot.signingSecret, req.headers.get("x-slack-request-timestamp"), req.headers.get("x-slack-signature"), raw);
    if (!check.ok) return json({ error: "forbidden", message: check.reason }, 401);
    let body: SlackEnvelope;
    try {
      body = JSON.parse(raw) as SlackEnvelope;
    } catch {
      return json({ error: "bad_json", message: "Body is not JSON" }, 400);
    }
    if (body?.type === "url_verification" && typeof body.challenge === "string") return json({ challenge: body.challenge });
    if (body?.type !== "event_callback" || typeof body.event_id !== "string") return json({ ok: true });
    const seen = (await this.room.storage.get<string[]>("slackEvents")) ?? [];
    if (seen.includes(body.event_id)) return json({ ok: true, duplicate: true });
    await this.room.storage.put("slackEvents", [body.event_id, ...seen].slice(0, EVENTS_KEPT));
    const event = body.event;
    const isThreadReply =
      event?.type === "message" &&
      event.subtype === undefined &&
      event.bot_id === undefined &&
      event.channel === bot.channel &&
      typeof event.thread_ts === "string" &&
      typeof event.text === "string" &&
      event.text.trim() !== "";
    if (!isThreadReply) return json({ ok: true, ignored: true });
    const conversationId = await this.conversations.byThread(event.thread_ts!);
    const conversation = conversationId ? await this.conversations.get(conversationId) : undefined;
    if (!conversation) return json({ ok: true, ignored: true });
    conversation.unread = (conversation.unread ?? 0) + 1;
    const message = await this.conversations.append(conversation, {
      id: crypto.randomUUID(),
      from: "host",
      by: "Slack",
      text: unescapeSlack(event.text!).slice(0, 4000),
      at: Date.now(),
      slack: "sent",
    });
    await this.publishMessage(conversation, message);
    return json({ ok: true });
  }

  // ------------------------------------------------------------------ presence and hosts

  private live(tag: "host" | "visitor", exclude?: string): Conn[] {
    return [...this.room.getConnections<State>(tag)].filter((c) => c.id !== exclude && c.state?.role === tag && !c.state.gone);
  }

  /** Signed-in hosts by name, available when any of their sockets is. */
  private hostPresence(exclude?: string): HostPresence[] {
    const byName = new Map<string, boolean>();
    for (const h of this.live("host", exclude)) {
      const { name, available } = h.state as HostState;
      byName.set(name, (byName.get(name) ?? false) || available);
    }
    return [...byName].map(([name, available]) => ({ name, available }));
  }

  private isAvailable(exclude?: string): boolean {
    return this.hostPresence(exclude).some((h) => h.available);
  }

  // ------------------------------------------------------------------ calls

  private callOf(conn: Conn): CallRecord | undefined {
    const state = conn.state;
    if (state?.role === "visitor") return this.calls.find((c) => c.visitorId === state.visitorId);
    return this.calls.find((c) => c.state === "active" && c.hostConn === conn.id);
  }

  private onCall(sender: Conn, msg: MessageOf<ClientMessage, "call">, now: number): void {
    if (!this.spend(sender, "call", now)) return this.fail(sender, "rate_limited", "Too many call attempts; wait a few seconds");
    if (this.callOf(sender)) return this.fail(sender, "busy", "You already have a call in progress");
    const hosts = this.hostPresence();
    if (!hosts.some((h) => h.available)) return this.fail(sender, "unavailable", "The host is away; send a message instead");
    const call: CallRecord = {
      id: crypto.randomUUID(),
      visitorId: (sender.state as VisitorState).visitorId,
      visitorConn: sender.id,
      name: msg.name || undefined,
      media: msg.media,
      requestedAt: now,
      seq: this.seq + 1,
      state: "waiting",
      declinedBy: [],
    };
    const placed = placeCalls([...this.calls, call], hosts).find((p) => p.call === call);
    if (placed?.kind === "queued" && placed.position > this.config.maxQueue) {
      return this.fail(sender, "queue_full", "Too many people are waiting; please leave a message instead");
    }
    this.seq = call.seq;
    this.calls.push(call);
    this.saveCalls();
    this.reconcile();
  }

  private onCancel(sender: Conn): void {
    const call = this.callOf(sender);
    if (!call || call.state !== "waiting") return this.fail(sender, "not_found", "No waiting call to cancel");
    this.remove(call);
    this.send(sender, { type: "ended", callId: call.id, reason: "cancelled" });
    this.reconcile();
  }

  /**
   * ICE settings for one peer of a call: `ICE_SERVERS`, plus TURN credentials
   * minted for its connection id (see `party/turn.ts`), and the transport policy.
   */
  private async callIce(connId: string): Promise<Pick<MessageOf<ServerMessage, "accepted">, "iceServers" | "iceTransportPolicy">> {
    return {
      iceServers: await iceServersFor(this.config.iceServers, this.config.turn, connId),
      iceTransportPolicy: this.config.iceTransportPolicy,
    };
  }

  private async onAccept(host: Conn, callId: string): Promise<void> {
    const [visitorIce, hostIce] = await Promise.all([this.callIce(this.calls.find((c) => c.id === callId)?.visitorConn ?? ""), this.callIce(host.id)]);
    const name = (host.state as HostState).name;
    if (this.calls.some((c) => c.state === "active" && c.host === name)) return this.fail(host, "busy", "Hang up the current call first");
    const call = this.calls.find((c) => c.id === callId && c.state === "waiting" && c.visitorGoneAt === undefined);
    if (!call) return this.fail(host, "not_found", "That call is no longer waiting");
    Object.assign(call, { state: "active", host: name, hostConn: host.id, ringingSince: undefined, position: undefined });
    this.saveCalls();
    this.sendTo(call.visitorConn, { type: "accepted", callId, media: call.media, polite: true, peerName: name, ...visitorIce });
    this.send(host, { type: "accepted", callId, media: call.media, polite: false, peerName: call.name, ...hostIce });
    for (const other of this.live("host")) {
      if (other.id !== host.id) this.send(other, { type: "answered", callId, by: name });
    }
    this.reconcile();
  }

  private onDecline(host: Conn, callId: string): void {
    const call = this.calls.find((c) => c.id === callId && c.state === "waiting");
    if (!call) return this.fail(host, "not_found", "That call is no longer waiting");
    const name = (host.state as HostState).name;
    if (!call.declinedBy.includes(name)) call.declinedBy.push(name);
    this.saveCalls();
    this.reconcile();
  }

  private onSignal(sender: Conn, msg: MessageOf<ClientMessage, "signal">): void {
    const call = this.calls.find((c) => c.id === msg.callId && c.state === "active");
    const isVisitor = sender.state?.role === "visitor";
    if (!call || (isVisitor ? call.visitorConn : call.hostConn) !== sender.id) {
      return this.fail(sender, "not_found", "No active call of yours with that id");
    }
    const peer = isVisitor ? call.hostConn : call.visitorConn;
    if (!peer || (isVisitor ? call.hostGoneAt : call.visitorGoneAt) !== undefined) {
      return this.fail(sender, "not_found", "The other side is reconnecting; signal again when it is back");
    }
    // Re-serialize the validated fields only: nothing unvalidated is relayed.
    const generation = msg.generation ? { generation: msg.generation } : {};
    this.sendTo(
      peer,
      msg.description
        ? { type: "signal", callId: msg.callId, description: msg.description, ...generation }
        : { type: "signal", callId: msg.callId, candidate: msg.candidate ?? null, ...generation },
    );
  }

  private onHangUp(sender: Conn, callId: string, reason: EndReason): void {
    const call = this.callOf(sender);
    if (!call || call.id !== callId) return this.fail(sender, "not_found", "No call of yours with that id");
    if (call.state === "waiting") return this.onCancel(sender as Conn);
    this.end(call, reason);
    this.reconcile();
  }

  /** End an active call for both peers. */
  private end(call: CallRecord, reason: EndReason): void {
    this.remove(call);
    this.sendTo(call.visitorConn, { type: "ended", callId: call.id, reason });
    if (call.hostConn) this.sendTo(call.hostConn, { type: "ended", callId: call.id, reason });
  }

  private remove(call: CallRecord): void {
    this.calls = this.calls.filter((c) => c !== call);
    this.saveCalls();
  }

  /**
   * Bring every waiting call and every dashboard up to date: ring, queue
   * positions, declines, presence, host list; then schedule the next alarm.
   * @param exclude a connection that is closing
   * @param announce calls whose visitor must be told its state even if unchanged
   */
  private reconcile(exclude?: string, announce: ReadonlySet<string> = new Set()): void {
    const now = Date.now();
    const hosts = this.hostPresence(exclude);
    const nobody = !hosts.some((h) => h.available);
    let changed = false;
    for (const p of placeCalls(this.calls, hosts)) {
      const { call } = p;
      if (nobody) {
        this.remove(call);
        this.sendTo(call.visitorConn, { type: "ended", callId: call.id, reason: "unavailable" });
        changed = true;
      } else if (p.kind === "declined") {
        this.remove(call);
        this.sendTo(call.visitorConn, { type: "declined", callId: call.id });
        changed = true;
      } else if (p.kind === "ringing" && (call.ringingSince === undefined || announce.has(call.id))) {
        call.ringingSince ??= now;
        call.position = undefined;
        this.sendTo(call.visitorConn, { type: "ringing", callId: call.id, media: call.media });
        changed = true;
      } else if (p.kind === "paused" && call.ringingSince !== undefined) {
        call.ringingSince = undefined; // rings again, afresh, if the visitor comes back
        changed = true;
      } else if (p.kind === "queued" && (call.position !== p.position || call.ringingSince !== undefined || announce.has(call.id))) {
        call.ringingSince = undefined;
        call.position = p.position;
        this.sendTo(call.visitorConn, { type: "queued", callId: call.id, media: call.media, position: p.position });
        changed = true;
      }
    }
    if (changed) this.saveCalls();
    this.publish(hosts, exclude);
    this.scheduleAlarm(exclude);
  }

  /** Push presence to everyone and queue/host snapshots to hosts, when changed. */
  private publish(hosts: HostPresence[], exclude?: string): void {
    const available = hosts.some((h) => h.available);
    if (available !== this.lastPresence) {
      this.lastPresence = available;
      const frame = JSON.stringify({ type: "presence", available } satisfies ServerMessage);
      for (const c of this.room.getConnections()) if (c.id !== exclude) this.sendRaw(c, frame);
    }
    const busy = new Set(this.calls.filter((c) => c.state === "active").map((c) => c.host));
    const placements = placeCalls(this.calls, hosts);
    const hostsFrame = JSON.stringify({
      type: "hosts",
      hosts: hosts.map((h) => ({ ...h, inCall: busy.has(h.name) })),
    } satisfies ServerMessage);
    for (const conn of this.live("host", exclude)) {
      const me = (conn.state as HostState).name;
      const queue = JSON.stringify({
        type: "queue",
        calls: placements.map((p) => ({
          callId: p.call.id,
          name: p.call.name,
          media: p.call.media,
          state: p.kind === "ringing" ? "ringing" : p.kind === "paused" ? "reconnecting" : "queued",
          position: p.kind === "queued" ? p.position : undefined,
          since: p.call.requestedAt,
          ringsHere: p.kind === "ringing" && p.hosts.includes(me),
        })),
      } satisfies ServerMessage);
      const snapshot = `${hostsFrame}\n${queue}`;
      if (this.lastSent.get(conn.id) === snapshot) continue;
      this.lastSent.set(conn.id, snapshot);
      this.sendRaw(conn, hostsFrame);
      this.sendRaw(conn, queue);
    }
  }

  // ------------------------------------------------------------------ time

  /** Wake for the next ring timeout, grace expiry or liveness check. */
  private scheduleAlarm(exclude?: string): void {
    const deadlines: number[] = [];
    for (const c of this.calls) {
      if (c.ringingSince !== undefined) deadlines.push(c.ringingSince + this.config.ringTimeoutMs);
      if (c.visitorGoneAt !== undefined) deadlines.push(c.visitorGoneAt + RESUME_GRACE_S * 1000);
      if (c.hostGoneAt !== undefined) deadlines.push(c.hostGoneAt + RESUME_GRACE_S * 1000);
    }
    if (this.live("host", exclude).length > 0 || this.calls.length > 0) deadlines.push(Date.now() + PING_INTERVAL_MS);
    const outbox = this.outbox.nextAt();
    if (outbox !== undefined) deadlines.push(Math.max(outbox, Date.now() + 50));
    if (deadlines.length === 0) return void this.room.storage.deleteAlarm();
    void this.room.storage.setAlarm(Math.min(...deadlines));
  }

  async onAlarm(): Promise<void> {
    await this.load();
    const now = Date.now();
    // Rings that timed out become missed calls.
    for (const call of this.calls.filter((c) => c.ringingSince !== undefined && now - c.ringingSince >= this.config.ringTimeoutMs)) {
      this.remove(call);
      this.sendTo(call.visitorConn, { type: "ended", callId: call.id, reason: "no-answer" });
      this.missed = [{ callId: call.id, name: call.name, media: call.media, at: now }, ...this.missed].slice(0, MISSED_KEPT);
      void this.room.storage.put("missed", this.missed);
      this.toHosts({ type: "missed", calls: this.missed });
    }
    // Sockets that did not come back within the grace.
    const graceMs = RESUME_GRACE_S * 1000;
    for (const call of [...this.calls]) {
      const visitorLost = call.visitorGoneAt !== undefined && now - call.visitorGoneAt >= graceMs;
      const hostLost = call.hostGoneAt !== undefined && now - call.hostGoneAt >= graceMs;
      if (visitorLost || hostLost) {
        if (call.state === "active") this.end(call, "disconnected");
        else this.remove(call);
      }
    }
    if (this.outbox.size > 0) await this.drainOutbox();
    // Liveness: silent hosts and calling visitors are gone; the rest get a ping.
    const calling = new Set(this.calls.map((c) => c.visitorConn));
    const watched = [...this.live("host"), ...this.live("visitor").filter((v) => calling.has(v.id))];
    for (const conn of watched) {
      if (now - conn.state!.lastSeen > LIVENESS_TIMEOUT_MS) {
        conn.setState({ ...conn.state!, gone: true } as State);
        this.leave(conn);
        try {
          conn.close(4000, "No heartbeat");
        } catch {
          // already closed
        }
      } else {
        this.send(conn, { type: "ping" });
      }
    }
    this.reconcile();
  }

  // ------------------------------------------------------------------ sending

  private sendRaw(conn: Party.Connection, frame: string): void {
    try {
      conn.send(frame);
    } catch {
      // The socket is closing; onClose will clean up.
    }
  }

  private send(conn: Party.Connection, msg: ServerMessage): void {
    this.sendRaw(conn, JSON.stringify(msg));
  }

  /** Send to a connection by id, when it is still here. */
  private sendTo(connId: string, msg: ServerMessage): void {
    const conn = this.room.getConnection<State>(connId);
    if (conn && !conn.state?.gone) this.send(conn, msg);
  }

  private toHosts(msg: ServerMessage): void {
    const frame = JSON.stringify(msg);
    for (const h of this.live("host")) this.sendRaw(h, frame);
  }

  private fail(conn: Party.Connection, code: ErrorCode, message: string): void {
    this.send(conn, { type: "error", code, message });
  }
}

ContactRoom satisfies Party.Worker;

/** The parts of an Events API request the room reads (https://api.slack.com/apis/events-api). */
interface SlackEnvelope {
  type?: string;
  challenge?: string;
  event_id?: string;
  event?: { type?: string; subtype?: string; bot_id?: string; channel?: string; thread_ts?: string; text?: string; user?: string };
}

/** Slack sends `&`, `<`, `>` as entities; the widget renders text safely itself. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** A message as dashboards see it (no storage fields). */
function strip(message: StoredMessage): ConversationMessage {
  const { seq: _seq, ...rest } = message;
  return rest;
}

/** A message as its visitor sees it: no Slack delivery details. */
function forVisitor(message: StoredMessage): ConversationMessage {
  const { seq: _seq, slack: _slack, slackError: _error, ...rest } = message;
  return rest;
}

