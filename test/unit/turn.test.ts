// TURN REST credentials (draft-uberti-behave-turn-rest-00) and their config.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { parseIceTransportPolicy, parseTurn, readConfig } from "../../party/core/config.ts";
import { iceServersFor, turnCredential } from "../../party/core/turn.ts";
import { FakeRoom } from "../support/fake-room.ts";

describe("TURN credentials", () => {
  it("signs <expiry>:<user> with HMAC-SHA1 of the secret, base64, as coturn checks it", async () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const { username, credential } = await turnCredential("s3cret", "conn-1", 3600, now);
    assert.equal(username, `${now / 1000 + 3600}:conn-1`);
    assert.equal(credential, createHmac("sha1", "s3cret").update(username).digest("base64"));
  });

  it("adds the TURN URIs with a fresh pair to ICE_SERVERS; nothing when TURN is off", async () => {
    const base = [{ urls: "stun:stun.example.com:3478" }];
    assert.deepEqual(await iceServersFor(base, undefined, "c"), base);
    const turn = { urls: ["turn:127.0.0.1:3478?transport=udp", "turns:t.example.com:5349"], secret: "x", ttlSeconds: 60 };
    const servers = await iceServersFor(base, turn, "c", 1_000_000);
    assert.equal(servers.length, 2);
    assert.deepEqual(servers[1]?.urls, turn.urls);
    assert.equal(servers[1]?.username, "1060:c");
  });

  it("reads TURN_URLS, TURN_SECRET, TURN_TTL_S and ICE_TRANSPORT_POLICY", (t) => {
    t.mock.method(console, "error", () => {});
    assert.equal(parseTurn(undefined, undefined, undefined), undefined);
    assert.equal(parseTurn("turn:a:3478", "", undefined), undefined, "a URI without a secret is off");
    assert.deepEqual(parseTurn(" turn:a:3478?transport=udp , http://nope, turns:b:5349 ", "k", undefined), {
      urls: ["turn:a:3478?transport=udp", "turns:b:5349"],
      secret: "k",
      ttlSeconds: 3600,
    });
    assert.equal(parseTurn("turn:a", "k", "120")?.ttlSeconds, 120);
    assert.equal(parseTurn("turn:a", "k", "5")?.ttlSeconds, 3600, "out of range falls back");
    assert.equal(parseIceTransportPolicy(undefined), "all");
    assert.equal(parseIceTransportPolicy("relay"), "relay");
    assert.equal(parseIceTransportPolicy("none"), "all");
    assert.equal(readConfig({}).iceTransportPolicy, "all");
  });

  it("hands each peer its own credential and the policy when the call is accepted; the secret is never sent", async () => {
    const secret = "turn-secret-value";
    const room = new FakeRoom({
      HOST_KEY: "host-key-123",
      ICE_SERVERS: "[]",
      TURN_URLS: "turn:127.0.0.1:3478",
      TURN_SECRET: secret,
      ICE_TRANSPORT_POLICY: "relay",
    });
    const host = await room.connect({ host: "Host" });
    await room.send(host, { type: "available", available: true });
    const visitor = await room.connect();
    await room.send(visitor, { type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } });
    await room.send(host, { type: "accept", callId: visitor.last("ringing")!.callId });
    const v = visitor.last("accepted")!;
    const h = host.last("accepted")!;
    assert.equal(v.iceTransportPolicy, "relay");
    assert.equal(h.iceTransportPolicy, "relay");
    const [vs, hs] = [v.iceServers?.[0], h.iceServers?.[0]];
    assert.ok(vs?.username?.endsWith(`:${visitor.id}`), vs?.username);
    assert.ok(hs?.username?.endsWith(`:${host.id}`), hs?.username);
    assert.equal(vs?.credential, createHmac("sha1", secret).update(vs!.username!).digest("base64"));
    for (const c of [visitor, host]) assert.ok(!JSON.stringify(c.sent).includes(secret));
  });
});
