/**
 * The main party's HTTP endpoints, under `/parties/main/<room>/`, as described
 * in `protocol/http.ts` (methods, paths, query parameters, bodies, answers and
 * their statuses): {@link PRESENCE}, {@link HOST_SESSION}, {@link HOST_MANIFEST},
 * {@link DECLINE_CALL}, {@link SLACK_EVENTS} (answered by `slack-bridge.ts`),
 * and the files' {@link CREATE_UPLOAD}, {@link UPLOAD_PART}, {@link UPLOAD_STATUS},
 * {@link FILE_LINK} and {@link FILE} (answered by `files.ts`). Every answer but
 * a file's bytes is JSON with CORS headers (`Access-Control-Allow-Origin` is the request's origin
 * when it is in `ALLOWED_ORIGINS`, `*` when that is unset); `OPTIONS` anything
 * → `204` (CORS preflight); anything else → `404 not_found`.
 *
 * Sign-in asks the sign-in guard of the client's address (`cf-connecting-ip`)
 * for a try before it checks the key, and gives the try back when the key was
 * right (see `guard.ts`).
 * @module
 */
import * as v from "valibot";
import {
  CREATE_UPLOAD,
  DECLINE_CALL,
  FILE,
  FILE_LINK,
  UPLOAD_PART,
  UPLOAD_STATUS,
  HOST_MANIFEST,
  HOST_SESSION,
  PRESENCE,
  SLACK_EVENTS,
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  errorAnswer,
  parseBody,
  parseQuery,
  type Answer,
  type Endpoint,
} from "../../protocol/http.ts";
import { findHost, hostTokenExpiry, issueHostToken } from "./auth.ts";
import type { RoomConfig } from "./config.ts";
import { GuardAnswer } from "./guard.ts";
import { addressOf } from "./connections.ts";
import type { Files } from "./files.ts";
import type { SlackBridge } from "./slack-bridge.ts";

function corsHeaders(origin: string | null, allowed: ReadonlySet<string> | undefined): Record<string, string> {
  return {
    "content-type": "application/json",
    "access-control-allow-origin": allowed ? (origin && allowed.has(origin) ? origin : "null") : "*",
    "access-control-allow-methods": "GET, POST, PUT, OPTIONS",
    "access-control-allow-headers": "content-type, authorization, range",
    "access-control-expose-headers": "content-range, content-length, accept-ranges, retry-after, upload-offset",
    vary: "origin",
  };
}

/** What the routes need from the room. */
export interface RouteContext {
  /** The room's name and configuration (host tokens are bound to the name). */
  id: string;
  config: RoomConfig;
  /** What visitors are told of presence: whether a host is available (and the hours open), else when they next open (ms since the epoch). */
  presence(): { available: boolean; calls?: boolean; nextOpen?: number };
  /** Unread host messages of the conversation whose token is given, or undefined. */
  unread(conversationToken: string): Promise<number | undefined>;
  slack: SlackBridge;
  /** Ask the sign-in guard of a client address (`/take` or `/refund`, see `guard.ts`). */
  guard(address: string, action: "take" | "refund"): Promise<Response>;
  /**
   * Decline a call for the host a decline token stands for, tried from
   * client `address`: `declined`, `not-waiting` (answered or over already),
   * `wrong-token` (not the room's token for that call), or `rate-limited`
   * (too many wrong tokens from the address, `ADDRESS_RATES.decline`).
   */
  decline(callId: string, token: string, address: string): Promise<"declined" | "not-waiting" | "wrong-token" | "rate-limited">;
  /** Uploads and files. */
  files: Files;
}

/** Whether `req` is a request to `endpoint` (its method, and a path ending in the endpoint's). */
function isFor(req: Request, path: string, endpoint: Endpoint): boolean {
  return req.method === endpoint.method && path.endsWith(`/${endpoint.path}`);
}

export class Routes {
  async handle(req: Request, room: RouteContext): Promise<Response> {
    const headers = corsHeaders(req.headers.get("origin"), room.config.allowedOrigins);
    const respond = (answer: Answer<Endpoint>) =>
      new Response(JSON.stringify(answer.body), { status: answer.status, headers: { ...headers, ...answer.headers } });
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers });
    const url = new URL(req.url);
    const path = url.pathname;
    if (isFor(req, path, PRESENCE)) return respond(await this.presence(url, room));
    if (isFor(req, path, SLACK_EVENTS)) {
      return respond(await room.slack.event(await req.text(), req.headers.get(SLACK_TIMESTAMP_HEADER), req.headers.get(SLACK_SIGNATURE_HEADER)));
    }
    if (isFor(req, path, HOST_SESSION)) return respond(await this.signIn(req, room));
    if (isFor(req, path, HOST_MANIFEST)) return respond(this.manifest(room));
    if (isFor(req, path, DECLINE_CALL)) return respond(await this.decline(req, room));
    if (isFor(req, path, CREATE_UPLOAD)) return respond(await this.createUpload(req, room));
    if (isFor(req, path, UPLOAD_PART)) return respond(await this.uploadPart(req, url, room));
    if (isFor(req, path, UPLOAD_STATUS)) {
      const query = parseQuery(UPLOAD_STATUS, url.searchParams);
      if (!query.ok) return respond(errorAnswer(400, query.message));
      return respond(await room.files.status(await room.files.bearer(req.headers.get("authorization")), query.query.id));
    }
    if (isFor(req, path, FILE_LINK)) {
      const query = parseQuery(FILE_LINK, url.searchParams);
      if (!query.ok) return respond(errorAnswer(400, query.message));
      const ttl = query.query.ttl === undefined ? undefined : Number(query.query.ttl);
      return respond(await room.files.link(await room.files.bearer(req.headers.get("authorization")), query.query.id, ttl));
    }
    if (isFor(req, path, FILE)) {
      const query = parseQuery(FILE, url.searchParams);
      if (!query.ok) return respond(errorAnswer(400, query.message));
      return room.files.serve(query.query, req.headers.get("range"), headers);
    }
    return respond(errorAnswer(404, "No such endpoint"));
  }

  /** `POST upload`: begin an upload (`files.ts`). */
  private async createUpload(req: Request, room: RouteContext): Promise<Answer<typeof CREATE_UPLOAD>> {
    let data: unknown;
    try {
      data = await req.json();
    } catch {
      return errorAnswer(400, "Body must be JSON {type, size, sha256, name?, durationS?, conversationId?}");
    }
    const body = parseBody(CREATE_UPLOAD, data);
    if (!body.ok) return errorAnswer(400, body.message);
    const who = await room.files.bearer(req.headers.get("authorization"));
    return room.files.create(who, body.body, addressOf(req));
  }

  /** `PUT upload/part`: one part of an upload (`files.ts`). The body is read whole first, whatever the answer. */
  private async uploadPart(req: Request, url: URL, room: RouteContext): Promise<Answer<typeof UPLOAD_PART>> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await req.arrayBuffer());
    } catch {
      // The client went away mid-part (a dropped connection): nothing is written.
      return errorAnswer(400, "The part did not arrive whole");
    }
    const query = parseQuery(UPLOAD_PART, url.searchParams);
    if (!query.ok) return errorAnswer(400, query.message);
    const who = await room.files.bearer(req.headers.get("authorization"));
    return room.files.part(who, query.query.id, Number(query.query.offset), bytes);
  }

  /** `GET presence`: whether a host is available and can take calls (and when the hours next open), and the unread count of the visitor's conversation. */
  private async presence(url: URL, room: RouteContext): Promise<Answer<typeof PRESENCE>> {
    const parsed = parseQuery(PRESENCE, url.searchParams);
    // Every parameter is an optional string: the query always parses.
    const token = parsed.ok ? parsed.query.conversation : undefined;
    const unread = token ? await room.unread(token) : undefined;
    const { available, calls, nextOpen } = room.presence();
    return { status: 200, body: { available, calls: calls === true, ...(nextOpen !== undefined ? { nextOpen } : {}), ...(unread !== undefined ? { unread } : {}) } };
  }

  /** `GET host.webmanifest`: the room's dashboard as an installable app (`demo/host.html`, its icons in `demo/icons/`). */
  private manifest(room: RouteContext): Answer<typeof HOST_MANIFEST> {
    const start = `/host.html?room=${encodeURIComponent(room.id)}`;
    const who = room.config.hostProfile?.name;
    return {
      status: 200,
      headers: { "content-type": "application/manifest+json" },
      body: {
        id: start,
        name: who ? `${who} — contact-me` : `contact-me — ${room.id}`,
        short_name: "contact-me",
        description: "Answer visitors' messages and calls.",
        start_url: start,
        scope: "/host.html",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#2557d6",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any maskable" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any maskable" },
        ],
      },
    };
  }

  /** `POST decline`: a host declines a call from its push notification (see `push.ts`). */
  private async decline(req: Request, room: RouteContext): Promise<Answer<typeof DECLINE_CALL>> {
    let data: unknown;
    try {
      data = await req.json();
    } catch {
      return errorAnswer(400, 'Body must be JSON {"callId": string, "token": string}');
    }
    const body = parseBody(DECLINE_CALL, data);
    if (!body.ok) return errorAnswer(400, body.message);
    const outcome = await room.decline(body.body.callId, body.body.token, addressOf(req));
    if (outcome === "rate-limited") return errorAnswer(429, "Too many wrong decline tokens; wait a minute", { "retry-after": "6" });
    if (outcome === "wrong-token") return errorAnswer(401, "Not a decline token of this room for that call");
    return { status: 200, body: { declined: outcome === "declined" } };
  }

  /** `POST host/session`: a host key for a host token. */
  private async signIn(req: Request, room: RouteContext): Promise<Answer<typeof HOST_SESSION>> {
    const { hosts } = room.config;
    // The body is read first, whatever the answer: a client is never left sending into a closed request.
    let data: unknown;
    let malformed = false;
    try {
      data = await req.json();
    } catch {
      malformed = true;
    }
    if (hosts.size === 0) return errorAnswer(503, room.config.hostsProblem ?? "No host is configured");
    if (malformed) return errorAnswer(400, 'Body must be JSON {"key": string}');
    const client = req.headers.get("cf-connecting-ip") ?? "unknown";
    let attempt: GuardAnswer;
    try {
      attempt = v.parse(GuardAnswer, await (await room.guard(client, "take")).json());
    } catch (err) {
      console.error(`sign-in guard: ${(err as Error).message}`);
      return errorAnswer(503, "Sign-in is busy; try again in a moment", { "retry-after": "1" });
    }
    if (!attempt.ok) return errorAnswer(429, "Too many wrong host keys; wait a minute", { "retry-after": String(attempt.retryAfter ?? 60) });
    // JSON of another shape (no key, not a string, too long) is a wrong key, and has used a try.
    const body = parseBody(HOST_SESSION, data);
    const name = body.ok ? await findHost(hosts, body.body.key) : undefined;
    if (!name) return errorAnswer(401, "Wrong host key");
    // A right key gives its try back: the real host is never slowed down by its own sign-ins.
    await (await room.guard(client, "refund")).body?.cancel();
    const now = Date.now();
    const ttl = room.config.hostSessionS;
    const token = await issueHostToken(hosts.get(name)!, name, room.id, now, ttl);
    return { status: 200, body: { token, name, expires: hostTokenExpiry(now, ttl) } };
  }
}
