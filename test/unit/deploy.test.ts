// What `npm run deploy` (`wrangler deploy`) would upload: `wrangler deploy
// --dry-run` builds the Worker bundle from wrangler.jsonc without an account
// or network, and lists the bindings it would deploy with.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Bound for the dry run (it also runs the demo build, ~2 s here). */
const DEPLOY_TIMEOUT_MS = 90_000;

/**
 * Run `command` in its own process group at the repo root; on timeout kill the
 * whole group (wrangler runs node, the build and esbuild below it).
 */
function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
      reject(new Error(`${command} ${args.join(" ")} took over ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("wrangler deploy --dry-run", () => {
  const outdir = mkdtempSync(join(tmpdir(), "contact-me-deploy-"));
  after(() => rmSync(outdir, { recursive: true, force: true }));
  let result: Promise<{ code: number | null; output: string }> | undefined;
  // `npx wrangler` runs this same binary; calling it directly skips npx.
  const deploy = () => (result ??= run(join(ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], DEPLOY_TIMEOUT_MS));

  it("succeeds and writes the Worker bundle with the Main, Yjs and Guard Durable Object classes", { timeout: DEPLOY_TIMEOUT_MS + 10_000 }, async () => {
    const { code, output } = await deploy();
    assert.equal(code, 0, `wrangler deploy --dry-run exited with ${code}:\n${output}`);
    // The bundle is named after wrangler.jsonc's "main" (party/worker.ts → worker.js).
    const main = /"main"\s*:\s*"([^"]+)"/.exec(readFileSync(join(ROOT, "wrangler.jsonc"), "utf8"))?.[1];
    assert.ok(main, 'wrangler.jsonc has a "main"');
    const bundle = join(outdir, `${basename(main, extname(main))}.js`);
    assert.ok(existsSync(bundle), `${basename(bundle)} in the outdir:\n${output}`);
    assert.ok(statSync(bundle).size > 0, `${basename(bundle)} is not empty`);
    const source = readFileSync(bundle, "utf8");
    for (const name of ["Main", "Yjs", "Guard"]) {
      assert.match(source, new RegExp(`\\b(class ${name}\\b|${name} = class\\b)`), `the bundle defines the class ${name}`);
      assert.match(source, new RegExp(`export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`), `the bundle exports ${name}`);
    }
  });

  it("lists the Main, Yjs and Guard Durable Object bindings, and the MEDIA R2 bucket files are kept in", { timeout: DEPLOY_TIMEOUT_MS + 10_000 }, async () => {
    const { output } = await deploy();
    for (const name of ["Main", "Yjs", "Guard"]) {
      assert.match(output, new RegExp(`env\\.${name} \\(${name}\\)\\s+Durable Object`), `binding ${name} listed:\n${output}`);
    }
    assert.match(output, /env\.MEDIA \(contact-me-media\)\s+R2 Bucket/, `binding MEDIA listed:\n${output}`);
  });
});
