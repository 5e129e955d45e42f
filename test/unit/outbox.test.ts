import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as Party from "partykit/server";
import { BACKOFF_MAX_MS, Outbox, backoff, type OutboxEntry } from "../../party/core/outbox.ts";
import { classify, retryAfter, type Delivery } from "../../party/core/delivery.ts";

/** Just the storage calls the outbox makes. */
function memoryStorage() {
  const data = new Map<string, unknown>();
  return {
    data,
    storage: {
      async get(key: string) {
        return structuredClone(data.get(key));
      },
      async put(key: string | Record<string, unknown>, value?: unknown) {
        for (const [k, v] of Object.entries(typeof key === "string" ? { [key]: value } : key)) data.set(k, structuredClone(v));
      },
      async delete(key: string) {
        return data.delete(key);
      },
      async list({ prefix = "" }: { prefix?: string }) {
        return new Map([...data].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1)));
      },
    } as unknown as Party.Storage,
  };
}

const msg = (text: string) => ({ from: "visitor" as const, text });

describe("backoff", () => {
  it("doubles from 1 s with jitter between half and all of the step, capped at 5 minutes", () => {
    assert.equal(backoff(1, () => 0), 500);
    assert.equal(backoff(1, () => 1), 1000);
    assert.equal(backoff(3, () => 0), 2000);
    assert.equal(backoff(3, () => 1), 4000);
    assert.equal(backoff(30, () => 1), BACKOFF_MAX_MS);
    for (let i = 0; i < 100; i++) {
      const d = backoff(4);
      assert.ok(d >= 4000 && d <= 8000, String(d));
    }
  });
});

describe("Outbox", () => {
  it("stores a message's posts together, in order; a step of a delivery is stored at once; waiting() says what is left of a message", async () => {
    const { storage } = memoryStorage();
    const outbox = new Outbox(storage);
    await outbox.load();
    assert.ok(await outbox.enqueueAll("a", 3, [msg("text"), msg("file 1"), msg("file 2")], Date.now()));
    const reloaded = new Outbox(storage);
    await reloaded.load();
    assert.equal(reloaded.size, 3);
    const tried: string[] = [];
    await reloaded.drain(
      async (e) => {
        tried.push(e.message.text);
        if (e.message.text !== "file 1") return { kind: "ok" };
        // A step done before a failure: kept, so the next attempt goes on from it.
        e.message = { ...e.message, file_id: "F1" };
        await reloaded.save(e);
        const stored = [...(await storage.list<OutboxEntry>({ prefix: "outbox:" })).values()].find((s) => s.message.text === "file 1");
        assert.equal(stored?.message.file_id, "F1", "stored before the delivery ends");
        return { kind: "fail", reason: "given up" };
      },
      async (e) => void (e.message.text === "text" && assert.ok(reloaded.waiting("a", 3), "the files of message 3 still wait")),
    );
    assert.deepEqual(tried, ["text", "file 1", "file 2"]);
    assert.equal(reloaded.waiting("a", 3), false);
  });

  it("delivers in order, holds back a conversation behind a retry, lets others through", async () => {
    const { storage, data } = memoryStorage();
    const outbox = new Outbox(storage);
    await outbox.load();
    await outbox.enqueue("a", 0, msg("a0"), Date.now());
    await outbox.enqueue("b", 0, msg("b0"), Date.now());
    await outbox.enqueue("a", 1, msg("a1"), Date.now());
    const tried: string[] = [];
    const settled: string[] = [];
    await outbox.drain(
      async (e) => {
        tried.push(e.message.text);
        return e.message.text === "a0" ? { kind: "retry", reason: "HTTP 500" } : { kind: "ok" };
      },
      async (e, r) => void settled.push(`${e.message.text}:${r.kind}`),
    );
    assert.deepEqual(tried, ["a0", "b0"], "a1 waits behind a0");
    assert.deepEqual(settled, ["a0:retry", "b0:ok"]);
    assert.equal(outbox.size, 2);
    const stored = [...data.keys()].filter((k) => k.startsWith("outbox:"));
    assert.equal(stored.length, 2, "what is pending is in storage");

    // A new Outbox over the same storage (a restart) carries on, in order.
    const restarted = new Outbox(storage);
    await restarted.load();
    const entries = [...(await storage.list<OutboxEntry>({ prefix: "outbox:" })).values()];
    assert.equal(entries.find((e) => e.message.text === "a0")!.attempt, 1);
    for (const e of entries) await storage.put(e.key, { ...e, nextAt: 0 });
    await restarted.load();
    const order: string[] = [];
    await restarted.drain(async (e) => (order.push(e.message.text), { kind: "ok" }), async () => {});
    assert.deepEqual(order, ["a0", "a1"]);
    assert.equal(restarted.size, 0);
    assert.equal([...data.keys()].filter((k) => k.startsWith("outbox:")).length, 0);
  });

  it("honours Retry-After and drops permanent failures with their reason", async () => {
    const { storage } = memoryStorage();
    const outbox = new Outbox(storage);
    await outbox.load();
    await outbox.enqueue("a", 0, msg("rate limited"), Date.now());
    await outbox.enqueue("b", 0, msg("bad channel"), Date.now());
    const results: Record<string, Delivery> = {
      "rate limited": { kind: "retry", reason: "429", after: 7000 },
      "bad channel": { kind: "fail", reason: "chat.postMessage: channel_not_found" },
    };
    const seen: Delivery[] = [];
    const t0 = Date.now();
    await outbox.drain(async (e) => results[e.message.text], async (_e, r) => void seen.push(r));
    assert.deepEqual(seen.map((r) => r.kind), ["retry", "fail"]);
    assert.equal(outbox.size, 1);
    const next = outbox.nextAt()!;
    assert.ok(next - t0 >= 7000 && next - t0 < 8000, `retry after ${next - t0} ms`);
  });
});

describe("Outbox recovery", () => {
  it("once a post goes through, entries backing off from earlier failures go at once; Retry-After still holds", async () => {
    const { storage } = memoryStorage();
    const outbox = new Outbox(storage);
    await outbox.load();
    await outbox.enqueue("a", 0, msg("a0"), Date.now());
    await outbox.enqueue("r", 0, msg("r0"), Date.now());
    const tried: string[] = [];
    // Slack is down: a0 backs off, r0 is told to wait 60 s.
    await outbox.drain(
      async (e) => (tried.push(e.message.text), e.message.text === "r0" ? { kind: "retry", reason: "429", after: 60_000 } : { kind: "retry", reason: "503" }),
      async () => {},
    );
    assert.deepEqual(tried, ["a0", "r0"]);
    // Slack is back: a new message goes through, and a0 follows in the same drain without waiting its delay.
    await outbox.enqueue("b", 0, msg("b0"), Date.now());
    await outbox.drain(async (e) => (tried.push(e.message.text), { kind: "ok" }), async () => {});
    assert.deepEqual(tried, ["a0", "r0", "b0", "a0"]);
    assert.equal(outbox.size, 1, "r0 still honours its Retry-After");
    assert.ok(outbox.nextAt()! - Date.now() > 50_000);
  });
});

describe("an HTTP answer as a delivery outcome", () => {
  it("retries 429 after its Retry-After, or by backoff when it gives none; retries 5xx; fails other 4xx", async () => {
    assert.equal(retryAfter(new Response(null, { status: 429, headers: { "retry-after": "3" } })), 3000);
    assert.equal(retryAfter(new Response(null, { status: 429 })), undefined, "no Retry-After is not 'retry at once'");
    assert.equal(retryAfter(new Response(null, { status: 429, headers: { "retry-after": "soon" } })), undefined);
    assert.deepEqual(await classify(new Response(null, { status: 429 }), "x"), { kind: "retry", reason: "x: HTTP 429 rate limited", after: undefined });
    assert.deepEqual(await classify(new Response(null, { status: 503 }), "x"), { kind: "retry", reason: "x: HTTP 503" });
    assert.deepEqual(await classify(new Response("no such hook", { status: 404 }), "x"), { kind: "fail", reason: "x: HTTP 404 no such hook" });
    assert.equal(await classify(new Response("ok", { status: 200 }), "x"), undefined);
  });
});
