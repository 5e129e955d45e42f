/// <reference types="node" />
/**
 * Only the holder of the host key acts as host: in the dashboard, over HTTP and
 * over the room's WebSocket. Bad frames are refused without dropping the
 * connection.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { WAIT_MS, signIn, uniqueRoom, visible } from "../support/browser.ts";
import { HOST_SESSION, PRESENCE, requestEndpoint, type Presence } from "../../protocol/http.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl } from "../support/raw-socket.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

const wsUrl = (room: string, query = ""): string => roomSocketUrl(stack.server.origin, room, query);

async function presence(room: string): Promise<Presence> {
  const answer = await requestEndpoint(stack.server.origin, PRESENCE, room, {});
  assert.ok(answer.ok, `HTTP ${answer.status}`);
  return answer.body;
}

function session(room: string, key: string, address?: string) {
  // On Cloudflare the edge sets cf-connecting-ip; locally the test plays the edge.
  const headers: Record<string, string> = address ? { "cf-connecting-ip": address } : {};
  return requestEndpoint(stack.server.origin, HOST_SESSION, room, { body: { key } }, { headers, signal: AbortSignal.timeout(WAIT_MS) });
}

/** Expect `RawSocket.open(url)` to be refused with HTTP 401. */
async function refused(url: string): Promise<void> {
  await assert.rejects(RawSocket.open(url), (err: Error & { status?: number }) => {
    assert.equal(err.status, 401, err.message);
    return true;
  });
}

test("a wrong host key in the dashboard shows an alert and keeps the sign-in form", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("auth-ui");
    const host = await pages.open(`${stack.server.origin}/host.html?room=${room}`);
    await signIn(host.page, `not-${stack.hostKey}`);
    const alert = host.page.getByRole("alert");
    await visible(alert);
    assert.match((await alert.textContent()) ?? "", /Wrong host key/);
    await visible(host.page.getByRole("textbox", { name: "Host key" }));
    assert.equal(await host.page.getByRole("switch").count(), 0, "no availability switch before signing in");
  }));

test("POST /host/session answers 401 to a wrong key and a token to the right one", async () => {
  const room = uniqueRoom("auth-http");
  const wrong = await session(room, `not-${stack.hostKey}`);
  assert.deepEqual(wrong, { ok: false, status: 401, error: { error: "forbidden", message: "Wrong host key" } });

  const right = await session(room, stack.hostKey);
  assert.ok(right.ok, `HTTP ${right.status}`);
  assert.equal(right.status, 200);
  assert.equal(right.body.name, "Host");
  assert.ok(right.body.token.length > 0);
});

test("guessing host keys: after 10 wrong keys from one address, 429 with Retry-After, even for the right key", async () => {
  const room = uniqueRoom("auth-guess");
  for (let i = 0; i < 10; i++) assert.equal((await session(room, `guess-${i}-${stack.hostKey}`, "203.0.113.7")).status, 401, `guess ${i}`);
  const limited = await session(room, `guess-10-${stack.hostKey}`, "203.0.113.7");
  assert.ok(!limited.ok);
  assert.equal(limited.status, 429);
  assert.equal(limited.error.error, "rate_limited");
  assert.ok(limited.retryAfter !== undefined && limited.retryAfter >= 1 && limited.retryAfter <= 6, `Retry-After: ${limited.retryAfter}`);
  assert.equal((await session(room, stack.hostKey, "203.0.113.7")).status, 429, "the right key from the guessing address");
  // Another address is not slowed down, and right keys do not spend.
  for (let i = 0; i < 12; i++) assert.equal((await session(room, stack.hostKey, "198.51.100.2")).status, 200, `sign-in ${i}`);
});

test("a host WebSocket without a valid token is refused with 401 before the upgrade", async () => {
  const room = uniqueRoom("auth-ws");
  await refused(wsUrl(room, "?role=host"));
  await refused(wsUrl(room, "?role=host&token=not-a-token"));

  const host = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, stack.hostKey));
  try {
    const welcome = await host.next("welcome", (f) => f.type === "welcome");
    assert.equal(welcome.role, "host");
    assert.equal(welcome.protocol, 1);
  } finally {
    host.close();
  }
});

test("a visitor cannot act as host, and bad JSON does not drop the connection", async () => {
  const room = uniqueRoom("auth-visitor");
  const visitor = await RawSocket.open(wsUrl(room, "?via=test"));
  try {
    const welcome = await visitor.next("welcome");
    assert.equal(welcome.type, "welcome");
    assert.equal(welcome.protocol, 1);
    assert.equal(welcome.role, "visitor");
    assert.equal(typeof welcome.id, "string");
    assert.deepEqual(welcome.iceServers, []);
    assert.deepEqual(await visitor.next("presence"), { type: "presence", available: false, calls: false });

    visitor.send(JSON.stringify({ type: "available", available: true }));
    const forbidden = await visitor.next("forbidden error", (f) => f.type === "error");
    assert.equal(forbidden.code, "forbidden");
    assert.equal(typeof forbidden.message, "string");
    assert.deepEqual(await presence(room), { available: false, calls: false });
    assert.ok(
      !visitor.frames.some((f) => f.type === "presence" && f.available === true),
      "no presence change was broadcast",
    );

    for (const frame of [{ type: "accept", callId: "c1" }, { type: "decline", callId: "c1" }]) {
      visitor.send(JSON.stringify(frame));
      assert.equal((await visitor.next(`error for ${frame.type}`, (f) => f.type === "error")).code, "forbidden");
    }

    visitor.send("{not json");
    const badJson = await visitor.next("bad_json error", (f) => f.type === "error");
    assert.equal(badJson.code, "bad_json");
    assert.ok(visitor.isOpen, "the socket stays open after bad JSON");

    visitor.send(JSON.stringify({ type: "text", text: "still here", clientId: "after-bad-json" }));
    const sent = await visitor.next("sent", (f) => f.type === "sent" || f.type === "error");
    assert.equal(sent.type, "sent", JSON.stringify(sent));
    assert.equal(sent.clientId, "after-bad-json");
    assert.ok(visitor.isOpen);
  } finally {
    visitor.close();
  }
});

test("a visitor can neither signal into nor hang up another visitor's call", async () => {
  const room = uniqueRoom("auth-claim");
  const host = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, stack.hostKey));
  const caller = await RawSocket.open(wsUrl(room));
  const intruder = await RawSocket.open(wsUrl(room));
  try {
    host.send(JSON.stringify({ type: "available", available: true }));
    await caller.next("presence available", (f) => f.type === "presence" && f.available === true);
    caller.send(JSON.stringify({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } }));
    const { callId } = await caller.next("ringing", (f) => f.type === "ringing");
    host.send(JSON.stringify({ type: "accept", callId }));
    await caller.next("accepted", (f) => f.type === "accepted");

    const offer = { type: "signal", callId, description: { type: "offer", sdp: "v=0" } };
    for (const [what, frame] of [
      ["signal into the call", offer],
      ["hang up the call", { type: "hangup", callId }],
      ["cancel it", { type: "cancel" }],
    ] as const) {
      intruder.send(JSON.stringify(frame));
      const error = await intruder.next(`error for trying to ${what}`, (f) => f.type === "error");
      assert.equal(error.code, "not_found", what);
    }
    // The call is untouched: the caller's own signal still reaches the host.
    caller.send(JSON.stringify(offer));
    const relayed = await host.next("relayed offer", (f) => f.type === "signal");
    assert.deepEqual(relayed, offer);
    assert.ok(!intruder.frames.some((f) => ["signal", "text", "ringing", "accepted", "queue"].includes(String(f.type))));
  } finally {
    for (const s of [host, caller, intruder]) s.close();
  }
});

test("a socket URL too long to keep with the connection is refused with 414", async () => {
  const room = uniqueRoom("auth-url");
  await assert.rejects(RawSocket.open(wsUrl(room, `?pad=${"x".repeat(1100)}`)), (err: Error & { status?: number }) => {
    assert.equal(err.status, 414, err.message);
    return true;
  });
  const ok = await RawSocket.open(wsUrl(room, `?pad=${"x".repeat(300)}`));
  assert.equal((await ok.next("welcome")).type, "welcome");
  ok.close();
});
