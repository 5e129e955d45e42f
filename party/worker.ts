/**
 * The Cloudflare Worker: the same rooms as under `partykit dev`, on
 * PartyServer (https://github.com/cloudflare/partykit/tree/main/packages/partyserver),
 * deployed with `wrangler deploy` to the site owner's own account. Two
 * Durable Object classes, `Main` and `Yjs` (bound under those names in
 * `wrangler.jsonc`, so reached at `/parties/main/<room>` and
 * `/parties/yjs/<room>` through `routePartykitRequest`), each a thin adapter
 * over its runtime-neutral room in `core/`; the edge checks of `core/edge.ts`
 * run in the Worker before a request reaches a Durable Object. The demo site,
 * the dashboard and the built script are wrangler's static assets.
 * @module
 */
import { Server, getServerByName, routePartykitRequest, type Connection as PartyConnection, type ConnectionContext, type WSMessage } from "partyserver";
import type { State } from "./core/connections.ts";
import { checkRequest, checkSocket, checkYjsSocket, notFromOutside } from "./core/edge.ts";
import { SignInGuard } from "./core/guard.ts";
import { ContactRoom } from "./core/room.ts";
import type { Connection, RoomRuntime, Storage } from "./core/runtime.ts";
import { YjsRoom } from "./core/yjs.ts";
import type { SignalingState } from "./core/yjs-protocol.ts";

/**
 * The Worker's bindings: the Durable Object namespaces, the R2 bucket files
 * are kept in (`MEDIA`; without it, room storage: see `core/files.ts`), and
 * the room variables and secrets.
 */
interface Env extends Record<string, unknown> {
  Main: DurableObjectNamespace<Main>;
  Yjs: DurableObjectNamespace<Yjs>;
  Guard: DurableObjectNamespace<Guard>;
  MEDIA?: R2Bucket;
}

/** A PartyServer `Server` as the core's {@link RoomRuntime}. */
function runtimeOf(server: Server<Env>, ctx: DurableObjectState, env: Env): RoomRuntime {
  return {
    get id() {
      return server.name;
    },
    env,
    storage: ctx.storage as unknown as Storage,
    getConnection: <S>(id: string) => server.getConnection<S>(id) as unknown as Connection<S> | undefined,
    getConnections: <S>(tag?: string) => server.getConnections<S>(tag) as unknown as Iterable<Connection<S>>,
    fetchRoom: async (party, name, path, init) => {
      const stub = await getServerByName(env.Guard, name);
      return stub.fetch(new Request(`https://${party}.internal/parties/${party}/${name}${path}`, init));
    },
  };
}

const conn = <S>(c: PartyConnection): Connection<S> => c as unknown as Connection<S>;

/** The `main` party: one contact room per site (see `core/room.ts`). */
export class Main extends Server<Env> {
  /** Sockets hibernate between frames: idle visitors cost no memory. */
  static override options = { hibernate: true };
  private readonly core: ContactRoom;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.core = new ContactRoom(runtimeOf(this, ctx, env));
  }

  override getConnectionTags(_conn: PartyConnection, ctx: ConnectionContext): Promise<string[]> {
    return this.core.tags(ctx.request);
  }
  override onStart(): Promise<void> {
    return this.core.onStart();
  }
  override onConnect(c: PartyConnection, ctx: ConnectionContext): Promise<void> {
    return this.core.onConnect(conn<State>(c), ctx.request);
  }
  override onMessage(c: PartyConnection, raw: WSMessage): Promise<void> {
    return this.core.onMessage(conn<State>(c), raw);
  }
  override onClose(c: PartyConnection): Promise<void> {
    return this.core.onClose(conn<State>(c));
  }
  override onError(c: PartyConnection): Promise<void> {
    return this.core.onError(conn<State>(c));
  }
  override onRequest(req: Request): Promise<Response> {
    return this.core.onRequest(req);
  }
  override onAlarm(): Promise<void> {
    return this.core.onAlarm();
  }
}

/** The `yjs` party: y-webrtc signaling (see `core/yjs.ts`). */
export class Yjs extends Server<Env> {
  /** Sockets hibernate between frames: idle peers cost no memory. */
  static override options = { hibernate: true };
  private readonly core: YjsRoom;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.core = new YjsRoom(runtimeOf(this, ctx, env));
  }

  override onRequest(req: Request): Response {
    return this.core.onRequest(req);
  }
  override onMessage(c: PartyConnection, raw: WSMessage): void {
    this.core.onMessage(conn<SignalingState>(c), raw);
  }
  override onClose(c: PartyConnection): void {
    this.core.onClose(conn<SignalingState>(c));
  }
  override onError(c: PartyConnection): void {
    this.core.onClose(conn<SignalingState>(c));
  }
}

/** The `guard` party: the deployment-wide sign-in guard, one per client address (see `core/guard.ts`). */
export class Guard extends Server<Env> {
  private readonly core: SignInGuard;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.core = new SignInGuard(runtimeOf(this, ctx, env));
  }

  override onRequest(req: Request): Promise<Response> {
    return this.core.onRequest(req);
  }
}

export default {
  /**
   * `/parties/<party>/<room>` goes to that room's Durable Object after the
   * edge checks; static assets never reach here; anything else is 404.
   */
  async fetch(request: Request, env: Env): Promise<Response> {
    const routed = await routePartykitRequest(request, env, {
      onBeforeConnect: (req, lobby) =>
        lobby.className === "Guard" ? notFromOutside() : lobby.className === "Yjs" ? checkYjsSocket(req, env) : checkSocket(req, env, lobby.name),
      onBeforeRequest: (req, lobby) => (lobby.className === "Guard" ? notFromOutside() : lobby.className === "Yjs" ? req : checkRequest(req, env)),
    });
    return routed ?? new Response("Not found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
