/// <reference types="node" />
/**
 * Files in conversations, over raw HTTP and raw sockets against the real
 * server (`partykit dev` keeps the bytes in room storage, `wrangler dev` in
 * its local R2 bucket): resumable uploads that survive a dropped request,
 * the checks on type, size, duration, checksum, quota and counts, who may
 * fetch a file and how (signed links, ranges, headers), messages carrying
 * files to the dashboard and the visitor, and files going with their
 * conversation. Every answer's body is read to its end.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { roomPath } from "../../protocol/http.ts";
import { uniqueRoom } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { runtime, startServer, type TestServer } from "../support/server.ts";

const HOST_KEY = randomUUID();
/** Small limits, so the errors are reached with small files. */
const VARS = { HOST_KEY, ICE_SERVERS: "[]", MAX_ATTACHMENT_MB: "3", MEDIA_QUOTA_MB: "4", MAX_RECORDING_S: "60" };
const MiB = 1024 * 1024;
/** The part size each runtime's blob store uses: R2's 1 MiB under wrangler dev, room storage's 120 KiB under partykit dev. */
const PART_BYTES = runtime() === "wrangler" ? MiB : 120 * 1024;

let server: TestServer;
before(async () => {
  server = await startServer({ vars: VARS });
});
after(async () => {
  await server?.stop();
});

const is = (type: string) => (f: Frame) => f.type === type;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const PNG_SIGNATURE = Buffer.from("89504e470d0a1a0a", "hex");
/** A file that starts as a PNG does, then `size` bytes in all. */
const png = (size: number) => Buffer.concat([PNG_SIGNATURE, randomBytes(size - PNG_SIGNATURE.length)]);
/** A WebM file's EBML header (as Chromium's MediaRecorder writes it), then `size` bytes in all. */
const WEBM_HEADER = Buffer.from("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701ffffffffffffff", "hex");
const webm = (size: number) => Buffer.concat([WEBM_HEADER, randomBytes(size - WEBM_HEADER.length)]);

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
  bytes: Buffer;
}

/** A request to the room's `path` (under `/parties/main/<room>/`, or absolute), its body read to its end. */
async function call(room: string, path: string, init: RequestInit & { token?: string; at?: TestServer } = {}): Promise<Answer> {
  const { token, at = server, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const url = path.startsWith("/") ? `${at.origin}${path}` : `${at.origin}${roomPath(room)}/${path}`;
  const res = await fetch(url, { ...rest, headers, signal: AbortSignal.timeout(30_000) });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: Record<string, unknown> = {};
  if ((res.headers.get("content-type") ?? "").startsWith("application/json")) json = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
  return { status: res.status, headers: res.headers, json, bytes };
}

const create = (room: string, token: string, body: Record<string, unknown>) =>
  call(room, "upload", { method: "POST", token, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const put = (room: string, token: string, id: string, offset: number, bytes: Uint8Array) =>
  call(room, `upload/part?id=${id}&offset=${offset}`, { method: "PUT", token, headers: { "content-type": "application/octet-stream" }, body: new Uint8Array(bytes) });
const status = (room: string, token: string | undefined, id: string) => call(room, `upload/status?id=${id}`, token ? { token } : {});
const link = (room: string, token: string | undefined, id: string, ttl?: number) => call(room, `file/link?id=${id}${ttl ? `&ttl=${ttl}` : ""}`, token ? { token } : {});

/** Upload `bytes` whole, part by part; the last answer (with the file). */
async function upload(room: string, token: string, bytes: Buffer, meta: Record<string, unknown>): Promise<Answer> {
  const made = await create(room, token, { size: bytes.length, sha256: sha256(bytes), ...meta });
  assert.equal(made.status, 200, JSON.stringify(made.json));
  const id = String(made.json.id);
  const partBytes = Number(made.json.partBytes);
  let last = made;
  for (let offset = 0; offset < bytes.length; offset += partBytes) {
    last = await put(room, token, id, offset, bytes.subarray(offset, offset + partBytes));
    assert.equal(last.status, 200, JSON.stringify(last.json));
  }
  return last;
}

/** A visitor with a conversation (it wrote once), and a dashboard. */
async function conversation(prefix: string) {
  const room = uniqueRoom(prefix);
  const host = await RawSocket.open(await hostSocketUrl(server.origin, room, HOST_KEY));
  await host.next("conversations", is("conversations"));
  const visitor = await RawSocket.open(roomSocketUrl(server.origin, room));
  const token = String((await visitor.next("welcome", is("welcome"))).conversationToken);
  visitor.send({ type: "text", text: "Hello", clientId: randomUUID() });
  const conversationId = String((await host.next("the first message", is("message"))).conversationId);
  const session = await call(room, "host/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key: HOST_KEY }) });
  const hostToken = String(session.json.token);
  return { room, host, visitor, token, conversationId, hostToken, close: () => Promise.all([host.close(), visitor.close()]) };
}

/** Send a part's first half with the full Content-Length, then drop the connection, as a network cut would. */
async function dropMidway(room: string, token: string, id: string, offset: number, bytes: Uint8Array): Promise<void> {
  const url = new URL(`${server.origin}${roomPath(room)}/upload/part?id=${id}&offset=${offset}`);
  await new Promise<void>((resolve) => {
    const req = httpRequest(url, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", "content-length": String(bytes.length) } });
    req.on("error", () => resolve());
    req.on("response", (res) => {
      res.resume();
      resolve();
    });
    req.write(bytes.subarray(0, bytes.length >> 1), () => {
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
  });
}

describe(`files in conversations (${runtime()})`, () => {
  it("an upload dropped halfway resumes from the last acknowledged part and completes once; the stored bytes' SHA-256 matches", async () => {
    const c = await conversation("files-resume");
    try {
      const bytes = png(2 * PART_BYTES + 1000);
      const made = await create(c.room, c.token, { type: "image/png", size: bytes.length, sha256: sha256(bytes), name: "screenshot.png" });
      assert.equal(made.status, 200, JSON.stringify(made.json));
      assert.equal(made.json.partBytes, PART_BYTES, "R2 under wrangler dev, room storage under partykit dev");
      assert.equal(made.json.offset, 0);
      const id = String(made.json.id);
      const part = (i: number) => bytes.subarray(i * PART_BYTES, (i + 1) * PART_BYTES);

      assert.deepEqual((await put(c.room, c.token, id, 0, part(0))).json, { id, offset: PART_BYTES, size: bytes.length, partBytes: PART_BYTES, complete: false });
      await dropMidway(c.room, c.token, id, PART_BYTES, part(1));
      // After the drop (or a reload): where to go on from.
      const resumed = await status(c.room, c.token, id);
      assert.equal(resumed.status, 200);
      assert.equal(resumed.json.offset, PART_BYTES, "only the acknowledged part is held");
      // A part sent again is acknowledged and not written twice; one past the offset is a conflict naming it.
      const again = await put(c.room, c.token, id, 0, part(0));
      assert.equal(again.status, 200);
      assert.equal(again.json.offset, PART_BYTES);
      const gap = await put(c.room, c.token, id, 2 * PART_BYTES, part(2));
      assert.equal(gap.status, 409);
      assert.equal(gap.json.error, "conflict");
      assert.equal(gap.json.offset, PART_BYTES);
      assert.equal(gap.headers.get("upload-offset"), String(PART_BYTES));

      assert.equal((await put(c.room, c.token, id, PART_BYTES, part(1))).json.offset, 2 * PART_BYTES);
      const done = await put(c.room, c.token, id, 2 * PART_BYTES, part(2));
      assert.equal(done.status, 200);
      assert.deepEqual(done.json, {
        id,
        offset: bytes.length,
        size: bytes.length,
        partBytes: PART_BYTES,
        complete: true,
        file: { id, type: "image/png", name: "screenshot.png", size: bytes.length, sha256: sha256(bytes) },
      });
      // The last part resent (its answer lost): the same completed upload.
      assert.deepEqual((await put(c.room, c.token, id, 2 * PART_BYTES, part(2))).json, done.json);

      const signed = await link(c.room, c.token, id);
      assert.equal(signed.status, 200);
      const file = await call(c.room, String(signed.json.path));
      assert.equal(file.status, 200);
      assert.equal(file.bytes.length, bytes.length);
      assert.equal(sha256(file.bytes), sha256(bytes));
      assert.equal(file.headers.get("content-type"), "image/png");
      assert.equal(file.headers.get("x-content-type-options"), "nosniff");
      assert.equal(file.headers.get("content-security-policy"), "sandbox");
      assert.equal(file.headers.get("content-disposition"), "inline; filename*=UTF-8''screenshot.png");
      assert.equal(file.headers.get("accept-ranges"), "bytes");
    } finally {
      await c.close();
    }
  });

  it("an .html file renamed .png is refused and discarded; a type not accepted is 415; a wrong checksum is 422", async () => {
    const c = await conversation("files-type");
    try {
      const html = Buffer.from("<!doctype html><script>alert(document.cookie)</script>");
      const made = await create(c.room, c.token, { type: "image/png", size: html.length, sha256: sha256(html), name: "cat.png" });
      assert.equal(made.status, 200);
      const refused = await put(c.room, c.token, String(made.json.id), 0, html);
      assert.equal(refused.status, 422);
      assert.equal(refused.json.error, "mismatch");
      assert.equal((await status(c.room, c.token, String(made.json.id))).status, 404, "the upload is discarded");

      const asHtml = await create(c.room, c.token, { type: "text/html", size: html.length, sha256: sha256(html), name: "page.html" });
      assert.equal(asHtml.status, 415);
      assert.equal(asHtml.json.error, "unsupported_type");

      const bytes = png(1000);
      const wrongSum = await create(c.room, c.token, { type: "image/png", size: bytes.length, sha256: sha256(png(1000)) });
      const broken = await put(c.room, c.token, String(wrongSum.json.id), 0, bytes);
      assert.equal(broken.status, 422);
      assert.match(String(broken.json.message), /SHA-256/);
      assert.equal((await status(c.room, c.token, String(wrongSum.json.id))).status, 404);
      // The discarded uploads gave their reservations back: a file of the whole quota's worth still fits.
      assert.equal((await upload(c.room, c.token, png(3 * MiB), { type: "image/png" })).json.complete, true);
    } finally {
      await c.close();
    }
  });

  it("size, recording length, quota and count limits each have their error, and bad parts are refused", async () => {
    const c = await conversation("files-limits");
    try {
      const big = await create(c.room, c.token, { type: "image/png", size: 3 * MiB + 1, sha256: "0".repeat(64) });
      assert.equal(big.status, 413);
      assert.equal(big.json.error, "too_large");
      assert.equal(big.json.maxBytes, 3 * MiB, "the limit, for the widget to say");
      const long = await create(c.room, c.token, { type: "audio/webm", size: 1000, sha256: "0".repeat(64), durationS: 61 });
      assert.equal(long.status, 413);
      assert.match(String(long.json.message), /60 seconds/);
      const unsaid = await create(c.room, c.token, { type: "audio/webm", size: 1000, sha256: "0".repeat(64) });
      assert.equal(unsaid.status, 400);
      assert.match(String(unsaid.json.message), /durationS/);
      const shapeless = await create(c.room, c.token, { type: "image/png", size: -1, sha256: "x" });
      assert.equal(shapeless.status, 400);
      assert.equal(shapeless.json.error, "bad_json");

      // A part too long, or a short part that is not the last.
      const small = png(PART_BYTES + 10);
      const made = await create(c.room, c.token, { type: "image/png", size: small.length, sha256: sha256(small) });
      const id = String(made.json.id);
      assert.equal((await put(c.room, c.token, id, 0, small)).status, 413);
      assert.equal((await put(c.room, c.token, id, 0, small.subarray(0, 100))).status, 400);
      assert.equal((await put(c.room, c.token, id, 5, small.subarray(5, 10))).status, 409);
      assert.equal((await status(c.room, c.token, id)).json.offset, 0, "nothing was written");

      // The quota (4 MB) counts uploads in progress: filled to 1,000 bytes short, 2,000 more do not fit.
      let open = 1;
      for (let left = 4 * MiB - small.length - 1000; left > 0; open++) {
        const size = Math.min(3 * MiB, left);
        assert.equal((await create(c.room, c.token, { type: "image/png", size, sha256: "0".repeat(64) })).status, 200);
        left -= size;
      }
      const over = await create(c.room, c.token, { type: "image/png", size: 2000, sha256: "0".repeat(64) });
      assert.equal(over.status, 507);
      assert.equal(over.json.error, "quota_exceeded");

      // At most 5 uploads open in one conversation.
      for (; open < 5; open++) assert.equal((await create(c.room, c.token, { type: "text/plain", size: 10, sha256: "0".repeat(64) })).status, 200);
      const sixth = await create(c.room, c.token, { type: "text/plain", size: 10, sha256: "0".repeat(64) });
      assert.equal(sixth.status, 429);
      assert.equal(sixth.json.error, "rate_limited");
      assert.ok(sixth.headers.get("retry-after"));

      // A message carries at most 10 files, each once.
      const ids = Array.from({ length: 11 }, () => randomUUID());
      c.visitor.send({ type: "text", text: "", files: ids });
      assert.match(String((await c.visitor.next("an error", is("error"))).message), /at most 10 files/);
      c.visitor.send({ type: "text", text: "", files: [ids[0], ids[0]] });
      assert.match(String((await c.visitor.next("an error", is("error"))).message), /each file once/);
      c.visitor.send({ type: "text", text: "   " });
      assert.match(String((await c.visitor.next("an error", is("error"))).message), /message is empty/);
    } finally {
      await c.close();
    }
  });

  it("strangers get 403: no token, another conversation's token, a forged or an expired link", async () => {
    const c = await conversation("files-strangers");
    const stranger = await RawSocket.open(roomSocketUrl(server.origin, c.room));
    try {
      const strangerToken = String((await stranger.next("welcome", is("welcome"))).conversationToken);
      const bytes = Buffer.from("My order number is 1234.\n");
      const done = await upload(c.room, c.token, bytes, { type: "text/plain", name: "order.txt" });
      const id = String((done.json.file as Frame).id);

      for (const [what, answer] of [
        ["no token", await link(c.room, undefined, id)],
        ["a made-up token", await link(c.room, "made.up.token", id)],
        ["another conversation's token", await link(c.room, strangerToken, id)],
        ["another conversation's token, upload status", await status(c.room, strangerToken, id)],
        ["another conversation's token, a part", await put(c.room, strangerToken, id, 0, bytes)],
      ] as const) {
        assert.equal(answer.status, 403, what);
        assert.equal(answer.json.error, "forbidden", what);
      }
      // A stranger cannot attach it to a message of its own either.
      stranger.send({ type: "text", text: "mine now", files: [id] });
      assert.equal((await stranger.next("an error", is("error"))).code, "not_found");

      const signed = await link(c.room, c.token, id);
      const path = String(signed.json.path);
      const url = new URL(path, server.origin);
      const forged = new URL(url);
      forged.searchParams.set("exp", String(Number(url.searchParams.get("exp")) + 3600));
      const refused = await call(c.room, `${forged.pathname}${forged.search}`);
      assert.equal(refused.status, 403);
      assert.match(String(refused.json.message), /Not a link/);
      const otherFile = new URL(url);
      otherFile.searchParams.set("id", randomUUID());
      assert.equal((await call(c.room, `${otherFile.pathname}${otherFile.search}`)).status, 403);

      // A document is downloaded, never shown in place.
      const file = await call(c.room, path);
      assert.equal(file.status, 200);
      assert.equal(file.bytes.toString(), bytes.toString());
      assert.equal(file.headers.get("content-type"), "text/plain; charset=utf-8");
      assert.equal(file.headers.get("content-disposition"), "attachment; filename*=UTF-8''order.txt");

      // The host opens it with its own token; a one-second link stops working.
      const short = await link(c.room, c.hostToken, id, 1);
      assert.equal(short.status, 200);
      await delay(2100);
      const expired = await call(c.room, String(short.json.path));
      assert.equal(expired.status, 403);
      assert.match(String(expired.json.message), /expired/);
    } finally {
      await Promise.all([c.close(), stranger.close()]);
    }
  });

  it("serves single ranges of a recording with 206 and Content-Range; a range past the end is 416", async () => {
    const c = await conversation("files-range");
    try {
      const bytes = webm(PART_BYTES + 5000);
      const done = await upload(c.room, c.token, bytes, { type: "audio/webm;codecs=opus", durationS: 12.5, name: "voice.webm" });
      assert.deepEqual(done.json.file, { id: done.json.id, type: "audio/webm", name: "voice.webm", size: bytes.length, durationS: 12.5, sha256: sha256(bytes) });
      const path = String((await link(c.room, c.token, String(done.json.id))).json.path);
      const range = (value: string) => call(c.room, path, { headers: { range: value } });

      // Across the boundary between two stored parts.
      const a = PART_BYTES - 10;
      const b = PART_BYTES + 9;
      const mid = await range(`bytes=${a}-${b}`);
      assert.equal(mid.status, 206);
      assert.equal(mid.headers.get("content-range"), `bytes ${a}-${b}/${bytes.length}`);
      assert.equal(mid.headers.get("content-length"), "20");
      assert.deepEqual(mid.bytes, bytes.subarray(a, b + 1));
      assert.equal(mid.headers.get("content-type"), "audio/webm");
      assert.equal(mid.headers.get("content-disposition"), "inline; filename*=UTF-8''voice.webm");

      const open = await range(`bytes=${bytes.length - 3}-`);
      assert.equal(open.status, 206);
      assert.deepEqual(open.bytes, bytes.subarray(bytes.length - 3));
      const suffix = await range("bytes=-7");
      assert.equal(suffix.headers.get("content-range"), `bytes ${bytes.length - 7}-${bytes.length - 1}/${bytes.length}`);
      assert.deepEqual(suffix.bytes, bytes.subarray(bytes.length - 7));
      const past = await range(`bytes=${bytes.length}-`);
      assert.equal(past.status, 416);
      assert.equal(past.headers.get("content-range"), `bytes */${bytes.length}`);
      assert.equal(past.json.error, "range_not_satisfiable");
      // Several ranges: the whole file (RFC 9110 §14.2 lets a server ignore Range).
      const several = await range("bytes=0-1,5-6");
      assert.equal(several.status, 200);
      assert.equal(sha256(several.bytes), sha256(bytes));
    } finally {
      await c.close();
    }
  });

  it("a stored file and an upload in progress survive a restart of the server (storage persisted)", async () => {
    const persist = mkdtempSync(join(tmpdir(), "contact-me-files-"));
    let own = await startServer({ vars: VARS, persist });
    try {
      const room = uniqueRoom("files-restart");
      const visitor = await RawSocket.open(roomSocketUrl(own.origin, room));
      const token = String((await visitor.next("welcome", is("welcome"))).conversationToken);
      await visitor.close();
      const bytes = png(PART_BYTES + 500);
      const head = (made: Answer) => call(room, `upload/part?id=${made.json.id}&offset=0`, { at: own, method: "PUT", token, body: new Uint8Array(bytes.subarray(0, PART_BYTES)) });
      const json = (body: unknown) => ({ method: "POST", token, at: own, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const whole = await call(room, "upload", json({ type: "image/png", size: bytes.length, sha256: sha256(bytes) }));
      assert.equal((await head(whole)).status, 200);
      assert.equal((await call(room, `upload/part?id=${whole.json.id}&offset=${PART_BYTES}`, { at: own, method: "PUT", token, body: new Uint8Array(bytes.subarray(PART_BYTES)) })).json.complete, true);
      const half = await call(room, "upload", json({ type: "image/png", size: bytes.length, sha256: sha256(bytes) }));
      assert.equal((await head(half)).status, 200);

      const port = own.port;
      await own.stop();
      own = await startServer({ vars: VARS, persist, port });
      const signed = await call(room, `file/link?id=${whole.json.id}`, { at: own, token });
      assert.equal(sha256((await call(room, String(signed.json.path), { at: own })).bytes), sha256(bytes));
      assert.equal((await call(room, `upload/status?id=${half.json.id}`, { at: own, token })).json.offset, PART_BYTES, "the upload goes on where it stopped");
      const done = await call(room, `upload/part?id=${half.json.id}&offset=${PART_BYTES}`, { at: own, method: "PUT", token, body: new Uint8Array(bytes.subarray(PART_BYTES)) });
      assert.equal(done.json.complete, true);
    } finally {
      await own.stop();
      rmSync(persist, { recursive: true, force: true });
    }
  });

  it("a message with files reaches the dashboard and the visitor; deleting the conversation deletes its files", async () => {
    const c = await conversation("files-message");
    try {
      const image = png(3000);
      const fromVisitor = await upload(c.room, c.token, image, { type: "image/png", name: "bug.png" });
      const id = String(fromVisitor.json.id);
      c.visitor.send({ type: "text", text: "", files: [id], clientId: randomUUID() });
      const seen = await c.host.next("the message with a file", is("message"));
      const message = seen.message as Frame;
      assert.equal(seen.conversationId, c.conversationId);
      assert.equal(message.text, "");
      assert.deepEqual(message.files, [{ id, type: "image/png", name: "bug.png", size: image.length }]);
      assert.deepEqual(((await c.visitor.next("its own message", (f) => f.type === "message" && (f.message as Frame).id === message.id)).message as Frame).files, message.files);

      // The host uploads to the conversation and replies with text and the file.
      const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(2000)]);
      const fromHost = await upload(c.room, c.hostToken, pdf, { type: "application/pdf", name: "invoice.pdf", conversationId: c.conversationId });
      const pdfId = String(fromHost.json.id);
      c.host.send({ type: "reply", conversationId: c.conversationId, text: "Here is your invoice", files: [pdfId] });
      const reply = (await c.visitor.next("the reply with a file", (f) => f.type === "message" && (f.message as Frame).from === "host")).message as Frame;
      assert.deepEqual(reply.files, [{ id: pdfId, type: "application/pdf", name: "invoice.pdf", size: pdf.length }]);
      const visitorLink = await link(c.room, c.token, pdfId);
      assert.equal(visitorLink.status, 200, "the visitor opens the host's file in its conversation");
      const got = await call(c.room, String(visitorLink.json.path));
      assert.equal(sha256(got.bytes), sha256(pdf));
      assert.equal(got.headers.get("content-disposition"), "attachment; filename*=UTF-8''invoice.pdf");

      // An upload left open in the conversation goes with it too.
      const open = await create(c.room, c.token, { type: "image/png", size: 100, sha256: "0".repeat(64) });
      const paths = [String((await link(c.room, c.hostToken, id)).json.path), String(visitorLink.json.path)];
      c.host.send({ type: "delete", conversationId: c.conversationId });
      await c.host.next("deleted", is("deleted"));
      for (const path of paths) {
        const gone = await call(c.room, path);
        assert.equal(gone.status, 404, "a signed link to a deleted file");
        assert.equal(gone.json.error, "not_found");
      }
      assert.equal((await link(c.room, c.hostToken, id)).status, 404);
      assert.equal((await status(c.room, c.hostToken, String(open.json.id))).status, 404);
      // The deleted conversation's token opens nothing any more.
      assert.equal((await link(c.room, c.token, pdfId)).status, 403);
      // Its bytes left the quota: the whole quota's worth fits again in a new conversation.
      const next = await RawSocket.open(roomSocketUrl(server.origin, c.room));
      try {
        const token = String((await next.next("welcome", is("welcome"))).conversationToken);
        assert.equal((await upload(c.room, token, png(3 * MiB), { type: "image/png" })).json.complete, true);
      } finally {
        await next.close();
      }
    } finally {
      await c.close();
    }
  });
});
