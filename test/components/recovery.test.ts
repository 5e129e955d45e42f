/// <reference types="mocha" />
// PeerCall surviving trouble, the control data channel, and media changes
// mid-call: two real RTCPeerConnections in one page, signals passed in-page.
//
// A real network cut cannot be made inside one page (both peers share the
// loopback interface), so the drop is simulated where PeerCall reads it: the
// RTCPeerConnection's `connectionState` is overridden to `disconnected` or
// `failed` and a `connectionstatechange` event is fired. Everything after
// that — restartIce(), the new offer with fresh ICE credentials, the fresh
// RTCPeerConnection of a full renegotiation, the media on it — is real.
import { expect, waitUntil } from "@open-wc/testing";
import type { PeerMessage } from "../../protocol/socket.ts";
import { PeerCall, type PeerCallError, type RecoveryTiming } from "../../widget/call/peer-call.ts";
import { Channel } from "./channel.ts";

const calls: PeerCall[] = [];
const streams: MediaStream[] = [];

/** Host-like `a` (impolite, opens) and visitor-like `b` (polite, answers with its media). */
function makePair(timing: Partial<RecoveryTiming> = {}) {
  let a!: PeerCall;
  let b!: PeerCall;
  const toB = new Channel(() => b);
  const toA = new Channel(() => a);
  a = new PeerCall({ polite: false, send: toB.send, timing });
  b = new PeerCall({ polite: true, send: toA.send, awaitRemoteOffer: true, timing });
  const errors: PeerCallError[] = [];
  const messages: Array<[string, PeerMessage]> = [];
  for (const [name, c] of [["a", a], ["b", b]] as const) {
    c.addEventListener("error", (e) => errors.push((e as CustomEvent<PeerCallError>).detail));
    c.addEventListener("message", (e) => messages.push([name, (e as CustomEvent<PeerMessage>).detail]));
  }
  calls.push(a, b);
  return { a, b, toA, toB, errors, messages };
}

async function media(video = true): Promise<MediaStream> {
  const s = await navigator.mediaDevices.getUserMedia({ audio: true, video });
  streams.push(s);
  return s;
}

async function connectedPair(timing: Partial<RecoveryTiming> = {}, video = true) {
  const pair = makePair(timing);
  pair.b.addStream(await media(video));
  pair.a.addStream(await media(video));
  await waitUntil(() => pair.a.state === "connected" && pair.b.state === "connected", "peers did not connect", { timeout: 15000 });
  await waitUntil(() => pair.a.pc.signalingState === "stable" && pair.b.pc.signalingState === "stable");
  await waitUntil(() => pair.a.channelOpen && pair.b.channelOpen, "control channel did not open");
  return pair;
}

/** Make `pc` report `state` to PeerCall, as if the network had dropped. */
function pretend(pc: RTCPeerConnection, state: RTCPeerConnectionState): () => void {
  Object.defineProperty(pc, "connectionState", { configurable: true, get: () => state });
  const event = new Event("connectionstatechange");
  const handler = pc.onconnectionstatechange;
  let handled = false;
  pc.onconnectionstatechange = function (this: RTCPeerConnection, e: Event) {
    handled = true;
    return handler?.call(this, e);
  };
  pc.dispatchEvent(event);
  pc.onconnectionstatechange = handler;
  // Firefox runs an RTCPeerConnection's `on…` handler only for events it fires itself, not for
  // one a page dispatches (listeners added with addEventListener run in every engine).
  if (!handled) handler?.call(pc, event);
  return () => delete (pc as unknown as Record<string, unknown>).connectionState;
}

const ufrag = (sdp: string | undefined) => /a=ice-ufrag:(\S+)/.exec(sdp ?? "")?.[1];

afterEach(() => {
  calls.splice(0).forEach((c) => c.close());
  streams.splice(0).forEach((s) => s.getTracks().forEach((t) => t.stop()));
});

describe("PeerCall recovery", () => {
  it("restarts ICE when the connection stays disconnected, and is connected again", async () => {
    const { a, b, toB, errors } = await connectedPair({ disconnectedMs: 300, iceRestartMs: 8000 });
    const before = { a: ufrag(a.pc.localDescription?.sdp), b: ufrag(b.pc.remoteDescription?.sdp) };
    toB.open = false;
    const restore = pretend(a.pc, "disconnected");
    expect(a.state).to.equal("reconnecting");
    await waitUntil(() => a.recovery === "ice-restart", "no ICE restart after 300 ms disconnected", { timeout: 3000 });
    await waitUntil(() => toB.held.some((s) => s.description?.type === "offer"), "no restart offer");
    restore(); // the network is back
    toB.release();
    await waitUntil(() => a.state === "connected" && a.recovery === "none", "did not come back after the ICE restart", { timeout: 10000 });
    expect(a.restarts).to.deep.equal({ ice: 1, full: 0 });
    expect(a.generation).to.equal(0, "same RTCPeerConnection");
    expect(ufrag(a.pc.localDescription?.sdp)).to.not.equal(before.a, "new ICE credentials (RFC 8445 §9)");
    expect(ufrag(b.pc.remoteDescription?.sdp)).to.not.equal(before.b);
    expect(b.state).to.equal("connected");
    expect(errors).to.deep.equal([]);
  });

  it("falls back to a full renegotiation on a fresh connection when the ICE restart does not connect", async () => {
    const { a, b, toA, toB, errors, messages } = await connectedPair({ iceRestartMs: 800, renegotiateMs: 10000, politeRestartDelayMs: 200 });
    const oldPc = a.pc;
    // Nothing of the old connection gets through any more.
    toA.drop = toB.drop = (s) => (s.generation ?? 0) === 0;
    pretend(oldPc, "failed");
    expect(a.recovery).to.equal("ice-restart");
    await waitUntil(() => a.generation === 1 && b.generation === 1, "no full renegotiation", { timeout: 5000 });
    expect(oldPc.signalingState).to.equal("closed");
    await waitUntil(() => a.state === "connected" && b.state === "connected", "fresh connection did not connect", { timeout: 15000 });
    await waitUntil(
      () => a.remoteStream.getTracks().length === 2 && b.remoteStream.getTracks().length === 2,
      "media did not come back on the fresh connection",
    );
    expect(a.remoteStream.getTracks().every((t) => t.readyState === "live")).to.equal(true);
    await waitUntil(() => a.channelOpen && b.channelOpen, "control channel did not reopen");
    expect(b.sendMessage({ type: "mute", audio: true, video: false })).to.equal(true);
    await waitUntil(() => messages.some(([to, m]) => to === "a" && m.type === "mute" && m.audio));
    expect(a.restarts.full).to.equal(1);
    expect(errors).to.deep.equal([]);
  });

  it("ends with ERR_CONNECTION_FAILED when neither step restores it", async () => {
    const { a, toA, toB, errors } = await connectedPair({ iceRestartMs: 300, renegotiateMs: 700 });
    toA.drop = toB.drop = () => true;
    const started = Date.now();
    pretend(a.pc, "failed");
    await waitUntil(() => errors.some((e) => e.code === "ERR_CONNECTION_FAILED"), "no clear failure", { timeout: 5000 });
    expect(Date.now() - started).to.be.lessThan(3000);
    expect(a.state).to.equal("reconnecting", "the owner ends the call on the error");
  });
});

describe("PeerCall control channel and media changes", () => {
  it("carries hang-up and mute state peer to peer, with no signaling", async () => {
    const { a, b, toA, toB, messages } = await connectedPair();
    toA.drop = toB.drop = () => true; // the signaling server is down
    expect(a.sendMessage({ type: "mute", audio: true, video: true })).to.equal(true);
    expect(b.sendMessage({ type: "hangup" })).to.equal(true);
    await waitUntil(() => messages.length === 2);
    expect(messages).to.deep.include(["b", { type: "mute", audio: true, video: true }]);
    expect(messages).to.deep.include(["a", { type: "hangup" }]);
  });

  it("switches the microphone and camera with replaceTrack, without renegotiating", async () => {
    const { a, b, toA, toB, errors } = await connectedPair();
    const offersBefore = toA.sent.length + toB.sent.length;
    const local = streams[1]!; // a's stream
    const other = await media();
    for (const kind of ["audio", "video"] as const) {
      const previous = kind === "audio" ? local.getAudioTracks()[0]! : local.getVideoTracks()[0]!;
      const next = kind === "audio" ? other.getAudioTracks()[0]! : other.getVideoTracks()[0]!;
      await a.replaceTrack(previous, next);
      expect(a.pc.getSenders().some((s) => s.track === next)).to.equal(true);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(toA.sent.length + toB.sent.length).to.equal(offersBefore, "no signal at all: no renegotiation");
    expect(b.state).to.equal("connected");
    expect(errors).to.deep.equal([]);
  });

  it("turns an audio call into a video call by renegotiating (either side)", async () => {
    const { a, b, toA, errors } = await connectedPair({}, false);
    expect(a.remoteStream.getVideoTracks().length).to.equal(0);
    const camera = await media(true);
    const visitorStream = streams[0]!;
    const track = camera.getVideoTracks()[0]!;
    visitorStream.addTrack(track);
    b.addTrack(track, visitorStream); // the polite side offers this time
    await waitUntil(() => a.remoteStream.getVideoTracks().length === 1, "the host did not get video", { timeout: 10000 });
    expect(toA.sent.some((s) => s.description?.type === "offer")).to.equal(true);
    const hostCamera = await media(true);
    a.addTrack(hostCamera.getVideoTracks()[0]!, hostCamera);
    await waitUntil(() => b.remoteStream.getVideoTracks().length === 1, "the visitor did not get video", { timeout: 10000 });
    await waitUntil(() => a.pc.signalingState === "stable" && b.pc.signalingState === "stable");
    expect(a.state).to.equal("connected");
    expect(errors).to.deep.equal([]);
  });
});
