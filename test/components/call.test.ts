/// <reference types="mocha" />
// PeerCall in the browser: two real RTCPeerConnections in one page, signals
// passed in-page, so the timing of delivery is under the test's control.
import { expect, waitUntil } from "@open-wc/testing";
import { PeerCall, type PeerCallError } from "../../widget/call/peer-call.ts";
import { Channel } from "./channel.ts";

const calls: PeerCall[] = [];
const streams: MediaStream[] = [];

function makePair(awaitRemoteOffer = false) {
  let a!: PeerCall;
  let b!: PeerCall;
  const toB = new Channel(() => b);
  const toA = new Channel(() => a);
  a = new PeerCall({ polite: false, send: toB.send });
  b = new PeerCall({ polite: true, send: toA.send, awaitRemoteOffer });
  const errors: PeerCallError[] = [];
  for (const c of [a, b]) c.addEventListener("error", (e) => errors.push((e as CustomEvent<PeerCallError>).detail));
  calls.push(a, b);
  return { a, b, toA, toB, errors };
}

async function media(video = true): Promise<MediaStream> {
  const s = await navigator.mediaDevices.getUserMedia({ audio: true, video });
  streams.push(s);
  return s;
}

const connected = (...cs: PeerCall[]) =>
  waitUntil(() => cs.every((c) => c.connectionState === "connected"), "peers did not connect", { timeout: 15000 });

afterEach(() => {
  calls.splice(0).forEach((c) => c.close());
  streams.splice(0).forEach((s) => s.getTracks().forEach((t) => t.stop()));
});

describe("PeerCall (perfect negotiation)", () => {
  it("connects when one side offers, and each side receives the other's tracks", async () => {
    const { a, b, errors } = makePair();
    a.addStream(await media());
    b.addStream(await media());
    await connected(a, b);
    await waitUntil(() => a.remoteStream.getTracks().length === 2 && b.remoteStream.getTracks().length === 2);
    expect(errors).to.deep.equal([]);
  });

  it("settles glare: both offer at once, the polite side yields", async () => {
    const { a, b, toA, toB, errors } = makePair();
    toA.open = toB.open = false; // hold every frame until both offers exist
    a.addStream(await media());
    b.addStream(await media());
    await waitUntil(() => toA.held.some((s) => s.description?.type === "offer") && toB.held.some((s) => s.description?.type === "offer"));
    // Both offers cross on the wire.
    toA.release();
    toB.release();
    await waitUntil(() => a.pc.signalingState === "stable" && b.pc.signalingState === "stable", "glare did not settle", { timeout: 15000 });
    // The impolite side's offer won: the polite side answered it.
    expect(toA.sent.some((s) => s.description?.type === "answer")).to.equal(true);
    expect(toB.sent.some((s) => s.description?.type === "answer")).to.equal(false);
    expect(errors).to.deep.equal([]);
    // Firefox 153 sometimes never finishes the DTLS handshake of a first connection answered right
    // after an implicit rollback (3 runs in 240 with the other browser busy: ICE pair selected on both
    // sides, transport dtlsState "connecting" for good), which is why calls and meetings start with
    // `awaitRemoteOffer` and never glare on their first offer. Media over a glare is checked in both
    // engines by the renegotiation test below, the glare a call can meet.
    if (navigator.userAgent.includes("Firefox")) return;
    await connected(a, b);
    await waitUntil(() => a.remoteStream.getTracks().length === 2 && b.remoteStream.getTracks().length === 2);
  });

  it("settles glare on renegotiation (both add a track mid-call)", async () => {
    const { a, b, toA, toB, errors } = makePair();
    a.addStream(await media(false));
    b.addStream(await media(false));
    await connected(a, b);
    await waitUntil(() => a.pc.signalingState === "stable" && b.pc.signalingState === "stable");
    toA.open = toB.open = false;
    const [va, vb] = [await media(), await media()];
    a.pc.addTrack(va.getVideoTracks()[0], va);
    b.pc.addTrack(vb.getVideoTracks()[0], vb);
    await waitUntil(() => toA.held.some((s) => s.description?.type === "offer") && toB.held.some((s) => s.description?.type === "offer"));
    toA.release();
    toB.release();
    await waitUntil(
      () => a.remoteStream.getVideoTracks().length === 1 && b.remoteStream.getVideoTracks().length === 1,
      "video did not arrive on both sides",
      { timeout: 15000 },
    );
    await waitUntil(() => a.pc.signalingState === "stable" && b.pc.signalingState === "stable");
    expect(a.connectionState).to.equal("connected");
    expect(errors).to.deep.equal([]);
  });

  it("with awaitRemoteOffer, the polite side sends its media in the answer and never offers", async () => {
    const { a, b, toA, errors } = makePair(true);
    b.addStream(await media()); // before the offer exists: held back
    a.addStream(await media());
    await connected(a, b);
    await waitUntil(() => a.remoteStream.getTracks().length === 2 && b.remoteStream.getTracks().length === 2);
    await waitUntil(() => a.pc.signalingState === "stable" && b.pc.signalingState === "stable");
    expect(toA.sent.filter((s) => s.description).map((s) => s.description!.type)).to.deep.equal(["answer"]);
    expect(errors).to.deep.equal([]);
  });

  it("with expectVideo, the answer does not wait for the camera, which then fills the answer's video without renegotiation", async () => {
    const { a, b, toA, toB, errors } = makePair(true);
    const local = await media(false); // the camera is still starting
    b.addStream(local);
    b.expectVideo(local);
    a.addStream(await media());
    await connected(a, b);
    expect(toA.sent.filter((s) => s.description).map((s) => s.description!.type)).to.deep.equal(["answer"]);
    const video = b.pc.localDescription!.sdp.split("\r\nm=").find((section) => section.startsWith("video"));
    expect(/a=(sendrecv|sendonly|recvonly|inactive)/.exec(video ?? "")?.[1], "the answer's video direction").to.equal("sendrecv");
    const camera = (await media()).getVideoTracks()[0];
    local.addTrack(camera);
    b.addTrack(camera, local);
    const decoded = async () => {
      let frames = 0;
      (await a.pc.getStats()).forEach((r: Record<string, unknown>) => {
        if (r.type === "inbound-rtp" && r.kind === "video") frames += Number(r.framesDecoded ?? 0);
      });
      return frames;
    };
    let frames = 0;
    await waitUntil(async () => (frames = await decoded()) > 0, "the camera's frames did not arrive", { timeout: 15000 });
    expect(frames).to.be.greaterThan(0);
    // One offer, one answer: the camera went into the place the answer kept.
    expect(toA.sent.filter((s) => s.description).length).to.equal(1);
    expect(toB.sent.filter((s) => s.description).length).to.equal(1);
    expect(a.remoteStream.getVideoTracks().length).to.equal(1);
    expect(errors).to.deep.equal([]);
  });

  it("applies ICE candidates that arrive before the remote description", async () => {
    const { a, b, toA, toB, errors } = makePair();
    // The answerer's candidates never reach the offerer: the connection can
    // only form if the answerer used the offerer's early candidates.
    toA.drop = (s) => s.candidate !== undefined;
    toB.open = false;
    a.addStream(await media());
    await waitUntil(() => a.pc.iceGatheringState === "complete", "offerer did not finish gathering", { timeout: 10000 });
    const candidates = toB.held.filter((s) => s.candidate);
    expect(candidates.length).to.be.greaterThan(0);
    toB.release((held) => [...held.filter((s) => s.candidate), ...held.filter((s) => s.description)]);
    await connected(a, b);
    expect(errors).to.deep.equal([]);
  });

  it("stops cleanly when closed mid-negotiation", async () => {
    const { a, b, toA, toB, errors } = makePair();
    toB.open = false;
    a.addStream(await media());
    await waitUntil(() => toB.held.some((s) => s.description));
    const received = b.receive(toB.held.find((s) => s.description)!);
    b.close();
    await received;
    const sentBefore = toA.sent.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(toA.sent.length).to.equal(sentBefore);
    expect(b.connectionState).to.equal("closed");
    expect(errors).to.deep.equal([]);
  });
});
