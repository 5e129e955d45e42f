/// <reference types="node" />
/**
 * Typing notices and read receipts at the room, with raw sockets: relayed to
 * the other side of the conversation only, typing never stored and dropped
 * beyond its rate, `seen` both ways and kept for the next connection, and a
 * host that names no conversation, or another room's, refused.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { uniqueRoom } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

const is = (type: string) => (f: Frame) => f.type === type;

/** A visitor socket that has written `text` (so its conversation exists), and that conversation's id and token. */
async function visitorWith(origin: string, room: string, text: string, name?: string) {
  const socket = await RawSocket.open(roomSocketUrl(origin, room));
  const welcome = await socket.next("welcome", is("welcome"));
  socket.send({ type: "text", text, name, clientId: randomUUID() });
  await socket.next("sent", is("sent"));
  return { socket, token: String(welcome.conversationToken) };
}

test("typing goes to the other side of that conversation only, and is dropped beyond its rate", async () => {
  const origin = stack.server.origin;
  const room = uniqueRoom("typing");
  const host = await RawSocket.open(await hostSocketUrl(origin, room, stack.hostKey));
  await host.next("conversations", is("conversations"));
  const ada = await visitorWith(origin, room, "Hello", "Ada");
  const bob = await visitorWith(origin, room, "Hi");
  const adaId = String((await host.next("Ada's message", (f) => f.type === "message" && (f.conversation as Frame)?.name === "Ada")).conversationId);
  try {
    ada.socket.send({ type: "typing" });
    const typing = await host.next("Ada typing", is("typing"));
    assert.deepEqual(typing, { type: "typing", conversationId: adaId, from: "visitor", name: "Ada" });

    host.send({ type: "typing", conversationId: adaId });
    const toAda = await ada.socket.next("the host typing", is("typing"));
    assert.deepEqual(toAda, { type: "typing", conversationId: adaId, from: "host", name: "Host" });

    // A host must name the conversation; a conversation of no one is refused.
    host.send({ type: "typing" });
    assert.equal((await host.next("an error", is("error"))).code, "bad_message");
    host.send({ type: "typing", conversationId: randomUUID() });
    assert.equal((await host.next("an error", is("error"))).code, "not_found");

    // Beyond 3 at once (then one a second), typing is dropped, without an error.
    const before = host.frames.filter(is("typing")).length;
    for (let i = 0; i < 10; i++) bob.socket.send({ type: "typing" });
    bob.socket.send({ type: "ping" });
    await bob.socket.next("pong", is("pong"));
    await new Promise((r) => setTimeout(r, 300));
    const relayed = host.frames.filter(is("typing")).length - before;
    assert.ok(relayed >= 1 && relayed <= 4, `relayed ${relayed} of 10 typing frames`);
    assert.equal(bob.socket.frames.filter(is("error")).length, 0, "a dropped typing frame answered with an error");
    assert.equal(bob.socket.frames.filter(is("typing")).length, 0, "Bob heard typing from another conversation");
  } finally {
    await Promise.all([host.close(), ada.socket.close(), bob.socket.close()]);
  }
});

test("seen both ways: the visitor and the dashboards hear it, and the next connections get it", async () => {
  const origin = stack.server.origin;
  const room = uniqueRoom("seen");
  const hostUrl = await hostSocketUrl(origin, room, stack.hostKey);
  const host = await RawSocket.open(hostUrl);
  await host.next("conversations", is("conversations"));
  const ada = await visitorWith(origin, room, "Hello", "Ada");
  const id = String((await host.next("Ada's message", is("message"))).conversationId);
  const other = await RawSocket.open(hostUrl);
  await other.next("conversations", is("conversations"));
  try {
    host.send({ type: "read", conversationId: id });
    const seenByHost = await ada.socket.next("seen by the host", is("seen"));
    assert.equal(seenByHost.by, "host");
    assert.equal(seenByHost.conversationId, id);
    assert.equal((await other.next("seen, on the other dashboard", is("seen"))).by, "host");
    // Nothing new seen: nothing stored or sent again.
    host.send({ type: "read", conversationId: id });
    host.send({ type: "ping" });
    await host.next("pong", is("pong"));

    host.send({ type: "reply", conversationId: id, text: "Welcome!", clientId: randomUUID() });
    await ada.socket.next("the reply", is("message"));
    ada.socket.send({ type: "read" });
    const seenByVisitor = await host.next("seen by the visitor", (f) => f.type === "seen" && f.by === "visitor");
    assert.equal(seenByVisitor.conversationId, id);
    assert.equal(ada.socket.frames.filter((f) => f.type === "seen" && f.by === "host").length, 1, "seen sent twice for one read");

    // The next connections: the dashboard's list and the visitor's history carry both times.
    const later = await RawSocket.open(hostUrl);
    const list = (await later.next("conversations", is("conversations"))).conversations as Frame[];
    const summary = list.find((c) => c.id === id)!;
    assert.equal(summary.hostReadAt, seenByHost.at);
    assert.equal(summary.visitorReadAt, seenByVisitor.at);
    const back = await RawSocket.open(roomSocketUrl(origin, room, `?conversation=${encodeURIComponent(ada.token)}`));
    assert.equal((await back.next("history", is("history"))).hostReadAt, seenByHost.at);
    await Promise.all([later.close(), back.close()]);
  } finally {
    await Promise.all([host.close(), other.close(), ada.socket.close()]);
  }
});
