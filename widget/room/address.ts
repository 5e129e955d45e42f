/**
 * Where a site's room lives and the URLs of its HTTP endpoints, with neither
 * PartySocket nor valibot: the launcher uses it for the one presence request
 * on page load, so nothing else loads until the panel opens. The typed client
 * of the endpoints, which validates answers, is `http.ts` beside this file.
 * @module
 */

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

/** `fetch` to an HTTP endpoint of the room, e.g. `path: "presence"`, with optional URL parameters (untyped; `http.ts` has the typed client). */
export function fetchRoom(address: RoomAddress, path: string, init?: RequestInit, query?: Record<string, string>): Promise<Response> {
  return fetch(roomUrl(address, path, query), init);
}

/** The room an element names with its `host` (empty: {@link defaultHost}), `room` and `party` attributes. */
export function addressOf(element: { host: string; room: string; party: string }): RoomAddress {
  return { host: element.host || defaultHost(), room: element.room, party: element.party };
}

/** Prefix of the storage keys an element keeps for `address`, e.g. `contact-me:host/main/room`. */
export function storagePrefix(name: string, address: RoomAddress): string {
  return `${name}:${address.host}/${address.party}/${address.room}`;
}
