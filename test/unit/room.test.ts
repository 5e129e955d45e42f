// The room's logic (queue, first accept wins, timeouts, resume, liveness,
// limits) driven through its PartyKit handlers over a fake Room.
import assert from "node:assert/strict";
import { beforeEach, describe, it, type TestContext } from "node:test";
import { FakeRoom, type FakeConnection } from "../support/fake-room.ts";
import { LIVENESS_TIMEOUT_MS, PING_INTERVAL_MS } from "../../party/core/connections.ts";
import { RESUME_GRACE_S, UNSIGNALED_GRACE_S } from "../../protocol/socket.ts";
import { HOST_SESSION } from "../../protocol/http.ts";

let clock = Date.UTC(2026, 0, 1, 12);

/** Date.now() under the test's control. */
function useClock(t: TestContext) {
  clock = Date.UTC(2026, 0, 1, 12);
  t.mock.method(Date, "now", () => clock);
}

async function availableHost(room: FakeRoom, name = "Host") {
  const host = await room.connect({ host: name });
  await room.send(host, { type: "available", available: true });
  return host;
}

async function caller(room: FakeRoom, media: "audio" | "video" = "audio") {
  const v = await room.connect();
  await room.send(v, { type: "call", media, capabilities: { webrtc: true, audio: true, video: true } });
  return v;
}

/** A call Ada accepted (and the visitor signaled for, unless `signaled: false`): the host, the visitor, the call's id. */
async function acceptedCall(room: FakeRoom, { signaled = true } = {}) {
  const ada = await availableHost(room, "Ada");
  const v = await caller(room);
  const callId = callIdOf(v);
  await room.send(ada, { type: "accept", callId });
  // The visitor answers, as a browser does once accepted (unless `signaled: false`).
  if (signaled) await room.send(v, { type: "signal", callId, candidate: { candidate: "a", sdpMid: "0", sdpMLineIndex: 0 } });
  return { ada, v, callId };
}

/**
 * Let `ms` pass in ping intervals, firing the alarm each time; `alive`
 * sockets answer every ping, as a live client does.
 */
async function tick(room: FakeRoom, ms: number, alive: FakeConnection[]) {
  for (let left = ms; left > 0; left -= PING_INTERVAL_MS) {
    clock += Math.min(PING_INTERVAL_MS, left);
    await room.fireAlarm();
    for (const c of alive) if (!c.closed) await room.send(c, { type: "pong" });
  }
}

const callIdOf = (v: FakeConnection) => (v.last("ringing") ?? v.last("queued"))!.callId;
const queueOf = (h: FakeConnection) => h.last("queue")!.calls.map((c) => `${c.name ?? c.callId.slice(0, 4)}:${c.state}${c.position ?? ""}${c.ringsHere ? "*" : ""}`);

describe("the room (fake Room)", () => {
  let room: FakeRoom;
  beforeEach(() => {
    room = new FakeRoom({ HOSTS: JSON.stringify({ Ada: "ada-key-123456789", Grace: "grace-key-456789012" }), ICE_SERVERS: "[]", RING_TIMEOUT_S: "10", MAX_QUEUE: "2" });
  });

  it("queues callers in order while the only free host is busy, then rings the next", async (t) => {
    useClock(t);
    const ada = await availableHost(room, "Ada");
    const first = await caller(room);
    clock += 10;
    const second = await caller(room);
    assert.equal(first.last("ringing")?.type, "ringing");
    assert.deepEqual(second.last("queued")?.position, 1);

    await room.send(ada, { type: "accept", callId: callIdOf(first) });
    assert.equal(first.last("accepted")?.polite, true);
    assert.equal(ada.last("accepted")?.polite, false);
    assert.deepEqual(second.last("queued")?.position, 1, "still first in line while Ada talks");

    await room.send(first, { type: "hangup", callId: first.last("accepted")!.callId });
    assert.equal(first.last("ended")?.reason, "hangup");
    assert.equal(ada.last("ended")?.reason, "hangup");
    assert.equal(second.sent.at(-1)?.type, "ringing", "the next caller rings once Ada is free");
    await room.send(ada, { type: "accept", callId: callIdOf(second) });
    assert.equal(second.last("accepted")?.callId, callIdOf(second));
  });

  it("an offer made while it rang goes to the visitor inside accepted, from the host whose accept won only", async () => {
    const ada = await availableHost(room, "Ada");
    const grace = await availableHost(room, "Grace");
    const v = await caller(room, "video");
    const callId = callIdOf(v);
    await room.send(grace, { type: "accept", callId, description: { type: "offer", sdp: "v=0 grace" } });
    await room.send(ada, { type: "accept", callId, description: { type: "offer", sdp: "v=0 ada" } });
    assert.deepEqual(v.of("accepted").map((a) => a.description), [{ type: "offer", sdp: "v=0 grace" }]);
    assert.equal(grace.last("accepted")?.description, undefined, "the host is not sent its own offer");
    assert.equal(v.of("signal").length, 0, "the offer is not sent a second time");
    assert.equal(ada.last("error")?.code, "not_found");
  });

  it("rings every free host; the first accept wins and the others are told who answered", async () => {
    const ada = await availableHost(room, "Ada");
    const grace = await availableHost(room, "Grace");
    const v = await caller(room, "video");
    const callId = callIdOf(v);
    assert.ok(ada.last("queue")!.calls[0].ringsHere);
    assert.ok(grace.last("queue")!.calls[0].ringsHere);

    await room.send(grace, { type: "accept", callId });
    await room.send(ada, { type: "accept", callId });
    assert.equal(v.of("accepted").length, 1);
    assert.equal(v.last("accepted")?.peerName, "Grace");
    assert.deepEqual(ada.last("answered"), { type: "answered", callId, by: "Grace" });
    assert.equal(ada.last("error")?.code, "not_found");
    assert.deepEqual(ada.last("queue")!.calls, []);
    assert.deepEqual(ada.last("hosts")!.hosts, [
      { name: "Ada", available: true, inCall: false },
      { name: "Grace", available: true, inCall: true },
    ]);
  });

  it("sends a dashboard `hosts` and `queue` each only when it changed", async () => {
    const ada = await availableHost(room, "Ada");
    const sent = (type: "hosts" | "queue") => ada.of(type).length;
    const [hosts, queue] = [sent("hosts"), sent("queue")];
    assert.ok(hosts > 0 && queue > 0, "both on becoming available");
    const v = await caller(room, "video");
    assert.equal(sent("queue"), queue + 1, "the call rings: a new queue");
    assert.equal(sent("hosts"), hosts, "no host changed: no hosts frame");
    await room.send(ada, { type: "accept", callId: callIdOf(v) });
    assert.equal(sent("queue"), queue + 2, "accepted: the queue is empty again");
    assert.equal(sent("hosts"), hosts + 1, "accepted: Ada is in a call");
    assert.equal(ada.last("hosts")!.hosts[0].inCall, true);
  });

  it("keeps ringing at the other host after one declines; declined when both have", async () => {
    const ada = await availableHost(room, "Ada");
    const grace = await availableHost(room, "Grace");
    const v = await caller(room);
    const callId = callIdOf(v);
    await room.send(ada, { type: "decline", callId });
    assert.equal(v.last("declined"), undefined);
    assert.equal(ada.last("queue")!.calls[0].ringsHere, false);
    assert.equal(grace.last("queue")!.calls[0].ringsHere, true);
    await room.send(grace, { type: "decline", callId });
    assert.deepEqual(v.last("declined"), { type: "declined", callId });
  });

  it("refuses callers beyond MAX_QUEUE with queue_full, and calls while nobody is available", async () => {
    const lonely = await caller(room);
    assert.equal(lonely.last("error")?.code, "unavailable");
    await availableHost(room, "Ada");
    const callers = [await caller(room), await caller(room), await caller(room)];
    const placed = (c: (typeof callers)[number]) => c.sent.filter((f) => f.type === "ringing" || f.type === "queued").at(-1)?.type;
    assert.deepEqual(callers.map(placed), ["ringing", "queued", "queued"]);
    const fourth = await caller(room);
    assert.equal(fourth.last("error")?.code, "queue_full");
  });

  it("ends an unanswered ring with no-answer after RING_TIMEOUT_S and lists it as missed", async (t) => {
    useClock(t);
    const ada = await availableHost(room, "Ada");
    const v = await caller(room);
    assert.ok(room.storage.alarm !== null && room.storage.alarm <= clock + 10_000);
    await tick(room, 9_000, [ada, v]);
    assert.equal(v.last("ended"), undefined);
    await tick(room, 1_000, [ada, v]);
    assert.equal(v.last("ended")?.reason, "no-answer");
    assert.equal(ada.last("missed")?.calls.length, 1);
    assert.equal(ada.last("missed")?.calls[0].callId, callIdOf(v));
    assert.deepEqual(ada.last("queue")!.calls, []);
  });

  it("gives a reconnecting visitor its place in line back with a valid resume token", async (t) => {
    useClock(t);
    const ada = await availableHost(room, "Ada");
    await caller(room); // rings
    const v = await caller(room);
    const token = v.last("welcome")!.resumeToken!;
    const callId = callIdOf(v);
    await room.drop(v);
    assert.deepEqual(queueOf(ada).map((s) => s.split(":")[1]), ["ringing*", "reconnecting"]);
    clock += (RESUME_GRACE_S - 1) * 1000;
    const back = await room.connect({ resume: token });
    assert.deepEqual(back.last("queued"), { type: "queued", callId, media: "audio", position: 1 });

    // A forged token gets a new identity and nothing to resume.
    const [id, expiry, sig] = token.split(".");
    const forged = await room.connect({ resume: `${id}.${expiry}.${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}` });
    assert.equal(forged.last("queued"), undefined);
  });

  it("drops a waiting caller that does not come back within the grace", async (t) => {
    useClock(t);
    const ada = await availableHost(room, "Ada");
    const v = await caller(room);
    const token = v.last("welcome")!.resumeToken!;
    await room.drop(v);
    await tick(room, (RESUME_GRACE_S - 2) * 1000, [ada]);
    assert.equal(ada.last("queue")!.calls.length, 1);
    await tick(room, 2000, [ada]);
    assert.deepEqual(ada.last("queue")!.calls, []);
    const late = await room.connect({ resume: token });
    assert.equal(late.last("queued") ?? late.last("ringing"), undefined);
  });

  it("ends an accepted call as failed UNSIGNALED_GRACE_S after its visitor went before it ever signaled", async (t) => {
    useClock(t);
    const { ada, v, callId } = await acceptedCall(room, { signaled: false });
    await room.drop(v);
    assert.deepEqual(ada.last("peer"), { type: "peer", callId, connected: false });
    await tick(room, UNSIGNALED_GRACE_S * 1000 - 500, [ada]);
    assert.equal(ada.last("ended"), undefined, "still waiting for the visitor");
    await tick(room, 500, [ada]);
    assert.deepEqual(ada.last("ended"), { type: "ended", callId, reason: "failed" });
  });

  it("a visitor whose socket blips before it ever signaled gets its accepted call back, and its answer reaches the host", async (t) => {
    useClock(t);
    const { ada, v, callId } = await acceptedCall(room, { signaled: false });
    await room.drop(v);
    await tick(room, 1_500, [ada]);
    const back = await room.connect({ resume: v.last("welcome")!.resumeToken! });
    assert.equal(back.last("resumed")?.callId, callId);
    assert.deepEqual(ada.last("peer"), { type: "peer", callId, connected: true });
    await room.send(back, { type: "signal", callId, description: { type: "answer", sdp: "v=0" } });
    assert.equal(ada.last("signal")?.description?.type, "answer");
    await tick(room, UNSIGNALED_GRACE_S * 1000, [ada, back]);
    assert.equal(ada.last("ended"), undefined, "the call goes on");
  });

  it("keeps an active call through a visitor's reconnect, telling the host", async (t) => {
    useClock(t);
    const { ada, v, callId } = await acceptedCall(room);
    await room.drop(v);
    assert.deepEqual(ada.last("peer"), { type: "peer", callId, connected: false });
    await room.send(ada, { type: "signal", callId, candidate: { candidate: "c", sdpMid: "0", sdpMLineIndex: 0 } });
    assert.equal(ada.last("error")?.code, "not_found");
    clock += 5_000;
    const back = await room.connect({ resume: v.last("welcome")!.resumeToken! });
    assert.equal(back.last("resumed")?.callId, callId);
    assert.deepEqual(ada.last("peer"), { type: "peer", callId, connected: true });
    await room.send(ada, { type: "signal", callId, candidate: { candidate: "c2", sdpMid: "0", sdpMLineIndex: 0 } });
    assert.equal(back.last("signal")?.candidate?.candidate, "c2");
  });

  it("spends a resume token on use: the same token cannot resume twice, the new one can", async (t) => {
    useClock(t);
    const { v, callId } = await acceptedCall(room);
    const first = v.last("welcome")!.resumeToken!;
    await room.drop(v);
    const back = await room.connect({ resume: first });
    assert.equal(back.last("resumed")?.callId, callId);
    await room.send(back, { type: "pong" }); // heard from: its new token arrived
    await room.drop(back);
    const replay = await room.connect({ resume: first });
    assert.equal(replay.last("resumed"), undefined, "the spent token resumes nothing");
    const again = await room.connect({ resume: back.last("welcome")!.resumeToken! });
    assert.equal(again.last("resumed")?.callId, callId);
  });

  it("keeps the old token good when the socket that spent it dies before it is heard from", async () => {
    const { v, callId } = await acceptedCall(room);
    const first = v.last("welcome")!.resumeToken!;
    await room.drop(v);
    // The resume goes through, but the socket (or the room) dies before its new token reaches the visitor.
    const lost = await room.connect({ resume: first });
    assert.equal(lost.last("resumed")?.callId, callId);
    await room.drop(lost);
    const back = await room.connect({ resume: first });
    assert.equal(back.last("resumed")?.callId, callId, "the visitor's only token still resumes its call");
    // Not while the socket that spent it is open, though: one socket has the call at a time.
    const rival = await room.connect({ resume: first });
    assert.equal(rival.last("resumed"), undefined);
    assert.equal(back.closedWith, undefined);
  });

  it("lets only one of two sockets racing with one resume token have the call", async () => {
    const { v, callId } = await acceptedCall(room);
    const token = v.last("welcome")!.resumeToken!;
    await room.drop(v);
    const both = await Promise.all([room.connect({ resume: token }), room.connect({ resume: token })]);
    assert.equal(both.filter((c) => c.last("resumed")?.callId === callId).length, 1);
  });

  it("closes the owner's socket, saying why, when its resume token is presented while it is open", async () => {
    const { ada, v, callId } = await acceptedCall(room);
    const other = await room.connect({ resume: v.last("welcome")!.resumeToken! });
    assert.equal(other.last("resumed")?.callId, callId);
    assert.deepEqual(v.closedWith, { code: 4001, reason: "Resumed on another connection" });
    await room.drop(v);
    assert.equal(ada.last("peer")?.connected, true, "the old socket leaving does not take the call with it");
    await room.send(ada, { type: "signal", callId, candidate: { candidate: "c", sdpMid: "0", sdpMLineIndex: 0 } });
    assert.equal(other.last("signal")?.candidate?.candidate, "c");
  });

  it("signs out a host socket whose key is removed, on the next alarm", async (t) => {
    useClock(t);
    const ada = await availableHost(room, "Ada");
    const grace = await availableHost(room, "Grace");
    // Ada's key removed: a new configuration, as a redeploy brings.
    room.env = { ...room.env, HOSTS: JSON.stringify({ Grace: "grace-key-456789012" }) };
    clock += PING_INTERVAL_MS;
    await room.fireAlarm();
    assert.deepEqual(ada.closedWith, { code: 4003, reason: "Signed out: the session expired or the host key changed" });
    assert.equal(grace.closedWith, undefined);
    assert.equal(grace.last("ping")?.type, "ping");
  });

  it("signs out a host socket when its sign-in expires (HOST_SESSION_S)", async (t) => {
    useClock(t);
    room = new FakeRoom({ HOST_KEY: "host-key-1234567890", ICE_SERVERS: "[]", HOST_SESSION_S: "60" });
    const session = await room.call(HOST_SESSION, { body: { key: "host-key-1234567890" } });
    assert.ok(session.ok, `HTTP ${session.status}`);
    const { token } = session.body;
    const host = await room.connect({ host: "Host", token });
    await room.send(host, { type: "available", available: true });
    await tick(room, 58_000, [host]);
    assert.equal(host.closedWith, undefined, "still signed in before expiry");
    await tick(room, 4_000, [host]);
    assert.deepEqual(host.closedWith, { code: 4003, reason: "Signed out: the session expired or the host key changed" });
  });

  it("keeps calls across a restart of the server (same storage)", async (t) => {
    useClock(t);
    const { ada, v, callId } = await acceptedCall(room);
    const conversationId = ada.last("accepted")!.conversationId;
    assert.equal(typeof conversationId, "string");
    // Every socket is gone and a new server instance starts on the same storage.
    room.connections.clear();
    room.boot();
    const ada2 = await room.connect({ host: "Ada" });
    assert.deepEqual(ada2.last("resumed"), { type: "resumed", callId, media: "audio", polite: false, conversationId, iceServers: [], iceTransportPolicy: "all" });
    const v2 = await room.connect({ resume: v.last("welcome")!.resumeToken! });
    assert.equal(v2.last("resumed")?.callId, callId);
    await room.send(v2, { type: "hangup", callId });
    assert.equal(ada2.last("ended")?.reason, "hangup");
  });

  it("takes a silent host as gone within the liveness timeout and tells the ringing visitor", async (t) => {
    useClock(t);
    room = new FakeRoom({ HOST_KEY: "host-key-1234567890", ICE_SERVERS: "[]" });
    const ada = await availableHost(room, "Host");
    const v = await caller(room);
    const watcher = await room.connect();
    assert.equal(watcher.last("presence")?.available, true);
    // Ada answers pings for a while...
    await tick(room, 20_000, [ada, v]);
    assert.ok(ada.of("ping").length >= 10);
    assert.equal(watcher.last("presence")?.available, true);
    // ...then falls silent (a dead socket: no close ever arrives).
    await tick(room, LIVENESS_TIMEOUT_MS - PING_INTERVAL_MS, [v]);
    assert.equal(ada.closed, false);
    await tick(room, 2 * PING_INTERVAL_MS, [v]);
    assert.equal(ada.closed, true);
    assert.equal(watcher.last("presence")?.available, false);
    assert.equal(v.last("ended")?.reason, "unavailable");
  });

  it("authorizes signaling: only within one's own active call", async () => {
    const ada = await availableHost(room, "Ada");
    const v = await caller(room);
    const other = await room.connect();
    const callId = callIdOf(v);
    await room.send(ada, { type: "accept", callId });
    const signal = { type: "signal", callId, description: { type: "offer", sdp: "v=0" } };
    await room.send(other, signal);
    assert.equal(other.last("error")?.code, "not_found", "a stranger cannot signal into the call");
    await room.send(other, { type: "hangup", callId });
    assert.equal(other.last("error")?.code, "not_found", "nor hang it up");
    assert.equal(ada.last("signal"), undefined);
    await room.send(v, signal);
    assert.deepEqual(ada.last("signal"), signal);
    assert.ok(!other.sent.some((m) => m.type === "signal" || m.type === "message"), "nothing leaks to other visitors");
  });

  it("rate-limits text and call requests per connection", async () => {
    await availableHost(room, "Ada");
    const v = await room.connect();
    for (let i = 0; i < 5; i++) await room.send(v, { type: "text", text: `hello ${i}` });
    assert.equal(v.of("sent").length, 5);
    await room.send(v, { type: "text", text: "one too many" });
    assert.equal(v.last("error")?.code, "rate_limited");
    assert.equal(v.of("sent").length, 5);
    const flood = await room.connect();
    for (let i = 0; i < 60; i++) await room.send(flood, { type: "ping" });
    assert.ok(flood.of("error").some((e) => e.code === "rate_limited"));
    assert.ok(flood.of("pong").length >= 40);
  });
});
