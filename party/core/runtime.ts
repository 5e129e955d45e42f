/**
 * What a room needs from the runtime it runs on, and nothing more: its
 * connections (by id and by tag), Durable Object storage with one alarm, and
 * its env. PartyKit (`party/server.ts`, `party/yjs.ts`) and PartyServer on a
 * Cloudflare Worker (`party/worker.ts`) each hand their own objects to the
 * room through this narrow shape; the unit tests hand it an in-memory one.
 *
 * The storage methods are the subset of the Durable Object Storage API
 * (https://developers.cloudflare.com/durable-objects/api/storage-api/) the
 * rooms use; values are structured-cloned and at most 128 KiB each.
 * @module
 */

/** A WebSocket frame as runtimes deliver it. */
export type Frame = string | ArrayBuffer | ArrayBufferView;

/** One WebSocket, as the room sees it. */
export interface Connection<S = unknown> {
  /** Connection id, unique among the room's open connections. */
  readonly id: string;
  /** State kept with the socket (survives hibernation; ≤ 2 KiB serialized with the URL). */
  readonly state: S | null;
  setState(state: S | null): unknown;
  /** Send one text frame; throws when the socket is closing. */
  send(frame: string): void;
  /** Close with a WebSocket close code (RFC 6455 §7.4) and a reason. */
  close(code?: number, reason?: string): void;
}

/** Durable Object storage, as the rooms use it. */
export interface Storage {
  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
  put<T>(key: string, value: T): Promise<void>;
  put<T>(entries: Record<string, T>): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Delete up to 128 keys at once; the number deleted. */
  delete(keys: string[]): Promise<number>;
  list<T = unknown>(options?: { prefix?: string; reverse?: boolean; limit?: number; start?: string; end?: string }): Promise<Map<string, T>>;
  /** Schedule the room's one alarm at `at` (ms since the epoch), replacing any earlier one. */
  setAlarm(at: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/** One room on some runtime. */
export interface RoomRuntime {
  /**
   * The room's name (the `<room>` of `/parties/<party>/<room>`). PartyKit
   * forbids reading it inside an alarm, and in every handler while an alarm
   * is awaiting: rooms read it once, on their first request or socket, and
   * keep it (see `ContactRoom.load`).
   */
  readonly id: string;
  /** Variables and secrets (`--var`, `.env`, `.dev.vars`, `wrangler secret`). */
  readonly env: Record<string, unknown>;
  readonly storage: Storage;
  getConnection<S>(id: string): Connection<S> | undefined;
  /** Open connections, all or those with `tag` (tags are fixed when a socket opens). */
  getConnections<S>(tag?: string): Iterable<Connection<S>>;
  /**
   * A request to another room of this deployment, by party and room name,
   * straight to it (not through the edge checks): e.g. the sign-in guard.
   * @param path starts with `/`
   */
  fetchRoom(party: "guard", room: string, path: string, init?: RequestInit): Promise<Response>;
}
