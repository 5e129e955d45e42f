import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_ICE_SERVERS, parseAllowedOrigins, parseHosts, parseIceServers, readConfig } from "../../party/core/config.ts";

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
    assert.deepEqual([...readConfig({ HOST_KEY: "k" }).hosts], [["Host", "k"]]);
  });

  it("reads HOSTS, preferring it to HOST_KEY, and skips bad entries", (t) => {
    t.mock.method(console, "error", () => {});
    assert.deepEqual([...parseHosts('{"Ada":"ada-key-123","Grace":"grace-key-456"}', "single")], [
      ["Ada", "ada-key-123"],
      ["Grace", "grace-key-456"],
    ]);
    assert.deepEqual([...parseHosts('{"Ada":"short","":"empty-name-key"}', "single")], [["Host", "single"]]);
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
