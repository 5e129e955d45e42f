/**
 * The call queue, as pure functions over the room's call records: who rings,
 * who waits and at which position, who has been declined by everyone.
 *
 * Rules:
 * - Waiting calls are served in request order.
 * - A host is *free* when available and not in a call. With F free hosts the
 *   first F waiting calls ring, each at every free host that has not declined
 *   it; the first host to accept gets it.
 * - The rest wait in line; `position` counts from 1 among those not ringing.
 * - A call every free host has declined is declined.
 * - A call whose visitor is reconnecting keeps its place but neither rings
 *   nor counts in others' positions.
 * @module
 */
import type { CallMedia } from "../../protocol/socket.ts";

/** One call, from request to hang-up, as kept in room storage. */
export interface CallRecord {
  id: string;
  /** The visitor's stable id (survives reconnects through the resume token). */
  visitorId: string;
  /** The visitor's current connection id. */
  visitorConn: string;
  /**
   * Who is calling: given with the call, or from the visitor's conversation
   * (`page` shortened to its origin and path, at most 256 characters: every
   * call is kept in one stored value, see `MAX_QUEUE_LIMIT`).
   */
  name?: string;
  email?: string;
  page?: string;
  /** The visitor's conversation, where the call has its entry. */
  conversationId?: string;
  media: CallMedia;
  /** When the visitor asked, ms since the epoch; with `seq`, the queue order. */
  requestedAt: number;
  seq: number;
  state: "waiting" | "active";
  /** The visitor has sent a signal (an answer, a candidate) for this call since it was accepted. */
  visitorSignaled?: boolean;
  /** When it started ringing (ms), while it rings. */
  ringingSince?: number;
  /** Rung only on hosts' devices by push (no dashboard available): it rings for `RING_TIMEOUT_PUSH_S`. */
  byPush?: boolean;
  /** The hosts it rang at when it started ringing: their devices hear how it ended. */
  pushedTo?: string[];
  /** Last position told to the visitor, while it waits in line. */
  position?: number;
  /** Host names that declined it. */
  declinedBy: string[];
  /** Host name and connection id, once accepted. */
  host?: string;
  hostConn?: string;
  /** When a host accepted it, ms since the epoch. */
  acceptedAt?: number;
  /** The seq of the call's entry in its conversation, once stored. */
  logSeq?: number;
  /** The nonce of the visitor's current resume token: a resume must present it, and gets a new one. */
  resumeNonce?: string;
  /**
   * The nonce the last resume spent, honoured once more while the socket that
   * spent it is gone without having sent a frame: its new token may never
   * have reached the visitor (the socket or the room died right after the
   * resume). Cleared by the first frame from the visitor's socket.
   */
  spentNonce?: string;
  /** The connection id of the socket that spent {@link spentNonce}. */
  spentBy?: string;
  /** Set while the visitor's / host's socket is gone (ms), for the resume grace. */
  visitorGoneAt?: number;
  hostGoneAt?: number;
}

/** A signed-in host, aggregated over its connections. */
export interface HostPresence {
  name: string;
  /** Calls may ring this host: available at a dashboard that can take calls, or by push. */
  available: boolean;
  /**
   * Available at some dashboard, for messages at least (one whose browser
   * cannot take calls included); absent: the same as `available`.
   */
  present?: boolean;
}

/** What each waiting call should be now. */
export type Placement =
  | { call: CallRecord; kind: "ringing"; hosts: string[] }
  | { call: CallRecord; kind: "queued"; position: number }
  | { call: CallRecord; kind: "declined" }
  | { call: CallRecord; kind: "paused" };

/** Queue order: request time, then arrival sequence. */
export function byRequest(a: CallRecord, b: CallRecord): number {
  return a.requestedAt - b.requestedAt || a.seq - b.seq;
}

/** Names of hosts that are available and not in a call. */
export function freeHosts(calls: readonly CallRecord[], hosts: readonly HostPresence[]): string[] {
  const busy = new Set(calls.filter((c) => c.state === "active").map((c) => c.host));
  return hosts.filter((h) => h.available && !busy.has(h.name)).map((h) => h.name);
}

/** Place every waiting call (see the module rules). */
export function placeCalls(calls: readonly CallRecord[], hosts: readonly HostPresence[]): Placement[] {
  const free = freeHosts(calls, hosts);
  const waiting = calls.filter((c) => c.state === "waiting").sort(byRequest);
  const placements: Placement[] = [];
  let ringing = 0;
  let position = 0;
  for (const call of waiting) {
    if (call.visitorGoneAt !== undefined) {
      placements.push({ call, kind: "paused" });
      continue;
    }
    const targets = free.filter((h) => !call.declinedBy.includes(h));
    if (free.length > 0 && targets.length === 0) {
      placements.push({ call, kind: "declined" });
      continue;
    }
    if (ringing < free.length && targets.length > 0) {
      ringing++;
      placements.push({ call, kind: "ringing", hosts: targets });
    } else {
      placements.push({ call, kind: "queued", position: ++position });
    }
  }
  return placements;
}
