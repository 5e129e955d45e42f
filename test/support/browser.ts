/// <reference types="node" />
/**
 * Launches the system Chromium for end-to-end tests, with fake camera and
 * microphone and WebRTC allowed over loopback.
 *
 * @module
 */
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { chromiumArgs, chromiumPath } from "../chromium.mjs";
import { runtimeName } from "./server.ts";

/** Upper bound for any single wait in the end-to-end tests. */
export const WAIT_MS = 20_000;

/**
 * Launch headless Chromium.
 * @throws if the binary is missing, saying how to install it
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
}

/** A page in its own context, plus what it logged. */
export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and warnings, uncaught exceptions and failed requests, in order. */
  errors: string[];
  /** WebSocket frames the page sent (`>`) and received (`<`), in order. */
  frames: string[];
  /** All of the above as one string, for failure messages. */
  diagnostics(): string;
}

/** How many of the last WebSocket frames a failure report shows. */
const FRAMES_SHOWN = 40;

/** What to do to a page before it loads. */
export interface PageOptions {
  /**
   * Script source run in every document of the page before its own scripts
   * (Playwright `addInitScript`). A string, since a function compiled by tsx
   * may call helpers (`__name`) that exist only in Node.
   */
  init?: string;
}

/**
 * Open `url` in a fresh context (camera and microphone granted), so two pages
 * behave like two different people. Every Playwright wait in it is bounded by
 * {@link WAIT_MS}, but the first load, by twice that.
 */
export async function newPage(browser: Browser, url: string, options: PageOptions = {}): Promise<TestPage> {
  const context = await browser.newContext({ permissions: ["camera", "microphone"] });
  context.setDefaultTimeout(WAIT_MS);
  if (options.init) await context.addInitScript({ content: options.init });
  const page = await context.newPage();
  const errors = collectErrors(page);
  const frames = collectFrames(page);
  // Loading (the page and its modules) gets two waits: a page opened while other pages' calls hold both
  // cores can take longer than one to fire `load`, with nothing wrong. A load that stalls even so (a
  // request with no answer) is said, with the requests still open, and tried once more afresh.
  const open = pendingRequests(page);
  try {
    await page.goto(url, { timeout: 2 * WAIT_MS });
  } catch (err) {
    const stalled = `${url} did not load within ${2 * WAIT_MS} ms; requests still open: ${[...open].join(", ") || "none"}`;
    console.error(`newPage: ${stalled}; loading it once more`);
    await page.goto(url, { timeout: 2 * WAIT_MS }).catch((again: Error) => {
      throw new Error(`${stalled}; again: ${again.message.split("\n")[0]}; requests still open: ${[...open].join(", ") || "none"}`, { cause: err });
    });
  }
  return {
    context,
    page,
    errors,
    frames,
    diagnostics: () =>
      [
        url,
        errors.length ? errors.join("\n") : "(no console errors)",
        `websocket frames (last ${FRAMES_SHOWN} of ${frames.length}):`,
        ...frames.slice(-FRAMES_SHOWN),
      ].join("\n"),
  };
}

/** The URLs of the page's requests sent and not yet finished or failed (kept up to date). */
function pendingRequests(page: Page): Set<string> {
  const open = new Set<string>();
  page.on("request", (req) => void open.add(req.url()));
  page.on("requestfinished", (req) => void open.delete(req.url()));
  page.on("requestfailed", (req) => void open.delete(req.url()));
  return open;
}

/** Record the page's console errors and warnings, uncaught exceptions and failed requests. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") errors.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.stack ?? err.message}`));
  page.on("requestfailed", (req) => errors.push(`requestfailed: ${req.url()} ${req.failure()?.errorText ?? ""}`));
  return errors;
}

/** Record the page's WebSocket traffic, each frame cut to 300 characters (SDP is long). */
export function collectFrames(page: Page): string[] {
  const frames: string[] = [];
  const start = Date.now();
  const cut = (payload: string | Buffer): string => String(payload).slice(0, 300);
  page.on("websocket", (ws) => {
    const stamp = (): string => `+${((Date.now() - start) / 1000).toFixed(2)}s`;
    frames.push(`${stamp()} open ${ws.url()}`);
    ws.on("framesent", (f) => frames.push(`${stamp()} > ${cut(f.payload)}`));
    ws.on("framereceived", (f) => frames.push(`${stamp()} < ${cut(f.payload)}`));
    ws.on("close", () => frames.push(`${stamp()} closed`));
  });
  return frames;
}

/**
 * Poll `probe` until `accept` holds for its result (errors count as "not
 * yet"), then return that result.
 * @throws after `timeoutMs`, naming `what` and the last value or error seen
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: string = "(never probed)";
  for (;;) {
    try {
      const value = await probe();
      if (accept(value)) return value;
      last = JSON.stringify(value);
    } catch (err) {
      last = err instanceof Error ? err.message.split("\n")[0] ?? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The seconds of a clock's `m:ss` (or `h:mm:ss`) text at its start, e.g. 34 for "0:34 / 2:00"; NaN when it shows none. */
export function clockSeconds(text: string): number {
  const m = /^\s*(?:(\d+):)?(\d+):(\d\d)\b/.exec(text);
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) : NaN;
}

/**
 * Wait until the clock `timer` shows (a call's time, a recorder's running
 * time) is past 0:00, and return its seconds. Any time past 0:00 counts: on a
 * busy machine the steps before this wait can take longer than a clock's
 * first ten seconds, and a recorder may already have stopped at its limit.
 */
export async function clockRuns(timer: Locator, what: string): Promise<number> {
  const text = await eventually(`${what} past 0:00`, () => timer.innerText(), (t) => clockSeconds(t) > 0);
  return clockSeconds(text);
}

/**
 * In-page JavaScript: the state of each peer connection of the page's meeting
 * (its mesh is a private field of `<contact-me-meeting>`, read here for a
 * failure report only), or "" when the page has no meeting.
 */
const MEETING_PAIRS = `(() => {
  const find = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (el.localName === "contact-me-meeting") return el;
      const inner = el.shadowRoot && find(el.shadowRoot);
      if (inner) return inner;
    }
    return undefined;
  };
  const mesh = find(document)?.mesh;
  if (!mesh) return "";
  return [...mesh.peers.values()].map((p) => {
    const c = p.call;
    return p.name + ": " + c.state + " (generation " + c.generation + ", " + (c.polite ? "polite" : "impolite") + ", connection " + c.connectionState + ", ICE " + c.pc.iceConnectionState + ", signaling " + c.pc.signalingState + ", restarts " + JSON.stringify(c.restarts) + ")";
  }).join("; ");
})()`;

/** Pages opened for one test, closed together, reported together on failure. */
export class Pages {
  readonly #browser: Browser;
  readonly #opened: TestPage[] = [];

  constructor(browser: Browser) {
    this.#browser = browser;
  }

  /** Open `url` in a fresh context. */
  async open(url: string, options: PageOptions = {}): Promise<TestPage> {
    const page = await newPage(this.#browser, url, options);
    this.#opened.push(page);
    return page;
  }

  /** What each page logged, and the text its contact-me elements show. */
  async diagnostics(): Promise<string> {
    const parts = await Promise.all(
      this.#opened.map(async (p) => {
        const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("(page did not answer)"), 5_000).unref());
        const shown = await Promise.race([shownText(p.page), timeout]).catch((err: Error) => `(unreadable: ${err.message})`);
        const pairs = await Promise.race([p.page.evaluate<string>(MEETING_PAIRS), timeout]).catch(() => "");
        return `${p.diagnostics()}\nshows: ${shown}${pairs ? `\nmeeting pairs: ${pairs}` : ""}`;
      }),
    );
    return parts.join("\n\n");
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#opened.map((p) => p.context.close().catch(() => {})));
  }
}

/**
 * Run `body` with its own {@link Pages}; on failure, append what the pages and
 * `serverLogs` reported (under the name of the runtime `RUNTIME` picks) to the
 * error message. Closes every page afterwards.
 */
export async function withPages(
  browser: Browser,
  serverLogs: () => string,
  body: (pages: Pages) => Promise<void>,
): Promise<void> {
  const pages = new Pages(browser);
  try {
    await body(pages);
  } catch (err) {
    if (err instanceof Error) {
      // The spec reporter prints `stack`, which already holds the original message.
      const extra = `\n--- pages ---\n${await pages.diagnostics()}\n--- server: ${runtimeName()} (tail, requests left out) ---\n${serverNotes(serverLogs()).slice(-4000)}`;
      err.message += extra;
      if (err.stack) err.stack += extra;
    }
    throw err;
  } finally {
    await pages.closeAll();
  }
}

/** A server's log without its lines for single requests (`[wrangler:info] GET / 200 OK`, partykit's own), which bury the rest. */
function serverNotes(log: string): string {
  return log
    .split("\n")
    .filter((line) => !/^\s*(\[wrangler:info\] )?(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH) \S+ \d{3}\b/.test(line))
    .join("\n");
}

// ------------------------------------------------------------ contact-me pages

/** Rendered text of the page's `<contact-me>` / `<contact-me-host>` shadow trees, nested ones included. */
export function shownText(page: Page): Promise<string> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("contact-me, contact-me-host"))
      .map((el) => {
        // A loop, not a named inner function: tsx would wrap that in a `__name` helper the page lacks.
        const shown: string[] = [];
        const roots: ShadowRoot[] = el.shadowRoot ? [el.shadowRoot] : [];
        for (let root = roots.pop(); root; root = roots.pop()) {
          for (const c of Array.from(root.children)) if (c instanceof HTMLElement && !c.shadowRoot) shown.push(c.innerText);
          root.querySelectorAll("*").forEach((n) => n.shadowRoot && roots.push(n.shadowRoot));
        }
        return `<${el.localName}> ${shown.join(" ").replace(/\s+/g, " ").trim()}`;
      })
      .join(" | "),
  );
}

/** A room name no other test uses. */
export function uniqueRoom(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The visitor demo page for `room`, with the contact panel opened. */
export async function openVisitor(pages: Pages, origin: string, room: string): Promise<TestPage & { panel: Locator }> {
  const visitor = await pages.open(`${origin}/?room=${encodeURIComponent(room)}`);
  await visitor.page.getByRole("button", { name: "Contact me" }).click({ timeout: WAIT_MS });
  const panel = visitor.page.getByRole("dialog", { name: "Contact" });
  await panel.waitFor({ state: "visible", timeout: WAIT_MS });
  return { ...visitor, panel };
}

/** The host dashboard for `room`, signed in with `key`. */
export async function openHost(pages: Pages, origin: string, room: string, key: string): Promise<TestPage> {
  const host = await pages.open(`${origin}/host.html?room=${encodeURIComponent(room)}`);
  await signIn(host.page, key);
  await host.page.getByRole("switch", { name: "Available" }).waitFor({ state: "visible", timeout: WAIT_MS });
  return host;
}

/** Fill in the dashboard's sign-in form. */
export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByRole("textbox", { name: "Host key" }).fill(key, { timeout: WAIT_MS });
  await page.getByRole("button", { name: "Sign in" }).click({ timeout: WAIT_MS });
}

/** Flip the dashboard's availability switch to `available` and wait until it shows. */
export async function setAvailable(page: Page, available: boolean): Promise<void> {
  const toggle = page.getByRole("switch", { name: "Available" });
  const want = String(available);
  if ((await toggle.getAttribute("aria-checked", { timeout: WAIT_MS })) !== want) await toggle.click({ timeout: WAIT_MS });
  await eventually(`switch aria-checked=${want}`, () => toggle.getAttribute("aria-checked"), (v) => v === want);
}

/** Wait until `locator` is visible. */
export function visible(locator: Locator): Promise<void> {
  return locator.waitFor({ state: "visible", timeout: WAIT_MS });
}

/** Wait until `locator` is hidden or gone. */
export function hidden(locator: Locator): Promise<void> {
  return locator.waitFor({ state: "hidden", timeout: WAIT_MS });
}

/** One RTCStats dictionary, as plain data. */
export type Stats = Record<string, unknown> & { type: string; id: string };

/**
 * `getCallStats()` of the first `selector` element on the page, as plain
 * objects; `null` if the element reports no peer connection.
 */
export function callStats(page: Page, selector: "contact-me" | "contact-me-host"): Promise<Stats[] | null> {
  return page.evaluate(async (sel) => {
    const el = document.querySelector(sel) as (Element & { getCallStats(): Promise<RTCStatsReport | null> }) | null;
    if (!el) throw new Error(`no <${sel}> on the page`);
    const report = await el.getCallStats();
    if (!report) return null;
    const out: Stats[] = [];
    report.forEach((s: Stats) => out.push({ ...s }));
    return out;
  }, selector);
}

/** `videoWidth` of the element's remote video (0 until frames decode). */
export function remoteVideoWidth(page: Page, selector: "contact-me" | "contact-me-host"): Promise<number> {
  return page
    .locator(`${selector} video[part="remote-video"]`)
    .first()
    .evaluate((v: HTMLVideoElement) => v.videoWidth, undefined, { timeout: 1_000 });
}

/** Frames the element's remote video has decoded so far (`getVideoPlaybackQuality().totalVideoFrames`). */
export function remoteVideoFrames(page: Page, selector: "contact-me" | "contact-me-host"): Promise<number> {
  return page
    .locator(`${selector} video[part="remote-video"]`)
    .first()
    .evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames, undefined, { timeout: 1_000 });
}
