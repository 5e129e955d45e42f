/// <reference types="node" />
/**
 * Meetings of 3 and of 5 in real Chromium pages with fake cameras, on the
 * demo site opened from the invite link (`?meeting=<token>`): every guest
 * enters their name and the PIN, and every participant decodes video frames
 * from every other one (`getVideoPlaybackQuality().totalVideoFrames` growing
 * on each remote tile).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { eventually, uniqueRoom, type TestPage } from "../support/browser.ts";
import { RawSocket, hostSocketUrl } from "../support/raw-socket.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

/** Decoded frames of each remote tile of a page's meeting, by participant name. */
function remoteFrames(visitor: TestPage): Promise<Record<string, number>> {
  return visitor.page.evaluate(() => {
    const meeting = document.querySelector("contact-me")?.shadowRoot?.querySelector("contact-me-meeting");
    const out: Record<string, number> = {};
    for (const tile of meeting?.shadowRoot?.querySelectorAll('[part~="tile"]:not([part~="tile-local"])') ?? []) {
      const video = tile.querySelector("video")!;
      const name = (tile as HTMLElement).dataset.name ?? "?";
      out[name] = video.getVideoPlaybackQuality().totalVideoFrames;
    }
    return out;
  });
}

async function meetingOf(size: number, removeLast = false): Promise<void> {
  await stack.run(async (pages) => {
    const room = uniqueRoom(`mesh-${size}`);
    const host = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, stack.hostKey));
    try {
      host.send({ type: "meeting-create", title: `Meeting of ${size}`, pin: "2580", expiresInS: 3600, capacity: size });
      const list = await host.next("the meeting", (f) => f.type === "meetings" && (f.meetings as unknown[]).length === 1);
      const token = (list.meetings as { token: string }[])[0].token;
      const names = Array.from({ length: size }, (_, i) => `Guest ${i + 1}`);
      const guests: TestPage[] = [];
      for (const name of names) {
        const guest = await pages.open(`${stack.server.origin}/?room=${encodeURIComponent(room)}&meeting=${token}`);
        await guest.page.getByRole("textbox", { name: "Your name" }).fill(name, { timeout: 90_000 });
        await guest.page.getByRole("textbox", { name: "PIN" }).fill("2580");
        await guest.page.getByRole("button", { name: "Join" }).click();
        guests.push(guest);
      }
      // Every page decodes frames from every other participant, and they keep coming.
      const first: Record<string, number>[] = [];
      for (const [i, guest] of guests.entries()) {
        const others = names.filter((_, j) => j !== i);
        first[i] = await eventually(
          `${names[i]} decodes video from ${others.join(", ")}`,
          () => remoteFrames(guest),
          (frames) => others.every((n) => (frames[n] ?? 0) > 0),
          60_000,
        );
      }
      for (const [i, guest] of guests.entries()) {
        await eventually(
          `${names[i]}'s remote videos keep playing`,
          () => remoteFrames(guest),
          (frames) => Object.keys(first[i]).every((n) => frames[n] > first[i][n]),
          20_000,
        );
      }
      const roster = host.frames.filter((f) => f.type === "meetings").at(-1)!.meetings as { id: string; participants: { id: string; name: string; state: string }[] }[];
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
