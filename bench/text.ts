/// <reference types="node" />
/**
 * Text: visitor messages per second through the room into Slack (the local
 * stand-in), and how fast a durable outbox drains after a Slack outage.
 * @module
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { closeAll, connectMany, takeErrorFrames, type Client } from "./lib/clients.ts";
import { roomName, type BenchContext } from "./lib/context.ts";
import { withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";
import { median, summarize } from "./lib/stats.ts";
import { cpuLoad, settle } from "./lib/procs.ts";
import { webhookPayload } from "../party/slack.ts";
import { partykitTarget, startPartykit, startSlackSwitch, type PartykitServer } from "./lib/servers.ts";

const SECTION = "Text";
/** Interval between two messages of one visitor socket (20 messages/s). */
const PERIOD_MS = 50;
/** Interval for the latency round (10 messages/s per socket), well below saturation. */
const LIGHT_PERIOD_MS = 100;

export const TEXT: Section = {
  title: SECTION,
  description: `
**Throughput**: M visitor \`text\` frames, sent by V visitor sockets of one room (each socket at most
${1000 / PERIOD_MS} messages/s, so V × ${1000 / PERIOD_MS}/s are offered), each forwarded by the room to
\`SLACK_WEBHOOK_URL\`, which points at the local Slack stand-in (\`test/support/slack.ts\`).
Messages/s = M ÷ (first send → the stand-in has received the last of them); the median of several
rounds. Baseline: the same M webhook POSTs (the same JSON the room sends) made directly from Node to the
same URL by V concurrent senders, each waiting for its answer (unpaced), on a keep-alive agent — what
the stand-in and the loopback can take. The stand-in runs in the load generator's Node process, for both.
Messages the room fails to forward are counted as lost, with the reasons it logged.

**Latency** per message (its send → its arrival at the stand-in) is measured apart, at a light load
(10 sockets × ${1000 / LIGHT_PERIOD_MS} messages/s), since at saturation it only shows the queue; baseline:
the same POSTs from Node on the same schedule.

**Outbox drain**: on a \`partykit dev\` of its own, whose webhook URL goes through a switch in front of the
stand-in, Slack is made to fail (the switch answers 503), K messages are sent, Slack comes back, and
the figure would be the rate at which the messages held during the outage reach Slack. The room has no
durable outbox yet: it logs the failure (\`Slack forwarding failed …\`) and drops the message. The
benchmark detects this by behaviour (nothing is re-sent within the wait after Slack returns) and reports
it as not available; once the room retries, the same code reports the drain rate.
`,
};

interface Round {
  /** Messages per second: count ÷ (first send → last arrival at the stand-in). */
  rate: number;
  /** Per message: send → arrival at the stand-in. */
  latencies: number[];
  /** Messages that never reached the stand-in. */
  lost: number;
}

/** How long to wait for more arrivals after the last one before counting the rest as lost. */
const QUIET_MS = 5_000;

/**
 * Track arrivals of `${tag}-<i>` messages at the Slack stand-in, by `i`, with
 * the `performance.now()` each arrived at.
 */
function arrivals(ctx: BenchContext, tag: string): { arrived: Map<string, number>; stop(): void } {
  const arrived = new Map<string, number>();
  const marker = new RegExp(`${tag}-(\\d+)\\b`);
  let stopped = false;
  // Never satisfied: the predicate only records, until stop().
  ctx.slack
    .waitForRequest((r) => {
      if (stopped) return true;
      const m = marker.exec(r.body);
      if (m && !arrived.has(m[1]!)) arrived.set(m[1]!, performance.now());
      return false;
    }, ctx.deadline.remaining() + 60_000)
    .catch(() => {});
  return {
    arrived,
    stop: () => {
      stopped = true;
    },
  };
}

/**
 * Send message `i` of `total` through `send`, from `senders` senders taking
 * turns; each sender waits `periodMs` between its sends (open loop), or, with
 * `periodMs` 0, for its previous send to finish (closed loop). Resolves once
 * the stand-in has received every message.
 */
async function round(
  ctx: BenchContext,
  total: number,
  senders: number,
  periodMs: number,
  send: (sender: number, i: number, text: string) => Promise<void> | void,
): Promise<Round> {
  const tag = `bench-text-${Math.random().toString(36).slice(2, 10)}`;
  const { arrived, stop } = arrivals(ctx, tag);
  const sentAt = new Map<string, number>();
  const pending: Array<Promise<void> | void> = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async (_, s) => {
      let k = 0;
      for (let i = s; i < total; i += senders, k++) {
        if (periodMs > 0) {
          const wait = t0 + k * periodMs - performance.now();
          if (wait > 0) await sleep(wait);
        }
        sentAt.set(String(i), performance.now());
        const sent = send(s, i, `${tag}-${i}`);
        if (periodMs > 0) pending.push(sent);
        else await sent;
      }
    }),
  );
  await Promise.all(pending);
  // Wait for every message, or until none arrived for QUIET_MS (the rest are lost).
  const sentAll = performance.now();
  for (;;) {
    if (arrived.size === total) break;
    const last = Math.max(sentAll, ...arrived.values());
    if (performance.now() - last > QUIET_MS || ctx.deadline.remaining() === 0) break;
    await sleep(20);
  }
  stop();
  if (arrived.size === 0) throw new Error(`none of ${total} messages reached the Slack stand-in`);
  const end = Math.max(...arrived.values());
  return {
    rate: (arrived.size / (end - t0)) * 1000,
    latencies: [...arrived].map(([i, at]) => at - sentAt.get(i)!),
    lost: total - arrived.size,
  };
}

/** Slack failures the room logged after log offset `from`, as "reason ×count". */
function loggedFailures(ctx: BenchContext, from: number): string[] {
  const counts = new Map<string, number>();
  for (const m of ctx.partykit.logs().slice(from).matchAll(/Slack forwarding failed for message [\w-]+: ([^\n]*)/g)) {
    const reason = m[1]!.trim().slice(0, 120);
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].map(([reason, n]) => `${reason} ×${n}`);
}

/** Visitors send text frames; the room forwards each to Slack. */
async function viaRoom(ctx: BenchContext, visitors: Client[], total: number, senders: number, periodMs: number): Promise<Round & { failures: string[] }> {
  const logFrom = ctx.partykit.logs().length;
  const r = await round(ctx, total, senders, periodMs, (s, i, text) => visitors[s]!.send({ type: "text", text, clientId: String(i) }));
  return { ...r, failures: loggedFailures(ctx, logFrom) };
}

/** The webhook POSTs the room would make, straight from Node. */
async function direct(ctx: BenchContext, total: number, senders: number, periodMs: number): Promise<Round> {
  const agent = new Agent({ keepAlive: true, maxSockets: senders });
  const target = new URL(ctx.slack.webhookUrl);
  const post = (text: string): Promise<void> =>
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
    });
  try {
    return await round(ctx, total, senders, periodMs, (_s, _i, text) => post(text));
  } finally {
    agent.destroy();
  }
}

/**
 * Whether the room re-sends messages that failed during a Slack outage, and
 * how fast: a figure, or "not available" with the reason. Runs on a
 * `partykit dev` of its own whose webhook goes through the outage switch.
 */
async function outboxDrain(ctx: BenchContext, count: number, waitMs: number, directRate: number): Promise<Figure> {
  const base = { id: "text.outbox", section: SECTION, name: `Outbox drain after a Slack outage (${count} messages held)`, unit: "msg/s" };
  const baseline = { label: "the direct POST rate above", median: directRate };
  const tag = `bench-outbox-${Math.random().toString(36).slice(2, 8)}`;
  const slackSwitch = await startSlackSwitch(ctx.slack);
  let server: PartykitServer | undefined;
  let visitor: Client | undefined;
  try {
    server = await startPartykit({ vars: { HOST_KEY: ctx.hostKey, ICE_SERVERS: "[]", SLACK_WEBHOOK_URL: slackSwitch.webhookUrl } });
    [visitor] = await connectMany([partykitTarget(server, ctx.hostKey).socketUrl(roomName("bench-outbox"))], ctx.deadline);
    slackSwitch.down = true;
    try {
      for (let i = 0; i < count; i++) {
        visitor!.send({ type: "text", text: `${tag}-${i}`, clientId: `o${i}` });
        await sleep(PERIOD_MS);
      }
      const until = Date.now() + ctx.deadline.cap(5_000);
      while (slackSwitch.refused < count && Date.now() < until) await sleep(20);
    } finally {
      slackSwitch.down = false;
    }
    const refused = slackSwitch.refused;
    const up = performance.now();
    const { arrived, stop } = arrivals(ctx, tag);
    const end = Date.now() + ctx.deadline.cap(waitMs);
    while (arrived.size < count && Date.now() < end) await sleep(20);
    stop();
    const logged = (server.logs().match(/Slack forwarding failed/g) ?? []).length;
    if (arrived.size === 0) {
      return {
        ...base,
        baseline,
        unavailable: `no outbox — ${refused} Slack attempts failed during the outage, ${logged} failure(s) logged by the room, none re-sent within ${(waitMs / 1000).toFixed(0)} s after Slack came back`,
      };
    }
    const last = Math.max(...arrived.values());
    return withRatio({
      ...base,
      n: arrived.size,
      median: (arrived.size / Math.max(1, last - up)) * 1000,
      baseline,
      notes: arrived.size < count ? `only ${arrived.size} of ${count} arrived within ${(waitMs / 1000).toFixed(0)} s` : undefined,
    });
  } finally {
    visitor?.close();
    await server?.stop();
    await slackSwitch.stop();
  }
}

export async function benchText(ctx: BenchContext): Promise<Figure[]> {
  const total = ctx.quick ? 10 : 4000;
  const sockets = ctx.quick ? 2 : 200;
  const rounds = ctx.quick ? 1 : 3;
  const offered = sockets * (1000 / PERIOD_MS);
  const light = { total: ctx.quick ? 10 : 400, senders: ctx.quick ? 2 : 10, period: LIGHT_PERIOD_MS };
  const lightRate = light.senders * (1000 / light.period);
  ctx.log(`text: ${rounds} round(s) of ${total} messages from ${sockets} sockets (offered ${offered}/s), then ${light.total} at ${lightRate}/s`);
  const room = roomName("bench-text");
  const visitors = await connectMany(Array.from({ length: sockets }, () => ctx.room.socketUrl(room)), ctx.deadline);
  try {
    takeErrorFrames();
    const roomRounds: Array<Round & { failures: string[] }> = [];
    const directRounds: Round[] = [];
    const loads: Array<{ server: number; generator: number }> = [];
    for (let r = 0; r < rounds; r++) {
      ctx.deadline.check("text throughput");
      const { result, ...load } = await cpuLoad(ctx.room.serverPids(), () => viaRoom(ctx, visitors, total, sockets, PERIOD_MS));
      roomRounds.push(result);
      loads.push(load);
      await settle(ctx.room.serverPids(), ctx.deadline.cap(3_000));
      directRounds.push(await direct(ctx, total, sockets, 0));
      const last = roomRounds.at(-1)!;
      ctx.log(`  round ${r}: room ${last.rate.toFixed(0)} msg/s (${last.lost} lost${last.failures.length ? `: ${last.failures.join("; ")}` : ""}), direct ${directRounds.at(-1)!.rate.toFixed(0)} msg/s`);
    }
    const lightRoom = await viaRoom(ctx, visitors, light.total, light.senders, light.period);
    const lightDirect = await direct(ctx, light.total, light.senders, light.period);
    const errors = takeErrorFrames();
    const rate = median(roomRounds.map((r) => r.rate));
    const lost = roomRounds.reduce((a, r) => a + r.lost, 0);
    const failures = [...new Set(roomRounds.flatMap((r) => r.failures))];
    const directRate = median(directRounds.map((r) => r.rate));
    const lat = summarize(lightRoom.latencies);
    const dlat = summarize(lightDirect.latencies);
    const figures: Figure[] = [
      withRatio({
        id: "text.rate",
        section: SECTION,
        name: `Visitor messages into Slack through the room (${total} from ${sockets} sockets, at most ${offered}/s offered)`,
        unit: "msg/s",
        n: rounds,
        median: rate,
        baseline: { label: `the same POSTs direct from Node, ${sockets} concurrent, unpaced`, median: directRate },
        errorFrames: errors,
        notes: [
          `CPU meanwhile, in cores: workerd ${median(loads.map((l) => l.server)).toFixed(2)}, load generator with the stand-in ${median(loads.map((l) => l.generator)).toFixed(2)}`,
          lost ? `${lost} of ${total * rounds} messages never reached Slack (the room logged: ${failures.join("; ") || "nothing"}); the rate counts delivered ones` : "",
          rate > 0.9 * offered ? "limited by the offered load" : "",
        ].filter(Boolean).join("; "),
      }),
      withRatio({
        id: "text.latency",
        section: SECTION,
        name: `Per message at ${lightRate} msg/s: sent → received by the Slack stand-in`,
        unit: "ms",
        n: lat.n,
        median: lat.median,
        p99: lat.p99,
        baseline: { label: "the same POSTs direct from Node at the same pace", median: dlat.median, p99: dlat.p99 },
      }),
    ];
    closeAll(visitors);
    figures.push(await outboxDrain(ctx, ctx.quick ? 3 : 20, ctx.quick ? 3_000 : 10_000, directRate));
    return figures;
  } finally {
    closeAll(visitors);
  }
}
