/**
 * The room's HTTP API, described once for the room (`party/core/http.ts`),
 * the widget (`widget/room/address.ts`) and the tests: every endpoint's
 * method, path, query parameters, request body and answers, as valibot
 * schemas. The socket protocol is its peer, `socket.ts`.
 *
 * Paths are relative to a room, `/parties/<party>/<room>/` ({@link roomPath});
 * every endpoint here belongs to the `main` party. Every answer is JSON
 * (`content-type: application/json`) with CORS headers:
 * `Access-Control-Allow-Origin` is `*` when the deployment's `ALLOWED_ORIGINS`
 * is unset, else the request's `Origin` when listed (`null` for a request
 * without one); `OPTIONS` on any path is a `204` preflight answer.
 *
 * Errors are `{"error": <code>, "message": <reason>}` ({@link ErrorBody}), the
 * code fixed by the status ({@link HTTP_ERROR_CODES}); status semantics are
 * RFC 9110 §15. A request from an `Origin` outside `ALLOWED_ORIGINS` is
 * refused at the edge with `403 forbidden` (without CORS headers, so a browser
 * sees a network error); an unknown path or method is `404 not_found`.
 *
 * | Endpoint | Success | Errors |
 * | --- | --- | --- |
 * | {@link PRESENCE} `GET presence[?conversation=<token>]` | `200` {@link Presence} | 403 |
 * | {@link HOST_SESSION} `POST host/session` `{"key"}` | `200` {@link HostSession} | 400, 401, 403, 429, 503 |
 * | {@link SLACK_EVENTS} `POST slack/events` (signed by Slack) | `200` {@link SlackEventsAnswer} | 400, 401, 403, 404 |
 * | {@link DECLINE_CALL} `POST decline` `{"callId", "token"}` | `200` {@link Declined} | 400, 401, 403 |
 * @module
 */
import * as v from "valibot";

/**
 * `make()`, marked free of side effects: a bundle that imports this module
 * leaves out every schema it does not use (bundlers honour the mark on calls
 * within the module that declares it, not on valibot's own functions).
 */
/* @__NO_SIDE_EFFECTS__ */
function schema<T>(make: () => T): T {
  return make();
}

// ---------------------------------------------------------------- errors

/**
 * The error code of each status the room answers with (RFC 9110 §15.5, §15.6):
 * - `400 bad_json`: the body is not JSON (§15.5.1);
 * - `401 forbidden`: a wrong credential: host key, or Slack signature (§15.5.2);
 * - `403 forbidden`: the request's `Origin` may not use this room (§15.5.4);
 * - `404 not_found`: no such endpoint, or the endpoint is not configured (§15.5.5);
 * - `429 rate_limited`: too many tries, with `Retry-After` (RFC 6585 §4);
 * - `503 unavailable`: the endpoint cannot serve now or is not configured;
 *   `Retry-After` when it is worth trying again soon (§15.6.4).
 *
 * The room sends no other status and sets no body size limit of its own: a
 * body too large for the platform (`413`, §15.5.14) or a gateway failure
 * (`502`, `504`) is answered before the room, with a body of the platform's
 * (which {@link readAnswer} reports as an {@link HttpProtocolError} with that status).
 */
export const HTTP_ERROR_CODES = {
  400: "bad_json",
  401: "forbidden",
  403: "forbidden",
  404: "not_found",
  429: "rate_limited",
  503: "unavailable",
} as const;
/** A status the room may answer an error with. */
export type ErrorStatus = keyof typeof HTTP_ERROR_CODES;
/** Stable error codes of HTTP answers (a subset of the socket protocol's `ErrorCode`). */
export const HttpErrorCode = schema(() => v.picklist(["bad_json", "forbidden", "not_found", "rate_limited", "unavailable"]));
export type HttpErrorCode = v.InferOutput<typeof HttpErrorCode>;

/** Every error answer: `{"error": <code>, "message": <human-readable reason, English>}`. */
export const ErrorBody = schema(() => v.object({ error: HttpErrorCode, message: v.string() }));
export type ErrorBody = v.InferOutput<typeof ErrorBody>;

/** The error body for `status`, its code fixed by {@link HTTP_ERROR_CODES}. */
export function errorBody(status: ErrorStatus, message: string): ErrorBody {
  return { error: HTTP_ERROR_CODES[status], message };
}

/**
 * Seconds to wait before trying again, from a `Retry-After` header
 * (RFC 9110 §10.2.3). The room sends only delay-seconds; an HTTP-date, a
 * missing or a malformed value gives `undefined`.
 */
export function retryAfterSeconds(header: string | null): number | undefined {
  return header !== null && /^\d{1,9}$/.test(header.trim()) ? Number(header.trim()) : undefined;
}

// ---------------------------------------------------------------- endpoints

/**
 * One HTTP endpoint of a room.
 * @typeParam Q schema of the query parameters (an object of optional strings), or `undefined` for none
 * @typeParam B schema of the JSON request body, or `undefined` for none
 * @typeParam R schema of the `200` body
 */
export interface Endpoint<
  Q extends v.GenericSchema<Record<string, string | undefined>> | undefined = v.GenericSchema<Record<string, string | undefined>> | undefined,
  B extends v.GenericSchema | undefined = v.GenericSchema | undefined,
  R extends v.GenericSchema = v.GenericSchema,
> {
  /** Party of the room (`/parties/<party>/<room>/…`). */
  readonly party: "main";
  readonly method: "GET" | "POST";
  /** Path under the room, without a leading slash. */
  readonly path: string;
  /** Query parameters. */
  readonly query: Q;
  /** JSON request body. */
  readonly body: B;
  /** The `200` answer's body. */
  readonly response: R;
  /** The error statuses this endpoint may answer with, each with its {@link ErrorBody}. */
  readonly errors: readonly ErrorStatus[];
}

/** Query parameters of {@link PRESENCE}. */
export const PresenceQuery = schema(() =>
  v.object({
    /**
     * The visitor's conversation token (from `welcome`, kept in localStorage):
     * when valid, the answer counts that conversation's unread host messages.
     * An unknown, expired or forged token is ignored (no `unread`).
     */
    conversation: v.optional(v.string()),
  }),
);
export type PresenceQuery = v.InferInput<typeof PresenceQuery>;

/** The answer of {@link PRESENCE}. */
export const Presence = schema(() =>
  v.object({
    /** Whether any signed-in host is available (always false outside the business hours). */
    available: v.boolean(),
    /** Outside the business hours: when they next open, ms since the epoch. */
    nextOpen: v.optional(v.number()),
    /** Host messages the visitor has not read, when the query carried a valid conversation token. */
    unread: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  }),
);
export type Presence = v.InferOutput<typeof Presence>;

/**
 * `GET presence[?conversation=<token>]` → `200 {"available": boolean, "nextOpen"?: number, "unread"?: number}`:
 * the one request the widget makes on page load. Errors: `403` (foreign origin).
 */
export const PRESENCE = {
  party: "main",
  method: "GET",
  path: "presence",
  query: PresenceQuery,
  body: undefined,
  response: Presence,
  errors: [403],
} as const satisfies Endpoint;

/** One icon of a {@link WebAppManifest} (W3C Web App Manifest, §ImageResource). */
const ManifestIcon = v.object({ src: v.string(), sizes: v.string(), type: v.string(), purpose: v.optional(v.string()) });

/**
 * The dashboard of one room as an installable app: a Web App Manifest
 * (https://www.w3.org/TR/appmanifest/) whose `start_url` (and `id`) open the
 * dashboard of that room, standalone, with the project's icons. Paths are
 * on the origin that serves both the room and the dashboard page.
 */
export const WebAppManifest = schema(() =>
  v.object({
    id: v.string(),
    name: v.string(),
    short_name: v.string(),
    description: v.string(),
    start_url: v.string(),
    scope: v.string(),
    display: v.literal("standalone"),
    background_color: v.string(),
    theme_color: v.string(),
    icons: v.array(ManifestIcon),
  }),
);
export type WebAppManifest = v.InferOutput<typeof WebAppManifest>;

/**
 * `GET host.webmanifest` → `200` {@link WebAppManifest}, as
 * `application/manifest+json`: the room's dashboard as an app (linked from
 * the dashboard page). Errors: `403` (foreign origin).
 */
export const HOST_MANIFEST = {
  party: "main",
  method: "GET",
  path: "host.webmanifest",
  query: undefined,
  body: undefined,
  response: WebAppManifest,
  errors: [403],
} as const satisfies Endpoint;

/** Longest host key the room reads, in characters; a longer one is a wrong key. */
export const MAX_HOST_KEY_LENGTH = 1024;

/**
 * The body of {@link HOST_SESSION}: the host key (`HOST_KEY`, or a key of
 * `HOSTS`), at most {@link MAX_HOST_KEY_LENGTH} characters. JSON that does not
 * match counts as a wrong key (`401`), like a wrong key.
 */
export const HostSessionRequest = schema(() => v.object({ key: v.pipe(v.string(), v.maxLength(MAX_HOST_KEY_LENGTH)) }));
export type HostSessionRequest = v.InferInput<typeof HostSessionRequest>;

/** The answer of {@link HOST_SESSION}. */
export const HostSession = schema(() =>
  v.object({
    /**
     * Host token, to present as `?role=host&token=<token>` on the host socket:
     * `<name, base64url>.<expiry, unix seconds>.<HMAC-SHA256, base64url>`,
     * valid for `HOST_SESSION_S` (default 12 h); treat it as opaque.
     */
    token: v.pipe(v.string(), v.minLength(1)),
    /** The signed-in host's display name (`Host` for `HOST_KEY`, else its name in `HOSTS`). */
    name: v.string(),
    /** When the token stops being accepted, in unix seconds (seconds since 1970-01-01 UTC). */
    expires: v.number(),
  }),
);
export type HostSession = v.InferOutput<typeof HostSession>;

/**
 * `POST host/session` with `{"key": string}` → `200 {"token", "name", "expires"}`: a host key
 * for a host token. Errors, in the order they are checked:
 * - `503 unavailable` when no host is configured, or its key is shorter than
 *   16 characters (the message says which);
 * - `400 bad_json` when the body is not JSON;
 * - `429 rate_limited` with `Retry-After` (seconds) after 10 wrong keys from one
 *   client address (`cf-connecting-ip`) in any room of the deployment, then one
 *   more every 6 s — even for the right key; `503 unavailable` with
 *   `Retry-After: 1` when that count cannot be reached;
 * - `401 forbidden` ("Wrong host key") for a wrong key, or a body of another shape.
 * A right key never counts against the address.
 */
export const HOST_SESSION = {
  party: "main",
  method: "POST",
  path: "host/session",
  query: undefined,
  body: HostSessionRequest,
  response: HostSession,
  errors: [400, 401, 403, 429, 503],
} as const satisfies Endpoint;

// ---------------------------------------------------------------- push

/**
 * The body of {@link DECLINE_CALL}: the call, and the decline token that came
 * with its push (`declineToken` of a `call` push, see `push.ts`): it stands for
 * the host the push was for, for that call only.
 */
export const DeclineRequest = schema(() =>
  v.object({ callId: v.pipe(v.string(), v.maxLength(64)), token: v.pipe(v.string(), v.maxLength(512)) }),
);
export type DeclineRequest = v.InferInput<typeof DeclineRequest>;

/** The answer of {@link DECLINE_CALL}: whether the call was still ringing (false: it was answered, ended or already declined). */
export const Declined = schema(() => v.object({ declined: v.boolean() }));

/**
 * `POST decline` with `{"callId", "token"}` → `200 {"declined"}`: a host
 * declines a call from its push notification, with no dashboard open.
 * Errors: `400 bad_json` when the body is not JSON or not of that shape;
 * `401 forbidden` when the token is not one the room issued for that call.
 */
export const DECLINE_CALL = {
  party: "main",
  method: "POST",
  path: "decline",
  query: undefined,
  body: DeclineRequest,
  response: Declined,
  errors: [400, 401, 403],
} as const satisfies Endpoint;

// ---------------------------------------------------------------- Slack

/**
 * Headers of Slack's request signing
 * (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature` is `v0=` + hex HMAC-SHA256 of
 * `v0:<X-Slack-Request-Timestamp>:<raw body>` keyed with the app's signing
 * secret; the timestamp is unix seconds and must be within 5 minutes of now.
 */
export const SLACK_SIGNATURE_HEADER = "x-slack-signature";
/** See {@link SLACK_SIGNATURE_HEADER}. */
export const SLACK_TIMESTAMP_HEADER = "x-slack-request-timestamp";

/**
 * Slack's `url_verification` request, sent once when the Request URL is set
 * (https://api.slack.com/events/url_verification); answered with its `challenge`.
 */
export const SlackUrlVerification = schema(() => v.object({ type: v.literal("url_verification"), challenge: v.string() }));

/**
 * An Events API delivery (https://api.slack.com/apis/events-api#callback-field):
 * `event_id` is unique per event and repeated when Slack retries. `event` is
 * read with {@link SlackThreadReply}; anything else in it is ignored.
 */
export const SlackEventCallback = schema(() => v.object({ type: v.literal("event_callback"), event_id: v.string(), event: v.optional(v.unknown()) }));

/**
 * The requests of {@link SLACK_EVENTS} the room acts on. Any other JSON is
 * acknowledged (`200 {"ok": true}`) and ignored, as the Events API expects.
 */
export const SlackEventsRequest = schema(() => v.variant("type", [SlackUrlVerification, SlackEventCallback]));
export type SlackEventsRequest = v.InferOutput<typeof SlackEventsRequest>;

/**
 * A `message` event (https://api.slack.com/events/message) that is a person's
 * reply in a thread: no `subtype` (edits, joins, bot posts have one), no
 * `bot_id`, a `thread_ts` (the thread's first message, which the room maps to
 * a conversation) and non-blank `text` (Slack mrkdwn, with `&`, `<`, `>` as
 * entities). The room also requires `channel` to be its `SLACK_CHANNEL_ID`.
 */
export const SlackThreadReply = schema(() =>
  v.object({
    type: v.literal("message"),
    subtype: v.optional(v.never()),
    bot_id: v.optional(v.never()),
    channel: v.string(),
    thread_ts: v.string(),
    text: v.pipe(
      v.string(),
      v.check((text) => text.trim() !== "", "expected non-blank text"),
    ),
  }),
);
export type SlackThreadReply = v.InferOutput<typeof SlackThreadReply>;

/**
 * The `200` answer of {@link SLACK_EVENTS}: the challenge of a
 * `url_verification`, or an acknowledgement. `duplicate`: an `event_id` seen
 * before (a Slack retry); `ignored`: not a person's reply in a known
 * conversation's thread; `full`: that conversation or the room is full.
 */
export const SlackEventsAnswer = schema(() =>
  v.union([
    v.object({ challenge: v.string() }),
    v.object({
      ok: v.literal(true),
      duplicate: v.optional(v.literal(true)),
      ignored: v.optional(v.literal(true)),
      full: v.optional(v.literal(true)),
    }),
  ]),
);
export type SlackEventsAnswer = v.InferOutput<typeof SlackEventsAnswer>;

/**
 * `POST slack/events`: Slack's Events API (bot mode,
 * https://api.slack.com/apis/events-api), the raw body signed by Slack (see
 * {@link SLACK_SIGNATURE_HEADER}); body {@link SlackEventsRequest}, answer
 * {@link SlackEventsAnswer}, at once (Slack waits at most 3 s). Errors:
 * `404 not_found` when bot mode or its signing secret is not configured;
 * `401 forbidden` for a missing, malformed, stale or wrong signature (the
 * message says which); `400 bad_json` for a signed body that is not JSON.
 */
export const SLACK_EVENTS = {
  party: "main",
  method: "POST",
  path: "slack/events",
  query: undefined,
  body: SlackEventsRequest,
  response: SlackEventsAnswer,
  errors: [400, 401, 403, 404],
} as const satisfies Endpoint;

// ---------------------------------------------------------------- answers

/**
 * An answer of the room to a request to `E`, as the room builds it before it
 * becomes a `Response`: `200` with the endpoint's response body, or one of its
 * error statuses with an {@link ErrorBody}. `headers` are added to the CORS
 * headers (e.g. `retry-after`, delay-seconds).
 */
export type Answer<E extends Endpoint> =
  | { status: 200; body: v.InferOutput<E["response"]>; headers?: Record<string, string> }
  | { status: E["errors"][number]; body: ErrorBody; headers?: Record<string, string> };

/** An error answer: `status` with its code ({@link HTTP_ERROR_CODES}) and `message`. */
export function errorAnswer<S extends ErrorStatus>(status: S, message: string, headers?: Record<string, string>): { status: S; body: ErrorBody; headers?: Record<string, string> } {
  return { status, body: errorBody(status, message), ...(headers ? { headers } : {}) };
}

/**
 * Read the query parameters of a request to `E` (the first value of each
 * name; names the endpoint does not take are ignored).
 * @returns the parsed parameters, or the first mismatch (never echoing the value)
 */
export function parseQuery<E extends Endpoint & { query: v.GenericSchema }>(
  endpoint: E,
  params: URLSearchParams,
): { ok: true; query: v.InferOutput<E["query"]> } | { ok: false; message: string } {
  const raw: Record<string, string> = {};
  for (const [name, value] of params) if (!Object.hasOwn(raw, name)) raw[name] = value;
  const parsed = v.safeParse(endpoint.query, raw, { abortEarly: true });
  return parsed.success ? { ok: true, query: parsed.output } : { ok: false, message: describeIssue(parsed.issues) };
}

/**
 * Read the JSON body of a request to `E` (already parsed from text).
 * @returns the parsed body, or the first mismatch (never echoing the value)
 */
export function parseBody<E extends Endpoint & { body: v.GenericSchema }>(
  endpoint: E,
  data: unknown,
): { ok: true; body: v.InferOutput<E["body"]> } | { ok: false; message: string } {
  const parsed = v.safeParse(endpoint.body, data, { abortEarly: true });
  return parsed.success ? { ok: true, body: parsed.output } : { ok: false, message: describeIssue(parsed.issues) };
}

// ---------------------------------------------------------------- requests

/** Every endpoint of a room, by its path. */
export const ENDPOINTS = {
  presence: PRESENCE,
  "host/session": HOST_SESSION,
  "slack/events": SLACK_EVENTS,
  decline: DECLINE_CALL,
} as const;
/** The path of an endpoint, e.g. `presence`. */
export type EndpointPath = keyof typeof ENDPOINTS;
/** The endpoint whose path is `P`. */
export type EndpointAt<P extends EndpointPath> = (typeof ENDPOINTS)[P];

/** The query parameters a request to `E` takes (`never` when none). */
export type QueryOf<E extends Endpoint> = E["query"] extends v.GenericSchema ? v.InferInput<E["query"]> : never;
/** The body a request to `E` takes (`never` when none). */
export type BodyOf<E extends Endpoint> = E["body"] extends v.GenericSchema ? v.InferInput<E["body"]> : never;

/** What a request to `E` takes: `query` when it has query parameters, `body` when it has a body. */
export type EndpointInput<E extends Endpoint> = { query?: QueryOf<E> } & (E["body"] extends v.GenericSchema ? { body: BodyOf<E> } : { body?: never });

/** The parsed answer to a request to `E`: its `200` body, or an error body with the status and `Retry-After`. */
export type EndpointAnswer<E extends Endpoint> =
  | { ok: true; status: number; body: v.InferOutput<E["response"]> }
  | { ok: false; status: number; error: ErrorBody; /** `Retry-After`, in seconds, when sent. */ retryAfter?: number };

/** A request or answer that does not match the endpoint's description. */
export class HttpProtocolError extends Error {
  override readonly name = "HttpProtocolError";
  /**
   * @param status the answer's HTTP status, or 0 when the request itself was invalid
   */
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** `path: message` of the first issue, naming what was expected, never the value received. */
function describeIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  const path = v.getDotPath(issue);
  const message = issue.expected ? `expected ${issue.expected}` : `invalid ${issue.type}`;
  return path ? `${path}: ${message}` : message;
}

/**
 * Validate `value` with `schema`.
 * @throws {HttpProtocolError} naming the first mismatch (status `status`)
 */
function check<S extends v.GenericSchema>(schema: S, value: unknown, what: string, status: number): v.InferOutput<S> {
  const parsed = v.safeParse(schema, value, { abortEarly: true });
  if (parsed.success) return parsed.output;
  throw new HttpProtocolError(`${what}: ${describeIssue(parsed.issues)}`, status);
}

/**
 * A room's base path, `/parties/<party>/<room>` (the room's WebSocket URL path
 * too). `room` goes in as given, as PartySocket puts it in the socket's URL:
 * encode it (`encodeURIComponent`) if it may hold reserved characters.
 */
export function roomPath(room: string, party = "main"): string {
  return `/parties/${party}/${room}`;
}

/**
 * The path and query of endpoint `E` of `room`, e.g.
 * `/parties/main/<room>/presence?conversation=<token>`; query parameters left
 * `undefined` are omitted.
 * @param party overrides the endpoint's party (a deployment that renamed it)
 * @throws {HttpProtocolError} (status 0) for query parameters the endpoint does not take
 */
export function endpointPath<E extends Endpoint>(endpoint: E, room: string, query?: QueryOf<E>, party: string = endpoint.party): string {
  const base = `${roomPath(room, party)}/${endpoint.path}`;
  if (query === undefined) return base;
  if (!endpoint.query) throw new HttpProtocolError(`${endpoint.method} ${endpoint.path} takes no query parameters`, 0);
  const checked = check(endpoint.query, query, `${endpoint.method} ${endpoint.path} query`, 0);
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(checked)) if (value !== undefined) search.set(name, value);
  const text = search.toString();
  return text ? `${base}?${text}` : base;
}

/**
 * The `RequestInit` of a request to `E`: its method, and its body as JSON
 * (`content-type: application/json`) when it takes one.
 * @throws {HttpProtocolError} (status 0) for a body the endpoint does not take
 */
export function endpointInit<E extends Endpoint>(endpoint: E, input: EndpointInput<E>): RequestInit & { method: string; headers: Record<string, string> } {
  if (!endpoint.body) return { method: endpoint.method, headers: {} };
  const body = check(endpoint.body, input.body, `${endpoint.method} ${endpoint.path} body`, 0);
  return { method: endpoint.method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/**
 * Read the room's answer to a request to `E`: a `2xx` body parsed with the
 * endpoint's `response`, anything else with {@link ErrorBody} (and
 * `Retry-After`, RFC 9110 §10.2.3). The body is always consumed.
 * @throws {HttpProtocolError} with the answer's status, when the body is not
 *   JSON or not of the described shape (e.g. an error page from a proxy)
 */
export async function readAnswer<E extends Endpoint>(endpoint: E, res: Response): Promise<EndpointAnswer<E>> {
  const what = `${endpoint.method} ${endpoint.path}: HTTP ${res.status}`;
  let data: unknown;
  try {
    data = await res.json();
  } catch {
    throw new HttpProtocolError(`${what}: the answer is not JSON`, res.status);
  }
  if (res.ok) return { ok: true, status: res.status, body: check(endpoint.response, data, what, res.status) };
  const error = check(ErrorBody, data, what, res.status);
  const retryAfter = retryAfterSeconds(res.headers.get("retry-after"));
  return { ok: false, status: res.status, error, ...(retryAfter !== undefined ? { retryAfter } : {}) };
}

/**
 * Send a request to endpoint `E` of `room` at `origin` and read its answer.
 * @param origin `http(s)://host[:port]`, without a trailing slash
 * @param init more of the request (headers are added to the endpoint's; `signal`)
 * @throws {HttpProtocolError} for an input or an answer that does not match the
 *   description (see {@link readAnswer}); whatever `fetch` throws when the room
 *   cannot be reached (a `TypeError`, or the signal's reason)
 */
export async function requestEndpoint<E extends Endpoint>(
  origin: string,
  endpoint: E,
  room: string,
  input: EndpointInput<E>,
  init: { headers?: Record<string, string>; signal?: AbortSignal; party?: string } = {},
): Promise<EndpointAnswer<E>> {
  const base = endpointInit(endpoint, input);
  const url = `${origin}${endpointPath(endpoint, room, input.query, init.party)}`;
  const res = await fetch(url, { ...base, headers: { ...base.headers, ...init.headers }, signal: init.signal });
  return readAnswer(endpoint, res);
}
