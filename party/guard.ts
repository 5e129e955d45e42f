/**
 * The `guard` party on PartyKit: the deployment-wide sign-in guard of
 * `core/guard.ts` (which documents it), one room per client address. Rooms
 * reach it through `room.context.parties.guard`; from outside it does not exist.
 * @module
 */
import type * as Party from "partykit/server";
import { notFromOutside } from "./core/edge.ts";
import { SignInGuard } from "./core/guard.ts";
import { PartykitRuntime } from "./partykit.ts";

export default class Guard implements Party.Server {
  private readonly core: SignInGuard;

  constructor(readonly room: Party.Room) {
    this.core = new SignInGuard(new PartykitRuntime(room));
  }

  static onBeforeConnect(): Response {
    return notFromOutside();
  }

  static onBeforeRequest(): Response {
    return notFromOutside();
  }

  onRequest(req: Party.Request): Promise<Response> {
    return this.core.onRequest(req as unknown as Request) as Promise<Response>;
  }
}

Guard satisfies Party.Worker;
