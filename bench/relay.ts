/// <reference types="node" />
/**
 * Relay latency: one signaling frame visitor → host → visitor through the
 * room, with many idle visitor sockets connected in the same rooms.
 * @module
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { settle } from "./lib/procs.ts";
import { acceptedCall, availableHost, closeAll, connectMany, takeErrorFrames, type Client, type RoomTarget } from "./lib/clients.ts";
import { roomName, type BenchContext } from "./lib/context.ts";
import { onEachRuntime } from "./lib/runtimes.ts";
import { withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";
import { summarize } from "./lib/stats.ts";

const SECTION = "Relay latency";
/**
 * Interval between two frames of one socket: 16.7 frames/s, so with its
 * `pong`s (one per 2 s) a socket stays under the room's limit of 20 frames/s.
 */
const PERIOD_MS = 60;
/** Round trips per pair that are not counted. */
const WARMUP = 5;
/** Measured pairs at most (one per room). */
const MAX_PAIRS = 10;
/**
 * Counted round trips per pair at most: a pair sends them one after the
 * other, so a single pair's 200 take 12 s.
 */
const MAX_PER_PAIR = 200;
/** Counted round trips per configuration in a full run (spread over its pairs). */
const SAMPLES = 400;

export const RELAY: Section = {
  title: SECTION,
  description: `
One ICE-candidate \`signal\` frame (≈170 bytes) from a visitor to the host and back: the visitor sends it, the
room relays it to the host, the host sends it straight back, the room relays it to the visitor; the figure
is that round trip (two relays), timed in the load generator with \`performance.now()\`. N visitor sockets
(raw \`ws\` clients from Node, no compression) are spread evenly over R rooms and stay connected, idle,
while one pair per room (up to ${MAX_PAIRS} rooms) is put in an accepted call (\`available\` → \`call\` →
a \`queue\` snapshot with the call ringing at the host → \`accept\` → \`accepted\`) and measured; the pairs
run concurrently, their sends spread evenly over time, each socket sending one frame every ${PERIOD_MS} ms
(${(1000 / PERIOD_MS).toFixed(1)} frames/s, so 10 pairs offer ${Math.round((10 * 1000) / PERIOD_MS)} round trips/s; with the \`pong\`s that answer the room's
liveness pings every socket stays under the room's limit of 20 frames/s),
${WARMUP} round trips per pair not counted, then ${SAMPLES} counted in all, at most ${MAX_PER_PAIR} per pair (so ${MAX_PER_PAIR} with a
single pair). Each trial starts once the server's CPU is quiet after the
sockets connected (and the previous trial's sockets closed). Every visitor socket claims an address of its
own (\`cf-connecting-ip\`), as distinct visitors would, so the room's limits per address do not apply
across them. Each configuration is measured on the room under \`partykit dev\`, then under \`wrangler dev\`,
then on the baseline, one after the other; both runtimes' rows stand beside that one baseline measurement.
Baseline: the same clients and frames against a plain Node \`ws\` server (its own process) that keeps rooms
in maps and relays the frame after parsing and re-serializing it, without validation. Error frames (e.g.
\`rate_limited\`) received meanwhile are listed under the figure.
`,
};

const CANDIDATE = "1 udp 2122260223 192.0.2.10 54400 typ host generation 0 ufrag bnch network-id 1 network-cost 10";

interface Trial {
  rtts: number[];
  errors: Record<string, number>;
}

async function trial(ctx: BenchContext, target: RoomTarget, sockets: number, rooms: number, samples: number): Promise<Trial> {
  const names = Array.from({ length: rooms }, () => roomName(`bench-relay-${sockets}x${rooms}`));
  const opened: Client[] = [];
  try {
    const pairs = Math.min(rooms, MAX_PAIRS);
    const hosts: Client[] = [];
    for (const name of names.slice(0, pairs)) {
      const host = await availableHost(target, name);
      hosts.push(host);
      opened.push(host);
    }
    const visitors = await connectMany(Array.from({ length: sockets }, (_, i) => target.socketUrl(names[i % rooms]!)), ctx.deadline);
    opened.push(...visitors);
    await settle(target.serverPids(), ctx.deadline.cap(5_000));
    takeErrorFrames();
    const perPair = Math.min(Math.ceil(samples / pairs), MAX_PER_PAIR);
    const rtts: number[] = [];
    await Promise.all(
      hosts.map(async (host, p) => {
        const visitor = visitors[p]!; // visitor p is in room p
        const callId = await acceptedCall(visitor, host);
        host.onFrame = (f) => {
          if (f.type === "signal") host.send({ type: "signal", callId, candidate: f.candidate });
        };
        // Pairs are spread evenly over the period, so their frames do not all arrive at once.
        const start = performance.now() + (p * PERIOD_MS) / pairs;
        for (let i = 0; i < perPair + WARMUP; i++) {
          ctx.deadline.check("relay latency");
          const wait = start + i * PERIOD_MS - performance.now();
          if (wait > 0) await sleep(wait);
          const foundation = `candidate:${i} ${CANDIDATE}`;
          const back = visitor.expect((f) => f.type === "signal" && (f.candidate as { candidate?: string } | null)?.candidate === foundation, "the echoed signal");
          const t0 = performance.now();
          visitor.send({ type: "signal", callId, candidate: { candidate: foundation, sdpMid: "0", sdpMLineIndex: 0 } });
          await back;
          if (i >= WARMUP) rtts.push(performance.now() - t0);
        }
      }),
    );
    return { rtts, errors: takeErrorFrames() };
  } finally {
    closeAll(opened);
    await settle(target.serverPids(), ctx.deadline.cap(5_000)); // the closes are processed before the next trial
  }
}

export async function benchRelay(ctx: BenchContext): Promise<Figure[]> {
  const grid: Array<[number, number]> = ctx.quick
    ? [[10, 1]]
    : [[10, 1], [10, 10], [100, 1], [100, 10], [100, 100], [1000, 1], [1000, 10], [1000, 100]];
  const samples = ctx.quick ? 10 : SAMPLES;
  const figures: Figure[] = [];
  for (const [sockets, rooms] of grid) {
    const name = `${sockets.toLocaleString("en-US")} visitor sockets, ${rooms} room${rooms > 1 ? "s" : ""}, ${Math.min(rooms, MAX_PAIRS)} measured pair${rooms > 1 ? "s" : ""}`;
    figures.push(
      ...(await onEachRuntime(
        ctx,
        (target) => trial(ctx, target, sockets, rooms, samples),
        (target, room, base) => {
          const r = summarize(room.rtts);
          const b = summarize(base.rtts);
          ctx.log(`relay ${sockets}x${rooms}: ${target.name} p50 ${r.median.toFixed(2)} p99 ${r.p99.toFixed(2)} ms; ws p50 ${b.median.toFixed(2)} p99 ${b.p99.toFixed(2)} ms`);
          return [
            withRatio({
              id: `relay.${target.runtime}.${sockets}x${rooms}`,
              section: SECTION,
              name,
              runtime: target.name,
              unit: "ms",
              n: r.n,
              median: r.median,
              p99: r.p99,
              baseline: { label: "plain Node `ws` server", median: b.median, p99: b.p99 },
              errorFrames: room.errors,
              notes: Object.keys(base.errors).length ? `baseline error frames: ${JSON.stringify(base.errors)}` : undefined,
            }),
          ];
        },
        (target) => ({ id: `relay.${target.runtime}.${sockets}x${rooms}`, section: SECTION, name, unit: "ms" }),
      )),
    );
    if (ctx.deadline.remaining() === 0) break;
  }
  return figures;
}
