/// <reference types="node" />
/**
 * Bytes: what the widget costs a visitor to download, gzip-compressed.
 * @module
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { BenchContext } from "./lib/context.ts";
import { withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";
import { BUILDS, gzipSize as sitesGzipSize, install, pack } from "../test/sites/sites.ts";

const SECTION = "Bytes";
const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The published bundle, once `npm run build` produces it. */
const DIST_ENTRY = join(ROOT, "dist", "contact-me.js");

/** Published sizes of other widgets (not measured here), in bytes. */
const PUBLISHED = [
  { label: "Intercom Messenger, ~210 KB", bytes: 210_000 },
  { label: "Crisp chatbox, ~130 KB", bytes: 130_000 },
  { label: "Chatwoot widget, ~170 KiB", bytes: 170 * 1024 },
];

export const BYTES: Section = {
  title: SECTION,
  description: `
The widget's JavaScript as a visitor downloads it, each file gzip-compressed (node:zlib, level 9). The
script-tag bundle \`dist/contact-me.js\` (from \`npm run build\`, which \`npm run bench\` runs first) is measured. **Initial** =
the entry file plus every file it imports statically, transitively (what loads before the element works);
**total** = every chunk reachable from the entry, dynamic imports included. The others' sizes are their
published figures (gzip JavaScript of the loaded widget), not measured here; KB = 1000 bytes, KiB = 1024.
**npm package in a site build**: the package packed (\`npm pack\`), installed into the small sites of
\`test/sites/\` and built by each one's tool, as \`npm run test:sites\` does (not in \`--quick\`): the scripts the
page's HTML loads plus their static imports (for Next.js, what the page adds beyond one without the widget,
React and Next.js themselves aside), beside the script tag's initial load.
`,
};

/** Relative imports of an ESM file, split into static and dynamic. */
export function importsOf(code: string): { static: string[]; dynamic: string[] } {
  const stat = new Set<string>();
  const dyn = new Set<string>();
  for (const m of code.matchAll(/\bimport\s*(?:[\w$*{}\s,]*?\s*from\s*)?["']([^"']+)["']/g)) stat.add(m[1]!);
  for (const m of code.matchAll(/\bexport\s*(?:\*|\{[^}]*\})\s*(?:as\s+[\w$]+\s*)?from\s*["']([^"']+)["']/g)) stat.add(m[1]!);
  // Any quotes: a minifier may write import(`./chunk.js`).
  for (const m of code.matchAll(/\bimport\(\s*(["'`])([^"'`]+)\1\s*\)/g)) dyn.add(m[2]!);
  const rel = (s: Set<string>): string[] => [...s].filter((p) => p.startsWith("./") || p.startsWith("../"));
  return { static: rel(stat), dynamic: rel(dyn) };
}

interface Graph {
  initial: string[];
  all: string[];
}

/** Files loaded initially (static closure) and in all (static and dynamic closure) from `entry`. */
export function moduleGraph(entry: string): Graph {
  const closure = (withDynamic: boolean): string[] => {
    const seen = new Set<string>();
    const stack = [entry];
    while (stack.length) {
      const file = stack.pop()!;
      if (seen.has(file) || !existsSync(file)) continue;
      seen.add(file);
      const imports = importsOf(readFileSync(file, "utf8"));
      for (const spec of [...imports.static, ...(withDynamic ? imports.dynamic : [])]) stack.push(resolve(dirname(file), spec));
    }
    return [...seen];
  };
  return { initial: closure(false), all: closure(true) };
}

function gzipBytes(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).byteLength;
}

export async function benchBytes(ctx: BenchContext): Promise<Figure[]> {
  if (!existsSync(DIST_ENTRY)) throw new Error(`${relative(ROOT, DIST_ENTRY)} is missing: run npm run build first`);
  const graph = moduleGraph(DIST_ENTRY);
  const sum = (files: string[], size: (f: string) => number): number => files.reduce((a, f) => a + size(f), 0);
  const initial = sum(graph.initial, gzipBytes);
  const total = sum(graph.all, gzipBytes);
  const raw = sum(graph.initial, (f) => statSync(f).size);
  const source = `dist/ (${relative(ROOT, DIST_ENTRY)})`;
  ctx.log(`bytes: ${source}: initial ${initial} B gzip (${graph.initial.length} files), total ${total} B (${graph.all.length} files)`);
  const kib = (b: number): number => b / 1024;
  const figures: Figure[] = PUBLISHED.map((p, i) =>
    withRatio({
      id: `bytes.initial.${i}`,
      section: SECTION,
      name: "Widget JS, initial load (gzip)",
      unit: "KiB",
      median: kib(initial),
      baseline: { label: p.label, median: kib(p.bytes), published: true },
      notes: i === 0 ? `${source}; ${graph.initial.length} file(s), ${(raw / 1024).toFixed(1)} KiB minified before gzip` : undefined,
    }),
  );
  figures.push(
    withRatio({
      id: "bytes.total",
      section: SECTION,
      name: "Widget JS, all chunks (gzip)",
      unit: "KiB",
      median: kib(total),
      baseline: { label: PUBLISHED[1]!.label, median: kib(PUBLISHED[1]!.bytes), published: true },
      notes: `${graph.all.length} file(s)`,
    }),
  );
  figures.push(...(await siteFigures(ctx, kib(initial))));
  return figures;
}

/** The first load of each site built with the packed package, beside the script tag's (`scriptTag`, KiB). */
async function siteFigures(ctx: BenchContext, scriptTag: number): Promise<Figure[]> {
  const baseline = { label: "script tag, initial load (dist/contact-me.js)", median: scriptTag };
  const row = (name: string, label: string): Pick<Figure, "id" | "section" | "name" | "unit"> => ({
    id: `bytes.npm.${name}`,
    section: SECTION,
    name: `Widget JS, initial load: npm package, ${label} site (gzip)`,
    unit: "KiB",
  });
  if (ctx.quick) {
    return Object.entries(BUILDS).map(([name, site]) => ({ ...row(name, site.label), unavailable: "site builds are left out of --quick (npm run test:sites checks them)" }));
  }
  const packed = await pack(join(ROOT, "test-results", "sites"));
  const figures: Figure[] = [];
  for (const [name, site] of Object.entries(BUILDS)) {
    ctx.deadline.check(`site build: ${name}`);
    await install(name, packed);
    const build = await site.build();
    const bytes = sitesGzipSize(build.widgetFirstLoad);
    ctx.log(`bytes: ${name}: ${bytes} B gzip (${build.widgetFirstLoad.map((f) => relative(ROOT, f)).join(", ")})`);
    figures.push(withRatio({ ...row(name, site.label), median: bytes / 1024, baseline, notes: `${build.widgetFirstLoad.length} file(s)` }));
    if (build.react) {
      const react = sitesGzipSize(build.react.widgetFirstLoad);
      figures.push(
        withRatio({
          ...row(`${name}.react`, site.label),
          name: `Widget JS, initial load: npm package through contact-me/react, ${site.label} site (gzip)`,
          median: react / 1024,
          baseline,
          notes: `${build.react.widgetFirstLoad.length} file(s)`,
        }),
      );
    }
  }
  return figures;
}
