/// <reference types="node" />
/**
 * Web Push from the room to hosts' devices, against a local push service
 * (HTTPS, `push-service.ts`) that checks each push as a real one does — the
 * VAPID JWT against the room's key, the headers, and the payload decrypted
 * with the subscription's own keys, made here as a browser makes them:
 * devices registered and removed per host; with no dashboard open a host with
 * "Ring my devices" is reachable and a call rings their phone (longer), is
 * answered from the dashboard, or declined from the notification, or missed;
 * a message no host saw is pushed once, collapsed; a subscription the push
 * service calls gone is dropped; a 503 is retried.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { DECLINE_CALL, endpointPath } from "../../protocol/http.ts";
import { ADDRESS_RATES } from "../../party/core/limits.ts";
import { callTopic, conversationTopic } from "../../protocol/push.ts";
import { MAX_PUSH_DEVICES, WEEKDAYS, type BusinessHours } from "../../protocol/socket.ts";
import { eventually, uniqueRoom } from "../support/browser.ts";
import { startPushService, type PushService, type TestSubscription } from "../support/push-service.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { startServer, type TestServer } from "../support/server.ts";

const HOST_KEY = randomUUID();
const RING_TIMEOUT_PUSH_S = 6;
const is = (type: string) => (f: Frame) => f.type === type;

let push: PushService;
let server: TestServer;
before(async () => {
  push = await startPushService();
  server = await startServer({
    vars: { HOST_KEY, ICE_SERVERS: "[]", RING_TIMEOUT_PUSH_S: String(RING_TIMEOUT_PUSH_S), PUSH_MESSAGE_DELAY_S: "1" },
    env: { SSL_CERT_FILE: push.caBundle },
  });
});
after(async () => {
  await server?.stop();
  await push?.stop();
});

/** A signed-in host socket of `room`, and the room's VAPID public key from its `push` frame. */
async function host(room: string): Promise<{ socket: RawSocket; publicKey: string; frame: Frame }> {
  const socket = await RawSocket.open(await hostSocketUrl(server.origin, room, HOST_KEY));
  const frame = await socket.next("push settings", is("push"));
  return { socket, publicKey: String(frame.publicKey), frame };
}

/** Register a new device of the host at `socket`; resolves with the `push` frame that lists it. */
async function addDevice(socket: RawSocket, publicKey: string, label: string): Promise<{ sub: TestSubscription; frame: Frame }> {
  const sub = push.subscribe(publicKey);
  socket.send({ type: "push-subscribe", subscription: sub.json, label });
  const frame = await socket.next(`${label} listed`, (f) => f.type === "push" && (f.devices as Frame[]).some((d) => d.endpoint === sub.json.endpoint));
  return { sub, frame };
}

const pushesTo = (sub: TestSubscription) => push.received.filter((r) => r.subscription === sub.id);
/** The push to `sub` after the first `count` of them (waiting for it). */
const pushAfter = (sub: TestSubscription, count: number) => eventually(`push ${count + 1} to the device`, async () => pushesTo(sub)[count], (p) => p !== undefined, 15_000);

test("a host's devices: the room's VAPID key, added, renewed, listed, at most 10, removed; only hosts may, and only valid subscriptions", async () => {
  const room = uniqueRoom("push-devices");
  const { socket, publicKey, frame } = await host(room);
  const visitor = await RawSocket.open(roomSocketUrl(server.origin, room));
  try {
    assert.match(publicKey, /^B[A-Za-z0-9_-]{86}$/, "an uncompressed P-256 point, base64url");
    assert.deepEqual({ ring: frame.ring, devices: frame.devices }, { ring: false, devices: [] });
    const { sub, frame: one } = await addDevice(socket, publicKey, "Phone");
    assert.equal((one.devices as Frame[]).length, 1);
    assert.equal((one.devices as Frame[])[0]!.label, "Phone");
    // The same endpoint again renews its entry, it does not add one.
    socket.send({ type: "push-subscribe", subscription: sub.json, label: "My phone" });
    const renewed = await socket.next("renewed", (f) => f.type === "push" && (f.devices as Frame[])[0]?.label === "My phone");
    assert.equal((renewed.devices as Frame[]).length, 1);
    // Bounded: the oldest goes.
    let last: Frame = renewed;
    for (let i = 0; i < MAX_PUSH_DEVICES; i++) last = (await addDevice(socket, publicKey, `Laptop ${i}`)).frame;
    const devices = last.devices as Frame[];
    assert.equal(devices.length, MAX_PUSH_DEVICES);
    assert.ok(!devices.some((d) => d.endpoint === sub.json.endpoint), "the oldest device went");
    socket.send({ type: "push-unsubscribe", id: String(devices[0]!.id) });
    const fewer = await socket.next("removed", (f) => f.type === "push" && (f.devices as Frame[]).length === MAX_PUSH_DEVICES - 1);
    assert.ok(!(fewer.devices as Frame[]).some((d) => d.id === devices[0]!.id));

    socket.send({ type: "push-unsubscribe", id: "no-such-device" });
    assert.equal((await socket.next("unknown device", is("error"))).code, "not_found");
    socket.send({ type: "push-subscribe", subscription: { ...sub.json, endpoint: "http://127.0.0.1/push/x" } });
    const insecure = await socket.next("http endpoint", is("error"));
    assert.equal(insecure.code, "bad_message");
    assert.match(String(insecure.message), /https/);
    socket.send({ type: "push-subscribe", subscription: { ...sub.json, keys: { ...sub.json.keys, auth: "c2hvcnQ" } } });
    assert.match(String((await socket.next("short auth", is("error"))).message), /auth: expected 16 bytes/);
    visitor.send({ type: "push-subscribe", subscription: sub.json });
    assert.equal((await visitor.next("a visitor", is("error"))).code, "forbidden");
    visitor.send({ type: "push-ring", ring: true });
    assert.equal((await visitor.next("a visitor", is("error"))).code, "forbidden");
  } finally {
    await socket.close();
    await visitor.close();
  }
});

test("with no dashboard open, a call rings the host's phone by push as it starts ringing (the delay is printed); answered from the dashboard, the push is replaced", async () => {
  const room = uniqueRoom("push-call");
  const { socket, publicKey } = await host(room);
  const { sub } = await addDevice(socket, publicKey, "Phone");
  socket.send({ type: "push-ring", ring: true });
  await socket.next("ring on", (f) => f.type === "push" && f.ring === true);
  await socket.close();

  const visitor = await RawSocket.open(roomSocketUrl(server.origin, room));
  try {
    await visitor.next("reachable by push", (f) => f.type === "presence" && f.available === true);
    const before = pushesTo(sub).length;
    const asked = Date.now();
    visitor.send({ type: "call", media: "video", capabilities: { webrtc: true, audio: true, video: true }, name: "Ada", page: "https://example.com/pricing?x=1" });
    const ringing = await visitor.next("ringing", is("ringing"));
    assert.equal(ringing.via, "push", "it rings by push only: the widget says so");
    const call = await pushAfter(sub, before);
    const delay = call.at - asked;
    console.log(`# the call's push reached the push service ${delay} ms after the call frame was sent`);
    assert.ok(delay < RING_TIMEOUT_PUSH_S * 1000, `the push came ${delay} ms after the call, before it stopped ringing`);
    const callId = String(ringing.callId);
    assert.deepEqual(
      { ...call.payload, until: undefined, declineToken: undefined },
      { type: "call", room, origin: server.origin, callId, media: "video", name: "Ada", page: "https://example.com/pricing", until: undefined, declineToken: undefined },
    );
    assert.equal(call.urgency, "high");
    assert.equal(call.topic, callTopic(callId));
    assert.ok(call.ttl > 0 && call.ttl <= RING_TIMEOUT_PUSH_S, `TTL ${call.ttl} within the push ring timeout`);
    assert.equal(typeof call.payload.declineToken, "string");
    assert.equal(call.claims.aud, push.origin);

    // The host opens the dashboard (the notification's Answer): the call rings there, it accepts.
    const dashboard = await RawSocket.open(await hostSocketUrl(server.origin, room, HOST_KEY));
    try {
      const queue = await dashboard.next("the call rings here", (f) => f.type === "queue" && (f.calls as Frame[]).some((c) => c.callId === callId && c.ringsHere === true));
      assert.ok(queue);
      dashboard.send({ type: "accept", callId });
      await dashboard.next("accepted", is("accepted"));
      await visitor.next("accepted", is("accepted"));
      const ended = await pushAfter(sub, before + 1);
      assert.deepEqual({ type: ended.payload.type, state: ended.payload.state, by: ended.payload.by, callId: ended.payload.callId }, { type: "call-end", state: "answered", by: "Host", callId });
      assert.equal(ended.topic, callTopic(callId), "the same Topic: it replaces the ringing push");
      dashboard.send({ type: "hangup", callId });
      await visitor.next("ended", is("ended"));
    } finally {
      await dashboard.close();
    }
  } finally {
    await visitor.close();
  }
});

test("declined from the notification with its token (only that call, only that token); unanswered, a push call rings RING_TIMEOUT_PUSH_S and is missed", async () => {
  const room = uniqueRoom("push-decline");
  const { socket, publicKey } = await host(room);
  const { sub } = await addDevice(socket, publicKey, "Phone");
  socket.send({ type: "push-ring", ring: true });
  await socket.next("ring on", (f) => f.type === "push" && f.ring === true);
  await socket.close();
  const decline = (body: unknown, address?: string) =>
    fetch(`${server.origin}${endpointPath(DECLINE_CALL, room)}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(address ? { "cf-connecting-ip": address } : {}) },
      body: JSON.stringify(body),
    });

  const visitor = await RawSocket.open(roomSocketUrl(server.origin, room));
  try {
    await visitor.next("reachable", (f) => f.type === "presence" && f.available === true);
    visitor.send({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true }, name: "Bob" });
    const callId = String((await visitor.next("ringing", is("ringing"))).callId);
    const token = String((await pushAfter(sub, 0)).payload.declineToken);

    const forged = await decline({ callId, token: token.slice(0, -2) + (token.endsWith("AA") ? "BA" : "AA") });
    assert.equal(forged.status, 401);
    await forged.arrayBuffer();
    const otherCall = await decline({ callId: randomUUID(), token });
    assert.equal(otherCall.status, 401, "a token stands for its call only");
    await otherCall.arrayBuffer();
    const malformed = await decline({ callId });
    assert.equal(malformed.status, 400);
    await malformed.arrayBuffer();
    // Guessing from one address: its allowance of wrong tokens, then 429 whatever it sends; other addresses are not affected.
    const guesser = "198.51.100.66";
    for (let i = 0; i < ADDRESS_RATES.decline.burst; i++) {
      const wrong = await decline({ callId, token: `${token.slice(0, -6)}${String(i).padStart(6, "A")}` }, guesser);
      assert.equal(wrong.status, 401, `wrong token ${i + 1}`);
      await wrong.arrayBuffer();
    }
    const limited = await decline({ callId, token }, guesser);
    assert.equal(limited.status, 429, "past the allowance");
    assert.ok(Number(limited.headers.get("retry-after")) > 0, "with Retry-After");
    assert.equal(((await limited.json()) as { error: string }).error, "rate_limited");
    const res = await decline({ callId, token });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { declined: true });
    await visitor.next("declined", is("declined"));
    const again = await decline({ callId, token });
    assert.deepEqual(await again.json(), { declined: false }, "no longer waiting");

    // Missed: nobody answers; it rings the push timeout, then every device hears it was missed.
    visitor.send({ type: "call", media: "video", capabilities: { webrtc: true, audio: true, video: true }, name: "Bob" });
    const second = await visitor.next("ringing again", is("ringing"));
    const started = Date.now();
    const ended = await visitor.next("no answer", (f) => f.type === "ended" && f.callId === second.callId);
    const rang = (Date.now() - started) / 1000;
    assert.equal(ended.reason, "no-answer");
    assert.ok(rang >= RING_TIMEOUT_PUSH_S - 1, `rang ${rang} s, the push ring timeout (${RING_TIMEOUT_PUSH_S} s)`);
    const missed = await eventually("the missed push", async () => pushesTo(sub).at(-1)!, (p) => p.payload.type === "call-end" && p.payload.callId === second.callId);
    assert.equal(missed.payload.state, "missed");
    assert.equal(missed.topic, callTopic(String(second.callId)));
    assert.ok(missed.ttl > RING_TIMEOUT_PUSH_S, "a missed call waits for an offline phone");
  } finally {
    await visitor.close();
  }
});

test("a visitor's messages no host saw are pushed once after PUSH_MESSAGE_DELAY_S, collapsed per conversation; seen ones are not", async () => {
  const room = uniqueRoom("push-message");
  const { socket, publicKey } = await host(room);
  const { sub } = await addDevice(socket, publicKey, "Phone");
  const ada = await RawSocket.open(roomSocketUrl(server.origin, room));
  const bob = await RawSocket.open(roomSocketUrl(server.origin, room));
  try {
    const before = pushesTo(sub).length;
    ada.send({ type: "text", text: "Hello?", name: "Ada" });
    await ada.next("sent", is("sent"));
    ada.send({ type: "text", text: "Are you there? ".repeat(20) });
    await ada.next("sent", is("sent"));
    const adaConversation = String((await socket.next("Ada's message", is("message"))).conversationId);
    bob.send({ type: "text", text: "Quick question", name: "Bob" });
    const bobConversation = String((await socket.next("Bob's message", (f) => f.type === "message" && f.conversationId !== adaConversation)).conversationId);
    socket.send({ type: "read", conversationId: bobConversation });
    await bob.next("seen by the host", (f) => f.type === "seen" && f.by === "host");

    await pushAfter(sub, before);
    await new Promise((r) => setTimeout(r, 2500));
    const messages = pushesTo(sub).slice(before);
    assert.equal(messages.length, 1, `one push, for Ada only: ${JSON.stringify(messages.map((m) => m.payload))}`);
    const [one] = messages;
    assert.deepEqual({ ...one!.payload, text: undefined }, { type: "message", room, origin: server.origin, conversationId: adaConversation, name: "Ada", unseen: 2, text: undefined });
    assert.equal(String(one!.payload.text).length, 140, "a preview of the newest");
    assert.equal(one!.topic, conversationTopic(adaConversation));
    assert.equal(one!.urgency, "normal");
  } finally {
    await socket.close();
    await ada.close();
    await bob.close();
  }
});

test("a subscription the push service calls gone (410) is removed; a 503 is retried and delivered", async () => {
  const room = uniqueRoom("push-gone");
  const { socket, publicKey } = await host(room);
  const { sub } = await addDevice(socket, publicKey, "Old phone");
  const visitor = await RawSocket.open(roomSocketUrl(server.origin, room));
  try {
    push.failNext({ status: 503 });
    visitor.send({ type: "text", text: "First" });
    await visitor.next("sent", is("sent"));
    const delivered = await eventually("retried after the 503", async () => pushesTo(sub), (p) => p.filter((r) => r.status === 201).length === 1, 15_000);
    assert.deepEqual(delivered.map((r) => r.status), [503, 201]);
    assert.deepEqual(delivered[0]!.payload, delivered[1]!.payload, "the same message again");

    socket.send({ type: "read", conversationId: String(delivered[1]!.payload.conversationId) });
    push.failNext({ status: 410 });
    visitor.send({ type: "text", text: "Second" });
    const gone = await socket.next("the gone device removed", (f) => f.type === "push" && (f.devices as Frame[]).length === 0);
    assert.deepEqual(gone.devices, []);
    assert.deepEqual(pushesTo(sub).map((r) => r.status), [503, 201, 410]);
  } finally {
    await socket.close();
    await visitor.close();
  }
});

test("outside the business hours, Ring my devices does not make the host reachable", async () => {
  const room = uniqueRoom("push-hours");
  const { socket, publicKey } = await host(room);
  await addDevice(socket, publicKey, "Phone");
  socket.send({ type: "push-ring", ring: true });
  await socket.next("ring on", (f) => f.type === "push" && f.ring === true);
  // Closed every day but one, two days from now.
  const day = WEEKDAYS[(new Date(Date.now() + 2 * 86_400_000).getUTCDay() + 6) % 7]!;
  socket.send({ type: "hours", hours: { timeZone: "UTC", [day]: "10:00-11:00" } as BusinessHours });
  await socket.next("closed", (f) => f.type === "hours" && f.open === false);
  await socket.close();
  const visitor = await RawSocket.open(roomSocketUrl(server.origin, room));
  try {
    const presence = await visitor.next("presence", is("presence"));
    assert.equal(presence.available, false);
    assert.equal(typeof presence.nextOpen, "number");
    visitor.send({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } });
    assert.equal((await visitor.next("refused", is("error"))).code, "unavailable");
  } finally {
    await visitor.close();
  }
});
