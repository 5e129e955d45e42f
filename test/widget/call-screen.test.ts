/// <reference types="node" />
/**
 * The call screen as people meet it. A video call rings with the camera on
 * and the caller's self view shown, as a phone's does; nobody is filmed while
 * waiting in line, and the camera starts again once the call rings, so video
 * then plays on both sides. **Hang up** stays
 * readable in the dark scheme (WCAG contrast ≥ 4.5:1), and **Full screen**
 * toggles.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Locator, Page } from "playwright-core";
import { eventually, openVisitor, remoteVideoFrames, remoteVideoWidth, visible } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const stack = useStack();
const CONNECTED = { exact: true } as const;

/**
 * Keep every track `getUserMedia` hands out on `page`, to count the live
 * cameras later. A string: tsx would wrap inner functions in a helper the page lacks.
 */
const recordTracks = (page: Page) =>
  page.evaluate(`(() => {
    const media = navigator.mediaDevices;
    const original = media.getUserMedia.bind(media);
    window.__tracks = [];
    media.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      window.__tracks.push(...stream.getTracks());
      return stream;
    };
  })()`);

/** Camera tracks still capturing on `page`, of all those `getUserMedia` gave. */
const liveCameras = (page: Page) =>
  page.evaluate(`window.__tracks.filter((t) => t.kind === "video" && t.readyState === "live").length`) as Promise<number>;

/** Live video tracks in the visitor's local stream (-1 without a call). */
const sentCameras = (page: Page) =>
  page.evaluate(`(() => {
    const stream = document.querySelector("contact-me").session?.call.localStream;
    return stream ? stream.getVideoTracks().filter((t) => t.readyState === "live").length : -1;
  })()`) as Promise<number>;

async function videoPlays(page: Page, selector: "contact-me" | "contact-me-host", who: string): Promise<void> {
  await eventually(`${who}: the other side's video has a size`, () => remoteVideoWidth(page, selector).catch(() => 0), (w) => w > 0);
  const before = await remoteVideoFrames(page, selector);
  await eventually(`${who}: the other side's video plays`, () => remoteVideoFrames(page, selector), (n) => n > before);
}

test("a video call rings with the camera on and the self view shown, waits in line with it off; accepted, video plays on both sides", () =>
  stack.run(async (pages) => {
    const { room, host, visitor } = await availableHostAndVisitor(stack, pages, "camera-off");
    await recordTracks(visitor.page);
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await visible(visitor.panel.getByText("Calling…"));
    // Ringing, as in a phone's video call: the camera runs and the caller sees what it will send.
    assert.equal(await liveCameras(visitor.page), 1, "one camera capturing while ringing");
    assert.equal(await sentCameras(visitor.page), 1, "the camera is in the call's stream while ringing");
    await visible(visitor.panel.locator('[part="local-video"]'));
    await visible(visitor.panel.locator('[part="avatar"]'));

    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText("Connected", CONNECTED));
    await visible(host.page.getByText("Connected", CONNECTED));
    await videoPlays(host.page, "contact-me-host", "host");
    await videoPlays(visitor.page, "contact-me", "visitor");
    assert.equal(await sentCameras(visitor.page), 1, "the camera runs once accepted");
    await visible(visitor.panel.getByRole("button", { name: "Camera off" }));

    // A second caller waits in line, the camera off, until the host is free and accepts.
    const second = await openVisitor(pages, stack.server.origin, room);
    await recordTracks(second.page);
    await second.panel.getByRole("button", { name: "Video call" }).click();
    await visible(second.panel.getByText("Position 1 in line"));
    // The permission was asked for before ringing (a blocked camera shows at once), then the camera stopped.
    assert.ok((await second.page.evaluate(`window.__tracks.filter((t) => t.kind === "video").length`)) as number > 0, "the camera was asked for");
    await eventually("no camera capturing while in line", () => liveCameras(second.page), (n) => n === 0);
    assert.equal(await sentCameras(second.page), 0, "no live video track while in line");
    assert.equal(await second.panel.locator('[part="local-video"]').count(), 0, "no self view while in line");
    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
    await visible(second.panel.getByText("Calling…"));
    // Out of the line it rings: the same camera starts again, before anyone accepts.
    await eventually("the camera starts again once it rings", () => liveCameras(second.page), (n) => n === 1);
    await visible(second.panel.locator('[part="local-video"]'));
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(second.panel.getByText("Connected", CONNECTED));
    await videoPlays(host.page, "contact-me-host", "host, second call");
    await videoPlays(second.page, "contact-me", "second visitor");
    assert.equal(await sentCameras(second.page), 1, "the second caller's camera runs once accepted");
  }));

/** WCAG 2 relative luminance of an `rgb()`/`rgba()` colour. */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  if (r === undefined || g === undefined || b === undefined) throw new Error(`not a colour: ${color}`);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2 contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The contrast of a button's text (or icon) against its own background. */
async function buttonContrast(button: Locator): Promise<{ ratio: number; color: string; background: string }> {
  const { color, background } = await button.evaluate((b) => ({ color: getComputedStyle(b).color, background: getComputedStyle(b).backgroundColor }));
  assert.doesNotMatch(background, /rgba\(.*,\s*0\)|transparent/, "the button has its own background");
  return { ratio: contrast(color, background), color, background };
}

test("Hang up and the pressed Mute read at 4.5:1 or more in the dark scheme; Full screen toggles", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "dark");
    for (const page of [visitor.page, host.page]) await page.emulateMedia({ colorScheme: "dark" });
    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText("Connected", CONNECTED));
    await visible(host.page.getByText("Connected", CONNECTED));
    const checks: Array<[string, Locator]> = [
      ["visitor's Hang up", visitor.panel.getByRole("button", { name: "Hang up" })],
      ["host's Hang up", host.page.getByRole("button", { name: "Hang up" })],
    ];
    await visitor.panel.getByRole("button", { name: "Mute", exact: true }).click();
    checks.push(["visitor's Unmute (pressed)", visitor.panel.getByRole("button", { name: "Unmute", exact: true })]);
    for (const [what, button] of checks) {
      const { ratio, color, background } = await buttonContrast(button);
      assert.ok(ratio >= 4.5, `${what}: ${color} on ${background} is ${ratio.toFixed(2)}:1, under 4.5:1`);
    }
    // Full screen shows the stage and toolbar over the page, and toggles back.
    const full = visitor.panel.getByRole("button", { name: "Full screen" });
    assert.equal(await full.getAttribute("aria-pressed"), "false");
    await full.click();
    const exit = visitor.panel.getByRole("button", { name: "Exit full screen" });
    await visible(exit);
    assert.equal(await exit.getAttribute("aria-pressed"), "true");
    assert.equal(await visitor.page.evaluate("document.fullscreenElement?.localName"), "contact-me");
    await exit.click();
    await visible(visitor.panel.getByRole("button", { name: "Full screen" }));
    assert.equal(await visitor.page.evaluate("document.fullscreenElement"), null);

    // The same with the panel closed: the In call pill's Hang up.
    await visitor.panel.getByRole("button", { name: "Close" }).click();
    const pill = visitor.page.locator('contact-me [part="launcher-hang-up"]');
    await visible(pill);
    const { ratio, color, background } = await buttonContrast(pill);
    assert.ok(ratio >= 4.5, `the pill's Hang up: ${color} on ${background} is ${ratio.toFixed(2)}:1, under 4.5:1`);
  }));
