/**
 * The `yjs` party on PartyKit: a thin adapter over the runtime-neutral
 * y-webrtc signaling room in `core/yjs.ts` (which documents it) and its edge
 * check in `core/edge.ts`. The same room runs on Cloudflare through `worker.ts`.
 * @module
 */
import type * as Party from "partykit/server";
import { checkYjsSocket } from "./core/edge.ts";
import type { Connection, Frame } from "./core/runtime.ts";
import { YjsRoom } from "./core/yjs.ts";
import type { SignalingState } from "./core/yjs-protocol.ts";
import { PartykitRuntime } from "./partykit.ts";

type Conn = Connection<SignalingState>;

export default class Yjs implements Party.Server {
  /** Sockets hibernate between frames: idle peers cost no memory. */
  readonly options = { hibernate: true };
  private readonly core: YjsRoom;

  constructor(readonly room: Party.Room) {
    this.core = new YjsRoom(new PartykitRuntime(room));
  }

  static onBeforeConnect(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    return checkYjsSocket(req as unknown as Request, lobby.env) as Party.Request | Response;
  }

  onRequest(req: Party.Request): Response {
    return this.core.onRequest(req as unknown as Request);
  }

  onMessage(raw: Frame, sender: Party.Connection): void {
    this.core.onMessage(sender as unknown as Conn, raw);
  }

  onClose(conn: Party.Connection): void {
    this.core.onClose(conn as unknown as Conn);
  }

  onError(conn: Party.Connection): void {
    this.core.onClose(conn as unknown as Conn);
  }
}

Yjs satisfies Party.Worker;
