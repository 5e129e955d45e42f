#!/usr/bin/env node
// `npm run build`:
//   dist/contact-me.js, dist/contact-me-host.js  script-tag modules, Lit bundled, minified; the
//                                                widget's panel and call code in dist/chunks/,
//                                                loaded on first open
//   dist/lib/                                    the npm package entry (Lit and the other
//                                                dependencies left as imports)
//   dist/types/                                  its type declarations
//   custom-elements.json                         the elements' manifest, from their JSDoc
// `npm run build -- --demo`: the demo pages' script only (wrangler's build step).
import { execFileSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const common = {
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  format: "esm",
  target: "es2022",
  tsconfig: "tsconfig.json",
  legalComments: "none",
  logLevel: "warning",
};

// `--demo`: only the demo pages' script (demo/dist/index.js and its chunks), as
// `partykit dev` builds it from partykit.json's "serve" — wrangler's build step.
// Built beside and then swapped in, so a server reading demo/dist meanwhile never finds it empty.
if (process.argv.includes("--demo")) {
  const [dist, next, old] = ["dist", "dist.next", "dist.old"].map((d) => join(root, "demo", d));
  rmSync(next, { recursive: true, force: true });
  await esbuild.build({ ...common, entryPoints: ["demo/src/index.ts"], outdir: next, minify: true });
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
  process.exit(0);
}

rmSync(join(root, "dist"), { recursive: true, force: true });

// Built one at a time, so the widget's first file shares no chunk with the dashboard.
for (const [name, entry] of [["contact-me", "widget/contact-me/script.ts"], ["contact-me-host", "widget/contact-me-host/script.ts"]]) {
  await esbuild.build({
    ...common,
    entryPoints: { [name]: entry },
    outdir: "dist",
    chunkNames: `chunks/${name}-[name]-[hash]`,
    minify: true,
  });
}

await esbuild.build({
  ...common,
  entryPoints: { index: "widget/index.ts" },
  outdir: "dist/lib",
  chunkNames: "[name]-[hash]",
  packages: "external",
});

execFileSync(bin("tsc"), ["-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
execFileSync(bin("cem"), ["analyze", "--litelement", "--globs", "widget/**/*.ts", "--exclude", "widget/**/*.test.ts", "--outdir", "."], {
  cwd: root,
  stdio: ["ignore", "ignore", "inherit"],
});
console.log("built dist/ and custom-elements.json");
