/**
 * The room's connections: who each socket is (visitor or signed-in host),
 * their liveness and rate limits (kept in connection state, so they survive
 * hibernation), host presence, and sending frames.
 *
 * Tags, fixed when a socket opens (see `edge.ts` and `ContactRoom.tags`):
 * `host` or `visitor`, and for a visitor that came back with a conversation
 * token, `c:<conversationId>` so its conversation's messages reach it without
 * a scan of every socket.
 * @module
 */
import type { ErrorCode, ServerMessage } from "../../protocol/socket.ts";
import type { Agent } from "./agent.ts";
import { ADDRESS_RATES, RATES, take, type AddressRateName, type Bucket, type RateName } from "./limits.ts";
import type { HostPresence } from "./queue.ts";
import type { Connection, RoomRuntime } from "./runtime.ts";

/** Silence after which a host (or a visitor with a call) is taken as gone, in ms. */
export const LIVENESS_TIMEOUT_MS = 7_000;
/** How often the room pings hosts and calling visitors, in ms. */
export const PING_INTERVAL_MS = 2_000;

interface Common {
  /** Last frame received, ms since the epoch. */
  lastSeen: number;
  buckets: Partial<Record<RateName, Bucket>>;
  /** Set when the room closed this socket for silence. */
  gone?: boolean;
  /** The meeting this socket is in, and as which participant (see `meetings.ts`). */
  meeting?: MeetingSeat;
}

/** Where a socket stands in a meeting (its connection state's `meeting`). */
export interface MeetingSeat {
  meetingId: string;
  participantId: string;
}
/** A visitor's connection state. */
export interface VisitorState extends Common {
  role: "visitor";
  /** Stable across reconnects through the resume token. */
  visitorId: string;
  /** The conversation this browser keeps (from its conversation token, or new). */
  conversationId: string;
  /** The client's address (`cf-connecting-ip`), for the limits per address. */
  address: string;
  /** The nonce of the resume token this socket was given: a call it makes can be resumed with that token once. */
  resumeNonce: string;
  /** Browser, OS and device from the socket's `User-Agent`. */
  agent?: Agent;
}
/** A signed-in host's connection state. */
export interface HostState extends Common {
  role: "host";
  name: string;
  available: boolean;
  /**
   * Whether this dashboard's browser can take calls, as its last `available`
   * frame's `capabilities` said (`missingForCall("audio", …)` empty); absent
   * (not said) counts as able.
   */
  calls?: boolean;
  /** The host token the socket opened with, checked again on every alarm (expiry, revoked keys). */
  token: string;
  /** The room's origin (`http(s)://…`) as this dashboard reached it: pushes to devices it adds point there. */
  origin?: string;
}
export type State = VisitorState | HostState;
export type VisitorConn = Connection<VisitorState>;
export type HostConn = Connection<HostState>;
export type Conn = VisitorConn | HostConn;

/** The tag of the visitor sockets that opened with conversation `id`'s token. */
export const conversationTag = (id: string): string => `c:${id}`;
/** The tag of the visitor sockets from one client address. */
export const addressTag = (address: string): string => `a:${address.slice(0, 64)}`;
/** The client's address as the edge reports it (`cf-connecting-ip`); locally every client is "unknown". */
export const addressOf = (request: Request): string => (request.headers.get("cf-connecting-ip") ?? UNKNOWN_ADDRESS).slice(0, 64);
/** The address of every client when no edge reports one (`partykit dev`, `wrangler dev`). */
export const UNKNOWN_ADDRESS = "unknown";
/** Client addresses whose buckets are kept before the table starts afresh. */
const ADDRESSES_KEPT = 10_000;

export function isVisitor(conn: Connection<State>): conn is VisitorConn {
  return conn.state?.role === "visitor";
}
export function isHost(conn: Connection<State>): conn is HostConn {
  return conn.state?.role === "host";
}

export class Connections {
  /** Buckets per client address (see `ADDRESS_RATES`). */
  private readonly addresses = new Map<string, Partial<Record<AddressRateName, Bucket>>>();

  constructor(private readonly runtime: RoomRuntime) {}

  /** Spend a token of the address's `rate` bucket. False when it is empty. */
  spendAddress(address: string, rate: AddressRateName, now: number): boolean {
    if (this.addresses.size >= ADDRESSES_KEPT && !this.addresses.has(address)) this.addresses.clear();
    const buckets = this.addresses.get(address) ?? {};
    const { ok, bucket } = take(buckets[rate], ADDRESS_RATES[rate], now);
    this.addresses.set(address, { ...buckets, [rate]: bucket });
    return ok;
  }

  /** Give back a token of the address's `rate` bucket (a try that turned out rightful). */
  refundAddress(address: string, rate: AddressRateName): void {
    const buckets = this.addresses.get(address);
    const bucket = buckets?.[rate];
    if (buckets && bucket) this.addresses.set(address, { ...buckets, [rate]: { tokens: Math.min(ADDRESS_RATES[rate].burst, bucket.tokens + 1), at: bucket.at } });
  }

  /** The open connection `id`; never throws (a runtime that finds two sockets under one id throws). */
  get(id: string): Connection<State> | undefined {
    try {
      return this.runtime.getConnection<State>(id);
    } catch (err) {
      console.error(`connection ${id.slice(0, 40)}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Open, not closed-for-silence connections with `tag`, except `exclude`. */
  live(tag: "host", exclude?: string): HostConn[];
  live(tag: string, exclude?: string): VisitorConn[];
  live(tag: string, exclude?: string): Conn[] {
    const host = tag === "host";
    const out: Conn[] = [];
    for (const c of this.runtime.getConnections<State>(tag)) {
      if (c.id === exclude || c.state?.gone) continue;
      if (host && isHost(c)) out.push(c);
      else if (!host && isVisitor(c)) out.push(c);
    }
    return out;
  }

  /** Every open connection (presence broadcasts). */
  all(): Iterable<Connection<State>> {
    return this.runtime.getConnections<State>();
  }

  /**
   * Signed-in hosts by name: `present` when any of their sockets is
   * available, `available` (for calls) when any available socket's browser
   * can take calls.
   */
  hostPresence(exclude?: string): HostPresence[] {
    const byName = new Map<string, HostPresence>();
    for (const h of this.live("host", exclude)) {
      const { name, available, calls } = h.state!;
      const seen = byName.get(name) ?? { name, available: false, present: false };
      byName.set(name, { name, available: seen.available || (available && calls !== false), present: seen.present || available });
    }
    return [...byName.values()];
  }

  /**
   * Spend a token of `rate` from the connection's bucket, and record that it
   * was heard from now. False when the bucket is empty.
   */
  spend(conn: Connection<State>, rate: RateName, now: number): boolean {
    const state = conn.state!;
    const { ok, bucket } = take(state.buckets[rate], RATES[rate], now);
    conn.setState({ ...state, lastSeen: now, buckets: { ...state.buckets, [rate]: bucket } });
    return ok;
  }

  /** Send a serialized frame; a closing socket is left to its close handler. */
  sendRaw(conn: Connection<unknown>, frame: string): void {
    try {
      conn.send(frame);
    } catch {
      // The socket is closing; onClose will clean up.
    }
  }

  send(conn: Connection<unknown>, msg: ServerMessage): void {
    this.sendRaw(conn, JSON.stringify(msg));
  }

  /** Send to a connection by id, when it is still here. */
  sendTo(connId: string, msg: ServerMessage): void {
    const conn = this.get(connId);
    if (conn && !conn.state?.gone) this.send(conn, msg);
  }

  toHosts(msg: ServerMessage): void {
    const frame = JSON.stringify(msg);
    for (const h of this.live("host")) this.sendRaw(h, frame);
  }

  /** An error frame; `message` is for the console and logs, never echoes input. */
  fail(conn: Connection<unknown>, code: ErrorCode, message: string): void {
    this.send(conn, { type: "error", code, message });
  }

  /** Close a socket, ignoring one that is already closed. */
  close(conn: Connection<unknown>, code?: number, reason?: string): void {
    try {
      conn.close(code, reason);
    } catch {
      // already closed
    }
  }
}
