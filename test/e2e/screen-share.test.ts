/// <reference types="node" />
/**
 * Screen sharing in a video call, both ways: the sharer's screen reaches the
 * other side as a tile of its own, with frames of the screen's shape (the
 * fake screen is 16:9, the fake camera 4:3), named by who shares it; stopping
 * (from the toolbar, or as the browser's own stop button does) takes the tile
 * away on both sides while the camera and the call go on.
 *
 * Chromium picks the whole fake screen without a picker
 * (`--auto-select-desktop-capture-source`, in `test/chromium.mjs`).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { eventually, hidden, remoteVideoFrames, visible } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const stack = useStack();

type Tag = "contact-me" | "contact-me-host";

/** Size and decoded frames of the element's video `part`. */
function videoOf(page: Page, tag: Tag, part: "remote-screen" | "remote-video") {
  return page
    .locator(`${tag} video[part="${part}"]`)
    .first()
    .evaluate(
      (v: HTMLVideoElement) => ({ width: v.videoWidth, height: v.videoHeight, frames: v.getVideoPlaybackQuality().totalVideoFrames }),
      undefined,
      { timeout: 1_000 },
    );
}

/** Whether `width × height` has the shape of a 16:9 screen (not the 4:3 camera). */
const screenShaped = ({ width, height }: { width: number; height: number }) => height > 0 && Math.abs(width / height - 16 / 9) < 0.02;

/** The other side's camera keeps decoding new frames (the call did not drop). */
async function cameraGoesOn(page: Page, tag: Tag): Promise<void> {
  const before = await remoteVideoFrames(page, tag);
  await eventually(`<${tag}>'s remote camera decoding past ${before} frames`, () => remoteVideoFrames(page, tag), (n) => n > before + 10);
  const camera = await videoOf(page, tag, "remote-video");
  assert.ok(Math.abs(camera.width / camera.height - 4 / 3) < 0.02, `the remote camera is still 4:3 (${camera.width}×${camera.height})`);
}

test("screen sharing: the visitor's and then the host's screen reach the other side as a tile of their own, and stop cleanly", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "screen");
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText("Connected", { exact: true }));
    await visible(host.page.getByText("Connected", { exact: true }));
    await eventually("the host's camera at the visitor", () => remoteVideoFrames(visitor.page, "contact-me"), (n) => n > 0);
    await eventually("the visitor's camera at the host", () => remoteVideoFrames(host.page, "contact-me-host"), (n) => n > 0);

    // ------------------------------------------------------------ the visitor shares, stops from the toolbar
    await visitor.panel.getByRole("button", { name: "Share screen" }).click();
    await visible(visitor.page.locator('contact-me [part="screen-label"]', { hasText: "Your screen" }));
    await visible(host.page.locator('contact-me-host [part="screen-label"]', { hasText: "The visitor's screen" }));
    const atHost = await eventually(
      "the visitor's screen decoded at the host, 16:9",
      () => videoOf(host.page, "contact-me-host", "remote-screen"),
      (v) => v.frames > 5 && screenShaped(v),
    );
    console.log(`# visitor → host: screen ${atHost.width}×${atHost.height}, ${atHost.frames} frames`);
    await cameraGoesOn(host.page, "contact-me-host");

    await visitor.panel.getByRole("button", { name: "Stop sharing" }).click();
    await hidden(host.page.locator('contact-me-host [part="remote-screen"]'));
    await hidden(visitor.page.locator('contact-me [part="local-screen"]'));
    await visible(visitor.panel.getByRole("button", { name: "Share screen" }));
    await cameraGoesOn(host.page, "contact-me-host");
    await cameraGoesOn(visitor.page, "contact-me");

    // ------------------------------------------------------------ the host shares, stops with the browser's stop button
    await host.page.getByRole("button", { name: "Share screen" }).click();
    await visible(visitor.page.locator('contact-me [part="screen-label"]', { hasText: /'s screen$/ }));
    const atVisitor = await eventually(
      "the host's screen decoded at the visitor, 16:9",
      () => videoOf(visitor.page, "contact-me", "remote-screen"),
      (v) => v.frames > 5 && screenShaped(v),
    );
    console.log(`# host → visitor: screen ${atVisitor.width}×${atVisitor.height}, ${atVisitor.frames} frames`);
    // What the browser's "Stop sharing" does: the capture source ends, the track fires `ended` (W3C mediacapture-main §4.3.1).
    const ended = await host.page.locator('contact-me-host video[part="local-screen"]').evaluate((v: HTMLVideoElement) => {
      const track = (v.srcObject as MediaStream).getVideoTracks()[0]!;
      track.stop();
      track.dispatchEvent(new Event("ended"));
      return track.readyState;
    });
    assert.equal(ended, "ended");
    await hidden(visitor.page.locator('contact-me [part="remote-screen"]'));
    await hidden(host.page.locator('contact-me-host [part="local-screen"]'));
    await visible(host.page.getByRole("button", { name: "Share screen" }));
    await cameraGoesOn(visitor.page, "contact-me");
    await visible(visitor.panel.getByText("Connected", { exact: true }));
    await visible(host.page.getByText("Connected", { exact: true }));
  }));
