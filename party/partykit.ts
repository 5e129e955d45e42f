/**
 * A PartyKit room (`Party.Room`) as the core's {@link RoomRuntime}: the
 * one piece the PartyKit adapters (`server.ts`, `yjs.ts`, `guard.ts`) share.
 *
 * PartyKit refuses `room.context.parties` while an alarm handler runs, and in
 * every other handler while it awaits; {@link PartykitRuntime.remember} keeps
 * it from a request or socket handled before, so a sign-in that arrives
 * during a slow alarm can still ask the sign-in guard.
 * @module
 */
import type * as Party from "partykit/server";
import type { Connection, RoomRuntime, Storage } from "./core/runtime.ts";

export class PartykitRuntime implements RoomRuntime {
  private parties: Party.Room["context"]["parties"] | undefined;

  constructor(private readonly room: Party.Room) {}

  get id(): string {
    return this.room.id;
  }
  get env(): Record<string, unknown> {
    return this.room.env;
  }
  get storage(): Storage {
    return this.room.storage as unknown as Storage;
  }

  /** Keep the room's view of the other parties, when PartyKit lets it be read. */
  remember(): void {
    try {
      this.parties ??= this.room.context.parties;
    } catch {
      // An alarm is running; a later request keeps it.
    }
  }

  getConnection<S>(id: string): Connection<S> | undefined {
    return this.room.getConnection<S>(id) as Connection<S> | undefined;
  }

  getConnections<S>(tag?: string): Iterable<Connection<S>> {
    return this.room.getConnections<S>(tag) as Iterable<Connection<S>>;
  }

  async fetchRoom(party: "guard", name: string, path: string, init?: RequestInit): Promise<Response> {
    this.remember();
    if (!this.parties) throw new Error("the other parties cannot be reached while this room's alarm runs; try again");
    return (await this.parties[party]!.get(name).fetch(path, init as never)) as unknown as Response;
  }
}
