#!/usr/bin/env node
// `npm start`: the local dev server with the demo site and the host dashboard.
// Makes sure `.env` has a HOST_KEY (generating a random one the first time),
// prints where to go, then runs the server in the foreground:
//   npm start                       `partykit dev` (the default)
//   RUNTIME=wrangler npm start      `wrangler dev`: the Cloudflare Worker of `npm run deploy`
// Both read `.env` (wrangler reads `.dev.vars` instead when that file exists).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, appendFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const envFile = join(root, ".env");
const port = process.env.PORT ?? "1999";
const runtime = process.env.RUNTIME ?? "partykit";
if (runtime !== "partykit" && runtime !== "wrangler") {
  console.error(`RUNTIME must be "partykit" (default) or "wrangler", not "${runtime}"`);
  process.exit(2);
}

const env = existsSync(envFile) ? readFileSync(envFile, "utf8") : "";
let hostKey = /^HOST_KEY=(.+)$/m.exec(env)?.[1]?.trim();
let origin = "from .env";
if (!hostKey) {
  hostKey = randomBytes(24).toString("base64url");
  appendFileSync(envFile, `${env && !env.endsWith("\n") ? "\n" : ""}HOST_KEY=${hostKey}\n`);
  origin = "generated into .env (not committed; edit or delete it to change the key)";
}
if (runtime === "wrangler" && existsSync(join(root, ".dev.vars"))) origin = "from .env; wrangler reads .dev.vars instead, which exists";

const base = `http://127.0.0.1:${port}`;
console.log(`
  contact-me dev server (${runtime === "wrangler" ? "wrangler dev: the Cloudflare Worker" : "partykit dev"})
  Visitor site:    ${base}/
  Host dashboard:  ${base}/host.html
  Host key:        ${hostKey}   (${origin})
`);

const [bin, args] =
  runtime === "wrangler"
    ? ["wrangler", ["dev", "--port", port, "--ip", "127.0.0.1", "--show-interactive-dev-session=false"]]
    : ["partykit", ["dev", "--port", port, "--disable-request-cf-fetch"]];
const child = spawn(join(root, "node_modules", ".bin", bin), args, {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NO_UPDATE_NOTIFIER: "1", WRANGLER_SEND_METRICS: "false" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
