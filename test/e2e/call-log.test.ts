/// <reference types="node" />
/**
 * Calls belong to conversations, at the room, with raw sockets: a waiting
 * call names its caller (from their conversation, or from the call), the
 * accepting host learns the conversation, and the call has one entry in the
 * conversation's timeline — stored ringing (a call from a visitor who never
 * wrote starts the conversation), then updated in place: in progress, and
 * how it ended (answered with its duration, declined, missed, cancelled). The
 * visitor's time zone and user agent become the conversation's details; a
 * deleted conversation leaves the missed calls too.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { uniqueRoom } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { useStack } from "../support/stack.ts";

const RING_TIMEOUT_S = 5;
const stack = useStack({ vars: { RING_TIMEOUT_S: String(RING_TIMEOUT_S) } });

const FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const SAFARI_ON_IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

const is = (type: string) => (f: Frame) => f.type === type;
/** A `message` frame carrying a call's entry in state `state`. */
const callIs = (state: string) => (f: Frame) => f.type === "message" && ((f.message as Frame).call as Frame | undefined)?.state === state;
/** The first waiting call of a `queue` frame. */
const firstWaiting = (f: Frame) => (f.calls as Frame[])[0]!;

/** A signed-in, available host socket of `room`, and its name. */
async function availableHost(room: string): Promise<{ host: RawSocket; name: string }> {
  const host = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, stack.hostKey));
  const welcome = await host.next("welcome", is("welcome"));
  await host.next("conversations", is("conversations"));
  host.send({ type: "available", available: true });
  return { host, name: String(welcome.name) };
}

/** A visitor socket, once the room knows a host is available. */
async function visitor(room: string, userAgent = FIREFOX_ON_LINUX): Promise<RawSocket> {
  const socket = await RawSocket.open(roomSocketUrl(stack.server.origin, room), { userAgent });
  await socket.next("a host available", (f) => f.type === "presence" && f.available === true);
  return socket;
}

test("a call names its caller from their conversation; answered and hung up, it is logged there with its duration, for both sides", async () => {
  const room = uniqueRoom("call-log");
  const { host, name: hostName } = await availableHost(room);
  const ada = await visitor(room);
  try {
    ada.send({ type: "text", text: "Can we talk?", name: "Ada", email: "ada@example.com", page: "https://example.com/pricing", timeZone: "Europe/Paris" });
    const written = await host.next("Ada's message", is("message"));
    const conversationId = String(written.conversationId);
    const details = written.conversation as Frame;
    assert.equal(details.timeZone, "Europe/Paris");
    assert.equal(details.browser, "Firefox 128");
    assert.equal(details.os, "Linux");
    assert.equal(details.device, "desktop");
    assert.equal(typeof details.createdAt, "number");

    // The call itself gives no name: the dashboard still knows who calls.
    ada.send({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } });
    const waiting = firstWaiting(await host.next("Ada's call waiting", (f) => f.type === "queue" && (f.calls as Frame[]).length === 1));
    assert.deepEqual(
      { name: waiting.name, email: waiting.email, page: waiting.page, conversationId: waiting.conversationId },
      { name: "Ada", email: "ada@example.com", page: "https://example.com/pricing", conversationId },
    );

    const ringing = await host.next("the call's entry, ringing", callIs("ringing"));
    assert.equal(ringing.conversationId, conversationId);
    const entryId = (ringing.message as Frame).id;
    assert.equal((ringing.message as Frame).text, "Audio call, ringing");

    host.send({ type: "accept", callId: waiting.callId });
    const accepted = await host.next("accepted", is("accepted"));
    assert.equal(accepted.conversationId, conversationId, "the accepting host learns the caller's conversation");
    assert.equal(accepted.peerName, "Ada");
    await ada.next("accepted", is("accepted"));
    const inCall = await host.next("the entry, in progress", callIs("in-call"));
    assert.equal((inCall.message as Frame).id, entryId, "the same entry, updated");
    assert.equal(((inCall.message as Frame).call as Frame).by, hostName);
    await new Promise((r) => setTimeout(r, 1_100));
    ada.send({ type: "hangup", callId: waiting.callId });

    const logged = await host.next("the entry, answered", callIs("answered"));
    assert.equal(logged.conversationId, conversationId);
    const entry = logged.message as Frame;
    const call = entry.call as Frame;
    assert.equal(entry.id, entryId, "still the same entry");
    assert.equal(entry.from, "visitor");
    assert.deepEqual({ callId: call.callId, media: call.media, by: call.by }, { callId: waiting.callId, media: "audio", by: hostName });
    assert.ok(typeof call.durationS === "number" && call.durationS >= 1 && call.durationS <= 10, `duration ${call.durationS} s`);
    assert.match(String(entry.text), /^Audio call with .+, 0:0\d$/);
    const told = await ada.next("the visitor's entry, answered", callIs("answered"));
    assert.deepEqual((told.message as Frame).call, call, "the visitor sees the same entry");

    // The next dashboard to connect lists it in the conversation.
    const later = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, stack.hostKey));
    try {
      const list = await later.next("conversations", is("conversations"));
      const listed = (list.conversations as Frame[]).find((c) => c.id === conversationId)!;
      assert.deepEqual((listed.messages as Frame[]).map((m) => (m.call as Frame | undefined)?.state ?? m.text), ["Can we talk?", "answered"]);
      assert.equal(listed.browser, "Firefox 128");
    } finally {
      await later.close();
    }
  } finally {
    await Promise.all([host.close(), ada.close()]);
  }
});

test("a visitor who never wrote: a declined call starts their conversation with the call's name; a cancelled one is logged too", async () => {
  const room = uniqueRoom("call-log-new");
  const { host } = await availableHost(room);
  const bob = await visitor(room, SAFARI_ON_IPHONE);
  try {
    bob.send({ type: "call", media: "video", capabilities: { webrtc: true, audio: true, video: true }, name: "Bob", page: "https://example.com/", timeZone: "America/New_York" });
    const waiting = firstWaiting(await host.next("Bob's call waiting", (f) => f.type === "queue" && (f.calls as Frame[]).length === 1));
    assert.equal(waiting.name, "Bob");
    assert.equal(waiting.email, undefined);
    assert.equal(typeof waiting.conversationId, "string", "a call without a conversation still has one to be logged in");
    const ringing = await host.next("the call's entry, ringing", callIs("ringing"));
    assert.equal(ringing.conversationId, waiting.conversationId, "the call started Bob's conversation");
    assert.deepEqual(
      { ...(ringing.conversation as Frame), createdAt: undefined },
      { name: "Bob", page: "https://example.com/", timeZone: "America/New_York", browser: "Safari 17", os: "iOS", device: "mobile", createdAt: undefined },
    );
    host.send({ type: "decline", callId: waiting.callId });
    await bob.next("declined", is("declined"));
    const declined = await host.next("the entry, declined", callIs("declined"));
    assert.equal(declined.conversationId, waiting.conversationId);
    assert.equal((declined.message as Frame).id, (ringing.message as Frame).id);

    bob.send({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } });
    const again = firstWaiting(await host.next("Bob's second call", (f) => f.type === "queue" && (f.calls as Frame[]).length === 1));
    bob.send({ type: "cancel" });
    const cancelled = await host.next("the second call's entry, cancelled", callIs("cancelled"));
    assert.deepEqual(
      { conversationId: cancelled.conversationId, callId: ((cancelled.message as Frame).call as Frame).callId },
      { conversationId: waiting.conversationId, callId: again.callId },
    );
  } finally {
    await Promise.all([host.close(), bob.close()]);
  }
});

test("a call nobody answers is missed: listed with its conversation, logged there; deleting the conversation takes it off the missed list", async () => {
  const room = uniqueRoom("call-log-missed");
  const { host } = await availableHost(room);
  const cleo = await visitor(room);
  try {
    cleo.send({ type: "text", text: "Hello?", name: "Cleo" });
    const conversationId = String((await host.next("Cleo's message", is("message"))).conversationId);
    cleo.send({ type: "call", media: "video", capabilities: { webrtc: true, audio: true, video: true } });
    const waiting = firstWaiting(await host.next("Cleo's call waiting", (f) => f.type === "queue" && (f.calls as Frame[]).length === 1));
    const missed = await host.next(`missed after ${RING_TIMEOUT_S} s`, (f) => f.type === "missed" && (f.calls as Frame[]).length > 0);
    assert.deepEqual(
      { callId: firstWaiting(missed).callId, name: firstWaiting(missed).name, conversationId: firstWaiting(missed).conversationId },
      { callId: waiting.callId, name: "Cleo", conversationId },
    );
    const logged = await host.next("the entry, missed", callIs("missed"));
    assert.equal(logged.conversationId, conversationId);
    assert.equal((logged.message as Frame).text, "Missed video call");

    host.send({ type: "delete", conversationId });
    await host.next("deleted", is("deleted"));
    const after = await host.next("the missed list without it", is("missed"));
    assert.deepEqual(after.calls, [], "a deleted conversation's missed call is kept nowhere");
  } finally {
    await Promise.all([host.close(), cleo.close()]);
  }
});
