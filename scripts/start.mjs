#!/usr/bin/env node
// `npm start`: the PartyKit dev server with the demo site and the host dashboard.
// Makes sure `.env` has a HOST_KEY (generating a random one the first time),
// prints where to go, then runs `partykit dev` in the foreground.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, appendFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const envFile = join(root, ".env");
const port = process.env.PORT ?? "1999";

const env = existsSync(envFile) ? readFileSync(envFile, "utf8") : "";
let hostKey = /^HOST_KEY=(.+)$/m.exec(env)?.[1]?.trim();
let origin = "from .env";
if (!hostKey) {
  hostKey = randomBytes(18).toString("base64url");
  appendFileSync(envFile, `${env && !env.endsWith("\n") ? "\n" : ""}HOST_KEY=${hostKey}\n`);
  origin = "generated into .env (not committed; edit or delete it to change the key)";
}

const base = `http://127.0.0.1:${port}`;
console.log(`
  contact-me dev server
  Visitor site:    ${base}/
  Host dashboard:  ${base}/host.html
  Host key:        ${hostKey}   (${origin})
`);

const child = spawn(join(root, "node_modules", ".bin", "partykit"), ["dev", "--port", port, "--disable-request-cf-fetch"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NO_UPDATE_NOTIFIER: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
