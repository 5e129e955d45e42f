/**
 * Checks made before a socket or a request reaches a room, on whichever
 * runtime: PartyKit's static `onBeforeConnect` / `onBeforeRequest`, or
 * PartyServer's `routePartykitRequest` options in the Worker. They run at the
 * edge, in front of the room's Durable Object, so refused clients never wake it.
 *
 * - Host sockets (`?role=host&token=<host token>`) are authenticated here;
 *   the signed-in host's name reaches the room in {@link HOST_HEADER}, which
 *   is always rewritten so a client can never claim it.
 * - Visitor sockets and HTTP requests from an `Origin` outside
 *   `ALLOWED_ORIGINS` (when set) are refused with 403.
 * - Socket URLs over {@link MAX_SOCKET_URL} characters are refused with 414:
 *   PartyKit keeps the URL beside the connection's state in one 2 KiB
 *   attachment.
 * @module
 */
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

/**
 * Before a main-party socket opens: 414 for an over-long URL, 401 for a host
 * without a valid token, 403 for a visitor from a foreign origin; otherwise
 * the request to pass on (its headers mutable; {@link HOST_HEADER} set for a host).
 * @param room the room's name, from the URL
 */
export async function checkSocket(req: Request, env: Record<string, unknown>, room: string): Promise<Request | Response> {
  if (req.url.length > MAX_SOCKET_URL) return new Response(`URL over ${MAX_SOCKET_URL} characters`, { status: 414 });
  const config = configFor(env);
  const url = new URL(req.url);
  req.headers.delete(HOST_HEADER);
  if (url.searchParams.get("role") === "host") {
    const name = await verifyHostToken(url.searchParams.get("token") ?? "", config.hosts, room);
    if (!name) return new Response("Unauthorized: sign in with the host key", { status: 401 });
    req.headers.set(HOST_HEADER, encodeURIComponent(name));
    return req;
  }
  if (foreignOrigin(req, config.allowedOrigins)) return new Response("Forbidden: this site may not embed this room", { status: 403 });
  return req;
}

/** Before a main-party HTTP request: 403 JSON `{"error":"forbidden"}` for a foreign origin. */
export function checkRequest(req: Request, env: Record<string, unknown>): Request | Response {
  if (foreignOrigin(req, configFor(env).allowedOrigins)) {
    return new Response(JSON.stringify({ error: "forbidden", message: "Origin not allowed" }), {
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
 * attachment (2 KiB in all), so both are bounded.
 */
export const MAX_YJS_URL = 512;
/** Longest client-chosen connection id (`?_pk=`) on the `yjs` party, in characters. */
export const MAX_ID_LENGTH = 64;

/** Before a `yjs` socket opens: 414 for a URL or connection id too long to keep with its state. */
export function checkYjsSocket(req: Request): Request | Response {
  const url = new URL(req.url);
  if (req.url.length > MAX_YJS_URL || (url.searchParams.get("_pk") ?? "").length > MAX_ID_LENGTH) {
    return new Response(`URL over ${MAX_YJS_URL} characters or connection id over ${MAX_ID_LENGTH}`, { status: 414 });
  }
  return req;
}
