/// <reference types="node" />
/** ALLOWED_ORIGINS: another site cannot embed this room. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PRESENCE, endpointPath, readAnswer } from "../../protocol/http.ts";
import { uniqueRoom } from "../support/browser.ts";
import { RawSocket, roomSocketUrl } from "../support/raw-socket.ts";
import { useStack } from "../support/stack.ts";

const ALLOWED = "https://author.example";
const stack = useStack({ vars: { ALLOWED_ORIGINS: `${ALLOWED}, https://other-allowed.example` } });

const wsUrl = (room: string) => roomSocketUrl(stack.server.origin, room);

test("a visitor socket from a foreign Origin is refused with 403; a listed one opens", async () => {
  const room = uniqueRoom("origin-ws");
  await assert.rejects(RawSocket.open(wsUrl(room), { origin: "https://elsewhere.example" }), (err: Error & { status?: number }) => {
    assert.equal(err.status, 403, err.message);
    return true;
  });
  const ok = await RawSocket.open(wsUrl(room), { origin: ALLOWED });
  assert.equal((await ok.next("welcome")).type, "welcome");
  ok.close();
});

test("HTTP from a foreign Origin is refused with 403; a listed one gets CORS for itself", async () => {
  const url = `${stack.server.origin}${endpointPath(PRESENCE, uniqueRoom("origin-http"))}`;
  const foreign = await readAnswer(PRESENCE, await fetch(url, { headers: { origin: "https://elsewhere.example" } }));
  assert.deepEqual(foreign, { ok: false, status: 403, error: { error: "forbidden", message: "Origin not allowed" } });
  const listed = await fetch(url, { headers: { origin: ALLOWED } });
  assert.equal(listed.headers.get("access-control-allow-origin"), ALLOWED);
  assert.deepEqual(await readAnswer(PRESENCE, listed), { ok: true, status: 200, body: { available: false, calls: false } });
});
