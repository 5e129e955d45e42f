/// <reference types="node" />
/**
 * Meetings of 3 and of 5 in real Chromium pages with fake cameras, on the
 * demo site opened from the invite link (`?meeting=<token>`): every guest
 * enters their name and the PIN, and every participant shows video frames
 * from every other one, more and more on each remote tile (see
 * `test/support/meeting.ts`).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { eventually, uniqueRoom, type TestPage } from "../support/browser.ts";
import { assertEveryoneSeesEveryone, createMeeting, joinFromLink, latestMeetings, remoteFrames } from "../support/meeting.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

async function meetingOf(size: number, removeLast = false): Promise<void> {
  await stack.run(async (pages) => {
    const room = uniqueRoom(`mesh-${size}`);
    const { host, token } = await createMeeting(stack.server.origin, room, stack.hostKey, { title: `Meeting of ${size}`, pin: "2580", capacity: size });
    try {
      const names = Array.from({ length: size }, (_, i) => `Guest ${i + 1}`);
      const guests: TestPage[] = [];
      for (const name of names) guests.push(await joinFromLink(pages, stack.server.origin, room, token, name, "2580"));
      // Every page shows frames from every other participant, and they keep coming.
      await assertEveryoneSeesEveryone(names.map((name, i) => ({ name, frames: () => remoteFrames(guests[i]) })));
      const roster = latestMeetings(host);
      assert.equal(roster[0].participants.filter((p) => p.state === "admitted").length, size, "the dashboard lists everyone as in");
      if (removeLast) {
        // The host removes the last guest: it is told so and loses the media; the others' tiles for it go.
        const last = roster[0].participants.find((p) => p.name === names.at(-1))!;
        host.send({ type: "meeting-remove", meetingId: roster[0].id, participantId: last.id });
        await guests.at(-1)!.page.getByText("The host removed you from this meeting.").waitFor({ timeout: 20_000 });
        assert.deepEqual(await remoteFrames(guests.at(-1)!), {}, "no remote media left on the removed guest's page");
        for (const [i, guest] of guests.slice(0, -1).entries()) {
          await eventually(`${names[i]} no longer shows ${last.name}`, () => remoteFrames(guest), (frames) => !(last.name in frames), 20_000);
        }
      }
    } finally {
      await host.close();
    }
  });
}

describe("a meeting from an invite link", () => {
  test("three people: each receives the other two's video; a guest the host removes loses the media", () => meetingOf(3, true));
  test("five people: each receives the other four's video", () => meetingOf(5));
});
