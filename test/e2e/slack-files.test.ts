/// <reference types="node" />
/**
 * Files and Slack, over raw HTTP and raw sockets against the real server and
 * the Slack stand-in: a visitor's file goes into its conversation's thread
 * through Slack's upload flow (the same bytes, once, even through an
 * outage); in webhook mode the post links to the conversation in the
 * dashboard instead; a file shared in a thread reaches the visitor (fetched
 * with the bot token), and one of a wrong type or too large is refused
 * without losing the reply's text.
 */
import assert from "node:assert/strict";
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, roomPath } from "../../protocol/http.ts";
import { eventually, uniqueRoom } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { runtime, startServer, type TestServer } from "../support/server.ts";
import { BOT_TOKEN, CHANNEL_ID, startSlackStandIn, type SharedFile, type SlackStandIn } from "../support/slack.ts";

const HOST_KEY = randomUUID();
const SIGNING_SECRET = `signing-${randomUUID()}`;
const DASHBOARD = "https://owner.example/host.html";

let slack: SlackStandIn;
let server: TestServer;

before(async () => {
  slack = await startSlackStandIn();
  server = await startServer({
    vars: {
      HOST_KEY,
      ICE_SERVERS: "[]",
      MAX_ATTACHMENT_MB: "1",
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_CHANNEL_ID: CHANNEL_ID,
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
    },
  });
});
after(async () => {
  await server?.stop();
  await slack?.stop();
});

const is = (type: string) => (f: Frame) => f.type === type;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const png = (size: number) => Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), randomBytes(size - 8)]);

/** A request to the room's `path` (under `/parties/main/<room>/`, or absolute), its body read whole. */
async function call(at: TestServer, room: string, path: string, init: RequestInit & { token?: string } = {}) {
  const { token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(path.startsWith("/") ? `${at.origin}${path}` : `${at.origin}${roomPath(room)}/${path}`, { ...rest, headers, signal: AbortSignal.timeout(30_000) });
  const bytes = Buffer.from(await res.arrayBuffer());
  const json = (res.headers.get("content-type") ?? "").startsWith("application/json") ? (JSON.parse(bytes.toString("utf8")) as Record<string, unknown>) : {};
  return { status: res.status, json, bytes };
}

/** Upload `bytes` whole as the visitor of `token`; the file's id. */
async function upload(at: TestServer, room: string, token: string, bytes: Buffer, meta: { type: string; name: string }): Promise<string> {
  const made = await call(at, room, "upload", { method: "POST", token, headers: { "content-type": "application/json" }, body: JSON.stringify({ size: bytes.length, sha256: sha256(bytes), ...meta }) });
  assert.equal(made.status, 200, JSON.stringify(made.json));
  const partBytes = Number(made.json.partBytes);
  for (let offset = 0; offset < bytes.length; offset += partBytes) {
    const part = await call(at, room, `upload/part?id=${made.json.id}&offset=${offset}`, { method: "PUT", token, headers: { "content-type": "application/octet-stream" }, body: new Uint8Array(bytes.subarray(offset, offset + partBytes)) });
    assert.equal(part.status, 200, JSON.stringify(part.json));
  }
  return String(made.json.id);
}

/** A visitor who wrote once (its first post opens the thread in bot mode), and a dashboard. */
async function conversation(at: TestServer, prefix: string) {
  const room = uniqueRoom(prefix);
  const host = await RawSocket.open(await hostSocketUrl(at.origin, room, HOST_KEY));
  await host.next("conversations", is("conversations"));
  const visitor = await RawSocket.open(roomSocketUrl(at.origin, room));
  const token = String((await visitor.next("welcome", is("welcome"))).conversationToken);
  const first = `Hello ${randomUUID().slice(0, 8)}`;
  visitor.send({ type: "text", text: first, clientId: randomUUID() });
  const conversationId = String((await host.next("the first message", is("message"))).conversationId);
  return { room, host, visitor, token, first, conversationId, close: () => Promise.all([host.close(), visitor.close()]) };
}

/** The post that opened the thread of the conversation whose first message is `first`. */
const opening = (first: string) => eventually("the thread's first post", async () => slack.posts.find((p) => p.text.includes(first)), Boolean, 20_000);

/** POST an Events API request to the room as Slack would, signed (independently of the room's code). */
async function slackEvent(room: string, event: Record<string, unknown>) {
  const raw = JSON.stringify({ type: "event_callback", event_id: `Ev${randomUUID().slice(0, 8)}`, event: { type: "message", channel: CHANNEL_ID, user: "U0HOST", ts: `${Date.now() / 1000}`, ...event } });
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac("sha256", SIGNING_SECRET).update(`v0:${ts}:${raw}`).digest("hex")}`;
  return call(server, room, "slack/events", { method: "POST", headers: { "content-type": "application/json", [SLACK_TIMESTAMP_HEADER]: ts, [SLACK_SIGNATURE_HEADER]: sig }, body: raw });
}

/** A reply with files typed in a thread, as the Events API delivers it (https://api.slack.com/events/message/file_share). */
const fileShare = (thread: string, text: string, files: SharedFile[]) => ({ subtype: "file_share", thread_ts: thread, text, files });

/** The visitor's next message from a host whose text includes `text`. */
async function replyTo(visitor: RawSocket, text: string): Promise<Frame> {
  const frame = await visitor.next(`the reply "${text}"`, (f) => f.type === "message" && (f.message as Frame).from === "host" && String((f.message as Frame).text).includes(text));
  return frame.message as Frame;
}

describe(`files and Slack (${runtime()})`, () => {
  it("bot mode: a visitor's file goes into its conversation's thread with the upload flow, the same bytes, once", async () => {
    const c = await conversation(server, "slack-file-out");
    try {
      const thread = await opening(c.first);
      const bytes = png(300 * 1024);
      const name = `screenshot-${randomUUID().slice(0, 6)}.png`;
      const id = await upload(server, c.room, c.token, bytes, { type: "image/png", name });
      c.visitor.send({ type: "text", text: "Here is what I see", files: [id], clientId: randomUUID() });
      const done = await eventually("the file completed in Slack", async () => slack.uploads.find((u) => u.filename === name && u.completed), Boolean, 20_000);
      assert.equal(done!.sha256, sha256(bytes), "the same bytes");
      assert.equal(done!.length, bytes.length);
      assert.deepEqual(done!.completed, { channel_id: CHANNEL_ID, thread_ts: thread!.ts, title: name });
      const text = slack.posts.find((p) => p.text.includes("Here is what I see"));
      assert.equal(text?.thread_ts, thread!.ts, "the text in the thread too");
      assert.match(text!.text, new RegExp(`📎 ${name.replace(/\./g, "\\.")}`));
      assert.ok(slack.posts.indexOf(text!) >= 0 && slack.requests.findIndex((r) => r.body.includes("Here is what I see")) < slack.requests.findIndex((r) => r.path === "/api/files.getUploadURLExternal" && r.body.includes(name)), "the text, then the file");
      // Sent once both are in Slack; never twice.
      await c.host.next("sent", (f) => f.type === "message" && (f.message as Frame).slack === "sent" && (f.message as Frame).text === "Here is what I see");
      await delay(1000);
      assert.equal(slack.uploads.filter((u) => u.filename === name).length, 1);

      // A reply from the dashboard with a file joins the thread the same way.
      const session = await call(server, c.room, "host/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key: HOST_KEY }) });
      const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(4000)]);
      const pdfName = `answer-${randomUUID().slice(0, 6)}.pdf`;
      const made = await call(server, c.room, "upload", {
        method: "POST",
        token: String(session.json.token),
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "application/pdf", size: pdf.length, sha256: sha256(pdf), name: pdfName, conversationId: c.conversationId }),
      });
      const part = await call(server, c.room, `upload/part?id=${made.json.id}&offset=0`, { method: "PUT", token: String(session.json.token), headers: { "content-type": "application/octet-stream" }, body: new Uint8Array(pdf) });
      assert.equal(part.json.complete, true, JSON.stringify(part.json));
      c.host.send({ type: "reply", conversationId: c.conversationId, text: "The answer", files: [String(made.json.id)] });
      const answered = await eventually("the host's file completed in Slack", async () => slack.uploads.find((u) => u.filename === pdfName && u.completed), Boolean, 20_000);
      assert.equal(answered!.sha256, sha256(pdf));
      assert.equal(answered!.completed!.thread_ts, thread!.ts);
    } finally {
      await c.close();
    }
  });

  it("bot mode: an outage during the upload flow (500 at the upload URL, 429 at completion) retries and puts the file in once", async () => {
    const c = await conversation(server, "slack-file-outage");
    try {
      const thread = await opening(c.first);
      const bytes = png(5000);
      const name = `outage-${randomUUID().slice(0, 6)}.png`;
      const id = await upload(server, c.room, c.token, bytes, { type: "image/png", name });
      slack.failNext({ status: 500, path: "/upload/" }, { status: 429, headers: { "retry-after": "1" }, body: '{"ok":false,"error":"ratelimited"}', path: "/api/files.completeUploadExternal" });
      c.visitor.send({ type: "text", text: "", files: [id], clientId: randomUUID() });
      await eventually("the file completed in Slack", async () => slack.uploads.find((u) => u.filename === name && u.completed), Boolean, 30_000);
      await delay(1500);
      const mine = slack.uploads.filter((u) => u.filename === name);
      assert.equal(mine.length, 2, "the failed upload URL was dropped and a new one asked for");
      assert.equal(mine[0]!.bytes, undefined);
      assert.equal(mine.filter((u) => u.completed).length, 1, "completed once");
      assert.equal(mine[1]!.sha256, sha256(bytes));
      assert.equal(mine[1]!.completed!.thread_ts, thread!.ts);
      const completions = slack.requests.filter((r) => r.path === "/api/files.completeUploadExternal" && r.body.includes(mine[1]!.file_id));
      assert.deepEqual(completions.map((r) => r.status), [429, 200], "completion retried after Retry-After, with the same file_id, and not repeated");
    } finally {
      await c.close();
    }
  });

  it("bot mode: a restart between the upload and its completion completes the same file_id, once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "contact-me-slack-files-"));
    const vars = { HOST_KEY, ICE_SERVERS: "[]", SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_CHANNEL_ID: CHANNEL_ID, SLACK_API_URL: slack.apiUrl };
    let restarted = await startServer({ vars, persist: dir });
    try {
      const c = await conversation(restarted, "slack-file-restart");
      const thread = await opening(c.first);
      const bytes = png(3000);
      const name = `restart-${randomUUID().slice(0, 6)}.png`;
      const id = await upload(restarted, c.room, c.token, bytes, { type: "image/png", name });
      const busy = { status: 429, headers: { "retry-after": "2" }, body: '{"ok":false,"error":"ratelimited"}', path: "/api/files.completeUploadExternal" };
      slack.failNext(busy, busy);
      c.visitor.send({ type: "text", text: "", files: [id], clientId: randomUUID() });
      const sent = await eventually("the bytes at Slack", async () => slack.uploads.find((u) => u.filename === name && u.bytes), Boolean, 20_000);
      await slack.waitForRequest((r) => r.path === "/api/files.completeUploadExternal" && r.status === 429 && r.body.includes(sent!.file_id), 20_000);
      await c.close();
      await restarted.stop();
      assert.ok(!slack.uploads.some((u) => u.filename === name && u.completed));

      restarted = await startServer({ vars, persist: dir });
      // The visitor's widget reconnects after a restart, waking the room.
      const back = await RawSocket.open(roomSocketUrl(restarted.origin, c.room, `?conversation=${encodeURIComponent(c.token)}`));
      await eventually("the file completed in Slack", async () => slack.uploads.find((u) => u.filename === name && u.completed), Boolean, 30_000);
      await delay(1500);
      const mine = slack.uploads.filter((u) => u.filename === name);
      assert.equal(mine.length, 1, "its bytes were not sent again");
      assert.equal(mine[0]!.sha256, sha256(bytes));
      assert.equal(mine[0]!.completed!.thread_ts, thread!.ts);
      assert.deepEqual(slack.requests.filter((r) => r.path === "/api/files.completeUploadExternal" && r.body.includes(mine[0]!.file_id)).map((r) => r.status), [429, 429, 200]);
      back.close();
    } finally {
      await restarted.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("webhook mode: the post names the files and links to the conversation in the dashboard; no bytes go to Slack", async () => {
    const room = uniqueRoom("slack-file-hook");
    const hooked = await startServer({ vars: { HOST_KEY, ICE_SERVERS: "[]", SLACK_WEBHOOK_URL: slack.webhookUrl, DASHBOARD_URL: `${DASHBOARD}?room=${room}` } });
    try {
      const host = await RawSocket.open(await hostSocketUrl(hooked.origin, room, HOST_KEY));
      await host.next("conversations", is("conversations"));
      const visitor = await RawSocket.open(roomSocketUrl(hooked.origin, room));
      const token = String((await visitor.next("welcome", is("welcome"))).conversationToken);
      const name = `invoice-${randomUUID().slice(0, 6)}.pdf`;
      const uploadsBefore = slack.uploads.length;
      const id = await upload(hooked, room, token, Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(2000)]), { type: "application/pdf", name });
      visitor.send({ type: "text", text: "My invoice", files: [id], clientId: randomUUID() });
      const conversationId = String((await host.next("the message", is("message"))).conversationId);
      const post = await slack.waitForRequest((r) => r.path.startsWith("/services/") && r.body.includes("My invoice"), 20_000);
      const text = String((post.json as { text: string }).text);
      assert.match(text, new RegExp(`📎 ${name.replace(/\./g, "\\.")} \\(2 KB\\)`));
      const link = /<([^|>]+)\|Open the conversation in the dashboard> to see the file/.exec(text);
      assert.ok(link, text);
      const url = new URL(link[1]!);
      assert.equal(`${url.origin}${url.pathname}`, DASHBOARD);
      assert.equal(url.searchParams.get("room"), room);
      assert.equal(url.searchParams.get("conversation"), conversationId, "opened at that conversation");
      assert.equal(slack.uploads.length, uploadsBefore, "no file bytes in webhook mode");
      await Promise.all([host.close(), visitor.close()]);
    } finally {
      await hooked.stop();
    }
  });

  it("a reply with a file shared in the thread reaches the visitor with the same bytes; the room fetched it with the bot token", async () => {
    const c = await conversation(server, "slack-file-in");
    try {
      const thread = await opening(c.first);
      const bytes = png(200 * 1024);
      const shared = slack.shareFile(bytes, "diagram.png", "image/png");
      // The stand-in, as Slack, serves the file only with the bot token.
      assert.equal((await fetch(shared.url_private_download)).status, 401);
      assert.equal((await fetch(shared.url_private_download, { headers: { authorization: "Bearer xoxb-someone-else" } })).status, 403);
      const ack = await slackEvent(c.room, fileShare(thread!.ts, "Here is the diagram", [shared]));
      assert.equal(ack.status, 200);
      assert.deepEqual(ack.json, { ok: true });
      const reply = await replyTo(c.visitor, "Here is the diagram");
      assert.equal(reply.text, "Here is the diagram");
      const files = reply.files as Frame[];
      assert.equal(files.length, 1);
      assert.deepEqual({ ...files[0], id: undefined }, { id: undefined, type: "image/png", name: "diagram.png", size: bytes.length });
      const link = await call(server, c.room, `file/link?id=${files[0]!.id}`, { token: c.token });
      assert.equal(link.status, 200);
      const got = await call(server, c.room, String(link.json.path));
      assert.equal(got.status, 200);
      assert.equal(sha256(got.bytes), sha256(bytes), "the bytes shared in Slack");
      assert.deepEqual(
        slack.downloads.filter((d) => d.file_id === shared.id).map((d) => [d.authorization, d.status]),
        [[undefined, 401], ["Bearer xoxb-someone-else", 403], [`Bearer ${BOT_TOKEN}`, 200]],
      );
    } finally {
      await c.close();
    }
  });

  it("a file shared in Slack of a wrong type, with bytes not of its type, too large, or from another host is refused; the reply's text still arrives with a note", async () => {
    const c = await conversation(server, "slack-file-refused");
    try {
      const thread = await opening(c.first);
      const exe = slack.shareFile(Buffer.from("MZ\x90\x00 not a picture"), "setup.exe", "application/x-msdownload");
      const html = slack.shareFile(Buffer.from("<html><script>alert(1)</script></html>"), "cat.png", "image/png");
      const big = slack.shareFile(png(1024 * 1024 + 1), "huge.png", "image/png");
      // Slack says it is small, the bytes say otherwise.
      const liar = slack.shareFile(png(1024 * 1024 + 1), "liar.png", "image/png", 1000);
      const elsewhere = { ...slack.shareFile(png(100), "away.png", "image/png"), url_private_download: "http://127.0.0.2:9/files-pri/x/download/away.png" };
      const ok = slack.shareFile(png(100), "fine.png", "image/png");
      const ack = await slackEvent(c.room, fileShare(thread!.ts, "Some files", [exe, html, big, liar, elsewhere, ok]));
      assert.equal(ack.status, 200);
      const reply = await replyTo(c.visitor, "Some files");
      const lines = String(reply.text).split("\n");
      assert.equal(lines[0], "Some files", "the text goes through");
      assert.deepEqual(lines.slice(1), [
        "📎 setup.exe was not passed on (type application/x-msdownload not accepted)",
        "📎 cat.png was not passed on (its bytes are not image/png)",
        "📎 huge.png was not passed on (over 1 MB)",
        "📎 liar.png was not passed on (over 1 MB)",
        "📎 away.png was not passed on (not from Slack's file host (http://127.0.0.2:9))",
      ]);
      assert.deepEqual((reply.files as Frame[]).map((f) => f.name), ["fine.png"], "the good file still comes");
      assert.equal(slack.downloads.filter((d) => d.file_id === big.id).length, 0, "a file Slack says is too large is not fetched");
      // A reply of files only, all refused, still reaches the visitor.
      const alone = slack.shareFile(Buffer.from("plain words"), "notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
      assert.equal((await slackEvent(c.room, fileShare(thread!.ts, "", [alone]))).status, 200);
      const onlyNote = await replyTo(c.visitor, "notes.docx");
      assert.match(String(onlyNote.text), /^📎 notes\.docx was not passed on \(type application\/vnd\.openxmlformats/);
      assert.equal(onlyNote.files, undefined);
    } finally {
      await c.close();
    }
  });
});
