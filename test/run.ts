/// <reference types="node" />
/**
 * Runs test files with node's test runner, several files at a time.
 *
 * Many files spend much of their time waiting (a grace period running out,
 * the next minute's opening hours, a retry's back-off), so files run side by
 * side, each in its own `node --test` process with its own servers and
 * browsers; at most one of the {@link HEAVY} files at a time. Files in {@link SOLO} keep many
 * browser pages with live video busy (they alone saturate two cores) and run
 * with nothing beside them, after the others; files in {@link LONG} start
 * first.
 *
 * Usage:
 *
 *     node --import tsx test/run.ts [--concurrency N] [--runtime partykit|wrangler] FILE... [--runtime R FILE...]
 *
 * `--runtime` sets `RUNTIME` (see `test/support/server.ts`) for the files
 * after it (default `partykit`), so the same file can run once per runtime.
 * Each file's output (the spec reporter's) is printed whole when it ends,
 * under a line naming it; the last line is `N passed, N failed` over every
 * test of every file (a file that exits non-zero with no failed test, e.g.
 * one that crashed, counts one failure). Exits 1 when anything failed.
 * `--concurrency` defaults to `TEST_CONCURRENCY`, else 2.
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { relative } from "node:path";

/**
 * Files that run alone: meetings of five Chromium pages, each sending and
 * decoding four videos; and the screenshots, whose checks that every tile's
 * video presents new frames within 5 s failed twice in CI with another file
 * beside them (a tile's video paused, or a still shared screen), never alone.
 */
const SOLO = new Set(["test/e2e/meeting-mesh.test.ts", "test/widget/screens.test.ts"]);

/**
 * Files that keep three or more pages with live video busy for minutes
 * (meetings, a call handed over to a meeting, a meeting with Firefox, the
 * manifest's walk): at most one of them runs at a time, beside lighter files.
 * Two of them side by side saturate both cores: pages stopped answering the
 * room's heartbeat for 7 s and the room closed their sockets (both runtimes
 * of `meeting-rejoin` at once), or a shared screen was not decoded within 20 s
 * (`teammate` beside `manifest`).
 */
const HEAVY = new Set([
  "test/widget/manifest.test.ts",
  "test/e2e/meeting-rejoin.test.ts",
  "test/e2e/teammate.test.ts",
  "test/widget/cross-engine.test.ts",
]);

/**
 * Files that take minutes, started before the others (in this order) so that
 * they run beside the short ones rather than after them, alone.
 */
const LONG = [
  "test/widget/unreachable.test.ts",
  "test/widget/manifest.test.ts",
  "test/e2e/meeting-rejoin.test.ts",
  "test/widget/host-inbox.test.ts",
  "test/e2e/teammate.test.ts",
];

/**
 * The time limit of each test (ms), as the runner's `--test-timeout`: a test
 * that runs beside another file can take four times as long as alone.
 */
const TEST_TIMEOUT_MS = 900_000;

/** The files' processes now running, ended with this one on SIGINT or SIGTERM (each stops its own servers and browsers). */
const running = new Set<ChildProcess>();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const child of running) child.kill(signal);
    process.exit(130);
  });
}

interface Job {
  file: string;
  runtime: string;
}

interface Outcome {
  passed: number;
  failed: number;
}

function parseArgs(argv: string[]): { concurrency: number; jobs: Job[] } {
  let concurrency = Number(process.env.TEST_CONCURRENCY || 2);
  let runtime = "partykit";
  const jobs: Job[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--concurrency") concurrency = Number(argv[++i]);
    else if (arg === "--runtime") {
      runtime = argv[++i]!;
      if (!["partykit", "wrangler"].includes(runtime)) throw new Error(`--runtime must be partykit or wrangler, not ${runtime}`);
    }
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else jobs.push({ file: relative(process.cwd(), arg), runtime });
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency must be a whole number ≥ 1`);
  return { concurrency, jobs };
}

/** The count the spec reporter's closing summary gives for `key` (`ℹ pass 12`). */
function summaryCount(output: string, key: string): number | undefined {
  const last = [...output.matchAll(new RegExp(`^ℹ ${key} (\\d+)$`, "gm"))].at(-1);
  return last ? Number(last[1]) : undefined;
}

/** Run one file in its own `node --test` process; print its output when it ends. */
function runFile(job: Job): Promise<Outcome> {
  const started = Date.now();
  const args = ["--import", "tsx", "--test", "--test-reporter=spec", `--test-timeout=${TEST_TIMEOUT_MS}`, "--test-force-exit", job.file];
  const child = spawn(process.execPath, args, { env: { ...process.env, RUNTIME: job.runtime }, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (output += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (output += s));
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      running.delete(child);
      const passed = summaryCount(output, "pass") ?? 0;
      let failed = (summaryCount(output, "fail") ?? 0) + (summaryCount(output, "cancelled") ?? 0);
      if (code !== 0 && failed === 0) failed = 1;
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      const verdict = failed > 0 ? `FAILED (exit ${signal ?? code})` : "ok";
      process.stdout.write(`\n── ${job.file} (${job.runtime}) · ${secs} s · ${verdict}\n${output}`);
      resolve({ passed, failed });
    });
  });
}

async function main(): Promise<void> {
  const { concurrency, jobs } = parseArgs(process.argv.slice(2));
  if (jobs.length === 0) throw new Error("no test files given");
  const rank = (job: Job) => (LONG.includes(job.file) ? LONG.indexOf(job.file) : LONG.length);
  // Array.prototype.sort is stable: the rest keep the order they were given in.
  const shared = jobs.filter((j) => !SOLO.has(j.file)).sort((a, b) => rank(a) - rank(b));
  const solo = jobs.filter((j) => SOLO.has(j.file));
  const failedFiles: string[] = [];
  let passed = 0;
  let failed = 0;
  const record = (job: Job, o: Outcome) => {
    passed += o.passed;
    failed += o.failed;
    if (o.failed > 0) failedFiles.push(`${job.file} (${job.runtime})`);
  };
  process.stdout.write(`${shared.length} files, ${concurrency} at a time, then ${solo.length} alone\n`);
  const pending = [...shared];
  let heavyRunning = false;
  // Each lane takes the first file it may run. With only heavy files left while one runs, the lane
  // ends: the lane running it takes the rest.
  const lane = async () => {
    for (;;) {
      const i = pending.findIndex((j) => !(heavyRunning && HEAVY.has(j.file)));
      if (i < 0) return;
      const job = pending.splice(i, 1)[0]!;
      const heavy = HEAVY.has(job.file);
      if (heavy) heavyRunning = true;
      const outcome = await runFile(job);
      if (heavy) heavyRunning = false;
      record(job, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, shared.length) }, lane));
  for (const job of solo) record(job, await runFile(job));
  if (failedFiles.length > 0) process.stdout.write(`\nfailed:\n${failedFiles.map((f) => `  ${f}\n`).join("")}`);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
});
