/// <reference types="node" />
/**
 * Memory: resident memory (VmRSS) of the server processes with 0 and with N
 * idle visitor sockets; for `partykit dev` the `workerd` process(es) it runs
 * the rooms in, for the baseline the `ws` server's Node process.
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import { closeAll, connectMany, type RoomTarget } from "./lib/clients.ts";
import { roomName, type BenchContext } from "./lib/context.ts";
import { withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";
import { partykitProcesses, settle, totalRssKiB } from "./lib/procs.ts";
import { median } from "./lib/stats.ts";

const SECTION = "Memory";

export const MEMORY: Section = {
  title: SECTION,
  description: `
Resident memory (\`VmRSS\` from \`/proc/<pid>/status\`) of the server, first with no sockets, then with N
idle visitor sockets (raw \`ws\` clients, spread evenly over 10 rooms in a full run, each having received its
\`welcome\` and \`presence\`), after a settling pause. For \`partykit dev\` the server is the \`workerd\`
process(es) below its process group (the rooms run there); for the baseline, the Node process of the
plain \`ws\` server. Runs first, on fresh servers; a room is woken once before the 0-socket reading so the
code is loaded. Each reading is the median of 5 samples 200 ms apart. Per socket = (RSS with N − RSS with
0) ÷ N; RSS includes whatever the allocator keeps, so it is an upper bound of what a socket costs.
`,
};

async function rssSamples(pids: () => number[], count: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    samples.push(totalRssKiB(pids()));
    if (i < count - 1) await sleep(200);
  }
  return median(samples);
}

interface Reading {
  idle: number;
  loaded: number;
  perSocket: number;
}

async function measure(ctx: BenchContext, target: RoomTarget, sockets: number, rooms: number): Promise<Reading> {
  const pids = (): number[] => target.serverPids();
  if (pids().length === 0) throw new Error(`no server process found for ${target.name}`);
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
    return { idle, loaded, perSocket: (loaded - idle) / sockets };
  } finally {
    closeAll(clients);
    await settle(pids(), ctx.deadline.cap(5_000));
  }
}

export async function benchMemory(ctx: BenchContext): Promise<Figure[]> {
  const sockets = ctx.quick ? 10 : 1000;
  const rooms = ctx.quick ? 1 : 10;
  ctx.log(`memory: ${sockets} idle visitor sockets over ${rooms} rooms`);
  const nodeBefore = totalRssKiB(partykitProcesses(ctx.partykit.port).all.filter((p) => p.name !== "workerd").map((p) => p.pid));
  const room = await measure(ctx, ctx.room, sockets, rooms);
  const nodeAfter = totalRssKiB(partykitProcesses(ctx.partykit.port).all.filter((p) => p.name !== "workerd").map((p) => p.pid));
  const base = await measure(ctx, ctx.baseline, sockets, rooms);
  ctx.log(`  workerd ${room.idle} → ${room.loaded} KiB; ws baseline ${base.idle} → ${base.loaded} KiB`);
  const label = "plain Node `ws` server";
  const workerd = partykitProcesses(ctx.partykit.port).workerd.length;
  return [
    withRatio({
      id: "memory.idle",
      section: SECTION,
      name: "Server RSS, 0 sockets",
      unit: "MiB",
      n: 5,
      median: room.idle / 1024,
      baseline: { label, median: base.idle / 1024 },
      notes: `${workerd} workerd process(es)`,
    }),
    withRatio({
      id: "memory.loaded",
      section: SECTION,
      name: `Server RSS, ${sockets.toLocaleString("en-US")} idle visitor sockets`,
      unit: "MiB",
      n: 5,
      median: room.loaded / 1024,
      baseline: { label, median: base.loaded / 1024 },
      notes: `partykit's other processes (node, esbuild) meanwhile: ${(nodeBefore / 1024).toFixed(1)} → ${(nodeAfter / 1024).toFixed(1)} MiB (not counted)`,
    }),
    withRatio({
      id: "memory.per-socket",
      section: SECTION,
      name: "RSS per idle visitor socket",
      unit: "KiB",
      median: room.perSocket,
      baseline: { label, median: base.perSocket },
    }),
  ];
}
