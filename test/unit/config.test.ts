import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_ICE_SERVERS, parseIceServers, readConfig } from "../../party/config.ts";

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

  it("treats blank values as unset", () => {
    const c = readConfig({ HOST_KEY: "  ", SLACK_WEBHOOK_URL: "", ICE_SERVERS: "[]" });
    assert.equal(c.hostKey, undefined);
    assert.equal(c.slackWebhookUrl, undefined);
    assert.deepEqual(c.iceServers, []);
    assert.equal(readConfig({ HOST_KEY: "k" }).hostKey, "k");
  });
});
