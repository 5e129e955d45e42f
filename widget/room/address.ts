/**
 * Where a site's room lives and how to reach its HTTP endpoints, without
 * PartySocket: the launcher uses it for the one presence request on page
 * load, so the socket code is loaded only when the panel opens.
 *
 * {@link requestRoom} is the typed client of the endpoints described in
 * `protocol/http.ts`: it builds the URL and body from the description and
 * validates the answer with its schemas. The description (and valibot) is
 * imported when first needed, never by this module itself, so the launcher's
 * first load stays within its size budget.
 * @module
 */
import type { EndpointAnswer, EndpointAt, EndpointInput, EndpointPath } from "../../protocol/http.ts";

export type { EndpointAnswer, EndpointAt, EndpointInput, EndpointPath };

/** Where the room lives. */
export interface RoomAddress {
  /** PartyKit host, e.g. `contact-me.you.partykit.dev` or `127.0.0.1:1999`. */
  host: string;
  /** Room id: one per site. */
  room: string;
  /** Party name (`main`). */
  party: string;
}

/**
 * Default PartyKit host: the origin the widget script was loaded from, so one
 * `<script src="https://<project>.partykit.dev/dist/index.js">` needs no
 * configuration. Only called in the browser.
 */
export function defaultHost(): string {
  return new URL(import.meta.url).host;
}

/**
 * Whether to use TLS: the script's own scheme when talking to the origin it
 * came from; otherwise `undefined`, leaving PartySocket's rule (plain for
 * localhost and private addresses, TLS elsewhere).
 */
function secureFor(host: string): boolean | undefined {
  const script = new URL(import.meta.url);
  return script.host === host ? script.protocol === "https:" : undefined;
}

/** PartySocket's rule: plain for localhost and private addresses, TLS elsewhere. */
function isPrivate(host: string): boolean {
  const second = host.split(".")[1] ?? "";
  return (
    host.startsWith("localhost:") ||
    host.startsWith("127.0.0.1:") ||
    host.startsWith("192.168.") ||
    host.startsWith("10.") ||
    (host.startsWith("172.") && second >= "16" && second <= "31") ||
    host.startsWith("[::ffff:7f00:1]:")
  );
}

/** `secure` or `plain` for `host` when the script decides, else `undefined` (PartySocket's rule). */
export function scheme<S extends string, P extends string>(host: string, secure: S, plain: P): S | P | undefined {
  const tls = secureFor(host);
  return tls === undefined ? undefined : tls ? secure : plain;
}

/**
 * The origin of the room's HTTP endpoints, `http(s)://<host>`: the scheme the
 * address gives is dropped and chosen as for the socket (see {@link scheme}).
 */
export function roomOrigin(address: RoomAddress): string {
  const host = address.host.replace(/^(https?|wss?):\/\//, "").replace(/\/$/, "");
  const protocol = scheme(host, "https", "http") ?? (isPrivate(host) ? "http" : "https");
  return `${protocol}://${host}`;
}

/** The URL of an HTTP endpoint of the room, e.g. `path: "presence"`. */
export function roomUrl(address: RoomAddress, path: string, query?: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return `${roomOrigin(address)}/parties/${address.party}/${address.room}/${path}${search ? `?${search}` : ""}`;
}

/** `protocol/http.ts`, loaded once on first use; a failed load is tried again next time. */
let description: Promise<typeof import("../../protocol/http.ts")> | undefined;

function loadDescription(): Promise<typeof import("../../protocol/http.ts")> {
  description ??= import("../../protocol/http.ts").catch((err: unknown) => {
    description = undefined;
    throw err;
  });
  return description;
}

/**
 * Call an HTTP endpoint of the room, described in `protocol/http.ts`
 * (`ENDPOINTS`): the URL (`/parties/<address.party>/<address.room>/<path>?<input.query>`),
 * method and JSON body come from the description, and the answer is
 * validated with its schemas.
 *
 * ```ts
 * const presence = await requestRoom(address, "presence", { query: { conversation: token } });
 * if (presence.ok) presence.body.available; // boolean; presence.body.unread?: number
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
 *   headers), or the signal's reason when aborted; or the error of a failed
 *   import of the description
 */
export async function requestRoom<P extends EndpointPath>(
  address: RoomAddress,
  path: P,
  input: EndpointInput<EndpointAt<P>>,
  init: { signal?: AbortSignal } = {},
): Promise<EndpointAnswer<EndpointAt<P>>> {
  const { ENDPOINTS, requestEndpoint } = await loadDescription();
  const endpoint: EndpointAt<P> = ENDPOINTS[path];
  return requestEndpoint(roomOrigin(address), endpoint, address.room, input, { party: address.party, signal: init.signal });
}

/** `fetch` to an HTTP endpoint of the room, e.g. `path: "presence"`, with optional URL parameters (untyped; see {@link requestRoom}). */
export function fetchRoom(address: RoomAddress, path: string, init?: RequestInit, query?: Record<string, string>): Promise<Response> {
  return fetch(roomUrl(address, path, query), init);
}
