/// <reference types="node" />
/**
 * Slack bot mode against the Slack stand-in: one thread per conversation,
 * replies typed in the thread reach the visitor live, and only properly
 * signed, fresh, new, human thread messages count; a call is posted in its
 * conversation's thread with a link to the dashboard, and that post is edited
 * as the call is answered and ends, or rings out.
 */
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { test } from "node:test";
import { SLACK_EVENTS, SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, endpointPath, readAnswer } from "../../protocol/http.ts";
import { eventually, openHost, openVisitor, uniqueRoom, visible, type Pages, type TestPage } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { BOT_TOKEN, CHANNEL_ID } from "../support/slack.ts";
import { useStack, type Stack } from "../support/stack.ts";

const SIGNING_SECRET = `signing-${randomUUID()}`;
const DASHBOARD_URL = "https://example.com/host.html?room=calls";
const RING_TIMEOUT_S = 5;
const stack = useStack({
  slack: true,
  vars: (slack) => ({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_CHANNEL_ID: CHANNEL_ID,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack!.apiUrl,
    DASHBOARD_URL,
    RING_TIMEOUT_S: String(RING_TIMEOUT_S),
  }),
});

/** POST an Events API request to the room as Slack would, signed (independently of the room's code). */
async function slackEvent(room: string, body: unknown, opts: { secret?: string; timestamp?: number } = {}) {
  const raw = JSON.stringify(body);
  const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac("sha256", opts.secret ?? SIGNING_SECRET).update(`v0:${ts}:${raw}`).digest("hex")}`;
  const res = await fetch(`${stack.server.origin}${endpointPath(SLACK_EVENTS, room)}`, {
    method: SLACK_EVENTS.method,
    headers: { "content-type": "application/json", [SLACK_TIMESTAMP_HEADER]: ts, [SLACK_SIGNATURE_HEADER]: sig },
    body: raw,
  });
  return readAnswer(SLACK_EVENTS, res);
}

/** A human reply in a thread, as the Events API delivers it. */
const threadReply = (thread: string, text: string, extra: Record<string, unknown> = {}) => ({
  type: "event_callback",
  event_id: `Ev${randomUUID().slice(0, 8)}`,
  event: { type: "message", channel: CHANNEL_ID, user: "U0HOST", text, ts: `${Date.now() / 1000}`, thread_ts: thread, ...extra },
});

async function write(visitor: TestPage & { panel: import("playwright-core").Locator }, text: string, name?: string, email?: string) {
  const form = visitor.panel;
  if (await form.getByRole("button", { name: "Send a message" }).isVisible()) await form.getByRole("button", { name: "Send a message" }).click();
  if (name) await form.getByRole("textbox", { name: "Your name" }).fill(name);
  if (email) await form.getByRole("textbox", { name: "Email" }).fill(email);
  await form.getByRole("textbox", { name: "Message" }).fill(text);
  await form.getByRole("button", { name: "Send", exact: true }).click();
}

async function visitorWithThread(s: Stack, pages: Pages, prefix: string) {
  const room = uniqueRoom(prefix);
  const visitor = await openVisitor(pages, s.server.origin, room);
  const first = `First ${randomUUID().slice(0, 6)}`;
  await write(visitor, first, "Ada Visitor", "ada@example.com");
  const opening = await eventually("the thread's first post", async () => s.slack.posts.find((p) => p.text.includes(first)), Boolean);
  return { room, visitor, first, opening: opening! };
}

test("bot mode: the first message opens a thread, the next goes into it, a signed reply reaches the visitor", () =>
  stack.run(async (pages) => {
    const { room, visitor, opening } = await visitorWithThread(stack, pages, "bot");
    assert.equal(opening.thread_ts, undefined, "the first message is a new top-level post");
    assert.equal(opening.channel, CHANNEL_ID);
    assert.match(opening.text, /Ada Visitor/);
    assert.match(opening.text, /ada@example\.com/);
    assert.match(opening.text, new RegExp(`/\\?room=${room}`));
    await visible(visitor.panel.getByText(/^(Delivered|Seen)$/).first());

    const second = `Second ${randomUUID().slice(0, 6)}`;
    await write(visitor, second);
    const threaded = await eventually("the second post", async () => stack.slack.posts.find((p) => p.text.includes(second)), Boolean);
    assert.equal(threaded!.thread_ts, opening.ts, "later messages go into the conversation's thread");

    const reply = `Thanks, I will call you back ${randomUUID().slice(0, 6)}`;
    const ack = await slackEvent(room, threadReply(opening.ts, reply));
    assert.equal(ack.status, 200);
    await visible(visitor.panel.getByText(reply));
  }));

test("bot mode: bad signature, stale timestamp, replayed event, bot messages and edits are ignored", () =>
  stack.run(async (pages) => {
    const { room, visitor, opening } = await visitorWithThread(stack, pages, "bot-ignore");
    const challenge = await slackEvent(room, { type: "url_verification", challenge: "c-123" });
    assert.deepEqual(challenge, { ok: true, status: 200, body: { challenge: "c-123" } });

    const forged = await slackEvent(room, threadReply(opening.ts, "forged reply"), { secret: "not-the-secret" });
    assert.equal(forged.status, 401);
    const stale = await slackEvent(room, threadReply(opening.ts, "stale reply"), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    assert.equal(stale.status, 401);

    const once = threadReply(opening.ts, `Only once ${randomUUID().slice(0, 6)}`);
    assert.deepEqual(await slackEvent(room, once), { ok: true, status: 200, body: { ok: true } });
    assert.deepEqual(await slackEvent(room, once), { ok: true, status: 200, body: { ok: true, duplicate: true } }, "a retried event is acknowledged");
    for (const ignored of [
      threadReply(opening.ts, "from a bot", { bot_id: "B0BOT", subtype: "bot_message" }),
      threadReply(opening.ts, "an edit", { subtype: "message_changed" }),
      threadReply(opening.ts, "my own echo", { bot_id: "B0BOT" }),
    ]) {
      assert.deepEqual(await slackEvent(room, ignored), { ok: true, status: 200, body: { ok: true, ignored: true } });
    }
    const marker = `Marker ${randomUUID().slice(0, 6)}`;
    await slackEvent(room, threadReply(opening.ts, marker));
    await visible(visitor.panel.getByText(marker));
    assert.equal(await visitor.panel.getByText(once.event.text).count(), 1, "the replayed event shows once");
    for (const text of ["forged reply", "stale reply", "from a bot", "an edit", "my own echo"]) {
      assert.equal(await visitor.panel.getByText(text).count(), 0, `${text} is ignored`);
    }
  }));

test("a dashboard reply joins the thread; a reload shows the whole conversation; <!channel> arrives escaped", () =>
  stack.run(async (pages) => {
    const { room, visitor, first, opening } = await visitorWithThread(stack, pages, "bot-reload");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    await visible(host.page.getByText(first));
    const answer = `Dashboard answer ${randomUUID().slice(0, 6)}`;
    await host.page.getByRole("textbox", { name: "Reply" }).fill(answer);
    await host.page.getByRole("button", { name: "Send", exact: true }).click();
    await visible(visitor.panel.getByText(answer));
    const posted = await eventually("the dashboard reply in Slack", async () => stack.slack.posts.find((p) => p.text.includes(answer)), Boolean);
    assert.equal(posted!.thread_ts, opening.ts);

    const fromSlack = `Slack answer ${randomUUID().slice(0, 6)}`;
    await slackEvent(room, threadReply(opening.ts, fromSlack));
    await visible(visitor.panel.getByText(fromSlack));

    await write(visitor, "<!channel> <@U123> & friends");
    const escaped = await eventually("the escaped post", async () => stack.slack.posts.find((p) => p.text.includes("friends")), Boolean);
    assert.ok(escaped!.text.includes("&lt;!channel&gt; &lt;@U123&gt; &amp; friends"), escaped!.text);
    assert.ok(!escaped!.text.includes("<!channel>") && !escaped!.text.includes("<@U123>"));

    await visitor.page.reload();
    await visitor.page.getByRole("button", { name: "Contact me" }).click();
    const panel = visitor.page.getByRole("dialog", { name: "Contact" });
    await panel.getByRole("button", { name: "Send a message" }).click();
    for (const text of [first, answer, fromSlack, "<!channel> <@U123> & friends"]) await visible(panel.getByText(text));
    assert.equal(await panel.getByText(first).count(), 1, "history shows each message once");
  }));

test("a call is posted in its conversation's thread with the dashboard link, then edited: answered, its length; another rings out as missed", async () => {
  const room = uniqueRoom("slack-call");
  const host = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, stack.hostKey));
  const ada = await RawSocket.open(roomSocketUrl(stack.server.origin, room));
  const bob = await RawSocket.open(roomSocketUrl(stack.server.origin, room));
  const queued = (f: Frame) => f.type === "queue" && (f.calls as Frame[]).length === 1;
  try {
    await host.next("conversations", (f) => f.type === "conversations");
    host.send({ type: "available", available: true });
    await ada.next("a host available", (f) => f.type === "presence" && f.available === true);
    const first = `Hello ${randomUUID().slice(0, 6)}`;
    ada.send({ type: "text", text: first, name: "Ada <!channel>", email: "ada@example.com" });
    const thread = (await eventually("the thread's first post", async () => stack.slack.posts.find((p) => p.text.includes(first)), Boolean))!;

    ada.send({ type: "call", media: "video", capabilities: { webrtc: true, audio: true, video: true }, page: "https://example.com/pricing" });
    const waiting = ((await host.next("Ada's call", queued)).calls as Frame[])[0]!;
    const notice = (await eventually("the call's notice", async () => stack.slack.posts.find((p) => p.text.startsWith("📞")), Boolean))!;
    assert.equal(notice.thread_ts, thread.ts, "the notice goes into the conversation's thread");
    assert.equal(
      notice.text,
      `📞 Video call from *Ada &lt;!channel&gt;* (ada@example.com) on https://example.com/pricing — Answer: <${DASHBOARD_URL}|open the dashboard>`,
    );

    host.send({ type: "accept", callId: waiting.callId });
    await host.next("accepted", (f) => f.type === "accepted");
    await eventually("the notice edited: answered", async () => stack.slack.updates.at(-1)?.text, (t) => t?.endsWith("— answered by *Host*") ?? false);
    host.send({ type: "hangup", callId: waiting.callId });
    const ended = await eventually("the notice edited: its length", async () => stack.slack.updates.at(-1)?.text, (t) => /answered by \*Host\*, 0:\d\d$/.test(t ?? ""));
    assert.ok(stack.slack.updates.every((u) => u.ts === notice.ts && u.channel === CHANNEL_ID), "every edit is of the call's notice");
    assert.ok(ended?.startsWith("📞 Video call from *Ada &lt;!channel&gt;*"));

    // A visitor who never wrote: the notice opens their thread, and says when it rang out.
    await bob.next("a host available", (f) => f.type === "presence" && f.available === true);
    bob.send({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true }, name: "Bob" });
    await host.next("Bob's call", queued);
    const bobs = (await eventually("Bob's notice", async () => stack.slack.posts.find((p) => p.text.startsWith("📞 Audio call from *Bob*")), Boolean))!;
    assert.equal(bobs.thread_ts, undefined, "it opens Bob's thread");
    await eventually(
      `the notice edited: missed after ${RING_TIMEOUT_S} s`,
      async () => stack.slack.posts.find((p) => p.ts === bobs.ts)?.text,
      (t) => t === "📞 Missed audio call from *Bob*",
      (RING_TIMEOUT_S + 10) * 1000,
    );
  } finally {
    await Promise.all([host.close(), ada.close(), bob.close()]);
  }
});
