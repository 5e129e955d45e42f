/**
 * Meetings: calls of up to `MAX_MEETING_SIZE` people joined by invite link
 * (see the meeting frames of `protocol/socket.ts`).
 *
 * Each meeting is kept in room storage under `meeting:<id>` (so it survives a
 * restart): its invite token (128 random bits, base64url), title, the PIN's
 * HMAC-SHA256 under the room's secret (never the PIN), expiry, capacity,
 * state, its participants (hosts and guests, each with a random participant
 * id and a rejoin key) and the rejoin keys of those a host removed.
 *
 * A socket is in at most one meeting at a time; which one, and as whom, is in
 * its connection state (`meeting`), so it survives hibernation. Signaling is
 * relayed only between two admitted, connected participants of the same
 * meeting. A participant whose socket drops keeps its place for
 * `RESUME_GRACE_S` seconds (`droppedAt`), then leaves.
 *
 * Wrong PINs: each try spends a token of its client address's `pin` bucket
 * before the PIN is checked (given back when it was right), so a guesser
 * soon gets `rate_limited` while other addresses, and hosts (who need no
 * PIN), are never affected. Each meeting also counts its wrong PINs
 * ({@link MEETING_PIN_RATE}): once a meeting's allowance is spent, even the
 * right PIN no longer admits at once — the guest waits for a host to admit
 * it instead — so guessing from many addresses gains nothing and rightful
 * guests are still never turned away.
 *
 * A removed guest is out for good under its rejoin key; one coming back
 * without it (storage cleared, another browser) from the same client address
 * is not admitted by the PIN but waits for a host, who sees it by name. The
 * waiting room holds `MAX_MEETING_SIZE * 2` guests, at most
 * {@link MAX_WAITING_PER_ADDRESS} from one client address, so one stranger
 * with the link cannot fill it and keep the rightful guests out. Both rules
 * need the address Cloudflare's edge reports; without one (local dev servers)
 * they do not apply.
 * @module
 */
import {
  MAX_MEETINGS,
  MAX_MEETING_SIZE,
  RESUME_GRACE_S,
  type ClientMessage,
  type MeetingSummary,
  type MessageOf,
  type ServerMessage,
} from "../../protocol/socket.ts";
import { newNonce } from "./auth.ts";
import type { RoomConfig } from "./config.ts";
import { UNKNOWN_ADDRESS, isHost, isVisitor, type Connections, type MeetingSeat, type State } from "./connections.ts";
import { take, type Bucket, type Rate } from "./limits.ts";
import type { Connection, Storage } from "./runtime.ts";
import { iceServersFor } from "./turn.ts";

/** Guests from one client address that may wait to be admitted to one meeting at a time. */
export const MAX_WAITING_PER_ADDRESS = 2;

/** Wrong PINs one meeting takes before the right PIN stops admitting at once: 20, then one a minute. */
export const MEETING_PIN_RATE: Rate = { burst: 20, perSecond: 1 / 60 };

interface Participant {
  id: string;
  name: string;
  host: boolean;
  state: "waiting" | "admitted";
  /** Secret to take this place again after a dropped socket. */
  key: string;
  /** The socket in the meeting now; absent while dropped. */
  conn?: string;
  /** When its socket dropped (ms since the epoch). */
  droppedAt?: number;
  /** A guest's client address when it joined (`cf-connecting-ip`); absent for hosts. */
  address?: string;
}

interface Meeting {
  id: string;
  token: string;
  title: string;
  /** HMAC-SHA256 of the PIN under the room's secret, base64url; absent: no PIN. */
  pinHash?: string;
  createdAt: number;
  expiresAt: number;
  capacity: number;
  state: "open" | "ended";
  participants: Participant[];
  /** Rejoin keys of participants a host removed. */
  removed: string[];
  /** Client addresses of guests a host removed (the last 100): a newcomer from one waits for a host. Absent in meetings stored before it. */
  removedAddresses?: string[];
  /** Wrong PINs tried (see {@link MEETING_PIN_RATE}). */
  pinBucket?: Bucket;
}

const KEY_PREFIX = "meeting:";
const GRACE_MS = RESUME_GRACE_S * 1000;
const encoder = new TextEncoder();

/** 16 random bytes, base64url (22 characters): a meeting's invite token. */
function newToken(): string {
  return newNonce();
}

async function pinHash(secret: string, meetingId: string, pin: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`pin:${meetingId}:${pin}`)));
}

function toB64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Constant-time equality of two byte strings of the same length. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** The two peers of a one-to-one call that becomes a meeting (see `MeetingDesk.create`). */
export interface CallPeers {
  callId: string;
  hostConn: string;
  visitorConn: string;
  /** The caller's name as the call has it ("Visitor" when it gave none). */
  visitorName: string;
}

/** What the meeting desk needs from the room. */
export interface MeetingDeps {
  storage: Storage;
  conns: Connections;
  config: () => RoomConfig;
  /** The room's signing secret (for PIN hashes). */
  secret: () => string;
  /** Spend a token of the address's `pin` bucket; false when empty. */
  spendPin: (address: string, now: number) => boolean;
  /** Give back the token spent for a right PIN. */
  refundPin: (address: string) => void;
  /** Set the room's alarm again (a grace or expiry to wait for). */
  schedule: () => void;
}

export class MeetingDesk {
  private readonly meetings = new Map<string, Meeting>();

  constructor(private readonly deps: MeetingDeps) {}

  /** Read every meeting from storage (once, when the room starts). */
  async load(): Promise<void> {
    const stored = await this.deps.storage.list<Meeting>({ prefix: KEY_PREFIX });
    for (const m of stored.values()) this.meetings.set(m.id, m);
  }

  private save(m: Meeting): Promise<void> {
    return this.deps.storage.put(KEY_PREFIX + m.id, m);
  }

  private stateOf(m: Meeting, now: number): MeetingSummary["state"] {
    if (m.state === "ended") return "ended";
    return now >= m.expiresAt ? "expired" : "open";
  }

  /** The `meetings` frame for the dashboards. */
  frame(now = Date.now()): MessageOf<ServerMessage, "meetings"> {
    const meetings = [...this.meetings.values()]
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((m) => ({
        id: m.id,
        token: m.token,
        title: m.title,
        pin: m.pinHash !== undefined,
        createdAt: m.createdAt,
        expiresAt: m.expiresAt,
        capacity: m.capacity,
        state: this.stateOf(m, now),
        participants: m.participants.map((p) => ({ id: p.id, name: p.name, host: p.host, connected: p.conn !== undefined, state: p.state })),
      }));
    return { type: "meetings", meetings };
  }

  private toHosts(): void {
    this.deps.conns.toHosts(this.frame());
  }

  /** Tell every participant of `m` where it stands, and the dashboards the new list. */
  private async publish(m: Meeting): Promise<void> {
    const peers = m.participants
      .filter((p) => p.state === "admitted")
      .map((p) => ({ id: p.id, name: p.name, host: p.host, connected: p.conn !== undefined }));
    for (const p of m.participants) {
      if (p.conn === undefined) continue;
      this.deps.conns.sendTo(p.conn, { type: "meeting", meetingId: m.id, title: m.title, you: p.id, rejoin: p.key, state: p.state, participants: peers, ...(await this.ice(p.conn)) });
    }
    this.toHosts();
  }

  private async ice(connId: string): Promise<{ iceServers: MessageOf<ServerMessage, "meeting">["iceServers"]; iceTransportPolicy: MessageOf<ServerMessage, "meeting">["iceTransportPolicy"] }> {
    const config = this.deps.config();
    return { iceServers: await iceServersFor(config.iceServers, config.turn, connId), iceTransportPolicy: config.iceTransportPolicy };
  }

  /** The socket's seat, when it still stands for a participant of a meeting. */
  private seatOf(conn: Connection<State>): { m: Meeting; p: Participant } | undefined {
    const seat = conn.state?.meeting;
    if (!seat) return undefined;
    const m = this.meetings.get(seat.meetingId);
    const p = m?.participants.find((x) => x.id === seat.participantId);
    return m && p && p.conn === conn.id ? { m, p } : undefined;
  }

  private setSeat(conn: Connection<State>, seat: MeetingSeat | undefined): void {
    const state = conn.state!;
    conn.setState({ ...state, meeting: seat });
  }

  // ------------------------------------------------------------------ hosts

  /**
   * `meeting-create`. With `call` (the sender's active call named by the
   * frame's `callId`), the meeting starts with a place for each of its two
   * peers, kept like a dropped participant's (it lapses after the grace when
   * not taken), and each peer is told its place (`meeting-invite`).
   */
  async create(host: Connection<State>, msg: MessageOf<ClientMessage, "meeting-create">, now: number, call?: CallPeers): Promise<void> {
    if (msg.callId !== undefined && !call) return this.deps.conns.fail(host, "not_found", "No active call of yours with that id");
    if (this.meetings.size >= MAX_MEETINGS) return this.deps.conns.fail(host, "room_full", `At most ${MAX_MEETINGS} meetings; delete one first`);
    const id = crypto.randomUUID();
    const m: Meeting = {
      id,
      token: newToken(),
      title: msg.title,
      ...(msg.pin ? { pinHash: toB64(await pinHash(this.deps.secret(), id, msg.pin)) } : {}),
      createdAt: now,
      expiresAt: now + msg.expiresInS * 1000,
      capacity: msg.capacity ?? MAX_MEETING_SIZE,
      state: "open",
      participants: [],
      removed: [],
    };
    const places = call
      ? ([
          [call.hostConn, { id: crypto.randomUUID(), name: (host.state as { name: string }).name, host: true, state: "admitted", key: newToken(), droppedAt: now }],
          [call.visitorConn, { id: crypto.randomUUID(), name: call.visitorName, host: false, state: "admitted", key: newToken(), droppedAt: now }],
        ] satisfies [string, Participant][])
      : [];
    m.participants = places.map(([, p]) => p);
    this.meetings.set(id, m);
    await this.save(m);
    this.toHosts();
    this.deps.schedule();
    if (!call) return;
    const from = (host.state as { name: string }).name;
    for (const [conn, p] of places) {
      const peer = places.find(([, other]) => other !== p)![1];
      this.deps.conns.sendTo(conn, { type: "meeting-invite", meetingId: id, token: m.token, title: m.title, from, callId: call.callId, rejoin: p.key, peer: peer.id });
    }
  }

  /** `meeting-ring`: host `to`'s dashboards (else every other signed-in host's) are invited into the open meeting. */
  ring(host: Connection<State>, meetingId: string, to: string | undefined, now: number): void {
    const m = this.meetings.get(meetingId);
    if (!m || this.stateOf(m, now) !== "open") return this.deps.conns.fail(host, "not_found", "No open meeting with that id");
    const from = (host.state as { name: string }).name;
    const rung = this.deps.conns.live("host").filter((other) => other.state?.name !== from && (to === undefined || other.state?.name === to));
    if (rung.length === 0) return this.deps.conns.fail(host, "not_found", to === undefined ? "No other host is signed in" : `${to} is not signed in`);
    for (const other of rung) this.deps.conns.sendTo(other.id, { type: "meeting-invite", meetingId: m.id, token: m.token, title: m.title, from });
  }

  private find(conn: Connection<State>, meetingId: string): Meeting | undefined {
    const m = this.meetings.get(meetingId);
    if (!m) this.deps.conns.fail(conn, "not_found", "No such meeting");
    return m;
  }

  /** Close the meeting for everyone in it with `reason`. */
  private closeAll(m: Meeting, reason: MessageOf<ServerMessage, "meeting-closed">["reason"]): void {
    for (const p of m.participants) {
      if (p.conn === undefined) continue;
      const conn = this.deps.conns.get(p.conn);
      if (conn?.state?.meeting?.participantId === p.id) this.setSeat(conn, undefined);
      this.deps.conns.sendTo(p.conn, { type: "meeting-closed", meetingId: m.id, reason });
    }
    m.participants = [];
  }

  /** `meeting-end`: everyone is out; the link refuses `meeting_ended` from now on. */
  async end(host: Connection<State>, meetingId: string): Promise<void> {
    const m = this.find(host, meetingId);
    if (!m) return;
    this.closeAll(m, "ended");
    m.state = "ended";
    await this.save(m);
    this.toHosts();
  }

  /** `meeting-delete`: everyone is out and the meeting is forgotten. */
  async delete(host: Connection<State>, meetingId: string): Promise<void> {
    const m = this.find(host, meetingId);
    if (!m) return;
    this.closeAll(m, "deleted");
    this.meetings.delete(m.id);
    await this.deps.storage.delete(KEY_PREFIX + m.id);
    this.toHosts();
  }

  /** `meeting-remove`: the participant is out and its rejoin key refused from now on. */
  async remove(host: Connection<State>, meetingId: string, participantId: string): Promise<void> {
    const m = this.find(host, meetingId);
    if (!m) return;
    const p = m.participants.find((x) => x.id === participantId);
    if (!p) return this.deps.conns.fail(host, "not_found", "No such participant");
    m.participants = m.participants.filter((x) => x !== p);
    m.removed = [...m.removed, p.key].slice(-100);
    if (p.address !== undefined) m.removedAddresses = [...(m.removedAddresses ?? []), p.address].slice(-100);
    if (p.conn !== undefined) {
      const conn = this.deps.conns.get(p.conn);
      if (conn?.state?.meeting?.participantId === p.id) this.setSeat(conn, undefined);
      this.deps.conns.sendTo(p.conn, { type: "meeting-closed", meetingId: m.id, reason: "removed" });
    }
    await this.save(m);
    await this.publish(m);
  }

  /** `meeting-admit`: a waiting participant is in, when there is room. */
  async admit(host: Connection<State>, meetingId: string, participantId: string): Promise<void> {
    const m = this.find(host, meetingId);
    if (!m) return;
    const p = m.participants.find((x) => x.id === participantId);
    if (!p) return this.deps.conns.fail(host, "not_found", "No such participant");
    if (p.state === "admitted") return;
    if (this.admitted(m) >= m.capacity) return this.deps.conns.fail(host, "meeting_full", "The meeting is full");
    p.state = "admitted";
    await this.save(m);
    await this.publish(m);
  }

  private admitted(m: Meeting): number {
    return m.participants.filter((p) => p.state === "admitted").length;
  }

  // ------------------------------------------------------------------ everyone

  /** `meeting-join`. */
  async join(conn: Connection<State>, msg: MessageOf<ClientMessage, "meeting-join">, now: number): Promise<void> {
    const conns = this.deps.conns;
    const m = [...this.meetings.values()].find((x) => x.token === msg.token);
    if (!m) return conns.fail(conn, "not_found", "No such meeting: check the link");
    if (m.state === "ended") return conns.fail(conn, "meeting_ended", "This meeting has ended");
    if (now >= m.expiresAt) return conns.fail(conn, "meeting_expired", "This meeting link has expired");
    if (msg.rejoin !== undefined && m.removed.includes(msg.rejoin)) return conns.fail(conn, "removed", "A host removed you from this meeting");
    // Leave any other meeting first: one seat per socket.
    const current = this.seatOf(conn);
    if (current && current.m !== m) await this.leave(conn);
    const host = isHost(conn);
    // Taking one's place again: the same participant, its socket replaced.
    const back = msg.rejoin !== undefined ? m.participants.find((p) => p.key === msg.rejoin) : current?.p;
    if (back) {
      const old = back.conn;
      back.conn = conn.id;
      delete back.droppedAt;
      if (old && old !== conn.id) {
        const oldConn = conns.get(old);
        if (oldConn?.state?.meeting?.participantId === back.id) this.setSeat(oldConn, undefined);
      }
      this.setSeat(conn, { meetingId: m.id, participantId: back.id });
      await this.save(m);
      return this.publish(m);
    }
    let admit = host;
    const from = isVisitor(conn) ? conn.state!.address : undefined;
    // Locally (no edge) every client shares "unknown": the rules per address below then do not apply.
    const address = from !== UNKNOWN_ADDRESS ? from : undefined;
    if (!host && m.pinHash !== undefined) {
      const bucket = from ?? "host";
      if (!this.deps.spendPin(bucket, now)) return conns.fail(conn, "rate_limited", "Too many wrong PINs from your address; wait a minute");
      const given = await pinHash(this.deps.secret(), m.id, msg.pin ?? "");
      const expected = Uint8Array.from(atob(m.pinHash), (c) => c.charCodeAt(0));
      if (!sameBytes(given, expected)) {
        m.pinBucket = take(m.pinBucket, MEETING_PIN_RATE, now).bucket;
        await this.save(m);
        return conns.fail(conn, "wrong_pin", "That PIN is not this meeting's");
      }
      this.deps.refundPin(bucket);
      // Past the meeting's allowance of wrong PINs, the right one no longer admits by itself.
      admit = take(m.pinBucket, MEETING_PIN_RATE, now, 0).bucket.tokens >= 1;
      // Someone from where a removed guest was: a host decides.
      if (address !== undefined && m.removedAddresses?.includes(address)) admit = false;
    }
    if (admit && this.admitted(m) >= m.capacity) return conns.fail(conn, "meeting_full", "This meeting is full");
    if (!admit) {
      const waiting = m.participants.filter((p) => p.state === "waiting");
      if (address !== undefined && waiting.filter((p) => p.address === address).length >= MAX_WAITING_PER_ADDRESS) {
        return conns.fail(conn, "rate_limited", "Too many people from your address are waiting to join this meeting");
      }
      if (waiting.length >= MAX_MEETING_SIZE * 2) return conns.fail(conn, "meeting_full", "Too many people are waiting to join this meeting");
    }
    const p: Participant = {
      id: crypto.randomUUID(),
      name: host ? (conn.state as { name: string }).name : msg.name,
      host,
      state: admit ? "admitted" : "waiting",
      // The key the client chose for its first try, so a retry over a new socket finds this place.
      key: msg.rejoin ?? newToken(),
      conn: conn.id,
      ...(address !== undefined ? { address } : {}),
    };
    m.participants.push(p);
    this.setSeat(conn, { meetingId: m.id, participantId: p.id });
    await this.save(m);
    await this.publish(m);
  }

  /** `meeting-leave`: the participant is out for good. */
  async leave(conn: Connection<State>): Promise<void> {
    const seat = this.seatOf(conn);
    this.setSeat(conn, undefined);
    if (!seat) return;
    seat.m.participants = seat.m.participants.filter((p) => p !== seat.p);
    await this.save(seat.m);
    await this.publish(seat.m);
  }

  /** `meeting-signal`: relay to participant `to`, both admitted in the same meeting. */
  signal(conn: Connection<State>, msg: MessageOf<ClientMessage, "meeting-signal">): void {
    const seat = this.seatOf(conn);
    if (!seat || seat.p.state !== "admitted") return this.deps.conns.fail(conn, "forbidden", "Join a meeting before signaling");
    const to = seat.m.participants.find((p) => p.id === msg.to && p.state === "admitted" && p !== seat.p);
    if (!to?.conn) return this.deps.conns.fail(conn, "not_found", "That participant is not in the meeting now");
    const generation = msg.generation ? { generation: msg.generation } : {};
    this.deps.conns.sendTo(
      to.conn,
      msg.description
        ? { type: "meeting-signal", from: seat.p.id, description: msg.description, ...generation }
        : { type: "meeting-signal", from: seat.p.id, candidate: msg.candidate ?? null, ...generation },
    );
  }

  /** A socket closed: its participant keeps its place for the grace. */
  async dropped(conn: Connection<State>, now: number): Promise<void> {
    const seat = this.seatOf(conn);
    if (!seat) return;
    delete seat.p.conn;
    seat.p.droppedAt = now;
    await this.save(seat.m);
    await this.publish(seat.m);
    this.deps.schedule();
  }

  /** Whether any participant's socket is in a meeting (the room then pings to tell dead sockets). */
  get active(): boolean {
    for (const m of this.meetings.values()) if (m.participants.some((p) => p.conn !== undefined)) return true;
    return false;
  }

  /** When the room must next wake: a grace ending, or an open meeting expiring. */
  deadlines(now: number): number[] {
    const out: number[] = [];
    for (const m of this.meetings.values()) {
      if (m.state === "open" && m.expiresAt > now && m.participants.length > 0) out.push(m.expiresAt);
      for (const p of m.participants) if (p.droppedAt !== undefined) out.push(p.droppedAt + GRACE_MS);
    }
    return out;
  }

  /** Participants whose grace ran out leave; meetings past their expiry close for those in them. */
  async expire(now: number): Promise<void> {
    for (const m of this.meetings.values()) {
      let changed = false;
      if (m.state === "open" && now >= m.expiresAt && m.participants.length > 0) {
        this.closeAll(m, "expired");
        changed = true;
      }
      const kept = m.participants.filter((p) => p.droppedAt === undefined || now < p.droppedAt + GRACE_MS);
      if (kept.length !== m.participants.length) {
        m.participants = kept;
        changed = true;
      }
      if (changed) {
        await this.save(m);
        await this.publish(m);
      }
    }
  }
}
