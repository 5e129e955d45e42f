/// <reference types="mocha" />
// <contact-me-meeting> fed the room's frames in-page (its socket points
// where nothing listens): what it shows for the rosters it is given.
import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import type { ServerMessage } from "../../protocol/socket.ts";
import "../../widget/meeting/contact-me-meeting.ts";
import type { ContactMeMeeting } from "../../widget/meeting/contact-me-meeting.ts";
import { deepAll } from "./deep.ts";

// A port nothing listens on: the socket keeps retrying.
const NOWHERE = "127.0.0.1:9";
const TOKEN = "AAAAAAAAAAAAAAAAAAAAAA";

/** Hand `frame` to the element as if the room had sent it. */
function receive(el: ContactMeMeeting, frame: ServerMessage): void {
  (el as unknown as { signaling: { dispatch(m: ServerMessage): void } }).signaling.dispatch(frame);
}

const roster = (you: string, ids: string[]): ServerMessage => ({
  type: "meeting",
  meetingId: "m1",
  title: "Review",
  you,
  rejoin: "BBBBBBBBBBBBBBBBBBBBBB",
  state: "admitted",
  participants: ids.map((id) => ({ id, name: `Name ${id}`, host: false, connected: true })),
  iceServers: [],
});

const remoteTiles = (el: ContactMeMeeting) =>
  deepAll(el, '[part~="tile"]:not([part~="tile-local"])').map((t) => (t as HTMLElement).dataset.participant);

describe("<contact-me-meeting>", () => {
  let stream: MediaStream | undefined;
  afterEach(() => stream?.getTracks().forEach((t) => t.stop()));

  it("back as a new participant after the grace, it shows the others and never itself", async () => {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const el = await fixture<ContactMeMeeting>(
      html`<contact-me-meeting host=${NOWHERE} token=${TOKEN} name="Ada" autojoin .stream=${stream}></contact-me-meeting>`,
    );
    receive(el, roster("p-a", ["p-a", "p-b"]));
    await waitUntil(() => remoteTiles(el).length === 1, "no tile for the other participant");
    expect(remoteTiles(el)).to.deep.equal(["p-b"]);
    // The socket was away past the grace: the room seats this page again under a new id.
    receive(el, roster("p-c", ["p-b", "p-c"]));
    await el.updateComplete;
    expect(remoteTiles(el)).to.deep.equal(["p-b"]);
    el.remove();
  });

  it("a re-render leaves the self view playing: its stream is not set again", async () => {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const el = await fixture<ContactMeMeeting>(
      html`<contact-me-meeting host=${NOWHERE} token=${TOKEN} name="Ada" autojoin .stream=${stream}></contact-me-meeting>`,
    );
    receive(el, roster("p-a", ["p-a", "p-b"]));
    await waitUntil(() => deepAll(el, '[part~="tile-local"] video')[0], "no self view");
    const self = deepAll(el, '[part~="tile-local"] video')[0] as HTMLVideoElement;
    // Every srcObject assignment restarts the element's load, each with a `loadstart` (the first
    // one's may come before or after this listener).
    let loads = 0;
    self.addEventListener("loadstart", () => loads++);
    await waitUntil(() => self.videoWidth > 0, "the self view never showed a picture", { timeout: 5000 });
    // Five renders, each in its own task (assignments within one task start a single load).
    for (let i = 0; i < 5; i++) {
      el.requestUpdate();
      await el.updateComplete;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(deepAll(el, '[part~="tile-local"] video')[0], "the same <video>").to.equal(self);
    expect(loads, "self-view loads, 5 renders later").to.be.at.most(1);
    el.remove();
  });
});
