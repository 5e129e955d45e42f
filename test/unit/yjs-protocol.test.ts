/**
 * The y-webrtc signaling logic of `party/core/yjs-protocol.ts`, driven through a
 * small in-memory room that carries out {@link handleFrame}'s effects the way
 * `party/yjs.ts` does.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MAX_FRAME_BYTES,
  MAX_STATE_BYTES,
  MAX_SUBSCRIBERS_PER_TOPIC,
  MAX_TOPIC_BYTES,
  MAX_TOPICS_PER_CONNECTION,
  handleFrame,
  parseFrame,
  stateBytes,
  subscribe,
  subscribersOf,
  unsubscribe,
  type SignalingPeer,
  type SignalingState,
} from "../../party/core/yjs-protocol.ts";

interface FakeConn extends SignalingPeer {
  state: SignalingState | null;
  /** Frames received, parsed. */
  inbox: Record<string, unknown>[];
}

/** Open connections of one room, as `room.getConnections()` lists them. */
class FakeRoom {
  readonly conns = new Map<string, FakeConn>();

  connect(id: string): FakeConn {
    const conn: FakeConn = { id, state: null, inbox: [] };
    this.conns.set(id, conn);
    return conn;
  }

  /** Deliver `raw` from `id` and carry out the effects. */
  send(id: string, raw: string | Uint8Array | Record<string, unknown>): void {
    const sender = this.conns.get(id);
    assert.ok(sender, `no connection ${id}`);
    const frame = typeof raw === "string" || raw instanceof Uint8Array ? raw : JSON.stringify(raw);
    const effects = handleFrame(frame, sender, () => this.conns.values());
    if (effects.state) sender.state = effects.state;
    for (const reply of effects.replies) sender.inbox.push(JSON.parse(JSON.stringify(reply)) as Record<string, unknown>);
    for (const to of effects.deliver?.to ?? []) to.inbox.push(JSON.parse(effects.deliver!.frame) as Record<string, unknown>);
  }

  /** A closed socket is no longer listed. */
  close(id: string): void {
    this.conns.delete(id);
  }

  /** Take everything `id` received so far. */
  drain(id: string): Record<string, unknown>[] {
    const conn = this.conns.get(id)!;
    return conn.inbox.splice(0);
  }
}

const topicN = (i: number): string => `doc-${String(i).padStart(4, "0")}`;

describe("parseFrame", () => {
  it("accepts the four client frames, topics optional as in the reference server", () => {
    for (const frame of [
      { type: "subscribe", topics: ["a", "b"] },
      { type: "subscribe" },
      { type: "unsubscribe", topics: ["a"] },
      { type: "publish", topic: "a", data: { type: "announce", from: "p1" } },
      { type: "publish", topic: "a", data: "bG9yZW0=" },
      { type: "ping" },
    ]) {
      const r = parseFrame(JSON.stringify(frame));
      assert.ok(r.ok, `${JSON.stringify(frame)}: ${r.ok ? "" : r.message}`);
    }
    const r = parseFrame(JSON.stringify({ type: "subscribe" }));
    assert.ok(r.ok && r.frame.type === "subscribe" && r.frame.topics.length === 0);
  });

  it("refuses non-JSON, binary, unknown types and wrong shapes, without echoing input", () => {
    const code = (raw: string | Uint8Array) => {
      const r = parseFrame(raw);
      return r.ok ? "ok" : r.code;
    };
    assert.equal(code("{nope"), "bad_json");
    assert.equal(code(""), "bad_json");
    assert.equal(code(new Uint8Array([123, 125])), "bad_message");
    for (const bad of [
      "null",
      "42",
      '"subscribe"',
      "[]",
      "{}",
      JSON.stringify({ type: "<script>" }),
      JSON.stringify({ type: "subscribe", topics: "a" }),
      JSON.stringify({ type: "subscribe", topics: [1] }),
      JSON.stringify({ type: "subscribe", topics: [""] }),
      JSON.stringify({ type: "subscribe", topics: ["x".repeat(MAX_TOPIC_BYTES + 1)] }),
      JSON.stringify({ type: "subscribe", topics: ["é".repeat(MAX_TOPIC_BYTES / 2 + 1)] }),
      JSON.stringify({ type: "publish" }),
      JSON.stringify({ type: "publish", topic: "" }),
      JSON.stringify({ type: "publish", topic: { a: 1 } }),
    ]) {
      assert.equal(code(bad), "bad_message", bad);
    }
    const r = parseFrame(JSON.stringify({ type: "<script>alert(1)</script>" }));
    assert.ok(!r.ok && !r.message.includes("<script>"), r.ok ? "" : r.message);
    assert.equal(code(JSON.stringify({ type: "subscribe", topics: ["x".repeat(MAX_TOPIC_BYTES)] })), "ok");
  });

  it("measures frames in UTF-8 bytes against MAX_FRAME_BYTES", () => {
    const frame = (n: number) => JSON.stringify({ type: "publish", topic: "t", data: "x".repeat(n) });
    const overhead = frame(0).length;
    assert.equal(parseFrame(frame(MAX_FRAME_BYTES - overhead)).ok, true);
    const tooBig = parseFrame(frame(MAX_FRAME_BYTES - overhead + 1));
    assert.ok(!tooBig.ok && tooBig.code === "too_large");
    // 3 bytes per "€": fewer characters than the limit, more bytes.
    const euros = parseFrame(JSON.stringify({ type: "publish", topic: "t", data: "€".repeat(MAX_FRAME_BYTES / 3) }));
    assert.ok(!euros.ok && euros.code === "too_large");
  });
});

describe("handleFrame routing", () => {
  it("relays a publish to every subscriber, the sender included, with clients set", () => {
    const room = new FakeRoom();
    room.connect("a");
    room.connect("b");
    room.connect("c");
    room.send("a", { type: "subscribe", topics: ["doc"] });
    room.send("b", { type: "subscribe", topics: ["doc", "other"] });
    room.send("c", { type: "subscribe", topics: ["other"] });
    const publish = { type: "publish", topic: "doc", data: { type: "announce", from: "peer-a" } };
    room.send("a", publish);
    const expected = { ...publish, clients: 2 };
    assert.deepEqual(room.drain("a"), [expected]);
    assert.deepEqual(room.drain("b"), [expected]);
    assert.deepEqual(room.drain("c"), []);
  });

  it("refuses a publish to a topic the sender has not subscribed to", () => {
    const room = new FakeRoom();
    room.connect("a");
    room.connect("b");
    room.send("b", { type: "subscribe", topics: ["doc"] });
    room.send("a", { type: "publish", topic: "doc", data: "c2VjcmV0" });
    assert.deepEqual(room.drain("a").map((f) => f.code), ["not_subscribed"]);
    assert.deepEqual(room.drain("b"), []);
  });

  it("overrides a client-sent clients", () => {
    const room = new FakeRoom();
    room.connect("a");
    room.connect("b");
    room.send("a", { type: "subscribe", topics: ["doc"] });
    room.send("b", { type: "subscribe", topics: ["doc"] });
    room.send("a", { type: "publish", topic: "doc", clients: 999, data: "c2VjcmV0" });
    assert.deepEqual(room.drain("b"), [{ type: "publish", topic: "doc", clients: 2, data: "c2VjcmV0" }]);
  });

  it("sends nothing for a publish to a topic nobody has", () => {
    const room = new FakeRoom();
    room.connect("a");
    room.send("a", { type: "subscribe", topics: ["empty"] });
    room.send("a", { type: "unsubscribe", topics: ["empty"] });
    room.send("a", { type: "publish", topic: "empty", data: {} });
    assert.deepEqual(room.drain("a").map((f) => f.code), ["not_subscribed"]);
  });

  it("answers ping with pong", () => {
    const room = new FakeRoom();
    room.connect("a");
    room.send("a", { type: "ping" });
    assert.deepEqual(room.drain("a"), [{ type: "pong" }]);
  });

  it("subscribes idempotently and unsubscribes", () => {
    const room = new FakeRoom();
    const a = room.connect("a");
    room.connect("b");
    room.send("a", { type: "subscribe", topics: ["x", "y", "x"] });
    room.send("a", { type: "subscribe", topics: ["y"] });
    assert.deepEqual(a.state, { topics: ["x", "y"] });
    room.send("a", { type: "unsubscribe", topics: ["x", "never"] });
    assert.deepEqual(a.state, { topics: ["y"] });
    room.send("b", { type: "subscribe", topics: ["x", "y"] });
    room.send("b", { type: "publish", topic: "x", data: 1 });
    room.send("b", { type: "publish", topic: "y", data: 2 });
    assert.deepEqual(room.drain("a"), [{ type: "publish", topic: "y", data: 2, clients: 2 }]);
    room.send("a", { type: "unsubscribe" });
    assert.deepEqual(a.state, { topics: ["y"] });
  });

  it("forgets a closed connection in every topic", () => {
    const room = new FakeRoom();
    room.connect("a");
    room.connect("b");
    room.send("a", { type: "subscribe", topics: ["x", "y"] });
    room.send("b", { type: "subscribe", topics: ["x", "y"] });
    room.close("a");
    room.send("b", { type: "publish", topic: "x", data: 1 });
    room.send("b", { type: "publish", topic: "y", data: 2 });
    assert.deepEqual(
      room.drain("b").map((f) => f.clients),
      [1, 1],
    );
  });

  it("keeps topics of different connections apart: a topic named __proto__ is just a name", () => {
    const room = new FakeRoom();
    room.connect("a");
    room.connect("b");
    room.send("a", { type: "subscribe", topics: ["__proto__", "constructor"] });
    room.send("b", { type: "subscribe", topics: ["__proto__", "toString"] });
    room.send("b", { type: "publish", topic: "__proto__", data: 1 });
    room.send("b", { type: "publish", topic: "toString", data: 2 });
    assert.deepEqual(room.drain("a"), [{ type: "publish", topic: "__proto__", data: 1, clients: 2 }]);
  });

  it("drops __proto__ keys from relayed frames and pollutes nothing", () => {
    const room = new FakeRoom();
    room.connect("a");
    room.connect("b");
    room.send("a", { type: "subscribe", topics: ["t"] });
    room.send("b", '{"__proto__":{"polluted":true},"type":"subscribe","topics":["t"]}');
    room.send("b", '{"type":"publish","topic":"t","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"data":{"__proto__":{"x":1}}}');
    const [relayed] = room.drain("a");
    assert.ok(relayed);
    assert.equal(Object.hasOwn(relayed, "__proto__"), false);
    assert.equal(Object.hasOwn(relayed, "constructor"), false);
    assert.equal(relayed.clients, 2);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(relayed), Object.prototype);
  });

  it("answers every malformed frame with an error and stays usable", () => {
    const room = new FakeRoom();
    room.connect("a");
    room.send("a", { type: "subscribe", topics: ["t"] });
    const cases: [string | Uint8Array, string][] = [
      ["{", "bad_json"],
      [new Uint8Array([1, 2, 3]), "bad_message"],
      ["[1]", "bad_message"],
      [JSON.stringify({ type: "subscribe", topics: [null] }), "bad_message"],
      [JSON.stringify({ type: "nope" }), "bad_message"],
      [JSON.stringify({ type: "publish", topic: "t", data: "x".repeat(MAX_FRAME_BYTES) }), "too_large"],
    ];
    for (const [raw, code] of cases) {
      room.send("a", raw);
      const replies = room.drain("a");
      assert.equal(replies.length, 1);
      assert.equal(replies[0]?.type, "error");
      assert.equal(replies[0]?.code, code);
      assert.equal(typeof replies[0]?.message, "string");
    }
    assert.deepEqual(room.conns.get("a")?.state, { topics: ["t"] });
    room.send("a", { type: "publish", topic: "t", data: 1 });
    assert.deepEqual(room.drain("a"), [{ type: "publish", topic: "t", data: 1, clients: 1 }]);
  });
});

describe("limits", () => {
  it(`subscribes ${MAX_TOPICS_PER_CONNECTION} topics per connection and refuses the rest`, () => {
    const room = new FakeRoom();
    const a = room.connect("a");
    const topics = Array.from({ length: MAX_TOPICS_PER_CONNECTION }, (_, i) => topicN(i));
    room.send("a", { type: "subscribe", topics });
    assert.deepEqual(room.drain("a"), []);
    room.send("a", { type: "subscribe", topics: [topicN(0), topicN(MAX_TOPICS_PER_CONNECTION)] });
    const [err, ...rest] = room.drain("a");
    assert.equal(err?.code, "too_many_topics");
    assert.match(String(err?.message), /^1 topic\(s\) not subscribed/);
    assert.deepEqual(rest, []);
    assert.deepEqual(a.state?.topics, topics);
    // Unsubscribing frees a place.
    room.send("a", { type: "unsubscribe", topics: [topicN(0)] });
    room.send("a", { type: "subscribe", topics: [topicN(MAX_TOPICS_PER_CONNECTION)] });
    assert.deepEqual(room.drain("a"), []);
    assert.equal(a.state?.topics.length, MAX_TOPICS_PER_CONNECTION);
  });

  it("subscribes what fits of one frame with too many topics", () => {
    const room = new FakeRoom();
    const a = room.connect("a");
    const topics = Array.from({ length: MAX_TOPICS_PER_CONNECTION + 5 }, (_, i) => topicN(i));
    room.send("a", { type: "subscribe", topics });
    assert.deepEqual(a.state?.topics, topics.slice(0, MAX_TOPICS_PER_CONNECTION));
    assert.deepEqual(
      room.drain("a").map((f) => [f.code, String(f.message).split(" ")[0]]),
      [["too_many_topics", "5"]],
    );
  });

  it(`keeps the state within ${MAX_STATE_BYTES} bytes whatever the topic lengths`, () => {
    const room = new FakeRoom();
    const a = room.connect("a");
    const long = (i: number) => `${i}-`.padEnd(MAX_TOPIC_BYTES, "x");
    room.send("a", { type: "subscribe", topics: Array.from({ length: MAX_TOPICS_PER_CONNECTION }, (_, i) => long(i)) });
    assert.ok(a.state);
    assert.ok(stateBytes(a.state) <= MAX_STATE_BYTES);
    assert.ok(a.state.topics.length < MAX_TOPICS_PER_CONNECTION);
    assert.equal(room.drain("a")[0]?.code, "too_many_topics");
    // A UUID-named topic per place fits in full.
    const b = room.connect("b");
    const uuids = Array.from({ length: MAX_TOPICS_PER_CONNECTION }, () => crypto.randomUUID());
    room.send("b", { type: "subscribe", topics: uuids });
    assert.deepEqual(room.drain("b"), []);
    assert.equal(b.state?.topics.length, MAX_TOPICS_PER_CONNECTION);
  });

  it(`refuses a topic's ${MAX_SUBSCRIBERS_PER_TOPIC + 1}th subscriber with topic_full, others still subscribed`, () => {
    const room = new FakeRoom();
    for (let i = 0; i < MAX_SUBSCRIBERS_PER_TOPIC; i++) {
      room.connect(`p${i}`);
      room.send(`p${i}`, { type: "subscribe", topics: ["busy"] });
      assert.deepEqual(room.drain(`p${i}`), []);
    }
    const late = room.connect("late");
    room.send("late", { type: "subscribe", topics: ["busy", "quiet"] });
    const replies = room.drain("late");
    assert.deepEqual(replies.map((f) => f.code), ["topic_full"]);
    assert.deepEqual(late.state?.topics, ["quiet"]);
    // Resubscribing an existing subscriber is not a new one.
    room.send("p0", { type: "subscribe", topics: ["busy"] });
    assert.deepEqual(room.drain("p0"), []);
    // A place frees up when a subscriber leaves.
    room.close("p1");
    room.send("late", { type: "subscribe", topics: ["busy"] });
    assert.deepEqual(room.drain("late"), []);
    room.send("late", { type: "publish", topic: "busy", data: 1 });
    assert.equal(room.drain("p0")[0]?.clients, MAX_SUBSCRIBERS_PER_TOPIC);
  });
});

describe("pure helpers", () => {
  it("subscribe leaves the input state alone and reports what it added", () => {
    const before: SignalingState = Object.freeze({ topics: Object.freeze(["a"]) });
    const result = subscribe({ id: "s", state: before }, ["a", "b"], []);
    assert.deepEqual(result, { state: { topics: ["a", "b"] }, added: ["b"], errors: [] });
    assert.deepEqual(before, { topics: ["a"] });
  });

  it("unsubscribe and subscribersOf", () => {
    assert.deepEqual(unsubscribe(null, ["a"]), { topics: [] });
    assert.deepEqual(unsubscribe({ topics: ["a", "b"] }, ["a"]), { topics: ["b"] });
    const peers = [
      { id: "1", state: { topics: ["a"] } },
      { id: "2", state: null },
      { id: "3", state: { topics: ["b", "a"] } },
    ];
    assert.deepEqual(
      subscribersOf(peers, "a").map((p) => p.id),
      ["1", "3"],
    );
  });
});
