/// <reference types="node" />
/**
 * The `yjs` party against the real local server (`partykit dev` or `wrangler
 * dev`, as `RUNTIME` says): two Chromium pages running
 * the real yjs + y-webrtc find each other through it alone and keep a
 * `Y.Text` in sync; raw sockets check the protocol, its limits and its error
 * frames.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { MAX_FRAME_BYTES, MAX_TOPICS_PER_CONNECTION } from "../../party/core/yjs-protocol.ts";
import { WAIT_MS, eventually, launchChromium, uniqueRoom, withPages } from "../support/browser.ts";
import { REPO_ROOT, startServer, type TestServer } from "../support/server.ts";
import { RawSocket, type Frame } from "../support/raw-socket.ts";

/**
 * The page's script: a `<textarea id="editor">` bound to the `Y.Text` "text"
 * of a document shared over y-webrtc, and `window.yjsTest` to start it and
 * inspect its peers.
 */
const PAGE_SCRIPT = `
import * as Y from "yjs";
import { WebrtcProvider } from "y-webrtc";

const providers = [];
window.yjsTest = {
  /** Join y-webrtc room \`name\` through \`signaling\` only; bind the editor when \`bind\`. */
  start(signaling, name, { password, bind } = {}) {
    const doc = new Y.Doc();
    const provider = new WebrtcProvider(name, doc, {
      signaling: [signaling],
      password,
      peerOpts: { config: { iceServers: [] } },
    });
    const text = doc.getText("text");
    providers.push({ name, doc, provider, text });
    if (bind) {
      const editor = document.getElementById("editor");
      editor.addEventListener("input", () => {
        doc.transact(() => {
          text.delete(0, text.length);
          text.insert(0, editor.value);
        });
      });
      text.observe(() => {
        if (editor.value !== text.toString()) editor.value = text.toString();
      });
    }
  },
  /** Per room: the text, WebRTC peers connected, and peers over BroadcastChannel. */
  status() {
    return providers.map(({ name, provider, text }) => ({
      name,
      text: text.toString(),
      webrtcPeers: [...provider.room.webrtcConns.values()].filter((c) => c.connected).length,
      bcPeers: provider.room.bcConns.size,
    }));
  },
  insert(name, value) {
    const p = providers.find((p) => p.name === name);
    p.text.insert(p.text.length, value);
  },
};
`;

const PAGE_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>yjs over the yjs party</title><link rel="icon" href="data:,"></head>
<body><textarea id="editor" aria-label="Shared text"></textarea><script src="/bundle.js"></script></body>
</html>`;

/** Bundle yjs + y-webrtc for the browser into a temp dir; returns the script. */
async function bundlePage(dir: string): Promise<string> {
  const outfile = join(dir, "bundle.js");
  await build({
    stdin: { contents: PAGE_SCRIPT, resolveDir: REPO_ROOT, sourcefile: "yjs-page.js", loader: "js" },
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    outfile,
    logLevel: "silent",
    // simple-peer and its Node-flavoured dependencies expect these.
    define: { global: "globalThis", "process.env.NODE_ENV": '"production"' },
    banner: { js: "globalThis.process ??= { env: {}, nextTick: (f, ...a) => queueMicrotask(() => f(...a)), browser: true };" },
  });
  return readFile(outfile, "utf8");
}

/** Serve the page and its bundle on 127.0.0.1 (a free port). */
function servePage(bundle: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === "/bundle.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    } else if (req.url === "/" || req.url?.startsWith("/?")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE_HTML);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") return reject(new Error("no port"));
      resolve({ origin: `http://127.0.0.1:${address.port}`, server });
    });
  });
}

interface PeerStatus {
  name: string;
  text: string;
  webrtcPeers: number;
  bcPeers: number;
}

const status = (page: Page): Promise<PeerStatus[]> =>
  page.evaluate(() => (window as unknown as { yjsTest: { status(): PeerStatus[] } }).yjsTest.status());

/** Send a ping and return every frame that arrived before its pong. */
async function sync(socket: RawSocket): Promise<Frame[]> {
  socket.send({ type: "ping" });
  const before: Frame[] = [];
  for (;;) {
    const frame = await socket.next("pong");
    if (frame.type === "pong") return before;
    before.push(frame);
  }
}

describe("yjs party", () => {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let web: { origin: string; server: Server } | undefined;
  let tmp: string | undefined;
  const sockets: RawSocket[] = [];

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), "contact-me-yjs-"));
    const [started, bundle] = await Promise.all([startServer(), bundlePage(tmp)]);
    server = started;
    web = await servePage(bundle);
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await browser?.close();
    if (web) {
      web.server.closeAllConnections();
      await new Promise((resolve) => web!.server.close(resolve));
    }
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const wsUrl = (room: string): string => `ws://127.0.0.1:${server!.port}/parties/yjs/${encodeURIComponent(room)}`;
  const open = async (room: string): Promise<RawSocket> => {
    const socket = await RawSocket.open(wsUrl(room));
    sockets.push(socket);
    return socket;
  };

  it("syncs a Y.Text typed in one page to another, signaling through this party only", async () => {
    const signaling = wsUrl(uniqueRoom("yjs"));
    await withPages(browser!, () => server!.logs(), async (pages) => {
      const [a, b] = await Promise.all([pages.open(`${web!.origin}/`), pages.open(`${web!.origin}/`)]);
      // One page after the other, as people arrive: the second one's announce
      // makes the first one offer, so the two do not offer to each other at once.
      for (const { page, frames } of [a, b]) {
        await page.evaluate(
          ([url]) => {
            const t = (window as unknown as { yjsTest: { start(u: string, n: string, o?: object): void } }).yjsTest;
            t.start(url!, "notes", { bind: true });
            t.start(url!, "secret", { password: "correct horse" });
          },
          [signaling],
        );
        await eventually(
          "the page's own announces relayed back to it, so it is subscribed",
          async () => ["notes", "secret"].filter((t) => !frames.some((f) => f.includes(`< {"type":"publish","topic":"${t}"`))),
          (missing) => missing.length === 0,
        );
      }
      const editorA = a.page.getByRole("textbox", { name: "Shared text" });
      const editorB = b.page.getByRole("textbox", { name: "Shared text" });
      await eventually("a WebRTC peer in both rooms on both pages", async () => [...(await status(a.page)), ...(await status(b.page))], (s) =>
        s.every((r) => r.webrtcPeers === 1 && r.bcPeers === 0),
      );

      await editorA.pressSequentially("hello from A", { timeout: WAIT_MS });
      await eventually("B's editor to show A's text", () => editorB.inputValue(), (v) => v === "hello from A");
      await editorB.press("End");
      await editorB.pressSequentially(", and B", { timeout: WAIT_MS });
      await eventually("A's editor to show B's edit", () => editorA.inputValue(), (v) => v === "hello from A, and B");

      // The password-protected room signals with encrypted (base64) payloads through the same socket.
      await b.page.evaluate(() => (window as unknown as { yjsTest: { insert(n: string, v: string): void } }).yjsTest.insert("secret", "psst"));
      await eventually("A's secret text", async () => (await status(a.page)).find((r) => r.name === "secret")?.text, (t) => t === "psst");

      // Only the yjs party was used for signaling, and it relayed publish frames.
      for (const p of [a, b]) {
        const opened = p.frames.filter((f) => f.includes(" open "));
        assert.ok(opened.length >= 1, p.diagnostics());
        for (const line of opened) assert.ok(line.endsWith(` open ${signaling}`), line);
        assert.ok(p.frames.some((f) => f.includes(' < {"type":"publish"')), p.diagnostics());
      }
      assert.deepEqual([...a.errors, ...b.errors].filter((e) => !e.includes("favicon")), []);
    });
  });

  it("relays publish to subscribers with clients, answers ping, forgets closed sockets", async () => {
    const room = uniqueRoom("yjs-raw");
    const [a, b, c] = await Promise.all([open(room), open(room), open(room)]);
    a.send({ type: "subscribe", topics: ["doc"] });
    b.send({ type: "subscribe", topics: ["doc", "other"] });
    assert.deepEqual(await sync(a), []);
    assert.deepEqual(await sync(b), []);

    // A publish to a topic the sender has not subscribed to is refused, and reaches nobody.
    c.send({ type: "publish", topic: "doc", data: { type: "announce", from: "c" } });
    assert.deepEqual((await sync(c)).map(pick), [{ type: "error", code: "not_subscribed" }]);
    c.send({ type: "subscribe", topics: ["doc"] });
    c.send({ type: "publish", topic: "doc", data: { type: "announce", from: "c" } });
    const expected = { type: "publish", topic: "doc", data: { type: "announce", from: "c" }, clients: 3 };
    assert.deepEqual(await a.next("publish at a"), expected);
    assert.deepEqual(await b.next("publish at b"), expected);
    assert.deepEqual(await sync(c), [expected], "the sender gets its own publish"); 

    // The sender gets its own publish when subscribed.
    b.send({ type: "publish", topic: "other", data: "x" });
    assert.deepEqual(await b.next("own publish"), { type: "publish", topic: "other", data: "x", clients: 1 });

    b.send({ type: "unsubscribe", topics: ["doc"] });
    await a.close();
    assert.deepEqual(await sync(b), []);
    c.send({ type: "publish", topic: "doc", data: 2 });
    assert.deepEqual(await c.next("publish to the only subscriber"), { type: "publish", topic: "doc", data: 2, clients: 1 });
    assert.deepEqual(await sync(b), []);

    // Rooms are isolated: the same topic in another room is another topic.
    const elsewhere = await open(uniqueRoom("yjs-raw"));
    elsewhere.send({ type: "subscribe", topics: ["doc"] });
    elsewhere.send({ type: "publish", topic: "doc", data: 3 });
    assert.deepEqual(await sync(elsewhere), [{ type: "publish", topic: "doc", data: 3, clients: 1 }]);
    assert.deepEqual(await sync(c), []);

    const res = await fetch(`http://127.0.0.1:${server!.port}/parties/yjs/${room}`, { signal: AbortSignal.timeout(WAIT_MS) });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "okay");
  });

  it("refuses oversized, malformed and over-limit frames with error frames and keeps the socket", async () => {
    const room = uniqueRoom("yjs-limits");
    const [s, peer] = await Promise.all([open(room), open(room)]);

    s.send({ type: "publish", topic: "t", data: "x".repeat(MAX_FRAME_BYTES) });
    assert.deepEqual(pick(await s.next("too_large")), { type: "error", code: "too_large" });
    s.send("{not json");
    assert.deepEqual(pick(await s.next("bad_json")), { type: "error", code: "bad_json" });
    s.send(Buffer.from([1, 2, 3]));
    assert.deepEqual(pick(await s.next("binary")), { type: "error", code: "bad_message" });
    s.send({ type: "subscribe", topics: [42] });
    assert.deepEqual(pick(await s.next("bad topics")), { type: "error", code: "bad_message" });
    s.send('{"type":"publish","topic":"t","__proto__":{"polluted":true}}');
    assert.deepEqual((await sync(s)).map(pick), [{ type: "error", code: "not_subscribed" }]);

    const topics = Array.from({ length: MAX_TOPICS_PER_CONNECTION }, (_, i) => `topic-${i}`);
    s.send({ type: "subscribe", topics });
    assert.deepEqual(await sync(s), []);
    s.send({ type: "subscribe", topics: [`topic-${MAX_TOPICS_PER_CONNECTION}`] });
    const refused = await s.next("too_many_topics");
    assert.deepEqual(pick(refused), { type: "error", code: "too_many_topics" });
    assert.equal(typeof refused.message, "string");

    // Still open and still subscribed to the first 32 topics.
    assert.ok(s.isOpen);
    peer.send({ type: "subscribe", topics: [`topic-${MAX_TOPICS_PER_CONNECTION - 1}`, `topic-${MAX_TOPICS_PER_CONNECTION}`] });
    peer.send({ type: "publish", topic: `topic-${MAX_TOPICS_PER_CONNECTION - 1}`, data: "last" });
    peer.send({ type: "publish", topic: `topic-${MAX_TOPICS_PER_CONNECTION}`, data: "not s" });
    assert.deepEqual((await sync(peer)).map((f) => f.clients), [2, 1], "the peer's own publishes, with their receivers");
    assert.deepEqual(await sync(s), [{ type: "publish", topic: `topic-${MAX_TOPICS_PER_CONNECTION - 1}`, data: "last", clients: 2 }]);

    // A URL too long to keep with the connection is refused before the socket opens.
    await assert.rejects(RawSocket.open(`${wsUrl(room)}?pad=${"x".repeat(600)}`), /HTTP 414/);
  });

  it("drops a flood past 40 frames at once (then 20/s), answering each dropped frame rate_limited", async () => {
    const room = uniqueRoom("yjs-flood");
    const [flooder, listener] = await Promise.all([open(room), open(room)]);
    listener.send({ type: "subscribe", topics: ["t"] });
    flooder.send({ type: "subscribe", topics: ["t"] });
    assert.deepEqual(await sync(listener), []);
    assert.deepEqual(await sync(flooder), []);
    for (let i = 0; i < 200; i++) flooder.send({ type: "publish", topic: "t", data: i });
    await flooder.drain();
    const count = () => ({
      delivered: listener.frames.filter((f) => f.type === "publish").length,
      limited: flooder.frames.filter((f) => f.code === "rate_limited").length,
    });
    const seen = await eventually("every frame delivered or refused", async () => count(), (c) => c.delivered + c.limited === 200);
    assert.ok(seen.delivered >= 40 && seen.delivered <= 100, `delivered ${seen.delivered} of 200`);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the bucket refills
    assert.ok(flooder.isOpen);
    assert.ok((await sync(flooder)).every((f) => f.code === "rate_limited" || f.type === "publish"));
    flooder.send({ type: "publish", topic: "t", data: "after" });
    await listener.next("a publish after the flood", (f) => f.data === "after");
  });
});

/** `type` and `code` of an error frame. */
function pick(frame: Frame): Frame {
  return { type: frame.type, code: frame.code };
}
