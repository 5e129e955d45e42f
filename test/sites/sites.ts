/// <reference types="node" />
/**
 * Real site builds with the packed package: each fixture under `test/sites/<name>/` (its
 * `package.json` and committed `package-lock.json`) is installed with `npm ci`, gets the
 * tarball of `npm pack` (`npm install --no-save`), and is built by its own tool (`vite build`,
 * webpack 5, `next build`, `astro build`). Then its pages' HTML is read for the scripts a
 * visitor loads first, and those files (plus their static imports) are measured.
 *
 * Used by `test/sites/sites.test.ts` (the budgets in `npm test`) and `bench/sites.ts` (the
 * figures in BENCHMARKS.md).
 * @module
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SITES = fileURLToPath(new URL(".", import.meta.url));
/** The first-load budget, gzip bytes: the same as the script tag's (12 KB). */
export const FIRST_LOAD_BUDGET = 12 * 1024;
/** What `contact-me/react` may add to that: `@lit/react`'s `createComponent` and the component (gzip bytes). */
export const REACT_WRAPPER_ALLOWANCE = 1.5 * 1024;
/** Strings only the dashboard or the call code hold: none may be in a visitor's first load. */
export const FORBIDDEN = ["contact-me-host", "RTCPeerConnection"] as const;

const run = promisify(execFile);
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** Environment of every install and build: no telemetry, no colour. */
const ENV = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  ASTRO_TELEMETRY_DISABLED: "1",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  npm_config_update_notifier: "false",
};

/** Run `cmd` in `cwd` within `timeout` ms; its output in the error when it fails. */
export async function sh(cmd: string, args: string[], cwd: string, timeout: number): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, env: ENV, timeout, maxBuffer: 64 * 1024 * 1024 });
    return `${stdout}\n${stderr}`;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; killed?: boolean; message: string };
    throw new Error(`${cmd} ${args.join(" ")} in ${relative(ROOT, cwd)} failed${e.killed ? ` (killed after ${timeout} ms)` : ""}: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`.slice(0, 20_000));
  }
}

/** The packed package: the tarball, and its contents unpacked (`<dir>/package`). */
export interface Packed {
  tarball: string;
  unpacked: string;
}

/** `npm pack` of the built package into `dir` (emptied first), and the tarball unpacked beside it. */
export async function pack(dir: string): Promise<Packed> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = await sh(NPM, ["pack", "--json", "--pack-destination", dir], ROOT, 120_000);
  const [{ filename }] = JSON.parse(out.slice(out.indexOf("["), out.lastIndexOf("]") + 1)) as [{ filename: string }];
  const tarball = join(dir, filename);
  await sh("tar", ["-xzf", tarball, "-C", dir], dir, 60_000);
  return { tarball, unpacked: join(dir, "package") };
}

const dependenciesOf = (dir: string): string => JSON.stringify((JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies?: unknown }).dependencies ?? {});

/**
 * Install a fixture: `npm ci` from its lockfile, skipped when `node_modules` already holds that
 * lockfile's install (a stamp of its hash), then the packed package on top with
 * `npm install --no-save <tarball>`, so the lockfile stays as committed. When the installed
 * copy has the same dependencies (a run after a change to the widget only), its files are
 * replaced by the tarball's, as npm would, without npm resolving the tree again.
 */
export async function install(site: string, { tarball, unpacked }: Packed): Promise<void> {
  const dir = join(SITES, site);
  const stamp = join(dir, "node_modules", ".contact-me-lock-sha256");
  const installed = join(dir, "node_modules", "contact-me");
  const lock = createHash("sha256").update(readFileSync(join(dir, "package-lock.json"))).digest("hex");
  const flags = ["--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"];
  const fresh = !existsSync(stamp) || readFileSync(stamp, "utf8") !== lock;
  if (fresh) await sh(NPM, ["ci", ...flags], dir, 600_000);
  if (!fresh && existsSync(join(installed, "package.json")) && dependenciesOf(installed) === dependenciesOf(unpacked)) {
    rmSync(installed, { recursive: true, force: true });
    cpSync(unpacked, installed, { recursive: true });
  } else {
    await sh(NPM, ["install", "--no-save", ...flags, tarball], dir, 300_000);
  }
  writeFileSync(stamp, lock);
}

/** A page of a built site: its HTML and the files a visitor loads before the widget works. */
export interface Page {
  /** The page, as built (`dist/index.html`). */
  html: string;
  /** Script files the HTML loads (`<script src>`, `<link rel=modulepreload>`), with their static imports. */
  firstLoad: string[];
}

/** Every `.js` file under `dir`. */
export function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : [],
  );
}

/** Static (`import … from`, `import "…"`, `export … from`) relative imports of a module; `import()` left out. */
function staticImports(file: string): string[] {
  const code = readFileSync(file, "utf8");
  const found = new Set<string>();
  for (const m of code.matchAll(/\bimport\s*(?:[\w$*{}\s,]*?\s*from\s*)?(["'`])([^"'`]+)\1/g)) found.add(m[2]!);
  for (const m of code.matchAll(/\bexport\s*(?:\*|\{[^}]*\})\s*(?:as\s+[\w$]+\s*)?from\s*(["'`])([^"'`]+)\1/g)) found.add(m[2]!);
  return [...found].filter((s) => s.startsWith("./") || s.startsWith("../")).map((s) => resolve(dirname(file), s));
}

/**
 * A built page: the scripts its HTML loads (paths from `/` resolved in `root`), and everything
 * they import statically, transitively.
 */
export function page(root: string, htmlFile: string): Page {
  const html = readFileSync(htmlFile, "utf8");
  const urls = new Set<string>();
  for (const tag of html.matchAll(/<script\b[^>]*>|<link\b[^>]*>/g)) {
    if (tag[0].startsWith("<link") && !/\brel=["']?modulepreload\b/.test(tag[0])) continue;
    // Quoted or not (a minified page writes `src=/main.js`).
    const url = /\b(?:src|href)=(?:"([^"]+)"|'([^']+)'|([^\s>"']+))/.exec(tag[0])?.slice(1).find(Boolean)?.replace(/[?#].*$/, "");
    if (!url?.endsWith(".js")) continue;
    if (!/^[a-z]+:|^\/\//.test(url)) urls.add(url);
  }
  const seen = new Set<string>();
  const stack = [...urls].map((u) => (u.startsWith("/") ? join(root, u) : resolve(dirname(htmlFile), u)));
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    if (!existsSync(file)) throw new Error(`${relative(ROOT, htmlFile)} loads ${relative(ROOT, file)}, which the build did not write`);
    seen.add(file);
    stack.push(...staticImports(file));
  }
  return { html, firstLoad: [...seen].sort() };
}

/** Gzip size (node:zlib, level 9) of `files`, in bytes. */
export function gzipSize(files: string[]): number {
  return files.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).byteLength, 0);
}

/** What one site build gives: the visitor's page, and all the JavaScript the build wrote. */
export interface SiteBuild {
  /** The page with `<contact-me>`. */
  visitor: Page;
  /** The files the widget adds to that page's first load (for Next.js: beyond what a page without it loads). */
  widgetFirstLoad: string[];
  /** For Next.js: a page of the same site without the widget (the framework's own first load). */
  baseline?: Page;
  /** For Next.js: the page with the widget through `contact-me/react`, and what it adds to the first load. */
  react?: { page: Page; widgetFirstLoad: string[] };
  /** A page of the same site loading the dashboard (`contact-me/host`), where there is one. */
  owner?: Page;
  /** Every JavaScript file of the build (lazy chunks included). */
  all: string[];
  /** Seconds the build took. */
  seconds: number;
}

/** The fixtures and how each builds. */
export const BUILDS: Record<string, { label: string; build: () => Promise<SiteBuild> }> = {
  vite: {
    label: "Vite 8 (`vite build`)",
    async build() {
      const dir = join(SITES, "vite");
      const t = Date.now();
      const vite = join(dir, "node_modules", "vite", "bin", "vite.js");
      await sh(process.execPath, [vite, "build"], dir, 180_000);
      const out = join(dir, "dist");
      const visitor = page(out, join(out, "index.html"));
      const seconds = (Date.now() - t) / 1000;
      // The owner's page, a build of its own (`--mode owner`, vite.config.js).
      await sh(process.execPath, [vite, "build", "--mode", "owner"], dir, 180_000);
      const owner = page(join(dir, "dist-owner"), join(dir, "dist-owner", "host.html"));
      return { visitor, widgetFirstLoad: visitor.firstLoad, owner, all: jsFiles(out), seconds };
    },
  },
  webpack: {
    label: "webpack 5 (production, html-webpack-plugin)",
    async build() {
      const dir = join(SITES, "webpack");
      const t = Date.now();
      await sh(process.execPath, [join(dir, "build.js")], dir, 180_000);
      const out = join(dir, "dist");
      const visitor = page(out, join(out, "index.html"));
      return { visitor, widgetFirstLoad: visitor.firstLoad, all: jsFiles(out), seconds: (Date.now() - t) / 1000 };
    },
  },
  next: {
    label: "Next.js 15 (App Router, `next build`, static export)",
    async build() {
      const dir = join(SITES, "next");
      const t = Date.now();
      await sh(process.execPath, [join(dir, "node_modules", "next", "dist", "bin", "next"), "build"], dir, 300_000);
      const out = join(dir, "out");
      const visitor = page(out, join(out, "index.html"));
      const plain = page(out, join(out, "plain.html"));
      // Next.js and React load on every page: the widget's share is what the page with it adds.
      const widgetFirstLoad = visitor.firstLoad.filter((f) => !plain.firstLoad.includes(f));
      const react = page(out, join(out, "react.html"));
      const reactFirstLoad = react.firstLoad.filter((f) => !plain.firstLoad.includes(f));
      return { visitor, widgetFirstLoad, baseline: plain, react: { page: react, widgetFirstLoad: reactFirstLoad }, owner: page(out, join(out, "host.html")), all: jsFiles(out), seconds: (Date.now() - t) / 1000 };
    },
  },
  astro: {
    label: "Astro 5 (`astro build`, static)",
    async build() {
      const dir = join(SITES, "astro");
      const t = Date.now();
      await sh(process.execPath, [join(dir, "node_modules", "astro", "astro.js"), "build"], dir, 180_000);
      const out = join(dir, "dist");
      const visitor = page(out, join(out, "index.html"));
      return { visitor, widgetFirstLoad: visitor.firstLoad, owner: page(out, join(out, "host", "index.html")), all: jsFiles(out), seconds: (Date.now() - t) / 1000 };
    },
  },
};
