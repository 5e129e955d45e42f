/**
 * What every benchmark gets: the run's mode and deadline, and (all but those
 * that need no server) the servers started once for the whole run.
 * @module
 */
import type { RoomTarget } from "./clients.ts";
import type { Deadline } from "./deadline.ts";
import type { BaselineServer, RuntimeTarget, TestServer, SlackStandIn } from "./servers.ts";

/** What every benchmark gets, also those that need no server. */
export interface RunContext {
  /** Tiny sizes; only checks that every figure is produced. */
  quick: boolean;
  deadline: Deadline;
  /** Progress line on stderr. */
  log(message: string): void;
}

/** What the benchmarks that use the servers get. */
export interface BenchContext extends RunContext {
  /** HOST_KEY the room was started with. */
  hostKey: string;
  /** `partykit dev`: the runtime of the benchmarks that run on one (call setup, text). */
  partykit: TestServer;
  /** The room under `partykit dev`. */
  room: RoomTarget;
  /**
   * The rooms on every runtime, `partykit dev` then `wrangler dev`: relay,
   * presence and memory are measured on each, beside one baseline.
   */
  runtimes: RuntimeTarget[];
  /** The plain `ws` server. */
  baseline: BaselineServer;
  /** The Slack stand-in; the room's `SLACK_WEBHOOK_URL` points at it. */
  slack: SlackStandIn;
}

/** A unique room name. */
export function roomName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}
