/// <reference types="node" />
/**
 * While a call rings, the dashboard starts its camera and microphone (the
 * browser already allows them), so Accept does not wait for them; once
 * nothing rings there any more — the visitor hung up, or the host declined —
 * every track it started is stopped: no camera stays on for a call that
 * was not taken. With them it makes the call's offer while it rings: Accept
 * sends it in `accept`, the visitor gets it in `accepted`, and the call
 * connects on that one peer connection; a declined call closes it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { eventually, openHost, openVisitor, setAvailable, signIn, uniqueRoom, visible, type Pages } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

/** Keeps every stream `getUserMedia` returns in `window.__streams`. A string: tsx would wrap a function. */
const RECORD_MEDIA = `(() => {
  const streams = (window.__streams = []);
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await gum(constraints);
    streams.push(stream);
    return stream;
  };
})()`;

/** Keeps every RTCPeerConnection the page makes in `window.__pcs`. */
const RECORD_PEER_CONNECTIONS = `(() => {
  const pcs = (window.__pcs = []);
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      pcs.push(this);
    }
  };
})()`;

/**
 * {@link RECORD_PEER_CONNECTIONS}, and the first peer connection's first
 * `setLocalDescription` (the offer made while a call rings) held until the
 * page calls `window.__releaseOffer()`: a machine slow to make it.
 */
const HOLD_FIRST_OFFER = `${RECORD_PEER_CONNECTIONS};(() => {
  const native = RTCPeerConnection.prototype.setLocalDescription;
  let held = false;
  const released = new Promise((resolve) => (window.__releaseOffer = resolve));
  RTCPeerConnection.prototype.setLocalDescription = async function (...args) {
    if (!held) {
      held = true;
      await released;
    }
    return native.apply(this, args);
  };
})()`;

/** Each RTCPeerConnection the page made: its signaling, ICE gathering and connection states. */
function peerConnections(page: Page): Promise<string[]> {
  return page.evaluate("window.__pcs.map((pc) => [pc.signalingState, pc.iceGatheringState, pc.connectionState].join(' '))") as Promise<string[]>;
}

/** The first frame in `frames` (as `collectFrames` records them) sent (`>`) or received (`<`) whose JSON has `type`. */
function frame(frames: string[], direction: ">" | "<", type: string): string | undefined {
  return frames.find((f) => f.includes(` ${direction} {"type":"${type}"`));
}

/** An available dashboard with `init` run before its scripts, and a visitor with the panel open, in a new room. */
async function hostWith(pages: Pages, prefix: string, init: string) {
  const room = uniqueRoom(prefix);
  const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
  await host.page.addInitScript(init);
  await host.page.reload();
  const key = host.page.getByRole("textbox", { name: "Host key" });
  if (await key.isVisible({ timeout: 2_000 }).catch(() => false)) await signIn(host.page, stack.hostKey);
  await setAvailable(host.page, true);
  const visitor = await openVisitor(pages, stack.server.origin, room);
  await visible(visitor.panel.getByText("Available", { exact: true }));
  return { host, visitor };
}

/** The `readyState` of every track the page's `getUserMedia` gave, by kind. */
function tracks(page: Page): Promise<string[]> {
  return page.evaluate("window.__streams.flatMap((s) => s.getTracks().map((t) => t.kind + ':' + t.readyState))") as Promise<string[]>;
}

test("the dashboard's camera and microphone start while a call rings and stop when it stops ringing (hung up, declined)", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await hostWith(pages, "warm", RECORD_MEDIA);

    const live = (states: string[]) => states.includes("audio:live") && states.includes("video:live");
    const allEnded = (states: string[]) => states.length > 0 && states.every((s) => s.endsWith(":ended"));

    // The visitor hangs up while it rings.
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await visible(host.page.getByRole("button", { name: "Accept" }));
    await eventually("the host's camera and microphone started while ringing", () => tracks(host.page), live);
    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
    await eventually("every track the host started stopped once the call stopped ringing", () => tracks(host.page), allEnded);

    // The host declines.
    const done = visitor.panel.getByRole("button", { name: "Done", exact: true });
    if (await done.isVisible()) await done.click();
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await eventually("the host's camera and microphone started while ringing again", () => tracks(host.page), live);
    await host.page.getByRole("button", { name: "Decline" }).click();
    await visible(visitor.panel.getByText("Declined"));
    await eventually("every track the host started stopped once declined", () => tracks(host.page), allEnded);
  }));

test("the dashboard makes the offer while a call rings: accept carries it, accepted hands it to the visitor, the call connects on it; declined, it is closed", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await hostWith(pages, "warm-offer", RECORD_PEER_CONNECTIONS);

    // Ringing: one peer connection, its offer made and its candidates gathered, nothing sent yet.
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await visible(host.page.getByRole("button", { name: "Accept" }));
    await eventually("the host's offer made while it rings", () => peerConnections(host.page), (pcs) => pcs.length === 1 && pcs[0] === "have-local-offer complete new");
    assert.equal(frame(host.frames, ">", "signal"), undefined, "no signal leaves the dashboard before Accept");

    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText("Connected", { exact: true }));
    await visible(host.page.getByText("Connected", { exact: true }));
    assert.match(frame(host.frames, ">", "accept") ?? "(no accept sent)", /"description":\{"type":"offer","sdp":"v=0/, "accept carries the offer");
    assert.match(frame(visitor.frames, "<", "accepted") ?? "(no accepted received)", /"description":\{"type":"offer","sdp":"v=0/, "the visitor's accepted carries it");
    assert.deepEqual(await peerConnections(host.page), ["stable complete connected"], "the call connected on the peer connection made while it rang");
    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
    await visible(visitor.panel.getByText("Call ended"));

    // Declined: the peer connection made while it rang is closed.
    await visitor.panel.getByRole("button", { name: "Done", exact: true }).click();
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await eventually("a second offer made while it rings", () => peerConnections(host.page), (pcs) => pcs.length === 2 && pcs[1] === "have-local-offer complete new");
    await host.page.getByRole("button", { name: "Decline" }).click();
    await visible(visitor.panel.getByText("Declined"));
    await eventually("the declined call's peer connection closed", () => peerConnections(host.page), (pcs) => pcs[1]?.startsWith("closed") === true);
  }));

test("Accept clicked while the ringing offer is still being made waits for it: accept carries it, and no second peer connection is made", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await hostWith(pages, "warm-slow-offer", HOLD_FIRST_OFFER);

    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await visible(host.page.getByRole("button", { name: "Accept" }));
    await eventually("the ringing peer connection made, its offer held", () => peerConnections(host.page), (pcs) => pcs.length === 1 && pcs[0]!.startsWith("stable"));
    await host.page.getByRole("button", { name: "Accept" }).click();
    await host.page.evaluate("window.__releaseOffer()");

    await visible(visitor.panel.getByText("Connected", { exact: true }));
    await visible(host.page.getByText("Connected", { exact: true }));
    assert.match(frame(host.frames, ">", "accept") ?? "(no accept sent)", /"description":\{"type":"offer","sdp":"v=0/, "accept carries the offer made while it rang");
    assert.deepEqual(await peerConnections(host.page), ["stable complete connected"], "the call connected on the one peer connection made while it rang");
  }));
