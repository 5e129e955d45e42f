// What the room asks of its runtime: the reads and writes on its hot paths,
// the platform's limits (values ≤ 128 KiB, connection state ≤ 2 KiB), and no
// use of the room's id while an alarm runs (PartyKit refuses it there). Driven
// through the runtime-neutral core over the in-memory runtime of fake-room.ts.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { FakeRoom, type FakeConnection } from "../support/fake-room.ts";
import { issueHostToken, newNonce } from "../../party/core/auth.ts";
import { MAX_QUEUE_LIMIT } from "../../party/core/config.ts";
import { MAX_CONVERSATIONS, MAX_MESSAGES_PER_CONVERSATION } from "../../party/core/limits.ts";
import { MAX_SOCKET_URL } from "../../party/core/edge.ts";
import type { State } from "../../party/core/connections.ts";
import { MAX_NAME_LENGTH } from "../../protocol/socket.ts";
import { HOST_SESSION, PRESENCE } from "../../protocol/http.ts";

const HOST_KEY = "a-host-key-of-some-length";

async function visitorWith(room: FakeRoom, text: string, opts: { conversation?: string } = {}): Promise<FakeConnection> {
  const v = await room.connect(opts);
  await room.send(v, { type: "text", text, clientId: crypto.randomUUID() });
  return v;
}

describe("the room's storage on its hot paths", () => {
  it("writes a visitor message once when a host is online (delivered in the first write)", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    const host = await room.connect({ host: "Host" });
    const v = await room.connect();
    const from = room.storage.calls.length;
    await room.send(v, { type: "text", text: "hello", clientId: crypto.randomUUID() });
    const messageWrites = room.storage.calls.slice(from).filter((c) => c.startsWith("put ") && c.includes("msg:"));
    assert.equal(messageWrites.length, 1, `message writes: ${messageWrites.join(" | ")}`);
    assert.equal(host.last("message")?.message.delivered, true);
    assert.equal(v.last("message")?.message.delivered, true, "the visitor sees it delivered");
  });

  it("lists a dashboard's conversations a page at a time from the activity index, newest first, without reading every conversation", async (t) => {
    let clock = Date.UTC(2026, 0, 1);
    t.mock.method(Date, "now", () => (clock += 1000));
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    const visitors = [];
    for (let i = 0; i < 35; i++) visitors.push(await visitorWith(room, `message ${i}`));
    await room.send(visitors[3], { type: "text", text: "again", clientId: crypto.randomUUID() });
    const from = room.storage.calls.length;
    const host = await room.connect({ host: "Host" });
    const first = host.last("conversations")!;
    assert.equal(first.conversations.length, 30);
    assert.equal(first.cursor, undefined);
    assert.deepEqual(first.conversations[0].messages.map((m) => m.text), ["message 3", "again"], "the newest activity first");
    assert.deepEqual(first.conversations.slice(1, 4).map((c) => c.messages[0].text), ["message 34", "message 33", "message 32"]);
    const scans = room.storage.calls.slice(from).filter((c) => c.startsWith("list conv:") || c === "list ");
    assert.deepEqual(scans, [], "no scan over every conversation");

    await room.send(host, { type: "older", cursor: first.next! });
    const second = host.last("conversations")!;
    assert.equal(second.cursor, first.next);
    assert.equal(second.next, undefined, "a next page after the last");
    assert.deepEqual(second.conversations.map((c) => c.messages[0].text), ["message 5", "message 4", "message 2", "message 1", "message 0"]);
    const ids = [...first.conversations, ...second.conversations].map((c) => c.id);
    assert.equal(new Set(ids).size, 35, "a conversation listed twice or missed");
  });

  it("builds the activity index once in a room that kept conversations before it existed", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    for (const [i, id] of ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"].entries()) {
      room.storage.data.set(`conv:${id}`, { id, createdAt: 1000 + i, updatedAt: 1000 + i, count: 1, readAt: 0 });
      room.storage.data.set(`msg:${id}:${"0".repeat(10)}`, { id: `m${i}`, from: "visitor", text: `old ${i}`, at: 1000 + i, seq: 0 });
    }
    room.storage.data.set("recent", ["00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000001"]);
    const host = await room.connect({ host: "Host" });
    assert.deepEqual(host.last("conversations")!.conversations.map((c) => c.messages[0].text), ["old 1", "old 0"]);
    assert.equal(room.storage.data.get("actIndex"), true);
    assert.equal(room.storage.data.has("recent"), false);
    const from = room.storage.calls.length;
    await room.connect({ host: "Host" });
    assert.deepEqual(room.storage.calls.slice(from).filter((c) => c.startsWith("list conv:")), [], "the index was built again");
  });

  it("sends a conversation's messages to its sockets only, without scanning every visitor socket", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    const host = await room.connect({ host: "Host" });
    const ada = await visitorWith(room, "from Ada, a new conversation");
    const other = await visitorWith(room, "from someone else");
    // Ada's second tab opens with the conversation token the first one was given.
    const adaTab = await room.connect({ conversation: ada.last("welcome")!.conversationToken });
    const conversationId = host.of("message")[0].conversationId;

    room.scans.length = 0;
    await room.send(host, { type: "reply", conversationId, text: "hi Ada", clientId: crypto.randomUUID() });
    assert.equal(ada.last("message")?.message.text, "hi Ada", "the socket that started it without a token");
    assert.equal(adaTab.last("message")?.message.text, "hi Ada", "the socket that opened with its token");
    assert.notEqual(other.last("message")?.message.text, "hi Ada");
    assert.ok(!room.scans.includes("visitor") && !room.scans.includes(undefined), `connections scanned: ${room.scans.join(", ")}`);
  });
});

describe("a host deletes a conversation", () => {
  it("leaves no record of it but the mark that its token finds nothing; its visitor starts afresh", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    const host = await room.connect({ host: "Host" });
    const ada = await visitorWith(room, "first");
    await room.send(ada, { type: "text", text: "second", clientId: crypto.randomUUID() });
    const other = await visitorWith(room, "someone else");
    const id = ada.last("message")!.conversationId;
    const token = ada.last("welcome")!.conversationToken!;
    const statsBefore = room.storage.data.get("stats") as { conversations: number; bytes: number };

    await room.send(host, { type: "delete", conversationId: id });
    const left = [...room.storage.data.keys()].filter((k) => k.includes(id));
    assert.deepEqual(left, [`gone:${id}`], "keys of the deleted conversation left");
    const stats = room.storage.data.get("stats") as { conversations: number; bytes: number };
    assert.equal(stats.conversations, statsBefore.conversations - 1);
    assert.ok(stats.bytes < statsBefore.bytes);
    assert.equal(ada.closedWith?.code, 4004);
    assert.equal(other.closed, false, "another visitor was closed");
    assert.equal(host.last("deleted")?.conversationId, id);

    const back = await room.connect({ conversation: token });
    assert.notEqual(back.last("welcome")!.conversationToken, token, "the old token found the conversation again");
    assert.equal(back.of("history").length, 0);
    await room.send(back, { type: "text", text: "new start", clientId: crypto.randomUUID() });
    assert.notEqual(back.last("message")!.conversationId, id);
  });
});

describe("the room's id and an alarm that awaits", () => {
  let slack: Server;
  let url = "";
  let answer: "fail" | "slow" = "fail";
  const bodies: string[] = [];
  before(async () => {
    slack = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => {
        bodies.push(body);
        if (answer === "fail") return void res.writeHead(500).end("down");
        setTimeout(() => res.writeHead(200).end("ok"), 600);
      });
    });
    await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/webhook`;
  });
  after(() => new Promise<void>((resolve) => slack.close(() => resolve())));

  it("serves sockets and sign-ins while a restarted room's alarm awaits a slow Slack post", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]", SLACK_WEBHOOK_URL: url });
    await visitorWith(room, "for Slack");
    for (let i = 0; i < 100 && bodies.length < 1; i++) await sleep(20);
    assert.equal(bodies.length, 1, "the first attempt reached Slack (and failed)");
    await sleep(1100); // the retry is due (first backoff ≤ 1 s)

    room.boot(); // a restart: a new instance over the same storage
    const reads = room.idReads;
    answer = "slow";
    const alarm = room.fireAlarm();
    for (let i = 0; i < 100 && bodies.length < 2; i++) await sleep(20);
    assert.equal(bodies.length, 2, "the alarm's retry is in flight");

    const visitor = await room.connect();
    assert.equal(visitor.last("welcome")?.role, "visitor");
    assert.equal((await room.call(HOST_SESSION, { body: { key: HOST_KEY } })).status, 200);
    assert.deepEqual(await room.call(PRESENCE, {}), { ok: true, status: 200, body: { available: false, calls: false } });
    await alarm;
    assert.equal(room.idReads, reads, "the restarted room took its id from storage");
    assert.match(bodies[1], /for Slack/);
  });
});

describe("platform limits", () => {
  it("keeps every call of a full queue in one stored value under 128 KiB", async () => {
    const maxQueue = MAX_QUEUE_LIMIT;
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]", MAX_QUEUE: String(maxQueue) });
    const host = await room.connect({ host: "Host" });
    await room.send(host, { type: "available", available: true });
    const name = "𝔄".repeat(MAX_NAME_LENGTH / 2); // 4-byte characters: the longest name in bytes
    // The longest email, and a page whose origin and path just fit what a call keeps of it.
    const email = `${"a".repeat(64)}@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(61)}.com`;
    const page = `https://example.com/${"p".repeat(256 - "https://example.com/".length)}?${"q".repeat(1500)}`;
    for (let i = 0; i < maxQueue + 2; i++) {
      const v = await room.connect();
      await room.send(v, { type: "call", media: "video", capabilities: { webrtc: true, audio: true, video: true }, name, email, page, timeZone: "America/Argentina/ComodRivadavia" });
      if (i <= maxQueue) assert.equal(v.last("error"), undefined, JSON.stringify(v.last("error")));
    }
    const calls = room.storage.data.get("calls") as unknown[];
    assert.equal(calls.length, maxQueue + 1, "one ringing, the rest in line");
    const bytes = new TextEncoder().encode(JSON.stringify(calls)).byteLength;
    assert.ok(bytes < 128 * 1024, `calls take ${bytes} bytes`);
  });

  it("refuses a MAX_QUEUE whose calls could outgrow one stored value (the default 10 holds)", async (t) => {
    const errors = t.mock.method(console, "error", () => {});
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]", MAX_QUEUE: String(MAX_QUEUE_LIMIT + 1) });
    const host = await room.connect({ host: "Host" });
    await room.send(host, { type: "available", available: true });
    const callers = [];
    for (let i = 0; i < 12; i++) {
      const v = await room.connect();
      await room.send(v, { type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } });
      callers.push(v);
    }
    assert.equal(callers[10].last("queued")?.position, 10);
    assert.equal(callers[11].last("error")?.code, "queue_full");
    assert.match(String(errors.mock.calls[0]?.arguments[0]), /MAX_QUEUE must be a whole number from 0 to 100/);
  });

  it("keeps a connection's state and URL within PartyKit's 2 KiB attachment", async () => {
    const now = Date.now();
    const bucket = { tokens: 39.123456789, at: now };
    const buckets = { frame: bucket, text: bucket, call: bucket, signIn: bucket };
    const visitor: State = { role: "visitor", visitorId: crypto.randomUUID(), conversationId: crypto.randomUUID(), address: "f".repeat(64), resumeNonce: newNonce(), lastSeen: now, buckets, gone: true };
    const name = "𝔄".repeat(40);
    const token = await issueHostToken("k".repeat(64), name, "r".repeat(200));
    const host: State = { role: "host", name, available: true, token, lastSeen: now, buckets, gone: true };
    for (const state of [visitor, host]) {
      const bytes = new TextEncoder().encode(JSON.stringify(state)).byteLength + MAX_SOCKET_URL + 64; // + URL and connection id
      assert.ok(bytes <= 2048, `${state.role}: ${bytes} bytes`);
    }
  });
});

describe("host sign-in guessing", () => {
  const signIn = (room: FakeRoom, key: string, address: string) => room.call(HOST_SESSION, { body: { key } }, { "cf-connecting-ip": address });

  it("limits wrong keys per address across every room, never the right key from another address", async () => {
    const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const rooms = Array.from({ length: 5 }, () => new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" }));
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn(rooms[i % rooms.length], `wrong-key-${i}-xxxxxxxx`, address)).status);
    assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429], "a new room gives no fresh tries");
    const refused = await signIn(rooms[0], HOST_KEY, address);
    assert.ok(!refused.ok);
    assert.equal(refused.status, 429);
    assert.ok(refused.retryAfter !== undefined && refused.retryAfter >= 1 && refused.retryAfter <= 6, `Retry-After: ${refused.retryAfter}`);
    for (let i = 0; i < 12; i++) assert.equal((await signIn(rooms[i % 5], HOST_KEY, "203.0.113.9")).status, 200, "the real host elsewhere");
  });
});

describe("limits per client address and per room", () => {
  const text = (room: FakeRoom, v: FakeConnection, body = "hi") => room.send(v, { type: "text", text: body, clientId: crypto.randomUUID() });

  it("keeps an address's message allowance across reconnects", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    const address = "192.0.2.7";
    let first: FakeConnection | undefined;
    let refusedAt = -1;
    for (let i = 0; i < 30 && refusedAt < 0; i++) {
      // A new socket every time, keeping the same conversation (the per-socket allowance starts afresh).
      const v = await room.connect({ address, conversation: first?.last("welcome")!.conversationToken });
      first ??= v;
      await text(room, v, `message ${i}`);
      if (v.last("error")?.code === "rate_limited") refusedAt = i;
      await room.drop(v);
    }
    assert.equal(refusedAt, 20, "20 messages at once per address, however many sockets");
    const other = await room.connect({ address: "192.0.2.8" });
    await text(room, other);
    assert.equal(other.last("error"), undefined, "another address is not affected");
  });

  it("refuses a new conversation beyond five at once from one address", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    const codes = [];
    for (let i = 0; i < 7; i++) {
      const v = await room.connect({ address: "192.0.2.9" });
      await text(room, v);
      codes.push(v.last("error")?.code ?? "ok");
      await room.drop(v);
    }
    assert.deepEqual(codes, ["ok", "ok", "ok", "ok", "ok", "rate_limited", "rate_limited"]);
  });

  it("closes sockets beyond 30 open from one address", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    const sockets = [];
    for (let i = 0; i < 31; i++) sockets.push(await room.connect({ address: "192.0.2.10" }));
    assert.equal(sockets[29].closedWith, undefined);
    assert.deepEqual(sockets[30].closedWith, { code: 1008, reason: "Too many connections from your address" });
    assert.equal(sockets[30].last("error")?.code, "rate_limited");
    assert.equal(sockets[30].last("welcome"), undefined);
  });

  it("refuses messages beyond a conversation's cap and conversations beyond the room's", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    const v = await room.connect();
    await text(room, v, "first");
    const id = v.last("message")!.conversationId;
    const conv = room.storage.data.get(`conv:${id}`) as { count: number };
    room.storage.data.set(`conv:${id}`, { ...conv, count: MAX_MESSAGES_PER_CONVERSATION });
    await text(room, v, "one too many");
    assert.equal(v.last("error")?.code, "conversation_full");

    room.storage.data.set("stats", { conversations: MAX_CONVERSATIONS, bytes: 0, prunedAt: Date.now() });
    room.boot();
    const newcomer = await room.connect();
    await text(room, newcomer);
    assert.equal(newcomer.last("error")?.code, "room_full");
  });

  it("deletes conversations idle past RETENTION_DAYS, about daily, and keeps the rest", async (t) => {
    let clock = Date.UTC(2026, 0, 1);
    t.mock.method(Date, "now", () => clock);
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]", RETENTION_DAYS: "2" });
    const old = await room.connect();
    await text(room, old, "old");
    clock += 2 * 24 * 3600_000;
    const recent = await room.connect();
    await text(room, recent, "recent");
    assert.ok(room.storage.alarm !== null && room.storage.alarm <= clock + 24 * 3600_000, "a prune is scheduled");
    clock += 12 * 3600_000;
    await room.fireAlarm();
    const keys = [...room.storage.data.keys()];
    const oldId = old.last("message")!.conversationId;
    const recentId = recent.last("message")!.conversationId;
    assert.ok(!keys.some((k) => k.includes(oldId)), `nothing of the old conversation is left: ${keys.filter((k) => k.includes(oldId))}`);
    assert.ok(keys.includes(`conv:${recentId}`));
    assert.equal((room.storage.data.get("stats") as { conversations: number }).conversations, 1);
    const host = await room.connect({ host: "Host" });
    assert.deepEqual(host.last("conversations")!.conversations.map((c) => c.id), [recentId]);
  });
});

describe("Slack webhook mode and calls", () => {
  let slack: Server;
  let url = "";
  const bodies: string[] = [];
  before(async () => {
    slack = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => {
        bodies.push(body);
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/webhook`;
  });
  after(() => new Promise<void>((resolve) => slack.close(() => resolve())));

  const posted = async (n: number) => {
    for (let i = 0; i < 100 && bodies.length < n; i++) await sleep(20);
    assert.equal(bodies.length, n, `posts: ${bodies.join(" | ")}`);
    return JSON.parse(bodies[n - 1]!) as unknown;
  };

  it("posts a call's notice when it rings and a missed call when it rings out; an answered call posts nothing more", async (t) => {
    let clock = Date.UTC(2026, 0, 1, 12);
    t.mock.method(Date, "now", () => clock);
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]", SLACK_WEBHOOK_URL: url, RING_TIMEOUT_S: "5", DASHBOARD_URL: "https://example.com/host.html" });
    const host = await room.connect({ host: "Host" });
    await room.send(host, { type: "available", available: true });
    const ada = await room.connect();
    await room.send(ada, { type: "call", media: "video", capabilities: { webrtc: true, audio: true, video: true }, name: "Ada" });
    assert.deepEqual(await posted(1), { text: "📞 Video call from *Ada* — Answer: <https://example.com/host.html|open the dashboard>" });
    clock += 5_000;
    await room.fireAlarm();
    assert.equal(ada.last("ended")?.reason, "no-answer");
    assert.deepEqual(await posted(2), { text: "📞 Missed video call from *Ada*" });

    const bob = await room.connect();
    await room.send(bob, { type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true }, name: "Bob" });
    assert.deepEqual(await posted(3), { text: "📞 Audio call from *Bob* — Answer: <https://example.com/host.html|open the dashboard>" });
    const callId = bob.last("ringing")!.callId;
    await room.send(host, { type: "accept", callId });
    await room.send(bob, { type: "hangup", callId });
    await sleep(300);
    assert.equal(bodies.length, 3, `no post for an answered call's later states: ${bodies.slice(3).join(" | ")}`);
  });
});
