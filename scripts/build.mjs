#!/usr/bin/env node
// `npm run build`: Vite builds (vite.config.ts, one per mode), then the declarations and the manifest.
//   dist/contact-me.js, dist/contact-me-host.js  script-tag modules, Lit bundled, minified; the
//                                                widget's panel and call code in dist/chunks/,
//                                                loaded on first open
//   dist/lib/                                    the npm package's entries (contact-me, /host,
//                                                /call, /react, /react/host), one file per
//                                                source module, Lit and the other dependencies
//                                                left as imports
//   dist/types/                                  its type declarations
//   custom-elements.json                         the elements' manifest, from their JSDoc
// `npm run build -- --demo`: the demo pages' script only (wrangler's build step).
import { execFileSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
/** One Vite build: the `mode` of vite.config.ts, optionally into another folder. */
const vite = (mode, outDir) => build({ root, configFile: join(root, "vite.config.ts"), mode, ...(outDir && { build: { outDir } }) });

// `--demo`: only the demo pages' script (demo/dist/index.js and its chunks), as
// `partykit dev` builds it from partykit.json's "serve" — wrangler's build step.
// Built beside and then swapped in, so a server reading demo/dist meanwhile never finds it empty.
if (process.argv.includes("--demo")) {
  const [dist, next, old] = ["dist", "dist.next", "dist.old"].map((d) => join(root, "demo", d));
  rmSync(next, { recursive: true, force: true });
  await vite("demo", next);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
  process.exit(0);
}

rmSync(join(root, "dist"), { recursive: true, force: true });
// One build each, so the widget's first file shares no chunk with the dashboard.
for (const mode of ["contact-me", "contact-me-host", "lib"]) await vite(mode);

execFileSync(bin("tsc"), ["-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
execFileSync(bin("cem"), ["analyze", "--litelement", "--globs", "widget/**/*.ts", "--exclude", "widget/**/*.test.ts", "--outdir", "."], {
  cwd: root,
  stdio: ["ignore", "ignore", "inherit"],
});
console.log("built dist/ and custom-elements.json");
