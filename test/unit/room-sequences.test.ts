// Hostile sequences of valid frames: random orders of calls, cancels,
// resumes (with fresh, spent and stolen tokens), accepts, declines, hang-ups,
// signals, drops and the passing of time, from several visitors and two hosts,
// driven through the room's core over the in-memory runtime. After every step:
// nothing threw or was logged as an error, and no call's frame reached a socket
// of another visitor; every so often and at the end, every call ends and the
// host can take the next one. Seeded, so a failure can be replayed.
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { FakeRoom, type FakeConnection } from "../support/fake-room.ts";
import { PING_INTERVAL_MS } from "../../party/core/connections.ts";
import { RESUME_GRACE_S, type ServerMessage } from "../../protocol/socket.ts";
import { prng } from "../support/prng.ts";

const ADA = "ada-key-123456789";
const GRACE = "grace-key-456789012";
const CALL_FRAMES = new Set(["ringing", "queued", "accepted", "declined", "ended", "resumed", "signal", "peer"]);

interface Visitor {
  conn: FakeConnection;
  /** The visitor this socket stands for: its own id, or the one whose resume token it used. */
  root: string;
}

async function run(t: TestContext, seed: number, steps: number): Promise<void> {
  let clock = Date.UTC(2026, 0, 1, 12);
  t.mock.method(Date, "now", () => clock);
  const errors: unknown[][] = [];
  t.mock.method(console, "error", (...args: unknown[]) => void errors.push(args));
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  const room = new FakeRoom({ HOSTS: JSON.stringify({ Ada: ADA, Grace: GRACE }), ICE_SERVERS: "[]", RING_TIMEOUT_S: "10", MAX_QUEUE: "3" });

  const visitors: Visitor[] = [];
  const hosts: FakeConnection[] = [];
  /** Which visitor (root) each call id belongs to, from the first socket that heard of it. */
  const owner = new Map<string, string>();
  const seen = new Map<FakeConnection, number>();
  const open = <T,>(xs: T[]): T[] => xs.filter((x) => !(x instanceof Object && "conn" in x ? (x.conn as FakeConnection) : (x as FakeConnection)).closed);
  const callIds = () => [...owner.keys()];
  let log: string[] = [];

  /** No frame of one visitor's call may reach another visitor's socket. */
  const checkFrames = () => {
    for (const v of visitors) {
      const from = seen.get(v.conn) ?? 0;
      for (const frame of v.conn.sent.slice(from)) {
        if (!CALL_FRAMES.has(frame.type) || !("callId" in frame)) continue;
        const id = (frame as Extract<ServerMessage, { callId: string }>).callId;
        if (!owner.has(id)) owner.set(id, v.root);
        assert.equal(owner.get(id), v.root, `call ${id} reached a socket of another visitor (${frame.type}) after:\n${log.join("\n")}`);
      }
      seen.set(v.conn, v.conn.sent.length);
    }
  };
  const step = async (what: string, action: () => Promise<void>) => {
    log = [...log.slice(-30), what];
    await action();
    checkFrames();
    assert.deepEqual(errors, [], `errors logged after:\n${log.join("\n")}`);
  };
  const connectVisitor = async (resumeFrom?: Visitor) => {
    const token = resumeFrom?.conn.last("welcome")?.resumeToken;
    const conn = await room.connect(token ? { resume: token } : {});
    const resumed = conn.last("resumed") !== undefined || conn.last("ringing") !== undefined || conn.last("queued") !== undefined;
    if (resumed) reached.add("a call resumed");
    visitors.push({ conn, root: resumed && resumeFrom ? resumeFrom.root : conn.id });
  };
  /** Let time pass in ping intervals; live sockets answer pings, except those playing dead. */
  const pass = async (ms: number, dead: Set<FakeConnection> = new Set()) => {
    for (let left = ms; left > 0; left -= PING_INTERVAL_MS) {
      clock += Math.min(PING_INTERVAL_MS, left);
      await room.fireAlarm();
      for (const c of [...open(hosts), ...open(visitors).map((v) => v.conn)]) if (!dead.has(c)) await room.send(c, { type: "pong" });
    }
  };
  /** Every call ends by itself, and a host can then take a new one. */
  const settles = async () => {
    for (const v of open(visitors)) await room.drop(v.conn);
    await pass((RESUME_GRACE_S + 12) * 1000);
    assert.deepEqual(room.storage.data.get("calls") ?? [], [], `calls left after:\n${log.join("\n")}`);
    const host = open(hosts)[0] ?? (await room.connect({ host: "Ada" }));
    if (!hosts.includes(host)) hosts.push(host);
    await room.send(host, { type: "available", available: true });
    const caller = await room.connect();
    visitors.push({ conn: caller, root: caller.id });
    await room.send(caller, { type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } });
    const ringing = caller.last("ringing");
    assert.ok(ringing, `the next caller does not ring: ${JSON.stringify(caller.sent.at(-1))} after:\n${log.join("\n")}`);
    await room.send(host, { type: "accept", callId: ringing.callId });
    assert.equal(caller.last("accepted")?.callId, ringing.callId, `the host cannot take the next call after:\n${log.join("\n")}`);
    await room.send(host, { type: "hangup", callId: ringing.callId });
    checkFrames();
  };

  hosts.push(await room.connect({ host: "Ada" }), await room.connect({ host: "Grace" }));
  for (let i = 0; i < steps; i++) {
    const v = pick(open(visitors));
    const h = pick(open(hosts));
    // Mostly the calls in play (ringing at that host, the visitor's own), sometimes any or none.
    const ringingHere = h?.last("queue")?.calls.map((c) => c.callId) ?? [];
    const own = v ? [v.conn.last("ringing"), v.conn.last("queued"), v.conn.last("accepted")].flatMap((f) => (f ? [f.callId] : [])) : [];
    const callId = (rand() < 0.7 ? pick([...ringingHere, ...own]) : undefined) ?? pick(callIds()) ?? crypto.randomUUID();
    const dropped = visitors.filter((x) => x.conn.closed);
    const r = rand();
    if (r < 0.12 || !v) await step("visitor opens", () => connectVisitor());
    else if (r < 0.2) await step("visitor resumes a token (its own after a drop, or another's)", () => connectVisitor((rand() < 0.7 ? pick(dropped) : undefined) ?? pick(visitors)));
    else if (r < 0.3) await step(`visitor ${v.conn.id} calls`, () => room.send(v.conn, { type: "call", media: rand() < 0.5 ? "audio" : "video", capabilities: { webrtc: true, audio: true, video: true } }));
    else if (r < 0.35) await step(`visitor ${v.conn.id} cancels`, () => room.send(v.conn, { type: "cancel" }));
    else if (r < 0.42) await step(`visitor ${v.conn.id} hangs up ${callId}`, () => room.send(v.conn, { type: "hangup", callId }));
    else if (r < 0.48) await step(`visitor ${v.conn.id} signals ${callId}`, () => room.send(v.conn, { type: "signal", callId, candidate: { candidate: "c", sdpMid: "0", sdpMLineIndex: 0 } }));
    else if (r < 0.55) await step(`visitor ${v.conn.id} drops`, () => room.drop(v.conn));
    else if (r < 0.62 && h) await step(`host ${h.id} available`, () => room.send(h, { type: "available", available: rand() < 0.8 }));
    else if (r < 0.74 && h)
      await step(`host ${h.id} accepts ${callId}`, async () => {
        await room.send(h, { type: "accept", callId });
        // Mostly the visitor answers, as a browser does; sometimes it is gone before it can.
        const answering = visitors.find((x) => !x.conn.closed && x.conn.last("accepted")?.callId === callId);
        if (answering && rand() < 0.8) await room.send(answering.conn, { type: "signal", callId, candidate: { candidate: "a", sdpMid: "0", sdpMLineIndex: 0 } });
      });
    else if (r < 0.78 && h) await step(`host ${h.id} declines ${callId}`, () => room.send(h, { type: "decline", callId }));
    else if (r < 0.84 && h) await step(`host ${h.id} hangs up ${callId}`, () => room.send(h, { type: "hangup", callId }));
    else if (r < 0.88 && h) await step(`host ${h.id} signals ${callId}`, () => room.send(h, { type: "signal", callId, description: { type: "offer", sdp: "v=0" } }));
    else if (r < 0.9 && h) await step(`host ${h.id} drops`, () => room.drop(h));
    else if (r < 0.93) await step("a host signs in again", async () => void hosts.push(await room.connect({ host: rand() < 0.5 ? "Ada" : "Grace" })));
    else if (r < 0.97) await step("time passes", () => pass(Math.floor(rand() * 15_000)));
    else await step("a visitor plays dead while time passes", () => pass(Math.floor(rand() * 12_000), new Set([v.conn])));
    if (i % 100 === 99) await settles();
  }
  await settles();
  for (const v of visitors) for (const f of v.conn.sent) reached.add(f.type);
}

/** What the sequences got to, over all seeds. */
const reached = new Set<string>();

describe("hostile sequences of valid frames", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: 300 steps keep every invariant`, (t) => run(t, seed, 300));
  }
  it("reached every state they are meant to test", () => {
    for (const state of ["accepted", "queued", "declined", "ended", "resumed", "peer", "a call resumed"]) assert.ok(reached.has(state), `never reached: ${state}`);
  });
});
