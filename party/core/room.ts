/**
 * The contact-me room, one per site, independent of the runtime it runs on
 * (see `runtime.ts`; the adapters are `party/server.ts` for PartyKit and
 * `party/worker.ts` for PartyServer on Cloudflare).
 *
 * It does host presence, the call queue (ring → accept/decline, first accept
 * wins, waiting in line), the relay of signaling (SDP offer/answer, ICE
 * candidates) between the two peers of one call, and carries visitor text to
 * the host dashboards and Slack. Media never passes through it: calls are
 * peer-to-peer WebRTC. This class only wires the concerns together and
 * dispatches each event to them:
 *
 * - `connections.ts`: roles, liveness, rate limits, presence, sending;
 * - `calls.ts` (with `queue.ts`): calls, the queue, signaling relay;
 * - `messages.ts` (with `conversations.ts`): conversations and messages;
 * - `slack-bridge.ts` (with `outbox.ts`, `slack.ts`): Slack both ways;
 * - `webhooks.ts` (with `outbox.ts`): signed events to the owner's webhook;
 * - `push.ts` (with `outbox.ts`, `vapid.ts`): Web Push to the hosts' devices;
 * - `files.ts` (with `blobs.ts`, `media-types.ts`): uploads, files and their links;
 * - `http.ts`: the HTTP endpoints; `edge.ts`: checks before a socket or
 *   request reaches the room.
 *
 * State: calls, conversations, the outbox, the room's name and signing
 * secret are in room storage; identity, liveness and rate limits in each
 * connection's state. Both survive hibernation and restarts.
 *
 * WebSocket: visitors connect with no credentials (`?conversation=<token>`
 * to continue a conversation, `?resume=<token>` after a drop); hosts with
 * `?role=host&token=<host token>`, checked by `edge.ts` before the socket opens.
 * Frames are the protocol of `protocol/socket.ts`; each is validated, and a
 * frame of the other role's is refused with `forbidden`.
 * @module
 */
import {
  CloseCode,
  PROTOCOL_VERSION,
  missingForCall,
  isHostOnly,
  isVisitorOnly,
  parseClientMessage,
  type BusinessHours,
  type HostMessage,
  type MessageOf,
  type ServerMessage,
  type VisitorMessage,
} from "../../protocol/socket.ts";
import {
  issueConversationToken,
  issueResumeToken,
  newNonce,
  newRoomSecret,
  verifyConversationToken,
  verifyDeclineToken,
  verifyHostToken,
  verifyResumeToken,
} from "./auth.ts";
import { parseAgent } from "./agent.ts";
import { CallDesk } from "./calls.ts";
import { configFor, type RoomConfig } from "./config.ts";
import {
  Connections,
  LIVENESS_TIMEOUT_MS,
  PING_INTERVAL_MS,
  addressOf,
  addressTag,
  conversationTag,
  isHost,
  isVisitor,
  type HostConn,
  type State,
  type VisitorConn,
} from "./connections.ts";
import { ConversationStore } from "./conversations.ts";
import { Files } from "./files.ts";
import { HoursDesk, openingAt, type Opening } from "./hours.ts";
import { MAX_SOCKETS_PER_ADDRESS } from "./limits.ts";
import { hostOf } from "./edge.ts";
import { Routes } from "./http.ts";
import { MeetingDesk } from "./meetings.ts";
import { Messages } from "./messages.ts";
import { PushDesk } from "./push.ts";
import type { Connection, Frame, RoomRuntime } from "./runtime.ts";
import { SlackBridge } from "./slack-bridge.ts";
import { Webhooks } from "./webhooks.ts";

export { LIVENESS_TIMEOUT_MS, PING_INTERVAL_MS };

/** How a `meeting-signal` frame as clients serialize it begins: such frames spend the `meetingSignal` bucket. */
const MEETING_SIGNAL_PREFIX = '{"type":"meeting-signal",';

/** How often conversations past the retention are deleted, in ms. */
const PRUNE_EVERY_MS = 24 * 60 * 60 * 1000;

export class ContactRoom {
  private readonly conns: Connections;
  private readonly calls: CallDesk;
  private readonly messages: Messages;
  private readonly slack: SlackBridge;
  private readonly webhooks: Webhooks;
  private readonly push: PushDesk;
  private readonly files: Files;
  private readonly store: ConversationStore;
  private readonly hours: HoursDesk;
  private readonly meetings: MeetingDesk;
  private readonly routes = new Routes();
  /** The last answer of {@link opening}, for the hours it was computed for, valid from `from` to its `nextChange`. */
  private openingCache: { hours: BusinessHours | null; from: number; opening: Opening } | undefined;
  /** The last `hours` frame sent to the dashboards, to tell them again only when it changed (an opening or closing). */
  private hoursSent: string | undefined;
  /** The room's name, from storage once known (see {@link RoomRuntime.id}). */
  private id = "";
  /** Signs resume and conversation tokens (storage key `secret`). */
  private secret = "";
  private loaded: Promise<void> | undefined;
  /** When conversations past the retention are next deleted (about daily). */
  private pruneDue: number | undefined;

  constructor(private readonly runtime: RoomRuntime) {
    const config = () => this.config;
    const store = (this.store = new ConversationStore(runtime.storage));
    this.conns = new Connections(runtime);
    this.slack = new SlackBridge(
      runtime.storage,
      store,
      config,
      (c, m) => this.messages.publish(c, m),
      (c, m) => this.messages.fromSlack(c, m),
      () => this.schedule(),
      () => this.files,
    );
    this.webhooks = new Webhooks(runtime.storage, config, () => this.id, () => this.schedule());
    this.push = new PushDesk(runtime.storage, config, this.conns, store, () => ({ id: this.id, secret: this.secret }), () => this.schedule());
    this.files = new Files({
      storage: runtime.storage,
      env: () => runtime.env,
      config,
      room: () => ({ id: this.id, secret: this.secret }),
      conversationExists: async (id) => (await store.get(id)) !== undefined,
      conversationDeleted: (id) => store.deleted(id),
      spendAddress: (address, now) => this.conns.spendAddress(address, "upload", now),
      schedule: () => this.schedule(),
    });
    this.messages = new Messages(store, this.conns, this.slack, this.webhooks, this.push, this.files);
    this.hours = new HoursDesk(runtime.storage);
    this.meetings = new MeetingDesk({
      storage: runtime.storage,
      conns: this.conns,
      config,
      secret: () => this.secret,
      spendPin: (address, now) => this.conns.spendAddress(address, "pin", now),
      refundPin: (address) => this.conns.refundAddress(address, "pin"),
      schedule: () => this.schedule(),
    });
    this.calls = new CallDesk(runtime.storage, this.conns, config, (exclude) => this.schedule(exclude), this.messages, (now) => this.opening(now), this.push);
  }

  /**
   * Where the business hours in force (a host's, else `BUSINESS_HOURS`) stand
   * at `now` (ms since the epoch). Reused until their next change, since
   * presence asks on every alarm.
   */
  private opening(now: number): Opening {
    const { hours } = this.hours.current(this.config.businessHours);
    const cached = this.openingCache;
    if (cached && cached.hours === hours && now >= cached.from && (cached.opening.nextChange === undefined || now < cached.opening.nextChange)) {
      return cached.opening;
    }
    const opening = openingAt(hours, now);
    this.openingCache = { hours, from: now, opening };
    return opening;
  }

  /** The `hours` frame for the dashboards: the hours in force, where they come from, and where they stand now. */
  private hoursFrame(now = Date.now()): MessageOf<ServerMessage, "hours"> {
    const { hours, source } = this.hours.current(this.config.businessHours);
    const { open, nextChange } = this.opening(now);
    return { type: "hours", hours, source, open, ...(nextChange !== undefined ? { nextChange } : {}) };
  }

  /** Tell every dashboard the hours, when the frame differs from the last one they were sent. */
  private publishHours(): void {
    const frame = JSON.stringify(this.hoursFrame());
    if (frame === this.hoursSent) return;
    this.hoursSent = frame;
    for (const h of this.conns.live("host")) this.conns.sendRaw(h, frame);
  }

  /** `hours`: a host sets the business hours (`null`: none); dashboards hear them, visitors' presence follows. */
  private async setHours(hours: BusinessHours | null): Promise<void> {
    await this.hours.set(hours);
    this.publishHours();
    this.calls.reconcile();
  }

  private get config(): RoomConfig {
    return configFor(this.runtime.env);
  }

  /**
   * Everything kept in storage, read once per instance. The room's name is
   * read from the runtime only the first time the room ever runs (a request
   * or a socket, never an alarm) and kept in storage from then on.
   */
  private load(): Promise<void> {
    return (this.loaded ??= (async () => {
      const stored = await this.runtime.storage.get<string>(["roomId", "secret"]);
      this.id = stored.get("roomId") ?? this.runtime.id;
      this.secret = stored.get("secret") ?? newRoomSecret();
      if (stored.size < 2) await this.runtime.storage.put({ roomId: this.id, secret: this.secret });
      await this.slack.outbox.load();
      await this.webhooks.outbox.load();
      await this.push.load();
      await this.hours.load();
      await this.files.load();
      await this.calls.load(Date.now());
      await this.meetings.load();
      const stats = await this.store.stats();
      this.pruneDue = stats.prunedAt + PRUNE_EVERY_MS;
    })().catch((err: unknown) => {
      this.loaded = undefined;
      throw err;
    }));
  }

  /**
   * The room starts (or wakes): the alarm is set for what is pending (a
   * restart picks up where Slack delivery stopped) and the next prune.
   */
  async onStart(): Promise<void> {
    await this.load();
    this.schedule();
  }

  // ------------------------------------------------------------------ sockets

  /**
   * Tags of a new socket (fixed for its life): `host`, or `visitor` with
   * `a:<address>` and, for a visitor that opened with a valid conversation
   * token, `c:<conversationId>`.
   */
  async tags(request: Request): Promise<string[]> {
    if (hostOf(request) !== null) return ["host"];
    const known = await this.knownConversation(request);
    return ["visitor", addressTag(addressOf(request)), ...(known ? [conversationTag(known)] : [])];
  }

  private async knownConversation(request: Request): Promise<string | undefined> {
    await this.load();
    const token = new URL(request.url).searchParams.get("conversation");
    const id = token ? await verifyConversationToken(token, this.secret, this.id) : undefined;
    // A conversation a host deleted is not found again: its visitor starts afresh.
    return id && !(await this.store.deleted(id)) ? id : undefined;
  }

  async onConnect(conn: Connection<State>, request: Request): Promise<void> {
    await this.load();
    const now = Date.now();
    const host = hostOf(request);
    const params = new URL(request.url).searchParams;
    if (host !== null) {
      const origin = new URL(request.url).origin.replace(/^ws/, "http");
      conn.setState({ role: "host", name: host, available: false, token: params.get("token") ?? "", origin, lastSeen: now, buckets: {} });
      if (isHost(conn)) await this.hostJoined(conn);
      return;
    }
    const address = addressOf(request);
    if (!this.conns.spendAddress(address, "socket", now) || this.conns.live(addressTag(address)).length >= MAX_SOCKETS_PER_ADDRESS) {
      this.conns.fail(conn, "rate_limited", "Too many connections from your address; wait a little");
      return this.conns.close(conn, CloseCode.tooManySockets, "Too many connections from your address");
    }
    const resume = params.get("resume");
    const claim = resume ? await verifyResumeToken(resume, this.secret, this.id) : undefined;
    const resumeNonce = newNonce();
    const resumed = claim !== undefined && this.calls.claim(claim.visitorId, claim.nonce, resumeNonce, conn.id);
    const known = await this.knownConversation(request);
    const visitorId = resumed ? claim.visitorId : crypto.randomUUID();
    const conversationId = known ?? crypto.randomUUID();
    const agent = parseAgent(request.headers.get("user-agent"));
    conn.setState({ role: "visitor", visitorId, conversationId, address, resumeNonce, agent, lastSeen: now, buckets: {} });
    if (isVisitor(conn)) await this.visitorJoined(conn, known !== undefined, resumed);
  }

  private async hostJoined(conn: HostConn): Promise<void> {
    const { name } = conn.state!;
    // The ICE settings a call of this connection will get, so the dashboard can start its offer on Accept.
    const ice = await this.calls.iceFor(conn.id);
    this.conns.send(conn, { type: "welcome", protocol: PROTOCOL_VERSION, role: "host", id: conn.id, name, iceServers: ice.iceServers ?? [], iceTransportPolicy: ice.iceTransportPolicy });
    this.conns.send(conn, this.calls.hostsPresence());
    this.conns.send(conn, this.hoursFrame());
    this.conns.send(conn, this.push.frame(name));
    this.conns.send(conn, this.meetings.frame());
    await this.messages.hostConnected(conn);
    await this.calls.hostConnected(conn);
  }

  private async visitorJoined(conn: VisitorConn, known: boolean, resumed: boolean): Promise<void> {
    const { visitorId, conversationId, resumeNonce } = conn.state!;
    this.conns.send(conn, {
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      role: "visitor",
      id: conn.id,
      iceServers: this.config.iceServers,
      resumeToken: await issueResumeToken(this.secret, visitorId, resumeNonce, this.id),
      conversationToken: await issueConversationToken(this.secret, conversationId, this.id),
      ...(this.config.hostProfile ? { profile: this.config.hostProfile } : {}),
      limits: { maxRecordingS: this.config.media.maxRecordingS },
    });
    this.conns.send(conn, this.calls.visitorPresence());
    await this.messages.visitorConnected(conn, known);
    if (resumed) await this.calls.visitorResumed(conn);
  }

  async onMessage(conn: Connection<State>, raw: Frame): Promise<void> {
    await this.load();
    if (!conn.state || conn.state.gone) return;
    const now = Date.now();
    // A meeting's signaling (offers, answers and candidates for up to four peers at once) has its own, larger bucket.
    const rate = typeof raw === "string" && raw.startsWith(MEETING_SIGNAL_PREFIX) ? "meetingSignal" : "frame";
    if (!this.conns.spend(conn, rate, now)) return this.conns.fail(conn, "rate_limited", "Too many frames; slow down");
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) return this.conns.fail(conn, parsed.code, parsed.message);
    const msg = parsed.message;
    if (rate === "meetingSignal" && msg.type !== "meeting-signal") return this.conns.fail(conn, "bad_message", "type: expected one type per frame");
    if (isVisitor(conn)) this.calls.heard(conn);
    if (msg.type === "ping") return this.conns.send(conn, { type: "pong" });
    if (msg.type === "pong") return;
    if (isVisitor(conn)) {
      if (isHostOnly(msg)) return this.conns.fail(conn, "forbidden", `Only a signed-in host may send "${msg.type}"`);
      return this.fromVisitor(conn, msg, now);
    }
    if (isHost(conn)) {
      if (isVisitorOnly(msg)) return this.conns.fail(conn, "forbidden", `A host may not send "${msg.type}"`);
      return this.fromHost(conn, msg, now);
    }
  }

  private fromVisitor(sender: VisitorConn, msg: VisitorMessage, now: number): Promise<void> | void {
    switch (msg.type) {
      case "text":
        return this.messages.text(sender, msg, now);
      case "read":
        return this.messages.read(sender, now);
      case "typing":
        return this.messages.typing(sender, undefined, now);
      case "call":
        return this.calls.call(sender, msg, now);
      case "cancel":
        return this.calls.cancel(sender);
      case "signal":
        return this.calls.signal(sender, msg);
      case "hangup":
        return this.calls.hangUp(sender, msg);
      case "meeting-join":
        return this.meetings.join(sender, msg, now);
      case "meeting-leave":
        return this.meetings.leave(sender);
      case "meeting-signal":
        return this.meetings.signal(sender, msg);
    }
  }

  private fromHost(sender: HostConn, msg: HostMessage, now: number): Promise<void> | void {
    switch (msg.type) {
      case "reply":
        return this.messages.reply(sender, msg, now);
      case "read":
        return this.messages.hostRead(sender, msg.conversationId, now);
      case "archive":
        return this.messages.archive(sender, msg);
      case "delete":
        return this.messages.delete(sender, msg.conversationId).then(() => this.calls.forget(msg.conversationId));
      case "older":
        return this.messages.older(sender, msg.cursor);
      case "typing":
        return this.messages.typing(sender, msg.conversationId, now);
      case "available": {
        const before = JSON.stringify(this.calls.hostsPresence());
        // A dashboard whose browser cannot take calls is available for messages only.
        const calls = msg.capabilities ? missingForCall("audio", msg.capabilities).length === 0 : true;
        sender.setState({ ...sender.state!, available: msg.available, calls });
        this.calls.reconcile();
        // Presence goes to everyone when it changed; the sender hears it either way.
        if (JSON.stringify(this.calls.hostsPresence()) === before) this.conns.send(sender, this.calls.hostsPresence());
        return;
      }
      // Devices and "Ring my devices" change who calls may ring.
      case "push-subscribe":
        return this.push.subscribe(sender, msg.subscription, msg.label, sender.state!.origin ?? "", now).then(() => this.calls.reconcile());
      case "push-unsubscribe":
        return this.push.unsubscribe(sender, msg.id).then(() => this.calls.reconcile());
      case "push-ring":
        return this.push.setRing(sender, msg.ring).then(() => this.calls.reconcile());
      case "hours":
        return this.setHours(msg.hours);
      case "accept":
        return this.calls.accept(sender, msg.callId, msg.description);
      case "decline":
        return this.calls.decline(sender, msg.callId);
      case "signal":
        return this.calls.signal(sender, msg);
      case "hangup":
        return this.calls.hangUp(sender, msg);
      case "meeting-create": {
        const call = msg.callId === undefined ? undefined : this.calls.activeCall(sender, msg.callId);
        const peers = call && { callId: call.id, hostConn: sender.id, visitorConn: call.visitorConn, visitorName: call.name || "Visitor" };
        return this.meetings.create(sender, msg, now, peers);
      }
      case "meeting-ring":
        return this.meetings.ring(sender, msg.meetingId, msg.to, now);
      case "meeting-end":
        return this.meetings.end(sender, msg.meetingId);
      case "meeting-delete":
        return this.meetings.delete(sender, msg.meetingId);
      case "meeting-remove":
        return this.meetings.remove(sender, msg.meetingId, msg.participantId);
      case "meeting-admit":
        return this.meetings.admit(sender, msg.meetingId, msg.participantId);
      case "meeting-join":
        return this.meetings.join(sender, msg, now);
      case "meeting-leave":
        return this.meetings.leave(sender);
      case "meeting-signal":
        return this.meetings.signal(sender, msg);
    }
  }

  async onClose(conn: Connection<State>): Promise<void> {
    await this.load();
    this.leave(conn);
    await this.meetings.dropped(conn, Date.now());
    // With hibernation PartyKit does not answer a client's close frame; without
    // this the browser waits ~10 s and sees 1006.
    this.conns.close(conn);
  }

  async onError(conn: Connection<State>): Promise<void> {
    await this.load();
    this.leave(conn);
    await this.meetings.dropped(conn, Date.now());
  }

  private leave(conn: Connection<State>): void {
    if (conn.state) this.calls.leave(conn, Date.now());
  }

  // ------------------------------------------------------------------ HTTP

  async onRequest(req: Request): Promise<Response> {
    await this.load();
    return this.routes.handle(req, {
      id: this.id,
      config: this.config,
      presence: () => this.calls.visitorPresence(),
      decline: async (callId, token, address) => {
        // A try is spent before the token is checked, and given back when it was right.
        if (!this.conns.spendAddress(address, "decline", Date.now())) return "rate-limited";
        const host = await verifyDeclineToken(token, this.secret, this.id, callId);
        if (host === undefined) return "wrong-token";
        this.conns.refundAddress(address, "decline");
        return (await this.calls.declineAs(host, callId)) ? "declined" : "not-waiting";
      },
      unread: async (token) => {
        const id = await verifyConversationToken(token, this.secret, this.id);
        return id ? this.messages.unread(id) : undefined;
      },
      slack: this.slack,
      files: this.files,
      guard: (address, action) => this.runtime.fetchRoom("guard", encodeURIComponent(address), `/${action}`, { method: "POST" }),
    });
  }

  // ------------------------------------------------------------------ time

  /** Wake for the next ring timeout, grace expiry, liveness check, Slack, webhook or push retry, unseen message to push, opening or closing of the hours, or abandoned upload to delete. */
  private schedule(exclude?: string): void {
    const deadlines = [...this.calls.deadlines(), ...this.meetings.deadlines(Date.now())];
    const { nextChange } = this.opening(Date.now());
    if (nextChange !== undefined) deadlines.push(nextChange);
    if (this.conns.live("host", exclude).length > 0 || this.calls.size > 0 || this.meetings.active) deadlines.push(Date.now() + PING_INTERVAL_MS);
    for (const outbox of [this.slack.outbox.nextAt(), this.webhooks.outbox.nextAt(), this.push.outbox.nextAt(), this.push.nextDue()]) {
      if (outbox !== undefined) deadlines.push(Math.max(outbox, Date.now() + 50));
    }
    if (this.pruneDue !== undefined) deadlines.push(this.pruneDue);
    const files = this.files.nextDue();
    if (files !== undefined) deadlines.push(Math.max(files, Date.now() + 50));
    if (deadlines.length === 0) return void this.runtime.storage.deleteAlarm();
    void this.runtime.storage.setAlarm(Math.min(...deadlines));
  }

  async onAlarm(): Promise<void> {
    await this.load();
    const now = Date.now();
    this.calls.expire(now);
    await this.meetings.expire(now);
    if (this.pruneDue !== undefined && now >= this.pruneDue) {
      for (const id of await this.store.prune(now - this.config.retentionMs, now)) await this.files.forget(id);
      this.pruneDue = now + PRUNE_EVERY_MS;
    }
    const filesDue = this.files.nextDue();
    if (filesDue !== undefined && now >= filesDue) await this.files.sweep(now);
    if (this.slack.outbox.size > 0) await this.slack.drain();
    if (this.webhooks.outbox.size > 0) await this.webhooks.drain();
    await this.push.due(now);
    if (this.push.outbox.size > 0) await this.push.drain();
    // Liveness: silent hosts and calling visitors are gone; the rest get a ping.
    // A host whose token expired, or whose key was removed or changed, is signed out.
    const calling = this.calls.callingConnections();
    const watched: Connection<State>[] = [...this.conns.live("host"), ...this.conns.live("visitor").filter((v) => calling.has(v.id) || v.state?.meeting)];
    for (const conn of watched) {
      const state = conn.state!;
      if (now - state.lastSeen > LIVENESS_TIMEOUT_MS) {
        this.drop(conn, CloseCode.noHeartbeat, `No heartbeat for ${((now - state.lastSeen) / 1000).toFixed(1)} s`);
      } else if (state.role === "host" && (await verifyHostToken(state.token, this.config.hosts, this.id, now)) !== state.name) {
        this.drop(conn, CloseCode.signedOut, "Signed out: the session expired or the host key changed");
      } else {
        this.conns.send(conn, { type: "ping" });
      }
    }
    // At an opening or closing: presence goes to visitors (reconcile), the hours to dashboards.
    this.calls.reconcile();
    this.publishHours();
  }

  /** The room lets go of a socket: its calls wait out the grace, and it is closed with `code`. */
  private drop(conn: Connection<State>, code: number, reason: string): void {
    console.warn(`room ${this.id}: closed a ${conn.state!.role}'s socket (${code}): ${reason}`);
    conn.setState({ ...conn.state!, gone: true });
    this.calls.leave(conn, Date.now());
    void this.meetings.dropped(conn, Date.now());
    this.conns.close(conn, code, reason);
  }
}
