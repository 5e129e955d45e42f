/// <reference types="node" />
/**
 * Meetings for the end-to-end tests: a host creating one over a raw socket,
 * what a participant's page shows of the others' video (per remote tile), and
 * the check that every participant receives every other one's frames. The
 * in-page part is plain JavaScript source, so Playwright's `page.evaluate` and
 * {@link EnginePage.evaluate} (Chromium or Firefox) run it alike.
 * @module
 */
import { eventually, type PageOptions, type Pages, type TestPage } from "./browser.ts";
import { RawSocket, hostSocketUrl } from "./raw-socket.ts";

/** A participant as the host's dashboard lists it (the `meetings` frame). */
export interface ListedParticipant {
  id: string;
  name: string;
  state: string;
  connected: boolean;
}

/** A meeting as the host's dashboard lists it (the `meetings` frame). */
export interface ListedMeeting {
  id: string;
  token: string;
  title: string;
  participants: ListedParticipant[];
}

/** A meeting just created, and the signed-in host socket that created it (the caller closes it). */
export interface CreatedMeeting {
  host: RawSocket;
  token: string;
}

/**
 * Sign in as the host of `room` over a raw socket and create a meeting
 * (`meeting-create`, open for an hour); resolves with its invite token once
 * the dashboard's `meetings` list has it.
 */
export async function createMeeting(
  origin: string,
  room: string,
  hostKey: string,
  meeting: { title: string; pin?: string; capacity?: number },
): Promise<CreatedMeeting> {
  const host = await RawSocket.open(await hostSocketUrl(origin, room, hostKey));
  try {
    host.send({ type: "meeting-create", expiresInS: 3600, ...meeting });
    const list = await host.next("the new meeting in the host's list", (f) => f.type === "meetings" && listed(f.meetings).some((m) => m.title === meeting.title));
    return { host, token: listed(list.meetings).find((m) => m.title === meeting.title)!.token };
  } catch (err) {
    await host.close();
    throw err;
  }
}

/** The host's latest list of meetings (from its last `meetings` frame); empty before any. */
export function latestMeetings(host: RawSocket): ListedMeeting[] {
  return listed(host.frames.filter((f) => f.type === "meetings").at(-1)?.meetings);
}

function listed(meetings: unknown): ListedMeeting[] {
  return Array.isArray(meetings) ? (meetings as ListedMeeting[]) : [];
}

/**
 * In-page JavaScript (a promise of a JSON string): video frames each remote
 * tile of the page's `<contact-me-meeting>` (inside `<contact-me>`) has got,
 * by participant name (the tile's `data-name`).
 *
 * The count is the larger of two counters that only grow:
 * `getVideoPlaybackQuality().totalVideoFrames` (W3C Media Playback Quality),
 * which Chromium keeps for a MediaStream and Firefox leaves at 0 there; and
 * the frames presented since the tile's first read, counted with
 * `requestVideoFrameCallback` (WICG video-rvfc), which both engines report.
 * So it means the same in a Chromium test as before, and something in
 * Firefox.
 */
export const REMOTE_TILE_FRAMES = `(async () => {
  const meeting = document.querySelector("contact-me")?.shadowRoot?.querySelector("contact-me-meeting");
  const out = {};
  for (const tile of meeting?.shadowRoot?.querySelectorAll('[part~="tile"]:not([part~="tile-local"])') ?? []) {
    const video = tile.querySelector("video");
    if (!video) continue;
    if (video.contactMePresented === undefined) {
      video.contactMePresented = 0;
      const count = () => {
        video.contactMePresented++;
        video.requestVideoFrameCallback(count);
      };
      video.requestVideoFrameCallback(count);
    }
    out[tile.dataset.name ?? "?"] = Math.max(video.getVideoPlaybackQuality().totalVideoFrames, video.contactMePresented);
  }
  return JSON.stringify(out);
})()`;

/**
 * For `locator.evaluate` on a `<contact-me-meeting>`: the tiles whose video
 * presents no new frame within `timeoutMs` (`requestVideoFrameCallback`,
 * WICG video-rvfc), each named by its tile's text (else its own markup), with " (paused)" when the
 * video is paused; hidden videos are left out. Empty when every video plays.
 */
export function stillTiles(meeting: Element, timeoutMs: number): Promise<string[]> {
  const videos = [...(meeting.shadowRoot?.querySelectorAll("video") ?? [])].filter((v) => !v.hidden);
  return Promise.all(
    videos.map(
      (v) =>
        new Promise<string>((resolve) => {
          const tile = v.closest('[part~="tile"], [part="screen-tile"]');
          const timer = setTimeout(() => resolve(`${tile?.textContent?.trim() || v.outerHTML}${v.paused ? " (paused)" : ""}`), timeoutMs);
          v.requestVideoFrameCallback(() => {
            clearTimeout(timer);
            resolve("");
          });
        }),
    ),
  ).then((names) => names.filter(Boolean));
}

/** One participant's page, as {@link assertEveryoneSeesEveryone} reads it. */
export interface MeetingSeat {
  /** The name it joined with (what the others' tiles show). */
  name: string;
  /** The page's {@link REMOTE_TILE_FRAMES}, parsed. */
  frames(): Promise<Record<string, number>>;
}

/**
 * Every participant shows video frames from every other one (within
 * `firstMs`), and they keep coming (more frames on every remote tile within
 * `onMs`).
 * @throws naming the participant and the tiles still short
 */
export async function assertEveryoneSeesEveryone(seats: MeetingSeat[], { firstMs = 60_000, onMs = 20_000 } = {}): Promise<void> {
  const first: Record<string, number>[] = [];
  for (const [i, seat] of seats.entries()) {
    const others = seats.filter((_, j) => j !== i).map((s) => s.name);
    first[i] = await eventually(
      `${seat.name} showing video from ${others.join(", ")}`,
      () => seat.frames(),
      (frames) => others.every((n) => (frames[n] ?? 0) > 0),
      firstMs,
    );
  }
  for (const [i, seat] of seats.entries()) {
    await eventually(
      `${seat.name}'s remote videos to keep playing (after ${JSON.stringify(first[i])})`,
      () => seat.frames(),
      (frames) => Object.keys(first[i]).every((n) => frames[n] > first[i][n]),
      onMs,
    );
  }
}

/**
 * Open the demo site from a meeting's invite link in a fresh Chromium page,
 * enter `name` and `pin`, and press **Join**.
 */
export async function joinFromLink(
  pages: Pages,
  origin: string,
  room: string,
  token: string,
  name: string,
  pin: string,
  options: PageOptions = {},
): Promise<TestPage> {
  const guest = await pages.open(`${origin}/?room=${encodeURIComponent(room)}&meeting=${token}`, options);
  await guest.page.getByRole("textbox", { name: "Your name" }).fill(name, { timeout: 90_000 });
  await guest.page.getByRole("textbox", { name: "PIN" }).fill(pin);
  await guest.page.getByRole("button", { name: "Join" }).click();
  return guest;
}

/** Video frames shown so far on each remote tile of a Chromium page's meeting, by participant name ({@link REMOTE_TILE_FRAMES}). */
export async function remoteFrames(guest: TestPage): Promise<Record<string, number>> {
  return JSON.parse(await guest.page.evaluate<string>(REMOTE_TILE_FRAMES)) as Record<string, number>;
}
