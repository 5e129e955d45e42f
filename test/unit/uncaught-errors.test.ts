// The end-to-end suite fails on any error the room's handlers let escape
// (`TestServer.stop()` rejects): this checks that the log check recognizes
// both runtimes' way of printing one, and passes over the room's deliberate
// reports and the runtimes' harmless noise. The lines are as printed here by
// partykit dev 0.0.115 and wrangler dev 4.86 for an error thrown in onMessage.
import assert from "node:assert/strict";
import { test } from "node:test";
import { uncaughtErrors } from "../support/dev-server.ts";

test("finds the errors no handler caught, in either runtime's log, and nothing else", () => {
  const partykit = [
    "[pk:inf] GET /parties/main/r1 101 Switching Protocols (31ms)",
    '✘ [ERROR] HOSTS: skipped entry "Bob" (name 1-40 characters, key a string of 16 or more)',
    "Uncaught (in promise) Error: boom in onMessage",
    "    at ContactRoom.onMessage (file:///repo/party/server.ts:3756:31)",
    "✘ [ERROR] Slack delivery failed for good: webhook: HTTP 400 invalid_payload",
    "✘ [ERROR] workerd/server/server.c++:3360: error: Uncaught exception: kj/async.c++:211: disconnected: worker_do_not_log; Request failed due to internal error",
    // A client that closed its connection before the answer was written.
    "✘ [ERROR] workerd/server/server.c++:3360: error: Uncaught exception: kj/async-io-unix.c++:186: disconnected: ::write(fd, buffer.begin(), buffer.size()): Broken pipe",
    "  workerd/server/server.c++:3155: error: kj::getCaughtExceptionAsKj() = kj/async-io-unix.c++:186: disconnected: ::write(fd, buffer.begin(), buffer.size()): Broken pipe",
    // A client that closed its WebSocket while a frame to it was being written.
    "workerd/server/server.c++:3360: error: Uncaught exception: kj/compat/http.c++:3473: failed: worker_do_not_log; Request failed due to internal error",
    // A client that dropped a request mid-body (an upload part cut by the network), as the dev proxy reports it…
    "Uncaught (in response) Error: Network connection lost.",
    // …but a disconnection inside the room's own work is not the client's doing.
    "✘ [ERROR] workerd/server/server.c++:3360: error: Uncaught exception: kj/async.c++:211: disconnected: Durable Object reset because its code was updated",
  ].join("\n");
  const wrangler = [
    "Error: getaddrinfo ENOTFOUND workers.cloudflare.com",
    "[wrangler:info] POST /parties/main/r1/host/session 401 Unauthorized (27ms)",
    "✘ [ERROR] Uncaught Error: boom in onMessage Error",
    "[wrangler:info] PUT /parties/main/r1/upload/part 503 Service Unavailable (306ms)",
    "✘ [ERROR] Uncaught Error: Network connection lost. ",
    "Error in Main:r1 webSocketMessage: Error: boom",
  ].join("\n");
  assert.deepEqual(uncaughtErrors(partykit), [
    "Uncaught (in promise) Error: boom in onMessage",
    "✘ [ERROR] workerd/server/server.c++:3360: error: Uncaught exception: kj/async.c++:211: disconnected: Durable Object reset because its code was updated",
  ]);
  assert.deepEqual(uncaughtErrors(wrangler), ["✘ [ERROR] Uncaught Error: boom in onMessage Error", "Error in Main:r1 webSocketMessage: Error: boom"]);
});
