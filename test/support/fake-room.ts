/// <reference types="node" />
/**
 * An in-memory runtime for the room's core (`RoomRuntime`), for unit tests of
 * its logic (queue, timeouts, resume) without a server: storage is a Map, the
 * alarm is a number you fire by hand, connections record what they were sent.
 * End-to-end tests use the real `partykit dev` and `wrangler dev` instead.
 * @module
 */
import { issueHostToken } from "../../party/core/auth.ts";
import { parseHosts } from "../../party/core/config.ts";
import { SignInGuard } from "../../party/core/guard.ts";
import { ContactRoom } from "../../party/core/room.ts";
import type { Connection, RoomRuntime } from "../../party/core/runtime.ts";
import type { State } from "../../party/core/connections.ts";
import { endpointInit, endpointPath, readAnswer, type Endpoint, type EndpointAnswer, type EndpointInput } from "../../protocol/http.ts";
import type { ServerMessage } from "../../protocol/socket.ts";

export class FakeConnection {
  state: unknown = null;
  readonly sent: ServerMessage[] = [];
  closed = false;
  tags: string[] = [];
  constructor(readonly id: string) {}
  setState(state: unknown) {
    this.state = state;
    return state;
  }
  send(frame: string) {
    if (this.closed) throw new Error("socket closed");
    this.sent.push(JSON.parse(frame) as ServerMessage);
  }
  /** The close code and reason the room gave, when it closed the socket. */
  closedWith: { code?: number; reason?: string } | undefined;
  close(code?: number, reason?: string) {
    this.closed = true;
    this.closedWith ??= { code, reason };
  }
  /** Frames of one type received so far. */
  of<T extends ServerMessage["type"]>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }
  /** The newest frame of a type. */
  last<T extends ServerMessage["type"]>(type: T): Extract<ServerMessage, { type: T }> | undefined {
    return this.of(type).at(-1);
  }
}

class FakeStorage {
  readonly data = new Map<string, unknown>();
  alarm: number | null = null;
  /** Every call made, as `<method> <keys or prefix>`, for tests of what the room reads and writes. */
  readonly calls: string[] = [];
  get<T>(key: string): Promise<T | undefined>;
  get<T>(keys: string[]): Promise<Map<string, T>>;
  async get(keys: string | string[]): Promise<unknown> {
    this.calls.push(`get ${[keys].flat().join(",")}`);
    if (typeof keys === "string") return structuredClone(this.data.get(keys));
    return new Map(keys.filter((k) => this.data.has(k)).map((k) => [k, structuredClone(this.data.get(k))]));
  }
  put<T>(key: string, value: T): Promise<void>;
  put<T>(entries: Record<string, T>): Promise<void>;
  async put(key: string | Record<string, unknown>, value?: unknown): Promise<void> {
    const entries = typeof key === "string" ? { [key]: value } : key;
    this.calls.push(`put ${Object.keys(entries).join(",")}`);
    for (const [k, v] of Object.entries(entries)) this.data.set(k, structuredClone(v));
  }
  async list<T>(options: { prefix?: string; reverse?: boolean; limit?: number; start?: string; end?: string } = {}): Promise<Map<string, T>> {
    this.calls.push(`list ${options.prefix ?? ""}`);
    // As Durable Object storage: `start` inclusive, `end` exclusive, in key order.
    let keys = [...this.data.keys()]
      .filter((k) => k.startsWith(options.prefix ?? "") && (options.start === undefined || k >= options.start) && (options.end === undefined || k < options.end))
      .sort();
    if (options.reverse) keys.reverse();
    if (options.limit !== undefined) keys = keys.slice(0, options.limit);
    return new Map(keys.map((k) => [k, structuredClone(this.data.get(k) as T)]));
  }
  delete(key: string): Promise<boolean>;
  delete(keys: string[]): Promise<number>;
  async delete(keys: string | string[]): Promise<boolean | number> {
    this.calls.push(`delete ${[keys].flat().join(",")}`);
    if (typeof keys === "string") return this.data.delete(keys);
    if (keys.length > 128) throw new Error("more than 128 keys");
    return keys.filter((k) => this.data.delete(k)).length;
  }
  async setAlarm(at: number): Promise<void> {
    this.alarm = at;
  }
  async deleteAlarm(): Promise<void> {
    this.alarm = null;
  }
}

type Conn = Connection<State>;

/** The deployment's other rooms that a room may call (the sign-in guards), shared by every FakeRoom. */
const guards = new Map<string, SignInGuard>();

/** A room of the `guard` party, by name, as the deployment would start it. */
function guard(name: string): SignInGuard {
  let found = guards.get(name);
  if (!found) {
    const runtime: RoomRuntime = {
      id: name,
      env: {},
      storage: new FakeStorage(),
      getConnection: () => undefined,
      getConnections: () => [],
      fetchRoom: () => Promise.reject(new Error("a guard calls no room")),
    };
    guards.set(name, (found = new SignInGuard(runtime)));
  }
  return found;
}

let counter = 0;

/** A room with one {@link ContactRoom} over fake storage and sockets. */
export class FakeRoom implements RoomRuntime {
  readonly storage = new FakeStorage();
  /** Set while the alarm runs: reading `id` then throws, as PartyKit's does. */
  private alarming = false;
  /** How often `id` was read. */
  idReads = 0;
  /** Connection lookups by tag (`getConnections`), for tests of who is scanned. */
  readonly scans: (string | undefined)[] = [];

  get id(): string {
    if (this.alarming) throw new Error("room.id is not available in onAlarm");
    this.idReads++;
    return "site";
  }
  readonly connections = new Map<string, FakeConnection>();
  server: ContactRoom;

  constructor(public env: Record<string, string>) {
    this.server = this.boot();
  }

  /** A new server instance over the same storage and sockets (a wake-up or restart); it starts before it handles anything. */
  boot(): ContactRoom {
    const server = (this.server = new ContactRoom(this));
    this.started = server.onStart();
    return server;
  }

  private started: Promise<void> = Promise.resolve();

  fetchRoom(party: "guard", name: string, path: string, init?: RequestInit): Promise<Response> {
    return guard(name).onRequest(new Request(`http://127.0.0.1/parties/${party}/${name}${path}`, init));
  }

  getConnection<S>(id: string): Connection<S> | undefined {
    return this.connections.get(id) as Connection<S> | undefined;
  }

  *getConnections<S>(tag?: string): Iterable<Connection<S>> {
    this.scans.push(tag);
    for (const c of this.connections.values()) if (!tag || c.tags.includes(tag)) yield c as Connection<S>;
  }

  /**
   * Open a socket: a visitor (optionally resuming) or the signed-in host
   * `host`; each from an address of its own (documentation range) unless `address` is given.
   */
  async connect(opts: { host?: string; token?: string; resume?: string; conversation?: string; address?: string } = {}): Promise<FakeConnection> {
    const conn = new FakeConnection(`conn-${++counter}`);
    const url = new URL("http://127.0.0.1/parties/main/site");
    if (opts.resume) url.searchParams.set("resume", opts.resume);
    if (opts.conversation) url.searchParams.set("conversation", opts.conversation);
    const headers = new Headers({ "cf-connecting-ip": opts.address ?? `2001:db8::${counter.toString(16)}` });
    if (opts.host) {
      // As the edge passes on a signed-in host: a valid token in the URL, the name in a header.
      const key = parseHosts(this.env.HOSTS, this.env.HOST_KEY).get(opts.host);
      url.searchParams.set("role", "host");
      url.searchParams.set("token", opts.token ?? (key ? await issueHostToken(key, opts.host, "site") : "no-such-host"));
      headers.set("x-contact-me-host", encodeURIComponent(opts.host));
    }
    const request = new Request(url, { headers });
    await this.started;
    conn.tags = await this.server.tags(request);
    this.connections.set(conn.id, conn);
    await this.server.onConnect(conn as Conn, request);
    return conn;
  }

  /** Send a frame from `conn`. */
  async send(conn: FakeConnection, frame: unknown): Promise<void> {
    await this.server.onMessage(conn as Conn, JSON.stringify(frame));
  }

  /** The socket drops (the room sees onClose). */
  async drop(conn: FakeConnection): Promise<void> {
    conn.closed = true;
    this.connections.delete(conn.id);
    await this.server.onClose(conn as Conn);
  }

  /** An HTTP request to the room, e.g. `request("presence")`. */
  async request(path: string, init?: RequestInit): Promise<Response> {
    await this.started;
    return this.server.onRequest(new Request(`http://127.0.0.1/parties/main/site/${path}`, init));
  }

  /**
   * A request to an endpoint described in `protocol/http.ts`, e.g.
   * `call(HOST_SESSION, {body: {key}})`, its answer read with the description
   * (`readAnswer`, which throws when the answer does not match it).
   * @param headers more request headers, e.g. `cf-connecting-ip`
   */
  async call<E extends Endpoint>(endpoint: E, input: EndpointInput<E>, headers: Record<string, string> = {}): Promise<EndpointAnswer<E>> {
    await this.started;
    const init = endpointInit(endpoint, input);
    const url = `http://127.0.0.1${endpointPath(endpoint, "site", input.query)}`;
    return readAnswer(endpoint, await this.server.onRequest(new Request(url, { ...init, headers: { ...init.headers, ...headers } })));
  }

  /**
   * Fire the alarm, as the platform would at its time. While it runs, reading
   * the room's `id` throws, as on PartyKit (there, also in other handlers
   * while the alarm handler awaits).
   */
  async fireAlarm(): Promise<void> {
    await this.started;
    this.storage.alarm = null;
    this.alarming = true;
    try {
      await this.server.onAlarm();
    } finally {
      this.alarming = false;
    }
  }
}
