/// <reference types="node" />
/**
 * A call from a browser that said it cannot make one, with raw sockets: the
 * host is available, a visitor's `call` frame declares capabilities that fall
 * short of the call (no WebRTC; a video call without a camera; no
 * microphone) and is refused `cannot_call`, naming what is missing, and the
 * host's dashboard never lists a waiting call. An audio call from a browser
 * without a camera then rings: the room refused only what could not connect.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { roomPath } from "../../protocol/http.ts";
import { uniqueRoom } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { startServer, type TestServer } from "../support/server.ts";

const HOST_KEY = randomUUID();
const is = (type: string) => (f: Frame) => f.type === type;
const ringing = (f: Frame) => f.type === "queue" && (f.calls as Frame[]).length > 0;

let server: TestServer | undefined;
before(async () => {
  server = await startServer({ vars: { HOST_KEY, ICE_SERVERS: "[]" } });
});
after(async () => {
  await server?.stop();
});

test("a call from a browser that declared it cannot make it is refused cannot_call and never rings the host; one it can make rings", async () => {
  const origin = server!.origin;
  const room = uniqueRoom("caps");
  const host = await RawSocket.open(await hostSocketUrl(origin, room, HOST_KEY));
  // One visitor per attempt, each from its own address: refused calls still count against the call rate.
  const visitors: RawSocket[] = [];
  const visitor = async (n: number) => {
    const socket = await RawSocket.open(roomSocketUrl(origin, room), { address: `198.51.100.${60 + n}` });
    visitors.push(socket);
    await socket.next("welcome", is("welcome"));
    await socket.next("the host available", (f) => f.type === "presence" && f.available === true);
    return socket;
  };
  try {
    host.send({ type: "available", available: true });
    await host.next("presence", (f) => f.type === "presence" && f.available === true);

    const refusals: Array<[Frame, RegExp]> = [
      [{ type: "call", media: "audio", capabilities: { webrtc: false, audio: true, video: true } }, /missing: webrtc\)/],
      [{ type: "call", media: "video", capabilities: { webrtc: true, audio: true, video: false } }, /missing: camera\)/],
      [{ type: "call", media: "audio", capabilities: { webrtc: true, audio: false, video: false } }, /missing: microphone\)/],
      [{ type: "call", media: "video", capabilities: { webrtc: false, audio: false, video: false } }, /missing: webrtc, microphone, camera\)/],
    ];
    for (const [n, [frame, reason]] of refusals.entries()) {
      const socket = await visitor(n);
      socket.send({ ...frame, name: "Ann" });
      const refused = await socket.next(`${JSON.stringify(frame)} refused`, is("error"));
      assert.equal(refused.code, "cannot_call", JSON.stringify(refused));
      assert.match(String(refused.message), reason);
    }

    // A call the browser can make: the host is shown it, and only it.
    const able = await visitor(refusals.length);
    able.send({ type: "call", media: "audio", name: "Ann", capabilities: { webrtc: true, audio: true, video: false } });
    await able.next("the audio call ringing", is("ringing"));
    const listed = await host.next("the audio call waiting", ringing);
    assert.equal((listed.calls as Frame[]).length, 1);
    assert.equal((listed.calls as Frame[])[0]!.media, "audio");
    assert.equal(host.frames.filter(ringing).length, 1, "the host was shown only the call that can connect");
    assert.deepEqual(visitors.map((v) => v.frames.filter(is("ringing")).length), [0, 0, 0, 0, 1]);
  } finally {
    await Promise.all([host.close(), ...visitors.map((v) => v.close())]);
  }
});

test("a call that does not say what the browser can do is refused bad_message, naming capabilities, and rings nobody", async () => {
  const origin = server!.origin;
  const room = uniqueRoom("caps-none");
  const host = await RawSocket.open(await hostSocketUrl(origin, room, HOST_KEY));
  const visitor = await RawSocket.open(roomSocketUrl(origin, room), { address: "198.51.100.90" });
  try {
    host.send({ type: "available", available: true });
    await visitor.next("the host available", (f) => f.type === "presence" && f.available === true && f.calls === true);
    visitor.send({ type: "call", media: "audio", name: "Ann" });
    const refused = await visitor.next("the call refused", is("error"));
    assert.equal(refused.code, "bad_message", JSON.stringify(refused));
    assert.match(String(refused.message), /^capabilities: /);
    // The socket stays usable, and a message still goes through.
    visitor.send({ type: "text", text: "Call me?" });
    await host.next("the message", (f) => f.type === "message");
    assert.equal(host.frames.filter(ringing).length, 0, "nothing rang");
    assert.equal(visitor.frames.filter(is("ringing")).length, 0);
  } finally {
    await Promise.all([host.close(), visitor.close()]);
  }
});

test("a host whose browser cannot take calls is available for messages only: presence says calls are off, a call is refused unavailable, messages reach it; once it can, calls ring", async () => {
  const origin = server!.origin;
  const room = uniqueRoom("caps-host");
  const host = await RawSocket.open(await hostSocketUrl(origin, room, HOST_KEY));
  const visitor = await RawSocket.open(roomSocketUrl(origin, room), { address: "198.51.100.91" });
  const able = { webrtc: true, audio: true, video: true };
  try {
    await visitor.next("welcome", is("welcome"));
    host.send({ type: "available", available: true, capabilities: { webrtc: false, audio: true, video: true } });
    const hostPresence = await host.next("presence for messages only", (f) => f.type === "presence" && f.available === true);
    assert.equal(hostPresence.calls, false, JSON.stringify(hostPresence));
    const presence = await visitor.next("presence for messages only", (f) => f.type === "presence" && f.available === true);
    assert.equal(presence.calls, false, JSON.stringify(presence));
    const overHttp = async () => (await (await fetch(`${origin}${roomPath(room)}/presence`)).json()) as Frame;
    assert.deepEqual(await overHttp(), { available: true, calls: false }, "GET presence: messages only");
    const hosts = await host.next("the host listed available", (f) => f.type === "hosts" && (f.hosts as Frame[]).length === 1);
    assert.equal((hosts.hosts as Frame[])[0]!.available, true);

    visitor.send({ type: "call", media: "audio", name: "Ann", capabilities: able });
    const refused = await visitor.next("the call refused", is("error"));
    assert.equal(refused.code, "unavailable", JSON.stringify(refused));
    visitor.send({ type: "text", text: "Please call me back" });
    const message = await host.next("the message", (f) => f.type === "message" && (f.message as Frame).from === "visitor");
    assert.equal((message.message as Frame).text, "Please call me back");
    assert.equal(host.frames.filter(ringing).length, 0, "nothing rang at a dashboard that cannot take calls");

    // The same host from a browser that can: calls ring again.
    const second = await RawSocket.open(await hostSocketUrl(origin, room, HOST_KEY));
    try {
      second.send({ type: "available", available: true, capabilities: able });
      await visitor.next("calls possible", (f) => f.type === "presence" && f.calls === true);
      assert.deepEqual(await overHttp(), { available: true, calls: true }, "GET presence: calls possible");
      visitor.send({ type: "call", media: "audio", name: "Ann", capabilities: able });
      await visitor.next("ringing", is("ringing"));
      await second.next("the call waiting", ringing);
    } finally {
      await second.close();
    }
  } finally {
    await Promise.all([host.close(), visitor.close()]);
  }
});

test("a call-back request is stored in the conversation like a message, with the phone or email to call back on; anything else is refused bad_message", async () => {
  const origin = server!.origin;
  const room = uniqueRoom("call-back");
  const host = await RawSocket.open(await hostSocketUrl(origin, room, HOST_KEY));
  const visitor = await RawSocket.open(roomSocketUrl(origin, room), { address: "198.51.100.92" });
  try {
    await visitor.next("welcome", is("welcome"));
    visitor.send({ type: "text", text: "", callBack: "not a number" });
    const refused = await visitor.next("a bad contact refused", is("error"));
    assert.equal(refused.code, "bad_message", JSON.stringify(refused));
    assert.match(String(refused.message), /^callBack: expected a phone number or an email address$/);

    visitor.send({ type: "text", text: "", callBack: " +33 6 12 34 56 78 ", clientId: "cb1" });
    await visitor.next("stored", (f) => f.type === "sent" && f.clientId === "cb1");
    const shown = await host.next("the request on the dashboard", (f) => f.type === "message" && (f.message as Frame).from === "visitor");
    assert.equal((shown.message as Frame).callBack, "+33 6 12 34 56 78");
    assert.equal((shown.message as Frame).text, "");

    visitor.send({ type: "text", text: "Mornings", callBack: "ann@example.com" });
    const second = await host.next("the second request", (f) => f.type === "message" && (f.message as Frame).callBack === "ann@example.com");
    assert.equal((second.message as Frame).text, "Mornings");
  } finally {
    await Promise.all([host.close(), visitor.close()]);
  }
});
