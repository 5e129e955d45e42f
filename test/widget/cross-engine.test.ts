/// <reference types="node" />
/**
 * Calls between browser engines: a visitor in Firefox calling a host in
 * Chromium, and a visitor in Chromium calling a host in Firefox, by audio and
 * by video, through the demo pages and the real room. Media is checked on
 * both sides: inbound audio RTP growing, and for video the remote `<video>`
 * decoding frames and playing on. And a meeting of three from an invite
 * link, one guest in Firefox and two in Chromium, each showing the other
 * two's video.
 *
 * Like the rest of `test/widget/`, run once per `npm test`, under `partykit
 * dev`: the room only relays signaling, the same frames on either runtime.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { eventually, uniqueRoom, type Stats } from "../support/browser.ts";
import { launchEngine, type Engine, type EngineBrowser, type EnginePage } from "../support/engines.ts";
import { REMOTE_TILE_FRAMES, assertEveryoneSeesEveryone, createMeeting, latestMeetings } from "../support/meeting.ts";
import { runtimeName, startServer, type TestServer } from "../support/server.ts";

const CONNECTED = /\bConnected\b/;
/** How long media is watched to see it keep flowing. */
const WATCH_MS = 1_500;

const hostKey = randomUUID();
let server: TestServer | undefined;
const browsers: Partial<Record<Engine, EngineBrowser>> = {};

before(async () => {
  server = await startServer({ vars: { HOST_KEY: hostKey, ICE_SERVERS: "[]" } });
  const [chromium, firefox] = await Promise.allSettled([launchEngine("chromium"), launchEngine("firefox")]);
  if (chromium.status === "fulfilled") browsers.chromium = chromium.value;
  if (firefox.status === "fulfilled") browsers.firefox = firefox.value;
  for (const launched of [chromium, firefox]) if (launched.status === "rejected") throw launched.reason;
});
after(async () => {
  await Promise.all(Object.values(browsers).map((b) => b.close().catch(() => {})));
  await server?.stop();
});

/** Packets, bytes and (video) frames decoded on the inbound RTP streams of `kind`, summed. */
function inbound(stats: Stats[] | null, kind: "audio" | "video"): { packets: number; bytes: number; frames: number } {
  const rtp = (stats ?? []).filter((s) => s.type === "inbound-rtp" && s.kind === kind);
  const sum = (field: string) => rtp.reduce((n, s) => n + (typeof s[field] === "number" ? (s[field] as number) : 0), 0);
  return { packets: sum("packetsReceived"), bytes: sum("bytesReceived"), frames: sum("framesDecoded") };
}

/** One side of a call: its page and the element that holds the call. */
interface Side {
  name: string;
  page: EnginePage;
  element: "contact-me" | "contact-me-host";
}

/** Check that `media` keeps arriving on `side`: audio RTP, and for video the remote `<video>` playing. */
async function assertMediaFlows(side: Side, media: "audio" | "video"): Promise<void> {
  const { name, page, element } = side;
  const who = `${name} (${page.engine})`;
  const stats1 = await eventually(`inbound audio packets on the ${who} side`, () => page.callStats(element), (s) => inbound(s, "audio").packets > 0);
  const video1 =
    media === "video"
      ? await eventually(`frames of the remote video on the ${who} side`, () => page.remoteVideo(element), (v) => (v?.videoWidth ?? 0) > 0)
      : null;
  await sleep(WATCH_MS);
  const stats2 = await page.callStats(element);
  const [a1, a2] = [inbound(stats1, "audio"), inbound(stats2, "audio")];
  assert.ok(a2.packets > a1.packets && a2.bytes > a1.bytes, `audio keeps arriving on the ${who} side: ${JSON.stringify(a1)} → ${JSON.stringify(a2)}`);

  if (media === "audio") {
    assert.deepEqual(inbound(stats2, "video"), { packets: 0, bytes: 0, frames: 0 }, `no inbound video RTP on the ${who} side of an audio call`);
    const tracks = await page.remoteVideoTracks();
    assert.ok(tracks.every((n) => n === 0), `the ${who}'s remote media elements carry no video track: ${JSON.stringify(tracks)}`);
    return;
  }
  const video2 = await page.remoteVideo(element);
  assert.ok(video1 && video2, `the ${who} side shows a remote video`);
  assert.ok(video2.currentTime > video1.currentTime, `the ${who}'s remote video plays on: ${video1.currentTime} s → ${video2.currentTime} s`);
  // Firefox counts no frames in getVideoPlaybackQuality() for a MediaStream; the decoder's count is in both engines' stats.
  const [v1, v2] = [inbound(stats1, "video"), inbound(stats2, "video")];
  assert.ok(v2.bytes > v1.bytes && v2.frames > v1.frames, `video keeps arriving and decoding on the ${who} side: ${JSON.stringify(v1)} → ${JSON.stringify(v2)}`);
}

/** Opens pages in either engine for one test, and closes them all at its end. */
type Open = (engine: Engine, url: string) => Promise<EnginePage>;

/**
 * Run `fn` with an {@link Open} whose pages are closed afterwards; a failure
 * carries every page's diagnostics and the tail of the server's log.
 */
async function withEnginePages(fn: (open: Open) => Promise<void>): Promise<void> {
  const pages: EnginePage[] = [];
  const open: Open = async (engine, url) => {
    const browser = browsers[engine];
    if (!browser) throw new Error(`${engine} is not running`);
    const page = await browser.open(url);
    pages.push(page);
    return page;
  };
  try {
    await fn(open);
  } catch (err) {
    if (err instanceof Error) {
      const reports = await Promise.all(pages.map((p) => p.diagnostics()));
      const extra = `\n--- pages ---\n${reports.join("\n\n")}\n--- server: ${runtimeName()} (tail) ---\n${server!.logs().slice(-4000)}`;
      err.message += extra;
      if (err.stack) err.stack += extra;
    }
    throw err;
  } finally {
    await Promise.all(pages.map((p) => p.close()));
  }
}

/**
 * A visitor in `visitorEngine` calls a host in `hostEngine` (`media` call);
 * media flows both ways; the visitor hangs up and both sides see the end.
 */
function call(visitorEngine: Engine, hostEngine: Engine, media: "audio" | "video"): Promise<void> {
  const origin = server!.origin;
  const room = uniqueRoom(`x-${visitorEngine}-${hostEngine}-${media}`);
  return withEnginePages(async (open) => {
    const host = await open(hostEngine, `${origin}/host.html?room=${encodeURIComponent(room)}`);
    await host.fill("Host key", hostKey);
    await host.click("Sign in");
    await host.click("Available");
    await eventually("the host's Available switch on", () => host.checked("Available"), (on) => on === true);

    const visitor = await open(visitorEngine, `${origin}/?room=${encodeURIComponent(room)}`);
    await visitor.click("Contact me");
    await visitor.waitForText(/\bAvailable\b/);
    await visitor.click(media === "video" ? "Video call" : "Audio call");
    await visitor.waitForText(/Calling…/);
    await host.click("Accept");
    await Promise.all([visitor.waitForText(CONNECTED), host.waitForText(CONNECTED)]);

    await Promise.all([
      assertMediaFlows({ name: "visitor", page: visitor, element: "contact-me" }, media),
      assertMediaFlows({ name: "host", page: host, element: "contact-me-host" }, media),
    ]);

    await visitor.click("Hang up");
    await visitor.waitForText(/Call ended/);
    await eventually("the host out of the call", () => host.shown(), (shown) => !/Hang up/.test(shown));
  });
}

/** The PIN of the meeting test's meeting. */
const MEETING_PIN = "2580";

/**
 * A meeting of three from one invite link: `guests` (name and engine, in the
 * order they join) enter their name and the PIN on the demo site; every one
 * shows video frames from each of the other two, more and more; the dashboard
 * lists all three as in. Then the first Firefox guest leaves and the others'
 * tiles for it go.
 *
 * Which end of a pair is the polite peer follows the participants' ids, which
 * the room draws at random: the test's diagnostics say which role Firefox
 * took towards each other participant.
 */
function meeting(t: TestContext, guests: { name: string; engine: Engine }[]): Promise<void> {
  const origin = server!.origin;
  const room = uniqueRoom("x-meeting");
  return withEnginePages(async (open) => {
    const { host, token } = await createMeeting(origin, room, hostKey, { title: "Across engines", pin: MEETING_PIN, capacity: guests.length });
    try {
      const pages: EnginePage[] = [];
      for (const { name, engine } of guests) {
        const page = await open(engine, `${origin}/?room=${encodeURIComponent(room)}&meeting=${token}`);
        await page.fill("Your name", name);
        await page.fill("PIN", MEETING_PIN);
        await page.click("Join");
        pages.push(page);
      }
      const frames = (page: EnginePage) => async () => JSON.parse((await page.evaluate(REMOTE_TILE_FRAMES)) as string) as Record<string, number>;
      await assertEveryoneSeesEveryone(guests.map(({ name }, i) => ({ name, frames: frames(pages[i]) })));

      const listedNow = latestMeetings(host)[0]?.participants ?? [];
      assert.deepEqual(
        listedNow.filter((p) => p.state === "admitted").map((p) => p.name).sort(),
        guests.map((g) => g.name).sort(),
        "the dashboard lists every guest as in",
      );
      const id = (name: string) => listedNow.find((p) => p.name === name)!.id;
      for (const fox of guests.filter((g) => g.engine === "firefox")) {
        for (const other of guests.filter((g) => g.engine !== "firefox")) {
          t.diagnostic(`${fox.name} was the ${id(fox.name) < id(other.name) ? "polite" : "impolite"} peer towards ${other.name}`);
        }
      }

      const leaving = guests.findIndex((g) => g.engine === "firefox");
      await pages[leaving].click("Leave");
      await pages[leaving].waitForText(/You left the meeting\./);
      for (const [i, page] of pages.entries()) {
        if (i === leaving) continue;
        await eventually(`${guests[i].name} no longer showing ${guests[leaving].name}`, frames(page), (shown) => !(guests[leaving].name in shown));
      }
    } finally {
      await host.close();
    }
  });
}

/** Bound on one call test (8–20 s each here, on a loaded machine too). */
const CALL_TIMEOUT_MS = 90_000;

for (const media of ["audio", "video"] as const) {
  const options = { timeout: CALL_TIMEOUT_MS };
  test(`${media} call: a Firefox visitor calls a Chromium host`, options, () => call("firefox", "chromium", media));
  test(`${media} call: a Chromium visitor calls a Firefox host`, options, () => call("chromium", "firefox", media));
}

/** Bound on the meeting test (three pages, two engines). */
const MEETING_TIMEOUT_MS = 180_000;

test(
  "meeting of three: a Firefox guest and two Chromium guests each receive the other two's video",
  { timeout: MEETING_TIMEOUT_MS },
  (t) =>
    meeting(t, [
      { name: "Ada", engine: "chromium" },
      { name: "Fox", engine: "firefox" },
      { name: "Cy", engine: "chromium" },
    ]),
);
