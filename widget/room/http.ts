/**
 * The typed client of the room's HTTP endpoints described in
 * `protocol/http.ts` (`ENDPOINTS`): the URL, method and JSON body come from
 * the description, and the answer is validated with its schemas. It imports
 * valibot, so the launcher (which must stay small) does not use it; the
 * dashboard does.
 * @module
 */
import {
  ENDPOINTS,
  requestEndpoint,
  type EndpointAnswer,
  type EndpointAt,
  type EndpointInput,
  type EndpointPath,
} from "../../protocol/http.ts";
import { roomOrigin, type RoomAddress } from "./address.ts";

/**
 * Call an HTTP endpoint of the room:
 * `/parties/<address.party>/<address.room>/<path>?<input.query>`.
 *
 * ```ts
 * const session = await requestRoom(address, "host/session", { body: { key } });
 * if (session.ok) session.body.token;
 * else if (session.status === 429) session.retryAfter; // seconds
 * ```
 * @param path the endpoint, e.g. `presence` or `host/session`
 * @param input `query` (parameters left `undefined` are omitted) and `body`, as the endpoint takes them
 * @param init `signal` to abort the request
 * @returns `{ok: true, status, body}` for a `2xx` answer, the body typed by the
 *   endpoint's `response`; else `{ok: false, status, error: {error, message}, retryAfter?}`
 *   (`error` one of the codes of `HTTP_ERROR_CODES`, `retryAfter` in seconds from `Retry-After`)
 * @throws {HttpProtocolError} (from `protocol/http.ts`) when the input does not
 *   match the description (`status` 0), or the answer is not JSON of the
 *   described shape (`status` is the answer's, e.g. an error page from a proxy)
 * @throws whatever `fetch` throws when the room cannot be reached (a
 *   `TypeError`; also for a foreign origin's `403`, which carries no CORS
 *   headers), or the signal's reason when aborted
 */
export function requestRoom<P extends EndpointPath>(
  address: RoomAddress,
  path: P,
  input: EndpointInput<EndpointAt<P>>,
  init: { signal?: AbortSignal } = {},
): Promise<EndpointAnswer<EndpointAt<P>>> {
  const endpoint: EndpointAt<P> = ENDPOINTS[path];
  return requestEndpoint(roomOrigin(address), endpoint, address.room, input, { party: address.party, signal: init.signal });
}
