/// <reference types="node" />
/**
 * Every state of the visitor's widget at desktop (1280×800) and phone
 * (390×844) sizes, in light and dark: axe's WCAG 2.2 AA rules hold in each,
 * the phone size is a full-screen sheet with 44 px targets and 16 px fields,
 * and each is photographed into `docs/screens/` (indexed by
 * `docs/screens.md`, shown in the README).
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import type { Page } from "playwright-core";
import { assertAccessible } from "../support/axe.ts";
import { WAIT_MS, eventually, openHost, remoteVideoWidth, setAvailable, uniqueRoom, visible } from "../support/browser.ts";
import { assertEveryoneSeesEveryone, createMeeting, joinFromLink, remoteFrames, stillTiles } from "../support/meeting.ts";
import { REPO_ROOT } from "../support/server.ts";
import { useStack } from "../support/stack.ts";

/** Who the visitor reaches, as a site would configure it (the avatar is the demo's own). */
const stack = useStack({
  vars: { HOST_NAME: "Ada Lovelace", HOST_TAGLINE: "Usually replies within a day", HOST_AWAY: "Back Monday, 9:00 CET" },
});

const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
const SCHEMES = ["light", "dark"] as const;
type Size = keyof typeof SIZES;

/** Width of the desktop screenshots: the page's right-hand side, where the widget sits. */
const DESKTOP_CLIP_WIDTH = 560;

const SCREENS = join(REPO_ROOT, "docs", "screens");

/** What each photographed state shows, in the order taken. */
const STATES: Record<string, string> = {
  closed: "Closed: the button, with the host's presence",
  menu: "Open, the host available",
  conversation: "A conversation: the visitor's message and the host's reply",
  calling: "A video call ringing",
  "in-call": "In a video call",
  ended: "The call ended: the next steps",
  away: "Open, the host away",
  "meeting-join": "A meeting's invite link: the name and the PIN",
  meeting: "A meeting of three",
  "meeting-screen": "A meeting of three, one sharing a screen",
};

/** States photographed whole (the meeting fills the page), not only the widget's corner. */
const WHOLE_PAGE = new Set(["meeting-join", "meeting", "meeting-screen"]);

/**
 * The rectangles of the visible controls inside the open panel (through every
 * shadow root), and the font size of its fields.
 */
function panelControls(page: Page): Promise<{ what: string; width: number; height: number; fontPx: number; field: boolean }[]> {
  return page.evaluate(() => {
    const panel = document.querySelector("contact-me")?.shadowRoot?.querySelector("contact-me-panel");
    const found: { what: string; width: number; height: number; fontPx: number; field: boolean }[] = [];
    const roots: ShadowRoot[] = panel?.shadowRoot ? [panel.shadowRoot] : [];
    for (let root = roots.pop(); root; root = roots.pop()) {
      for (const el of Array.from(root.querySelectorAll<HTMLElement>("*"))) {
        if (el.shadowRoot) roots.push(el.shadowRoot);
        if (!el.matches("button, input, select, textarea")) continue;
        const rect = el.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0) continue;
        found.push({
          what: `${el.localName}${el.getAttribute("part") ? `[part=${el.getAttribute("part")}]` : ""} "${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 30)}"`,
          width: rect.width,
          height: rect.height,
          fontPx: parseFloat(getComputedStyle(el).fontSize),
          field: !el.matches("button"),
        });
      }
    }
    return found;
  });
}

/** At phone size: the panel fills the screen, targets are ≥ 44 px and fields ≥ 16 px (no zoom on iOS). */
async function assertPhoneSheet(page: Page, state: string): Promise<void> {
  const box = await page.locator("contact-me-panel").boundingBox();
  assert.ok(box, `${state}: no panel`);
  const { width, height } = SIZES.phone;
  assert.deepEqual(
    [box.x, box.y, box.width, box.height].map(Math.round),
    [0, 0, width, height],
    `${state}: the panel is not a full-screen sheet`,
  );
  const controls = await panelControls(page);
  assert.ok(controls.length > 0, `${state}: no controls found in the panel`);
  const small = controls.filter((c) => c.width < 44 - 0.5 || c.height < 44 - 0.5).map((c) => `${c.what} ${Math.round(c.width)}×${Math.round(c.height)}`);
  assert.deepEqual(small, [], `${state}: touch targets under 44 px`);
  const tiny = controls.filter((c) => c.field && c.fontPx < 16).map((c) => `${c.what} ${c.fontPx}px`);
  assert.deepEqual(tiny, [], `${state}: fields under 16 px`);
  const close = await page.getByRole("button", { name: "Close" }).boundingBox();
  assert.ok(close && close.x >= 0 && close.y >= 0 && close.x + close.width <= width && close.y + close.height <= height, `${state}: Close off screen`);
}

/**
 * The boxes of the meeting's tiles (shared screens too) and of its controls,
 * through `<contact-me>`'s shadow root. A string: tsx would wrap the inner
 * function in a helper the page lacks.
 */
const MEETING_BOXES = `(() => {
  const root = document.querySelector("contact-me")?.shadowRoot?.querySelector("contact-me-meeting")?.shadowRoot;
  const boxes = (selector) =>
    Array.from(root ? root.querySelectorAll(selector) : []).map((el) => {
      const r = el.getBoundingClientRect();
      return { what: (el.getAttribute("part") || el.localName) + " " + (el.textContent || "").trim().slice(0, 20), x: r.x, y: r.y, width: r.width, height: r.height };
    });
  return { tiles: boxes('[part~="tile"], [part="screen-tile"]'), controls: boxes("button, input") };
})()`;

type Box = { what: string; x: number; y: number; width: number; height: number };

/** The meeting fits the page: every tile and control inside the viewport, no two tiles overlapping, every tile big enough to see a face. */
async function assertMeetingFits(page: Page, state: string, size: Size): Promise<void> {
  const { tiles, controls } = (await page.evaluate(MEETING_BOXES)) as { tiles: Box[]; controls: Box[] };
  const { width, height } = SIZES[size];
  assert.ok(controls.length > 0, `${state}: no controls in the meeting`);
  const outside = [...tiles, ...controls].filter((b) => b.x < -0.5 || b.y < -0.5 || b.x + b.width > width + 0.5 || b.y + b.height > height + 0.5);
  assert.deepEqual(outside.map((b) => `${b.what} at ${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}×${Math.round(b.height)}`), [], `${state}: outside the ${width}×${height} page`);
  const overlapping: string[] = [];
  for (const [i, a] of tiles.entries())
    for (const b of tiles.slice(i + 1))
      if (a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5) overlapping.push(`${a.what} / ${b.what}`);
  assert.deepEqual(overlapping, [], `${state}: tiles overlapping`);
  const small = tiles.filter((t) => t.width < 120 || t.height < 90).map((t) => `${t.what} ${Math.round(t.width)}×${Math.round(t.height)}`);
  assert.deepEqual(small, [], `${state}: tiles too small`);
}

/** For each size and scheme: axe, the phone checks, and the screenshot of `state`. */
async function capture(page: Page, state: keyof typeof STATES, phoneChecks: boolean): Promise<void> {
  for (const size of Object.keys(SIZES) as Size[]) {
    await page.setViewportSize(SIZES[size]);
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      // Two frames: layout and paint at the new size and scheme.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const label = `${state} (${size}, ${colorScheme})`;
      await assertAccessible(page, label);
      if (size === "phone" && phoneChecks) await assertPhoneSheet(page, label);
      if (state === "meeting" || state === "meeting-screen") {
        await assertMeetingFits(page, label, size);
        assert.deepEqual(await page.locator("contact-me-meeting").evaluate(stillTiles, 5000), [], `${label}: tiles whose video shows no new frame`);
      }
      const { width, height } = SIZES[size];
      const clip = size === "desktop" && !WHOLE_PAGE.has(state) ? { x: width - DESKTOP_CLIP_WIDTH, y: 0, width: DESKTOP_CLIP_WIDTH, height } : undefined;
      await page.screenshot({ path: join(SCREENS, `${state}-${size}-${colorScheme}.png`), clip });
    }
  }
}

/** `docs/screens.md`: every screenshot, one row per state. */
function writeIndex(): void {
  const header = "| State | Desktop, light | Desktop, dark | Phone, light | Phone, dark |\n|---|---|---|---|---|\n";
  const rows = Object.entries(STATES).map(([state, what]) => {
    const cells = (Object.keys(SIZES) as Size[]).flatMap((size) =>
      SCHEMES.map((scheme) => `<img src="screens/${state}-${size}-${scheme}.png" alt="${what} (${size}, ${scheme})" width="${size === "desktop" ? 220 : 150}">`),
    );
    return `| ${what} | ${cells.join(" | ")} |`;
  });
  writeFileSync(
    join(REPO_ROOT, "docs", "screens.md"),
    `# The widget, state by state\n\nTaken by \`test/widget/screens.test.ts\` (\`npm test\` writes them again) at desktop (1280×800; the right-hand ${DESKTOP_CLIP_WIDTH} px but for the meetings) and phone (390×844) sizes, light and dark. Each state passes axe's WCAG 2.2 AA rules at every size and scheme.\n\n${header}${rows.join("\n")}\n`,
  );
}

before(() => {
  mkdirSync(SCREENS, { recursive: true });
  writeIndex();
});

// Two tests, each within the runner's time limit per test: the visitor's own states, then a meeting's.
test("the visitor's states at desktop and phone sizes, light and dark: axe WCAG 2.2 AA, the phone sheet, screenshots", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("screens");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    await setAvailable(host.page, true);
    const visitor = await pages.open(`${stack.server.origin}/?room=${room}`);
    const page = visitor.page;
    const launcher = page.getByRole("button", { name: "Contact me" });
    await visible(launcher);
    await eventually("the presence dot", () => page.locator('[part="launcher-presence"]').count(), (n) => n === 1);
    await capture(page, "closed", false);

    await launcher.click();
    const panel = page.getByRole("dialog");
    await visible(panel.getByText("Available", { exact: true }));
    await capture(page, "menu", true);

    await panel.getByRole("button", { name: "Send a message" }).click();
    await panel.getByRole("textbox", { name: "Your name" }).fill("Grace");
    await panel.getByRole("textbox", { name: "Message" }).fill("Hello! Could we talk about a project next week?");
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.getByText(/^(Delivered|Seen)$/).first());
    await host.page.getByRole("textbox", { name: "Reply" }).fill("Gladly — does Tuesday afternoon suit you?");
    await host.page.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.getByText("does Tuesday afternoon suit you?", { exact: false }));
    await capture(page, "conversation", true);

    await panel.getByRole("button", { name: "Video call" }).click();
    await visible(host.page.getByRole("button", { name: "Accept" }));
    await visible(panel.locator('[part="call-status"]', { hasText: /Calling/ }));
    await visible(panel.locator('[part="local-video"]'));
    await capture(page, "calling", true);

    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText("Connected", { exact: true }));
    await eventually("the host's video on the visitor's page", () => remoteVideoWidth(page, "contact-me"), (w) => w > 0, WAIT_MS);
    await capture(page, "in-call", true);

    await host.page.getByRole("button", { name: "Hang up" }).click();
    await visible(panel.getByText("Call ended"));
    await capture(page, "ended", true);

    await setAvailable(host.page, false);
    await visible(panel.getByText("Away", { exact: true }));
    await panel.getByRole("button", { name: "Done" }).click();
    await capture(page, "away", true);
  }));

test("a meeting's states at desktop and phone sizes, light and dark: axe WCAG 2.2 AA, the layout, screenshots", () =>
  stack.run(async (pages) => {
    // A meeting from its invite link: three guests (the PIN admits them), then one shares a screen.
    const room = uniqueRoom("screens-meeting");
    const { host: creator, token } = await createMeeting(stack.server.origin, room, stack.hostKey, { title: "Project kick-off", pin: "2468" });
    await creator.close();
    const grace = await pages.open(`${stack.server.origin}/?room=${room}&meeting=${token}`);
    await visible(grace.page.getByRole("textbox", { name: "PIN" }));
    await grace.page.getByRole("textbox", { name: "Your name" }).fill("Grace");
    await grace.page.getByRole("textbox", { name: "PIN" }).fill("2468");
    await capture(grace.page, "meeting-join", false);
    await grace.page.getByRole("button", { name: "Join" }).click();
    const alan = await joinFromLink(pages, stack.server.origin, room, token, "Alan", "2468");
    const katherine = await joinFromLink(pages, stack.server.origin, room, token, "Katherine", "2468");
    await assertEveryoneSeesEveryone(
      [grace, alan, katherine].map((p, i) => ({ name: ["Grace", "Alan", "Katherine"][i]!, frames: () => remoteFrames(p) })),
    );
    await capture(grace.page, "meeting", false);
    await alan.page.getByRole("button", { name: "Share screen" }).click();
    await visible(grace.page.getByText("Alan's screen"));
    await eventually("Alan's screen playing on Grace's page", () => grace.page.locator('[data-screen-of] video').evaluate((v: HTMLVideoElement) => v.videoWidth), (w) => w > 0);
    await capture(grace.page, "meeting-screen", false);
  }));
