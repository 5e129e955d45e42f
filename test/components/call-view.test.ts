/// <reference types="mocha" />
// <contact-me-call> over a real CallController and the browser's (fake)
// camera and microphone, with no room: the stage (initials, picture, self
// view), the icon toolbar's names and toggles, and the device settings panel.
import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import { LitElement } from "lit";
import { CallController } from "../../widget/call/call-controller.ts";
import { PeerCallError } from "../../widget/call/peer-call.ts";
import { initials, type CallView } from "../../widget/call/call-view.ts";
import { callStrings } from "../../widget/call/call.strings.ts";
import { provideCall, type CallContext } from "../../widget/call/context.ts";
import { define } from "../../widget/define.ts";
import { SignalingController } from "../../widget/room/signaling.ts";
import { errorStrings } from "../../widget/room/errors.ts";
import type { ClientMessage, ServerMessage } from "../../protocol/socket.ts";

/** An element that owns a call (never connected to a room) and shows it, as both widgets do. */
class CallHost extends LitElement {
  readonly call: CallController;
  /** Never connected: {@link roomSays} hands the call the room's frames. */
  readonly signaling = new SignalingController(this);
  /** Fields of the context given to the view besides the call and strings. */
  extra: Partial<CallContext> = {};
  /** Escape presses that reached this element (the widget's panel closes on them). */
  escapes = 0;

  constructor() {
    super();
    this.call = new CallController(this, this.signaling);
    provideCall(this, () => ({
      call: this.call,
      strings: { ...errorStrings, ...callStrings, peerReconnecting: "Host reconnecting…", remoteVideo: "Host's video" },
      peer: "The host",
      allowVideo: true,
      ...this.extra,
    }));
    this.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.escapes++;
    });
  }

  override render() {
    return html`<contact-me-call></contact-me-call>`;
  }
}
define("test-call-host", CallHost);

const hosts: CallHost[] = [];

async function setUp(extra: Partial<CallContext> = {}) {
  const host = await fixture<CallHost>(html`<test-call-host></test-call-host>`);
  host.extra = extra;
  hosts.push(host);
  const view = host.shadowRoot!.querySelector("contact-me-call") as CallView;
  const $ = <E extends Element = HTMLElement>(selector: string) => view.shadowRoot!.querySelector<E>(selector);
  const settle = async () => {
    host.requestUpdate();
    await host.updateComplete;
    await view.updateComplete;
  };
  return { host, call: host.call, view, $, settle };
}

/** Pretend the room accepted the call and the peers connected: the view shows the in-call controls. */
async function inCall(t: Awaited<ReturnType<typeof setUp>>) {
  t.call.callId = "c1";
  t.call.status = "connected";
  await waitUntil(() => t.call.microphones.length > 0, "no microphone listed");
  await t.settle();
}

/** A frame from the room, given to the call's handlers as the socket would. */
function roomSays(t: Awaited<ReturnType<typeof setUp>>, message: ServerMessage): void {
  (t.host.signaling as unknown as { dispatch(message: ServerMessage): void }).dispatch(message);
}

afterEach(() => hosts.splice(0).forEach((h) => h.call.reset()));

describe("initials", () => {
  it("takes the first letters of the first and last words", () => {
    expect(initials("Ada Lovelace")).to.equal("AL");
    expect(initials("Ada")).to.equal("A");
    expect(initials("The host")).to.equal("TH");
    expect(initials("  grace   brewster murray hopper ")).to.equal("GH");
  });
});

describe("<contact-me-call>", () => {
  it("shows a silhouette, named for the other side, while an audio call rings to someone unnamed", async () => {
    const t = await setUp();
    expect(await t.call.acquire("audio")).to.equal(true);
    t.call.ring("audio", { capabilities: { webrtc: true, audio: true, video: true } });
    await t.settle();
    expect(t.$('[part="call-status"]')!.textContent).to.equal("Calling…");
    const avatar = t.$('[part="avatar"]')!;
    expect(avatar.getAttribute("role")).to.equal("img");
    expect(avatar.getAttribute("aria-label")).to.equal("The host");
    expect(avatar.textContent!.trim()).to.equal("", "initials of a generic label");
    expect(avatar.querySelector("svg.person")).to.exist;
    expect(t.$('[part="stage"]')).to.exist;
    expect(t.$('[part="hang-up"]')!.textContent!.trim()).to.equal("Hang up");
  });

  it("names the other side when its own name is known: initials and Calling Ada Lovelace…", async () => {
    const t = await setUp({ peerName: "Ada Lovelace" });
    await t.call.acquire("audio");
    t.call.ring("audio", { capabilities: { webrtc: true, audio: true, video: true } });
    await t.settle();
    expect(t.$('[part="call-status"]')!.textContent).to.equal("Calling Ada Lovelace…");
    expect(t.$('[part="avatar"]')!.textContent!.trim()).to.equal("AL");
    expect(t.$('[part="avatar"]')!.getAttribute("aria-label")).to.equal("Ada Lovelace");
  });

  it("shows the other side's picture, and initials when it does not load", async () => {
    const dot = "data:image/svg+xml," + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="red"/></svg>');
    const t = await setUp({ peerName: "Ada Lovelace", peerAvatar: dot });
    await t.call.acquire("audio");
    t.call.ring("audio", { capabilities: { webrtc: true, audio: true, video: true } });
    await t.settle();
    const img = t.$<HTMLImageElement>('[part="avatar"] img')!;
    expect(img.getAttribute("alt")).to.equal("");
    await waitUntil(() => img.complete && img.naturalWidth > 0, "the picture did not load");
    t.host.extra = { ...t.host.extra, peerAvatar: "/no-such-picture.png" };
    await t.settle();
    await waitUntil(() => !t.$('[part="avatar"] img'), "a broken picture still shown", { timeout: 5000 });
    expect(t.$('[part="avatar"]')!.textContent!.trim()).to.equal("AL");
  });

  it("rings a video call with the self view; in line the camera stops, and starts again once it rings", async () => {
    const t = await setUp();
    expect(await t.call.acquire("video")).to.equal(true);
    const camera = t.call.localStream!.getVideoTracks()[0]!;
    const liveVideo = () => t.call.localStream!.getTracks().filter((tr) => tr.kind === "video" && tr.readyState === "live");
    t.call.ring("video", { capabilities: { webrtc: true, audio: true, video: true } });
    await t.settle();
    expect(camera.readyState).to.equal("live");
    expect(t.$('[part="local-video"]')).to.exist;
    expect(t.$('[part="avatar"]')).to.exist;
    expect(t.$('[part="remote-video"]')).to.exist; // the host's sound plays through it once connected

    roomSays(t, { type: "queued", callId: "c1", media: "video", position: 1 });
    await t.settle();
    expect(t.$('[part="call-status"]')!.textContent).to.equal("Position 1 in line");
    expect(camera.readyState).to.equal("ended");
    expect(liveVideo()).to.have.length(0);
    expect(t.call.localStream!.getAudioTracks()).to.have.length(1);
    expect(t.$('[part="local-video"]')).to.equal(null);

    roomSays(t, { type: "ringing", callId: "c1", media: "video" });
    await waitUntil(() => liveVideo().length === 1, "the camera did not start again once the call rang");
    await t.settle();
    expect(t.$('[part="call-status"]')!.textContent).to.equal("Calling…");
    expect(t.$('[part="local-video"]')).to.exist;
  });

  it("gives the other side's stream to its video once connected, not while connecting", async () => {
    const t = await setUp();
    await t.call.acquire("video");
    const canvas = Object.assign(document.createElement("canvas"), { width: 64, height: 48 });
    canvas.getContext("2d")!.fillRect(0, 0, 64, 48);
    const remote = canvas.captureStream();
    Object.assign(t.call, { callId: "c1", status: "connecting", remoteStream: remote });
    await t.settle();
    const video = t.$<HTMLVideoElement>('[part="remote-video"]')!;
    // Booleans: a failed comparison of MediaStreams is too deep for the runner to report.
    expect(video.srcObject === null, "connecting: no stream given to the video yet").to.equal(true);
    t.call.status = "connected";
    await t.settle();
    expect(video.srcObject === remote, "connected: the other side's stream given to the video").to.equal(true);
    remote.getTracks().forEach((track) => track.stop());
  });

  it("starts the self view once connected when the camera started on accepting, and keeps one shown while ringing through connecting", async () => {
    const t = await setUp();
    await t.call.acquire("video");
    // The host: its camera started on Accept; while it connects, its video element would build a player on the main thread.
    Object.assign(t.call, { callId: "c1", status: "connecting" });
    await t.settle();
    // Booleans: a failed comparison of elements is too deep for the runner to report.
    expect(t.$('[part="local-video"]') === null, "connecting: no self view yet").to.equal(true);
    t.call.status = "connected";
    await t.settle();
    const shown = t.$<HTMLVideoElement>('[part="local-video"]');
    expect(shown !== null, "connected: the self view").to.equal(true);
    expect(shown!.srcObject === t.call.localStream, "the self view plays this side's camera").to.equal(true);

    // The visitor: its self view shown while the call rings stays, the same element, while it connects.
    const v = await setUp();
    await v.call.acquire("video");
    v.call.ring("video", { capabilities: { webrtc: true, audio: true, video: true } });
    await v.settle();
    const ringing = v.$('[part="local-video"]');
    expect(ringing !== null, "ringing: the self view").to.equal(true);
    Object.assign(v.call, { callId: "c2", status: "connecting" });
    await v.settle();
    expect(v.$('[part="local-video"]') === ringing, "connecting: the same self view").to.equal(true);
  });

  it("a host whose peer connection fails before the room's accepted tells the room failed, once", async () => {
    const t = await setUp();
    const sent: ClientMessage[] = [];
    Object.assign(t.host.signaling, { send: (message: ClientMessage) => (sent.push(message), true) });
    const hangups = () => sent.filter((m) => m.type === "hangup");
    roomSays(t, { type: "welcome", protocol: 1, role: "host", id: "h1", iceServers: [], iceTransportPolicy: "relay" });
    expect(await t.call.accept("c1", "audio")).to.equal(true);
    // Its peer connection (started on Accept) fails before the room's accepted comes back; Chromium gets
    // there by itself (relay only, no TURN server: ERR_NO_CANDIDATES), Firefox may keep gathering for long.
    const failure = new PeerCallError("ERR_NO_CANDIDATES", "Could not get a relay address from the TURN server");
    t.call.peerCall!.dispatchEvent(new CustomEvent("error", { detail: failure }));
    await waitUntil(() => t.call.status === "failed", "the call did not fail", { timeout: 10000 });
    expect(JSON.stringify(hangups())).to.equal(JSON.stringify([{ type: "hangup", callId: "c1", reason: "failed" }]));
    // The room's accepted, sent before it had the hangup, changes nothing here.
    roomSays(t, { type: "accepted", callId: "c1", media: "audio", polite: false, iceServers: [], iceTransportPolicy: "relay" });
    expect(hangups().length).to.equal(1);
    expect(t.call.status).to.equal("failed");
  });

  it("names every icon button, and marks the toggles pressed", async () => {
    const t = await setUp();
    await t.call.acquire("video");
    await inCall(t);
    const named = (part: string) => {
      const b = t.$<HTMLButtonElement>(`[part="${part}"]`)!;
      expect(b, part).to.exist;
      expect(b.getAttribute("title"), `${part} title`).to.equal(b.getAttribute("aria-label"));
      expect(b.querySelector("svg")!.getAttribute("aria-hidden")).to.equal("true");
      return b;
    };
    expect(named("mute").getAttribute("aria-label")).to.equal("Mute");
    expect(named("mute").getAttribute("aria-pressed")).to.equal("false");
    expect(named("camera").getAttribute("aria-label")).to.equal("Camera off");
    expect(named("camera").getAttribute("aria-pressed")).to.equal("false");
    expect(named("device-settings").getAttribute("aria-label")).to.equal("Device settings");
    if (document.fullscreenEnabled) {
      expect(named("fullscreen").getAttribute("aria-label")).to.equal("Full screen");
      expect(named("fullscreen").getAttribute("aria-pressed")).to.equal("false");
    } else expect(t.$('[part="fullscreen"]')).to.equal(null);
    expect(t.$('[part="hang-up"]')!.textContent!.trim()).to.equal("Hang up");
    expect(t.$('[part="local-video"]')).to.exist;

    t.$<HTMLButtonElement>('[part="mute"]')!.click();
    t.$<HTMLButtonElement>('[part="camera"]')!.click();
    await t.settle();
    expect(t.$('[part="mute"]')!.getAttribute("aria-label")).to.equal("Unmute");
    expect(t.$('[part="mute"]')!.getAttribute("aria-pressed")).to.equal("true");
    expect(t.$('[part="camera"]')!.getAttribute("aria-label")).to.equal("Camera on");
    expect(t.$('[part="camera"]')!.getAttribute("aria-pressed")).to.equal("true");
    expect(t.call.localStream!.getAudioTracks()[0]!.enabled).to.equal(false);
  });

  it("opens the device settings, and closes them on Escape (only them) and on a click outside", async () => {
    const t = await setUp();
    await t.call.acquire("video");
    await inCall(t);
    const button = t.$<HTMLButtonElement>('[part="device-settings"]')!;
    const panel = t.$('[part="devices"]')!;
    expect(button.getAttribute("aria-expanded")).to.equal("false");
    expect(t.view.shadowRoot!.getElementById(button.getAttribute("aria-controls")!)).to.equal(panel);
    expect(panel.hidden).to.equal(true);
    expect(getComputedStyle(panel).display).to.equal("none");

    button.click();
    await t.settle();
    expect(button.getAttribute("aria-expanded")).to.equal("true");
    expect(getComputedStyle(panel).display).not.to.equal("none");
    const selects = [...panel.querySelectorAll("select")].map((s) => s.closest("label")!.textContent!.trim().split("\n")[0]!.trim());
    expect(selects).to.deep.equal(["Microphone", "Camera"]);
    await waitUntil(() => t.view.shadowRoot!.activeElement?.localName === "select", "focus did not move into the panel");

    t.view.shadowRoot!.activeElement!.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }));
    await t.settle();
    expect(panel.hidden).to.equal(true);
    expect(t.host.escapes, "Escape reached the element around the call").to.equal(0);
    expect(t.view.shadowRoot!.activeElement).to.equal(button);

    button.click();
    await t.settle();
    expect(panel.hidden).to.equal(false);
    document.body.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, composed: true }));
    await t.settle();
    expect(panel.hidden).to.equal(true);
    expect(button.getAttribute("aria-expanded")).to.equal("false");

    // Escape with the panel closed is the outer element's.
    button.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }));
    expect(t.host.escapes).to.equal(1);
  });

  it("shows initials over the video while the other side's camera is off", async () => {
    const t = await setUp({ peerName: "Ada Lovelace" });
    await t.call.acquire("video");
    await inCall(t);
    t.call.remoteCameraOff = true;
    await t.settle();
    expect(t.$('[part="avatar"]')!.textContent!.trim()).to.equal("AL");
    expect(t.$('[part="peer-camera-off"]')!.textContent).to.equal("The host's camera is off");
  });
});
