/// <reference types="node" />
/**
 * Outgoing webhooks against a local receiver that checks what an owner's
 * endpoint should (signature, timestamp, id): every event arrives signed,
 * once and in order — a visitor's message, a host's reply, a call ringing
 * and answered, a call missed, a conversation deleted — and an outage
 * (500, 500, then 429 with Retry-After) delays them but loses and repeats
 * nothing.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, test } from "node:test";
import { eventually, uniqueRoom } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { useStack } from "../support/stack.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";

const SECRET = `hook-secret-${randomUUID()}`;
const RING_TIMEOUT_S = 5;
const receiver: WebhookReceiver = await startWebhookReceiver(SECRET);
after(() => receiver.stop());
const stack = useStack({ vars: () => ({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET, RING_TIMEOUT_S: String(RING_TIMEOUT_S) }) });

const is = (type: string) => (f: Frame) => f.type === type;

/** The events of `room` received so far. */
const eventsOf = (room: string) => receiver.events.filter((e) => e.room === room);

test("every event arrives signed, once, in order: messages, a call ringing and answered, a call missed, a conversation deleted", async () => {
  const room = uniqueRoom("hooks");
  const host = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, stack.hostKey));
  const ada = await RawSocket.open(roomSocketUrl(stack.server.origin, room));
  const bob = await RawSocket.open(roomSocketUrl(stack.server.origin, room));
  try {
    await host.next("conversations", is("conversations"));
    host.send({ type: "available", available: true });
    await ada.next("a host available", (f) => f.type === "presence" && f.available === true);
    ada.send({ type: "text", text: "Hello <b>there</b>", name: "Ada", email: "ada@example.com", page: "https://example.com/pricing" });
    const conversationId = String((await host.next("Ada's message", is("message"))).conversationId);
    host.send({ type: "reply", conversationId, text: "Hi Ada" });
    await host.next("the reply stored", is("sent"));
    ada.send({ type: "call", media: "video", capabilities: { webrtc: true, audio: true, video: true } });
    const callId = String(((await host.next("Ada's call", (f) => f.type === "queue" && (f.calls as Frame[]).length === 1)).calls as Frame[])[0]!.callId);
    host.send({ type: "accept", callId });
    await host.next("accepted", is("accepted"));
    host.send({ type: "hangup", callId });
    await host.next("ended", is("ended"));

    await bob.next("a host available", (f) => f.type === "presence" && f.available === true);
    bob.send({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true }, name: "Bob" });
    await bob.next(`no answer after ${RING_TIMEOUT_S} s`, (f) => f.type === "ended" && f.reason === "no-answer");
    host.send({ type: "delete", conversationId });
    await host.next("deleted", is("deleted"));

    const types = ["message.created", "message.created", "call.ringing", "call.answered", "call.ringing", "call.missed", "conversation.deleted"];
    const events = await eventually("the events", async () => eventsOf(room), (e) => e.length >= types.length);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(eventsOf(room).map((e) => e.type), types, "each once, in the order they happened");
    assert.deepEqual(receiver.refused, [], "every request was signed and fresh");
    assert.equal(new Set(events.map((e) => e.id)).size, events.length, "ids are unique");
    assert.deepEqual(events.map((e) => e.at), [...events.map((e) => e.at)].sort((a, b) => a - b));

    const [written, replied, ringing, answered, bobRinging, missed, deleted] = events;
    assert.deepEqual(written!.data, {
      conversationId,
      message: { id: (written!.data.message as Frame).id, from: "visitor", text: "Hello <b>there</b>", at: (written!.data.message as Frame).at },
      visitor: { name: "Ada", email: "ada@example.com", page: "https://example.com/pricing" },
    });
    assert.deepEqual({ from: (replied!.data.message as Frame).from, by: (replied!.data.message as Frame).by, text: (replied!.data.message as Frame).text }, { from: "host", by: "Host", text: "Hi Ada" });
    assert.deepEqual(ringing!.data, { callId, media: "video", conversationId, name: "Ada", email: "ada@example.com", page: "https://example.com/pricing" });
    assert.deepEqual({ callId: answered!.data.callId, by: answered!.data.by }, { callId, by: "Host" });
    assert.equal(bobRinging!.data.name, "Bob");
    assert.deepEqual({ callId: missed!.data.callId, name: missed!.data.name }, { callId: bobRinging!.data.callId, name: "Bob" });
    assert.deepEqual(deleted!.data, { conversationId });
  } finally {
    await Promise.all([host.close(), ada.close(), bob.close()]);
  }
});

test("an outage (500, 500, then 429 with Retry-After: 1) delays the events but loses and repeats none, in order", async () => {
  const room = uniqueRoom("hooks-outage");
  const visitor = await RawSocket.open(roomSocketUrl(stack.server.origin, room));
  try {
    await visitor.next("welcome", is("welcome"));
    receiver.failNext({ status: 500 }, { status: 500 }, { status: 429, headers: { "retry-after": "1" } });
    const texts = ["first", "second", "third"];
    for (const [i, text] of texts.entries()) {
      visitor.send({ type: "text", text, clientId: `m${i}` });
      await visitor.next(`"${text}" stored`, (f) => f.type === "sent" && f.clientId === `m${i}`);
    }
    await eventually("all three, after the outage", async () => eventsOf(room).length, (n) => n >= texts.length, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(eventsOf(room).map((e) => (e.data.message as Frame).text), texts, "once each, in order");
    assert.ok(receiver.statuses.filter((s) => s >= 400).length >= 3, `the outage was seen: ${receiver.statuses.join(", ")}`);
    assert.deepEqual(receiver.refused, []);
  } finally {
    await visitor.close();
  }
});
