import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_ICE_SERVERS, configFor, parseAllowedOrigins, parseHosts, parseIceServers, readConfig } from "../../party/core/config.ts";

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
