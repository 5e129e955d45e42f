/// <reference types="node" />
/**
 * `npm run bench`: measures this project on this machine, each figure beside
 * a baseline measured in the same run, and writes BENCHMARKS.md and
 * bench/results.json.
 *
 *   node --import tsx bench/run.ts [--quick] [--out DIR] [--only a,b]
 *
 * `--quick` runs every benchmark at tiny sizes, writes to a temporary
 * directory (or `--out`), and fails only if a figure was not produced (a
 * number, or an explicit "not available" reason); it never judges speed.
 * `--only` runs the named benchmarks (memory, bytes, bundle, call, meeting,
 * relay, presence, text, inbox, upload). Every run is bounded by a global deadline and stops the
 * servers it started; all traffic stays on 127.0.0.1.
 *
 * The rooms run on both runtimes at once, `partykit dev` and `wrangler dev`:
 * relay, presence, memory, inbox and file upload are measured on each beside
 * their baselines; call setup, meetings and text on `partykit dev`.
 *
 * A full run holds about 1,100 sockets open in this process and as many in the
 * server; `wrangler dev`'s dev proxy (a `workerd` process, which inherits the
 * limit) holds about six descriptors per socket (measured: some 6,100 for
 * 1,000 sockets): with an open-files limit under 8,000 (`ulimit -n`), raise
 * it first (`ulimit -n 8192`), or the 1,000-socket figures fail.
 * @module
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchBundle, BUNDLE } from "./bundle.ts";
import { benchBytes, BYTES } from "./bytes.ts";
import { benchCallSetup, CALL } from "./call-setup.ts";
import { benchInbox, INBOX } from "./inbox.ts";
import { benchMeeting, MEETING } from "./meeting.ts";
import { benchMemory, MEMORY } from "./memory.ts";
import { benchPresence, PRESENCE } from "./presence.ts";
import { benchRelay, RELAY } from "./relay.ts";
import { benchText, TEXT } from "./text.ts";
import { benchUpload, UPLOAD } from "./upload.ts";
import { takeErrorFrames } from "./lib/clients.ts";
import type { BenchContext, RunContext } from "./lib/context.ts";
import { Deadline } from "./lib/deadline.ts";
import { failed, figureProblem, type Figure } from "./lib/figures.ts";
import { describeMachine } from "./lib/machine.ts";
import { renderMarkdown, type RunResults, type Section } from "./lib/markdown.ts";
import { runtimeTarget, startBaselineServer, startPartykit, startSlackStandIn, startWrangler } from "./lib/servers.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

interface Benchmark<C extends RunContext = BenchContext> {
  key: string;
  section: Section;
  run(ctx: C): Promise<Figure[]>;
}

/**
 * Run before the servers start, needing none: the Worker bundle, whose build
 * step replaces demo/dist (the pages `partykit dev` serves load their chunks
 * from there, from the build it made when it started).
 */
const BEFORE_SERVERS: Array<Benchmark<RunContext>> = [{ key: "bundle", section: BUNDLE, run: benchBundle }];

/** In run order, once the servers are up: memory first, while they are fresh. */
const BENCHMARKS: Benchmark[] = [
  { key: "memory", section: MEMORY, run: benchMemory },
  { key: "bytes", section: BYTES, run: benchBytes },
  { key: "call", section: CALL, run: benchCallSetup },
  { key: "relay", section: RELAY, run: benchRelay },
  { key: "presence", section: PRESENCE, run: benchPresence },
  { key: "text", section: TEXT, run: benchText },
  { key: "inbox", section: INBOX, run: benchInbox },
  { key: "upload", section: UPLOAD, run: benchUpload },
  // Last: its meetings of 5 keep both cores busy for minutes on a loaded machine, and it stops starting
  // new joins when the run's time runs short, so it takes what is left rather than starving the others.
  { key: "meeting", section: MEETING, run: benchMeeting },
];

/** Sections in the report's order. */
const REPORT_ORDER = ["call", "meeting", "relay", "presence", "bytes", "bundle", "memory", "text", "inbox", "upload"];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string" },
    only: { type: "string" },
  },
});
const quick = values.quick === true;
const only = values.only ? new Set(values.only.split(",")) : undefined;
/**
 * Budget for the benchmarks; the whole run (with start-up and shutdown)
 * stays under 16 minutes. The meetings run last and need about 5 of them
 * (the meeting of 5 and its direct mesh take over a minute each to seat).
 */
const BUDGET_MS = quick ? 150_000 : 870_000;
/** If shutting down hangs, the process exits anyway (exit handlers kill the servers). */
const HARD_LIMIT_MS = BUDGET_MS + 60_000;

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  const loadAtStart = loadavg();
  const deadline = new Deadline(BUDGET_MS);
  const hard = setTimeout(() => {
    log(`hard time limit of ${HARD_LIMIT_MS / 1000} s reached; exiting`);
    process.exit(2);
  }, HARD_LIMIT_MS);
  hard.unref();

  const machine = describeMachine();
  const fileLimit = Number(machine.openFilesLimit);
  if (!quick && Number.isFinite(fileLimit) && fileLimit < 8_000) {
    log(`open-files limit is ${fileLimit}; the 1,000-socket figures need about 8,000 (wrangler dev's proxy): run \`ulimit -n 8192\` first`);
  }

  /** Run `b` unless `--only` leaves it out, its figures (or its failure) into `figures`. */
  const run = async <C extends RunContext>(b: Benchmark<C>, ctx: C): Promise<void> => {
    if (only && !only.has(b.key)) return;
    log(`— ${b.section.title}`);
    const begun = Date.now();
    takeErrorFrames();
    try {
      deadline.check(b.section.title);
      figures.push(...(await b.run(ctx)));
    } catch (err) {
      figures.push(failed(`${b.key}`, b.section.title, b.section.title, "", err));
    }
    log(`  (${b.section.title}: ${((Date.now() - begun) / 1000).toFixed(0)} s)`);
  };
  const figures: Figure[] = [];
  for (const b of BEFORE_SERVERS) await run(b, { quick, deadline, log });

  const hostKey = randomUUID();
  const slack = await startSlackStandIn();
  const stops: Array<() => Promise<void>> = [() => slack.stop()];
  try {
    log("starting partykit dev, wrangler dev and the ws baseline server");
    // The same room variables on both runtimes.
    const vars = { HOST_KEY: hostKey, ICE_SERVERS: "[]", SLACK_WEBHOOK_URL: slack.webhookUrl };
    // wrangler dev first: its build step replaces demo/dist, where partykit dev then writes the chunks of
    // the build it serves the pages' script from (the other order leaves partykit's pages without them).
    const wrangler = await startWrangler({ vars });
    stops.unshift(() => wrangler.stop());
    const partykit = await startPartykit({ vars });
    stops.unshift(() => partykit.stop());
    const baseline = await startBaselineServer();
    stops.unshift(() => baseline.stop());
    const runtimes = [runtimeTarget(partykit, hostKey), runtimeTarget(wrangler, hostKey)];
    const ctx: BenchContext = { quick, deadline, hostKey, partykit, room: runtimes[0]!, runtimes, baseline, slack, log };
    log(`servers ready after ${((Date.now() - started) / 1000).toFixed(0)} s`);

    for (const b of BENCHMARKS) await run(b, ctx);
  } finally {
    // A server stops in any case; what it reports on stopping (e.g. errors it logged) is shown, not fatal.
    for (const stop of stops) await stop().catch((err: Error) => log(`stopping: ${err.message.split("\n")[0]}`));
  }

  const sections = REPORT_ORDER.map((k) => [...BEFORE_SERVERS, ...BENCHMARKS].find((b) => b.key === k)!.section);
  const results: RunResults = {
    startedAt: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    quick,
    machine,
    loadAverage: { start: loadAtStart, end: loadavg() },
    sections,
    figures,
  };
  const outDir = values.out ?? (quick ? mkdtempSync(join(tmpdir(), "contact-me-bench-")) : ROOT);
  mkdirSync(outDir, { recursive: true });
  const jsonPath = quick || values.out ? join(outDir, "results.json") : join(ROOT, "bench", "results.json");
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, "BENCHMARKS.md"), renderMarkdown(results));
  log(`wrote ${join(outDir, "BENCHMARKS.md")} and ${jsonPath} in ${results.durationS.toFixed(0)} s`);

  const problems = figures.map(figureProblem).filter((p): p is string => p !== undefined);
  for (const f of figures) {
    const value = f.error ? `FAILED ${f.error}` : f.unavailable ? `not available: ${f.unavailable}` : `${f.median?.toFixed(2)} ${f.unit}${f.ratio !== undefined ? ` (×${f.ratio < 0.1 ? f.ratio.toPrecision(2) : f.ratio.toFixed(2)})` : ""}`;
    log(`${f.id}: ${value}`);
  }
  if (problems.length) {
    log(`${problems.length} figure(s) not produced:\n  ${problems.join("\n  ")}`);
    return 1;
  }
  if (quick) log(`quick run: all ${figures.length} figures produced`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
