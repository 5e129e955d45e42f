/// <reference types="node" />
/**
 * Presence fan-out: the host goes Available, and every visitor of the room
 * must hear it.
 * @module
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { availableHost, closeAll, connectMany, takeErrorFrames, type Client, type RoomTarget } from "./lib/clients.ts";
import { roomName, type BenchContext } from "./lib/context.ts";
import { onEachRuntime } from "./lib/runtimes.ts";
import { within } from "./lib/deadline.ts";
import { withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";
import { summarize } from "./lib/stats.ts";
import { settle } from "./lib/procs.ts";

const SECTION = "Presence fan-out";

export const PRESENCE: Section = {
  title: SECTION,
  description: `
One room, one host socket and N visitor sockets (raw \`ws\` clients). The host sends
\`{"type":"available","available":true}\`; the figure is the time from just before that send until the
last of the N visitors has received \`{"type":"presence","available":true}\`, all timed in the load
generator with \`performance.now()\` (so it includes the generator parsing N frames on one thread, for the
baseline too). Between trials the host goes away again and every visitor hears that first; one warm-up trial is not
counted, and the first starts once the server's CPU is quiet after the sockets connected. Every visitor
socket claims an address of its own (\`cf-connecting-ip\`). Measured on the room under \`partykit dev\`, then
under \`wrangler dev\`, then on the baseline, one after the other; both runtimes' rows stand beside that one
baseline measurement. Baseline: the same against the plain Node \`ws\` server, which broadcasts the frame to
its room's sockets.
`,
};

/** Fan-out times (ms) of `count` trials, and the `error` frames received meanwhile. */
async function trials(ctx: BenchContext, target: RoomTarget, sockets: number, count: number): Promise<{ times: number[]; errors: Record<string, number> }> {
  const room = roomName(`bench-presence-${sockets}`);
  takeErrorFrames();
  const opened: Client[] = [];
  try {
    const host = await availableHost(target, room);
    opened.push(host);
    // Away again, confirmed before the visitors connect, so each hears `presence: false` on joining.
    const away = host.expect((f) => f.type === "presence" && f.available === false, `presence away in ${room}`);
    host.send({ type: "available", available: false });
    await away;
    const visitors = await connectMany(Array.from({ length: sockets }, () => target.socketUrl(room)), ctx.deadline);
    opened.push(...visitors);
    let want = false;
    let heard = new Set<Client>();
    let last = 0;
    let allHeard: () => void = () => {};
    for (const v of visitors) {
      v.onFrame = (f, at) => {
        if (f.type !== "presence" || f.available !== want || heard.has(v)) return;
        heard.add(v);
        last = at;
        if (heard.size === sockets) allHeard();
      };
    }
    const flip = async (available: boolean): Promise<number> => {
      want = available;
      heard = new Set();
      const done = new Promise<void>((resolve) => (allHeard = resolve));
      const t0 = performance.now();
      host.send({ type: "available", available });
      await within(done, ctx.deadline.cap(30_000), `presence ${available} at all ${sockets} visitors (${heard.size} heard)`);
      return last - t0;
    };
    await settle(target.serverPids(), ctx.deadline.cap(5_000));
    const times: number[] = [];
    for (let i = 0; i <= count; i++) {
      ctx.deadline.check("presence fan-out");
      const t = await flip(true);
      if (i > 0) times.push(t); // the first flip warms up
      if (process.env.BENCH_DEBUG) ctx.log(`  ${target.name} ${sockets}: ${t.toFixed(1)} ms`);
      await flip(false);
      await sleep(50);
    }
    return { times, errors: takeErrorFrames() };
  } finally {
    closeAll(opened);
    await settle(target.serverPids(), ctx.deadline.cap(5_000));
  }
}

export async function benchPresence(ctx: BenchContext): Promise<Figure[]> {
  const sizes = ctx.quick ? [10] : [100, 1000];
  const count = ctx.quick ? 2 : 20;
  const figures: Figure[] = [];
  for (const sockets of sizes) {
    const name = `Available → all ${sockets.toLocaleString("en-US")} visitors have \`presence: true\``;
    figures.push(
      ...(await onEachRuntime(
        ctx,
        (target) => trials(ctx, target, sockets, count),
        (target, room, base) => {
          const r = summarize(room.times);
          const b = summarize(base.times);
          ctx.log(`presence ${sockets}: ${target.name} ${r.median.toFixed(2)} ms (p99 ${r.p99.toFixed(2)}), ws ${b.median.toFixed(2)} ms`);
          return [
            withRatio({
              id: `presence.${target.runtime}.${sockets}`,
              section: SECTION,
              name,
              runtime: target.name,
              unit: "ms",
              n: r.n,
              median: r.median,
              p99: r.p99,
              baseline: { label: "plain Node `ws` server", median: b.median, p99: b.p99 },
              errorFrames: room.errors,
            }),
          ];
        },
        (target) => ({ id: `presence.${target.runtime}.${sockets}`, section: SECTION, name, unit: "ms" }),
      )),
    );
    if (ctx.deadline.remaining() === 0) break;
  }
  return figures;
}
