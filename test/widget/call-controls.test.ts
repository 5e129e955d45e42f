/// <reference types="node" />
/**
 * What a caller expects in a call, on both sides: Mute / Unmute and Camera
 * off / on (seen by the other side), the call timer, the connection quality,
 * the Microphone and Camera selects under Device settings (switching
 * without renegotiation), turning an audio call into video, and a clear
 * message when the browser blocks the camera and microphone.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { callStats, clockRuns, eventually, hidden, remoteVideoWidth, visible, type Stats } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const CONNECTED = /\bConnected\b/;
const stack = useStack();

const offersSent = (frames: string[]) => frames.filter((f) => f.startsWith("+") && f.includes("> ") && f.includes('"type":"offer"')).length;

function outboundAudioBytes(stats: Stats[] | null): number {
  return (stats ?? []).filter((s) => s.type === "outbound-rtp" && s.kind === "audio").reduce((n, s) => n + (Number(s.bytesSent) || 0), 0);
}

test("video call controls: mute, camera, timer, quality, device switch without renegotiation", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "controls");
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText(CONNECTED));
    await visible(host.page.getByText(CONNECTED));

    // Timer and quality on both sides.
    for (const page of [visitor.page, host.page]) {
      await visible(page.getByRole("timer", { name: "Call time" }));
      await clockRuns(page.getByRole("timer", { name: "Call time" }), "the call time");
      await visible(page.getByText("Connection: Good"));
    }

    // Mute: the other side sees it; Unmute clears it.
    await visitor.panel.getByRole("button", { name: "Mute", exact: true }).click();
    await visible(visitor.panel.getByRole("button", { name: "Unmute", exact: true }));
    await visible(host.page.getByText("The visitor is muted"));
    await visitor.panel.getByRole("button", { name: "Unmute", exact: true }).click();
    await hidden(host.page.getByText("The visitor is muted"));
    await host.page.getByRole("button", { name: "Mute", exact: true }).click();
    await visible(visitor.panel.getByText("The host is muted"));

    // Camera off / on.
    await host.page.getByRole("button", { name: "Camera off" }).click();
    await visible(visitor.panel.getByText("The host's camera is off"));
    await host.page.getByRole("button", { name: "Camera on" }).click();
    await hidden(visitor.panel.getByText("The host's camera is off"));

    // Device selects, behind Device settings; switching the microphone replaces the track, no new offer.
    for (const where of [visitor.panel, host.page]) {
      const settings = where.getByRole("button", { name: "Device settings" });
      await settings.click();
      assert.equal(await settings.getAttribute("aria-expanded"), "true");
    }
    const mic = visitor.panel.getByRole("combobox", { name: "Microphone" });
    await visible(mic);
    await visible(visitor.panel.getByRole("combobox", { name: "Camera" }));
    await visible(host.page.getByRole("combobox", { name: "Microphone" }));
    const options = await mic.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const current = await mic.inputValue();
    const other = options.find((o) => o !== current);
    if (other) {
      const offers = offersSent(visitor.frames) + offersSent(host.frames);
      assert.ok(offers > 0, "the set-up offer is counted");
      await mic.selectOption(other);
      await eventually("the new microphone is selected", () => mic.inputValue(), (v) => v === other);
      const before = outboundAudioBytes(await callStats(visitor.page, "contact-me"));
      await visitor.page.waitForTimeout(1000);
      assert.ok(outboundAudioBytes(await callStats(visitor.page, "contact-me")) > before, "audio still flows from the new microphone");
      assert.equal(offersSent(visitor.frames) + offersSent(host.frames), offers, "no renegotiation");
    } else {
      assert.fail(`the fake devices offer a single microphone: ${JSON.stringify(options)}`);
    }
    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
    await visible(host.page.getByText("Call ended"));
  }));

test("an audio call turns into a video call on either side (renegotiation)", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "upgrade");
    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText(CONNECTED));
    await visible(host.page.getByText(CONNECTED));
    await visitor.panel.getByRole("button", { name: "Turn on video" }).click();
    await eventually("the visitor's video on the host side", () => remoteVideoWidth(host.page, "contact-me-host"), (w) => w > 0);
    await hidden(visitor.panel.getByRole("button", { name: "Turn on video" }));
    await host.page.getByRole("button", { name: "Turn on video" }).click();
    await eventually("the host's video on the visitor side", () => remoteVideoWidth(visitor.page, "contact-me"), (w) => w > 0);
    await visible(visitor.panel.getByText(CONNECTED));
    await visible(visitor.panel.getByRole("button", { name: "Camera off" }));
  }));

test("a blocked camera and microphone says so, and how to allow them", () =>
  stack.run(async (pages) => {
    const { visitor } = await availableHostAndVisitor(stack, pages, "blocked");
    await blockMedia(visitor.page);
    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await visible(visitor.panel.getByText("Camera or microphone blocked", { exact: true }));
    await visible(visitor.panel.getByText(/Allow this site to use your camera and microphone/));
    await hidden(visitor.panel.getByRole("button", { name: "Hang up" }));
  }));

/** Make getUserMedia refuse, as when the person denied the permission prompt. */
function blockMedia(page: Page): Promise<void> {
  return page.evaluate(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
  });
}
