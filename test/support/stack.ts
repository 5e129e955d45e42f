/// <reference types="node" />
/**
 * What every end-to-end test file needs: one real local server (`partykit
 * dev` or `wrangler dev`, as `RUNTIME` says: see `server.ts`) with a random
 * HOST_KEY, no STUN since there is no internet, and optionally the Slack
 * stand-in; and one Chromium, launched by the first `run` (files that talk
 * to the room over raw sockets only never start it). Started in `before`,
 * stopped in `after`.
 * @module
 */
import { randomUUID } from "node:crypto";
import { after, before } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium, openHost, openVisitor, setAvailable, uniqueRoom, visible, withPages, type Pages } from "./browser.ts";
import { runtimeName, startServer, type TestServer } from "./server.ts";
import { startSlackStandIn, type SlackStandIn } from "./slack.ts";

export interface Stack {
  readonly hostKey: string;
  readonly server: TestServer;
  readonly browser: Browser;
  /** Present when asked for with `{slack: true}`. */
  readonly slack: SlackStandIn;
  /** Run `fn` with fresh pages; a failure carries the pages' and server's diagnostics. */
  run(fn: (pages: Pages) => Promise<void>): Promise<void>;
}

/**
 * Register `before`/`after` hooks for this file's server and browser.
 * `vars` adds or overrides room variables (e.g. `HOSTS`, `ALLOWED_ORIGINS`).
 */
export function useStack(
  options: { slack?: boolean; vars?: Record<string, string> | ((slack: SlackStandIn | undefined) => Record<string, string>) } = {},
): Stack {
  const hostKey = randomUUID();
  let server: TestServer | undefined;
  let browser: Promise<Browser> | undefined;
  let launched: Browser | undefined;
  let slack: SlackStandIn | undefined;
  before(async () => {
    if (options.slack) slack = await startSlackStandIn();
    const vars: Record<string, string> = { HOST_KEY: hostKey, ICE_SERVERS: "[]" };
    if (slack) vars.SLACK_WEBHOOK_URL = slack.webhookUrl;
    Object.assign(vars, typeof options.vars === "function" ? options.vars(slack) : options.vars);
    server = await startServer({ vars });
  });
  after(async () => {
    await (await browser?.catch(() => undefined))?.close();
    await server?.stop();
    await slack?.stop();
  });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started (used outside a test?)`);
    return value;
  };
  return {
    hostKey,
    get server() {
      return need(server, runtimeName());
    },
    get browser() {
      return need(launched, "Chromium (launched by the first run)");
    },
    get slack() {
      return need(slack, "the Slack stand-in");
    },
    async run(fn) {
      need(server, runtimeName());
      browser ??= launchChromium().then((b) => (launched = b));
      return withPages(await browser, () => this.server.logs(), fn);
    },
  };
}

/**
 * In a new room: a host signed in with `key` (default the stack's) who is
 * Available, and a visitor whose open panel shows **Available**.
 */
export async function availableHostAndVisitor(stack: Stack, pages: Pages, prefix: string, key = stack.hostKey) {
  const room = uniqueRoom(prefix);
  const host = await openHost(pages, stack.server.origin, room, key);
  await setAvailable(host.page, true);
  const visitor = await openVisitor(pages, stack.server.origin, room);
  await visible(visitor.panel.getByText("Available", { exact: true }));
  return { room, host, visitor };
}
