/// <reference types="node" />
/**
 * Chromium (through Playwright) and Firefox (through Puppeteer over WebDriver
 * BiDi) behind one small interface, so a test drives a contact-me page the
 * same way in either engine: real pointer clicks and key presses on elements
 * found by their accessible name inside the elements' shadow trees, the text
 * the elements show, their call statistics and remote video.
 *
 * What runs in the page is plain JavaScript source (not functions passed to
 * `evaluate`), so neither tsx's helpers nor either driver's serialization of
 * functions get in the way, and results come back as JSON.
 *
 * @module
 */
import type { Browser as PlaywrightBrowser, BrowserContext, ElementHandle as PlaywrightElement, Page as PlaywrightPage } from "playwright-core";
import puppeteer, {
  type Browser as PuppeteerBrowser,
  type BrowserContext as PuppeteerContext,
  type ElementHandle as PuppeteerElement,
  type Page as PuppeteerPage,
} from "puppeteer-core";
import { firefoxLaunchOptions } from "../firefox.mjs";
import { eventually, launchChromium, WAIT_MS, type Stats } from "./browser.ts";

/** The browser engines the tests can drive here. */
export type Engine = "chromium" | "firefox";

/** The bare operations each driver provides; {@link EnginePage} builds on them. */
interface Driver {
  /** Evaluate a JavaScript expression in the page (a promise is awaited). */
  evaluate(expression: string): Promise<unknown>;
  /**
   * Click the element `expression` evaluates to; false if it is null (or not
   * yet still). Throws {@link MisdirectedClick} when the click reached
   * another element.
   */
  click(expression: string): Promise<boolean>;
  /** Focus the element `expression` evaluates to and type `text` into it; false if it is null. */
  type(expression: string, text: string): Promise<boolean>;
  /** Close the page's context. */
  close(): Promise<void>;
}

// ----------------------------------------------------------- in-page scripts

/** Every root under `start` (an expression; none if it is null): itself and each shadow root below, depth first. */
function rootsUnder(start: string): string {
  return `((start) => {
    const roots = start ? [start] : [];
    for (let i = 0; i < roots.length; i++) {
      roots[i].querySelectorAll("*").forEach((el) => { if (el.shadowRoot) roots.push(el.shadowRoot); });
    }
    return roots;
  })(${start})`;
}

/** Every root of the page: the document and each shadow root. */
const ROOTS = rootsUnder("document");

/** Collapse whitespace. */
const squash = (js: string) => `String((${js}) ?? "").replace(/\\s+/g, " ").trim()`;

/** The visible, enabled button (or switch) whose accessible name is `name`, or null. */
function buttonNamed(name: string): string {
  return `${ROOTS}.flatMap((r) => Array.from(r.querySelectorAll('button, [role="button"], [role="switch"]')))
    .find((el) => !el.disabled && el.getClientRects().length > 0 &&
      ${squash('el.getAttribute("aria-label") || el.textContent')} === ${JSON.stringify(name)}) ?? null`;
}

/** The visible text field whose label (or aria-label) is `label`, or null. */
function fieldLabelled(label: string): string {
  return `${ROOTS}.flatMap((r) => Array.from(r.querySelectorAll("input, textarea")))
    .find((el) => el.getClientRects().length > 0 &&
      (${squash('el.getAttribute("aria-label")')} === ${JSON.stringify(label)} ||
       ${squash('el.closest("label")?.textContent')} === ${JSON.stringify(label)})) ?? null`;
}

/** The first `selector` element in `host`'s shadow tree (nested ones included), or null. */
function firstInside(host: string, selector: string): string {
  const shadow = `document.querySelector(${JSON.stringify(host)})?.shadowRoot`;
  return `${rootsUnder(shadow)}.map((r) => r.querySelector(${JSON.stringify(selector)})).find((el) => el) ?? null`;
}

/** Visible text of the contact-me elements' shadow trees, as JSON. */
const SHOWN = `JSON.stringify(${ROOTS}.filter((r) => r !== document)
  .flatMap((r) => Array.from(r.children).map((c) => c.innerText ?? ""))
  .join(" ").replace(/\\s+/g, " ").trim())`;

// ---------------------------------------------------------------- the page

/** Where a `<video>` stands: its frame width (0 until one decodes) and playback position. */
export interface VideoProgress {
  videoWidth: number;
  currentTime: number;
}

/** One page, driven the same way in Chromium and in Firefox. */
export class EnginePage {
  /**
   * @param errors the page's console errors and warnings and uncaught exceptions, in order, as
   *   the driver reports them
   */
  constructor(
    readonly engine: Engine,
    readonly url: string,
    private readonly driver: Driver,
    readonly errors: string[],
  ) {}

  /** Evaluate `expression` (which must yield a JSON string) and parse it. */
  private async json<T>(expression: string): Promise<T> {
    return JSON.parse((await this.driver.evaluate(expression)) as string) as T;
  }

  /** Click the visible, enabled button or switch named `name` once it is there (a real pointer click). */
  async click(name: string): Promise<void> {
    let misdirected: MisdirectedClick | undefined;
    const attempt = () =>
      this.driver.click(buttonNamed(name)).catch((err: unknown) => {
        if (!(err instanceof MisdirectedClick)) throw err;
        misdirected = err; // not to be retried: whatever it hit has acted
        return true;
      });
    await eventually(`a button "${name}" to click in ${this.engine}`, attempt, (done) => done);
    if (misdirected) throw misdirected;
  }

  /** Type `value` into the text field labelled `label` (still empty) once it is there. */
  async fill(label: string, value: string): Promise<void> {
    await eventually(`a field "${label}" in ${this.engine}`, () => this.driver.type(fieldLabelled(label), value), (done) => done);
  }

  /** Whether the button or switch named `name` is checked (`aria-checked`); null if it is not there. */
  checked(name: string): Promise<boolean | null> {
    return this.json(`JSON.stringify(((el) => el ? el.getAttribute("aria-checked") === "true" : null)(${buttonNamed(name)}))`);
  }

  /** Evaluate a JavaScript expression in the page (a promise is awaited); its value, as the driver returns it. */
  evaluate(expression: string): Promise<unknown> {
    return this.driver.evaluate(expression);
  }

  /** What the page's contact-me elements show (their shadow trees' visible text). */
  shown(): Promise<string> {
    return this.json(SHOWN);
  }

  /** Wait until the contact-me elements show `text`. */
  async waitForText(text: RegExp): Promise<void> {
    await eventually(`${text} shown in ${this.engine}`, () => this.shown(), (shown) => text.test(shown));
  }

  /** `getCallStats()` of the first `selector` element, as plain objects; null without a call. */
  callStats(selector: "contact-me" | "contact-me-host"): Promise<Stats[] | null> {
    return this.json(`(async () => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) throw new Error("no <${selector}> on the page");
      const report = await el.getCallStats();
      if (!report) return "null";
      const out = [];
      report.forEach((s) => out.push({ ...s }));
      return JSON.stringify(out);
    })()`);
  }

  /** The remote `<video>`'s progress inside `selector`'s shadow tree; null while there is none. */
  remoteVideo(selector: "contact-me" | "contact-me-host"): Promise<VideoProgress | null> {
    return this.json(`JSON.stringify(((v) => v && {
      videoWidth: v.videoWidth,
      currentTime: v.currentTime,
    })(${firstInside(selector, 'video[part="remote-video"]')}))`);
  }

  /** Video tracks on the remote media elements (`remote-video`, `remote-audio`), one count per element. */
  remoteVideoTracks(): Promise<number[]> {
    return this.json(`JSON.stringify(${ROOTS}.flatMap((r) => Array.from(r.querySelectorAll('[part="remote-video"], [part="remote-audio"]')))
      .map((m) => m.srcObject instanceof MediaStream ? m.srcObject.getVideoTracks().length : 0))`);
  }

  /** The URL, what the page logged and what it shows, for failure messages. */
  async diagnostics(): Promise<string> {
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("(page did not answer)"), 5_000).unref());
    const shown = await Promise.race([this.shown(), timeout]).catch((err: Error) => `(unreadable: ${err.message})`);
    return [`${this.engine}: ${this.url}`, this.errors.length ? this.errors.join("\n") : "(no console errors)", `shows: ${shown}`].join("\n");
  }

  /** Close the page and its context. */
  close(): Promise<void> {
    return this.driver.close().catch(() => {});
  }
}

// ---------------------------------------------------------------- browsers

/** A launched browser of either engine, opening pages as different people. */
export interface EngineBrowser {
  readonly engine: Engine;
  /** Open `url` in a fresh context of its own (camera and microphone allowed). */
  open(url: string): Promise<EnginePage>;
  close(): Promise<void>;
}

/**
 * Launch headless `engine` with a fake camera and microphone. `firefoxPrefs`:
 * Firefox preferences over those of `test/firefox.mjs` (e.g.
 * `{"media.peerconnection.enabled": false}` for a Firefox without WebRTC).
 */
export async function launchEngine(engine: Engine, options: { firefoxPrefs?: Record<string, unknown> } = {}): Promise<EngineBrowser> {
  return engine === "chromium" ? chromiumBrowser(await launchChromium()) : firefoxBrowser(await launchFirefox(options.firefoxPrefs));
}

/**
 * Launch headless Firefox (`$FIREFOX_PATH` or `/usr/bin/firefox-esr`) through
 * Puppeteer, with the fake media preferences of `test/firefox.mjs`.
 * @throws if the binary is missing, saying how to install it
 */
export function launchFirefox(prefs: Record<string, unknown> = {}): Promise<PuppeteerBrowser> {
  const options = firefoxLaunchOptions();
  return puppeteer.launch({ ...options, extraPrefsFirefox: { ...options.extraPrefsFirefox, ...prefs }, protocolTimeout: 60_000 });
}

/**
 * Bound on one Playwright click or fill. Generous: on a loaded machine a click
 * can land after a short bound has run out, and the retry then finds its
 * button gone (e.g. **Sign in** once signed in) and waits for it in vain.
 */
const ACTION_MS = 10_000;

function chromiumBrowser(browser: PlaywrightBrowser): EngineBrowser {
  return {
    engine: "chromium",
    async open(url) {
      const context: BrowserContext = await browser.newContext({ permissions: ["camera", "microphone"] });
      context.setDefaultTimeout(WAIT_MS);
      const page: PlaywrightPage = await context.newPage();
      const errors: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error" || msg.type() === "warning") errors.push(`console.${msg.type()}: ${msg.text()}`);
      });
      page.on("pageerror", (err) => errors.push(`pageerror: ${err.stack ?? err.message}`));
      await page.goto(url);
      const element = async (expression: string) => (await page.evaluateHandle(expression)).asElement() as PlaywrightElement | null;
      return new EnginePage("chromium", url, {
        evaluate: (expression) => page.evaluate(expression),
        async click(expression) {
          const el = await element(expression);
          if (!el) return false;
          await el.click({ timeout: ACTION_MS });
          return true;
        },
        async type(expression, text) {
          const el = await element(expression);
          if (!el) return false;
          await el.fill(text, { timeout: ACTION_MS });
          return true;
        },
        close: () => context.close(),
      }, errors);
    },
    close: () => browser.close(),
  };
}

/** A pointer click that reached another element than the one aimed at. */
class MisdirectedClick extends Error {}

/** Where {@link armClick} leaves the element to click, and the flag its click sets. */
const CLICK_TARGET = "window.__contactMeClickTarget";
const CLICKED = "__contactMeClicked";

/**
 * Page source: find `expression`'s element; false if there is none or it
 * moved between two animation frames; else keep it as {@link CLICK_TARGET},
 * with a listener that marks it {@link CLICKED} when a click reaches it.
 */
function armClick(expression: string): string {
  return `(async () => {
    const el = ${expression};
    if (!el) return false;
    const box = () => JSON.stringify(el.getBoundingClientRect());
    const first = box();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    if (box() !== first) return false;
    el.${CLICKED} = false;
    el.addEventListener("click", () => { el.${CLICKED} = true; }, { once: true, capture: true });
    ${CLICK_TARGET} = el;
    return true;
  })()`;
}

function firefoxBrowser(browser: PuppeteerBrowser): EngineBrowser {
  return {
    engine: "firefox",
    async open(url) {
      const context: PuppeteerContext = await browser.createBrowserContext();
      const page: PuppeteerPage = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      const errors: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error" || msg.type() === "warn") errors.push(`console.${msg.type()}: ${msg.text()}`);
      });
      page.on("pageerror", (err) => errors.push(`pageerror: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
      await page.goto(url);
      const element = async (expression: string) => (await page.evaluateHandle(expression)).asElement() as PuppeteerElement | null;
      return new EnginePage("firefox", url, {
        evaluate: (expression) => page.evaluate(expression),
        async click(expression) {
          // Puppeteer clicks at the point it measured, without Playwright's checks that the element stands still and takes the click.
          if (!(await page.evaluate(armClick(expression)))) return false;
          const el = await element(CLICK_TARGET);
          if (!el) return false;
          await el.click();
          if (!(await page.evaluate(`${CLICK_TARGET}.${CLICKED} === true`))) {
            throw new MisdirectedClick(`a click meant for ${await page.evaluate(`${CLICK_TARGET}.outerHTML.slice(0, 120)`)} landed elsewhere: the page moved under the pointer`);
          }
          return true;
        },
        async type(expression, text) {
          const el = await element(expression);
          if (!el) return false;
          await el.click();
          await el.type(text);
          return true;
        },
        close: () => context.close(),
      }, errors);
    },
    close: () => browser.close(),
  };
}
