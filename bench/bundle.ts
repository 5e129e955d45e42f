/// <reference types="node" />
/**
 * Worker bundle: the size of the script `wrangler deploy` would upload (the
 * rooms as a Cloudflare Worker), built by a dry run, beside the Workers Free
 * plan's size limit.
 * @module
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import type { RunContext } from "./lib/context.ts";
import { withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";

const SECTION = "Worker bundle";
const ROOT = fileURLToPath(new URL("../", import.meta.url));
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
/** The Workers Free plan's limit on a Worker's size after compression, as wrangler checks it (3 × 1024 × 1024 bytes). */
const FREE_PLAN_LIMIT = 3 * 1024 * 1024;

export const BUNDLE: Section = {
  title: SECTION,
  description: `
The Worker that \`npm run deploy\` uploads (\`party/worker.ts\` with PartyServer and everything it imports, as
wrangler bundles it from \`wrangler.jsonc\`; not minified, wrangler's default), built by
\`wrangler deploy --dry-run --outdir <temporary directory>\` (\`WRANGLER_SEND_METRICS=false\`, nothing is
uploaded): the size of the script it writes there, without its source map, as is and gzip-compressed
(node:zlib at its default level, as wrangler computes the size it reports and checks). The demo pages and
the widget's script are static assets, uploaded apart and not part of the Worker's size. Baseline: the
Workers Free plan's limit on a Worker's size after compression, 3 MiB (Cloudflare's published limit,
\`3 * 1024 * 1024\` bytes in wrangler's own check; 10 MiB on Workers Paid); ratio = the share of that
limit the Worker takes.
`,
};

/** The size wrangler itself reported: `Total Upload: 156.96 KiB / gzip: 39.53 KiB`. */
function reported(output: string): string | undefined {
  return /Total Upload: ([\d.]+ KiB) \/ gzip: ([\d.]+ KiB)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ""))?.slice(1).join(" / gzip ");
}

export async function benchBundle(ctx: RunContext): Promise<Figure[]> {
  const outDir = mkdtempSync(join(tmpdir(), "contact-me-worker-"));
  try {
    const { stdout, stderr } = await promisify(execFile)(WRANGLER, ["deploy", "--dry-run", "--outdir", outDir], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" },
      timeout: ctx.deadline.cap(120_000),
      maxBuffer: 16 * 1024 * 1024,
    });
    const scripts = readdirSync(outDir).filter((f) => f.endsWith(".js"));
    if (scripts.length !== 1) throw new Error(`wrangler deploy --dry-run wrote ${scripts.length} scripts to its output directory (${readdirSync(outDir).join(", ")})`);
    const file = join(outDir, scripts[0]!);
    const raw = statSync(file).size;
    const gzip = gzipSync(readFileSync(file)).byteLength;
    const wrangler = reported(`${stdout}\n${stderr}`);
    ctx.log(`bundle: ${scripts[0]} ${raw} B, gzip ${gzip} B${wrangler ? ` (wrangler: ${wrangler})` : ""}`);
    const kib = (b: number): number => b / 1024;
    return [
      withRatio({
        id: "bundle.worker.gzip",
        section: SECTION,
        name: "Worker script, gzip (what counts against the limit)",
        unit: "KiB",
        median: kib(gzip),
        baseline: { label: "Workers Free plan limit, 3 MiB after compression", median: kib(FREE_PLAN_LIMIT), published: true },
        notes: `${gzip.toLocaleString("en-US")} bytes${wrangler ? `; wrangler reported ${wrangler}` : ""}`,
      }),
      {
        id: "bundle.worker.raw",
        section: SECTION,
        name: "Worker script, as uploaded (before compression)",
        unit: "KiB",
        median: kib(raw),
        notes: `${scripts[0]}, ${raw.toLocaleString("en-US")} bytes; its source map (uploaded only with \`upload_source_maps\`) not counted`,
      },
    ];
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
