/// <reference types="node" />
/**
 * Not one message lost: Slack outages (5xx, 429 with Retry-After) and a
 * server restart in the middle of one. Every message reaches Slack exactly
 * once, in order, in its thread.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { eventually, uniqueRoom } from "../support/browser.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { RawSocket, hostSocketUrl } from "../support/raw-socket.ts";
import { BOT_TOKEN, CHANNEL_ID, startSlackStandIn, type SlackStandIn } from "../support/slack.ts";

let slack: SlackStandIn;
let dir: string;
let server: TestServer | undefined;

const vars = () => ({ HOST_KEY: "outbox-host-key-long", ICE_SERVERS: "[]", SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_CHANNEL_ID: CHANNEL_ID, SLACK_API_URL: slack.apiUrl });

before(async () => {
  slack = await startSlackStandIn();
  dir = await mkdtemp(join(tmpdir(), "contact-me-outbox-"));
});

after(async () => {
  await server?.stop();
  await slack?.stop();
  await rm(dir, { recursive: true, force: true });
});

const wsUrl = (room: string, token?: string) =>
  `${server!.origin.replace(/^http/, "ws")}/parties/main/${room}${token ? `?conversation=${encodeURIComponent(token)}` : ""}`;

/** Send `texts` from one visitor; resolves when the room has stored them all. */
async function sendAll(room: string, texts: string[]): Promise<string> {
  const visitor = await RawSocket.open(wsUrl(room));
  const welcome = await visitor.next("welcome", (f) => f.type === "welcome");
  for (const [i, text] of texts.entries()) visitor.send(JSON.stringify({ type: "text", text, clientId: `m${i}` }));
  for (const i of texts.keys()) await visitor.next(`sent m${i}`, (f) => f.type === "sent" && f.clientId === `m${i}`);
  visitor.close();
  return String(welcome.conversationToken);
}

/** Each text posted exactly once, in order, the first opening the thread the others are in. */
function assertDeliveredOnce(texts: string[]) {
  const posts = texts.map((t) => slack.posts.filter((p) => p.text.includes(t)));
  posts.forEach((found, i) => assert.equal(found.length, 1, `"${texts[i]}" posted ${found.length} times`));
  const [opening, ...rest] = posts.map((p) => p[0]);
  assert.equal(opening.thread_ts, undefined);
  for (const p of rest) assert.equal(p.thread_ts, opening.ts, "in the conversation's thread");
  const order = posts.map((p) => slack.posts.indexOf(p[0]));
  assert.deepEqual([...order].sort((a, b) => a - b), order, "in the order they were written");
}

test("an outage (500 ×3, then 429 Retry-After: 1) delays but loses nothing", async () => {
  server = await startServer({ vars: vars() });
  try {
    slack.failNext({ status: 500 }, { status: 500 }, { status: 500 }, { status: 429, headers: { "retry-after": "1" }, body: '{"ok":false,"error":"ratelimited"}' });
    const failuresBefore = slack.requests.filter((r) => r.status !== 200).length;
    const texts = ["outage one", "outage two", "outage three"].map((t) => `${t} ${Date.now()}`);
    await sendAll(uniqueRoom("outage"), texts);
    await eventually("all three in Slack", async () => texts.every((t) => slack.posts.some((p) => p.text.includes(t))), Boolean, 30_000);
    await new Promise((r) => setTimeout(r, 1500)); // nothing more may follow
    assertDeliveredOnce(texts);
    assert.equal(slack.requests.filter((r) => r.status !== 200).length - failuresBefore, 4, "every scripted failure was met");
  } finally {
    await server.stop();
    server = undefined;
  }
});

test("a server restart in the middle of an outage loses nothing and repeats nothing", async () => {
  try {
    server = await startServer({ vars: vars(), persist: dir });
    const room = uniqueRoom("restart");
    // Four failures in all: two before the restart, the rest after it (backoff ~0.5–8 s each).
    slack.failNext(...Array.from({ length: 4 }, () => ({ status: 503 })));
    const failuresBefore = slack.requests.filter((r) => r.status !== 200).length;
    const texts = ["before restart one", "before restart two", "before restart three"].map((t) => `${t} ${Date.now()}`);
    const token = await sendAll(room, texts);
    await eventually("a couple of failed attempts", async () => slack.requests.filter((r) => r.status !== 200).length - failuresBefore, (n) => n >= 2);
    await server.stop();
    assert.ok(!texts.some((t) => slack.posts.some((p) => p.text.includes(t))), "nothing got through before the restart");

    server = await startServer({ vars: vars(), persist: dir });
    // The visitor's widget reconnects after a restart, waking the room.
    const back = await RawSocket.open(wsUrl(room, token));
    const history = await back.next("history", (f) => f.type === "history");
    assert.equal((history.messages as unknown[]).length, 3, "the conversation survived the restart");
    await eventually("all three in Slack", async () => texts.every((t) => slack.posts.some((p) => p.text.includes(t))), Boolean, 45_000).catch(
      (err: Error) => {
        throw new Error(`${err.message}\nrequests: ${JSON.stringify(slack.requests.map((r) => [r.status, r.body.slice(0, 60)]))}\n${server!.logs().slice(-3000)}`);
      },
    );
    await new Promise((r) => setTimeout(r, 1500));
    assertDeliveredOnce(texts);
    assert.equal(slack.requests.filter((r) => r.status !== 200).length - failuresBefore, 4, "every scripted failure was met");
    // The visitor sees them delivered.
    const delivered = await eventually(
      "delivered states",
      async () => back.frames.filter((f) => f.type === "message" && (f.message as { delivered?: boolean }).delivered).length,
      (n) => n >= 3,
    );
    assert.ok(delivered >= 3);
    back.close();
  } finally {
    await server?.stop();
    server = undefined;
  }
});

test("a permanent Slack error is recorded as failed with its reason and shown on the dashboard; later messages still go", async () => {
  server = await startServer({ vars: vars() });
  try {
    const room = uniqueRoom("fail");
    const host = await RawSocket.open(await hostSocketUrl(server.origin, room, "outbox-host-key-long"));
    slack.failNext({ status: 400, body: "invalid_blocks" });
    const texts = [`refused ${Date.now()}`, `accepted ${Date.now()}`];
    await sendAll(room, texts);
    const failed = await host.next("the failure", (f) => f.type === "message" && (f.message as { slack?: string }).slack === "failed");
    const message = failed.message as { text: string; slackError?: string };
    assert.equal(message.text, texts[0]);
    assert.match(String(message.slackError), /HTTP 400 invalid_blocks/);
    await eventually("the next message posted", async () => slack.posts.some((p) => p.text.includes(texts[1])), Boolean);
    assert.ok(!slack.posts.some((p) => p.text.includes(texts[0])), "the refused one is not retried");
    host.close();
  } finally {
    await server.stop();
    server = undefined;
  }
});
