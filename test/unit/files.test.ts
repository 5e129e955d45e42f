/// <reference types="node" />
// Files in conversations, without a server: the pure parts (ranges, the
// disposition, plain text for Slack and push, signed links, the limits'
// configuration, the protocol's frames and endpoints), then the room's
// bookkeeping over an in-memory runtime (room storage as the blob store):
// abandoned uploads and files no message took are deleted by the alarm
// after 24 h with their bytes and quota, files in messages stay, and
// conversations past the retention take their files with them.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import * as v from "valibot";
import { signFileLink, verifyFileLink } from "../../party/core/auth.ts";
import { isR2Bucket } from "../../party/core/blobs.ts";
import { MAX_ATTACHMENT_MB_LIMIT, parseMedia, readConfig } from "../../party/core/config.ts";
import { UPLOAD_TTL_MS, contentDisposition, parseRange, plainText } from "../../party/core/files.ts";
import {
  CREATE_UPLOAD,
  ENDPOINTS,
  ErrorBody,
  FILE,
  FILE_LINK,
  HTTP_ERROR_CODES,
  UPLOAD_PART,
  UPLOAD_STATUS,
  UploadRequest,
  bearer,
  endpointInit,
  endpointPath,
} from "../../protocol/http.ts";
import { MAX_FILES_PER_MESSAGE, parseClientMessage, parseServerMessage } from "../../protocol/socket.ts";
import { FakeRoom, type FakeConnection } from "../support/fake-room.ts";

const MiB = 1024 * 1024;
const parse = (frame: unknown) => parseClientMessage(JSON.stringify(frame));
const uuid = () => crypto.randomUUID();

describe("files: the pure parts", () => {
  it("reads one byte range (RFC 9110 §14.1.2), clipped to the file; ignores what it does not take; refuses a start past the end", () => {
    assert.deepEqual(parseRange("bytes=0-9", 100), { start: 0, end: 9 });
    assert.deepEqual(parseRange("bytes=90-200", 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange("bytes=95-", 100), { start: 95, end: 99 });
    assert.deepEqual(parseRange("bytes=-5", 100), { start: 95, end: 99 });
    assert.deepEqual(parseRange("bytes=-500", 100), { start: 0, end: 99 });
    assert.deepEqual(parseRange(" Bytes = 1 - 2 ", 100), { start: 1, end: 2 });
    for (const ignored of [null, "bytes=0-1,5-6", "items=0-1", "bytes=-", "bytes=9-1", "bytes=x-1"]) assert.equal(parseRange(ignored, 100), undefined, String(ignored));
    assert.equal(parseRange("bytes=100-", 100), "unsatisfiable");
    assert.equal(parseRange("bytes=100-200", 100), "unsatisfiable");
    assert.equal(parseRange("bytes=-0", 100), "unsatisfiable");
  });

  it("shows images, audio and video in place and downloads anything else, with the name encoded (RFC 6266, RFC 8187)", () => {
    assert.equal(contentDisposition({ type: "image/png" }), "inline");
    assert.equal(contentDisposition({ type: "video/webm", name: "hi.webm" }), "inline; filename*=UTF-8''hi.webm");
    assert.equal(contentDisposition({ type: "application/pdf", name: "Facture n°1 (copy)'s.pdf" }), "attachment; filename*=UTF-8''Facture%20n%C2%B01%20%28copy%29%27s.pdf");
    assert.equal(contentDisposition({ type: "text/plain", name: 'a";b.txt' }), "attachment; filename*=UTF-8''a%22%3Bb.txt");
  });

  it("names a message's files in plain text for Slack and push", () => {
    assert.equal(plainText({ text: "Hi" }), "Hi");
    assert.equal(
      plainText({
        text: "See attached",
        files: [
          { id: "1", type: "image/png", name: "bug.png", size: 2048 },
          { id: "2", type: "audio/webm", size: 9000, durationS: 62.4 },
          { id: "3", type: "video/mp4", size: 3 * MiB, durationS: 5 },
          { id: "4", type: "application/pdf", size: 1536 * 1024 },
        ],
      }),
      "See attached\n📎 bug.png (2 KB)\n🎤 Voice message (1:02)\n🎥 Video message (0:05)\n📎 File (1.5 MB)",
    );
    assert.equal(plainText({ text: "", files: [{ id: "1", type: "image/gif", size: 10 }] }), "📎 Image (10 B)");
  });

  it("says a call-back request first, for Slack and push", () => {
    assert.equal(plainText({ text: "", callBack: "+33 6 12 34 56 78" }), "📞 Call-back request: +33 6 12 34 56 78");
    assert.equal(plainText({ text: "Mornings", callBack: "ann@example.com" }), "📞 Call-back request: ann@example.com\nMornings");
  });

  it("signs a file link for one file of one room until it expires; anything else is forged", async () => {
    const secret = "s".repeat(43);
    const now = Date.UTC(2026, 0, 1);
    const exp = now / 1000 + 60;
    const sig = await signFileLink(secret, "site", "f1", exp);
    assert.match(sig, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyFileLink(secret, "site", "f1", exp, sig, now), "ok");
    assert.equal(await verifyFileLink(secret, "site", "f1", exp, sig, now + 60_000), "expired");
    assert.equal(await verifyFileLink(secret, "site", "f2", exp, sig, now), "forged");
    assert.equal(await verifyFileLink(secret, "other", "f1", exp, sig, now), "forged");
    assert.equal(await verifyFileLink(secret, "site", "f1", exp + 1, sig, now), "forged");
    assert.equal(await verifyFileLink("t".repeat(43), "site", "f1", exp, sig, now), "forged");
    // An expired link that was never the room's is forged, not expired.
    assert.equal(await verifyFileLink(secret, "site", "f1", exp, "A".repeat(43), now + 120_000), "forged");
  });

  it("reads MEDIA_QUOTA_MB, MAX_ATTACHMENT_MB and MAX_RECORDING_S, with defaults and bounds", (t) => {
    const errors = t.mock.method(console, "error", () => {});
    assert.deepEqual(readConfig({}).media, { quotaBytes: 500 * MiB, maxFileBytes: 10 * MiB, maxRecordingS: 120 });
    assert.deepEqual(parseMedia({ MEDIA_QUOTA_MB: "2048", MAX_ATTACHMENT_MB: "25", MAX_RECORDING_S: "60" }), { quotaBytes: 2048 * MiB, maxFileBytes: 25 * MiB, maxRecordingS: 60 });
    assert.equal(errors.mock.callCount(), 0);
    // Out of bounds or not whole numbers: the default, and a report.
    assert.deepEqual(parseMedia({ MEDIA_QUOTA_MB: "0", MAX_ATTACHMENT_MB: String(MAX_ATTACHMENT_MB_LIMIT + 1), MAX_RECORDING_S: "1.5" }), { quotaBytes: 500 * MiB, maxFileBytes: 10 * MiB, maxRecordingS: 120 });
    assert.equal(errors.mock.callCount(), 3);
    assert.match(String(errors.mock.calls[1]!.arguments[0]), /MAX_ATTACHMENT_MB must be a whole number from 1 to 50/);
  });

  it("takes an R2 bucket binding only when it has R2's methods", () => {
    const fn = () => undefined;
    assert.equal(isR2Bucket({ put: fn, get: fn, delete: fn, head: fn }), true);
    for (const other of [undefined, "contact-me-media", {}, { put: fn, get: fn, delete: fn }]) assert.equal(isR2Bucket(other), false);
  });
});

describe("files: the protocol", () => {
  it("lets a message carry up to 10 files of its conversation, each once, and be files only", () => {
    const [a, b] = [uuid(), uuid()];
    const files = parse({ type: "text", text: "", files: [a, b] });
    assert.ok(files.ok && files.message.type === "text");
    assert.deepEqual(files.ok && files.message.type === "text" && files.message.files, [a, b]);
    assert.ok(parse({ type: "reply", conversationId: uuid(), text: " ", files: [a] }).ok);
    assert.ok(parse({ type: "text", text: "hi" }).ok, "text alone, as before");
    const refused = (frame: unknown, why: RegExp) => {
      const r = parse(frame);
      assert.ok(!r.ok && r.code === "bad_message" && why.test(r.message), `${JSON.stringify(frame)}: ${JSON.stringify(r)}`);
    };
    refused({ type: "text", text: "  " }, /message is empty/);
    refused({ type: "text", text: "", files: [] }, /message is empty/);
    refused({ type: "reply", conversationId: uuid(), text: "" }, /message is empty/);
    refused({ type: "text", text: "", files: Array.from({ length: MAX_FILES_PER_MESSAGE + 1 }, uuid) }, /at most 10 files/);
    refused({ type: "text", text: "x", files: [a, a] }, /each file once/);
    refused({ type: "text", text: "x", files: ["../etc/passwd"] }, /files/);
  });

  it("carries a message's files to the dashboard and the visitor", () => {
    const frame = {
      type: "message",
      conversationId: uuid(),
      message: { id: "m1", from: "visitor", text: "", at: 1, files: [{ id: "f1", type: "audio/webm", size: 9000, durationS: 4.2 }] },
    };
    const r = parseServerMessage(JSON.stringify(frame));
    assert.ok(r.ok);
    assert.deepEqual(r.message, frame);
  });

  it("describes the upload and file endpoints, each error status with its code", () => {
    for (const endpoint of [CREATE_UPLOAD, UPLOAD_PART, UPLOAD_STATUS, FILE_LINK]) assert.equal(ENDPOINTS[endpoint.path as keyof typeof ENDPOINTS], endpoint);
    assert.equal(Object.hasOwn(ENDPOINTS, FILE.path), false, "the file's bytes are fetched by its link, not through the JSON client");
    for (const endpoint of [CREATE_UPLOAD, UPLOAD_PART, UPLOAD_STATUS, FILE_LINK, FILE]) for (const status of endpoint.errors) assert.ok(HTTP_ERROR_CODES[status], `${endpoint.path}: ${status}`);
    assert.deepEqual(
      [409, 413, 415, 416, 422, 507].map((s) => HTTP_ERROR_CODES[s as keyof typeof HTTP_ERROR_CODES]),
      ["conflict", "too_large", "unsupported_type", "range_not_satisfiable", "mismatch", "quota_exceeded"],
    );
    assert.deepEqual(v.parse(ErrorBody, { error: "conflict", message: "m", offset: 5 }), { error: "conflict", message: "m", offset: 5 });
    assert.equal(endpointPath(UPLOAD_PART, "site", { id: "00000000-0000-4000-8000-000000000000", offset: "0" }), "/parties/main/site/upload/part?id=00000000-0000-4000-8000-000000000000&offset=0");
    const bytes = new Uint8Array([1, 2, 3]);
    assert.deepEqual(endpointInit(UPLOAD_PART, { bytes }), { method: "PUT", headers: { "content-type": "application/octet-stream" }, body: bytes });
    assert.throws(() => endpointInit(UPLOAD_PART, { bytes: "text" as never }), /body: expected bytes/);
    assert.deepEqual(bearer("t"), { authorization: "Bearer t" });
    const sum = "A".repeat(64);
    assert.equal(v.parse(UploadRequest, { type: "image/png", size: 1, sha256: sum }).sha256, sum.toLowerCase());
    for (const name of ["a/b.png", "a\\b.png", "a\u0000.png", "x".repeat(201)]) assert.equal(v.safeParse(UploadRequest, { type: "image/png", size: 1, sha256: sum, name }).success, false, name);
  });
});

describe("files: the room's bookkeeping", () => {
  const HOST_KEY = "host-key-1234567890";
  const png = (size: number) => {
    const bytes = new Uint8Array(size);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    for (let i = 8; i < size; i++) bytes[i] = i % 251;
    return bytes;
  };
  const hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

  /** Upload `bytes` through the room's endpoints (completing it unless `parts` says how many parts to send). */
  async function upload(room: FakeRoom, token: string, bytes: Uint8Array, parts = Infinity): Promise<string> {
    const made = await room.call(CREATE_UPLOAD, { body: { type: "image/png", size: bytes.length, sha256: hex(bytes) } }, bearer(token));
    assert.ok(made.ok, JSON.stringify(made));
    const { id, partBytes } = made.body;
    for (let i = 0; i < parts && i * partBytes < bytes.length; i++) {
      const part = await room.call(UPLOAD_PART, { query: { id, offset: String(i * partBytes) }, bytes: bytes.slice(i * partBytes, (i + 1) * partBytes) }, bearer(token));
      assert.ok(part.ok, JSON.stringify(part));
    }
    return id;
  }
  const keys = (room: FakeRoom, prefix: string) => [...room.storage.data.keys()].filter((k) => k.startsWith(prefix));
  const media = (room: FakeRoom) => (room.storage.data.get("media") as { bytes: number } | undefined)?.bytes ?? 0;

  async function visitor(room: FakeRoom): Promise<{ conn: FakeConnection; token: string }> {
    const conn = await room.connect();
    return { conn, token: conn.last("welcome")!.conversationToken! };
  }

  it("deletes an abandoned upload and a file no message took after 24 h, with their bytes and quota; a file in a message stays", async (t) => {
    let clock = Date.UTC(2026, 0, 1);
    t.mock.method(Date, "now", () => clock);
    const room = new FakeRoom({ HOST_KEY });
    const { conn, token } = await visitor(room);
    const big = png(300 * 1024);
    const abandoned = await upload(room, token, big, 1);
    const unsent = await upload(room, token, png(5000));
    const sent = await upload(room, token, png(7000));
    await room.send(conn, { type: "text", text: "", files: [sent] });
    assert.deepEqual(conn.last("sent") !== undefined, true);
    assert.equal(media(room), big.length + 5000 + 7000);
    assert.equal(keys(room, "blob:").length, 1 + 1 + 1, "one part of the abandoned upload, one of each file");
    assert.ok(room.storage.alarm !== null && room.storage.alarm <= clock + UPLOAD_TTL_MS, "the alarm will clean up");

    clock += UPLOAD_TTL_MS - 1000;
    await room.fireAlarm();
    assert.equal(keys(room, "upload:").length, 1, "not yet");

    clock += 2000;
    await room.fireAlarm();
    assert.deepEqual(keys(room, "upload:"), []);
    assert.deepEqual(keys(room, "file:"), [`file:${sent}`]);
    assert.deepEqual(keys(room, "blob:").map((k) => k.split(":")[1]), [sent]);
    assert.deepEqual(keys(room, "fdue:"), []);
    assert.equal(media(room), 7000);
    const status = await room.call(UPLOAD_STATUS, { query: { id: abandoned } }, bearer(token));
    assert.equal(status.status, 404);
    assert.equal((await room.call(FILE_LINK, { query: { id: unsent } }, bearer(token))).status, 404);
    assert.equal((await room.call(FILE_LINK, { query: { id: sent } }, bearer(token))).status, 200);
  });

  it("deletes the files of conversations past the retention", async (t) => {
    let clock = Date.UTC(2026, 0, 1);
    t.mock.method(Date, "now", () => clock);
    const room = new FakeRoom({ HOST_KEY, RETENTION_DAYS: "1" });
    const { conn, token } = await visitor(room);
    const id = await upload(room, token, png(4000));
    await room.send(conn, { type: "text", text: "old", files: [id] });
    clock += 3 * 24 * 3600_000;
    const kept = await visitor(room);
    const fresh = await upload(room, kept.token, png(1000));
    await room.send(kept.conn, { type: "text", text: "new", files: [fresh] });
    await room.fireAlarm();
    assert.deepEqual(keys(room, "file:"), [`file:${fresh}`]);
    assert.deepEqual(keys(room, "blob:").map((k) => k.split(":")[1]), [fresh]);
    assert.equal(media(room), 1000);
  });
});
