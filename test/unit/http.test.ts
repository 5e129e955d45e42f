// The HTTP API's description (protocol/http.ts) against the room: every answer
// the room really sends matches its endpoint's schemas exactly (nothing
// stripped, its status among the endpoint's, the error code the status's),
// and malformed bodies, queries and answers are refused with a clear error.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import * as v from "valibot";
import { signSlackRequest } from "../../party/core/slack.ts";
import {
  ENDPOINTS,
  ErrorBody,
  HOST_SESSION,
  HTTP_ERROR_CODES,
  HostSession,
  HostSessionRequest,
  HttpProtocolError,
  MAX_HOST_KEY_LENGTH,
  PRESENCE,
  Presence,
  SLACK_EVENTS,
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  SlackEventsAnswer,
  SlackEventsRequest,
  SlackThreadReply,
  endpointInit,
  endpointPath,
  parseQuery,
  readAnswer,
  retryAfterSeconds,
  type Endpoint,
} from "../../protocol/http.ts";
import { FakeRoom } from "../support/fake-room.ts";

const HOST_KEY = "host-key-1234567890";
const SIGNING_SECRET = "signing-secret";
const CHANNEL = "C0CHANNEL";

/**
 * Send a raw request to `endpoint` of `room` and check the answer against the
 * description: its status is 200 or one of the endpoint's errors, and its JSON
 * body parses with the matching schema to exactly itself.
 * @returns the status, the raw JSON body and the `retry-after` header
 */
async function exchange(room: FakeRoom, endpoint: Endpoint, init: RequestInit = {}, query = "") {
  const res = await room.request(`${endpoint.path}${query}`, { method: endpoint.method, ...init });
  assert.equal(res.headers.get("content-type"), "application/json");
  const json: unknown = await res.json();
  if (res.status === 200) {
    assert.deepEqual(v.parse(endpoint.response, json), json, `${endpoint.path}: the 200 body is what the schema describes`);
  } else {
    assert.ok((endpoint.errors as readonly number[]).includes(res.status), `${endpoint.path}: ${res.status} is among its errors`);
    assert.deepEqual(v.parse(ErrorBody, json), json);
    assert.equal((json as ErrorBody).error, HTTP_ERROR_CODES[res.status as keyof typeof HTTP_ERROR_CODES], `the code of ${res.status}`);
  }
  return { status: res.status, json, retryAfter: res.headers.get("retry-after") };
}

const jsonBody = (body: unknown): RequestInit => ({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function signed(body: string, secret = SIGNING_SECRET): Promise<RequestInit> {
  const ts = String(Math.floor(Date.now() / 1000));
  return { headers: { [SLACK_TIMESTAMP_HEADER]: ts, [SLACK_SIGNATURE_HEADER]: await signSlackRequest(secret, ts, body) }, body };
}

describe("the room's answers match the description", () => {
  it("GET presence, with and without a conversation token", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    assert.deepEqual((await exchange(room, PRESENCE)).json, { available: false, calls: false });
    const visitor = await room.connect();
    const token = visitor.last("welcome")!.conversationToken!;
    await room.send(visitor, { type: "text", text: "hello", clientId: "c1" });
    const known = await exchange(room, PRESENCE, {}, `?conversation=${encodeURIComponent(token)}`);
    assert.deepEqual(known.json, { available: false, calls: false, unread: 0 });
    const unknown = await exchange(room, PRESENCE, {}, "?conversation=not-a-token");
    assert.deepEqual(unknown.json, { available: false, calls: false });
  });

  it("POST host/session: 200, 401, 400, 429 with Retry-After", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    const address = { "cf-connecting-ip": `198.51.100.${Math.floor(Math.random() * 250)}` };
    const ok = await exchange(room, HOST_SESSION, jsonBody({ key: HOST_KEY }));
    assert.equal(ok.status, 200);
    const session = ok.json as HostSession;
    assert.equal(session.name, "Host");
    // The default HOST_SESSION_S, 12 h, in unix seconds; the token's own expiry segment says the same.
    const expected = Math.floor(Date.now() / 1000) + 43_200;
    assert.ok(Math.abs(session.expires - expected) <= 2, `expires ${session.expires}, expected about ${expected}`);
    assert.equal(session.token.split(".")[1], String(session.expires));
    assert.equal((await exchange(room, HOST_SESSION, { headers: address, body: "{not json" })).status, 400);
    for (const body of [{ key: "wrong-key-000000000" }, { key: 5 }, { nokey: HOST_KEY }, null, { key: "k".repeat(MAX_HOST_KEY_LENGTH + 1) }]) {
      const wrong = await exchange(room, HOST_SESSION, { ...jsonBody(body), headers: address });
      assert.deepEqual([wrong.status, wrong.json], [401, { error: "forbidden", message: "Wrong host key" }], JSON.stringify(body));
    }
    let limited;
    for (let i = 0; i < 10 && limited?.status !== 429; i++) limited = await exchange(room, HOST_SESSION, { ...jsonBody({ key: `wrong-${i}` }), headers: address });
    assert.equal(limited?.status, 429);
    assert.match(limited?.retryAfter ?? "", /^[1-9]\d*$/);
  });

  it("POST host/session: 503 when no host is configured, or its key is too short", async () => {
    for (const env of [{}, { HOST_KEY: "short" }] as Record<string, string>[]) {
      const answer = await exchange(new FakeRoom({ ...env, ICE_SERVERS: "[]" }), HOST_SESSION, jsonBody({ key: "short" }));
      assert.equal(answer.status, 503, JSON.stringify(env));
    }
  });

  it("POST slack/events: 404 without bot mode; 401, 400, the challenge and every acknowledgement with it", async () => {
    assert.equal((await exchange(new FakeRoom({ HOST_KEY }), SLACK_EVENTS, { body: "{}" })).status, 404);
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]", SLACK_BOT_TOKEN: "xoxb-test", SLACK_CHANNEL_ID: CHANNEL, SLACK_SIGNING_SECRET: SIGNING_SECRET });
    assert.equal((await exchange(room, SLACK_EVENTS, { body: "{}" })).status, 401);
    assert.equal((await exchange(room, SLACK_EVENTS, await signed("{}", "another-secret"))).status, 401);
    assert.equal((await exchange(room, SLACK_EVENTS, await signed("{not json"))).status, 400);
    const challenge = await exchange(room, SLACK_EVENTS, await signed(JSON.stringify({ type: "url_verification", challenge: "c-1" })));
    assert.deepEqual(challenge.json, { challenge: "c-1" });
    for (const other of [null, [], { type: "app_rate_limited" }, { type: "url_verification", challenge: 5 }]) {
      assert.deepEqual((await exchange(room, SLACK_EVENTS, await signed(JSON.stringify(other)))).json, { ok: true }, JSON.stringify(other));
    }
    const event = {
      type: "event_callback",
      event_id: `Ev${randomUUID()}`,
      event: { type: "message", channel: CHANNEL, user: "U1", text: "hello", ts: "2.0", thread_ts: "1.0" },
    };
    assert.deepEqual((await exchange(room, SLACK_EVENTS, await signed(JSON.stringify(event)))).json, { ok: true, ignored: true }, "no such thread");
    assert.deepEqual((await exchange(room, SLACK_EVENTS, await signed(JSON.stringify(event)))).json, { ok: true, duplicate: true });
  });

  it("anything else is 404 not_found; OPTIONS is a 204 preflight", async () => {
    const room = new FakeRoom({ HOST_KEY });
    for (const [path, method] of [["nothing", "GET"], ["presence", "POST"], ["host/session", "GET"]] as const) {
      const res = await room.request(path, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.deepEqual(v.parse(ErrorBody, await res.json()), { error: "not_found", message: "No such endpoint" });
    }
    assert.equal((await room.request("host/session", { method: "OPTIONS" })).status, 204);
  });

  it("readAnswer reads them, typed, with Retry-After in seconds", async () => {
    const room = new FakeRoom({ HOST_KEY, ICE_SERVERS: "[]" });
    assert.deepEqual(await room.call(PRESENCE, { query: { conversation: undefined } }), { ok: true, status: 200, body: { available: false, calls: false } });
    const session = await room.call(HOST_SESSION, { body: { key: HOST_KEY } });
    assert.ok(session.ok);
    assert.equal(session.body.name, "Host");
    const res = new Response(JSON.stringify({ error: "rate_limited", message: "wait" }), { status: 429, headers: { "retry-after": "6" } });
    assert.deepEqual(await readAnswer(HOST_SESSION, res), { ok: false, status: 429, error: { error: "rate_limited", message: "wait" }, retryAfter: 6 });
  });
});

describe("malformed bodies are refused", () => {
  const refuses = (schema: v.GenericSchema, value: unknown) => assert.equal(v.safeParse(schema, value).success, false, JSON.stringify(value));

  it("answers", () => {
    for (const bad of [{}, { available: "yes" }, { available: true, unread: -1 }, { available: true, unread: 1.5 }, null, []]) refuses(Presence, bad);
    for (const bad of [{}, { token: "", name: "Host", expires: 1 }, { token: "t", expires: 1 }, { token: "t", name: 5, expires: 1 }, { token: "t", name: "Host" }]) refuses(HostSession, bad);
    for (const bad of [{ error: "teapot", message: "x" }, { error: "forbidden" }, { message: "x" }, "forbidden"]) refuses(ErrorBody, bad);
    for (const bad of [{ ok: false }, { ok: true, duplicate: false }, { challenge: 5 }, {}]) refuses(SlackEventsAnswer, bad);
  });

  it("requests", () => {
    for (const bad of [{}, { key: 5 }, { key: "k".repeat(MAX_HOST_KEY_LENGTH + 1) }, null]) refuses(HostSessionRequest, bad);
    for (const bad of [{ type: "url_verification" }, { type: "event_callback" }, { type: "event_callback", event_id: 5 }, { type: "other" }]) refuses(SlackEventsRequest, bad);
    const reply = { type: "message", channel: CHANNEL, thread_ts: "1.0", text: "hi" };
    assert.ok(v.safeParse(SlackThreadReply, { ...reply, user: "U1", ts: "2.0" }).success);
    for (const bad of [{ ...reply, subtype: "message_changed" }, { ...reply, bot_id: "B1" }, { ...reply, text: "  " }, { ...reply, thread_ts: undefined }, { ...reply, type: "reaction_added" }]) {
      refuses(SlackThreadReply, bad);
    }
    // A reply with files (https://api.slack.com/events/message/file_share) may have no text.
    const file = { id: "F1", name: "a.png", mimetype: "image/png", size: 10, url_private_download: "https://files.slack.com/files-pri/T1-F1/download/a.png" };
    assert.ok(v.safeParse(SlackThreadReply, { ...reply, subtype: "file_share", text: "", files: [file] }).success);
    assert.ok(v.safeParse(SlackThreadReply, { ...reply, subtype: "file_share", files: [{ id: "F2", mode: "hidden_by_limit" }] }).success);
    for (const bad of [{ ...reply, subtype: "file_share", text: "" }, { ...reply, text: " ", files: [] }, { ...reply, files: [{ name: "no id" }] }]) refuses(SlackThreadReply, bad);
  });

  it("an answer that is not JSON, or not of the described shape, is an HttpProtocolError with its status", async () => {
    await assert.rejects(readAnswer(PRESENCE, new Response("<html>Bad gateway</html>", { status: 502 })), (err: unknown) => {
      assert.ok(err instanceof HttpProtocolError);
      assert.equal(err.status, 502);
      assert.match(err.message, /GET presence: HTTP 502: the answer is not JSON/);
      return true;
    });
    await assert.rejects(readAnswer(PRESENCE, Response.json({ available: "yes" })), (err: unknown) => {
      assert.ok(err instanceof HttpProtocolError);
      assert.equal(err.status, 200);
      assert.match(err.message, /available: expected boolean/);
      assert.doesNotMatch(err.message, /yes/, "the value received is not echoed");
      return true;
    });
    await assert.rejects(readAnswer(HOST_SESSION, Response.json({ oops: true }, { status: 401 })), /HTTP 401: error: expected/);
  });

  it("input that does not match is refused before sending (status 0)", () => {
    assert.throws(() => endpointInit(HOST_SESSION, { body: { key: 5 as unknown as string } }), (err: unknown) => err instanceof HttpProtocolError && err.status === 0 && /key: expected string/.test(err.message));
    assert.throws(() => endpointPath(PRESENCE, "site", { conversation: 5 as unknown as string }), /conversation: expected string/);
    assert.throws(() => endpointPath(HOST_SESSION, "site", { x: "1" } as never), /takes no query parameters/);
  });
});

describe("the description", () => {
  it("lists every endpoint under its own path; every error status has its code", () => {
    for (const [path, endpoint] of Object.entries(ENDPOINTS)) {
      assert.equal(endpoint.path, path);
      assert.equal(endpoint.party, "main");
      for (const status of endpoint.errors) assert.ok(HTTP_ERROR_CODES[status], `${path}: ${status}`);
    }
  });

  it("builds paths, queries and bodies", () => {
    assert.equal(endpointPath(PRESENCE, "site"), "/parties/main/site/presence");
    assert.equal(endpointPath(PRESENCE, "site", { conversation: "a.b c" }), "/parties/main/site/presence?conversation=a.b+c");
    assert.equal(endpointPath(PRESENCE, "site", { conversation: undefined }), "/parties/main/site/presence");
    assert.equal(endpointPath(HOST_SESSION, "site", undefined, "other"), "/parties/other/site/host/session");
    assert.deepEqual(endpointInit(HOST_SESSION, { body: { key: "k" } }), { method: "POST", headers: { "content-type": "application/json" }, body: '{"key":"k"}' });
    assert.deepEqual(endpointInit(PRESENCE, {}), { method: "GET", headers: {} });
  });

  it("reads queries by their first value, ignoring other names", () => {
    assert.deepEqual(parseQuery(PRESENCE, new URLSearchParams("conversation=a&conversation=b&constructor=x")), { ok: true, query: { conversation: "a" } });
    assert.deepEqual(parseQuery(PRESENCE, new URLSearchParams("")), { ok: true, query: {} });
  });

  it("reads Retry-After delay-seconds (RFC 9110 §10.2.3)", () => {
    assert.equal(retryAfterSeconds("6"), 6);
    assert.equal(retryAfterSeconds(" 60 "), 60);
    for (const other of [null, "", "-1", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT"]) assert.equal(retryAfterSeconds(other), undefined, String(other));
  });
});
