/// <reference types="node" />
/**
 * Starts `partykit dev` for end-to-end tests and stops it again (process
 * plumbing in `dev-server.ts`). Tests call `startServer` (`server.ts`), which
 * picks this or `wrangler dev` by the `RUNTIME` environment variable.
 *
 * @module
 */
import { partykitConfig } from "./configs.ts";
import { REPO_ROOT, startDevServer, type ServerOptions, type TestServer } from "./dev-server.ts";

/**
 * Start `partykit dev` on a free port (or `opts.port`), room variables passed
 * as `--var K=V`, storage in `opts.persist` or none, the demo pages as built
 * once (`configs.ts`), and wait until it serves `/`.
 * @throws if it is not ready within 60 s, with everything it printed
 */
export function startPartykit(opts: ServerOptions = {}): Promise<TestServer> {
  return startDevServer("partykit", "partykit dev", opts, async (port) => {
    const args = [
      "dev",
      "--config", partykitConfig(),
      "--port", String(port),
      "--persist", opts.persist === undefined || opts.persist === false ? "false" : opts.persist,
      "--disable-request-cf-fetch",
      "--no-hotkeys",
    ];
    for (const [key, value] of Object.entries(opts.vars ?? {})) args.push("--var", `${key}=${value}`);
    return { command: `${REPO_ROOT}node_modules/.bin/partykit`, args, env: { NO_UPDATE_NOTIFIER: "1" } };
  });
}
