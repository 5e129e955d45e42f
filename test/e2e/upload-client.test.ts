/// <reference types="node" />
/**
 * The widget's upload client (`widget/files/upload.ts`) against the real
 * server: a part whose connection drops is retried and the upload goes on
 * from the room's offset; an upload stopped halfway (a reload) resumes from
 * the last acknowledged byte with the same upload, and the quota is used
 * once; the room's refusals arrive as `UploadError` codes.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { uploadFile, UploadError, unfinishedKey } from "../../widget/files/upload.ts";
import { local } from "../../widget/room/storage.ts";
import { uniqueRoom } from "../support/browser.ts";
import { RawSocket, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { runtime, startServer, type TestServer } from "../support/server.ts";

const VARS = { HOST_KEY: randomUUID(), ICE_SERVERS: "[]", MAX_ATTACHMENT_MB: "2", MEDIA_QUOTA_MB: "3" };
const MiB = 1024 * 1024;
const PART_BYTES = runtime() === "wrangler" ? MiB : 120 * 1024;
const PNG_SIGNATURE = Buffer.from("89504e470d0a1a0a", "hex");
const png = (size: number) => Buffer.concat([PNG_SIGNATURE, randomBytes(size - PNG_SIGNATURE.length)]);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const is = (type: string) => (f: Frame) => f.type === type;

let server: TestServer;
before(async () => {
  server = await startServer({ vars: VARS });
});
after(async () => {
  await server?.stop();
});

/** A visitor's conversation token in a fresh room, and the room's address. */
async function visitor(prefix: string) {
  const room = uniqueRoom(prefix);
  const socket = await RawSocket.open(roomSocketUrl(server.origin, room));
  const token = String((await socket.next("welcome", is("welcome"))).conversationToken);
  return { socket, token, address: { host: new URL(server.origin).host, room, party: "main" } };
}

/** Requests to `upload/part` seen by `fetch`, and a way to make some of them fail as a dropped connection would. */
function watchParts(fail: (offset: number, n: number) => boolean) {
  const real = globalThis.fetch;
  const offsets: number[] = [];
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.pathname.endsWith("/upload/part")) {
      const offset = Number(url.searchParams.get("offset"));
      offsets.push(offset);
      if (fail(offset, offsets.length)) throw new TypeError("Failed to fetch");
    }
    return real(input, init);
  }) as typeof fetch;
  return { offsets, restore: () => (globalThis.fetch = real) };
}

describe(`the upload client (${runtime()})`, () => {
  it("retries a part whose connection dropped and completes with one file; progress goes up to the size", async () => {
    const v = await visitor("upload-client-retry");
    const bytes = png(PART_BYTES + 500);
    const watch = watchParts((offset, n) => offset === PART_BYTES && n === 2);
    try {
      const progress: number[] = [];
      const file = new File([bytes], "shot.png", { type: "image/png" });
      const ref = await uploadFile(v.address, file, { token: v.token, onProgress: (sent, total) => (assert.equal(total, bytes.length), progress.push(sent)) });
      assert.deepEqual({ ...ref, id: "" }, { id: "", type: "image/png", name: "shot.png", size: bytes.length });
      assert.deepEqual(watch.offsets, [0, PART_BYTES, PART_BYTES]);
      assert.deepEqual([...new Set(progress)], [0, PART_BYTES, bytes.length]);
      assert.equal(local.get(unfinishedKey(v.address, sha256(bytes))), null, "nothing left to resume");
    } finally {
      watch.restore();
      await v.socket.close();
    }
  });

  it("an upload stopped halfway (a reload) resumes from the last acknowledged byte with the same upload; the quota is used once", async () => {
    const v = await visitor("upload-client-resume");
    // 2 MiB: with a quota of 3 MiB, a second upload of the same file would not fit.
    const bytes = png(2 * MiB);
    const file = new File([bytes], "big.png", { type: "image/png" });
    const stop = new AbortController();
    let watch = watchParts(() => false);
    try {
      await assert.rejects(
        uploadFile(v.address, file, { token: v.token, signal: stop.signal, onProgress: (sent) => sent >= PART_BYTES && stop.abort(new Error("reload")) }),
        /reload/,
      );
      const remembered = JSON.parse(local.get(unfinishedKey(v.address, sha256(bytes))) ?? "null") as { id: string } | null;
      assert.ok(remembered?.id, "the unfinished upload is remembered");
      watch.restore();
      watch = watchParts(() => false);
      const ref = await uploadFile(v.address, file, { token: v.token });
      assert.equal(ref.id, remembered.id, "the same upload, not a second one");
      assert.equal(watch.offsets[0], PART_BYTES, "resumed, not restarted");
      assert.equal(ref.size, bytes.length);
    } finally {
      watch.restore();
      await v.socket.close();
    }
  });

  it("the room's refusals are UploadError codes: a renamed .html is mismatch, a file over MAX_ATTACHMENT_MB is too_large with the limit, text/html is refused before asking", async () => {
    const v = await visitor("upload-client-errors");
    try {
      const html = new File(["<!doctype html><script>alert(1)</script>"], "cat.png", { type: "image/png" });
      await assert.rejects(uploadFile(v.address, html, { token: v.token }), (e: unknown) => e instanceof UploadError && e.code === "mismatch" && e.status === 422);
      const big = new File([png(2 * MiB + 1)], "huge.png", { type: "image/png" });
      await assert.rejects(uploadFile(v.address, big, { token: v.token }), (e: unknown) => e instanceof UploadError && e.code === "too_large" && e.maxBytes === 2 * MiB);
      const page = new File(["<p>hi</p>"], "page.html", { type: "text/html" });
      await assert.rejects(uploadFile(v.address, page, { token: v.token }), (e: unknown) => e instanceof UploadError && e.code === "unsupported_type");
      await assert.rejects(uploadFile(v.address, new File([png(100)], "a.png", { type: "image/png" }), { token: "made.up" }), (e: unknown) => e instanceof UploadError && e.code === "forbidden");
    } finally {
      await v.socket.close();
    }
  });
});
