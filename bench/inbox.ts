/// <reference types="node" />
/**
 * Inbox: what a dashboard waits for and receives on connect, in rooms of 20,
 * 500 and 5,000 conversations.
 * @module
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { CONVERSATIONS_PAGE } from "../protocol/socket.ts";
import { Client, visitorAddress, type Frame } from "./lib/clients.ts";
import { roomName, type BenchContext } from "./lib/context.ts";
import { withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";
import type { RuntimeTarget } from "./lib/servers.ts";
import { summarize } from "./lib/stats.ts";

const SECTION = "Inbox";

/** Conversations per room; the first is the baseline of the others. */
const SIZES = [20, 500, 5000];
const QUICK_SIZES = [3, 40];
/** Visitors writing at once while a room is filled. */
const FILL_CONCURRENCY = 50;

export const INBOX: Section = {
  title: SECTION,
  description: `
A room is filled with N conversations (N visitor sockets, each with an address of its own, each sending one
message and closing), then dashboards connect one after the other. **Time to first list**: from the
host socket's upgrade request until its \`conversations\` frame has arrived (\`performance.now()\` in the load
generator). **Bytes on connect**: the size of that frame (UTF-8 JSON). The room sends the first page of at
most ${CONVERSATIONS_PAGE} conversations, newest activity first, read from its activity index, so neither figure
should grow with N. Baseline: the same figure in a room of ${SIZES[0]} conversations on the same runtime, in the
same run. On \`partykit dev\` and \`wrangler dev\`.
`,
};

/** Fill `room` with `count` conversations of one message each. */
async function fill(ctx: BenchContext, target: RuntimeTarget, room: string, count: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      ctx.deadline.check("filling conversations");
      const visitor = await Client.connect(target.socketUrl(room), { timeoutMs: ctx.deadline.cap(20_000), address: visitorAddress() });
      try {
        const clientId = randomUUID();
        const sent = visitor.next((f) => (f.type === "sent" && f.clientId === clientId) || f.type === "error");
        visitor.send({ type: "text", text: `Hello from visitor ${next}`, name: `Visitor ${next}`, clientId });
        const answer = await sent;
        if (answer.type === "error") throw new Error(`filling: ${String(answer.code)}: ${String(answer.message)}`);
      } finally {
        visitor.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FILL_CONCURRENCY, count) }, worker));
}

/**
 * The time from a host socket's upgrade request to its `conversations` frame,
 * and that frame's size in bytes as received.
 */
function firstList(url: string, timeoutMs: number): Promise<{ ms: number; bytes: number; listed: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no conversations frame within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.on("message", (data: Buffer) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.type !== "conversations") return;
      const ms = performance.now() - t0;
      clearTimeout(timer);
      ws.close();
      resolve({ ms, bytes: data.byteLength, listed: (frame.conversations as unknown[]).length });
    });
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Connect `trials` dashboards one after the other: time to the `conversations` frame, and its size. */
async function connectDashboards(ctx: BenchContext, target: RuntimeTarget, room: string, trials: number) {
  const times: number[] = [];
  const bytes: number[] = [];
  let listed = 0;
  for (let i = 0; i < trials; i++) {
    const token = await target.hostToken(room);
    const first = await firstList(target.socketUrl(room, { token }), ctx.deadline.cap(20_000));
    times.push(first.ms);
    bytes.push(first.bytes);
    listed = first.listed;
  }
  return { times, bytes, listed };
}

export async function benchInbox(ctx: BenchContext): Promise<Figure[]> {
  const sizes = ctx.quick ? QUICK_SIZES : SIZES;
  const trials = ctx.quick ? 2 : 10;
  const figures: Figure[] = [];
  for (const target of ctx.runtimes) {
    const results = new Map<number, Awaited<ReturnType<typeof connectDashboards>>>();
    for (const size of sizes) {
      const ids = [`inbox.${target.runtime}.${size}.first-list`, `inbox.${target.runtime}.${size}.bytes`];
      try {
        const room = roomName("inbox");
        const filling = performance.now();
        await fill(ctx, target, room, size);
        ctx.log(`inbox: ${target.name}, ${size} conversations filled in ${((performance.now() - filling) / 1000).toFixed(1)} s`);
        results.set(size, await connectDashboards(ctx, target, room, trials));
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        figures.push(
          { id: ids[0]!, section: SECTION, name: `Time to first list, ${size} conversations`, runtime: target.name, unit: "ms", error },
          { id: ids[1]!, section: SECTION, name: `Bytes on connect, ${size} conversations`, runtime: target.name, unit: "bytes", error },
        );
      }
      if (ctx.deadline.remaining() === 0) break;
    }
    const base = results.get(sizes[0]!);
    for (const [size, r] of results) {
      const t = summarize(r.times);
      const b = summarize(r.bytes);
      const bt = base ? summarize(base.times) : undefined;
      const bb = base ? summarize(base.bytes) : undefined;
      const label = `the same, ${sizes[0]} conversations`;
      ctx.log(`inbox ${size}: ${target.name} first list ${t.median.toFixed(1)} ms, ${b.median} bytes, ${r.listed} listed`);
      figures.push(
        withRatio({
          id: `inbox.${target.runtime}.${size}.first-list`,
          section: SECTION,
          name: `Time to first list, ${size.toLocaleString("en-US")} conversations`,
          runtime: target.name,
          unit: "ms",
          n: t.n,
          median: t.median,
          p99: t.p99,
          baseline: bt && { label, median: bt.median, p99: bt.p99 },
          notes: `${r.listed} conversations in the first frame`,
        }),
        withRatio({
          id: `inbox.${target.runtime}.${size}.bytes`,
          section: SECTION,
          name: `Bytes on connect, ${size.toLocaleString("en-US")} conversations`,
          runtime: target.name,
          unit: "bytes",
          n: b.n,
          median: b.median,
          baseline: bb && { label, median: bb.median },
        }),
      );
    }
  }
  return figures;
}
