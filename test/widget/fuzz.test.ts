/// <reference types="node" />
/**
 * Hostile input against the real room: 10,000+ generated bad frames from
 * visitor sockets while a video call is up in the same room. Every bad frame
 * gets an error reply, the room keeps serving, and the call stays connected.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PRESENCE, requestEndpoint } from "../../protocol/http.ts";
import { MAX_FRAME_BYTES, parseClientMessage } from "../../protocol/socket.ts";
import { eventually, remoteVideoFrames, remoteVideoWidth, visible } from "../support/browser.ts";
import { RawSocket } from "../support/raw-socket.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";
import { prng } from "../support/prng.ts";

const stack = useStack();

const TYPES = ["text", "call", "cancel", "signal", "hangup", "available", "accept", "decline", "ping", "pong", "welcome", "", "TEXT", "__proto__"];

/** One bad frame: every shape of nonsense a stranger could send. */
function badFrame(rand: () => number): string | Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const junk = (): unknown =>
    pick([null, true, 0, -1, 1e308, "", "x".repeat(Math.floor(rand() * 50)), [], {}, [1, [2, [3]]], { a: { b: {} } }, "<script>", "\u0000\ud800"]);
  switch (Math.floor(rand() * 12)) {
    case 0:
      return pick(["", "{", "}", "nul", "[1,2", '{"type":', "undefined", "NaN", "\u0000", "{'type':'text'}"]);
    case 1:
      return JSON.stringify(junk());
    case 2:
      return JSON.stringify({ type: pick(TYPES.slice(10)), text: "hi" });
    case 3: // a known type with wrong or missing fields
      return JSON.stringify({ type: pick(["text", "call", "signal", "hangup", "available"]), [pick(["text", "media", "callId", "available"])]: junk() });
    case 4:
      return JSON.stringify({ type: "text", text: "x".repeat(4001 + Math.floor(rand() * 100)) });
    case 5: // over the frame limit
      return JSON.stringify({ type: "text", text: "y".repeat(MAX_FRAME_BYTES + Math.floor(rand() * 1000)) });
    case 6: {
      const depth = 1000 + Math.floor(rand() * 20000);
      return "[".repeat(depth) + "]".repeat(depth);
    }
    case 7:
      return `{"__proto__":{"type":"available","available":true},"constructor":{"prototype":{"polluted":1}},"type":"${pick(["accept", "signal"])}"}`;
    case 8:
      return Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
    case 9: // host-only frames from a visitor
      return JSON.stringify(pick([{ type: "available", available: true }, { type: "accept", callId: "x" }, { type: "decline", callId: "y" }]));
    case 10: // signaling for calls it does not have
      return JSON.stringify({ type: "signal", callId: `c${Math.floor(rand() * 1e6)}`, candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 } });
    default:
      return JSON.stringify({ type: "signal", callId: "x", description: { type: pick(["offer", "answer", "pranswer", "rollback"]), sdp: 42 } });
  }
}

/** True when the room must answer the frame with an error (it is not a valid, actionable frame). */
function isBad(frame: string | Buffer): boolean {
  if (typeof frame !== "string") return true;
  const parsed = parseClientMessage(frame);
  return !parsed.ok || !["ping", "pong", "text"].includes(parsed.message.type);
}

test("10,000 bad frames: each answered with an error; the room and a live call survive", () =>
  stack.run(async (pages) => {
    const { room, host, visitor } = await availableHostAndVisitor(stack, pages, "fuzz");
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText("Connected", { exact: true }));
    await visible(host.page.getByText("Connected", { exact: true }));

    const url = `${stack.server.origin.replace(/^http/, "ws")}/parties/main/${room}`;
    const rand = prng(20261121);
    const SOCKETS = 25;
    const PER_SOCKET = 400; // 10,000 in all
    const sockets = await Promise.all(Array.from({ length: SOCKETS }, () => RawSocket.open(url)));
    const sent = new Array<number>(SOCKETS).fill(0);
    // Each socket sends a burst, then keeps to about its allowance (20 frames/s),
    // so most frames reach validation; the bursts themselves are floods.
    for (let round = 0; round < PER_SOCKET / 40; round++) {
      const t0 = Date.now();
      for (const [i, s] of sockets.entries()) {
        for (let k = 0; k < 40; k++) {
          let frame = badFrame(rand);
          while (!isBad(frame)) frame = badFrame(rand);
          s.send(frame);
          sent[i]++;
        }
      }
      await Promise.all(sockets.map((s) => s.drain()));
      await new Promise((r) => setTimeout(r, Math.max(0, 2000 - (Date.now() - t0))));
    }
    assert.equal(sent.reduce((a, b) => a + b, 0), SOCKETS * PER_SOCKET);

    // Every bad frame got exactly one error reply, and nothing else leaked.
    for (const [i, s] of sockets.entries()) {
      await eventually(`error replies on socket ${i}`, async () => s.frames.filter((f) => f.type === "error").length, (n) => n >= sent[i], 30_000);
      const errors = s.frames.filter((f) => f.type === "error");
      assert.equal(errors.length, sent[i]);
      for (const e of errors) {
        assert.ok(["bad_json", "bad_message", "too_large", "rate_limited", "forbidden", "not_found"].includes(String(e.code)), String(e.code));
        assert.ok(typeof e.message === "string" && e.message.length < 300 && !e.message.includes("<script>"));
      }
      assert.ok(s.isOpen, `socket ${i} is still open`);
      assert.ok(!s.frames.some((f) => ["signal", "text", "accepted", "queue", "ringing"].includes(String(f.type))));
      assert.ok(!s.frames.some((f) => f.type === "presence" && f.available === false), "presence never flipped");
    }
    const codes = new Set(sockets.flatMap((s) => s.frames.filter((f) => f.type === "error").map((f) => f.code)));
    for (const code of ["bad_json", "bad_message", "too_large", "rate_limited", "forbidden", "not_found"]) {
      assert.ok(codes.has(code), `the fuzz reached ${code}`);
    }
    sockets.forEach((s) => s.close());

    // The room still serves, and the call set up before is still connected.
    assert.deepEqual(await requestEndpoint(stack.server.origin, PRESENCE, room, {}), { ok: true, status: 200, body: { available: true, calls: true } });
    const fresh = await RawSocket.open(url);
    fresh.send(JSON.stringify({ type: "text", text: "after the storm", clientId: "ok" }));
    assert.equal((await fresh.next("sent", (f) => f.type === "sent")).clientId, "ok");
    fresh.close();
    await visible(visitor.panel.getByText("Connected", { exact: true }));
    await visible(host.page.getByText("Connected", { exact: true }));
    const before = await remoteVideoFrames(visitor.page, "contact-me");
    await eventually("video frames still arriving", () => remoteVideoWidth(visitor.page, "contact-me"), (w) => w > 0);
    await eventually("the visitor's video keeps decoding new frames", () => remoteVideoFrames(visitor.page, "contact-me"), (n) => n > before);
  }));
