/**
 * What every benchmark gets: the run's mode and deadline, and the servers
 * started once for the whole run.
 * @module
 */
import type { RoomTarget } from "./clients.ts";
import type { Deadline } from "./deadline.ts";
import type { BaselineServer, TestServer, SlackStandIn } from "./servers.ts";

export interface BenchContext {
  /** Tiny sizes; only checks that every figure is produced. */
  quick: boolean;
  deadline: Deadline;
  /** HOST_KEY the room was started with. */
  hostKey: string;
  partykit: TestServer;
  /** The room under `partykit dev`. */
  room: RoomTarget;
  /** The plain `ws` server. */
  baseline: BaselineServer;
  /** The Slack stand-in; the room's `SLACK_WEBHOOK_URL` points at it. */
  slack: SlackStandIn;
  /** Progress line on stderr. */
  log(message: string): void;
}

/** A unique room name. */
export function roomName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}
