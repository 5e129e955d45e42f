/// <reference types="node" />
/**
 * Bringing in a teammate: during a video call between a visitor and Ada,
 * Ada rings Grace (another signed-in host); the call becomes a meeting of
 * three. Grace sees and hears both others; the visitor's camera is the same
 * track throughout (never stopped, never asked for again), and Ada's page
 * shows the visitor's video in the meeting before the call's connection
 * closes (make before break); the visitor shares a screen with both; Ada's
 * dashboard in the meeting passes axe and is photographed into
 * `docs/dashboard-meeting.png`. And
 * the room's rules for it, over raw sockets. When the meeting cannot
 * connect, the move is given up and the call goes on.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { assertAccessible } from "../support/axe.ts";
import { eventually, hidden, openHost, openVisitor, setAvailable, uniqueRoom, visible, type Pages } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { stillTiles } from "../support/meeting.ts";
import { REPO_ROOT } from "../support/server.ts";
import { useStack } from "../support/stack.ts";
import { HANDOVER_TIMEOUT_MS } from "../../widget/meeting/handover.ts";

const ADA = `ada-${randomUUID()}`;
const GRACE = `grace-${randomUUID()}`;
const stack = useStack({ vars: { HOSTS: JSON.stringify({ Ada: ADA, Grace: GRACE }) } });

/**
 * Keep every RTCPeerConnection the page makes from now on in
 * `window.__pcs`, to read their statistics.
 */
function recordPeerConnections(page: Page): Promise<void> {
  return page.evaluate(() => {
    const Native = window.RTCPeerConnection;
    const pcs: RTCPeerConnection[] = [];
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = pcs;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        pcs.push(this);
      }
    } as typeof RTCPeerConnection;
  });
}

/** Per open peer connection of the page: inbound audio energy (W3C webrtc-stats `totalAudioEnergy`) and decoded video frames. */
function inbound(page: Page): Promise<{ audioEnergy: number; videoFrames: number }[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState === "connected");
    return Promise.all(
      pcs.map(async (pc) => {
        let audioEnergy = 0;
        let videoFrames = 0;
        (await pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type !== "inbound-rtp") return;
          if (s.kind === "audio") audioEnergy += Number(s.totalAudioEnergy ?? 0);
          if (s.kind === "video") videoFrames += Number(s.framesDecoded ?? 0);
        });
        return { audioEnergy, videoFrames };
      }),
    );
  });
}

/**
 * Watch the call's peer connection on a dashboard (of those
 * {@link recordPeerConnections} keeps, the one connected now: a connection
 * made while an earlier ring lasted may come before it, closed): when it is
 * closed, keep how many video
 * frames the meeting's tile of the visitor had presented by then
 * (`getVideoPlaybackQuality().totalVideoFrames`, read in the same task as
 * `close()`).
 */
function watchHandover(page: Page): Promise<void> {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const connected = pcs.filter((pc) => pc.connectionState === "connected");
    if (connected.length !== 1) throw new Error(`expected the call's one connected peer connection, found ${pcs.map((pc) => pc.connectionState).join(", ")}`);
    const call = connected[0]!;
    const watch: { callClosed?: boolean; meetingFrames?: number } = {};
    (window as unknown as { __watch: typeof watch }).__watch = watch;
    const close = call.close.bind(call);
    call.close = () => {
      if (!watch.callClosed) {
        watch.callClosed = true;
        const meeting = document.querySelector("contact-me-host")?.shadowRoot?.querySelector("contact-me-meeting");
        const video = meeting?.shadowRoot?.querySelector<HTMLVideoElement>('[data-name="Visitor"] video');
        watch.meetingFrames = video?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
      }
      close();
    };
  });
}

/** The id and state of the visitor's camera track: the call's self-view, or the meeting's own tile. */
function visitorCamera(page: Page, where: "call" | "meeting"): Promise<{ id: string; state: string } | null> {
  return page.evaluate((w) => {
    const root = document.querySelector("contact-me")!.shadowRoot!;
    const video =
      w === "call"
        ? root.querySelector("contact-me-panel")?.shadowRoot?.querySelector("contact-me-call")?.shadowRoot?.querySelector<HTMLVideoElement>('video[part="local-video"]')
        : root.querySelector("contact-me-meeting")?.shadowRoot?.querySelector<HTMLVideoElement>('[part~="tile-local"] video');
    const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
    return track ? { id: track.id, state: track.readyState } : null;
  }, where);
}

/** A visitor of `room` video-calls; the host on `hostPage` accepts. Resolves once both show Connected, with the visitor's live camera. */
async function videoCall(pages: Pages, room: string, hostPage: Page) {
  const visitor = await openVisitor(pages, stack.server.origin, room);
  await visible(visitor.panel.getByText("Available", { exact: true }));
  await visitor.panel.getByRole("button", { name: "Video call" }).click();
  await hostPage.getByRole("button", { name: "Accept" }).click();
  await visible(visitor.panel.getByText("Connected", { exact: true }));
  await visible(hostPage.getByText("Connected", { exact: true }));
  const camera = await eventually("the visitor's camera in the call", () => visitorCamera(visitor.page, "call"), (c) => c?.state === "live");
  return { visitor, camera };
}

test("a host rings a teammate into a video call: it becomes a meeting of three, and the visitor's media never stops", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("teammate");
    const ada = await openHost(pages, stack.server.origin, room, ADA);
    const grace = await openHost(pages, stack.server.origin, room, GRACE);
    await recordPeerConnections(ada.page);
    await setAvailable(ada.page, true);
    await visible(ada.page.getByText(/Grace \(away\)/));
    await recordPeerConnections(grace.page);

    const { visitor, camera } = await videoCall(pages, room, ada.page);

    await watchHandover(ada.page);
    await ada.page.getByRole("button", { name: "Ring Grace" }).click();

    // Grace is rung, joins from her dashboard with no form, and gets both others' video and audio.
    await visible(grace.page.getByText(/Ada asks you to join/));
    await grace.page.getByRole("alert").filter({ hasText: "Ada asks you to join" }).getByRole("button", { name: "Join" }).click();
    const media = await eventually(
      "Grace decodes video and hears audio from both others",
      () => inbound(grace.page),
      (pcs) => pcs.length === 2 && pcs.every((p) => p.videoFrames > 0 && p.audioEnergy > 0),
      60_000,
    );
    await eventually(
      "Grace's media from both keeps coming",
      () => inbound(grace.page),
      (pcs) => pcs.length === 2 && pcs.every((p, i) => p.videoFrames > media[i].videoFrames && p.audioEnergy > media[i].audioEnergy),
      20_000,
    );

    // The visitor shares a screen in the meeting: a large tile on both others' pages, gone when it stops.
    await visitor.page.getByRole("button", { name: "Share screen" }).click();
    for (const [who, page] of [["Ada", ada.page], ["Grace", grace.page]] as const) {
      const tile = page.locator('[part="screen-tile"]');
      await visible(tile.getByText("Visitor's screen"));
      await eventually(`${who} decodes the shared screen`, () => tile.locator("video").evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames), (n) => n > 0);
    }
    await visitor.page.getByRole("button", { name: "Stop sharing" }).click();
    await hidden(ada.page.locator('[part="screen-tile"]'));
    await hidden(grace.page.locator('[part="screen-tile"]'));

    // The call moved: both its sides show the meeting, with no call left behind.
    await hidden(visitor.panel);
    await eventually("the visitor's meeting shows Ada and Grace", () => visitor.page.evaluate(() => {
      const meeting = document.querySelector("contact-me")?.shadowRoot?.querySelector("contact-me-meeting");
      return [...(meeting?.shadowRoot?.querySelectorAll<HTMLElement>('[part~="tile"]:not([part~="tile-local"])') ?? [])].map((t) => t.dataset.name).sort();
    }), (names) => JSON.stringify(names) === JSON.stringify(["Ada", "Grace"]));
    await hidden(ada.page.getByText("Call ended"));
    assert.equal(await visitor.page.evaluate(() => (document.querySelector("contact-me") as unknown as { getCallStats(): Promise<unknown> }).getCallStats()), null, "the one-to-one call is over");
    // Ada's dashboard with the call become a meeting of three: axe's WCAG 2.2 AA rules, and its picture.
    await assertAccessible(ada.page, "(dashboard) a call become a meeting of three");
    await ada.page.setViewportSize({ width: 1000, height: 900 });
    await ada.page.locator('[part="meeting-view"]').scrollIntoViewIfNeeded();
    const still = await ada.page.locator('[part="meeting-view"]').evaluate(stillTiles, 5000);
    assert.deepEqual(still, [], "tiles of Ada's meeting showing no new frame");
    await ada.page.screenshot({ path: join(REPO_ROOT, "docs", "dashboard-meeting.png") });

    // The visitor's camera is the very track of the call, still live: it was never stopped nor asked for again.
    assert.deepEqual(await visitorCamera(visitor.page, "meeting"), camera);
    // On Ada's page the meeting showed the visitor's video before the call's connection closed.
    const watch = await eventually(
      "the call's connection closed on Ada's page",
      () => ada.page.evaluate(() => (window as unknown as { __watch: { callClosed?: boolean; meetingFrames?: number } }).__watch),
      (w) => w.callClosed === true,
    );
    assert.ok((watch.meetingFrames ?? 0) > 0, `the meeting had shown ${watch.meetingFrames} frames of the visitor's video when the call's connection closed`);
  }));

test("when the meeting cannot connect, the move is given up and the call goes on with the same media", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("teammate-stuck");
    const ada = await openHost(pages, stack.server.origin, room, ADA);
    await recordPeerConnections(ada.page);
    await setAvailable(ada.page, true);
    const { visitor, camera } = await videoCall(pages, room, ada.page);
    // From now on neither page applies a remote ICE candidate on a new connection: the meeting's pair can never connect.
    for (const page of [ada.page, visitor.page]) {
      await page.evaluate(() => {
        const native = RTCPeerConnection.prototype.addIceCandidate;
        const before = new WeakSet<RTCPeerConnection>((window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []);
        RTCPeerConnection.prototype.addIceCandidate = function (this: RTCPeerConnection, ...args: unknown[]) {
          return before.has(this) || this.connectionState === "connected" ? (native as (...a: unknown[]) => Promise<void>).apply(this, args) : Promise.resolve();
        } as typeof native;
      });
    }

    await ada.page.getByRole("button", { name: "Add someone by link" }).click();
    await visible(ada.page.getByText("Bringing in a teammate…"));
    await visible(visitor.panel.getByText("Bringing in a teammate…"));
    // Given up after HANDOVER_TIMEOUT_MS: both sides say so, and the call is still up.
    for (const page of [ada.page, visitor.panel]) {
      await page.getByText("Could not bring in a teammate; the call goes on").waitFor({ state: "visible", timeout: HANDOVER_TIMEOUT_MS + 15_000 });
    }
    await visible(visitor.panel.getByText("Connected", { exact: true }));
    await visible(ada.page.getByText("Connected", { exact: true }));
    assert.deepEqual(await visitorCamera(visitor.page, "call"), camera, "the visitor's camera is the same track, still live");
    const frames = () => inbound(ada.page).then((pcs) => pcs[0]?.videoFrames ?? 0);
    const before = await frames();
    await eventually("Ada still decodes the visitor's video in the call", frames, (n) => n > before);
    await visible(ada.page.getByRole("button", { name: "Add someone by link" }));
  }));

test("the room: only the call's host can make it a meeting; its two peers get their places, teammates are rung by name", async () => {
  const room = uniqueRoom("teammate-rules");
  const open: RawSocket[] = [];
  const socket = async (url: string | Promise<string>, address?: string) => {
    const s = await RawSocket.open(await url, address ? { address } : undefined);
    open.push(s);
    await s.next("welcome", (f) => f.type === "welcome");
    return s;
  };
  try {
    const ada = await socket(hostSocketUrl(stack.server.origin, room, ADA));
    const grace = await socket(hostSocketUrl(stack.server.origin, room, GRACE));
    const visitor = await socket(roomSocketUrl(stack.server.origin, room), "203.0.113.7");
    ada.send({ type: "available", available: true });
    await visitor.next("presence", (f) => f.type === "presence" && f.available === true);
    visitor.send({ type: "call", media: "video", name: "Lin", capabilities: { webrtc: true, audio: true, video: true } });
    const ringing = await ada.next("the call rings", (f) => f.type === "queue" && (f.calls as unknown[]).length === 1);
    const callId = (ringing.calls as { callId: string }[])[0].callId;
    ada.send({ type: "accept", callId });
    await visitor.next("accepted", (f) => f.type === "accepted");

    const code = (s: RawSocket, what: string) => s.next(what, (f) => f.type === "error").then((f) => f.code);
    const body = { type: "meeting-create", title: "Call with Lin", expiresInS: 3600, callId };
    grace.send(body);
    assert.equal(await code(grace, "Grace may not move Ada's call"), "not_found");
    visitor.send(body);
    assert.equal(await code(visitor, "a visitor may not create a meeting"), "forbidden");

    ada.send(body);
    const forVisitor = await visitor.next("the visitor's invite", (f) => f.type === "meeting-invite");
    const forAda = await ada.next("Ada's invite", (f) => f.type === "meeting-invite");
    assert.equal(forVisitor.callId, callId);
    assert.equal(forAda.callId, callId);
    assert.notEqual(forVisitor.rejoin, forAda.rejoin, "each side has its own place");
    assert.equal(grace.frames.some((f) => f.type === "meeting-invite"), false, "a call's invite goes to its two peers only");

    // The visitor takes its place from a second socket with its key: admitted, no PIN; the room names it as the call did.
    const inMeeting = await socket(roomSocketUrl(stack.server.origin, room), "203.0.113.7");
    inMeeting.send({ type: "meeting-join", token: forVisitor.token, name: "Guest", rejoin: forVisitor.rejoin });
    const roster = await inMeeting.next("the visitor's roster", (f) => f.type === "meeting");
    assert.equal(roster.state, "admitted");
    assert.equal(roster.you, forAda.peer, "Ada's invite names the visitor's place as her peer");
    assert.deepEqual((roster.participants as Frame[]).map((p) => [p.name, p.connected]).sort(), [["Ada", false], ["Lin", true]]);
    // Anyone else with the link waits for a host to admit them.
    const stranger = await socket(roomSocketUrl(stack.server.origin, room), "198.51.100.9");
    stranger.send({ type: "meeting-join", token: forVisitor.token, name: "Mallory" });
    assert.equal((await stranger.next("the stranger's roster", (f) => f.type === "meeting")).state, "waiting");

    // Ada rings Grace by name; a name not signed in is refused.
    ada.send({ type: "meeting-ring", meetingId: forAda.meetingId, to: "Nobody" });
    assert.equal(await code(ada, "ringing nobody"), "not_found");
    ada.send({ type: "meeting-ring", meetingId: forAda.meetingId, to: "Grace" });
    const rung = await grace.next("Grace is rung", (f) => f.type === "meeting-invite");
    assert.deepEqual(
      { from: rung.from, token: rung.token, title: rung.title, callId: rung.callId, rejoin: rung.rejoin },
      { from: "Ada", token: forAda.token, title: "Call with Lin", callId: undefined, rejoin: undefined },
    );

    // The call, moved, ends for both with "moved".
    visitor.send({ type: "hangup", callId, reason: "moved" });
    for (const [who, s] of [["visitor", visitor], ["Ada", ada]] as const) {
      const ended = await s.next(`the call ends for the ${who}`, (f) => f.type === "ended");
      assert.equal(ended.reason, "moved");
    }
  } finally {
    await Promise.all(open.map((s) => s.close()));
  }
});
