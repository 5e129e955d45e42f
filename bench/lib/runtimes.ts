/**
 * The benchmarks that compare the runtimes (relay, presence, memory) measure
 * the same thing on the room under each runtime and once on the `ws`
 * baseline, one after the other, and give each runtime its figures beside
 * that baseline.
 * @module
 */
import type { RoomTarget } from "./clients.ts";
import type { BenchContext } from "./context.ts";
import type { Figure } from "./figures.ts";
import type { RuntimeTarget } from "./servers.ts";

const message = (err: unknown): string => (err instanceof Error ? err.message.split("\n")[0]! : String(err));

/**
 * Run `measure` on each of `ctx.runtimes`, then on `ctx.baseline`; then
 * `figures(runtime, its result, the baseline's)` for each runtime. A runtime
 * whose measurement failed (or all of them, if the baseline's did) gets one
 * failed figure, `failure(runtime)` with the error.
 */
export async function onEachRuntime<T>(
  ctx: BenchContext,
  measure: (target: RoomTarget) => Promise<T>,
  figures: (target: RuntimeTarget, room: T, baseline: T) => Figure[],
  failure: (target: RuntimeTarget) => Pick<Figure, "id" | "section" | "name" | "unit">,
): Promise<Figure[]> {
  type Outcome = { ok: true; value: T } | { ok: false; error: string };
  const run = (target: RoomTarget): Promise<Outcome> =>
    measure(target).then(
      (value): Outcome => ({ ok: true, value }),
      (err: unknown): Outcome => ({ ok: false, error: `${target.name}: ${message(err)}` }),
    );
  const rooms: Outcome[] = [];
  for (const target of ctx.runtimes) rooms.push(await run(target));
  const base = await run(ctx.baseline);
  return ctx.runtimes.flatMap((target, i) => {
    const room = rooms[i]!;
    if (room.ok && base.ok) return figures(target, room.value, base.value);
    const error = !room.ok ? room.error : !base.ok ? base.error : "";
    return [{ ...failure(target), runtime: target.name, error }];
  });
}
