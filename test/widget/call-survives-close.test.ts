/// <reference types="node" />
/**
 * A call goes on when the visitor closes the panel: the host's audio keeps
 * playing on the same `<audio>` element, the button becomes an **In call**
 * pill with **Hang up** beside it, and reopening shows the call.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { callStats, eventually, hidden, visible, type Stats } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const CONNECTED = /\bConnected\b/;
const IN_CALL = /^In call \d+:\d\d$/;
const stack = useStack();

/** Bytes received on the inbound audio RTP streams, summed. */
function audioBytes(stats: Stats[] | null): number {
  return (stats ?? [])
    .filter((s) => s.type === "inbound-rtp" && s.kind === "audio")
    .reduce((sum, s) => sum + (typeof s.bytesReceived === "number" ? s.bytesReceived : 0), 0);
}

type AudioState = { connected: boolean; paused: boolean; liveTracks: number };

/** The state of the remote `<audio>` element kept by {@link keepRemoteAudio}. */
function remoteAudio(page: Page): Promise<AudioState> {
  return page.evaluate(() => {
    const audio = (globalThis as { remoteAudio?: HTMLAudioElement }).remoteAudio;
    if (!audio) throw new Error("no remote audio element kept");
    const stream = audio.srcObject instanceof MediaStream ? audio.srcObject : undefined;
    return {
      connected: audio.isConnected,
      paused: audio.paused,
      liveTracks: stream ? stream.getAudioTracks().filter((t) => t.readyState === "live").length : 0,
    };
  });
}

/** Keep a reference to the visitor's remote `<audio>` element, to follow that very element. */
function keepRemoteAudio(page: Page): Promise<void> {
  return page.locator('contact-me audio[part="remote-audio"]').evaluate((audio) => {
    (globalThis as { remoteAudio?: Element }).remoteAudio = audio;
  });
}

test("closing the panel mid-call: the call goes on, the button shows it and hangs up; reopening shows the call", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "survives");
    const page = visitor.page;
    const panel = visitor.panel;

    await panel.getByRole("button", { name: "Audio call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText(CONNECTED));
    await visible(host.page.getByText(CONNECTED));
    await eventually("inbound audio bytes on the visitor side", () => callStats(page, "contact-me"), (s) => audioBytes(s) > 0);
    await keepRemoteAudio(page);

    // Closed: the host is still heard, on the same element, and the button says so.
    await panel.getByRole("button", { name: "Close" }).click();
    await hidden(panel);
    const pill = page.getByRole("button", { name: IN_CALL });
    await visible(pill);
    const bytesBefore = audioBytes(await callStats(page, "contact-me"));
    await page.waitForTimeout(1_500);
    const bytesAfter = audioBytes(await callStats(page, "contact-me"));
    const after = await remoteAudio(page);
    assert.ok(bytesAfter > bytesBefore, `audio bytes grow with the panel closed: ${bytesBefore} → ${bytesAfter}`);
    assert.equal(after.connected, true, "the remote <audio> is still in the page");
    assert.equal(after.paused, false, "the remote <audio> is playing");
    assert.equal(after.liveTracks, 1, "the remote <audio> still carries the host's live audio track");
    assert.match(await host.page.locator('contact-me-host [part="call-status"]').innerText(), CONNECTED, "the host is still in the call");

    // Reopened: the call view, with the same media element.
    await pill.click();
    await visible(panel.getByText(CONNECTED));
    await visible(panel.getByRole("button", { name: "Hang up" }));
    assert.equal(
      await page.locator('contact-me audio[part="remote-audio"]').evaluate((a) => a === (globalThis as { remoteAudio?: Element }).remoteAudio),
      true,
      "reopening keeps the media element",
    );

    // Closed again: Hang up beside the pill ends the call on both sides.
    await panel.getByRole("button", { name: "Close" }).click();
    await hidden(panel);
    await visible(pill);
    const hangUp = page.getByRole("button", { name: "Hang up" });
    assert.equal(await hangUp.count(), 1, "one Hang up: the pill's");
    await hangUp.click();
    await visible(host.page.getByText("Call ended"));
    await visible(page.getByRole("button", { name: "Contact me" }));
    await eventually("no call on the visitor side", () => callStats(page, "contact-me"), (s) => s === null);
    assert.equal((await remoteAudio(page)).connected, false, "the call's media element is gone");
    const focused = await page.evaluate(() => document.querySelector("contact-me")?.shadowRoot?.activeElement?.getAttribute("part"));
    assert.equal(focused, "launcher", "focus is on the button after Hang up");

    // Reopened after the call: it ended.
    await page.getByRole("button", { name: "Contact me" }).click();
    await visible(panel.getByText("Call ended"));
  }));
