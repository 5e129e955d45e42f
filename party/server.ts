/**
 * The `main` party on PartyKit (`npx partykit dev`, `npm start`): a thin
 * adapter that hands PartyKit's events to the runtime-neutral room in
 * `core/room.ts`, whose documentation describes the room, and its edge checks
 * to `core/edge.ts`. The same room runs on Cloudflare through `worker.ts`.
 * @module
 */
import type * as Party from "partykit/server";
import { checkRequest, checkSocket } from "./core/edge.ts";
import { ContactRoom } from "./core/room.ts";
import type { Connection, Frame } from "./core/runtime.ts";
import type { State } from "./core/connections.ts";
import { PartykitRuntime } from "./partykit.ts";

type Conn = Connection<State>;

export default class Main implements Party.Server {
  /** Sockets hibernate between frames: idle visitors cost no memory. */
  readonly options = { hibernate: true };
  private readonly core: ContactRoom;
  private readonly runtime: PartykitRuntime;

  constructor(readonly room: Party.Room) {
    this.runtime = new PartykitRuntime(room);
    this.core = new ContactRoom(this.runtime);
  }

  static onBeforeConnect(req: Party.Request, lobby: Party.Lobby): Promise<Party.Request | Response> {
    return checkSocket(req as unknown as Request, lobby.env, lobby.id) as Promise<Party.Request | Response>;
  }

  static onBeforeRequest(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    return checkRequest(req as unknown as Request, lobby.env) as Party.Request | Response;
  }

  getConnectionTags(_conn: Party.Connection, ctx: Party.ConnectionContext): Promise<string[]> {
    return this.core.tags(ctx.request as unknown as Request);
  }

  onStart(): Promise<void> {
    return this.core.onStart();
  }

  onConnect(conn: Party.Connection, ctx: Party.ConnectionContext): Promise<void> {
    this.runtime.remember();
    return this.core.onConnect(conn as unknown as Conn, ctx.request as unknown as Request);
  }

  onMessage(raw: Frame, sender: Party.Connection): Promise<void> {
    return this.core.onMessage(sender as unknown as Conn, raw);
  }

  onClose(conn: Party.Connection): Promise<void> {
    return this.core.onClose(conn as unknown as Conn);
  }

  onError(conn: Party.Connection): Promise<void> {
    return this.core.onError(conn as unknown as Conn);
  }

  onRequest(req: Party.Request): Promise<Response> {
    this.runtime.remember();
    return this.core.onRequest(req as unknown as Request) as Promise<Response>;
  }

  onAlarm(): Promise<void> {
    return this.core.onAlarm();
  }
}

Main satisfies Party.Worker;
