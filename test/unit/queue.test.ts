import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { placeCalls, type CallRecord } from "../../party/core/queue.ts";

let seq = 0;
function call(id: string, extra: Partial<CallRecord> = {}): CallRecord {
  seq++;
  return { id, visitorId: `v-${id}`, visitorConn: `c-${id}`, media: "audio", requestedAt: 1000 + seq, seq, state: "waiting", declinedBy: [], ...extra };
}
const summary = (ps: ReturnType<typeof placeCalls>) =>
  ps.map((p) => `${p.call.id}:${p.kind}${p.kind === "queued" ? p.position : p.kind === "ringing" ? `@${p.hosts.join("+")}` : ""}`);

describe("placeCalls", () => {
  it("rings one call per free host, in request order; the rest wait in line", () => {
    const calls = [call("b", { requestedAt: 2 }), call("a", { requestedAt: 1 }), call("c", { requestedAt: 3 })];
    assert.deepEqual(summary(placeCalls(calls, [{ name: "Ada", available: true }])), ["a:ringing@Ada", "b:queued1", "c:queued2"]);
    assert.deepEqual(
      summary(placeCalls(calls, [{ name: "Ada", available: true }, { name: "Grace", available: true }])),
      ["a:ringing@Ada+Grace", "b:ringing@Ada+Grace", "c:queued1"],
    );
  });

  it("counts hosts in a call or away as not free", () => {
    const calls = [call("x", { state: "active", host: "Ada" }), call("a"), call("b")];
    assert.deepEqual(
      summary(placeCalls(calls, [{ name: "Ada", available: true }, { name: "Grace", available: false }])),
      ["a:queued1", "b:queued2"],
    );
  });

  it("rings only at hosts that have not declined, and declines when every free host has", () => {
    const hosts = [{ name: "Ada", available: true }, { name: "Grace", available: true }];
    assert.deepEqual(summary(placeCalls([call("a", { declinedBy: ["Ada"] })], hosts)), ["a:ringing@Grace"]);
    assert.deepEqual(summary(placeCalls([call("a", { declinedBy: ["Ada", "Grace"] }), call("b")], hosts)), ["a:declined", "b:ringing@Ada+Grace"]);
  });

  it("keeps a reconnecting visitor's place without ringing or counting it", () => {
    const calls = [call("a", { visitorGoneAt: 5 }), call("b"), call("c")];
    assert.deepEqual(summary(placeCalls(calls, [{ name: "Ada", available: true }])), ["a:paused", "b:ringing@Ada", "c:queued1"]);
  });
});
