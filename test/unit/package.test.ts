// What `npm run build` ships: the script-tag module within its size budgets,
// the npm entry with Lit left as a dependency, and the elements' manifest.
// Run after `npm run build` (as `npm test` does).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DIST = join(ROOT, "dist");
const KB = 1024;
/** Budgets, gzip: what the page loads with the script tag, and all the widget can ever load. */
const INITIAL_BUDGET = 12 * KB;
const TOTAL_BUDGET = 60 * KB;

/**
 * Relative imports of a built module: `static` (`import … from`) and `dynamic` (`import()`), the
 * specifier in any quotes (a minifier may write `` import(`./chunk.js`) ``).
 */
function imports(file: string): { static: string[]; dynamic: string[] } {
  const code = readFileSync(file, "utf8");
  const resolve = (spec: string) => join(dirname(file), spec);
  const dynamic = [...code.matchAll(/import\(\s*(["'`])(\.[^"'`]+)\1\s*\)/g)].map((m) => resolve(m[2]!));
  const all = [...code.matchAll(/(?:from|import)\s*(["'`])(\.[^"'`]+)\1/g)].map((m) => resolve(m[2]!));
  return { static: all.filter((f) => !dynamic.includes(f)), dynamic };
}

/** Every file reached from `entry` by static imports only, or by any import. */
function closure(entry: string, followDynamic: boolean): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const found = imports(file);
    for (const next of followDynamic ? [...found.static, ...found.dynamic] : found.static) visit(next);
  };
  visit(entry);
  return [...seen];
}

/** Every module of the npm build (`dist/lib/`, one file per source module). */
function libFiles(dir = join(DIST, "lib")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? libFiles(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : [],
  );
}

const gzipSize = (files: string[]) => files.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
const list = (files: string[]) => files.map((f) => relative(ROOT, f)).join(", ");

describe("the built package", () => {
  it("has been built (npm run build)", () => {
    for (const file of ["dist/contact-me.js", "dist/contact-me-host.js", "dist/lib/widget/index.js", "dist/types/widget/index.d.ts", "custom-elements.json"]) {
      assert.ok(existsSync(join(ROOT, file)), `${file} is missing: run npm run build`);
    }
  });

  it("the script tag loads at most 12 KB gzip before the widget is opened", () => {
    const initial = closure(join(DIST, "contact-me.js"), false);
    const size = gzipSize(initial);
    assert.ok(size <= INITIAL_BUDGET, `initial script ${size} B gzip > ${INITIAL_BUDGET} B (${list(initial)})`);
  });

  it("the panel, text and call code are loaded with import(), and everything is at most 60 KB gzip", () => {
    const initial = closure(join(DIST, "contact-me.js"), false);
    const everything = closure(join(DIST, "contact-me.js"), true);
    const lazy = everything.filter((f) => !initial.includes(f));
    assert.ok(lazy.some((f) => /contact-me-panel/.test(f)), `no lazily loaded panel chunk among ${list(everything)}`);
    // The socket and call code is not in the first load.
    const first = initial.map((f) => readFileSync(f, "utf8")).join("\n");
    assert.doesNotMatch(first, /RTCPeerConnection|WebSocket/, "the initial script holds call or socket code");
    // Every element the panel shows is registered by what it loads (the recorder's module last of all).
    const code = everything.map((f) => readFileSync(f, "utf8")).join("\n");
    for (const tag of ["contact-me-panel", "contact-me-call", "contact-me-recorder"]) {
      assert.match(code, new RegExp(`["'\`]${tag}["'\`],\\s*[\\w$]+\\)`), `nothing the widget loads registers <${tag}>`);
    }
    const size = gzipSize(everything);
    assert.ok(size <= TOTAL_BUDGET, `everything ${size} B gzip > ${TOTAL_BUDGET} B (${list(everything)})`);
  });

  it("bundles Lit into the script tag but not into the npm entry", () => {
    const script = closure(join(DIST, "contact-me.js"), true).map((f) => readFileSync(f, "utf8")).join("\n");
    assert.doesNotMatch(script, /from\s*"lit/, "the script tag imports lit from a bare specifier");
    const lib = libFiles()
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    assert.match(lib, /from "lit"/);
    assert.match(lib, /import\("\.\/contact-me-panel\.js"\)/, "the npm entry keeps the panel lazy");
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      exports: Record<string, { types: string; import: string } | string>;
      customElements: string;
    };
    assert.ok(pkg.dependencies.lit, "lit is a dependency");
    const main = pkg.exports["."] as { types: string; import: string };
    assert.ok(existsSync(join(ROOT, main.types)) && existsSync(join(ROOT, main.import)));
    assert.equal(pkg.customElements, "custom-elements.json");
  });

  it("the visitor entry imports no dashboard or call module statically; the host entry does", () => {
    const visitor = closure(join(DIST, "lib", "widget", "index.js"), false);
    const heavy = visitor.filter((f) => /[/\\](contact-me-host|call)[/\\]|contact-me-panel/.test(relative(join(DIST, "lib"), f)));
    assert.deepEqual(heavy.map((f) => relative(ROOT, f)), [], "dashboard, call or panel modules in the visitor entry's static imports");
    assert.ok(visitor.some((f) => f.endsWith("contact-me/contact-me.js")));
    // The check can fail: the dashboard's entry holds exactly what the visitor's must not.
    const host = closure(join(DIST, "lib", "widget", "host.js"), false);
    assert.ok(host.some((f) => /[/\\]contact-me-host[/\\]/.test(f)) && host.some((f) => /[/\\]call[/\\]peer-call\.js$/.test(f)));
  });

  it("package.json sideEffects names exactly the npm modules that register an element", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { sideEffects: string[] };
    const registering = libFiles()
      .filter((f) => /\bdefine\("contact-me[\w-]*",/.test(readFileSync(f, "utf8")))
      .map((f) => `./${relative(ROOT, f).split("\\").join("/")}`)
      .sort();
    assert.ok(registering.length >= 2, `registering modules: ${registering.join(", ")}`);
    assert.deepEqual(pkg.sideEffects.filter((p) => p.startsWith("./dist/lib/")).sort(), registering);
  });

  it("the npm entry imports in Node with no DOM", async () => {
    assert.equal(typeof (globalThis as { document?: unknown }).document, "undefined");
    const mod = (await import(join(DIST, "lib", "widget", "index.js"))) as { ContactMe: new () => { room: string } };
    assert.equal(new mod.ContactMe().room, "default");
  });

  it("custom-elements.json describes both elements from their JSDoc", () => {
    type Decl = {
      tagName?: string;
      attributes?: { name: string }[];
      events?: { name: string }[];
      cssParts?: { name: string }[];
      cssProperties?: { name: string }[];
    };
    const manifest = JSON.parse(readFileSync(join(ROOT, "custom-elements.json"), "utf8")) as {
      modules: { declarations?: Decl[] }[];
    };
    const decls = manifest.modules.flatMap((m) => m.declarations ?? []);
    const visitor = decls.find((d) => d.tagName === "contact-me");
    assert.ok(visitor, "no <contact-me> in the manifest");
    assert.ok(decls.some((d) => d.tagName === "contact-me-host"), "no <contact-me-host> in the manifest");
    const names = (xs: { name: string }[] | undefined) => (xs ?? []).map((x) => x.name);
    for (const attr of ["room", "host", "party", "modes", "position", "strings"]) assert.ok(names(visitor.attributes).includes(attr), `attribute ${attr}`);
    for (const event of ["open", "close", "message-sent", "message-received", "call-start", "call-end"]) {
      assert.ok(names(visitor.events).includes(`contact-me-${event}`), `event contact-me-${event}`);
    }
    for (const part of ["launcher", "panel", "call-status", "hang-up"]) assert.ok(names(visitor.cssParts).includes(part), `part ${part}`);
    assert.ok(names(visitor.cssProperties).includes("--contact-me-accent"));
  });

  it("ships types: a consumer's listeners get typed details, and misuse fails to compile", () => {
    // A consumer of the published package (by its own name, through `exports`).
    const dir = join(ROOT, "test-results", "types-consumer");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const consumer = (misuse: string) => `
      import { ContactMe, errorStrings, type ContactMeStrings } from "contact-me";
      import { ContactMeHost } from "contact-me/host";
      const widget = new ContactMe();
      widget.addEventListener("contact-me-call-end", (e) => e.detail.status.toUpperCase());
      widget.addEventListener("contact-me-message-received", (e) => e.detail.text.length);
      const host = new ContactMeHost();
      host.addEventListener("contact-me-host-ring", (e) => [e.detail.callId.length, e.detail.media === "video"]);
      host.addEventListener("contact-me-host-message", (e) => [e.detail.conversationId, e.detail.text, e.detail.page]);
      document.addEventListener("contact-me-host-ring", (e) => e.detail.name);
      const strings: Partial<ContactMeStrings> = { launcher: "Écrivez-moi", errorRateLimited: "Doucement", blockedHelp: "…" };
      widget.strings = strings;
      export const keys = Object.keys(errorStrings).length;
      import { createElement } from "react";
      import { ContactMe as ContactMeComponent } from "contact-me/react";
      import { ContactMeHost as ContactMeHostComponent } from "contact-me/react/host";
      export const footer = createElement(ContactMeComponent, {
        room: "my-site", position: "bottom-left", strings: { launcher: "Écrivez-moi" },
        onContactMeCallEnd: (e) => e.detail.status.toUpperCase(),
      });
      export const dashboard = createElement(ContactMeHostComponent, { room: "my-site", onContactMeHostRing: (e) => e.detail.callId });
      ${misuse}
    `;
    const tsc = (code: string) => {
      writeFileSync(join(dir, "consumer.ts"), code);
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM"], strict: true, noEmit: true, types: [], skipLibCheck: true },
          files: ["consumer.ts"],
        }),
      );
      return spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir], { encoding: "utf8" });
    };
    const good = tsc(consumer(""));
    assert.equal(good.status, 0, `the consumer does not compile:\n${good.stdout}${good.stderr}`);
    const bad = tsc(consumer(`host.addEventListener("contact-me-host-ring", (e) => e.detail.conversationId);`));
    assert.notEqual(bad.status, 0, "a listener reading a field the event does not have compiled");
    assert.match(bad.stdout, /conversationId/);
    const badKey = tsc(consumer(`widget.strings = { notAString: "x" };`));
    assert.notEqual(badKey.status, 0, "an unknown strings key compiled");
    const badProp = tsc(consumer(`createElement(ContactMeComponent, { onContactMeMessageSent: (e) => e.detail.callId });`));
    assert.notEqual(badProp.status, 0, "a React event prop reading a field its event does not have compiled");
    assert.match(badProp.stdout, /callId/);
    rmSync(dir, { recursive: true, force: true });
  });
});
