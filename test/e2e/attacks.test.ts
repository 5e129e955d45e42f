/// <reference types="node" />
/**
 * Strangers against the room, from outside, as an attacker would: raw
 * WebSockets and HTTP to a real server (either runtime), each attack checked
 * against what it must not achieve — locking the host out, guessing the key,
 * taking over a caller, filling the room, flooding a subscriber.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { HOST_SESSION, PRESENCE, requestEndpoint } from "../../protocol/http.ts";
import { uniqueRoom } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { startSlackStandIn, type SlackStandIn } from "../support/slack.ts";

const HOST_KEY = randomUUID();
let server: TestServer;
let slack: SlackStandIn;

before(async () => {
  slack = await startSlackStandIn();
  server = await startServer({ vars: { HOST_KEY, ICE_SERVERS: "[]", SLACK_WEBHOOK_URL: slack.webhookUrl } });
});
after(async () => {
  await server?.stop();
  await slack?.stop();
});

/** `POST host/session` from client `address` (on Cloudflare the edge sets cf-connecting-ip; here the test plays the edge). */
const signIn = (room: string, key: string, address: string) =>
  requestEndpoint(server.origin, HOST_SESSION, room, { body: { key } }, { headers: { "cf-connecting-ip": address }, signal: AbortSignal.timeout(10_000) });

/** A signed-in, available host in `room`. */
async function availableHost(room: string): Promise<RawSocket> {
  const host = await RawSocket.open(await hostSocketUrl(server.origin, room, HOST_KEY));
  host.send({ type: "available", available: true });
  await host.next("presence: available", (f) => f.type === "presence" && f.available === true);
  return host;
}

/** The visitor asks for a call; the host sees it ring and accepts; both hear `accepted`. */
async function acceptedCall(host: RawSocket, visitor: RawSocket): Promise<string> {
  visitor.send({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } });
  const ringing = await visitor.next("ringing", (f) => f.type === "ringing");
  host.send({ type: "accept", callId: ringing.callId });
  await host.next("accepted (host)", (f) => f.type === "accepted" && f.callId === ringing.callId);
  await visitor.next("accepted (visitor)", (f) => f.type === "accepted" && f.callId === ringing.callId);
  return ringing.callId as string;
}

const welcome = (s: RawSocket) => s.next("welcome", (f) => f.type === "welcome");
const errorCode = (s: RawSocket, what: string) => s.next(what, (f) => f.type === "error").then((f: Frame) => f.code);

describe("a stranger cannot lock the host out", () => {
  test("two sockets under one client-chosen connection id cannot keep the host from taking calls", async () => {
    const room = uniqueRoom("dup-id");
    const host = await availableHost(room);
    const first = await RawSocket.open(roomSocketUrl(server.origin, room, "?_pk=same-id"));
    const second = await RawSocket.open(roomSocketUrl(server.origin, room, "?_pk=same-id"));
    const ids = [(await welcome(first)).id, (await welcome(second)).id];
    assert.notEqual(ids[0], ids[1], "the room gives each socket its own id");
    assert.ok(!ids.includes("same-id"), "the client's choice is not used");

    const callId = await acceptedCall(host, first);
    host.send({ type: "hangup", callId });
    await first.next("ended", (f) => f.type === "ended" && f.reason === "hangup");
    const next = await RawSocket.open(roomSocketUrl(server.origin, room));
    await acceptedCall(host, next);
    for (const s of [host, first, second, next]) await s.close();
  });

  test("wrong keys in many rooms share one allowance per address; the right key elsewhere still signs in", async () => {
    const guesser = "198.51.100.21";
    for (let i = 0; i < 10; i++) assert.equal((await signIn(uniqueRoom(`guess-${i}`), `guess-${i}-${randomUUID()}`, guesser)).status, 401);
    const fresh = await signIn(uniqueRoom("guess-new-room"), `guess-${randomUUID()}`, guesser);
    assert.ok(!fresh.ok);
    assert.equal(fresh.status, 429, "a room never tried before gives no fresh guesses");
    assert.ok(fresh.retryAfter !== undefined && fresh.retryAfter >= 1, `Retry-After: ${fresh.retryAfter}`);
    assert.equal((await signIn(uniqueRoom("guess-right"), HOST_KEY, guesser)).status, 429, "not even the right key from the guessing address");
    assert.equal((await signIn(uniqueRoom("host-elsewhere"), HOST_KEY, "198.51.100.22")).status, 200, "the host at another address");
  });

  test("the sign-in guard cannot be reached from outside, to spend or give back another address's tries", async () => {
    for (const path of ["take", "refund"]) {
      const res = await fetch(`${server.origin}/parties/guard/${encodeURIComponent("198.51.100.24")}/${path}`, { method: "POST" });
      assert.equal(res.status, 404, `POST /parties/guard/…/${path}`);
      await res.arrayBuffer(); // read to the end: a cancelled body is a broken pipe in workerd's log
    }
    await assert.rejects(RawSocket.open(`${server.origin.replace(/^http/, "ws")}/parties/guard/x`), /HTTP 404/);
  });

  test("a Slack post that takes 5 s holds up no socket, sign-in or presence request", async () => {
    const room = uniqueRoom("slow-slack");
    const before = slack.requests.length;
    slack.failNext({ status: 500 }); // the first post fails at once...
    slack.slowNext(0, 5_000); // ...and its retry, from the room's alarm, takes 5 s
    const visitor = await RawSocket.open(roomSocketUrl(server.origin, room));
    await welcome(visitor);
    visitor.send({ type: "text", text: "while Slack is slow", clientId: randomUUID() });
    await visitor.next("sent", (f) => f.type === "sent");
    await slack.waitForRequest((r) => slack.requests.indexOf(r) >= before && r.status === 500, 10_000);
    await sleep(1_500); // the retry is under way
    const started = Date.now();
    const others = await Promise.all([1, 2, 3].map(() => RawSocket.open(roomSocketUrl(server.origin, room))));
    for (const s of others) await welcome(s);
    assert.equal((await signIn(room, HOST_KEY, "198.51.100.23")).status, 200);
    assert.equal((await requestEndpoint(server.origin, PRESENCE, room, {})).status, 200);
    const host = await availableHost(room);
    assert.ok(Date.now() - started < 3_000, `served in ${Date.now() - started} ms while the post was pending`);
    await slack.waitForRequest((r) => slack.requests.indexOf(r) >= before && r.status === 200 && r.body.includes("while Slack is slow"), 15_000);
    for (const s of [visitor, host, ...others]) await s.close();
  });
});

describe("a stranger cannot take over a caller", () => {
  test("a resume token presented while its owner is open takes the call once, closing the owner and saying why", async () => {
    const room = uniqueRoom("resume");
    const host = await availableHost(room);
    const owner = await RawSocket.open(roomSocketUrl(server.origin, room));
    const token = (await welcome(owner)).resumeToken as string;
    const callId = await acceptedCall(host, owner);
    const taker = await RawSocket.open(roomSocketUrl(server.origin, room, `?resume=${encodeURIComponent(token)}`));
    assert.equal((await taker.next("resumed", (f) => f.type === "resumed")).callId, callId);
    assert.deepEqual(await owner.closed, { code: 4001, reason: "Resumed on another connection" });
    const replay = await RawSocket.open(roomSocketUrl(server.origin, room, `?resume=${encodeURIComponent(token)}`));
    await welcome(replay);
    replay.send({ type: "hangup", callId });
    assert.equal(await errorCode(replay, "error for a spent token's call"), "not_found", "a spent token resumes nothing");
    taker.send({ type: "hangup", callId });
    await host.next("ended", (f) => f.type === "ended" && f.callId === callId);
    for (const s of [host, taker, replay]) await s.close();
  });

  test("a conversation token or a page URL in another spelling is refused", async () => {
    const room = uniqueRoom("spelling");
    const visitor = await RawSocket.open(roomSocketUrl(server.origin, room));
    const token = (await welcome(visitor)).conversationToken as string;
    visitor.send({ type: "text", text: "hello", page: "javascript:alert(1)", clientId: randomUUID() });
    assert.equal(await errorCode(visitor, "error for a javascript: page"), "bad_message");
    visitor.send({ type: "text", text: "hello", page: "https://site.example/contact", clientId: randomUUID() });
    await visitor.next("sent", (f) => f.type === "sent");
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const alias = token.slice(0, -1) + alphabet[alphabet.indexOf(token.at(-1)!) + 1];
    const unread = async (conversation: string) => {
      const answer = await requestEndpoint(server.origin, PRESENCE, room, { query: { conversation } });
      assert.ok(answer.ok, `HTTP ${answer.status}`);
      return answer.body.unread;
    };
    assert.equal(await unread(token), 0, "the token itself is known");
    assert.equal(await unread(alias), undefined, "the same signature spelt differently is not");
    await visitor.close();
  });
});

describe("a stranger cannot fill the room", () => {
  test("an address's message allowance holds across reconnects; another address is not affected", async () => {
    const room = uniqueRoom("reconnects");
    const address = "198.51.100.31";
    let token = "";
    let refusedAt = -1;
    const started = Date.now();
    for (let i = 0; i < 25 && refusedAt < 0; i++) {
      const s = await RawSocket.open(roomSocketUrl(server.origin, room, token ? `?conversation=${encodeURIComponent(token)}` : ""), { address });
      token = (await welcome(s)).conversationToken as string;
      s.send({ type: "text", text: `message ${i}`, clientId: randomUUID() });
      const answer = await s.next("sent or error", (f) => f.type === "sent" || f.type === "error");
      if (answer.type === "error") {
        assert.equal(answer.code, "rate_limited");
        refusedAt = i;
      }
      await s.close();
    }
    // 20 at once, and one more every 3 s meanwhile; without a limit per address, never.
    const refills = Math.floor((Date.now() - started) / 3000);
    assert.ok(refusedAt >= 20 && refusedAt <= 20 + refills, `refused at message ${refusedAt} (${refills} refills)`);
    const other = await RawSocket.open(roomSocketUrl(server.origin, room), { address: "198.51.100.32" });
    await welcome(other);
    other.send({ type: "text", text: "from elsewhere", clientId: randomUUID() });
    await other.next("sent", (f) => f.type === "sent");
    await other.close();
  });

  test("sockets beyond 30 from one address are closed with 1008", async () => {
    const room = uniqueRoom("sockets");
    const open: RawSocket[] = [];
    for (let i = 0; i < 30; i++) {
      const s = await RawSocket.open(roomSocketUrl(server.origin, room), { address: "198.51.100.41" });
      await welcome(s);
      open.push(s);
    }
    const extra = await RawSocket.open(roomSocketUrl(server.origin, room), { address: "198.51.100.41" });
    assert.equal(await errorCode(extra, "error for the 31st socket"), "rate_limited");
    assert.equal((await extra.closed).code, 1008);
    const elsewhere = await RawSocket.open(roomSocketUrl(server.origin, room), { address: "198.51.100.42" });
    await welcome(elsewhere);
    for (const s of [...open, elsewhere]) await s.close();
  });
});

describe("a stranger cannot flood a y-webrtc subscriber", () => {
  const yjsUrl = (room: string) => `${server.origin.replace(/^http/, "ws")}/parties/yjs/${room}`;

  test("publishing to a topic one has not subscribed to is refused", async () => {
    const room = uniqueRoom("yjs-publish");
    const listener = await RawSocket.open(yjsUrl(room));
    listener.send({ type: "subscribe", topics: ["doc"] });
    const stranger = await RawSocket.open(yjsUrl(room));
    stranger.send({ type: "publish", topic: "doc", data: { type: "announce", from: "x" } });
    assert.equal(await errorCode(stranger, "not_subscribed"), "not_subscribed");
    listener.send({ type: "ping" });
    await listener.next("pong", (f) => f.type === "pong");
    assert.ok(!listener.frames.some((f) => f.type === "publish"), "nothing reached the subscriber");
    await listener.close();
    await stranger.close();
  });

  test("the bytes relayed to a room are bounded while 20 sockets flood it", async () => {
    const room = uniqueRoom("yjs-flood");
    const victim = await RawSocket.open(yjsUrl(room));
    victim.send({ type: "subscribe", topics: ["t"] });
    let received = 0;
    const counter = setInterval(() => (received = victim.frames.filter((f) => f.type === "publish").length), 50);
    const flooders = await Promise.all(Array.from({ length: 20 }, () => RawSocket.open(yjsUrl(room))));
    for (const f of flooders) f.send({ type: "subscribe", topics: ["t"] });
    await sleep(300);
    const data = "x".repeat(60 * 1024);
    const started = Date.now();
    for (let round = 0; round < 40; round++) for (const f of flooders) f.send({ type: "publish", topic: "t", data });
    await Promise.all(flooders.map((f) => f.drain()));
    await sleep(1_000);
    clearInterval(counter);
    received = victim.frames.filter((f) => f.type === "publish").length;
    const seconds = (Date.now() - started) / 1000;
    const frameBytes = data.length + 64;
    const bound = (8 * 1024 * 1024 + 2 * 1024 * 1024 * seconds) / (21 * frameBytes); // the room's budget, shared by 21 receivers
    assert.ok(received <= Math.ceil(bound) + 21, `the subscriber got ${received} frames of ~60 KiB in ${seconds.toFixed(1)} s (bound ${bound.toFixed(0)})`);
    assert.ok(flooders.some((f) => f.frames.some((x) => x.type === "error" && x.code === "rate_limited")), "the flooders were told");
    for (const s of [victim, ...flooders]) await s.close();
  });
});

describe("sessions, keys and origins", () => {
  const ADA = `ada-${randomUUID()}`;
  let strict: TestServer;
  before(async () => {
    strict = await startServer({
      vars: {
        HOSTS: JSON.stringify({ Ada: ADA, Bob: "short-key" }),
        ICE_SERVERS: "[]",
        HOST_SESSION_S: "10",
        ALLOWED_ORIGINS: "https://site.example",
      },
    });
  });
  after(() => strict?.stop());

  const session = (room: string, key: string) => requestEndpoint(strict.origin, HOST_SESSION, room, { body: { key } }, { headers: { "cf-connecting-ip": "198.51.100.51" } });
  const hostUrlOf = async (room: string) => {
    const answer = await session(room, ADA);
    assert.ok(answer.ok, `HTTP ${answer.status}`);
    return roomSocketUrl(strict.origin, room, `?role=host&token=${encodeURIComponent(answer.body.token)}`);
  };

  test("a host key shorter than 16 characters is refused; a long one signs in", async () => {
    const room = uniqueRoom("short");
    assert.equal((await session(room, "short-key")).status, 401);
    assert.equal((await session(room, ADA)).status, 200);
  });

  test("a host socket is signed out when its session ends, with close code 4003", async () => {
    const room = uniqueRoom("expiry");
    const hostUrl = await hostUrlOf(room);
    const host = await RawSocket.open(hostUrl);
    await host.next("welcome", (f) => f.type === "welcome" && f.role === "host");
    host.send({ type: "available", available: true });
    const closed = await Promise.race([host.closed, sleep(20_000).then(() => undefined)]);
    assert.deepEqual(closed, { code: 4003, reason: "Signed out: the session expired or the host key changed" });
    await assert.rejects(RawSocket.open(hostUrl), /HTTP 401/);
  });

  test("host and y-webrtc sockets from a foreign origin are refused, like visitors", async () => {
    const room = uniqueRoom("origins");
    const hostUrl = await hostUrlOf(room);
    await assert.rejects(RawSocket.open(hostUrl, { origin: "https://evil.example" }), /HTTP 403/);
    const yjs = `${strict.origin.replace(/^http/, "ws")}/parties/yjs/${room}`;
    await assert.rejects(RawSocket.open(yjs, { origin: "https://evil.example" }), /HTTP 403/);
    const ok = await RawSocket.open(hostUrl, { origin: "https://site.example" });
    await ok.next("welcome", (f) => f.type === "welcome");
    await ok.close();
  });
});
