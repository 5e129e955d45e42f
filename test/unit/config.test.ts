import assert from "node:assert/strict";
import { createECDH } from "node:crypto";
import { describe, it } from "node:test";
import { DEFAULT_ICE_SERVERS, configFor, parseAllowedOrigins, parseAvatarUrl, parseHosts, parseIceServers, readConfig } from "../../party/core/config.ts";
import { HostProfile } from "../../protocol/socket.ts";
import * as v from "valibot";

describe("room configuration", () => {
  it("parses ICE_SERVERS, falling back to the default STUN server", (t) => {
    t.mock.method(console, "error", () => {});
    assert.deepEqual(parseIceServers(undefined), DEFAULT_ICE_SERVERS);
    assert.deepEqual(parseIceServers("[]"), []);
    const turn = [{ urls: ["turn:127.0.0.1:3478"], username: "u", credential: "c" }];
    assert.deepEqual(parseIceServers(JSON.stringify(turn)), turn);
    assert.deepEqual(parseIceServers("not json"), DEFAULT_ICE_SERVERS);
    assert.deepEqual(parseIceServers('[{"url":"stun:x"}]'), DEFAULT_ICE_SERVERS);
    assert.deepEqual(parseIceServers('{"urls":"stun:x"}'), DEFAULT_ICE_SERVERS);
  });

  it("treats blank values as unset and applies defaults", () => {
    const c = readConfig({ HOST_KEY: "  ", SLACK_WEBHOOK_URL: "", ICE_SERVERS: "[]" });
    assert.equal(c.hosts.size, 0);
    assert.equal(c.slackWebhookUrl, undefined);
    assert.deepEqual(c.iceServers, []);
    assert.equal(c.allowedOrigins, undefined);
    assert.equal(c.maxQueue, 10);
    assert.equal(c.ringTimeoutMs, 45_000);
    assert.deepEqual([...readConfig({ HOST_KEY: "k".repeat(16) }).hosts], [["Host", "k".repeat(16)]]);
  });

  it("reads the Web Push settings: RING_TIMEOUT_PUSH_S, PUSH_MESSAGE_DELAY_S, and VAPID keys set together or not at all", (t) => {
    const errors: string[] = [];
    t.mock.method(console, "error", (m: string) => void errors.push(m));
    const defaults = readConfig({});
    assert.equal(defaults.ringTimeoutPushMs, 60_000);
    assert.equal(defaults.pushMessageDelayMs, 60_000);
    assert.deepEqual(defaults.vapid, { subject: undefined }, "no keys: the room makes its own");
    const set = readConfig({ RING_TIMEOUT_PUSH_S: "90", PUSH_MESSAGE_DELAY_S: "0", VAPID_SUBJECT: "mailto:owner@example.com" });
    assert.deepEqual([set.ringTimeoutPushMs, set.pushMessageDelayMs, set.vapid.subject], [90_000, 0, "mailto:owner@example.com"]);
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const pair = readConfig({ VAPID_PUBLIC_KEY: ecdh.getPublicKey().toString("base64url"), VAPID_PRIVATE_KEY: ecdh.getPrivateKey().toString("base64url") });
    assert.equal(pair.vapid.keys?.publicKey, ecdh.getPublicKey().toString("base64url"));
    assert.equal(pair.vapid.problem, undefined);
    assert.deepEqual(errors, []);
    const half = readConfig({ VAPID_PUBLIC_KEY: ecdh.getPublicKey().toString("base64url") });
    assert.equal(half.vapid.keys, undefined);
    assert.match(half.vapid.problem ?? "", /go together/);
    assert.match(readConfig({ VAPID_PUBLIC_KEY: "abc", VAPID_PRIVATE_KEY: "def" }).vapid.problem ?? "", /VAPID_PUBLIC_KEY/);
    assert.equal(readConfig({ VAPID_SUBJECT: "owner@example.com" }).vapid.subject, undefined, "not a mailto: or https: URI");
    assert.ok(errors.some((e) => /Web Push is off/.test(e)) && errors.some((e) => /VAPID_SUBJECT/.test(e)), errors.join("\n"));
  });

  it("refuses host keys shorter than 16 characters, saying why", (t) => {
    const errors = t.mock.method(console, "error", () => {});
    const short = readConfig({ HOST_KEY: "fifteen-chars-x" });
    assert.equal(short.hosts.size, 0);
    assert.match(short.hostsProblem ?? "", /HOST_KEY is shorter than 16 characters/);
    assert.ok(errors.mock.calls.length > 0, "reported when read");
    assert.deepEqual([...parseHosts('{"Ada":"fifteen-chars-x","Grace":"sixteen-chars-xy"}', undefined)], [["Grace", "sixteen-chars-xy"]]);
    assert.equal(readConfig({}).hostsProblem, "No host is configured: set HOST_KEY or HOSTS");
  });

  it("reads HOSTS, preferring it to HOST_KEY, and skips bad entries", (t) => {
    t.mock.method(console, "error", () => {});
    assert.deepEqual([...parseHosts('{"Ada":"ada-key-123456789","Grace":"grace-key-456789012"}', "single-host-key-0")], [
      ["Ada", "ada-key-123456789"],
      ["Grace", "grace-key-456789012"],
    ]);
    assert.deepEqual([...parseHosts('{"Ada":"short","":"empty-name-key-16"}', "single-host-key-0")], [["Host", "single-host-key-0"]]);
    assert.deepEqual([...parseHosts("not json", undefined)], []);
  });

  it("normalizes ALLOWED_ORIGINS and bounds MAX_QUEUE and RING_TIMEOUT_S", (t) => {
    t.mock.method(console, "error", () => {});
    assert.deepEqual([...parseAllowedOrigins(" https://a.example/ , http://b.example:8080,nonsense")!], [
      "https://a.example",
      "http://b.example:8080",
    ]);
    assert.equal(readConfig({ MAX_QUEUE: "3", RING_TIMEOUT_S: "20" }).maxQueue, 3);
    assert.equal(readConfig({ RING_TIMEOUT_S: "20" }).ringTimeoutMs, 20_000);
    assert.equal(readConfig({ MAX_QUEUE: "-1" }).maxQueue, 10);
    assert.equal(readConfig({ RING_TIMEOUT_S: "soon" }).ringTimeoutMs, 45_000);
  });
});

describe("the host's profile", () => {
  it("reads HOST_NAME, HOST_AVATAR, HOST_TAGLINE and HOST_AWAY, trimmed; none set is no profile", () => {
    assert.equal(readConfig({}).hostProfile, undefined);
    assert.equal(readConfig({ HOST_NAME: "  ", HOST_AWAY: "" }).hostProfile, undefined);
    const profile = readConfig({
      HOST_NAME: " Ada Lovelace ",
      HOST_AVATAR: "https://cdn.example/ada.png",
      HOST_TAGLINE: "Usually replies within a day",
      HOST_AWAY: "Back Monday 9:00 CET",
    }).hostProfile;
    assert.deepEqual(profile, {
      name: "Ada Lovelace",
      avatar: "https://cdn.example/ada.png",
      tagline: "Usually replies within a day",
      away: "Back Monday 9:00 CET",
    });
    assert.ok(v.is(HostProfile, profile), "what the room reads is what a visitor's welcome accepts");
    assert.deepEqual(readConfig({ HOST_TAGLINE: "Hi" }).hostProfile, { tagline: "Hi" });
  });

  it("ignores and reports values too long and avatars that are not https (http only on localhost)", (t) => {
    const errors = t.mock.method(console, "error", () => {});
    const profile = readConfig({
      HOST_NAME: "n".repeat(61),
      HOST_TAGLINE: "t".repeat(121),
      HOST_AWAY: "a".repeat(161),
      HOST_AVATAR: "http://cdn.example/ada.png",
    }).hostProfile;
    assert.equal(profile, undefined);
    const said = errors.mock.calls.map((c) => String(c.arguments[0]));
    for (const name of ["HOST_NAME", "HOST_TAGLINE", "HOST_AWAY", "HOST_AVATAR"]) {
      assert.ok(said.some((m) => m.startsWith(name)), `${name} reported: ${JSON.stringify(said)}`);
    }
    assert.deepEqual(readConfig({ HOST_NAME: "n".repeat(60), HOST_AWAY: "a".repeat(160) }).hostProfile, { name: "n".repeat(60), away: "a".repeat(160) });
    for (const bad of ["javascript:alert(1)", "data:image/png;base64,AAAA", "//cdn.example/a.png", "not a url", "ftp://cdn.example/a.png", "http://localhost.evil.example/a.png", `https://cdn.example/${"x".repeat(2048)}`]) {
      assert.equal(parseAvatarUrl(bad), undefined, bad);
    }
    assert.equal(parseAvatarUrl("http://localhost:8080/ada.png"), "http://localhost:8080/ada.png");
    assert.equal(parseAvatarUrl("http://127.0.0.1:1999/ada.png"), "http://127.0.0.1:1999/ada.png");
    assert.equal(parseAvatarUrl("HTTPS://CDN.example/Ada.png"), "https://cdn.example/Ada.png");
    // The bad ones go, the good ones stay.
    assert.deepEqual(readConfig({ HOST_NAME: "Ada", HOST_AVATAR: "javascript:alert(1)" }).hostProfile, { name: "Ada" });
  });

  it("reports a bad value once per environment", (t) => {
    const errors = t.mock.method(console, "error", () => {});
    const env = { HOST_AVATAR: "http://cdn.example/a.png", HOST_NAME: `Ada ${Math.random()}` };
    configFor(env);
    configFor({ ...env });
    assert.equal(errors.mock.calls.filter((c) => String(c.arguments[0]).startsWith("HOST_AVATAR")).length, 1);
  });
});

describe("configFor", () => {
  it("parses an environment once, whether the runtime hands the same object or a copy each time", (t) => {
    const errors = t.mock.method(console, "error", () => {});
    const env = { HOSTS: '{"Bob":"short"}', HOST_KEY: "k".repeat(16), MAX_QUEUE: `${Math.random()}` };
    const first = configFor(env);
    assert.equal(configFor(env), first);
    assert.equal(configFor({ ...env }), first, "a copy with the same values");
    const reports = errors.mock.calls.length;
    assert.ok(reports > 0);
    configFor({ ...env });
    assert.equal(errors.mock.calls.length, reports, "bad values reported once");
    assert.notEqual(configFor({ ...env, MAX_QUEUE: "3" }), first, "other values, another configuration");
  });
});
