/**
 * The room's HTTP API, described once for the room (`party/core/http.ts`),
 * the widget (`widget/room/address.ts`) and the tests: every endpoint's
 * method, path, query parameters, request body and answers, as valibot
 * schemas. The socket protocol is its peer, `socket.ts`.
 *
 * Paths are relative to a room, `/parties/<party>/<room>/` ({@link roomPath});
 * every endpoint here belongs to the `main` party. Every answer is JSON
 * (`content-type: application/json`), but a file's bytes ({@link FILE}), with
 * CORS headers: `Access-Control-Allow-Origin` is `*` when the deployment's
 * `ALLOWED_ORIGINS` is unset, else the request's `Origin` when listed (`null`
 * for a request without one); methods `GET, POST, PUT`, request headers
 * `Content-Type`, `Authorization` and `Range`, and `Content-Range`,
 * `Content-Length`, `Accept-Ranges`, `Retry-After` and `Upload-Offset`
 * exposed to scripts; `OPTIONS` on any path is a `204` preflight answer.
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
 * | {@link CREATE_UPLOAD} `POST upload` {@link UploadRequest} | `200` {@link UploadCreated} | 400, 403, 404, 413, 415, 429, 507 |
 * | {@link UPLOAD_PART} `PUT upload/part?id&offset` (bytes) | `200` {@link UploadProgress} | 400, 403, 404, 409, 413, 422 |
 * | {@link UPLOAD_STATUS} `GET upload/status?id` | `200` {@link UploadProgress} | 400, 403, 404 |
 * | {@link FILE_LINK} `GET file/link?id[&ttl]` | `200` {@link FileLink} | 400, 403, 404 |
 * | {@link FILE} `GET file?id&exp&sig` (the signed link) | `200` / `206` bytes | 400, 403, 404, 416 |
 *
 * Uploads and file links are authorised by `Authorization: Bearer <token>`
 * ({@link bearer}): a visitor's conversation token (`welcome.conversationToken`),
 * for its own conversation only, or a host token (`POST host/session`).
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
 * - `400 bad_json`: the body is not JSON, or the body or query parameters are
 *   not of the endpoint's shape (§15.5.1);
 * - `401 forbidden`: a wrong credential: host key, or Slack signature (§15.5.2);
 * - `403 forbidden`: the request's `Origin` may not use this room; or (files)
 *   no token, a token that does not open that conversation, or a file link
 *   that is expired or not signed by the room (§15.5.4);
 * - `404 not_found`: no such endpoint, upload, file or conversation, or the
 *   endpoint is not configured (§15.5.5);
 * - `409 conflict`: an upload part not at the upload's offset; the body's
 *   `offset` (and the `Upload-Offset` header) says where to go on from (§15.5.10);
 * - `413 too_large`: a file over `MAX_ATTACHMENT_MB`, a recording over
 *   `MAX_RECORDING_S`, or a part longer than the upload's `partBytes` or past
 *   its declared size (§15.5.14);
 * - `415 unsupported_type`: a declared type not in `protocol/media.ts` (§15.5.16);
 * - `416 range_not_satisfiable`: a `Range` outside the file, with the
 *   file's size in `Content-Range` (§15.5.17, §14.4);
 * - `422 mismatch`: a file's first bytes are not of its declared type, or the
 *   whole file's SHA-256 is not the declared one; the upload is discarded (§15.5.21);
 * - `429 rate_limited`: too many tries, with `Retry-After` (RFC 6585 §4);
 * - `503 unavailable`: the endpoint cannot serve now or is not configured;
 *   `Retry-After` when it is worth trying again soon (§15.6.4);
 * - `507 quota_exceeded`: the room's files would exceed `MEDIA_QUOTA_MB`
 *   (RFC 4918 §11.5, Insufficient Storage).
 *
 * The room sends no other status: a body too large for the platform (`413`)
 * or a gateway failure (`502`, `504`) is answered before the room, with a body
 * of the platform's (which {@link readAnswer} reports as an
 * {@link HttpProtocolError} with that status).
 */
export const HTTP_ERROR_CODES = {
  400: "bad_json",
  401: "forbidden",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "too_large",
  415: "unsupported_type",
  416: "range_not_satisfiable",
  422: "mismatch",
  429: "rate_limited",
  503: "unavailable",
  507: "quota_exceeded",
} as const;
/** A status the room may answer an error with. */
export type ErrorStatus = keyof typeof HTTP_ERROR_CODES;
/** Stable error codes of HTTP answers (`forbidden`, `not_found`, `rate_limited`, `too_large` and `unavailable` are the socket protocol's codes too). */
export const HttpErrorCode = schema(() =>
  v.picklist(["bad_json", "forbidden", "not_found", "conflict", "too_large", "unsupported_type", "range_not_satisfiable", "mismatch", "rate_limited", "unavailable", "quota_exceeded"]),
);
export type HttpErrorCode = v.InferOutput<typeof HttpErrorCode>;

/**
 * Every error answer: `{"error": <code>, "message": <human-readable reason,
 * English>}`; a `409 conflict` of an upload also says the upload's current
 * `offset` (bytes the room holds), where the uploader goes on from; a `413
 * too_large` of a file over `MAX_ATTACHMENT_MB` says `maxBytes`, the largest
 * file the room takes, in bytes.
 */
export const ErrorBody = schema(() => v.object({ error: HttpErrorCode, message: v.string(), offset: v.optional(v.number()), maxBytes: v.optional(v.number()) }));
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
  readonly method: "GET" | "POST" | "PUT";
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
  /**
   * What travels as raw bytes rather than JSON: the request body
   * (`"request"`, e.g. an upload part, `application/octet-stream`) or the
   * answer (`"response"`, a file). Absent: both are JSON (or empty).
   */
  readonly bytes?: "request" | "response";
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
    /** Whether an available host can take calls now (false: messages only, e.g. no WebRTC on its dashboard). */
    calls: v.boolean(),
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
 * `401 forbidden` when the token is not one the room issued for that call;
 * `429 rate_limited` (with `Retry-After`) after too many wrong tokens from
 * one client address (10, then one every 6 s; a right token spends none).
 */
export const DECLINE_CALL = {
  party: "main",
  method: "POST",
  path: "decline",
  query: undefined,
  body: DeclineRequest,
  response: Declined,
  errors: [400, 401, 403, 429],
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
 * A file shared in Slack, as a `file_share` message event carries it
 * (https://api.slack.com/types/file): `url_private_download` is fetched with
 * the bot token. Fields are optional because Slack leaves them out of files
 * it hides (`mode: "hidden_by_limit"`, `"tombstone"`); such a file is refused.
 */
export const SlackFile = schema(() =>
  v.object({
    id: v.string(),
    name: v.optional(v.string()),
    mimetype: v.optional(v.string()),
    /** Bytes. */
    size: v.optional(v.number()),
    url_private_download: v.optional(v.string()),
  }),
);
export type SlackFile = v.InferOutput<typeof SlackFile>;

/**
 * A `message` event (https://api.slack.com/events/message) that is a person's
 * reply in a thread: no `subtype` (edits, joins, bot posts have one) but
 * `file_share` (https://api.slack.com/events/message/file_share: a reply with
 * `files`), no `bot_id`, a `thread_ts` (the thread's first message, which
 * the room maps to a conversation) and non-blank `text` (Slack mrkdwn, with
 * `&`, `<`, `>` as entities) or at least one file. The room also requires
 * `channel` to be its `SLACK_CHANNEL_ID`.
 */
export const SlackThreadReply = schema(() =>
  v.pipe(
    v.object({
      type: v.literal("message"),
      subtype: v.optional(v.literal("file_share")),
      bot_id: v.optional(v.never()),
      channel: v.string(),
      thread_ts: v.string(),
      text: v.optional(v.string(), ""),
      files: v.optional(v.pipe(v.array(SlackFile), v.maxLength(20))),
    }),
    v.check((event) => event.text.trim() !== "" || (event.files?.length ?? 0) > 0, "expected non-blank text or files"),
  ),
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

// ---------------------------------------------------------------- files

/**
 * The `Authorization` header of an upload or file-link request (RFC 9110
 * §11.6.2, the Bearer scheme of RFC 6750 §2.1): `Bearer <token>`, where the
 * token is a visitor's conversation token (its own conversation only) or a
 * host token.
 */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** The header that repeats an upload's offset in a `409` answer (as tus' `Upload-Offset`). */
export const UPLOAD_OFFSET_HEADER = "upload-offset";

/** A file's or upload's id, chosen by the room (a UUID); a completed upload's file has the upload's id. */
const FileId = v.pipe(v.string(), v.uuid());
/** The SHA-256 of a whole file, 64 hex digits (lower-cased when read). */
const Sha256Hex = v.pipe(v.string(), v.regex(/^[0-9a-fA-F]{64}$/, "expected 64 hex digits"), v.toLowerCase());
/** Longest file name kept, in UTF-16 code units. */
export const MAX_FILE_NAME_LENGTH = 200;

/**
 * The body of {@link CREATE_UPLOAD}: what the file is, before any byte of it.
 * - `type`: its MIME type, one of `protocol/media.ts` (parameters such as
 *   `;codecs=opus` are dropped), else `415`;
 * - `size`: in bytes, 1 to `MAX_ATTACHMENT_MB` MiB, else `413`;
 * - `sha256`: of the whole file, checked when the last part arrives (`422`);
 * - `name`: shown beside it and given on download (no control characters, `/` or `\`);
 * - `durationS`: a recording's length in seconds (required for `audio/*` and
 *   `video/*`; over `MAX_RECORDING_S` is `413`);
 * - `conversationId`: with a host token, the conversation the file is for
 *   (a visitor's token names its own).
 */
export const UploadRequest = schema(() =>
  v.object({
    type: v.pipe(v.string(), v.maxLength(128)),
    size: v.pipe(v.number(), v.safeInteger(), v.minValue(1, "a file has at least one byte")),
    sha256: Sha256Hex,
    name: v.optional(
      v.pipe(v.string(), v.trim(), v.maxLength(MAX_FILE_NAME_LENGTH), v.regex(/^[^\u0000-\u001f\u007f/\\]*$/, "expected a file name without control characters, / or \\")),
    ),
    durationS: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(86_400))),
    conversationId: v.optional(FileId),
  }),
);
export type UploadRequest = v.InferInput<typeof UploadRequest>;

/**
 * The answer of {@link CREATE_UPLOAD}: the upload's `id`, the `partBytes`
 * every part but the last must have (1 MiB in R2, 120 KiB in room storage),
 * `offset` 0, and `expires` (ms since the epoch): an upload not completed by
 * then is discarded (24 h).
 */
export const UploadCreated = schema(() =>
  v.object({ id: v.string(), partBytes: v.number(), offset: v.number(), expires: v.number() }),
);
export type UploadCreated = v.InferOutput<typeof UploadCreated>;

/**
 * `POST upload` with {@link UploadRequest} and `Authorization: Bearer <token>`
 * → `200` {@link UploadCreated}: an upload begins; the room reserves its size
 * in the room's quota. Errors, in the order they are checked: `400 bad_json`
 * (a body not JSON or not of that shape); `403 forbidden` (no token, a token
 * that is neither a conversation token nor a host token of this room, a host
 * token without `conversationId`); `404 not_found` (the conversation was
 * deleted, or a host's `conversationId` is unknown); `415 unsupported_type`;
 * `413 too_large` (size, or a recording's `durationS`); `429 rate_limited`
 * with `Retry-After` (5 uploads open in one conversation, or too many new
 * uploads from one address); `507 quota_exceeded` (`MEDIA_QUOTA_MB`).
 */
export const CREATE_UPLOAD = {
  party: "main",
  method: "POST",
  path: "upload",
  query: undefined,
  body: UploadRequest,
  response: UploadCreated,
  errors: [400, 403, 404, 413, 415, 429, 507],
} as const satisfies Endpoint;

/**
 * Where an upload stands: `offset`, the bytes the room holds (always a
 * multiple of `partBytes`, or `size` once complete); `complete` once the
 * whole file passed its checks and is stored, then `file` (what a message
 * carries, and `sha256`).
 */
export const UploadProgress = schema(() =>
  v.object({
    id: v.string(),
    offset: v.number(),
    size: v.number(),
    partBytes: v.number(),
    complete: v.boolean(),
    /** The file as a message carries it (`FileRef` of `socket.ts`), and its SHA-256. */
    file: v.optional(
      v.object({ id: v.string(), type: v.string(), name: v.optional(v.string()), size: v.number(), durationS: v.optional(v.number()), sha256: v.string() }),
    ),
  }),
);
export type UploadProgress = v.InferOutput<typeof UploadProgress>;

/** Query parameters of {@link UPLOAD_PART}: the upload, and the part's first byte's offset (decimal). */
export const UploadPartQuery = schema(() => v.object({ id: FileId, offset: v.pipe(v.string(), v.regex(/^\d{1,15}$/, "expected a byte offset")) }));

/**
 * `PUT upload/part?id=<upload>&offset=<bytes>` with the part's bytes as the
 * body (`application/octet-stream`) and `Authorization: Bearer <token>` →
 * `200` {@link UploadProgress}. Parts go in order: each starts at the
 * upload's `offset` and has `partBytes` bytes, the last one the rest.
 * - A part the room already holds (its `offset` below the upload's) is
 *   acknowledged with the current progress and not written again: resending
 *   after a lost answer is safe. After the last part, resending it answers the
 *   completed upload.
 * - A part past the upload's offset is `409 conflict` with the `offset` to go
 *   on from; so is an offset that is not a part boundary.
 * - The first part's bytes must be of the declared type (`party/core/media-types.ts`),
 *   else `422 mismatch` and the upload is discarded.
 * - With the last part the room reads the whole file back and checks its
 *   SHA-256 (Web Crypto); a mismatch is `422` and the upload is discarded.
 *   Only then is the file stored and `complete`.
 * Other errors: `400 bad_json` (bad query, or a part shorter than
 * `partBytes` that is not the last), `403 forbidden` (not the uploader's
 * conversation token or a host token), `404 not_found` (no such upload:
 * never made, discarded, expired or its conversation deleted), `413
 * too_large` (a part over `partBytes` or past the declared size).
 */
export const UPLOAD_PART = {
  party: "main",
  method: "PUT",
  path: "upload/part",
  query: UploadPartQuery,
  body: undefined,
  bytes: "request",
  response: UploadProgress,
  errors: [400, 403, 404, 409, 413, 422],
} as const satisfies Endpoint;

/** Query parameters of {@link UPLOAD_STATUS} and {@link FILE_LINK}: the upload or file. */
export const FileQuery = schema(() => v.object({ id: FileId }));

/**
 * `GET upload/status?id=<upload>` with `Authorization: Bearer <token>` →
 * `200` {@link UploadProgress}: where to resume after a dropped connection or
 * a reload. Errors: `400`, `403`, `404` as for {@link UPLOAD_PART}.
 */
export const UPLOAD_STATUS = {
  party: "main",
  method: "GET",
  path: "upload/status",
  query: FileQuery,
  body: undefined,
  response: UploadProgress,
  errors: [400, 403, 404],
} as const satisfies Endpoint;

/** Longest life of a file link, in seconds (and its default: 5 minutes). */
export const FILE_LINK_TTL_S = 300;

/** Query parameters of {@link FILE_LINK}: the file, and optionally a shorter life for its link (1 to {@link FILE_LINK_TTL_S} seconds). */
export const FileLinkQuery = schema(() =>
  v.object({ id: FileId, ttl: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/, "expected seconds"))) }),
);

/**
 * The answer of {@link FILE_LINK}: `path`, the signed link to {@link FILE}
 * (`/parties/main/<room>/file?id=…&exp=…&sig=…`, on the room's origin), and
 * `expires`, when it stops working (unix seconds). The link is the only
 * credential: keep it to the page that shows the file.
 */
export const FileLink = schema(() => v.object({ path: v.string(), expires: v.number() }));
export type FileLink = v.InferOutput<typeof FileLink>;

/**
 * `GET file/link?id=<file>[&ttl=<seconds>]` with `Authorization: Bearer
 * <token>` → `200` {@link FileLink}: a short-lived signed link to one file,
 * for a signed-in host, or for the visitor whose conversation holds it.
 * Ask for one per fetch (or per playback). Errors: `400 bad_json` (bad query),
 * `403 forbidden` (no token, or one that does not open that file's
 * conversation), `404 not_found` (no such file, or deleted).
 */
export const FILE_LINK = {
  party: "main",
  method: "GET",
  path: "file/link",
  query: FileLinkQuery,
  body: undefined,
  response: FileLink,
  errors: [400, 403, 404],
} as const satisfies Endpoint;

/** Query parameters of {@link FILE}: as {@link FILE_LINK} signed them. */
export const FileFetchQuery = schema(() =>
  v.object({
    id: FileId,
    exp: v.pipe(v.string(), v.regex(/^\d{1,12}$/, "expected unix seconds")),
    sig: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, "expected a signature")),
  }),
);

/**
 * `GET file?id&exp&sig` (a link from {@link FILE_LINK}) → the file's bytes:
 * `200` whole, or `206 Partial Content` for a single `Range: bytes=a-b`
 * (also `a-` and `-n`), with `Content-Range: bytes a-b/size` (RFC 9110 §14);
 * several ranges are answered `200` with the whole file (§14.2 lets a server
 * ignore `Range`). Headers: `Content-Type` the stored type, `Accept-Ranges:
 * bytes`, `X-Content-Type-Options: nosniff`, `Content-Security-Policy:
 * sandbox`, `Content-Disposition: inline` for images, audio and video and
 * `attachment` for anything else (with the file's name, RFC 6266), `Cache-Control:
 * private` until the link expires. Errors (JSON {@link ErrorBody}): `400
 * bad_json` (a malformed link), `403 forbidden` (expired, or not signed by
 * this room for this file), `404 not_found` (the file is gone: its
 * conversation was deleted or pruned), `416 range_not_satisfiable`.
 */
export const FILE = {
  party: "main",
  method: "GET",
  path: "file",
  query: FileFetchQuery,
  body: undefined,
  bytes: "response",
  response: schema(() => v.instance(Uint8Array)),
  errors: [400, 403, 404, 416],
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

/**
 * Every endpoint of a room whose answers are JSON, by its path: what
 * {@link requestEndpoint} (and the widget's `requestRoom`) call. {@link FILE}
 * answers bytes: its signed link is fetched as it is (an `<img>`, `<audio>`,
 * `<video>`, or `fetch`).
 */
export const ENDPOINTS = {
  presence: PRESENCE,
  "host/session": HOST_SESSION,
  "slack/events": SLACK_EVENTS,
  decline: DECLINE_CALL,
  upload: CREATE_UPLOAD,
  "upload/part": UPLOAD_PART,
  "upload/status": UPLOAD_STATUS,
  "file/link": FILE_LINK,
} as const;
/** The path of an endpoint, e.g. `presence`. */
export type EndpointPath = keyof typeof ENDPOINTS;
/** The endpoint whose path is `P`. */
export type EndpointAt<P extends EndpointPath> = (typeof ENDPOINTS)[P];

/** The query parameters a request to `E` takes (`never` when none). */
export type QueryOf<E extends Endpoint> = E["query"] extends v.GenericSchema ? v.InferInput<E["query"]> : never;
/** The body a request to `E` takes (`never` when none). */
export type BodyOf<E extends Endpoint> = E["body"] extends v.GenericSchema ? v.InferInput<E["body"]> : never;

/**
 * What a request to `E` takes: `query` when it has query parameters, `body`
 * when it has a JSON body, `bytes` when its body is raw bytes (an upload part).
 */
export type EndpointInput<E extends Endpoint> = { query?: QueryOf<E> } & (E["body"] extends v.GenericSchema ? { body: BodyOf<E> } : { body?: never }) &
  (E["bytes"] extends "request" ? { bytes: Uint8Array<ArrayBuffer> | Blob } : { bytes?: never });

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
 * (`content-type: application/json`) when it takes one, or its bytes
 * (`application/octet-stream`) for an endpoint whose request is bytes.
 * @throws {HttpProtocolError} (status 0) for a body the endpoint does not take
 */
export function endpointInit<E extends Endpoint>(endpoint: E, input: EndpointInput<E>): RequestInit & { method: string; headers: Record<string, string> } {
  if (endpoint.bytes === "request") {
    if (!(input.bytes instanceof Uint8Array || (typeof Blob !== "undefined" && input.bytes instanceof Blob))) {
      throw new HttpProtocolError(`${endpoint.method} ${endpoint.path} body: expected bytes`, 0);
    }
    return { method: endpoint.method, headers: { "content-type": "application/octet-stream" }, body: input.bytes };
  }
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
