/// <reference types="node" />
/**
 * Text: visitor messages per second through the room and its durable outbox
 * into Slack (the local stand-in), their latency at a light load, and how
 * fast the outbox drains after a Slack outage.
 *
 * The room allows each visitor socket 5 text messages at once, then one every
 * 3 s, so the load is spread over many sockets (each its own conversation),
 * each sending at most its burst allowance in a round; every round uses fresh
 * sockets. `rate_limited` answers are counted and reported, never ignored.
 * @module
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { RATES } from "../party/core/limits.ts";
import { webhookPayload } from "../party/core/slack.ts";
import { closeAll, connectMany, takeErrorFrames, type Client, type RoomTarget } from "./lib/clients.ts";
import { roomName, type BenchContext } from "./lib/context.ts";
import { withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";
import { cpuLoad, settle } from "./lib/procs.ts";
import { runtimeTarget, startPartykit, startSlackSwitch, type TestServer } from "./lib/servers.ts";
import { median, summarize } from "./lib/stats.ts";

const SECTION = "Text";
/** Text messages one socket may send at once (the room's burst; then one every 3 s). */
const PER_SOCKET = RATES.text.burst;
/** Interval between the messages of one socket in the throughput rounds. */
const PERIOD_MS = 200;
/** Interval between the messages of one socket in the latency round. */
const LIGHT_PERIOD_MS = 800;
/** Concurrent senders of the direct baseline. */
const DIRECT_CONCURRENCY = 200;
/** How long to wait for more arrivals after the last one before counting the rest as lost. */
const QUIET_MS = 5_000;

export const TEXT: Section = {
  title: SECTION,
  description: `
The room stores each visitor \`text\` in its conversation, acknowledges it (\`sent\`), puts a post for Slack
in its durable outbox (room storage), and delivers the outbox to \`SLACK_WEBHOOK_URL\` (webhook mode), in
order per conversation, one post at a time, retrying 5xx/429/network errors with backoff. Here the
webhook is the local Slack stand-in (\`test/support/slack.ts\`), in the load generator's Node process. The
room allows one socket ${PER_SOCKET} messages at once, then one every 3 s: each round therefore uses fresh
visitor sockets of a fresh room (each socket is its own conversation), each sending at most ${PER_SOCKET}
messages, the sockets' sends staggered evenly. \`error\` frames (\`rate_limited\`) are counted under each
figure, and messages that never reach the stand-in are reported as lost with the reasons the room logged.

**Throughput**: M messages from M ÷ ${PER_SOCKET} sockets, each sending its ${PER_SOCKET} messages ${PERIOD_MS} ms apart (so
M ÷ ${PER_SOCKET} × ${1000 / PERIOD_MS}/s are offered for about a second). Messages/s = M ÷ (first send → the stand-in has
received the last of them); the median of several rounds. Baseline: the same M webhook POSTs (the same
JSON the room sends) made directly from Node to the same URL by ${DIRECT_CONCURRENCY} concurrent senders, each waiting for its
answer (unpaced), on a keep-alive agent — what the stand-in and the loopback can take. The notes give the
rate of the same POSTs made one at a time, as the outbox of one room makes them, and how many messages had
reached Slack when the room had acknowledged the last one (and the rate of the rest after that).

**Latency** per message (its send → its arrival at the stand-in) is measured apart, at a light load
(sockets each sending ${PER_SOCKET} messages ${LIGHT_PERIOD_MS} ms apart, staggered, 100 messages/s in all), since at
saturation it only shows the queue; baseline: the same POSTs from Node on the same schedule.

**Outbox drain after an outage**: on a \`partykit dev\` of its own, whose webhook URL goes through a switch in
front of the stand-in, Slack goes down (the switch answers every POST with 503) and K visitor messages
are sent over C conversations (sockets) while it is down; every one is stored and acknowledged, and the
room's delivery attempts fail and back off (1 s doubling, with jitter). After a fixed outage Slack comes
back; the figures are the rate (K ÷ time from Slack's return until the last of the K reached it) and that
time. Both include waiting out the backoff each conversation was in when Slack returned; the notes give
the wait until the first delivery and the rate from then on. Baseline: the same K POSTs made directly
from Node by C concurrent senders, each sending its conversation's posts in order. Duplicates and posts
out of order within a conversation are counted in the notes.
`,
};

/** Arrivals at the Slack stand-in of messages tagged `${tag}-<i>`. */
interface Arrivals {
  /** First arrival of each `i`, at `performance.now()`. */
  arrived: Map<number, number>;
  /** Every `i` in the order the stand-in received it (repeats included). */
  sequence: number[];
  stop(): void;
}

function arrivals(ctx: BenchContext, tag: string): Arrivals {
  const arrived = new Map<number, number>();
  const sequence: number[] = [];
  const marker = new RegExp(`${tag}-(\\d+)\\b`);
  let stopped = false;
  // Never satisfied: the predicate only records, until stop().
  ctx.slack
    .waitForRequest((r) => {
      if (stopped) return true;
      const m = r.status === 200 ? marker.exec(r.body) : null;
      if (m) {
        const i = Number(m[1]);
        sequence.push(i);
        if (!arrived.has(i)) arrived.set(i, performance.now());
      }
      return false;
    }, ctx.deadline.remaining() + 60_000)
    .catch(() => {});
  return { arrived, sequence, stop: () => void (stopped = true) };
}

/**
 * Send messages `0 … total-1` through `send`, by `senders` senders taking
 * turns (sender `s` sends `s`, `s + senders`, …). With `periodMs` > 0 each
 * sender sends one every `periodMs` (open loop), the senders staggered evenly
 * over the period; with 0, each waits for its previous send (closed loop).
 * @returns the `performance.now()` of each send, and of the first
 */
async function schedule(
  total: number,
  senders: number,
  periodMs: number,
  send: (sender: number, i: number) => Promise<void> | void,
): Promise<{ t0: number; sentAt: Map<number, number> }> {
  const sentAt = new Map<number, number>();
  const pending: Array<Promise<void> | void> = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async (_, s) => {
      let k = 0;
      for (let i = s; i < total; i += senders, k++) {
        if (periodMs > 0) {
          const wait = t0 + (s * periodMs) / senders + k * periodMs - performance.now();
          if (wait > 0) await sleep(wait);
        }
        sentAt.set(i, performance.now());
        const sent = send(s, i);
        if (periodMs > 0) pending.push(sent);
        else await sent;
      }
    }),
  );
  await Promise.all(pending);
  return { t0, sentAt };
}

/**
 * Wait until `count` messages arrived, or nothing happened for `quietMs` (the
 * rest are lost), or `untilMs` passed. Something happening is an arrival, or
 * `busy()` changing (e.g. the room still acknowledging messages).
 */
async function awaitArrivals(
  ctx: BenchContext,
  a: Arrivals,
  count: number,
  quietMs: number,
  untilMs = Infinity,
  busy: () => number = () => 0,
): Promise<void> {
  const end = Date.now() + Math.min(untilMs, ctx.deadline.remaining());
  let lastEvent = performance.now();
  let seen = [a.arrived.size, busy()];
  while (a.arrived.size < count && Date.now() < end) {
    const now = [a.arrived.size, busy()];
    if (now[0] !== seen[0] || now[1] !== seen[1]) {
      seen = now;
      lastEvent = performance.now();
    }
    if (performance.now() - lastEvent > quietMs) break;
    await sleep(20);
  }
}

interface Round {
  /** Messages per second: arrived ÷ (first send → last arrival at the stand-in). */
  rate: number;
  /** Per message: send → arrival at the stand-in. */
  latencies: number[];
  /** Messages that never reached the stand-in. */
  lost: number;
  /** Messages the room acknowledged with `sent`. */
  acked: number;
  /** `error` frames during the round, by code. */
  errors: Record<string, number>;
  /** Slack failures the room logged during the round ("reason ×n"). */
  failures: string[];
  /** When the room had acknowledged every message: seconds after the first send, and how many had reached Slack by then. */
  allAcked?: { s: number; arrived: number; drainRate: number };
}

/** Slack retries and failures the room logged after log offset `from`, as "reason ×count". */
function loggedFailures(server: TestServer, from: number): string[] {
  const counts = new Map<string, number>();
  for (const m of server.logs().slice(from).matchAll(/Slack delivery (will retry \(attempt \d+\)|failed for good): ([^\n]*)/g)) {
    const reason = `${m[1]!.startsWith("will") ? "retried" : "failed"}: ${m[2]!.trim().slice(0, 120)}`;
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].map(([reason, n]) => `${reason} ×${n}`);
}

/** Open `sockets` visitor sockets of a fresh room of `target`, counting each one's `sent` acks. */
async function freshVisitors(ctx: BenchContext, target: RoomTarget, prefix: string, sockets: number): Promise<{ visitors: Client[]; acks: () => number }> {
  const room = roomName(prefix);
  const visitors = await connectMany(Array.from({ length: sockets }, () => target.socketUrl(room)), ctx.deadline);
  let acks = 0;
  for (const v of visitors) {
    v.onFrame = (f) => {
      if (f.type === "sent") acks++;
    };
  }
  return { visitors, acks: () => acks };
}

/** `total` messages from `total ÷ PER_SOCKET` fresh visitor sockets, `periodMs` apart per socket, into Slack through the room. */
async function viaRoom(ctx: BenchContext, total: number, periodMs: number): Promise<Round> {
  const sockets = Math.ceil(total / PER_SOCKET);
  const { visitors, acks } = await freshVisitors(ctx, ctx.room, "bench-text", sockets);
  try {
    await settle(ctx.room.serverPids(), ctx.deadline.cap(3_000));
    const logFrom = ctx.partykit.logs().length;
    const tag = `bench-text-${Math.random().toString(36).slice(2, 10)}`;
    const a = arrivals(ctx, tag);
    takeErrorFrames();
    const progress = process.env.BENCH_DEBUG ? setInterval(() => ctx.log(`    ${((performance.now() - t0) / 1000).toFixed(0)} s: acked ${acks()}, arrived ${a.arrived.size}`), 1000) : undefined;
    const t0 = performance.now();
    let allAcked: { at: number; arrived: number } | undefined;
    const watch = setInterval(() => {
      if (!allAcked && acks() >= total) allAcked = { at: performance.now(), arrived: a.arrived.size };
    }, 10);
    const { sentAt } = await schedule(total, sockets, periodMs, (s, i) => visitors[s]!.send({ type: "text", text: `${tag}-${i}`, clientId: String(i) }));
    await awaitArrivals(ctx, a, total, QUIET_MS, Infinity, acks);
    clearInterval(watch);
    clearInterval(progress);
    a.stop();
    const errors = takeErrorFrames();
    if (a.arrived.size === 0) throw new Error(`none of ${total} messages reached the Slack stand-in (error frames: ${JSON.stringify(errors)})`);
    const end = Math.max(...a.arrived.values());
    return {
      rate: (a.arrived.size / (end - t0)) * 1000,
      latencies: [...a.arrived].map(([i, at]) => at - sentAt.get(i)!),
      lost: total - a.arrived.size,
      acked: acks(),
      errors,
      failures: loggedFailures(ctx.partykit, logFrom),
      allAcked: allAcked && {
        s: (allAcked.at - t0) / 1000,
        arrived: allAcked.arrived,
        drainRate: end > allAcked.at ? ((a.arrived.size - allAcked.arrived) / (end - allAcked.at)) * 1000 : Number.NaN,
      },
    };
  } finally {
    closeAll(visitors);
  }
}

/** POSTs to a webhook URL from Node, on a keep-alive agent. */
function poster(url: string, concurrency: number): { post(text: string): Promise<void>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  return {
    post: (text) =>
      new Promise((resolve, reject) => {
        const req = request(
          { agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { "content-type": "application/json" } },
          (res) => {
            res.resume();
            res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`the stand-in answered ${res.statusCode}`))));
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify(webhookPayload({ text })));
      }),
    close: () => agent.destroy(),
  };
}

/** The webhook POSTs the room would make, straight from Node: `senders` senders, on `periodMs` (0: unpaced). */
async function direct(ctx: BenchContext, total: number, senders: number, periodMs: number): Promise<Round> {
  const p = poster(ctx.slack.webhookUrl, senders);
  const tag = `bench-direct-${Math.random().toString(36).slice(2, 10)}`;
  const a = arrivals(ctx, tag);
  try {
    const { t0, sentAt } = await schedule(total, senders, periodMs, (_s, i) => p.post(`${tag}-${i}`));
    await awaitArrivals(ctx, a, total, QUIET_MS);
    a.stop();
    if (a.arrived.size === 0) throw new Error(`none of ${total} direct POSTs reached the Slack stand-in`);
    const end = Math.max(...a.arrived.values());
    return {
      rate: (a.arrived.size / (end - t0)) * 1000,
      latencies: [...a.arrived].map(([i, at]) => at - sentAt.get(i)!),
      lost: total - a.arrived.size,
      acked: a.arrived.size,
      errors: {},
      failures: [],
    };
  } finally {
    a.stop();
    p.close();
  }
}

function sumErrors(all: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of all) for (const [k, v] of Object.entries(e)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * Figure 6b: a Slack outage of `outageMs` while `count` messages are sent over
 * `count ÷ PER_SOCKET` conversations; then how fast the outbox drains once
 * Slack is back. Runs on a `partykit dev` of its own whose webhook goes
 * through the outage switch.
 */
async function outboxDrain(ctx: BenchContext, count: number, outageMs: number, waitMs: number): Promise<Figure[]> {
  const conversations = Math.ceil(count / PER_SOCKET);
  const what = `${count} messages in ${conversations} conversations, Slack down ${(outageMs / 1000).toFixed(0)} s`;
  const ids = { rate: "text.outbox.rate", time: "text.outbox.time" };
  const names = {
    rate: `Outbox drain after a Slack outage (${what}): messages/s from Slack's return until all arrived`,
    time: `same: time from Slack's return until the last message arrived`,
  };
  const tag = `bench-outbox-${Math.random().toString(36).slice(2, 8)}`;
  const slackSwitch = await startSlackSwitch(ctx.slack);
  let server: TestServer | undefined;
  let visitors: Client[] = [];
  try {
    server = await startPartykit({ vars: { HOST_KEY: ctx.hostKey, ICE_SERVERS: "[]", SLACK_WEBHOOK_URL: slackSwitch.webhookUrl } });
    const fresh = await freshVisitors(ctx, runtimeTarget(server, ctx.hostKey), "bench-outbox", conversations);
    visitors = fresh.visitors;
    let delivered = 0;
    for (const v of visitors) {
      const counted = v.onFrame;
      v.onFrame = (f, at) => {
        counted?.(f, at);
        if (f.type === "message" && (f.message as { delivered?: boolean } | undefined)?.delivered === true) delivered++;
      };
    }
    takeErrorFrames();
    const a = arrivals(ctx, tag);
    // Slack goes down; every message is sent (and stored) while it is.
    slackSwitch.down = true;
    const downAt = Date.now();
    await schedule(count, conversations, 100, (s, i) => visitors[s]!.send({ type: "text", text: `${tag}-${i}`, clientId: String(i) }));
    const stored = Date.now() + ctx.deadline.cap(10_000);
    while (fresh.acks() < count && Date.now() < stored) await sleep(20);
    const acked = fresh.acks();
    await sleep(Math.max(0, downAt + outageMs - Date.now()));
    const leaked = a.arrived.size; // nothing may pass while Slack is down
    slackSwitch.down = false;
    const up = performance.now();
    const refused = slackSwitch.refused;
    await awaitArrivals(ctx, a, count, waitMs, waitMs);
    a.stop();
    const errors = takeErrorFrames();
    const failures = loggedFailures(server, 0);
    // Direct baseline: the same POSTs, one sender per conversation, in order.
    const directTag = `bench-outbox-direct-${Math.random().toString(36).slice(2, 8)}`;
    const d = arrivals(ctx, directTag);
    const p = poster(ctx.slack.webhookUrl, conversations);
    let directS: number;
    try {
      const { t0 } = await schedule(count, conversations, 0, (_s, i) => p.post(`${directTag}-${i}`));
      await awaitArrivals(ctx, d, count, QUIET_MS);
      directS = (Math.max(...d.arrived.values()) - t0) / 1000;
    } finally {
      d.stop();
      p.close();
    }
    const directRate = d.arrived.size / directS;

    if (a.arrived.size === 0) {
      const reason = `none of the ${count} messages reached Slack within ${(waitMs / 1000).toFixed(0)} s after it came back (${acked} acknowledged, ${refused} attempts refused during the outage; the room logged: ${failures.join("; ") || "nothing"})`;
      return [
        { id: ids.rate, section: SECTION, name: names.rate, unit: "msg/s", error: reason, errorFrames: errors },
        { id: ids.time, section: SECTION, name: names.time, unit: "s", error: reason },
      ];
    }
    const times = [...a.arrived.values()];
    const first = (Math.min(...times) - up) / 1000;
    const last = (Math.max(...times) - up) / 1000;
    const duplicates = a.sequence.length - a.arrived.size;
    // Order within a conversation: message i belongs to conversation i mod C, its k-th is ⌊i ÷ C⌋.
    let outOfOrder = 0;
    const lastK = new Map<number, number>();
    for (const i of a.sequence) {
      const c = i % conversations;
      const k = Math.floor(i / conversations);
      if (k < (lastK.get(c) ?? -1)) outOfOrder++;
      lastK.set(c, Math.max(k, lastK.get(c) ?? -1));
    }
    const notes = [
      `${acked} of ${count} acknowledged (\`sent\`) during the outage; ${refused} delivery attempts refused by the switch meanwhile`,
      `first delivery ${first.toFixed(2)} s after Slack's return (waiting out the backoff), then ${a.arrived.size > 1 && last > first ? `${((a.arrived.size - 1) / (last - first)).toFixed(0)} msg/s` : "—"} until the last`,
      `visitors told delivered: ${delivered} of ${count}`,
      a.arrived.size < count ? `only ${a.arrived.size} of ${count} arrived within ${(waitMs / 1000).toFixed(0)} s (the room logged: ${failures.join("; ") || "nothing"})` : "",
      `duplicates ${duplicates}, out of order within a conversation ${outOfOrder}`,
      leaked ? `${leaked} arrived while Slack was down (should be 0)` : "",
    ].filter(Boolean).join("; ");
    ctx.log(`  outbox: ${a.arrived.size}/${count} delivered ${last.toFixed(2)} s after Slack's return (first after ${first.toFixed(2)} s); direct ${directS.toFixed(3)} s`);
    return [
      withRatio({
        id: ids.rate,
        section: SECTION,
        name: names.rate,
        unit: "msg/s",
        n: a.arrived.size,
        median: (a.arrived.size / Math.max(0.001, last)),
        baseline: { label: `the same ${count} POSTs direct from Node, ${conversations} concurrent, in order per conversation`, median: directRate },
        errorFrames: errors,
        notes,
      }),
      withRatio({
        id: ids.time,
        section: SECTION,
        name: names.time,
        unit: "s",
        n: a.arrived.size,
        median: last,
        baseline: { label: "the same POSTs direct from Node", median: directS },
      }),
    ];
  } finally {
    closeAll(visitors);
    // The server stops in any case; what it reports on stopping (e.g. errors it logged) must not replace the figures.
    await server?.stop().catch((err: Error) => ctx.log(`  outbox server stopping: ${err.message.split("\n")[0]}`));
    await slackSwitch.stop();
  }
}

export async function benchText(ctx: BenchContext): Promise<Figure[]> {
  const total = ctx.quick ? 10 : 4000;
  const rounds = ctx.quick ? 1 : 3;
  const sockets = Math.ceil(total / PER_SOCKET);
  const offered = sockets * (1000 / PERIOD_MS);
  const light = { total: ctx.quick ? 10 : 400, period: LIGHT_PERIOD_MS };
  const lightSockets = Math.ceil(light.total / PER_SOCKET);
  const lightRate = lightSockets * (1000 / light.period);
  ctx.log(`text: ${rounds} round(s) of ${total} messages from ${sockets} sockets (offered ${offered}/s), then ${light.total} at ${lightRate}/s`);
  const roomRounds: Round[] = [];
  const directRounds: Round[] = [];
  const serialRounds: Round[] = [];
  const loads: Array<{ server: number; generator: number }> = [];
  for (let r = 0; r < rounds; r++) {
    ctx.deadline.check("text throughput");
    const { result, ...load } = await cpuLoad(ctx.room.serverPids(), () => viaRoom(ctx, total, PERIOD_MS));
    roomRounds.push(result);
    loads.push(load);
    directRounds.push(await direct(ctx, total, DIRECT_CONCURRENCY, 0));
    serialRounds.push(await direct(ctx, total, 1, 0));
    ctx.log(
      `  round ${r}: room ${result.rate.toFixed(0)} msg/s (${result.lost} lost${result.failures.length ? `: ${result.failures.join("; ")}` : ""}; errors ${JSON.stringify(result.errors)}), direct ${directRounds.at(-1)!.rate.toFixed(0)} msg/s, one at a time ${serialRounds.at(-1)!.rate.toFixed(0)} msg/s`,
    );
  }
  const lightRoom = await viaRoom(ctx, light.total, light.period);
  const lightDirect = await direct(ctx, light.total, lightSockets, light.period);
  const rate = median(roomRounds.map((r) => r.rate));
  const acking = roomRounds.map((r) => r.allAcked).filter((x): x is NonNullable<Round["allAcked"]> => x !== undefined);
  const lost = roomRounds.reduce((a, r) => a + r.lost, 0);
  const acked = roomRounds.reduce((a, r) => a + r.acked, 0);
  const failures = [...new Set(roomRounds.flatMap((r) => r.failures))];
  const directRate = median(directRounds.map((r) => r.rate));
  const serialRate = median(serialRounds.map((r) => r.rate));
  const lat = summarize(lightRoom.latencies);
  const dlat = summarize(lightDirect.latencies);
  const figures: Figure[] = [
    withRatio({
      id: "text.rate",
      section: SECTION,
      name: `Visitor messages into Slack through the room (${total} from ${sockets} sockets, ${PER_SOCKET} each, at most ${offered}/s offered)`,
      unit: "msg/s",
      n: rounds,
      median: rate,
      baseline: { label: `the same POSTs direct from Node, ${DIRECT_CONCURRENCY} concurrent, unpaced`, median: directRate },
      errorFrames: sumErrors(roomRounds.map((r) => r.errors)),
      notes: [
        `the same POSTs one at a time: ${serialRate.toFixed(0)} msg/s`,
        `CPU meanwhile, in cores: workerd ${median(loads.map((l) => l.server)).toFixed(2)}, load generator with the stand-in ${median(loads.map((l) => l.generator)).toFixed(2)}`,
        `${acked} of ${total * rounds} acknowledged`,
        acking.length
          ? `the room had acknowledged all ${total} after ${median(acking.map((x) => x.s)).toFixed(1)} s (median), when ${median(acking.map((x) => x.arrived)).toFixed(0)} had reached Slack; the rest then arrived at ${median(acking.map((x) => x.drainRate)).toFixed(0)} msg/s`
          : "",
        lost ? `${lost} of ${total * rounds} messages never reached Slack (the room logged: ${failures.join("; ") || "nothing"}); the rate counts delivered ones` : "",
        !lost && failures.length ? `the room logged: ${failures.join("; ")}` : "",
        rate > 0.9 * offered ? "limited by the offered load" : "",
      ].filter(Boolean).join("; "),
    }),
    withRatio({
      id: "text.latency",
      section: SECTION,
      name: `Per message at ${lightRate} msg/s (${lightSockets} sockets): sent → received by the Slack stand-in`,
      unit: "ms",
      n: lat.n,
      median: lat.median,
      p99: lat.p99,
      baseline: { label: "the same POSTs direct from Node at the same pace", median: dlat.median, p99: dlat.p99 },
      errorFrames: lightRoom.errors,
      notes: lightRoom.lost ? `${lightRoom.lost} of ${light.total} never reached Slack` : undefined,
    }),
  ];
  figures.push(...(await outboxDrain(ctx, ctx.quick ? 10 : 200, ctx.quick ? 3_000 : 10_000, ctx.quick ? 15_000 : 45_000)));
  return figures;
}
