/**
 * The contact-me room: one PartyKit room per site.
 *
 * It does host presence, call set-up (ring → accept/decline) and the relay of
 * signaling (SDP offer/answer, ICE candidates) between the two peers of one
 * call, and forwards visitor text to the host dashboards and Slack. Media
 * never passes through it: calls are peer-to-peer WebRTC.
 *
 * Everything a decision needs lives in connection state (kept across
 * hibernation), so the room holds no maps that an eviction could lose.
 *
 * HTTP endpoints (under `/parties/main/<room>`):
 * - `POST /host/session` `{"key": string}` → `200 {"token"}` | `401 {"error":"forbidden"}`
 *   | `503 {"error":"unavailable"}` when `HOST_KEY` is unset.
 * - `GET /presence` → `200 {"available": boolean}`.
 *
 * WebSocket: visitors connect with no credentials; hosts add
 * `?role=host&token=<token from /host/session>`, checked in
 * {@link ContactRoom.onBeforeConnect} before the socket opens.
 * @module
 */
import type * as Party from "partykit/server";
import { issueHostToken, sameSecret, verifyHostToken } from "./auth.ts";
import { readConfig, type RoomConfig } from "./config.ts";
import {
  HOST_ONLY,
  PROTOCOL_VERSION,
  VISITOR_ONLY,
  parseClientMessage,
  type CallMedia,
  type ClientMessage,
  type EndReason,
  type ErrorCode,
  type MessageOf,
  type ServerMessage,
} from "./protocol.ts";
import { postToWebhook } from "./slack.ts";

/** Header set by `onBeforeConnect`: the role the connection was granted. */
const ROLE_HEADER = "x-contact-me-role";
/** Display name of the single host configured by `HOST_KEY`. */
const HOST_NAME = "Host";

/** A visitor's call, ringing or in progress. */
interface VisitorCall {
  id: string;
  media: CallMedia;
  state: "ringing" | "active";
  /** Connection id of the host, once accepted. */
  peer?: string;
}

interface VisitorState {
  role: "visitor";
  name?: string;
  call?: VisitorCall;
}

interface HostState {
  role: "host";
  name: string;
  available: boolean;
  /** The call this host accepted. */
  call?: { id: string; media: CallMedia; peer: string };
}

type State = VisitorState | HostState;
type Conn = Party.Connection<State>;

const JSON_HEADERS = {
  "content-type": "application/json",
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "content-type",
};

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

export default class ContactRoom implements Party.Server {
  /** Sockets hibernate between frames: idle visitors cost no memory. */
  readonly options = { hibernate: true };
  /** Last presence pushed to clients; `undefined` after a wake-up. */
  private lastPresence: boolean | undefined;
  private configCache: RoomConfig | undefined;

  constructor(readonly room: Party.Room) {}

  private get config(): RoomConfig {
    return (this.configCache ??= readConfig(this.room.env));
  }

  /**
   * Authenticates host sockets before they open. The role header is always
   * overwritten, so a client can never claim a role by sending it.
   */
  static async onBeforeConnect(req: Party.Request, lobby: Party.Lobby): Promise<Party.Request | Response> {
    const url = new URL(req.url);
    let role = "visitor";
    if (url.searchParams.get("role") === "host") {
      const { hostKey } = readConfig(lobby.env);
      const token = url.searchParams.get("token") ?? "";
      if (!hostKey || !(await verifyHostToken(token, hostKey, lobby.id))) {
        return new Response("Unauthorized: sign in with the host key", { status: 401 });
      }
      role = "host";
    }
    req.headers.set(ROLE_HEADER, role);
    return req;
  }

  getConnectionTags(_conn: Party.Connection, ctx: Party.ConnectionContext): string[] {
    return [ctx.request.headers.get(ROLE_HEADER) === "host" ? "host" : "visitor"];
  }

  onConnect(conn: Conn, ctx: Party.ConnectionContext): void {
    const isHost = ctx.request.headers.get(ROLE_HEADER) === "host";
    conn.setState(isHost ? { role: "host", name: HOST_NAME, available: false } : { role: "visitor" });
    this.send(conn, {
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      role: isHost ? "host" : "visitor",
      id: conn.id,
      iceServers: this.config.iceServers,
      ...(isHost ? { name: HOST_NAME } : {}),
    });
    this.send(conn, { type: "presence", available: this.isAvailable() });
  }

  async onRequest(req: Party.Request): Promise<Response> {
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: JSON_HEADERS });
    const path = new URL(req.url).pathname;
    if (path.endsWith("/presence") && req.method === "GET") {
      return json({ available: this.isAvailable() });
    }
    if (path.endsWith("/host/session") && req.method === "POST") {
      return this.signIn(req);
    }
    return json({ error: "not_found", message: "No such endpoint" }, 404);
  }

  private async signIn(req: Party.Request): Promise<Response> {
    const { hostKey } = this.config;
    if (!hostKey) return json({ error: "unavailable", message: "HOST_KEY is not set for this room" }, 503);
    let key: unknown;
    try {
      key = ((await req.json()) as { key?: unknown })?.key;
    } catch {
      return json({ error: "bad_json", message: "Body must be JSON {\"key\": string}" }, 400);
    }
    if (typeof key !== "string" || key.length > 1024 || !(await sameSecret(key, hostKey))) {
      return json({ error: "forbidden", message: "Wrong host key" }, 401);
    }
    return json({ token: await issueHostToken(hostKey, this.room.id), name: HOST_NAME });
  }

  async onMessage(raw: string | ArrayBuffer | ArrayBufferView, sender: Conn): Promise<void> {
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) return this.fail(sender, parsed.code, parsed.message);
    const msg = parsed.message;
    const state = sender.state;
    if (!state) return this.fail(sender, "forbidden", "Connection is not set up");
    if (state.role === "visitor" && HOST_ONLY.has(msg.type)) {
      return this.fail(sender, "forbidden", `Only a signed-in host may send "${msg.type}"`);
    }
    if (state.role === "host" && VISITOR_ONLY.has(msg.type)) {
      return this.fail(sender, "forbidden", `A host may not send "${msg.type}"`);
    }
    switch (msg.type) {
      case "text":
        return this.onText(sender, msg);
      case "call":
        return this.onCall(sender, msg);
      case "cancel":
        return this.endRing(sender, "cancelled");
      case "available":
        return this.onAvailable(sender as Party.Connection<HostState>, msg.available);
      case "accept":
        return this.onAccept(sender as Party.Connection<HostState>, msg.callId);
      case "decline":
        return this.onDecline(msg.callId);
      case "signal":
        return this.onSignal(sender, msg);
      case "hangup":
        return this.onHangUp(sender, msg.callId);
    }
  }

  onClose(conn: Conn): void {
    this.leave(conn);
  }

  onError(conn: Conn): void {
    this.leave(conn);
  }

  // ------------------------------------------------------------------ text

  private async onText(sender: Conn, msg: MessageOf<ClientMessage, "text">): Promise<void> {
    const id = crypto.randomUUID();
    const at = Date.now();
    const name = msg.name || undefined;
    this.toHosts({ type: "text", id, visitorId: sender.id, text: msg.text, name, page: msg.page, at });
    this.send(sender, { type: "sent", id, clientId: msg.clientId, at });
    const webhook = this.config.slackWebhookUrl;
    if (webhook) {
      try {
        await postToWebhook(webhook, { text: msg.text, name, page: msg.page });
      } catch (err) {
        console.error(`Slack forwarding failed for message ${id}: ${(err as Error).message}`);
      }
    }
  }

  // ------------------------------------------------------------------ presence

  private hosts(): Party.Connection<HostState>[] {
    return [...this.room.getConnections<HostState>("host")].filter((c) => c.state?.role === "host");
  }

  private visitors(): Party.Connection<VisitorState>[] {
    return [...this.room.getConnections<VisitorState>("visitor")].filter((c) => c.state?.role === "visitor");
  }

  private isAvailable(exclude?: string): boolean {
    return this.hosts().some((h) => h.id !== exclude && h.state?.available);
  }

  /** Push presence to everyone when it changed. */
  private publishPresence(exclude?: string): void {
    const available = this.isAvailable(exclude);
    if (available === this.lastPresence) return;
    this.lastPresence = available;
    this.room.broadcast(JSON.stringify({ type: "presence", available } satisfies ServerMessage), exclude ? [exclude] : []);
  }

  private onAvailable(host: Party.Connection<HostState>, available: boolean): void {
    const state = host.state!;
    host.setState({ ...state, available });
    this.lastPresence = undefined; // always confirm to the sender
    this.publishPresence();
    if (available && !state.call) {
      for (const v of this.visitors()) {
        const call = v.state?.call;
        if (call?.state === "ringing") {
          this.send(host, { type: "ring", callId: call.id, visitorId: v.id, media: call.media, name: v.state?.name });
        }
      }
    } else if (!available) {
      this.endRingsIfNobodyFree(host.id);
    }
  }

  // ------------------------------------------------------------------ calls

  /** Hosts that are available and not in a call. */
  private freeHosts(exclude?: string): Party.Connection<HostState>[] {
    return this.hosts().filter((h) => h.id !== exclude && h.state?.available && !h.state.call);
  }

  private onCall(sender: Conn, msg: MessageOf<ClientMessage, "call">): void {
    const state = sender.state as VisitorState;
    if (state.call) return this.fail(sender, "busy", "You are already in a call");
    if (!this.isAvailable()) return this.fail(sender, "unavailable", "The host is away; send a message instead");
    const free = this.freeHosts();
    if (free.length === 0) return this.fail(sender, "busy", "The host is in another call; try again shortly");
    const call: VisitorCall = { id: crypto.randomUUID(), media: msg.media, state: "ringing" };
    sender.setState({ ...state, name: msg.name || state.name, call });
    this.send(sender, { type: "ringing", callId: call.id, media: call.media });
    for (const h of free) {
      this.send(h, { type: "ring", callId: call.id, visitorId: sender.id, media: call.media, name: msg.name || state.name });
    }
  }

  private ringingVisitor(callId: string): Party.Connection<VisitorState> | undefined {
    return this.visitors().find((v) => v.state?.call?.id === callId && v.state.call.state === "ringing");
  }

  private onAccept(host: Party.Connection<HostState>, callId: string): void {
    const hostState = host.state!;
    if (hostState.call) return this.fail(host, "busy", "Hang up the current call first");
    const visitor = this.ringingVisitor(callId);
    if (!visitor) return this.fail(host, "not_found", "That call is no longer ringing");
    const vState = visitor.state!;
    const media = vState.call!.media;
    visitor.setState({ ...vState, call: { id: callId, media, state: "active", peer: host.id } });
    host.setState({ ...hostState, call: { id: callId, media, peer: visitor.id } });
    this.send(visitor, { type: "accepted", callId, media, polite: true, peerName: hostState.name });
    this.send(host, { type: "accepted", callId, media, polite: false, peerName: vState.name });
    this.toHosts({ type: "ring-ended", callId, reason: "answered" }, host.id);
  }

  private onDecline(callId: string): void {
    const visitor = this.ringingVisitor(callId);
    if (!visitor) return;
    visitor.setState({ ...visitor.state!, call: undefined });
    this.send(visitor, { type: "declined", callId });
    this.toHosts({ type: "ring-ended", callId, reason: "declined" });
  }

  /** A visitor stops ringing (cancel or disconnect). */
  private endRing(visitor: Conn, reason: "cancelled" | "disconnected"): void {
    const state = visitor.state;
    if (state?.role !== "visitor" || state.call?.state !== "ringing") return;
    const callId = state.call.id;
    visitor.setState({ ...state, call: undefined });
    this.toHosts({ type: "ring-ended", callId, reason });
    if (reason === "cancelled") this.send(visitor, { type: "ended", callId, reason: "cancelled" });
  }

  /** When no host is left to answer, tell ringing visitors. */
  private endRingsIfNobodyFree(exclude: string): void {
    if (this.freeHosts(exclude).length > 0) return;
    for (const v of this.visitors()) {
      const call = v.state?.call;
      if (call?.state !== "ringing") continue;
      v.setState({ ...v.state!, call: undefined });
      this.send(v, { type: "ended", callId: call.id, reason: "unavailable" });
    }
  }

  /** The other peer of `sender`'s active call `callId`, if any. */
  private peerOf(sender: Conn, callId: string): Conn | undefined {
    const call = sender.state?.call;
    if (!call || call.id !== callId || !call.peer) return undefined;
    const peer = this.room.getConnection<State>(call.peer);
    return peer?.state?.call?.id === callId ? peer : undefined;
  }

  private onSignal(sender: Conn, msg: MessageOf<ClientMessage, "signal">): void {
    const peer = this.peerOf(sender, msg.callId);
    if (!peer) return this.fail(sender, "not_found", "No active call with that id");
    // Re-serialize the validated fields only: nothing unvalidated is relayed.
    this.send(
      peer,
      msg.description
        ? { type: "signal", callId: msg.callId, description: msg.description }
        : { type: "signal", callId: msg.callId, candidate: msg.candidate ?? null },
    );
  }

  private onHangUp(sender: Conn, callId: string): void {
    const state = sender.state;
    if (state?.role === "visitor" && state.call?.id === callId && state.call.state === "ringing") {
      return this.endRing(sender, "cancelled");
    }
    if (!this.peerOf(sender, callId) && state?.call?.id !== callId) {
      return this.fail(sender, "not_found", "No active call with that id");
    }
    this.endCall(sender, "hangup");
    this.send(sender, { type: "ended", callId, reason: "hangup" });
  }

  /** Clear `conn`'s active call on both sides and tell the other peer. */
  private endCall(conn: Conn, reason: EndReason): void {
    const call = conn.state?.call;
    if (!call) return;
    const peer = call.peer ? this.room.getConnection<State>(call.peer) : undefined;
    try {
      conn.setState({ ...conn.state!, call: undefined } as State);
    } catch {
      // `conn` is closing; its state goes with it.
    }
    if (peer?.state?.call?.id === call.id) {
      peer.setState({ ...peer.state, call: undefined } as State);
      this.send(peer, { type: "ended", callId: call.id, reason });
    }
  }

  private leave(conn: Conn): void {
    const state = conn.state;
    if (!state) return;
    if (state.role === "visitor") {
      if (state.call?.state === "ringing") this.endRing(conn, "disconnected");
      else this.endCall(conn, "disconnected");
      return;
    }
    this.endCall(conn, "disconnected");
    this.publishPresence(conn.id);
    this.endRingsIfNobodyFree(conn.id);
  }

  // ------------------------------------------------------------------ sending

  private send(conn: Party.Connection, msg: ServerMessage): void {
    try {
      conn.send(JSON.stringify(msg));
    } catch {
      // The socket is closing; onClose will clean up.
    }
  }

  private toHosts(msg: ServerMessage, exclude?: string): void {
    for (const h of this.hosts()) if (h.id !== exclude) this.send(h, msg);
  }

  private fail(conn: Party.Connection, code: ErrorCode, message: string): void {
    this.send(conn, { type: "error", code, message });
  }
}

ContactRoom satisfies Party.Worker;
