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
import { test } from "node:test";
import type { Page } from "playwright-core";
import { assertAccessible } from "../support/axe.ts";
import { WAIT_MS, eventually, openHost, remoteVideoWidth, setAvailable, uniqueRoom, visible } from "../support/browser.ts";
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
};

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
      const { width, height } = SIZES[size];
      const clip = size === "desktop" ? { x: width - DESKTOP_CLIP_WIDTH, y: 0, width: DESKTOP_CLIP_WIDTH, height } : undefined;
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
    `# The widget, state by state\n\nTaken by \`test/widget/screens.test.ts\` (\`npm test\` writes them again) at desktop (1280×800, the right-hand ${DESKTOP_CLIP_WIDTH} px) and phone (390×844) sizes, light and dark. Each state passes axe's WCAG 2.2 AA rules at every size and scheme.\n\n${header}${rows.join("\n")}\n`,
  );
}

test("every state at desktop and phone sizes, light and dark: axe WCAG 2.2 AA, the phone sheet, screenshots", () =>
  stack.run(async (pages) => {
    mkdirSync(SCREENS, { recursive: true });
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
    writeIndex();
  }));
