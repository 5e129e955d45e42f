/// <reference types="node" />
/**
 * A meeting of 3 in real Chromium pages with fake cameras, where one guest's
 * signaling socket drops mid-meeting: the page closes its own WebSocket to the
 * room (the room sees the close, as for a lost network), the widget's
 * PartySocket opens a new one, and the `welcome` makes it send `meeting-join`
 * with its rejoin key. Within `RESUME_GRACE_S` it takes its place again — the
 * same participant — and past the grace every participant still decodes
 * video from every other. The peer connections are peer-to-peer, so the
 * media never depended on the socket; what is checked is that nobody loses
 * anybody over it.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { RESUME_GRACE_S } from "../../protocol/socket.ts";
import { eventually, uniqueRoom, type TestPage } from "../support/browser.ts";
import { assertEveryoneSeesEveryone, createMeeting, joinFromLink, latestMeetings, remoteFrames, type ListedMeeting } from "../support/meeting.ts";
import type { RawSocket } from "../support/raw-socket.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

/** Every page (`guests[i]` joined as `names[i]`) shows every other one's video, more and more. */
const everyoneSeesEveryone = (guests: TestPage[], names: string[]) => assertEveryoneSeesEveryone(names.map((name, i) => ({ name, frames: () => remoteFrames(guests[i]) })));

/** The meeting `id` in each of the host's `meetings` frames so far, in order. */
const listsOf = (host: RawSocket, id: string): ListedMeeting[] =>
  host.frames
    .filter((f) => f.type === "meetings")
    .map((f) => (f.meetings as ListedMeeting[]).find((m) => m.id === id))
    .filter((m) => m !== undefined);

declare global {
  interface Window {
    /** Every WebSocket the page opened to the room, in order. */
    __roomSockets?: WebSocket[];
    /** While set, the page cannot reach the room (see `recordRoomSockets`). */
    __roomUnreachable?: boolean;
    /** Set once a watched remote tile was missing from the meeting's grid. */
    __tileGone?: string;
  }
}

/**
 * Init script: keep every WebSocket the page opens to a room, so the test can
 * drop it; while `__roomUnreachable` is set, sockets to the room go to a closed
 * port instead (refused at once, as when the network is down).
 */
const recordRoomSockets = `
  (() => {
    const Native = window.WebSocket;
    window.__roomSockets = [];
    window.WebSocket = class extends Native {
      constructor(url, protocols) {
        const room = String(url).includes("/parties/");
        super(room && window.__roomUnreachable ? "ws://127.0.0.1:9/" : url, protocols);
        if (room) window.__roomSockets.push(this);
      }
    };
  })();
`;

/** Close every open socket the page has to the room; how many it closed. */
function dropRoomSockets(guest: TestPage): Promise<number> {
  return guest.page.evaluate(() => {
    const open = (window.__roomSockets ?? []).filter((ws) => ws.readyState === WebSocket.OPEN);
    for (const ws of open) ws.close(4000, "network lost");
    return open.length;
  });
}

/** Watch, every 50 ms from now on, that the page's grid keeps a tile for `participantId`. */
function watchTile(guest: TestPage, participantId: string): Promise<void> {
  return guest.page.evaluate((id) => {
    setInterval(() => {
      const meeting = document.querySelector("contact-me")?.shadowRoot?.querySelector("contact-me-meeting");
      if (!meeting?.shadowRoot?.querySelector(`[part~="tile"][data-participant="${id}"]`)) window.__tileGone ??= new Date().toISOString();
    }, 50);
  }, participantId);
}

describe("a dropped guest in a meeting", () => {
  test("three people: a guest's socket drops, it takes its place again with its rejoin key, and everyone keeps everyone's video", async () => {
    await stack.run(async (pages) => {
      const room = uniqueRoom("mesh-rejoin");
      const { host, token } = await createMeeting(stack.server.origin, room, stack.hostKey, { title: "Meeting with a drop", pin: "1357", capacity: 3 });
      try {
        const meetingId = latestMeetings(host).find((m) => m.token === token)!.id;
        const names = ["Guest 1", "Guest 2", "Guest 3"];
        const guests: TestPage[] = [];
        for (const name of names) guests.push(await joinFromLink(pages, stack.server.origin, room, token, name, "1357", { init: recordRoomSockets }));
        await everyoneSeesEveryone(guests, names);

        const rosters = () => listsOf(host, meetingId);
        const inFull = rosters().findIndex((m) => m.participants.filter((p) => p.state === "admitted").length === 3);
        assert.ok(inFull >= 0, "the dashboard lists all three as in");
        const dropped = rosters()[inFull].participants.find((p) => p.name === "Guest 3")!;
        for (const guest of guests.slice(0, 2)) await watchTile(guest, dropped.id);

        // Guest 3's socket to the room drops; the room keeps its place, marked as not connected.
        const droppedAt = Date.now();
        assert.equal(await dropRoomSockets(guests[2]), 1, "Guest 3's page had one socket to the room open");
        await eventually(
          "the dashboard to show Guest 3 reconnecting",
          async () => rosters().at(-1)!.participants.find((p) => p.id === dropped.id),
          (p) => p?.connected === false,
          10_000,
        );
        // Its page opens a new socket and takes the same place again, within the grace.
        await eventually(
          "the dashboard to show Guest 3 connected again",
          async () => rosters().at(-1)!.participants.find((p) => p.id === dropped.id),
          (p) => p?.connected === true && p.state === "admitted",
          RESUME_GRACE_S * 1000,
        );
        const backAfter = Date.now() - droppedAt;
        assert.ok(backAfter < RESUME_GRACE_S * 1000, `back within the grace (${backAfter} ms)`);
        const sockets = await guests[2].page.evaluate(() => window.__roomSockets!.map((ws) => ws.readyState));
        // `WebSocket.readyState`: 3 closed, 1 open. On a busy machine the room may also close a socket
        // that missed its heartbeat (and the page open another): any number of closed, then one open.
        assert.ok(sockets.length >= 2 && sockets.at(-1) === 1 && sockets.slice(0, -1).every((s) => s === 3), `Guest 3 came back over a new socket: ${JSON.stringify(sockets)}`);

        // Wait until the grace of the drop has run out (the room's alarm for it has fired), then check
        // that the media still flows both ways, and that nobody ever lost Guest 3 meanwhile.
        await sleep(Math.max(0, droppedAt + RESUME_GRACE_S * 1000 + 3_000 - Date.now()));
        await everyoneSeesEveryone(guests, names);
        const since = rosters().slice(inFull);
        for (const [i, m] of since.entries()) {
          assert.deepEqual(
            m.participants.map((p) => p.id).sort(),
            rosters()[inFull].participants.map((p) => p.id).sort(),
            `dashboard list ${i}: the same three participants (no one left, no one new)`,
          );
        }
        assert.ok(since.some((m) => m.participants.some((p) => p.id === dropped.id && !p.connected)), "the room saw the socket drop");
        assert.equal(since.at(-1)!.participants.find((p) => p.id === dropped.id)?.connected, true, "and Guest 3 is connected at the end");
        for (const [i, guest] of guests.slice(0, 2).entries()) {
          assert.equal(await guest.page.evaluate(() => window.__tileGone), undefined, `${names[i]}'s grid kept Guest 3's tile throughout`);
        }
      } finally {
        await host.close();
      }
    });
  });

  test("three people: a guest away longer than the grace comes back as a new participant, and everyone gets its video again", async () => {
    await stack.run(async (pages) => {
      const room = uniqueRoom("mesh-away");
      const { host, token } = await createMeeting(stack.server.origin, room, stack.hostKey, { title: "Meeting with a long drop", pin: "8642", capacity: 3 });
      try {
        const meetingId = latestMeetings(host).find((m) => m.token === token)!.id;
        const names = ["Guest 1", "Guest 2", "Guest 3"];
        const guests: TestPage[] = [];
        for (const name of names) guests.push(await joinFromLink(pages, stack.server.origin, room, token, name, "8642", { init: recordRoomSockets }));
        await everyoneSeesEveryone(guests, names);
        const latest = () => listsOf(host, meetingId).at(-1)!;
        const before = latest().participants.find((p) => p.name === "Guest 3")!;

        // Guest 3's page loses the room for longer than the grace: the room lets its place go.
        await guests[2].page.evaluate(() => (window.__roomUnreachable = true));
        assert.equal(await dropRoomSockets(guests[2]), 1, "Guest 3's page had one socket to the room open");
        await eventually("the room to let Guest 3's place go", async () => latest().participants.map((p) => p.name), (n) => !n.includes("Guest 3"), RESUME_GRACE_S * 1000 + 15_000);
        for (const [i, guest] of guests.slice(0, 2).entries()) {
          await eventually(`${names[i]} no longer shows Guest 3`, () => remoteFrames(guest), (frames) => !("Guest 3" in frames), 20_000);
        }

        // The network is back: Guest 3's page joins again (its PIN still right), as a new participant.
        await guests[2].page.evaluate(() => (window.__roomUnreachable = false));
        const after = await eventually(
          "Guest 3 in the meeting again",
          async () => latest().participants.find((p) => p.name === "Guest 3"),
          (p) => p?.state === "admitted" && p.connected,
          30_000,
        );
        assert.notEqual(after!.id, before.id, "a new participant: the old place was gone");
        assert.equal(latest().participants.length, 3, "three participants again, none twice");
        await everyoneSeesEveryone(guests, names);
      } finally {
        await host.close();
      }
    });
  });
});
