/**
 * A PartyKit room (`Party.Room`) as the core's {@link RoomRuntime}: the
 * one piece both PartyKit adapters (`server.ts`, `yjs.ts`) share.
 * @module
 */
import type * as Party from "partykit/server";
import type { Connection, RoomRuntime } from "./core/runtime.ts";

export function partykitRuntime(room: Party.Room): RoomRuntime {
  return {
    get id() {
      return room.id;
    },
    env: room.env,
    storage: room.storage,
    getConnection: <S>(id: string) => room.getConnection<S>(id) as Connection<S> | undefined,
    getConnections: <S>(tag?: string) => room.getConnections<S>(tag) as Iterable<Connection<S>>,
    fetchRoom: (party, name, path, init) => room.context.parties[party]!.get(name).fetch(path, init as never) as unknown as Promise<Response>,
  };
}
