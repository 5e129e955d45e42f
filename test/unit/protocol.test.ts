import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_FRAME_BYTES, MAX_SDP_LENGTH, MAX_TEXT_LENGTH, missingForCall, parseClientMessage, parseServerMessage } from "../../protocol/socket.ts";

const code = (raw: string) => {
  const r = parseClientMessage(raw);
  return r.ok ? "ok" : r.code;
};

describe("call capabilities", () => {
  it("parses the capabilities a call frame declares, and refuses malformed ones", () => {
    const r = parseClientMessage(JSON.stringify({ type: "call", media: "video", capabilities: { webrtc: false, audio: true, video: true } }));
    assert.ok(r.ok && r.message.type === "call");
    assert.deepEqual(r.ok && r.message.type === "call" && r.message.capabilities, { webrtc: false, audio: true, video: true });
    for (const capabilities of [{ webrtc: "no", audio: true, video: true }, { audio: true, video: true }, ["webrtc"], true]) {
      assert.equal(code(JSON.stringify({ type: "call", media: "audio", capabilities })), "bad_message", JSON.stringify(capabilities));
    }
  });

  it("names what keeps a browser from a call: WebRTC and a microphone for any, a camera for video", () => {
    const all = { webrtc: true, audio: true, video: true };
    assert.deepEqual(missingForCall("video", all), []);
    assert.deepEqual(missingForCall("audio", { ...all, video: false }), []);
    assert.deepEqual(missingForCall("video", { ...all, video: false }), ["camera"]);
    assert.deepEqual(missingForCall("audio", { ...all, webrtc: false }), ["webrtc"]);
    assert.deepEqual(missingForCall("audio", { ...all, audio: false }), ["microphone"]);
    assert.deepEqual(missingForCall("video", { webrtc: false, audio: false, video: false }), ["webrtc", "microphone", "camera"]);
  });
});

describe("parseClientMessage", () => {
  it("accepts each client frame", () => {
    for (const frame of [
      { type: "text", text: "hi", name: "Ann", page: "https://a.example/", clientId: "c1" },
      { type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: false } },
      { type: "available", available: true, capabilities: { webrtc: false, audio: true, video: true } },
      { type: "cancel" },
      { type: "hangup", callId: "x" },
      { type: "available", available: true },
      { type: "accept", callId: "x" },
      { type: "accept", callId: "x", description: { type: "offer", sdp: "v=0" } },
      { type: "decline", callId: "x" },
      { type: "signal", callId: "x", description: { type: "offer", sdp: "v=0" } },
      { type: "signal", callId: "x", candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0", sdpMLineIndex: 0 } },
    ]) {
      assert.equal(code(JSON.stringify(frame)), "ok", JSON.stringify(frame));
    }
  });

  it("refuses an accept whose description is not an offer, or too long", () => {
    assert.equal(code(JSON.stringify({ type: "accept", callId: "x", description: { type: "answer", sdp: "v=0" } })), "bad_message");
    assert.equal(code(JSON.stringify({ type: "accept", callId: "x", description: { type: "offer", sdp: "v".repeat(MAX_SDP_LENGTH + 1) } })), "bad_message");
  });

  it("trims text and refuses empty or over-long text", () => {
    const r = parseClientMessage(JSON.stringify({ type: "text", text: "  hi  " }));
    assert.ok(r.ok && r.message.type === "text" && r.message.text === "hi");
    assert.equal(code(JSON.stringify({ type: "text", text: "   " })), "bad_message");
    assert.equal(code(JSON.stringify({ type: "text", text: "x".repeat(MAX_TEXT_LENGTH + 1) })), "bad_message");
    assert.equal(code(JSON.stringify({ type: "text", text: "x".repeat(MAX_TEXT_LENGTH) })), "ok");
  });

  it("refuses a call that does not say what the browser can do, naming the field", () => {
    const r = parseClientMessage(JSON.stringify({ type: "call", media: "video" }));
    assert.ok(!r.ok);
    assert.equal(r.code, "bad_message");
    assert.match(r.message, /^capabilities: expected/);
    assert.equal(code(JSON.stringify({ type: "call", media: "audio", capabilities: { webrtc: true } })), "bad_message");
  });

  it("names bad JSON, unknown types, wrong fields and binary frames", () => {
    assert.equal(code("{nope"), "bad_json");
    assert.equal(code(JSON.stringify({ type: "launch" })), "bad_message");
    assert.equal(code(JSON.stringify({ type: "call", media: "hologram" })), "bad_message");
    assert.equal(code(JSON.stringify([1, 2])), "bad_message");
    const bin = parseClientMessage(new Uint8Array([1, 2]));
    assert.ok(!bin.ok && bin.code === "bad_message");
  });

  it("says a frame's type is unknown in a short line that does not echo it, however many types there are", () => {
    for (const type of ["launch", "<script>", "x".repeat(200)]) {
      const r = parseClientMessage(JSON.stringify({ type, text: "hi" }));
      assert.ok(!r.ok);
      assert.equal(r.code, "bad_message");
      assert.equal(r.message, "type: not a frame type of this protocol");
    }
    const missing = parseClientMessage(JSON.stringify({ text: "hi" }));
    assert.ok(!missing.ok && missing.message.length < 100, !missing.ok ? missing.message : "");
  });

  it("refuses a signal with both or neither of description and candidate", () => {
    assert.equal(code(JSON.stringify({ type: "signal", callId: "x" })), "bad_message");
    assert.equal(
      code(JSON.stringify({ type: "signal", callId: "x", description: { type: "answer", sdp: "" }, candidate: null })),
      "bad_message",
    );
    assert.equal(code(JSON.stringify({ type: "signal", callId: "x", description: { type: "rollback", sdp: "" } })), "bad_message");
  });

  it("refuses frames over 64 KiB, counting UTF-8 bytes", () => {
    const ascii = JSON.stringify({ type: "text", text: "x".repeat(MAX_FRAME_BYTES) });
    assert.equal(code(ascii), "too_large");
    // 30,000 three-byte characters: under 64 Ki code units, over 64 KiB of UTF-8.
    const wide = JSON.stringify({ type: "text", text: "€".repeat(30_000) });
    assert.ok(wide.length < MAX_FRAME_BYTES);
    assert.equal(code(wide), "too_large");
  });

  it("never echoes the input in its error message", () => {
    const r = parseClientMessage(JSON.stringify({ type: "call", media: "<script>alert(1)</script>" }));
    assert.ok(!r.ok);
    assert.ok(!r.message.includes("<script>"), r.message);
  });
});

describe("parseServerMessage", () => {
  it("accepts room frames and refuses malformed ones", () => {
    assert.ok(parseServerMessage(JSON.stringify({ type: "presence", available: true })).ok);
    assert.ok(parseServerMessage(JSON.stringify({ type: "ended", callId: "c", reason: "hangup" })).ok);
    assert.ok(!parseServerMessage(JSON.stringify({ type: "presence", available: "yes" })).ok);
    assert.ok(!parseServerMessage("not json").ok);
  });

  it("accepts a visitor welcome with a bounded host profile, and refuses one out of bounds", () => {
    const welcome = (profile: unknown) =>
      parseServerMessage(JSON.stringify({ type: "welcome", protocol: 1, role: "visitor", id: "v", iceServers: [], profile }));
    assert.ok(welcome({ name: "Ada Lovelace", avatar: "https://cdn.example/a.png", tagline: "Hi", away: "Back Monday" }).ok);
    assert.ok(welcome({}).ok);
    assert.ok(welcome({ avatar: "http://localhost:8080/a.png" }).ok);
    assert.ok(!welcome({ name: "n".repeat(61) }).ok);
    assert.ok(!welcome({ tagline: "t".repeat(121) }).ok);
    assert.ok(!welcome({ away: "a".repeat(161) }).ok);
    for (const avatar of ["javascript:alert(1)", "http://cdn.example/a.png", "data:image/png;base64,AA", "http://localhost.evil.example/a.png"]) {
      assert.ok(!welcome({ avatar }).ok, avatar);
    }
  });
});
