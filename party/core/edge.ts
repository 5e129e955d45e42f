/**
 * Checks made before a socket or a request reaches a room, on whichever
 * runtime: PartyKit's static `onBeforeConnect` / `onBeforeRequest`, or
 * PartyServer's `routePartykitRequest` options in the Worker. They run at the
 * edge, in front of the room's Durable Object, so refused clients never wake it.
 *
 * - Every socket gets its connection id here (`_pk`, a random UUID): the
 *   id a client asks for is never used, so no client can take another's id
 *   or open two sockets under one (which would make the runtime throw when
 *   the room sends to that id).
 * - Host sockets (`?role=host&token=<host token>`) are authenticated here;
 *   the signed-in host's name reaches the room in {@link HOST_HEADER}, which
 *   is always rewritten so a client can never claim it.
 * - Sockets (host, visitor, `yjs`) and HTTP requests from an `Origin` outside
 *   `ALLOWED_ORIGINS` (when set) are refused with 403.
 * - Socket URLs over {@link MAX_SOCKET_URL} characters are refused with 414:
 *   PartyKit keeps the URL beside the connection's state in one 2 KiB
 *   attachment.
 * @module
 */
import { errorBody } from "../../protocol/http.ts";
import { verifyHostToken } from "./auth.ts";
import { configFor } from "./config.ts";

/** Header set by {@link checkSocket}: the signed-in host's name, URI-encoded (absent for visitors). */
export const HOST_HEADER = "x-contact-me-host";
/** Longest WebSocket URL accepted by the main party (tokens included), in characters. */
export const MAX_SOCKET_URL = 1024;

/** A request whose `Origin` is present and not in `ALLOWED_ORIGINS` (when set). */
export function foreignOrigin(req: Request, allowed: ReadonlySet<string> | undefined): boolean {
  const origin = req.headers.get("origin");
  return allowed !== undefined && origin !== null && !allowed.has(origin);
}

/** A copy of a socket request whose connection id (`_pk`) is chosen here, never by the client. */
function withServerId(req: Request): Request {
  const url = new URL(req.url);
  url.searchParams.set("_pk", crypto.randomUUID());
  return new Request(url, req);
}

/**
 * Before a main-party socket opens: 414 for an over-long URL, 403 from a
 * foreign origin, 401 for a host without a valid token; otherwise the request
 * to pass on, with a connection id chosen here and {@link HOST_HEADER} set
 * for a host (and removed otherwise).
 * @param room the room's name, from the URL
 */
export async function checkSocket(req: Request, env: Record<string, unknown>, room: string): Promise<Request | Response> {
  if (req.url.length > MAX_SOCKET_URL) return new Response(`URL over ${MAX_SOCKET_URL} characters`, { status: 414 });
  const config = configFor(env);
  if (foreignOrigin(req, config.allowedOrigins)) return new Response("Forbidden: this site may not embed this room", { status: 403 });
  const out = withServerId(req);
  out.headers.delete(HOST_HEADER);
  const url = new URL(req.url);
  if (url.searchParams.get("role") === "host") {
    const name = await verifyHostToken(url.searchParams.get("token") ?? "", config.hosts, room);
    if (!name) return new Response("Unauthorized: sign in with the host key", { status: 401 });
    out.headers.set(HOST_HEADER, encodeURIComponent(name));
  }
  return out;
}

/**
 * Before a main-party HTTP request: `403` with the error body
 * `{"error": "forbidden", "message": "Origin not allowed"}` (`protocol/http.ts`)
 * for a foreign origin.
 */
export function checkRequest(req: Request, env: Record<string, unknown>): Request | Response {
  if (foreignOrigin(req, configFor(env).allowedOrigins)) {
    return new Response(JSON.stringify(errorBody(403, "Origin not allowed")), {
      status: 403,
      headers: { "content-type": "application/json" },
    });
  }
  return req;
}

/** The signed-in host's name set by {@link checkSocket}, or null for a visitor. */
export function hostOf(req: Request): string | null {
  const header = req.headers.get(HOST_HEADER);
  return header === null ? null : decodeURIComponent(header);
}

/**
 * Longest WebSocket request URL accepted by the `yjs` party, in characters.
 * PartyKit stores the URL and connection id next to the state in the socket's
 * attachment (2 KiB in all), so both are bounded (the id is the edge's own).
 */
export const MAX_YJS_URL = 512;

/**
 * Before a `yjs` socket opens: 414 for a URL too long to keep with its state,
 * 403 from a foreign origin; otherwise the request with a connection id chosen here.
 */
export function checkYjsSocket(req: Request, env: Record<string, unknown>): Request | Response {
  if (req.url.length > MAX_YJS_URL) return new Response(`URL over ${MAX_YJS_URL} characters`, { status: 414 });
  if (foreignOrigin(req, configFor(env).allowedOrigins)) return new Response("Forbidden: this site may not use this room", { status: 403 });
  return withServerId(req);
}

/** The answer to any request from outside for a party that only rooms may call (the sign-in guard). */
export function notFromOutside(): Response {
  return new Response("Not found", { status: 404 });
}
