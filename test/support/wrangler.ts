/// <reference types="node" />
/**
 * Starts `wrangler dev` (the Cloudflare Worker of `wrangler.jsonc`: the rooms
 * as Durable Objects on PartyServer, the demo pages as static assets) for
 * end-to-end tests and stops it again (process plumbing in `dev-server.ts`).
 * Tests call `startServer` (`server.ts`), which picks this or `partykit dev`
 * by the `RUNTIME` environment variable.
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { wranglerConfig } from "./configs.ts";
import { REPO_ROOT, freePort, startDevServer, type ServerOptions, type TestServer } from "./dev-server.ts";

/**
 * Start `wrangler dev` on a free port (or `opts.port`), room variables passed
 * as `--var K:V`, and wait until it serves `/`. wrangler always persists
 * storage somewhere: in `opts.persist` when given (so a restart on the same
 * port keeps it), otherwise in a fresh temporary directory removed when the
 * server stops, so nothing outlives it. Each instance gets its own free
 * inspector port (two instances would clash on the default one). The demo
 * pages are built once for every server (`configs.ts`), not by each start.
 * @throws if it is not ready within 60 s, with everything it printed
 */
export function startWrangler(opts: ServerOptions = {}): Promise<TestServer> {
  return startDevServer("wrangler", "wrangler dev", opts, async (port) => {
    const temporary = !opts.persist;
    const persistTo = opts.persist || mkdtempSync(join(tmpdir(), "contact-me-wrangler-"));
    const args = [
      "dev",
      "--config", wranglerConfig(),
      "--port", String(port),
      "--ip", "127.0.0.1",
      "--inspector-port", String(await freePort()),
      "--persist-to", persistTo,
      "--show-interactive-dev-session=false",
    ];
    for (const [key, value] of Object.entries(opts.vars ?? {})) args.push("--var", `${key}:${value}`);
    return {
      command: `${REPO_ROOT}node_modules/.bin/wrangler`,
      args,
      env: { WRANGLER_SEND_METRICS: "false" },
      cleanup: temporary ? () => rmSync(persistTo, { recursive: true, force: true }) : undefined,
    };
  });
}
