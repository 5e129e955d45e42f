/// <reference types="node" />
/** An audio call carries audio both ways and no video. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { callStats, eventually, visible, type Stats } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const CONNECTED = /\bConnected\b/;
const stack = useStack();

/** Bytes received on the inbound audio RTP streams, summed. */
function audioBytes(stats: Stats[] | null): number {
  return (stats ?? [])
    .filter((s) => s.type === "inbound-rtp" && s.kind === "audio")
    .reduce((sum, s) => sum + (typeof s.bytesReceived === "number" ? s.bytesReceived : 0), 0);
}

/** Video tracks on the remote media elements inside `selector`'s shadow tree(s). */
function remoteVideoTracks(page: Page, selector: string): Promise<number[]> {
  return page.evaluate((sel) => {
    // A loop, not a named inner function: tsx would wrap that in a `__name` helper the page lacks.
    const found: HTMLMediaElement[] = [];
    const roots: ShadowRoot[] = [];
    const host = document.querySelector(sel);
    if (host?.shadowRoot) roots.push(host.shadowRoot);
    for (let root = roots.pop(); root; root = roots.pop()) {
      root.querySelectorAll<HTMLMediaElement>('[part="remote-video"], [part="remote-audio"]').forEach((m) => found.push(m));
      root.querySelectorAll("*").forEach((el) => el.shadowRoot && roots.push(el.shadowRoot));
    }
    return found.map((m) => (m.srcObject instanceof MediaStream ? m.srcObject.getVideoTracks().length : 0));
  }, selector);
}

test("audio call: audio flows to the visitor, no video anywhere", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "audio");

    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await visible(visitor.panel.getByText("Calling…"));
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText(CONNECTED));
    await visible(host.page.getByText(CONNECTED));

    const first = await eventually("inbound audio bytes on the visitor side", () => callStats(visitor.page, "contact-me"), (s) => audioBytes(s) > 0);
    await visitor.page.waitForTimeout(1_500);
    const second = await callStats(visitor.page, "contact-me");
    assert.ok(audioBytes(second) > audioBytes(first), `audio bytes grow: ${audioBytes(first)} → ${audioBytes(second)}`);

    for (const [side, stats] of [["visitor", second], ["host", await callStats(host.page, "contact-me-host")]] as const) {
      const video = (stats ?? []).filter((s) => ["inbound-rtp", "outbound-rtp", "track"].includes(s.type) && s.kind === "video");
      assert.deepEqual(video, [], `no video RTP on the ${side} side of an audio call`);
    }
    for (const [side, page, selector] of [["visitor", visitor.page, "contact-me"], ["host", host.page, "contact-me-host"]] as const) {
      const tracks = await remoteVideoTracks(page, selector);
      assert.ok(tracks.every((n) => n === 0), `the ${side}'s remote media elements carry no video track: ${JSON.stringify(tracks)}`);
    }

    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
    await visible(visitor.panel.getByText("Call ended"));
  }));
