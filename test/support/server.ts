/// <reference types="node" />
/**
 * The local server the end-to-end tests run against, on the runtime named by
 * the `RUNTIME` environment variable: `partykit` (the default, `partykit
 * dev`) or `wrangler` (`wrangler dev`, the Cloudflare Worker).
 *
 * @module
 */
import type { Runtime, ServerOptions, TestServer } from "./dev-server.ts";
import { startPartykit } from "./partykit.ts";
import { startWrangler } from "./wrangler.ts";

export { REPO_ROOT, freePort, type Runtime, type ServerOptions, type TestServer } from "./dev-server.ts";

const RUNTIMES: Record<Runtime, { name: string; start: (opts: ServerOptions) => Promise<TestServer> }> = {
  partykit: { name: "partykit dev", start: startPartykit },
  wrangler: { name: "wrangler dev", start: startWrangler },
};

/**
 * The runtime `RUNTIME` names (`partykit` when unset or empty).
 * @throws if it names another one, listing the allowed values
 */
export function runtime(): Runtime {
  const value = process.env.RUNTIME || "partykit";
  if (!Object.hasOwn(RUNTIMES, value)) {
    throw new Error(`RUNTIME must be one of ${Object.keys(RUNTIMES).map((r) => `"${r}"`).join(", ")} (default "partykit"), not "${value}"`);
  }
  return value as Runtime;
}

/** The command of the runtime `RUNTIME` names, e.g. `wrangler dev`, for messages. */
export function runtimeName(): string {
  return RUNTIMES[runtime()].name;
}

let announced = false;

/**
 * Start the server on the runtime `RUNTIME` names, and wait until it serves
 * `/`. The first start in a test file says which runtime it is.
 * @throws if `RUNTIME` is not an allowed value, or the server is not ready in time
 */
export function startServer(opts: ServerOptions = {}): Promise<TestServer> {
  const { name, start } = RUNTIMES[runtime()];
  if (!announced) {
    announced = true;
    console.log(`# end-to-end runtime: ${name} (RUNTIME=${runtime()})`);
  }
  return start(opts);
}
