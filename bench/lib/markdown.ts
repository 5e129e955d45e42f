/**
 * BENCHMARKS.md from a run's results.
 * @module
 */
import type { Figure } from "./figures.ts";
import type { Machine } from "./machine.ts";

export interface Section {
  title: string;
  /** What exactly is measured, and how (Markdown). */
  description: string;
}

export interface RunResults {
  startedAt: string;
  durationS: number;
  quick: boolean;
  machine: Machine;
  /** 1, 5 and 15-minute load averages when the run started and ended: other work on the machine. */
  loadAverage: { start: number[]; end: number[] };
  sections: Section[];
  figures: Figure[];
}

/** A number for the table: fewer decimals as it grows. */
export function fmt(value: number | undefined, unit = ""): string {
  if (value === undefined) return "—";
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const text = value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit ? `${text} ${unit}` : text;
}

function ratio(f: Figure): string {
  if (f.ratio === undefined) return "—";
  // Two significant digits below 0.1, so a small ratio does not print as ×0.00.
  return `×${f.ratio < 0.1 ? f.ratio.toPrecision(2) : f.ratio.toFixed(f.ratio >= 10 ? 1 : 2)}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function row(f: Figure, withRuntime: boolean): string {
  const runtime = withRuntime ? ` ${f.runtime ? `\`${cell(f.runtime)}\`` : "—"} |` : "";
  const errors = f.errorFrames && Object.keys(f.errorFrames).length
    ? ` (error frames: ${Object.entries(f.errorFrames).map(([k, v]) => `${k} ×${v}`).join(", ")})`
    : "";
  if (f.error) return `| ${cell(f.name)} |${runtime} — | **failed: ${cell(f.error)}** | — | — | — | — |`;
  if (f.unavailable) return `| ${cell(f.name)} |${runtime} — | not available: ${cell(f.unavailable)} | — | ${cell(f.baseline?.label ?? "—")} | ${fmt(f.baseline?.median, f.unit)} | — |`;
  const base = f.baseline
    ? `${cell(f.baseline.label)}${f.baseline.published ? " (published, not measured here)" : ""}`
    : "—";
  const baseValue = f.baseline ? `${fmt(f.baseline.median, f.unit)}${f.baseline.p99 !== undefined ? ` / ${fmt(f.baseline.p99, f.unit)}` : ""}` : "—";
  const notes = [f.notes, errors.trim()].filter(Boolean).join("; ");
  return `| ${cell(f.name)}${notes ? ` <br><sub>${cell(notes)}</sub>` : ""} |${runtime} ${f.n ?? "—"} | ${fmt(f.median, f.unit)} | ${fmt(f.p99, f.unit)} | ${base} | ${baseValue} | ${ratio(f)} |`;
}

export function renderMarkdown(r: RunResults): string {
  const m = r.machine;
  const lines: string[] = [
    "# Benchmarks",
    "",
    `Measured by \`npm run bench${r.quick ? " -- --quick" : ""}\` on ${r.startedAt.slice(0, 10)} (${r.durationS.toFixed(0)} s), everything on this one machine over`,
    "loopback (127.0.0.1). Each figure stands beside a baseline measured in the same run, except where the",
    "baseline is marked as a published figure. Medians; p99 by nearest rank (with fewer than 100 samples it is",
    "the largest or next-to-largest sample). Ratio = median ÷ baseline median. Regenerate with `npm run bench`;",
    "the same numbers are in [`bench/results.json`](bench/results.json).",
    "",
    "## Machine",
    "",
    "| | |",
    "| --- | --- |",
    `| CPU | ${m.cpu} |`,
    `| Cores | ${m.cores} |`,
    `| Memory | ${m.memoryGiB} GiB |`,
    `| OS | ${m.os} |`,
    `| Node | ${m.node} |`,
    `| Chromium | ${m.chromium} |`,
    `| partykit | ${m.partykit} (\`partykit dev\`, workerd) |`,
    `| wrangler | ${m.wrangler ?? "—"} (\`wrangler dev\`, workerd), partyserver ${m.partyserver ?? "—"} |`,
    `| Open files limit | ${m.openFilesLimit} |`,
    `| Load average (1/5/15 min) | at start ${r.loadAverage.start.map((l) => l.toFixed(2)).join(" / ")}, at end ${r.loadAverage.end.map((l) => l.toFixed(2)).join(" / ")} |`,
    "",
    "The benchmarks share the machine with whatever else runs on it; the run itself keeps both cores busy at times. A load average",
    "well above 2 (2 cores) means other work competed for the cores, and the figures are noisier for it.",
    "",
    "Keep in mind:",
    "",
    "- The rooms run on two runtimes, both started for the whole run and measured one after the other:",
    "  `partykit dev` (the PartyKit adapter, `party/server.ts`), which runs every room in one local `workerd`",
    "  process; and `wrangler dev` (the Cloudflare Worker, `party/worker.ts` on PartyServer, as `npm run deploy`",
    "  ships it), which runs the Worker and its SQLite-backed Durable Objects in one `workerd` process behind",
    "  a second one, wrangler's dev proxy, that holds every client connection on the server's port and forwards",
    "  it. Relay latency, presence fan-out and memory are measured on both, each beside the same baseline;",
    "  call setup and text on `partykit dev`. The rooms' code is the same on both (`party/core/`).",
    "- Deployed, each room is a Durable Object on Cloudflare's network, idle sockets hibernate, and a visitor's",
    "  network round trip dwarfs the relay times here; these figures compare the room's own cost with a minimal",
    "  server's, on equal terms. Neither local server is Cloudflare's edge: `wrangler dev` adds its proxy hop.",
    "- The room limits visitors per client address (`cf-connecting-ip`); every simulated visitor claims an",
    "  address of its own (`2001:db8::…`), as distinct people would, and both local servers pass it through.",
    "- The load generator (Node), the Slack stand-in, Chromium and the servers share the same cores.",
    "",
    "## Results",
    "",
  ];
  for (const section of r.sections) {
    const figures = r.figures.filter((f) => f.section === section.title);
    if (figures.length === 0) continue;
    lines.push(`### ${section.title}`, "", section.description.trim(), "");
    const withRuntime = figures.some((f) => f.runtime !== undefined);
    lines.push(
      `| Figure |${withRuntime ? " Server |" : ""} n | Median | p99 | Baseline | Baseline median / p99 | Ratio |`,
      `| --- |${withRuntime ? " --- |" : ""} ---: | ---: | ---: | --- | ---: | ---: |`,
    );
    for (const f of figures) lines.push(row(f, withRuntime));
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
