/// <reference types="node" />
/**
 * What the test servers run: the project's own `partykit.json` and
 * `wrangler.jsonc`, rewritten once per test process into a temporary folder
 * with absolute paths and without their build step, so that every server a
 * test starts serves the same demo pages, built once (`demo/dist`, by
 * `scripts/build.mjs --demo`, the build `wrangler.jsonc` names) instead of
 * rebuilding them at each start (seconds per server, twice per test file
 * that restarts one).
 *
 * The pages are rebuilt here when missing or older than any source they
 * come from (`widget/`, `protocol/`, `demo/src/`), so a test run after an
 * edit never serves a stale widget. One test process at a time may build.
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import ts from "typescript";
import { REPO_ROOT } from "./dev-server.ts";

/** Where the demo pages' sources are, and the script their build writes. */
const SOURCES = ["widget", "protocol", "demo/src"];
const BUILT = join(REPO_ROOT, "demo", "dist", "index.js");

/** The newest modification time (ms) of a file under `dir`. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

let built = false;

/** Build the demo pages' script unless `demo/dist` is newer than every source of it. */
export function demoBuilt(): void {
  if (built) return;
  const builtAt = (() => {
    try {
      return statSync(BUILT).mtimeMs;
    } catch {
      return 0;
    }
  })();
  if (SOURCES.some((dir) => newest(join(REPO_ROOT, dir)) > builtAt)) {
    execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "build.mjs"), "--demo"], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }
  built = true;
}

const abs = (path: string): string => (isAbsolute(path) ? path : join(REPO_ROOT, path));

let folder: string | undefined;
/** This process's folder of rewritten configs, removed when it exits. */
function configFolder(): string {
  if (!folder) {
    const made = mkdtempSync(join(tmpdir(), "contact-me-config-"));
    process.once("exit", () => rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  return folder;
}

/** A JSON or JSONC file of the repository, parsed (comments allowed, as wrangler allows them). */
function readConfig(name: string): Record<string, unknown> {
  const parsed = ts.parseConfigFileTextToJson(name, readFileSync(join(REPO_ROOT, name), "utf8"));
  if (parsed.error) throw new Error(`${name}: ${ts.flattenDiagnosticMessageText(parsed.error.messageText, "\n")}`);
  return parsed.config as Record<string, unknown>;
}

let partykit: string | undefined;
/** `partykit.json` for `partykit dev --config`: the same parties, serving `demo/` as built (no `serve.build`). */
export function partykitConfig(): string {
  demoBuilt();
  if (partykit) return partykit;
  const config = readConfig("partykit.json");
  const serve = config.serve as { path: string };
  const parties = Object.fromEntries(Object.entries((config.parties ?? {}) as Record<string, string>).map(([k, v]) => [k, abs(v)]));
  const rewritten: Record<string, unknown> = { ...config, main: abs(config.main as string), parties, serve: { path: abs(serve.path) } };
  delete rewritten.$schema;
  partykit = join(configFolder(), "partykit.json");
  writeFileSync(partykit, JSON.stringify(rewritten, null, 2));
  return partykit;
}

let wrangler: string | undefined;
/** `wrangler.json` for `wrangler dev --config`: the same Worker and bindings, the assets as built (no `build`). */
export function wranglerConfig(): string {
  demoBuilt();
  if (wrangler) return wrangler;
  const config = readConfig("wrangler.jsonc");
  const assets = config.assets as { directory: string };
  const rewritten: Record<string, unknown> = { ...config, main: abs(config.main as string), assets: { ...assets, directory: abs(assets.directory) } };
  delete rewritten.$schema;
  delete rewritten.build;
  wrangler = join(configFolder(), "wrangler.json");
  writeFileSync(wrangler, JSON.stringify(rewritten, null, 2));
  return wrangler;
}
