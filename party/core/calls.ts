/**
 * Calls and the queue: a visitor's call request rings the free hosts (first
 * accept wins) or waits in line; the room relays signaling (SDP offer/answer,
 * ICE candidates) between the two peers of an active call; hang-ups, declines,
 * ring timeouts (missed calls) and the 30 s resume grace of a dropped socket.
 *
 * Calls, missed calls and the arrival counter are in room storage (written
 * through, cached here), so a room woken from hibernation or restarted keeps
 * every call. Who rings and who waits is decided by the pure rules of
 * `queue.ts`; {@link CallDesk.reconcile} applies them and tells everyone.
 * @module
 */
import {
  CloseCode,
  RESUME_GRACE_S,
  UNSIGNALED_GRACE_S,
  missingForCall,
  type CallState,
  type ClientMessage,
  type EndReason,
  type MessageOf,
  type ServerMessage,
} from "../../protocol/socket.ts";
import type { RoomConfig } from "./config.ts";
import { isHost, isVisitor, type Connections, type HostConn, type State, type VisitorConn } from "./connections.ts";
import type { Opening } from "./hours.ts";
import type { PushDesk } from "./push.ts";
import { placeCalls, type CallRecord, type HostPresence } from "./queue.ts";
import type { Connection, Storage } from "./runtime.ts";
import type { CallEntry } from "./messages.ts";
import { iceServersFor } from "./turn.ts";

/** Missed calls kept for the dashboard. */
const MISSED_KEPT = 50;

/** A call that rang out, as dashboards list it. */
export interface MissedCall {
  callId: string;
  name?: string;
  media: CallRecord["media"];
  /** When it rang out, ms since the epoch. */
  at: number;
  /** The caller's conversation, where the call is logged. */
  conversationId?: string;
}

/** Where calls meet conversations (`Messages`): who is calling, and each call's entry in their conversation. */
export interface CallBook {
  caller(sender: VisitorConn, msg: MessageOf<ClientMessage, "call">): Promise<{ conversationId: string; name?: string; email?: string; page?: string }>;
  /**
   * Store the call's entry (no `seq`), or update it (`seq` of the entry);
   * resolves with the entry's seq, undefined when it could not be kept.
   */
  logCall(entry: CallEntry, now: number): Promise<number | undefined>;
}

/** Longest page kept with a call (origin and path), in characters. */
const CALL_PAGE_CHARS = 256;

/** A caller's page as a call keeps it: origin and path, or the origin alone when that is too long. */
function shortPage(page: string | undefined): string | undefined {
  if (!page) return undefined;
  try {
    const url = new URL(page);
    const short = `${url.origin}${url.pathname}`;
    return short.length <= CALL_PAGE_CHARS ? short : url.origin.slice(0, CALL_PAGE_CHARS);
  } catch {
    return undefined;
  }
}

export class CallDesk {
  /** Cache of storage key `calls`. */
  private calls: CallRecord[] = [];
  /** Cache of storage key `missed`, newest first. */
  private missed: MissedCall[] = [];
  /** Cache of storage key `seq`: arrival counter for queue order. */
  private seq = 0;
  /** Last presence pushed (hosts' and visitors' frames), to send only changes; rebuilt after a wake-up. */
  private lastPresence: string | undefined;
  /** Last `hosts` and `queue` frames pushed to each host connection: each is sent again only when it changed. */
  private readonly lastSent = new Map<string, { hosts: string; queue: string }>();

  /**
   * @param schedule asks the room to set its alarm again (calls changed); `exclude` is a closing connection
   * @param book who is calling, and where each ended call is logged
   * @param opening where the business hours stand at an instant (ms since the epoch)
   * @param push who calls may ring by push, and the pushes of ringing and ended calls
   */
  constructor(
    private readonly storage: Storage,
    private readonly conns: Connections,
    private readonly config: () => RoomConfig,
    private readonly schedule: (exclude?: string) => void,
    private readonly book: CallBook,
    private readonly opening: (now: number) => Opening,
    private readonly push: Pick<PushDesk, "reachable" | "callRinging" | "callEnded">,
  ) {}

  /**
   * The hosts calls may ring: each signed-in host, available when one of its
   * dashboards is; and, inside the business hours, each host with "Ring my
   * devices" on, available by push (`byPush`) when no dashboard of theirs is.
   * @param exclude a connection that is closing
   */
  private hostPresence(exclude?: string, now = Date.now()): (HostPresence & { byPush?: boolean })[] {
    const hosts: (HostPresence & { byPush?: boolean })[] = this.conns.hostPresence(exclude);
    if (!this.opening(now).open) return hosts;
    for (const name of this.push.reachable()) {
      const signedIn = hosts.find((h) => h.name === name);
      if (!signedIn) hosts.push({ name, available: true, present: true, byPush: true });
      else if (!signedIn.available) Object.assign(signedIn, { available: true, present: true, byPush: true });
    }
    return hosts;
  }

  /** Whether a call can ring now: a host is available at a dashboard that can take calls, or by push. */
  available(exclude?: string): boolean {
    return this.hostPresence(exclude).some((h) => h.available);
  }

  /**
   * The presence frame hosts get: `available` when any host is (for
   * messages at least), `calls` when a call can ring now.
   */
  hostsPresence(exclude?: string, hosts = this.hostPresence(exclude)): MessageOf<ServerMessage, "presence"> {
    const calls = hosts.some((h) => h.available);
    return { type: "presence", available: calls || hosts.some((h) => h.present), calls };
  }

  /** How long `call` rings: longer when it rings only by push. */
  private ringTimeout(call: CallRecord): number {
    return call.byPush ? this.config().ringTimeoutPushMs : this.config().ringTimeoutMs;
  }

  /**
   * The presence frame visitors get: {@link hostsPresence}, `available` and
   * `calls` only inside the business hours, with when they next open while
   * closed.
   */
  visitorPresence(hosts = this.hostsPresence(), now = Date.now()): MessageOf<ServerMessage, "presence"> {
    const { open, nextOpen } = this.opening(now);
    return {
      type: "presence",
      available: hosts.available && open,
      calls: !!hosts.calls && open,
      ...(!open && nextOpen !== undefined ? { nextOpen } : {}),
    };
  }

  /** The call entries' writes, one after another: an entry is stored once, then updated in order. */
  private logs: Promise<void> = Promise.resolve();

  /**
   * Put `call`'s new `state` in its conversation's timeline: its entry is
   * stored when the call is asked for, then updated. Not awaited (the peers
   * have been told already); the writes keep their order.
   */
  private logged(call: CallRecord, state: CallState, now = Date.now(), context: CallEntry["context"] = { name: call.name, email: call.email }): void {
    if (state === "in-call" || state === "missed" || state === "cancelled" || state === "declined") {
      if (call.pushedTo?.length || state === "missed") this.push.callEnded(call, call.pushedTo ?? [], state === "in-call" ? "answered" : state, call.host);
    }
    const conversationId = call.conversationId;
    if (!conversationId) return;
    const ended = state !== "ringing" && state !== "in-call";
    const log = {
      callId: call.id,
      media: call.media,
      state,
      ...(call.host ? { by: call.host } : {}),
      ...(state === "answered" && call.acceptedAt !== undefined ? { durationS: Math.max(0, Math.round((now - call.acceptedAt) / 1000)) } : {}),
    };
    this.logs = this.logs
      .then(async () => {
        const seq = await this.book.logCall({ conversationId, visitorConn: call.visitorConn, log, context, seq: call.logSeq }, now);
        if (call.logSeq === seq) return;
        call.logSeq = seq;
        if (!ended && this.calls.includes(call)) this.save();
      })
      .catch((error: unknown) => console.error("contact-me: a call could not be logged in its conversation", error));
  }

  /** Read the calls from storage; sockets they refer to that are gone start their grace now. */
  async load(now: number): Promise<void> {
    const stored = await this.storage.get<unknown>(["calls", "missed", "seq"]);
    this.calls = (stored.get("calls") as CallRecord[] | undefined) ?? [];
    this.missed = (stored.get("missed") as MissedCall[] | undefined) ?? [];
    this.seq = (stored.get("seq") as number | undefined) ?? 0;
    for (const call of this.calls) {
      if (call.visitorGoneAt === undefined && !this.conns.get(call.visitorConn)) call.visitorGoneAt = now;
      if (call.hostConn && call.hostGoneAt === undefined && !this.conns.get(call.hostConn)) call.hostGoneAt = now;
    }
  }

  private save(): void {
    void this.storage.put({ calls: this.calls, seq: this.seq });
  }

  /** Connection ids of visitors with a call (watched for liveness). */
  callingConnections(): Set<string> {
    return new Set(this.calls.map((c) => c.visitorConn));
  }

  /** Whether anything about the calls needs the alarm. */
  get size(): number {
    return this.calls.length;
  }

  // ------------------------------------------------------------------ sockets coming and going

  /** A dashboard connects: the missed calls, and its call back if it returns within the grace. */
  async hostConnected(conn: HostConn): Promise<void> {
    this.conns.send(conn, { type: "missed", calls: this.missed });
    const name = conn.state!.name;
    const call = this.calls.find((c) => c.state === "active" && c.host === name && c.hostGoneAt !== undefined);
    if (call) {
      call.hostConn = conn.id;
      call.hostGoneAt = undefined;
      this.save();
      this.conns.send(conn, {
        type: "resumed",
        callId: call.id,
        media: call.media,
        polite: false,
        peerName: call.name,
        conversationId: call.conversationId,
        ...(await this.iceFor(conn.id)),
      });
      this.conns.sendTo(call.visitorConn, { type: "peer", callId: call.id, connected: true });
    }
    this.reconcile();
  }

  /**
   * Spend a resume token: true when its visitor has a call this token may
   * take over (only the token last handed to that visitor does), which from
   * now on takes `next` (the nonce of the new socket's token) instead, at
   * once, so two sockets racing with one token cannot both have it.
   *
   * The token just spent still resumes while the socket that spent it is gone
   * and was never heard from ({@link heard}): that socket may have died
   * before its new token arrived, and the visitor holds only the old one.
   */
  claim(visitorId: string, nonce: string, next: string, connId: string): boolean {
    const call = this.calls.find(
      (c) => c.visitorId === visitorId && (c.resumeNonce === nonce || (c.spentNonce === nonce && !this.present(c.spentBy))),
    );
    if (!call) return false;
    if (call.resumeNonce === nonce) call.spentNonce = nonce;
    call.spentBy = connId;
    call.resumeNonce = next;
    this.save();
    return true;
  }

  /** A frame from a visitor's socket: its resume token reached it, so the one it replaced is spent for good. */
  heard(conn: VisitorConn): void {
    const call = this.calls.find((c) => c.spentBy === conn.id && c.spentNonce !== undefined);
    if (!call) return;
    call.spentNonce = call.spentBy = undefined;
    this.save();
  }

  /** Whether connection `id` is still there (open, or still connecting). */
  private present(id: string | undefined): boolean {
    const conn = id === undefined ? undefined : this.conns.get(id);
    return !!conn && !conn.state?.gone;
  }

  /**
   * A visitor comes back with its resume token (see {@link claim}): the
   * same place in line, or the same call. A socket of that visitor still open
   * is closed with `CloseCode.resumedElsewhere`, saying why; the token is spent (the call now takes
   * the new socket's nonce).
   */
  async visitorResumed(conn: VisitorConn): Promise<void> {
    const call = this.calls.find((c) => c.visitorId === conn.state!.visitorId);
    if (!call) return;
    const previous = call.visitorConn !== conn.id ? this.conns.get(call.visitorConn) : undefined;
    call.visitorConn = conn.id;
    call.visitorGoneAt = undefined;
    if (previous?.state && !previous.state.gone) {
      previous.setState({ ...previous.state, gone: true });
      this.conns.close(previous, CloseCode.resumedElsewhere, "Resumed on another connection");
    }
    if (call.state === "active") {
      this.save();
      this.conns.send(conn, { type: "resumed", callId: call.id, media: call.media, polite: true, peerName: call.host, ...(await this.iceFor(conn.id)) });
      if (call.hostConn) this.conns.sendTo(call.hostConn, { type: "peer", callId: call.id, connected: true });
      return;
    }
    this.reconcile(undefined, new Set([call.id]));
  }

  /**
   * A socket is gone: its calls wait out the grace (see {@link visitorGraceMs}),
   * the other peer told with `peer` `connected: false`; a host's availability
   * goes with it.
   */
  leave(conn: Connection<State>, now: number): void {
    const visitor = isVisitor(conn);
    for (const call of this.calls) {
      if (visitor && call.visitorConn === conn.id && call.visitorGoneAt === undefined) {
        call.visitorGoneAt = now;
        if (call.state === "active" && call.hostConn) this.conns.sendTo(call.hostConn, { type: "peer", callId: call.id, connected: false });
      }
      if (!visitor && call.state === "active" && call.hostConn === conn.id && call.hostGoneAt === undefined) {
        call.hostGoneAt = now;
        this.conns.sendTo(call.visitorConn, { type: "peer", callId: call.id, connected: false });
      }
    }
    this.lastSent.delete(conn.id);
    this.save();
    this.reconcile(conn.id);
  }

  // ------------------------------------------------------------------ visitor frames

  private callOf(conn: Connection<State>): CallRecord | undefined {
    if (isVisitor(conn)) return this.calls.find((c) => c.visitorId === conn.state!.visitorId);
    return this.calls.find((c) => c.state === "active" && c.hostConn === conn.id);
  }

  /** `call`: ring the free hosts, or wait in line; the hosts see who is calling (see {@link CallBook.caller}). */
  async call(sender: VisitorConn, msg: MessageOf<ClientMessage, "call">, now: number): Promise<void> {
    if (!this.conns.spend(sender, "call", now) || !this.conns.spendAddress(sender.state!.address, "call", now)) {
      return this.conns.fail(sender, "rate_limited", "Too many call attempts; wait a few seconds");
    }
    const missing = missingForCall(msg.media, msg.capabilities);
    if (missing.length > 0) {
      return this.conns.fail(sender, "cannot_call", `This browser cannot make this call (missing: ${missing.join(", ")}); send a message instead`);
    }
    if (this.callOf(sender)) return this.conns.fail(sender, "busy", "You already have a call in progress");
    const who = await this.book.caller(sender, msg);
    // Checked again: another frame may have been handled meanwhile.
    if (this.callOf(sender)) return this.conns.fail(sender, "busy", "You already have a call in progress");
    const hosts = this.hostPresence(undefined, now);
    if (!hosts.some((h) => h.available)) return this.conns.fail(sender, "unavailable", "The host is away; send a message instead");
    if (!this.opening(now).open) return this.conns.fail(sender, "unavailable", "Outside business hours; send a message instead");
    const call: CallRecord = {
      id: crypto.randomUUID(),
      visitorId: sender.state!.visitorId,
      visitorConn: sender.id,
      resumeNonce: sender.state!.resumeNonce,
      ...who,
      page: shortPage(who.page),
      media: msg.media,
      requestedAt: now,
      seq: this.seq + 1,
      state: "waiting",
      declinedBy: [],
    };
    const placed = placeCalls([...this.calls, call], hosts).find((p) => p.call === call);
    if (placed?.kind === "queued" && placed.position > this.config().maxQueue) {
      return this.conns.fail(sender, "queue_full", "Too many people are waiting; please leave a message instead");
    }
    this.seq = call.seq;
    this.calls.push(call);
    this.save();
    // What the visitor told of itself goes to its conversation with the call's entry.
    this.logged(call, "ringing", now, { name: call.name, email: call.email, page: who.page, timeZone: msg.timeZone, agent: sender.state!.agent });
    this.reconcile();
  }

  /** `cancel`: leave the line (or stop ringing). */
  cancel(sender: VisitorConn): void {
    const call = this.callOf(sender);
    if (!call || call.state !== "waiting") return this.conns.fail(sender, "not_found", "No waiting call to cancel");
    this.remove(call);
    this.conns.send(sender, { type: "ended", callId: call.id, reason: "cancelled" });
    this.logged(call, "cancelled");
    this.reconcile();
  }

  // ------------------------------------------------------------------ host frames

  /**
   * ICE settings for one peer of a call: `ICE_SERVERS`, plus TURN credentials
   * minted for its connection id (see `turn.ts`), and the transport policy.
   * In `accepted` and `resumed`, and in a host's `welcome` (so a dashboard can
   * start its offer on Accept, before `accepted`).
   */
  async iceFor(connId: string): Promise<Pick<MessageOf<ServerMessage, "accepted">, "iceServers" | "iceTransportPolicy">> {
    const config = this.config();
    return { iceServers: await iceServersFor(config.iceServers, config.turn, connId), iceTransportPolicy: config.iceTransportPolicy };
  }

  /**
   * `accept`: the first host to accept gets the call; the others hear who
   * did. `offer`, when the host made it while the call rang, reaches the
   * visitor in its `accepted`, as the host's first signal.
   */
  async accept(host: HostConn, callId: string, offer?: MessageOf<ClientMessage, "accept">["description"]): Promise<void> {
    const [visitorIce, hostIce] = await Promise.all([this.iceFor(this.calls.find((c) => c.id === callId)?.visitorConn ?? ""), this.iceFor(host.id)]);
    const name = host.state!.name;
    if (this.calls.some((c) => c.state === "active" && c.host === name)) return this.conns.fail(host, "busy", "Hang up the current call first");
    const call = this.calls.find((c) => c.id === callId && c.state === "waiting" && c.visitorGoneAt === undefined);
    if (!call) return this.conns.fail(host, "not_found", "That call is no longer waiting");
    Object.assign(call, { state: "active", host: name, hostConn: host.id, acceptedAt: Date.now(), ringingSince: undefined, position: undefined });
    this.save();
    // The offer made while it rang goes with it, as the host's first signal.
    this.conns.sendTo(call.visitorConn, { type: "accepted", callId, media: call.media, polite: true, peerName: name, ...(offer && { description: offer }), ...visitorIce });
    this.conns.send(host, { type: "accepted", callId, media: call.media, polite: false, peerName: call.name, conversationId: call.conversationId, ...hostIce });
    for (const other of this.conns.live("host")) {
      if (other.id !== host.id) this.conns.send(other, { type: "answered", callId, by: name });
    }
    this.logged(call, "in-call");
    this.reconcile();
  }

  /** `decline`: this host will not take it; declined by every free host, the visitor hears so. */
  decline(host: HostConn, callId: string): void {
    if (!this.declineAs(host.state!.name, callId)) return this.conns.fail(host, "not_found", "That call is no longer waiting");
  }

  /**
   * Host `name` declines the waiting call `callId` (from a dashboard, or from
   * a push notification with `POST decline`). Its devices hear the call ended
   * for them. False when no such call is waiting.
   */
  declineAs(name: string, callId: string): boolean {
    const call = this.calls.find((c) => c.id === callId && c.state === "waiting");
    if (!call) return false;
    if (!call.declinedBy.includes(name)) call.declinedBy.push(name);
    if (call.pushedTo?.includes(name)) this.push.callEnded(call, [name], "declined");
    this.save();
    this.reconcile();
    return true;
  }

  // ------------------------------------------------------------------ both peers

  /**
   * Host `host`'s active call `callId` (the one it accepted, its socket the
   * call's), for turning it into a meeting; undefined when there is none.
   */
  activeCall(host: HostConn, callId: string): Readonly<CallRecord> | undefined {
    return this.calls.find((c) => c.id === callId && c.state === "active" && c.hostConn === host.id);
  }

  /** `signal`: relay an offer, answer or ICE candidate to the other peer of the sender's active call. */
  signal(sender: Connection<State>, msg: MessageOf<ClientMessage, "signal">): void {
    const call = this.calls.find((c) => c.id === msg.callId && c.state === "active");
    const visitor = isVisitor(sender);
    if (!call || (visitor ? call.visitorConn : call.hostConn) !== sender.id) {
      return this.conns.fail(sender, "not_found", "No active call of yours with that id");
    }
    const peer = visitor ? call.hostConn : call.visitorConn;
    if (!peer || (visitor ? call.hostGoneAt : call.visitorGoneAt) !== undefined) {
      return this.conns.fail(sender, "not_found", "The other side is reconnecting; signal again when it is back");
    }
    if (visitor && !call.visitorSignaled) {
      call.visitorSignaled = true;
      this.save();
    }
    // Re-serialize the validated fields only: nothing unvalidated is relayed.
    const generation = msg.generation ? { generation: msg.generation } : {};
    this.conns.sendTo(
      peer,
      msg.description
        ? { type: "signal", callId: msg.callId, description: msg.description, ...generation }
        : { type: "signal", callId: msg.callId, candidate: msg.candidate ?? null, ...generation },
    );
  }

  /** `hangup`: end the sender's call for both peers (a waiting call is cancelled). */
  hangUp(sender: Connection<State>, msg: MessageOf<ClientMessage, "hangup">): void {
    const call = this.callOf(sender);
    if (!call || call.id !== msg.callId) return this.conns.fail(sender, "not_found", "No call of yours with that id");
    if (call.state === "waiting" && isVisitor(sender)) return this.cancel(sender);
    this.end(call, msg.reason ?? "hangup");
    this.reconcile();
  }

  /** End an active call for both peers, and log it: answered (with its duration), or failed. */
  private end(call: CallRecord, reason: EndReason): void {
    this.remove(call);
    this.conns.sendTo(call.visitorConn, { type: "ended", callId: call.id, reason });
    if (call.hostConn) this.conns.sendTo(call.hostConn, { type: "ended", callId: call.id, reason });
    this.logged(call, reason === "failed" ? "failed" : "answered");
  }

  private remove(call: CallRecord): void {
    this.calls = this.calls.filter((c) => c !== call);
    this.save();
  }

  // ------------------------------------------------------------------ the queue

  /**
   * Bring every waiting call and every dashboard up to date: ring, queue
   * positions, declines, presence, host list; then schedule the next alarm.
   * @param exclude a connection that is closing
   * @param announce calls whose visitor must be told its state even if unchanged
   */
  reconcile(exclude?: string, announce: ReadonlySet<string> = new Set()): void {
    const now = Date.now();
    const hosts = this.hostPresence(exclude, now);
    const nobody = !hosts.some((h) => h.available);
    let changed = false;
    for (const p of placeCalls(this.calls, hosts)) {
      const { call } = p;
      if (nobody) {
        this.remove(call);
        this.conns.sendTo(call.visitorConn, { type: "ended", callId: call.id, reason: "unavailable" });
        this.logged(call, "missed", now);
        changed = true;
      } else if (p.kind === "declined") {
        this.remove(call);
        this.conns.sendTo(call.visitorConn, { type: "declined", callId: call.id });
        this.logged(call, "declined", now);
        changed = true;
      } else if (p.kind === "ringing" && (call.ringingSince === undefined || announce.has(call.id))) {
        if (call.ringingSince === undefined) {
          call.ringingSince = now;
          // Rung only by push (no dashboard of those hosts is available): it rings longer.
          call.byPush = p.hosts.every((name) => hosts.find((h) => h.name === name)?.byPush);
          call.pushedTo = p.hosts;
          this.push.callRinging(call, p.hosts, now + this.ringTimeout(call));
        }
        call.position = undefined;
        this.conns.sendTo(call.visitorConn, { type: "ringing", callId: call.id, media: call.media, ...(call.byPush ? { via: "push" as const } : {}) });
        changed = true;
      } else if (p.kind === "paused" && call.ringingSince !== undefined) {
        call.ringingSince = undefined; // rings again, afresh, if the visitor comes back
        changed = true;
      } else if (p.kind === "queued" && (call.position !== p.position || call.ringingSince !== undefined || announce.has(call.id))) {
        call.ringingSince = undefined;
        call.position = p.position;
        this.conns.sendTo(call.visitorConn, { type: "queued", callId: call.id, media: call.media, position: p.position });
        changed = true;
      }
    }
    if (changed) this.save();
    this.publish(exclude);
    this.schedule(exclude);
  }

  /**
   * Push presence to everyone when changed (hosts: whether any host is
   * available; visitors: that within the business hours, see
   * {@link visitorPresence}), and queue/host snapshots to hosts.
   */
  private publish(exclude: string | undefined): void {
    const hosts = this.hostPresence(exclude);
    const hostsPresence = this.hostsPresence(exclude, hosts);
    const toHosts = JSON.stringify(hostsPresence);
    const toVisitors = JSON.stringify(this.visitorPresence(hostsPresence));
    const presence = `${toHosts}\n${toVisitors}`;
    if (presence !== this.lastPresence) {
      this.lastPresence = presence;
      for (const c of this.conns.all()) if (c.id !== exclude) this.conns.sendRaw(c, isHost(c) ? toHosts : toVisitors);
    }
    const busy = new Set(this.calls.filter((c) => c.state === "active").map((c) => c.host));
    const placements = placeCalls(this.calls, hosts);
    const hostsFrame = JSON.stringify({ type: "hosts", hosts: hosts.map(({ name, available, present }) => ({ name, available: present ?? available, inCall: busy.has(name) })) } satisfies ServerMessage);
    for (const conn of this.conns.live("host", exclude)) {
      const me = conn.state!.name;
      const queue = JSON.stringify({
        type: "queue",
        calls: placements.map((p) => ({
          callId: p.call.id,
          name: p.call.name,
          email: p.call.email,
          page: p.call.page,
          conversationId: p.call.conversationId,
          media: p.call.media,
          state: p.kind === "ringing" ? "ringing" : p.kind === "paused" ? "reconnecting" : "queued",
          position: p.kind === "queued" ? p.position : undefined,
          since: p.call.requestedAt,
          ringsHere: p.kind === "ringing" && p.hosts.includes(me),
        })),
      } satisfies ServerMessage);
      const last = this.lastSent.get(conn.id);
      this.lastSent.set(conn.id, { hosts: hostsFrame, queue });
      if (last?.hosts !== hostsFrame) this.conns.sendRaw(conn, hostsFrame);
      if (last?.queue !== queue) this.conns.sendRaw(conn, queue);
    }
  }

  /** A conversation was deleted: its missed calls go from the list too. */
  forget(conversationId: string): void {
    if (!this.missed.some((m) => m.conversationId === conversationId)) return;
    this.missed = this.missed.filter((m) => m.conversationId !== conversationId);
    void this.storage.put("missed", this.missed);
    this.conns.toHosts({ type: "missed", calls: this.missed });
  }

  // ------------------------------------------------------------------ time

  /**
   * How long (ms) a call waits for its visitor's dropped socket: `RESUME_GRACE_S`;
   * `UNSIGNALED_GRACE_S` for an accepted call whose visitor never signaled
   * (nothing can have connected: a page that closed is told to the host
   * within seconds, while a reconnect still finds its call).
   */
  private visitorGraceMs(call: CallRecord): number {
    return (call.state === "active" && !call.visitorSignaled ? UNSIGNALED_GRACE_S : RESUME_GRACE_S) * 1000;
  }

  /** When the calls next need the alarm: ring timeouts and grace expiries (ms since the epoch). */
  deadlines(): number[] {
    const out: number[] = [];
    for (const c of this.calls) {
      if (c.ringingSince !== undefined) out.push(c.ringingSince + this.ringTimeout(c));
      if (c.visitorGoneAt !== undefined) out.push(c.visitorGoneAt + this.visitorGraceMs(c));
      if (c.hostGoneAt !== undefined) out.push(c.hostGoneAt + RESUME_GRACE_S * 1000);
    }
    return out;
  }

  /**
   * Rings that timed out become missed calls; calls whose socket did not come
   * back within the grace end: `failed` when the visitor never signaled,
   * else `disconnected`.
   */
  expire(now: number): void {
    for (const call of this.calls.filter((c) => c.ringingSince !== undefined && now - c.ringingSince >= this.ringTimeout(c))) {
      this.remove(call);
      this.conns.sendTo(call.visitorConn, { type: "ended", callId: call.id, reason: "no-answer" });
      const missed: MissedCall = { callId: call.id, name: call.name, media: call.media, at: now, conversationId: call.conversationId };
      this.missed = [missed, ...this.missed].slice(0, MISSED_KEPT);
      void this.storage.put("missed", this.missed);
      this.conns.toHosts({ type: "missed", calls: this.missed });
      this.logged(call, "missed", now);
    }
    const graceMs = RESUME_GRACE_S * 1000;
    for (const call of [...this.calls]) {
      const visitorLost = call.visitorGoneAt !== undefined && now - call.visitorGoneAt >= this.visitorGraceMs(call);
      const hostLost = call.hostGoneAt !== undefined && now - call.hostGoneAt >= graceMs;
      if (visitorLost || hostLost) {
        if (call.state === "active") this.end(call, visitorLost && !call.visitorSignaled ? "failed" : "disconnected");
        else {
          this.remove(call);
          this.logged(call, "cancelled", now);
        }
      }
    }
  }
}
