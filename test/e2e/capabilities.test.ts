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
