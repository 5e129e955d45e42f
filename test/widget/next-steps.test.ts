/// <reference types="node" />
/**
 * No dead end after a call: every end state offers the next useful step
 * besides **Done**. After Declined, Call ended, No answer and Connection
 * failed: **Try again** (the same media; only while the host is available)
 * and **Leave a message** (after Declined and No answer also **Leave a voice
 * message** and **Leave a video message**); after a camera blocked for a video call: **Try an
 * audio call instead**. Each is followed through to the call or the form.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Locator, Page } from "playwright-core";
import { eventually, hidden, setAvailable, visible } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const CONNECTED = /\bConnected\b/;
/** Seconds an unanswered call rings (the least the room allows is 5). */
const RING_TIMEOUT_S = 8;
const stack = useStack({ vars: { RING_TIMEOUT_S: String(RING_TIMEOUT_S) } });
/** Relay-only ICE with no relay: every call fails to connect. */
const noPath = useStack({ vars: { ICE_TRANSPORT_POLICY: "relay" } });

/** The buttons the call view offers once the call is over, in order. */
function nextSteps(panel: Locator): Promise<string[]> {
  return panel.locator('[slot="actions"]').allInnerTexts();
}

/** Wait until the panel offers exactly `steps`. */
async function offers(panel: Locator, state: string, steps: string[]): Promise<void> {
  await eventually(`next steps after ${state}: ${steps.join(", ")}`, () => nextSteps(panel), (shown) => JSON.stringify(shown) === JSON.stringify(steps));
}

/** The `media` of every call request the visitor's page sent, in order. */
const callsSent = (frames: string[]) =>
  frames.filter((f) => f.includes(" > ") && f.includes('"type":"call"')).map((f) => /"media":"(\w+)"/.exec(f)?.[1]);

/** Make getUserMedia refuse the camera (`video`) or everything (`all`), as when the person denied it. */
function block(page: Page, what: "video" | "all"): Promise<void> {
  return page.evaluate((what) => {
    const media = navigator.mediaDevices;
    const original = ((media as unknown as { original?: typeof media.getUserMedia }).original ??= media.getUserMedia.bind(media));
    media.getUserMedia = (constraints?: MediaStreamConstraints) =>
      what === "all" || constraints?.video
        ? Promise.reject(new DOMException("Permission denied", "NotAllowedError"))
        : original(constraints);
  }, what);
}

const BOTH = ["Try again", "Leave a message", "Done"];
/** After a call no host took: a recorded message too. */
const UNTAKEN = ["Try again", "Leave a message", "Leave a voice message", "Leave a video message", "Done"];

test("Declined and Call ended offer Try again (same media) and Leave a message; Try again goes once the host is away", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "declined");
    const panel = visitor.panel;
    await panel.getByRole("button", { name: "Video call" }).click();
    await host.page.getByRole("button", { name: "Decline", exact: true }).click();
    await visible(panel.getByText("Declined", { exact: true }));
    await offers(panel, "Declined", UNTAKEN);

    // Try again: the host is rung again, for a video call again.
    await panel.getByRole("button", { name: "Try again" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText(CONNECTED));
    await visible(panel.locator('[part="local-video"]'));
    assert.deepEqual(callsSent(visitor.frames), ["video", "video"]);
    await host.page.getByRole("button", { name: "Hang up" }).click();
    await visible(panel.getByText("Call ended", { exact: true }));
    await offers(panel, "Call ended", BOTH);

    // The host goes away: calling again is not offered, a message is.
    await host.page.getByRole("button", { name: "Dismiss" }).click();
    await setAvailable(host.page, false);
    await offers(panel, "Call ended, the host away", ["Leave a message", "Done"]);
    await panel.getByRole("button", { name: "Leave a message" }).click();
    await visible(panel.getByRole("textbox", { name: "Message" }));
  }));

test("No answer offers Try again, which rings the host again", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "no-answer");
    const panel = visitor.panel;
    await panel.getByRole("button", { name: "Audio call" }).click();
    await panel.getByText("No answer", { exact: true }).waitFor({ state: "visible", timeout: (RING_TIMEOUT_S + 15) * 1000 });
    await offers(panel, "No answer", UNTAKEN);
    await panel.getByRole("button", { name: "Try again" }).click();
    await visible(panel.getByText("Calling…", { exact: true }));
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText(CONNECTED));
    assert.deepEqual(callsSent(visitor.frames), ["audio", "audio"]);
    await panel.getByRole("button", { name: "Hang up" }).click();
    await visible(host.page.getByText("Call ended", { exact: true }));
  }));

test("a camera blocked for a video call offers Try an audio call instead, which calls with the microphone", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "blocked");
    const panel = visitor.panel;
    await block(visitor.page, "video");
    await panel.getByRole("button", { name: "Video call" }).click();
    await visible(panel.getByText("Camera or microphone blocked", { exact: true }));
    await offers(panel, "a blocked camera", ["Try an audio call instead", "Leave a message", "Done"]);
    await panel.getByRole("button", { name: "Try an audio call instead" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText(CONNECTED));
    await hidden(panel.getByText(/Allow this site to use your camera/));
    assert.deepEqual(callsSent(visitor.frames), ["audio"]);
    await panel.getByRole("button", { name: "Hang up" }).click();
    await visible(panel.getByText("Call ended", { exact: true }));

    // The microphone blocked too: no call to offer, a message is.
    await panel.getByRole("button", { name: "Done" }).click();
    await block(visitor.page, "all");
    await panel.getByRole("button", { name: "Audio call" }).click();
    await visible(panel.getByText("Camera or microphone blocked", { exact: true }));
    await offers(panel, "a blocked microphone", ["Leave a message", "Done"]);
    await panel.getByRole("button", { name: "Leave a message" }).click();
    await visible(panel.getByRole("textbox", { name: "Message" }));
  }));

test("Connection failed offers Try again and Leave a message", () =>
  noPath.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(noPath, pages, "failed");
    const panel = visitor.panel;
    await panel.getByRole("button", { name: "Audio call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText("Connection failed", { exact: true }));
    await offers(panel, "Connection failed", BOTH);
    await host.page.getByRole("button", { name: "Dismiss" }).click();
    await panel.getByRole("button", { name: "Try again" }).click();
    await visible(panel.getByText("Calling…", { exact: true }));
    await host.page.getByRole("button", { name: "Decline", exact: true }).click();
    await visible(panel.getByText("Declined", { exact: true }));
    assert.deepEqual(callsSent(visitor.frames), ["audio", "audio"]);
    await panel.getByRole("button", { name: "Leave a message" }).click();
    await visible(panel.getByRole("textbox", { name: "Message" }));
  }));
