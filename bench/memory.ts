/// <reference types="node" />
/**
 * Memory: resident memory (VmRSS) of the server processes with 0 and with N
 * idle visitor sockets, on each runtime and the baseline; for a dev server
 * the `workerd` process(es) it runs the rooms in, for the baseline the `ws`
 * server's Node process.
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import { closeAll, connectMany, type RoomTarget } from "./lib/clients.ts";
import { roomName, type BenchContext } from "./lib/context.ts";
import { withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";
import { rssKiB, settle, totalRssKiB, type ProcInfo } from "./lib/procs.ts";
import { onEachRuntime } from "./lib/runtimes.ts";
import type { RuntimeTarget } from "./lib/servers.ts";
import { median } from "./lib/stats.ts";

const SECTION = "Memory";

export const MEMORY: Section = {
  title: SECTION,
  description: `
Resident memory (\`VmRSS\` from \`/proc/<pid>/status\`) of the server, first with no sockets, then with N
idle visitor sockets (raw \`ws\` clients, each claiming an address of its own, spread evenly over 10 rooms in
a full run, each having received its \`welcome\` and \`presence\`), after a settling pause. For a dev server
the server is the \`workerd\` processes below its process group (the rooms run there; the node and esbuild
processes around them are tooling, listed in the notes but not counted): one under \`partykit dev\`; two
under \`wrangler dev\`, its dev proxy (which holds every client socket on the server's port and forwards it)
and the one that runs the Worker and its Durable Objects, both counted, each listed in the notes. For the
baseline, the Node process of the plain \`ws\` server. Runs first, on fresh servers, on the room under
\`partykit dev\`, then under \`wrangler dev\`, then on the baseline; a room is woken once before the 0-socket
reading so the code is loaded. Each reading is the median of 5 samples 200 ms apart. Per socket = (RSS with
N − RSS with 0) ÷ N; RSS includes whatever the allocator keeps, so it is an upper bound of what a socket
costs.
`,
};

/** RSS in KiB: the median of `count` samples of the total, and of each process. */
interface Rss {
  total: number;
  byPid: Map<number, number>;
}

async function rssSamples(pids: () => number[], count: number): Promise<Rss> {
  const totals: number[] = [];
  const each = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const now = pids();
    totals.push(totalRssKiB(now));
    for (const pid of now) each.set(pid, [...(each.get(pid) ?? []), rssKiB(pid)]);
    if (i < count - 1) await sleep(200);
  }
  return { total: median(totals), byPid: new Map([...each].map(([pid, v]) => [pid, median(v)])) };
}

interface Reading {
  idle: Rss;
  loaded: Rss;
  /** KiB */
  perSocket: number;
  /** RSS of the tooling processes (KiB) before and after, where the target has any. */
  tooling?: { before: number; after: number };
}

async function measure(ctx: BenchContext, target: RoomTarget, sockets: number, rooms: number): Promise<Reading> {
  const pids = (): number[] => target.serverPids();
  if (pids().length === 0) throw new Error(`no server process found for ${target.name}`);
  const tooling = (): number => totalRssKiB(target.toolingPids?.() ?? []);
  const toolingBefore = tooling();
  // Wake one room so the code is loaded before the 0-socket reading.
  const [warm] = await connectMany([target.socketUrl(roomName("bench-mem-warm"))], ctx.deadline);
  closeAll([warm!]);
  await sleep(ctx.quick ? 200 : 1_000);
  const idle = await rssSamples(pids, 5);
  const names = Array.from({ length: rooms }, () => roomName("bench-mem"));
  const clients = await connectMany(Array.from({ length: sockets }, (_, i) => target.socketUrl(names[i % rooms]!)), ctx.deadline);
  try {
    await settle(pids(), ctx.deadline.cap(5_000));
    await sleep(ctx.quick ? 300 : 1_000);
    const loaded = await rssSamples(pids, 5);
    const toolingAfter = tooling();
    return {
      idle,
      loaded,
      perSocket: (loaded.total - idle.total) / sockets,
      tooling: target.toolingPids ? { before: toolingBefore, after: toolingAfter } : undefined,
    };
  } finally {
    closeAll(clients);
    await settle(pids(), ctx.deadline.cap(5_000));
  }
}

/** What a `workerd` process of `target` does: under `wrangler dev`, the dev proxy listens on the server's port. */
function workerdRole(target: RuntimeTarget, p: ProcInfo): string {
  if (target.runtime !== "wrangler") return "workerd";
  const entry = /entry=127\.0\.0\.1:(\d+)/.exec(p.cmdline);
  return entry && Number(entry[1]) === target.server.port ? "dev proxy" : "Worker";
}

const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;

function memoryFigures(ctx: BenchContext, sockets: number, target: RuntimeTarget, room: Reading, base: Reading): Figure[] {
  const label = "plain Node `ws` server";
  const workerd = target.processes().workerd;
  ctx.log(`  ${target.name}: workerd ${room.idle.total} → ${room.loaded.total} KiB; ws baseline ${base.idle.total} → ${base.loaded.total} KiB`);
  const each = (r: Rss): string =>
    workerd.length > 1
      ? `: ${workerd.map((p) => `${workerdRole(target, p)} ${Number.isFinite(r.byPid.get(p.pid)) ? mib(r.byPid.get(p.pid)!) : "?"}`).join(", ")}`
      : "";
  const perProcess = workerd.length > 1
    ? `per socket: ${workerd.map((p) => `${workerdRole(target, p)} ${(((room.loaded.byPid.get(p.pid) ?? NaN) - (room.idle.byPid.get(p.pid) ?? NaN)) / sockets).toFixed(1)} KiB`).join(", ")}`
    : undefined;
  const common = { section: SECTION, runtime: target.name, n: 5 };
  return [
    withRatio({
      ...common,
      id: `memory.${target.runtime}.idle`,
      name: "Server RSS, 0 sockets",
      unit: "MiB",
      median: room.idle.total / 1024,
      baseline: { label, median: base.idle.total / 1024 },
      notes: `${workerd.length} workerd process(es)${each(room.idle)}`,
    }),
    withRatio({
      ...common,
      id: `memory.${target.runtime}.loaded`,
      name: `Server RSS, ${sockets.toLocaleString("en-US")} idle visitor sockets`,
      unit: "MiB",
      median: room.loaded.total / 1024,
      baseline: { label, median: base.loaded.total / 1024 },
      notes: [
        workerd.length > 1 ? `workerd${each(room.loaded)}` : "",
        room.tooling ? `${target.name}'s other processes (node, esbuild) meanwhile: ${mib(room.tooling.before)} → ${mib(room.tooling.after)} (not counted)` : "",
      ].filter(Boolean).join("; "),
    }),
    withRatio({
      ...common,
      id: `memory.${target.runtime}.per-socket`,
      name: "RSS per idle visitor socket",
      unit: "KiB",
      n: undefined,
      median: room.perSocket,
      baseline: { label, median: base.perSocket },
      notes: perProcess,
    }),
  ];
}

export async function benchMemory(ctx: BenchContext): Promise<Figure[]> {
  const sockets = ctx.quick ? 10 : 1000;
  const rooms = ctx.quick ? 1 : 10;
  ctx.log(`memory: ${sockets} idle visitor sockets over ${rooms} rooms`);
  return onEachRuntime(
    ctx,
    (target) => measure(ctx, target, sockets, rooms),
    (target, room, base) => memoryFigures(ctx, sockets, target, room, base),
    (target) => ({ id: `memory.${target.runtime}`, section: SECTION, name: "Server RSS", unit: "MiB" }),
  );
}
