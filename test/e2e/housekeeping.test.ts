/// <reference types="node" />
/**
 * A host's housekeeping at the room, with raw sockets: archiving takes a
 * conversation out of the dashboards' list until its visitor writes again;
 * deleting it closes its visitor's sockets, and that visitor's token then
 * starts a new conversation. Only hosts may do either.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { uniqueRoom } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();
const is = (type: string) => (f: Frame) => f.type === type;

/** The conversation ids a freshly connected dashboard lists. */
async function listed(hostUrl: string): Promise<string[]> {
  const host = await RawSocket.open(hostUrl);
  try {
    return ((await host.next("conversations", is("conversations"))).conversations as Frame[]).map((c) => String(c.id));
  } finally {
    await host.close();
  }
}

test("archive: out of the list for every dashboard until the visitor writes again", async () => {
  const origin = stack.server.origin;
  const room = uniqueRoom("archive");
  const hostUrl = await hostSocketUrl(origin, room, stack.hostKey);
  const host = await RawSocket.open(hostUrl);
  await host.next("conversations", is("conversations"));
  const visitor = await RawSocket.open(roomSocketUrl(origin, room));
  try {
    await visitor.next("welcome", is("welcome"));
    visitor.send({ type: "text", text: "Hello", clientId: randomUUID() });
    const id = String((await host.next("the message", is("message"))).conversationId);

    visitor.send({ type: "archive", conversationId: id, archived: true });
    assert.equal((await visitor.next("an error", is("error"))).code, "forbidden");

    host.send({ type: "archive", conversationId: id, archived: true });
    assert.deepEqual(await host.next("archived", is("archived")), { type: "archived", conversationId: id, archived: true });
    assert.deepEqual(await listed(hostUrl), []);
    visitor.send({ type: "text", text: "Anyone there?", clientId: randomUUID() });
    await host.next("the new message", is("message"));
    assert.deepEqual(await listed(hostUrl), [id]);

    host.send({ type: "archive", conversationId: randomUUID(), archived: true });
    assert.equal((await host.next("an error", is("error"))).code, "not_found");
  } finally {
    await Promise.all([host.close(), visitor.close()]);
  }
});

test("delete: the visitor's sockets close, its token starts a new conversation, no dashboard lists it", async () => {
  const origin = stack.server.origin;
  const room = uniqueRoom("delete");
  const hostUrl = await hostSocketUrl(origin, room, stack.hostKey);
  const host = await RawSocket.open(hostUrl);
  await host.next("conversations", is("conversations"));
  const visitor = await RawSocket.open(roomSocketUrl(origin, room));
  const bystander = await RawSocket.open(roomSocketUrl(origin, room));
  try {
    const token = String((await visitor.next("welcome", is("welcome"))).conversationToken);
    visitor.send({ type: "text", text: "Please forget me", clientId: randomUUID() });
    const id = String((await host.next("the message", is("message"))).conversationId);
    bystander.send({ type: "text", text: "I stay", clientId: randomUUID() });
    const kept = String((await host.next("the bystander's message", is("message"))).conversationId);
    // A second tab of the same conversation.
    const tab = await RawSocket.open(roomSocketUrl(origin, room, `?conversation=${encodeURIComponent(token)}`));
    await tab.next("history", is("history"));
    // (A socket that never sent a frame sees the room's close only after the
    // client's own close timeout, 30 s in \`ws\`: a quirk of hibernatable sockets.)
    tab.send({ type: "ping" });
    await tab.next("pong", is("pong"));

    host.send({ type: "delete", conversationId: id });
    assert.deepEqual(await host.next("deleted", is("deleted")), { type: "deleted", conversationId: id });
    assert.equal((await visitor.closed).code, 4004);
    assert.equal((await tab.closed).code, 4004);
    assert.ok(bystander.isOpen, "another visitor's socket was closed");
    assert.deepEqual(await listed(hostUrl), [kept]);

    const back = await RawSocket.open(roomSocketUrl(origin, room, `?conversation=${encodeURIComponent(token)}`));
    const welcome = await back.next("welcome", is("welcome"));
    assert.notEqual(welcome.conversationToken, token);
    back.send({ type: "ping" });
    await back.next("pong", is("pong"));
    assert.equal(back.frames.filter(is("history")).length, 0, "the deleted conversation's history came back");
    await back.close();

    host.send({ type: "delete", conversationId: id });
    assert.equal((await host.next("an error", is("error"))).code, "not_found");
  } finally {
    await Promise.all([host.close(), visitor.close(), bystander.close()]);
  }
});
