/// <reference types="mocha" />
// MeetingMesh pairs in one page, their `meeting-signal`s passed in-page
// through a relay the test can make lose frames: real RTCPeerConnections
// and real media either side.
import { expect, waitUntil } from "@open-wc/testing";
import type { Signal } from "../../widget/call/peer-call.ts";
import { MeetingMesh, videoCapFor } from "../../widget/meeting/mesh.ts";

const meshes: MeetingMesh[] = [];
const streams: MediaStream[] = [];
const players: HTMLMediaElement[] = [];

afterEach(() => {
  meshes.splice(0).forEach((m) => m.close());
  streams.splice(0).forEach((s) => s.getTracks().forEach((t) => t.stop()));
  players.splice(0).forEach((p) => p.remove());
});

/**
 * Participants `a` (polite: its id sorts first) and `b` (impolite), each with
 * a mesh of its own, seated by the same roster. `lose` decides which signals
 * the relay drops, as a room does for a socket that is being replaced.
 */
async function pair(lose: (from: string, signal: Signal) => boolean, connectTimeoutMs: number) {
  const relayed: Array<[string, Signal]> = [];
  const byId = new Map<string, MeetingMesh>();
  for (const id of ["a", "b"]) {
    const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    streams.push(local);
    const mesh = new MeetingMesh(local, {
      you: id,
      connectTimeoutMs,
      send: (to, signal) => {
        relayed.push([id, signal]);
        if (!lose(id, signal)) setTimeout(() => byId.get(to)?.receive(id, signal), 0);
      },
      changed: () => {},
    });
    byId.set(id, mesh);
    meshes.push(mesh);
  }
  const roster = ["a", "b"].map((id) => ({ id, name: id.toUpperCase(), host: false, connected: true }));
  for (const mesh of byId.values()) mesh.roster(roster, { iceServers: [] });
  const call = (from: string, to: string) => byId.get(from)!.peers.get(to)!.call;
  return { a: call("a", "b"), b: call("b", "a"), relayed, meshes: byId };
}

describe("MeetingMesh", () => {
  it("starts a pair over when its first offer is lost, and both ends connect", async () => {
    let offers = 0;
    // The impolite side's first offer never arrives; nothing else is lost.
    const { a, b, relayed } = await pair((from, s) => from === "b" && s.description?.type === "offer" && offers++ === 0, 1500);
    await waitUntil(() => a.state === "connected" && b.state === "connected", "the pair did not connect after starting over", { timeout: 15000 });
    expect(b.generation).to.equal(1, "the impolite side started over once");
    expect(a.generation).to.equal(1, "the polite side followed to the new connection");
    expect(relayed.filter(([from, s]) => from === "b" && s.description?.type === "offer").length).to.equal(2);
    await waitUntil(() => a.remoteStream.getVideoTracks().length > 0 && b.remoteStream.getVideoTracks().length > 0, "no remote video");
  });

  it("leaves a pair that connects alone: no second start", async () => {
    const { a, b } = await pair(() => false, 1500);
    await waitUntil(() => a.state === "connected" && b.state === "connected", "the pair did not connect", { timeout: 15000 });
    await new Promise((r) => setTimeout(r, 2500));
    expect([a.generation, b.generation]).to.deep.equal([0, 0]);
    expect([a.state, b.state]).to.deep.equal(["connected", "connected"]);
  });
});

describe("MeetingMesh active speaker", () => {
  it("names the other participant, whose microphone sends sound, as the speaker; none once it is muted", async () => {
    const { a, b, meshes: byId } = await pair(() => false, 20000);
    await waitUntil(() => a.state === "connected" && b.state === "connected", "the pair did not connect", { timeout: 15000 });
    // Each side plays the other's sound, as the meeting's tiles do (Chromium reports the level of audio played out).
    for (const call of [a, b]) {
      const audio = Object.assign(document.createElement("audio"), { srcObject: call.remoteStream, autoplay: true });
      document.body.append(audio);
      players.push(audio);
    }
    // The fake microphone plays a tone: its packets carry an audio level (RFC 6464).
    await waitUntil(() => byId.get("a")!.speaker === "b" && byId.get("b")!.speaker === "a", "no speaker named", { timeout: 10000 });
    // b mutes: a hears silence and is told so over the control channel.
    byId.get("b")!.setMuted(true, false);
    await waitUntil(() => byId.get("a")!.speaker === undefined, "a muted participant is still the speaker", { timeout: 10000 });
  });
});

describe("MeetingMesh video caps", () => {
  it("holds each camera sender of a meeting of four to its bitrate, frame rate and size", async function () {
    // Twelve peer connections with video in one page take longer than the usual test.
    this.timeout(60000);
    const ids = ["a", "b", "c", "d"];
    const byId = new Map<string, MeetingMesh>();
    for (const id of ids) {
      const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
      streams.push(local);
      const mesh = new MeetingMesh(local, {
        you: id,
        send: (to, signal) => setTimeout(() => byId.get(to)?.receive(id, signal), 0),
        changed: () => {},
      });
      byId.set(id, mesh);
      meshes.push(mesh);
    }
    const roster = ids.map((id) => ({ id, name: id.toUpperCase(), host: false, connected: true }));
    for (const mesh of byId.values()) mesh.roster(roster, { iceServers: [] });
    const calls = [...byId.values()].flatMap((m) => [...m.peers.values()].map((p) => p.call));
    expect(calls.length).to.equal(12);
    await waitUntil(() => calls.every((c) => c.state === "connected"), "the mesh of four did not connect", { timeout: 30000 });
    const want = videoCapFor(4);
    const encodings = () =>
      calls.flatMap((c) => c.pc.getSenders().filter((s) => s.track?.kind === "video").map((s) => s.getParameters().encodings?.[0]));
    await waitUntil(
      () => encodings().every((e) => e?.maxBitrate === want.maxBitrate && e.maxFramerate === want.maxFramerate && e.scaleResolutionDownBy === want.scaleResolutionDownBy),
      `camera senders not capped: ${JSON.stringify(encodings())}`,
      { timeout: 10000 },
    );
    // What is sent follows: 640 × 480 divided by 1.5 (outbound-rtp frameWidth, W3C webrtc-stats).
    const widths = async () => {
      const out: number[] = [];
      for (const c of calls) (await c.getStats()).forEach((s: { type: string; kind?: string; frameWidth?: number }) => {
        if (s.type === "outbound-rtp" && s.kind === "video" && s.frameWidth) out.push(s.frameWidth);
      });
      return out;
    };
    let last: number[] = [];
    await waitUntil(async () => {
      last = await widths();
      return last.length === 12 && last.every((w) => w <= Math.ceil(640 / want.scaleResolutionDownBy));
    }, "sent video not scaled down", { timeout: 15000 }).catch((err: Error) => {
      throw new Error(`${err.message}: frame widths ${JSON.stringify(last)}`);
    });
  });
});
