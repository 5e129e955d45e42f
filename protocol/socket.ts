/**
 * The contact-me wire protocol, shared by the PartyKit room (`party/`) and the
 * elements (`widget/`).
 *
 * Every frame is one JSON object with a `type` field. The unions are split by
 * direction: {@link ClientMessage} (browser → room) and {@link ServerMessage}
 * (room → browser). Both sides validate every frame they receive with
 * {@link parseClientMessage} / {@link parseServerMessage}; nothing is cast.
 *
 * Signaling payloads follow the W3C webrtc-pc "perfect negotiation" example:
 * a `signal` frame carries either a `description` (RTCSessionDescriptionInit)
 * or a `candidate` (RTCIceCandidateInit, or `null` for end-of-candidates,
 * RFC 8838 §4) — never both.
 *
 * @module
 */
import * as v from "valibot";

/** Protocol version, sent by the room in `welcome`. Bumped on breaking change. */
export const PROTOCOL_VERSION = 1;

/** Largest frame the room accepts, in bytes of UTF-8 (64 KiB). */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Longest visitor message, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 4000;
/** Longest visitor display name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 80;
/** Longest host display name in a visitor's `welcome` profile (`HOST_NAME`), in UTF-16 code units. */
export const MAX_HOST_NAME_LENGTH = 60;
/** Longest host tagline (`HOST_TAGLINE`), in UTF-16 code units. */
export const MAX_HOST_TAGLINE_LENGTH = 120;
/** Longest away text (`HOST_AWAY`), in UTF-16 code units. */
export const MAX_HOST_AWAY_LENGTH = 160;
/** Longest avatar URL (`HOST_AVATAR`), in characters. */
export const MAX_HOST_AVATAR_LENGTH = 2048;
/** Longest SDP blob accepted in an offer or answer, in characters. */
export const MAX_SDP_LENGTH = 32 * 1024;

/** Media kinds a call may carry. */
export const CallMedia = v.picklist(["audio", "video"]);
export type CallMedia = v.InferOutput<typeof CallMedia>;

/** Opaque id of one call, chosen by the room. */
const CallId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
/** Optional visitor display name. */
const Name = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(MAX_NAME_LENGTH)));

/** RTCSessionDescriptionInit as it travels: only offers and answers. */
export const SessionDescription = v.object({
  type: v.picklist(["offer", "answer"]),
  sdp: v.pipe(v.string(), v.maxLength(MAX_SDP_LENGTH)),
});

/** RTCIceCandidateInit as it travels (RFC 8445 candidate line plus its m-line). */
export const IceCandidate = v.object({
  candidate: v.pipe(v.string(), v.maxLength(1024)),
  sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64)))),
  sdpMLineIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(255)))),
  usernameFragment: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
});

/**
 * Signaling between the two peers of one call; relayed by the room only to the
 * other peer of `callId`. Exactly one of `description` and `candidate`.
 */
const SignalBody = {
  type: v.literal("signal"),
  callId: CallId,
  description: v.optional(SessionDescription),
  candidate: v.optional(v.nullable(IceCandidate)),
  /**
   * Which RTCPeerConnection of the call the signal belongs to: 0 for the
   * first, counted up each time the call falls back to a fresh connection
   * (full renegotiation after a failed ICE restart). Absent means 0.
   */
  generation: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000))),
};
const Signal = v.pipe(
  v.object(SignalBody),
  v.check(
    (s) => (s.description === undefined) !== (s.candidate === undefined),
    "a signal carries exactly one of description and candidate",
  ),
);

// ---------------------------------------------------------------- client → room

/**
 * A message's text, trimmed. It may be empty only when the message carries
 * files (checked by {@link parseClientMessage}: "message is empty").
 */
const MessageText = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(MAX_TEXT_LENGTH, `message is longer than ${MAX_TEXT_LENGTH} characters`),
);

/** Most files one message may carry. */
export const MAX_FILES_PER_MESSAGE = 10;

/**
 * Files a message carries: ids of completed uploads of the same conversation
 * (`POST upload` … the last `PUT upload/part` of `protocol/http.ts`), at most
 * {@link MAX_FILES_PER_MESSAGE}, each once. An id the room does not know in
 * that conversation refuses the whole message (`not_found`).
 */
const FileIds = v.optional(
  v.pipe(
    v.array(v.pipe(v.string(), v.uuid())),
    v.maxLength(MAX_FILES_PER_MESSAGE, `at most ${MAX_FILES_PER_MESSAGE} files`),
    v.check((ids) => new Set(ids).size === ids.length, "each file once"),
  ),
);
/** Client-chosen message id: a resend with the same id is not stored twice. */
const ClientId = v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "expected 1-64 letters, digits, - or _")));

/** A conversation's id, chosen by the room. */
const ConversationId = v.pipe(v.string(), v.uuid());

/** The visitor's email, optional, so an away host can answer later. */
const Email = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(254), v.union([v.literal(""), v.pipe(v.string(), v.email("expected an email address"))])));
/** URL of the page the visitor is on: `http:` or `https:` only (it becomes a link on the dashboard). */
const Page = v.optional(v.pipe(v.string(), v.maxLength(2048), v.url("expected a URL"), v.regex(/^https?:/i, "expected an http(s) URL")));
/**
 * The visitor's IANA time zone, e.g. `Europe/Paris`, as
 * `Intl.DateTimeFormat().resolvedOptions().timeZone` gives it: the dashboard
 * shows the visitor's local time with it.
 */
const TimeZone = v.optional(v.pipe(v.string(), v.maxLength(64), v.regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/, "expected an IANA time zone")));

/** The days of the week, Monday first, as keys of {@link BusinessHours}. */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Whether `zone` is an IANA time zone this runtime knows (`Intl.DateTimeFormat` accepts it). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * One day's opening hours, `"HH:MM-HH:MM"` on the 24-hour clock in the
 * hours' time zone, e.g. `"09:00-17:30"`; the close may be `24:00` (open until
 * midnight) and must come after the open (no span past midnight).
 */
export const DayHours = v.pipe(
  v.string(),
  v.regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "expected HH:MM-HH:MM"),
  v.check((span) => span.slice(0, 5) < span.slice(6), "the close must come after the open"),
);

/**
 * Weekly business hours: the IANA time zone they are kept in, and for each
 * day (`mon` … `sun`) its opening hours as {@link DayHours}; a day left out
 * (or `null`) is closed. Outside them visitors see the host as away, calls
 * are refused `unavailable`, and messages are still taken. The same JSON is
 * `BUSINESS_HOURS` in the room's config and the `hours` frame's `hours`, e.g.
 * `{"timeZone": "Europe/Paris", "mon": "09:00-17:00", "fri": "09:00-12:00"}`.
 */
export const BusinessHours = v.strictObject({
  timeZone: v.pipe(
    v.string(),
    v.maxLength(64),
    v.regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/, "expected an IANA time zone"),
    v.check(isTimeZone, "expected an IANA time zone"),
  ),
  ...(Object.fromEntries(WEEKDAYS.map((day) => [day, v.optional(v.nullable(DayHours))])) as Record<
    Weekday,
    v.OptionalSchema<v.NullableSchema<typeof DayHours, undefined>, undefined>
  >),
});
export type BusinessHours = v.InferOutput<typeof BusinessHours>;

/** Longest call-back contact (a phone number or an email), in characters. */
export const MAX_CALL_BACK_LENGTH = 254;
/**
 * Where the visitor asks to be called back: a phone number (digits, spaces,
 * `+ ( ) . -`, 5 to 30 characters) or an email address.
 */
export const CallBack = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(MAX_CALL_BACK_LENGTH),
  v.union([v.pipe(v.string(), v.regex(/^\+?[0-9][0-9 ().-]{3,28}[0-9]$/)), v.pipe(v.string(), v.email())], "expected a phone number or an email address"),
);

/** Visitor → room: a message for the host, in the visitor's conversation. */
export const TextMessage = v.object({
  type: v.literal("text"),
  text: MessageText,
  name: Name,
  email: Email,
  /** The page the visitor wrote from. */
  page: Page,
  timeZone: TimeZone,
  clientId: ClientId,
  /** Completed uploads of this conversation to attach (then `text` may be empty). */
  files: FileIds,
  /**
   * A call-back request: the phone number or email the visitor asks to be
   * called back on ({@link CallBack}); `text` is then an optional note (may
   * be empty). Stored with the message, shown as a call-back request on the
   * dashboard, in Slack and in pushes.
   */
  callBack: v.optional(CallBack),
});
/** Host → room: a reply in a conversation, with `files` uploaded to it (then `text` may be empty). */
export const Reply = v.object({ type: v.literal("reply"), conversationId: ConversationId, text: MessageText, clientId: ClientId, files: FileIds });
/**
 * This side has seen the other side's messages: from a visitor, the host's
 * replies (clears its unread count); from a host, the visitor's messages of
 * `conversationId` (required from a host). The other side hears `seen`.
 */
export const Read = v.object({ type: v.literal("read"), conversationId: v.optional(ConversationId) });
/**
 * This side is typing in a conversation: a visitor in its own, a host in
 * `conversationId` (required from a host). Relayed as `typing` to the other
 * side, never stored; send at most one every {@link TYPING_EVERY_MS} while
 * typing goes on. The room drops those beyond its rate.
 */
export const Typing = v.object({ type: v.literal("typing"), conversationId: v.optional(ConversationId) });
/** How often a client repeats `typing` while its user types, in ms; the other side shows it for twice that. */
export const TYPING_EVERY_MS = 3000;
/**
 * Host → room: take `conversationId` out of the dashboards' list (`archived`),
 * or put it back. A new visitor message puts it back too.
 */
export const Archive = v.object({ type: v.literal("archive"), conversationId: ConversationId, archived: v.boolean() });
/**
 * Host → room: delete `conversationId` and everything the room keeps of it
 * (messages, Slack posts waiting, its thread link). Its visitor's sockets are
 * closed with {@link CloseCode}`.conversationDeleted`; its token then finds
 * nothing, so that visitor starts a new conversation.
 */
export const DeleteConversation = v.object({ type: v.literal("delete"), conversationId: ConversationId });
/**
 * Host → room: the next page of the conversation list, older than `cursor`
 * (the `next` of the last `conversations` frame). Answered with a
 * `conversations` frame carrying the same `cursor`.
 */
export const Older = v.object({ type: v.literal("older"), cursor: v.pipe(v.string(), v.regex(/^act:\d{13}:[0-9a-f-]{36}$/, "expected the cursor of a conversations frame")) });
/** Conversations in one page of the dashboard's list (`conversations` frames). */
export const CONVERSATIONS_PAGE = 30;

/**
 * What the calling browser says it can do, as it found out before ringing
 * (the widget's `call/capabilities.ts`):
 * - `webrtc`: `RTCPeerConnection` exists (absent in browsers built without
 *   WebRTC, or with `media.peerconnection.enabled` false in Firefox);
 * - `audio`: a microphone can be asked for — a secure context with
 *   `navigator.mediaDevices`, `microphone` allowed by the page's
 *   Permissions-Policy, not a known in-app browser, and an `audioinput` among
 *   `enumerateDevices()` (true when that could not be told);
 * - `video`: the same for a camera (`camera`, `videoinput`).
 *
 * Every call needs `webrtc` and `audio`; a video call also needs `video`
 * (see {@link missingForCall}).
 */
export const CallCapabilities = v.object({ webrtc: v.boolean(), audio: v.boolean(), video: v.boolean() });
export type CallCapabilities = v.InferOutput<typeof CallCapabilities>;
/** What a call lacks: the browser has no WebRTC, or no usable microphone, or (video call) camera. */
export type MissingForCall = "webrtc" | "microphone" | "camera";
/**
 * What keeps a browser with `capabilities` from making a `media` call, in the
 * order to fix them; empty when it can make it. Used by the room to refuse a
 * `call` frame (`cannot_call`) and by the widget to offer only calls that can
 * connect.
 */
export function missingForCall(media: CallMedia, capabilities: CallCapabilities): MissingForCall[] {
  const missing: MissingForCall[] = [];
  if (!capabilities.webrtc) missing.push("webrtc");
  if (!capabilities.audio) missing.push("microphone");
  if (media === "video" && !capabilities.video) missing.push("camera");
  return missing;
}
/**
 * Visitor → room: ring the available hosts. The call is logged in the
 * visitor's conversation (started by it when there is none yet); the hosts
 * see the conversation's name, email and page unless given here.
 * `capabilities` (required): what this browser can do
 * ({@link CallCapabilities}); the room refuses with `cannot_call`, and rings
 * nobody, when they fall short of `media`. A `call` without them is malformed
 * and refused `bad_message` (`capabilities: expected "capabilities"`): nobody is rung for
 * a browser that did not say it can call.
 */
export const CallRequest = v.object({
  type: v.literal("call"),
  media: CallMedia,
  name: Name,
  email: Email,
  page: Page,
  timeZone: TimeZone,
  capabilities: CallCapabilities,
});
/** Visitor → room: withdraw its ringing call. */
export const CancelCall = v.object({ type: v.literal("cancel") });
/**
 * Either peer → room: end the call `callId`. `reason: "failed"` when this side
 * could not connect (the other side is then told `failed`, not `hangup`);
 * `moved` when the call went on in a meeting (see `meeting-create`'s `callId`).
 */
export const HangUp = v.object({ type: v.literal("hangup"), callId: CallId, reason: v.optional(v.picklist(["failed", "moved"])) });
/**
 * Host → room: go available (true) or away (false). `capabilities`: what this
 * dashboard's browser can do ({@link CallCapabilities}, found as a visitor's
 * are), sent with every `available` frame. A host is available for calls
 * only through a dashboard whose capabilities can take an audio call
 * ({@link missingForCall}); one whose browser cannot still counts as
 * available for messages (presence `available` true, `calls` false).
 * Left out (older dashboards, API clients): taken as able to take calls.
 */
export const SetAvailable = v.object({ type: v.literal("available"), available: v.boolean(), capabilities: v.optional(CallCapabilities) });
/**
 * Host → room: set the room's business hours (kept in room storage, they
 * replace `BUSINESS_HOURS` from the config), or `null` for none (always
 * open). Every dashboard hears the new `hours`; visitors' presence follows.
 */
export const SetHours = v.object({ type: v.literal("hours"), hours: v.nullable(BusinessHours) });
/**
 * Host → room: take the ringing call `callId`. `description`: the host's
 * offer, made while the call rang; the room hands it to the visitor in
 * `accepted`, so the visitor's answer does not wait for the host to hear
 * `accepted` and make it then.
 */
export const Accept = v.object({
  type: v.literal("accept"),
  callId: CallId,
  description: v.optional(v.pipe(SessionDescription, v.check((d) => d.type === "offer", "accept carries an offer"))),
});
/** Host → room: refuse the ringing call `callId`. */
export const Decline = v.object({ type: v.literal("decline"), callId: CallId });
/** Longest push endpoint URL a subscription may have, in characters. */
export const MAX_PUSH_ENDPOINT_LENGTH = 1024;
/** Most push subscriptions (devices) one host may register; the oldest goes to make room. */
export const MAX_PUSH_DEVICES = 10;
/** Longest device label, in characters. */
export const MAX_DEVICE_LABEL_LENGTH = 60;

const base64url = (bytes: number, what: string) =>
  v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what}: expected base64url`),
    v.check((s) => Math.floor((s.replace(/=+$/, "").length * 3) / 4) === bytes, `${what}: expected ${bytes} bytes`),
  );

/**
 * A browser's push subscription, as `PushSubscription.toJSON()` gives it
 * (W3C Push API §11): an `https:` endpoint at the browser's push service
 * (RFC 8030), the subscription's P-256 public key (`p256dh`, 65 bytes,
 * uncompressed) and its authentication secret (`auth`, 16 bytes), both
 * base64url (RFC 8291 §3).
 */
export const PushSubscription = v.object({
  endpoint: v.pipe(
    v.string(),
    v.maxLength(MAX_PUSH_ENDPOINT_LENGTH),
    v.url("expected the push service's URL"),
    v.regex(/^https:\/\//i, "expected an https push endpoint"),
  ),
  expirationTime: v.optional(v.nullable(v.number())),
  keys: v.object({
    p256dh: v.pipe(base64url(65, "keys.p256dh"), v.regex(/^B/, "keys.p256dh: expected an uncompressed P-256 point")),
    auth: base64url(16, "keys.auth"),
  }),
});
export type PushSubscription = v.InferOutput<typeof PushSubscription>;

/**
 * Host → room: notify this device ("Notify this device"). The room keeps the
 * subscription for the signed-in host (several devices, at most
 * {@link MAX_PUSH_DEVICES}; the same endpoint again replaces its entry) and
 * pushes to it; every dashboard of that host hears the new `push` list.
 * `label` names the device in that list, e.g. "Chrome on Android".
 */
export const PushSubscribe = v.object({
  type: v.literal("push-subscribe"),
  subscription: PushSubscription,
  label: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(MAX_DEVICE_LABEL_LENGTH))),
});
/** Host → room: stop pushing to the device `id` (one of this host's, from the `push` list). */
export const PushUnsubscribe = v.object({ type: v.literal("push-unsubscribe"), id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/)) });
/**
 * Host → room: "Ring my devices". While on, and inside the business hours,
 * this host counts as reachable for calls even with no dashboard open: calls
 * ring by push on every device of theirs (for `RING_TIMEOUT_PUSH_S`).
 */
export const PushRing = v.object({ type: v.literal("push-ring"), ring: v.boolean() });


// ---------------------------------------------------------------- meetings

/**
 * Meetings: a call of up to {@link MAX_MEETING_SIZE} people, joined through
 * an invite link (`?meeting=<token>` on the site's page). A host creates one
 * (`meeting-create`); anyone with its token may ask to join (`meeting-join`),
 * with its PIN when it has one: the right PIN admits at once, a meeting
 * without a PIN waits for a host to admit (`meeting-admit`). Media is a full
 * mesh of peer connections, one per pair of admitted participants, each
 * negotiated with `meeting-signal` frames that the room relays only between
 * two admitted participants of the same meeting.
 */

/** Most people in one meeting, hosts included. */
export const MAX_MEETING_SIZE = 5;
/** Longest meeting title, in UTF-16 code units. */
export const MAX_MEETING_TITLE_LENGTH = 120;
/** Longest a meeting stays open after its creation, in seconds (30 days). */
export const MAX_MEETING_TTL_S = 30 * 24 * 60 * 60;
/** Meetings kept in one room; beyond, `meeting-create` is refused `room_full`. */
export const MAX_MEETINGS = 50;

/** A meeting's id (chosen by the room, a UUID): what hosts name it by. */
const MeetingId = v.pipe(v.string(), v.uuid());
/** A participant's id in a meeting (chosen by the room, a UUID): the `to` and `from` of `meeting-signal`. */
const ParticipantId = v.pipe(v.string(), v.uuid());
/** A meeting's invite token: 128 random bits or more, base64url (RFC 4648 §5). */
export const MeetingToken = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,64}$/, "expected a meeting token"));
/** A meeting's PIN: 4 to 12 digits. */
export const MeetingPin = v.pipe(v.string(), v.regex(/^[0-9]{4,12}$/, "expected a PIN of 4 to 12 digits"));
/** A participant's secret to join again after a dropped socket (the `rejoin` of its `meeting` frame). */
const RejoinKey = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,64}$/, "expected a rejoin key"));

/**
 * Host → room: create a meeting. `expiresInS`: seconds from now until its
 * link stops working (2 … {@link MAX_MEETING_TTL_S}); `capacity`: most people
 * in it, hosts included (2 … {@link MAX_MEETING_SIZE}, default 5). Every
 * dashboard hears the new `meetings` list, with the meeting's token.
 *
 * `callId`: the sender's active one-to-one call becomes this meeting (to
 * bring in a teammate). The room keeps a place in it for each peer of the
 * call and tells both (`meeting-invite` with `callId`); each joins with the
 * `rejoin` key it was given, sending the media it already has, and hangs up
 * the call (`hangup` `moved`) once its peer connection with the other is up
 * in the meeting, so the call's media never stops. Refused `not_found` when
 * the sender has no such active call.
 */
export const MeetingCreate = v.object({
  type: v.literal("meeting-create"),
  title: v.pipe(v.string(), v.trim(), v.minLength(1, "a meeting needs a title"), v.maxLength(MAX_MEETING_TITLE_LENGTH)),
  pin: v.optional(MeetingPin),
  expiresInS: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(MAX_MEETING_TTL_S)),
  capacity: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(MAX_MEETING_SIZE))),
  callId: v.optional(CallId),
});
/**
 * Host → room: ring signed-in host `to` (a name of the `hosts` frame), or
 * every other signed-in host without it, into meeting `meetingId`: each of
 * their dashboards gets `meeting-invite` (with `from`, this host's name).
 * Refused `not_found` for a meeting that is not open, or a `to` not signed in.
 */
export const MeetingRing = v.object({ type: v.literal("meeting-ring"), meetingId: MeetingId, to: v.optional(v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH))) });
/** Host → room: end meeting `meetingId` for everyone in it (`meeting-closed` `ended`); its link then refuses `meeting_ended`. */
export const MeetingEnd = v.object({ type: v.literal("meeting-end"), meetingId: MeetingId });
/** Host → room: end meeting `meetingId` (if open) and forget it; its link then finds nothing (`not_found`). */
export const MeetingDelete = v.object({ type: v.literal("meeting-delete"), meetingId: MeetingId });
/** Host → room: take a participant out (`meeting-closed` `removed`); it cannot join again with its rejoin key. */
export const MeetingRemove = v.object({ type: v.literal("meeting-remove"), meetingId: MeetingId, participantId: ParticipantId });
/** Host → room: admit a participant waiting to join. */
export const MeetingAdmit = v.object({ type: v.literal("meeting-admit"), meetingId: MeetingId, participantId: ParticipantId });
/**
 * Anyone → room: join the meeting whose invite token is `token`, as `name`.
 * Guests give the `pin` when it has one; a signed-in host needs none and is
 * admitted at once. `rejoin`: a secret of 128 random bits the client picks
 * for its first join and repeats on every later one (it is also the `rejoin`
 * of its `meeting` frames), to take its place again after a dropped socket
 * (within {@link RESUME_GRACE_S}), also when the socket dropped before the
 * room's answer came.
 * Refused with `not_found` (no such meeting), `wrong_pin` (rate-limited per
 * client address: `rate_limited`), `meeting_full`, `meeting_expired`,
 * `meeting_ended` or `removed`; else answered with `meeting`.
 */
export const MeetingJoin = v.object({
  type: v.literal("meeting-join"),
  token: MeetingToken,
  name: v.pipe(v.string(), v.trim(), v.minLength(1, "a name is needed"), v.maxLength(MAX_NAME_LENGTH)),
  pin: v.optional(v.pipe(v.string(), v.maxLength(12))),
  rejoin: v.optional(RejoinKey),
});
/** A participant → room: leave its meeting for good (the others hear the new roster). */
export const MeetingLeave = v.object({ type: v.literal("meeting-leave") });
/**
 * An admitted participant → room: signaling for its peer connection with
 * participant `to` of the same meeting (perfect negotiation; exactly one of
 * `description` and `candidate`). Relayed as `meeting-signal` with `from`;
 * refused `not_found` when `to` is not an admitted, connected participant.
 */
const MeetingSignalBody = {
  type: v.literal("meeting-signal"),
  to: ParticipantId,
  description: v.optional(SessionDescription),
  candidate: v.optional(v.nullable(IceCandidate)),
  /** Which RTCPeerConnection of the pair it belongs to, as `signal`'s `generation`. Absent means 0. */
  generation: SignalBody.generation,
};
const MeetingSignalChecked = v.pipe(
  v.object(MeetingSignalBody),
  v.check((s) => (s.description === undefined) !== (s.candidate === undefined), "a signal carries exactly one of description and candidate"),
);

/** Liveness: the room answers `ping` with `pong`, and a client answers the room's `ping` with `pong`. */
export const Ping = v.object({ type: v.literal("ping") });
export const Pong = v.object({ type: v.literal("pong") });

/** Every frame a browser may send. */
export const ClientMessage = v.variant("type", [
  TextMessage,
  CallRequest,
  CancelCall,
  v.object(SignalBody),
  HangUp,
  SetAvailable,
  Accept,
  Decline,
  Ping,
  Pong,
  Reply,
  Read,
  Typing,
  Archive,
  DeleteConversation,
  Older,
  SetHours,
  PushSubscribe,
  PushUnsubscribe,
  PushRing,
  MeetingCreate,
  MeetingRing,
  MeetingEnd,
  MeetingDelete,
  MeetingRemove,
  MeetingAdmit,
  MeetingJoin,
  MeetingLeave,
  v.object(MeetingSignalBody),
]);
export type ClientMessage = v.InferOutput<typeof ClientMessage>;
export type SignalMessage = v.InferOutput<typeof Signal>;

/** Message types only a signed-in host may send. */
export const HOST_ONLY = new Set(["available", "accept", "decline", "reply", "archive", "delete", "older", "hours", "push-subscribe", "push-unsubscribe", "push-ring", "meeting-create", "meeting-ring", "meeting-end", "meeting-delete", "meeting-remove", "meeting-admit"] as const);
/** Message types only a visitor may send. */
export const VISITOR_ONLY = new Set(["text", "call", "cancel"] as const);
type HostOnlyType = typeof HOST_ONLY extends Set<infer T> ? T : never;
type VisitorOnlyType = typeof VISITOR_ONLY extends Set<infer T> ? T : never;
/** Frames a visitor may send. */
export type VisitorMessage = Exclude<ClientMessage, { type: HostOnlyType }>;
/** Frames a signed-in host may send. */
export type HostMessage = Exclude<ClientMessage, { type: VisitorOnlyType }>;

/** Whether only a signed-in host may send `msg` (narrows the rest to {@link VisitorMessage}). */
export function isHostOnly(msg: ClientMessage): msg is Extract<ClientMessage, { type: HostOnlyType }> {
  return (HOST_ONLY as ReadonlySet<string>).has(msg.type);
}
/** Whether only a visitor may send `msg` (narrows the rest to {@link HostMessage}). */
export function isVisitorOnly(msg: ClientMessage): msg is Extract<ClientMessage, { type: VisitorOnlyType }> {
  return (VISITOR_ONLY as ReadonlySet<string>).has(msg.type);
}

/**
 * WebSocket close codes the room uses (RFC 6455 §7.4; 4000–4999 are the
 * application's own). A client reconnects after any but `signedOut`.
 */
export const CloseCode = {
  /** Silent for longer than the liveness timeout (no `pong`). */
  noHeartbeat: 4000,
  /** The socket's resume token was presented by another connection, which took over its call. */
  resumedElsewhere: 4001,
  /** A host socket whose session ended: its token expired, or its key was removed or changed. Sign in again. */
  signedOut: 4003,
  /** A visitor socket whose conversation a host deleted: connecting again starts a new one. */
  conversationDeleted: 4004,
  /** Over the limits of its client address (open sockets, new sockets per second): policy violation. */
  tooManySockets: 1008,
} as const;

/** Seconds a visitor's or host's dropped socket may take to come back before its call or queue place ends. */
export const RESUME_GRACE_S = 30;

/**
 * Seconds the visitor's dropped socket may take to come back when the call was
 * accepted but the visitor had not signaled yet (no answer, no ICE candidate:
 * nothing can have connected). Long enough for a reconnect (the widget retries
 * after 1 s), short enough that a host whose visitor's page is gone is told
 * within seconds: the call then ends as `failed`, not after {@link RESUME_GRACE_S}.
 */
export const UNSIGNALED_GRACE_S = 5;

// ---------------------------------------------------------------- room → client

/** Stable error codes in `error` frames. */
export const ErrorCode = v.picklist([
  "bad_json",
  "bad_message",
  "too_large",
  "rate_limited",
  "forbidden",
  "not_found",
  "queue_full",
  "unavailable",
  "busy",
  /** The conversation has reached `MAX_MESSAGES_PER_CONVERSATION`. */
  "conversation_full",
  /** The room has reached its storage budget (`MAX_ROOM_BYTES`) or `MAX_CONVERSATIONS`. */
  "room_full",
  /** A `call` whose `capabilities` say this browser cannot make it (no WebRTC, microphone or, for video, camera); nobody was rung. */
  "cannot_call",
  /** `meeting-join` with a PIN that is not the meeting's. */
  "wrong_pin",
  /** `meeting-join` to a meeting that has as many people as its capacity. */
  "meeting_full",
  /** `meeting-join` to a meeting past its expiry. */
  "meeting_expired",
  /** `meeting-join` to a meeting a host ended. */
  "meeting_ended",
  /** `meeting-join` by a participant a host removed from that meeting. */
  "removed",
]);
export type ErrorCode = v.InferOutput<typeof ErrorCode>;

/**
 * Why a call ended, as told to each peer. `failed`: one side could not
 * connect — it hung up with `reason: "failed"` (no ICE path, gave up
 * connecting, its page closed before the call connected), or the visitor's
 * socket went before it ever signaled for the accepted call and did not come
 * back within `UNSIGNALED_GRACE_S`. `moved`: the
 * call goes on in a meeting (a peer hung up with `reason: "moved"`); nothing
 * to show, the media has moved.
 */
export const EndReason = v.picklist(["hangup", "disconnected", "unavailable", "cancelled", "no-answer", "failed", "moved"]);
export type EndReason = v.InferOutput<typeof EndReason>;

/** RTCIceServer as accepted by `new RTCPeerConnection({iceServers})` (W3C webrtc-pc §4.2.4). */
export const IceServer = v.object({
  urls: v.union([v.string(), v.array(v.string())]),
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
});
export type IceServer = v.InferOutput<typeof IceServer>;

/**
 * Where a call stands, as its entry in the conversation's timeline says:
 * `ringing` (asked for: ringing, or waiting in line), `in-call` (a host
 * answered, the call goes on), then how it ended: `answered` (with its
 * duration), `missed` (rang out, or every host went away), `declined` (by
 * every free host), `cancelled` (the visitor gave up before an answer) or
 * `failed` (answered, but the peers could not connect).
 */
export const CallState = v.picklist(["ringing", "in-call", "answered", "missed", "declined", "cancelled", "failed"]);
export type CallState = v.InferOutput<typeof CallState>;

/**
 * A call as an entry of its conversation's timeline: stored when the visitor
 * calls, updated (same message id) when a host answers and when it ends.
 */
export const CallLog = v.object({
  callId: CallId,
  media: CallMedia,
  state: CallState,
  /** Seconds from the answer to the end, once an answered call has ended. */
  durationS: v.optional(v.number()),
  /** The host who answered. */
  by: v.optional(v.string()),
});
export type CallLog = v.InferOutput<typeof CallLog>;

/**
 * A file as a message carries it: its id (to ask for its link, `GET file/link`
 * of `protocol/http.ts`), its type (one of `protocol/media.ts`), the name it
 * was uploaded with, its size in bytes, and for a recording its length in
 * seconds as the uploader declared it.
 */
export const FileRef = v.object({
  id: v.string(),
  type: v.string(),
  name: v.optional(v.string()),
  size: v.number(),
  durationS: v.optional(v.number()),
});
export type FileRef = v.InferOutput<typeof FileRef>;

/**
 * One message of a conversation. `files`: what it carries (a message may be
 * files only, with empty `text`). `delivered`: a visitor message reached a
 * host's dashboard or Slack. `slack`/`slackError` (hosts only): where its
 * Slack post stands. `call`: the entry is a call the visitor made, not a
 * message (its `text` says the same in English, for plain-text readers);
 * a `message` frame with the same id brings its next state.
 */
export const ConversationMessage = v.object({
  id: v.string(),
  clientId: v.optional(v.string()),
  from: v.picklist(["visitor", "host"]),
  /** The host's name (or "Slack") for host messages. */
  by: v.optional(v.string()),
  text: v.string(),
  at: v.number(),
  delivered: v.optional(v.boolean()),
  slack: v.optional(v.picklist(["pending", "sent", "failed"])),
  slackError: v.optional(v.string()),
  call: v.optional(CallLog),
  files: v.optional(v.array(FileRef)),
  /** A visitor's call-back request: the phone number or email to call back on; `text` is its note. */
  callBack: v.optional(v.string()),
});
export type ConversationMessage = v.InferOutput<typeof ConversationMessage>;

/**
 * Who the visitor of a conversation is, as far as the room knows: what they
 * gave (name, email), where they wrote or called from (page), their time zone,
 * and browser, operating system and device type (from the `User-Agent` of
 * their latest socket, e.g. `Firefox 128`, `Linux`, `desktop`). `createdAt`:
 * first seen, ms since the epoch.
 */
const VisitorDetails = {
  name: v.optional(v.string()),
  email: v.optional(v.string()),
  page: v.optional(v.string()),
  timeZone: v.optional(v.string()),
  browser: v.optional(v.string()),
  os: v.optional(v.string()),
  device: v.optional(v.string()),
  createdAt: v.optional(v.number()),
};

/** A conversation as the dashboard lists it. */
const ConversationSummary = v.object({
  id: v.string(),
  ...VisitorDetails,
  updatedAt: v.number(),
  messages: v.array(ConversationMessage),
  /** The visitor has seen host messages up to this time (ms since the epoch). */
  visitorReadAt: v.optional(v.number()),
  /** A host has seen visitor messages up to this time (ms since the epoch). */
  hostReadAt: v.optional(v.number()),
});

/**
 * RTCConfiguration.iceTransportPolicy (W3C webrtc-pc §4.2.1): `all` uses every
 * candidate, `relay` only TURN-relayed ones (hides both peers' addresses).
 */
export const IceTransportPolicy = v.picklist(["all", "relay"]);
export type IceTransportPolicy = v.InferOutput<typeof IceTransportPolicy>;

/**
 * What each peer of one call is handed to build its RTCPeerConnection, in
 * `accepted` and `resumed`: the ICE servers, including TURN credentials minted
 * for this connection and call (TURN REST API, draft-uberti-behave-turn-rest-00),
 * and the transport policy.
 */
const CallIceFields = {
  iceServers: v.optional(v.array(IceServer)),
  iceTransportPolicy: v.optional(IceTransportPolicy),
};

/** A waiting call as the dashboard lists it, with who is calling (their conversation's details). */
const QueueEntry = v.object({
  callId: CallId,
  name: v.optional(v.string()),
  email: v.optional(v.string()),
  page: v.optional(v.string()),
  /** The caller's conversation, where the call is logged. */
  conversationId: v.optional(v.string()),
  media: CallMedia,
  /** `ringing` (answer now), `queued` (waiting in line) or `reconnecting` (visitor's socket dropped). */
  state: v.picklist(["ringing", "queued", "reconnecting"]),
  /** Place in line, from 1, while queued. */
  position: v.optional(v.number()),
  /** When the visitor asked, ms since the epoch. */
  since: v.number(),
  /** True when it is ringing for this host (not declined by it, host free). */
  ringsHere: v.boolean(),
});

/**
 * Who a visitor is reaching, as the room is configured (`HOST_NAME`,
 * `HOST_AVATAR`, `HOST_TAGLINE`, `HOST_AWAY`); every field optional, each
 * bounded. `avatar` is an `https:` URL (or `http://localhost…`), shown only
 * as an image.
 */
export const HostProfile = v.object({
  /** Display name, e.g. "Ada Lovelace" (≤ {@link MAX_HOST_NAME_LENGTH}). */
  name: v.optional(v.pipe(v.string(), v.maxLength(MAX_HOST_NAME_LENGTH))),
  /** URL of the host's picture (≤ {@link MAX_HOST_AVATAR_LENGTH}). */
  avatar: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(MAX_HOST_AVATAR_LENGTH),
      v.regex(/^(https:\/\/|http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$))/i, "expected an https URL"),
    ),
  ),
  /** One line under the name, e.g. "Usually replies within a day" (≤ {@link MAX_HOST_TAGLINE_LENGTH}). */
  tagline: v.optional(v.pipe(v.string(), v.maxLength(MAX_HOST_TAGLINE_LENGTH))),
  /** What to tell visitors while no host is available, e.g. "Back Monday 9:00 CET" (≤ {@link MAX_HOST_AWAY_LENGTH}). */
  away: v.optional(v.pipe(v.string(), v.maxLength(MAX_HOST_AWAY_LENGTH))),
});
export type HostProfile = v.InferOutput<typeof HostProfile>;

/** A participant of a meeting as the others see it. */
const MeetingPeer = v.object({ id: v.string(), name: v.string(), host: v.boolean(), connected: v.boolean() });

/** A meeting as the dashboards list it. */
const MeetingSummary = v.object({
  id: v.string(),
  token: v.string(),
  title: v.string(),
  pin: v.boolean(),
  createdAt: v.number(),
  expiresAt: v.number(),
  capacity: v.number(),
  state: v.picklist(["open", "ended", "expired"]),
  participants: v.array(v.object({ id: v.string(), name: v.string(), host: v.boolean(), connected: v.boolean(), state: v.picklist(["waiting", "admitted"]) })),
});
export type MeetingSummary = v.InferOutput<typeof MeetingSummary>;

export const ServerMessage = v.variant("type", [
  /** First frame on every connection. */
  v.object({
    type: v.literal("welcome"),
    protocol: v.number(),
    role: v.picklist(["host", "visitor"]),
    /** This connection's id. */
    id: v.string(),
    /**
     * RTCIceServer list for RTCPeerConnection (STUN/TURN). To hosts, with TURN
     * credentials minted for this connection (as `accepted` carries them;
     * their username starts with their expiry, s since the epoch), so a
     * dashboard can build its peer connection and start its offer while its
     * `accept` is on the way.
     */
    iceServers: v.array(IceServer),
    /** Hosts: the ICE transport policy calls use (as `accepted` carries it). */
    iceTransportPolicy: v.optional(IceTransportPolicy),
    /** Host display name (hosts only). */
    name: v.optional(v.string()),
    /** Visitors: token to present as `?resume=` when reconnecting (keeps queue place and call for 30 s). */
    resumeToken: v.optional(v.string()),
    /** Visitors: token to keep (localStorage) and present as `?conversation=`, to find the conversation again. */
    conversationToken: v.optional(v.string()),
    /** Visitors: who they are reaching, when the room configures any of it. */
    profile: v.optional(HostProfile),
    /**
     * Visitors: the room's limits on what they send. `maxRecordingS`: the
     * longest recorded message the room takes, in seconds (`MAX_RECORDING_S`);
     * the widget's recorder stops by itself there.
     */
    limits: v.optional(v.object({ maxRecordingS: v.number() })),
  }),
  /**
   * Whether any host is available; pushed on every change. To visitors, false
   * outside the business hours whatever the hosts' switches say, with
   * `nextOpen`: when the hours next open, ms since the epoch (absent inside
   * the hours, or when no day is open). `calls`: whether a call can ring now —
   * a host is available at a dashboard whose browser can take calls (see
   * `available`'s `capabilities`), or by push; false while `available` is true
   * means messages only. Absent (older rooms): the same as `available`.
   */
  v.object({ type: v.literal("presence"), available: v.boolean(), calls: v.optional(v.boolean()), nextOpen: v.optional(v.number()) }),
  /**
   * To hosts: the room's business hours (`null`: none, always open), where
   * they come from (`config`: `BUSINESS_HOURS`; `dashboard`: set by a host),
   * whether they are open now, and when that next changes (ms since the
   * epoch; absent when it never does). Sent on connect, when a host changes
   * them, and at each opening and closing.
   */
  v.object({
    type: v.literal("hours"),
    hours: v.nullable(BusinessHours),
    source: v.picklist(["config", "dashboard"]),
    open: v.boolean(),
    nextChange: v.optional(v.number()),
  }),
  /**
   * To a host's dashboards: Web Push for this host. `publicKey` is the room's
   * VAPID public key (RFC 8292 §3.2), base64url, for
   * `PushManager.subscribe({applicationServerKey})`; absent when the room
   * cannot push (its VAPID configuration is wrong). `ring` is "Ring my
   * devices"; `devices` are this host's subscriptions, oldest first, with when
   * each was added (ms since the epoch). Sent on connect and on each change.
   */
  v.object({
    type: v.literal("push"),
    publicKey: v.optional(v.string()),
    ring: v.boolean(),
    devices: v.array(v.object({ id: v.string(), label: v.optional(v.string()), endpoint: v.string(), at: v.number() })),
  }),
  /** To hosts: who is signed in. */
  v.object({
    type: v.literal("hosts"),
    hosts: v.array(v.object({ name: v.string(), available: v.boolean(), inCall: v.boolean() })),
  }),
  /** To hosts: every waiting call, in queue order (a snapshot, sent on each change). */
  v.object({ type: v.literal("queue"), calls: v.array(QueueEntry) }),
  /** To hosts: calls that rang out unanswered, newest first. */
  v.object({
    type: v.literal("missed"),
    calls: v.array(
      v.object({ callId: CallId, name: v.optional(v.string()), media: CallMedia, at: v.number(), conversationId: v.optional(v.string()) }),
    ),
  }),
  /** To the sender: the room stored its message (`id`), matched by `clientId`. */
  v.object({ type: v.literal("sent"), id: v.string(), clientId: v.optional(v.string()), at: v.number() }),
  /** To a visitor: its conversation so far, oldest first; `hostReadAt`: a host has seen its messages up to then (ms). */
  v.object({ type: v.literal("history"), messages: v.array(ConversationMessage), hostReadAt: v.optional(v.number()) }),
  /**
   * The other side is typing in `conversationId` (to hosts: the visitor, with
   * the conversation's `name`; to the visitor: a host, with its name). Show it
   * for about 2 × {@link TYPING_EVERY_MS} unless repeated.
   */
  v.object({ type: v.literal("typing"), conversationId: v.string(), from: v.picklist(["visitor", "host"]), name: v.optional(v.string()) }),
  /**
   * `by` has seen the other side's messages of `conversationId` up to `at`
   * (ms): to the visitor when a host opens it, to every dashboard either way.
   */
  v.object({ type: v.literal("seen"), conversationId: v.string(), by: v.picklist(["visitor", "host"]), at: v.number() }),
  /** To hosts: a host archived `conversationId` (or put it back: `archived: false`). */
  v.object({ type: v.literal("archived"), conversationId: v.string(), archived: v.boolean() }),
  /** To hosts: a host deleted `conversationId`; the room keeps nothing of it. */
  v.object({ type: v.literal("deleted"), conversationId: v.string() }),
  /**
   * To a host: a page of at most {@link CONVERSATIONS_PAGE} conversations
   * (archived ones aside), newest activity first. On connect the first page
   * (no `cursor`: it replaces the list); then the page asked for with `older`
   * (its `cursor`: it extends the list). `next`: the cursor of the page after
   * this one, absent at the end.
   */
  v.object({ type: v.literal("conversations"), conversations: v.array(ConversationSummary), cursor: v.optional(v.string()), next: v.optional(v.string()) }),
  /**
   * A new or updated message of a conversation: to hosts (with the
   * conversation's details) and to that conversation's visitor.
   */
  v.object({
    type: v.literal("message"),
    conversationId: v.string(),
    message: ConversationMessage,
    conversation: v.optional(v.object(VisitorDetails)),
  }),
  /**
   * To the visitor: its call is ringing at the hosts. `via: "push"` when it
   * rings only on a host's devices, by push ("Ringing Ada's phone…"): no
   * dashboard is open, so it may take longer to answer.
   */
  v.object({ type: v.literal("ringing"), callId: CallId, media: CallMedia, via: v.optional(v.literal("push")) }),
  /** To the visitor: every host is busy; it waits in line at `position` (from 1). */
  v.object({ type: v.literal("queued"), callId: CallId, media: CallMedia, position: v.number() }),
  /**
   * To both peers: the call is accepted; start negotiating. `polite` is this
   * side's role in perfect negotiation (the visitor is polite).
   */
  v.object({
    type: v.literal("accepted"),
    callId: CallId,
    media: CallMedia,
    polite: v.boolean(),
    peerName: v.optional(v.string()),
    /** To the host: the caller's conversation. */
    conversationId: v.optional(v.string()),
    /**
     * To the visitor: the host's offer, when the host made it while the call
     * rang (`accept` carried it): the first signal of the call, to answer
     * before anything else.
     */
    description: v.optional(SessionDescription),
    ...CallIceFields,
  }),
  /**
   * To a peer that reconnected: its call goes on (keep the RTCPeerConnection).
   * Fresh TURN credentials replace the old ones for later ICE restarts.
   */
  v.object({
    type: v.literal("resumed"),
    callId: CallId,
    media: CallMedia,
    polite: v.boolean(),
    peerName: v.optional(v.string()),
    conversationId: v.optional(v.string()),
    ...CallIceFields,
  }),
  /** To the other hosts: `by` accepted the call. */
  v.object({ type: v.literal("answered"), callId: CallId, by: v.string() }),
  /** To the visitor: the hosts declined. */
  v.object({ type: v.literal("declined"), callId: CallId }),
  /** Relayed from the other peer of `callId`. */
  Signal,
  /** To a peer: the other side's socket dropped (`false`) or came back (`true`). */
  v.object({ type: v.literal("peer"), callId: CallId, connected: v.boolean() }),
  /** To either peer: the call is over. */
  v.object({ type: v.literal("ended"), callId: CallId, reason: EndReason }),
  /**
   * To hosts: every meeting of the room, newest first, with its invite
   * `token`, whether it has a PIN, its expiry (ms since the epoch), capacity,
   * state and who is in it or waiting. Sent on connect and on each change.
   */
  v.object({ type: v.literal("meetings"), meetings: v.array(MeetingSummary) }),
  /**
   * To a participant: where it stands in its meeting, on joining and on every
   * change. `you`: its participant id; `rejoin`: the key to take its place
   * again after a dropped socket; `state`: `waiting` (for a host to admit it)
   * or `admitted`; `participants`: the admitted ones (itself included), each
   * with whether its socket is `connected`. Open a peer connection to each
   * other admitted participant; the one with the lower id is the polite peer.
   */
  v.object({
    type: v.literal("meeting"),
    meetingId: v.string(),
    title: v.string(),
    you: v.string(),
    rejoin: v.string(),
    state: v.picklist(["waiting", "admitted"]),
    participants: v.array(MeetingPeer),
    ...CallIceFields,
  }),
  /** Relayed from participant `from` of the same meeting. */
  v.pipe(
    v.object({
      type: v.literal("meeting-signal"),
      from: v.string(),
      description: v.optional(SessionDescription),
      candidate: v.optional(v.nullable(IceCandidate)),
      generation: SignalBody.generation,
    }),
    v.check((s) => (s.description === undefined) !== (s.candidate === undefined), "a signal carries exactly one of description and candidate"),
  ),
  /**
   * To a host's dashboards, rung into a meeting by host `from`
   * (`meeting-ring`): its id, invite `token` and title; join it with
   * `meeting-join`. To both peers of a call that became a meeting
   * (`meeting-create` with `callId`), also `callId`, this side's place
   * (`rejoin`, for its `meeting-join`) and `peer`, the participant id of the
   * call's other side.
   */
  v.object({
    type: v.literal("meeting-invite"),
    meetingId: v.string(),
    token: v.string(),
    title: v.string(),
    from: v.string(),
    callId: v.optional(CallId),
    rejoin: v.optional(v.string()),
    peer: v.optional(v.string()),
  }),
  /**
   * To a participant: it is out of its meeting — a host `ended` or `deleted`
   * it, `removed` this participant, or it `expired`. Close every peer connection.
   */
  v.object({ type: v.literal("meeting-closed"), meetingId: v.string(), reason: v.picklist(["ended", "removed", "deleted", "expired"]) }),
  /** Liveness, both ways. */
  v.object({ type: v.literal("ping") }),
  v.object({ type: v.literal("pong") }),
  /** A frame was refused; the connection stays usable. */
  v.object({ type: v.literal("error"), code: ErrorCode, message: v.string() }),
]);
export type ServerMessage = v.InferOutput<typeof ServerMessage>;

// ---------------------------------------------------------------- peer ↔ peer

/**
 * Frames the two peers of a call exchange directly over their RTCDataChannel
 * (label {@link CONTROL_CHANNEL}), so they work while the room is unreachable:
 * - `hangup`: the sender ended the call;
 * - `mute`: the sender's microphone (`audio`) or camera (`video`) is off
 *   (`true`) or on; sent when the channel opens and on every change;
 * - `screen`: the sender shares its screen (`getDisplayMedia`, W3C Screen
 *   Capture) as the video track of the MediaStream whose id is `stream` (the
 *   id travels in the SDP's `a=msid`, so the receiver finds the track by
 *   `RTCTrackEvent.streams[0].id`), or stopped sharing (`stream: null`). Sent
 *   before the track is added, when the channel opens, and on every change.
 */
export const PeerMessage = v.variant("type", [
  v.object({ type: v.literal("hangup") }),
  v.object({ type: v.literal("mute"), audio: v.boolean(), video: v.boolean() }),
  v.object({ type: v.literal("screen"), stream: v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(128))) }),
]);
export type PeerMessage = v.InferOutput<typeof PeerMessage>;

/** Label of the call's control RTCDataChannel. */
export const CONTROL_CHANNEL = "contact-me";

/** Validate a frame received on the control channel (at most 4 KiB). */
export function parsePeerMessage(raw: string | ArrayBuffer | ArrayBufferView): Parsed<PeerMessage> {
  return parseJsonFrame(PeerMessage, raw, 4096);
}

/** Narrow a union member by its `type`. */
export type MessageOf<U extends { type: string }, T extends U["type"]> = Extract<U, { type: T }>;

/** Result of parsing one frame. */
export type Parsed<T> =
  | { ok: true; message: T }
  | { ok: false; code: "bad_json" | "bad_message" | "too_large"; message: string };

/**
 * Default issue messages name what was expected, never what was received, so
 * an error frame cannot reflect a stranger's input back.
 */
const PARSE_CONFIG: v.Config<v.BaseIssue<unknown>> = {
  abortEarly: true,
  message: (issue) => (issue.expected ? `expected ${issue.expected}` : `invalid ${issue.type}`),
};

/**
 * Parse one WebSocket frame as JSON validated by `schema`: binary frames,
 * frames over `maxBytes` of UTF-8, bad JSON and schema failures become error
 * codes with a reason that names what was expected, never what was received.
 * Shared by this protocol and the y-webrtc party's.
 */
export function parseJsonFrame<T>(
  schema: v.GenericSchema<unknown, T>,
  raw: string | ArrayBuffer | ArrayBufferView,
  maxBytes: number,
): Parsed<T> {
  if (typeof raw !== "string") return { ok: false, code: "bad_message", message: "binary frames are not accepted" };
  // A UTF-16 code unit is at most 3 UTF-8 bytes; only measure exactly when close.
  if (raw.length * 3 > maxBytes && new TextEncoder().encode(raw).byteLength > maxBytes) {
    return { ok: false, code: "too_large", message: `frame exceeds ${maxBytes} bytes` };
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: "bad_json", message: "frame is not valid JSON" };
  }
  const result = v.safeParse(schema, data, PARSE_CONFIG);
  if (result.success) return { ok: true, message: result.output };
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  // A variant's own issue would list every type the protocol has (a line that grows with it): say it in a few words.
  const message = issue.type === "variant" && path === "type" ? "not a frame type of this protocol" : issue.message;
  return { ok: false, code: "bad_message", message: path ? `${path}: ${message}` : message };
}

/**
 * Validate a frame from a browser.
 * @param raw the WebSocket message as received
 * @returns the typed message, or an error code (`bad_json`, `bad_message`,
 *   `too_large`) with a human-readable reason that never echoes the input
 */
export function parseClientMessage(raw: string | ArrayBuffer | ArrayBufferView): Parsed<ClientMessage> {
  const parsed = parseJsonFrame(ClientMessage, raw, MAX_FRAME_BYTES);
  if (
    parsed.ok &&
    (parsed.message.type === "text" || parsed.message.type === "reply") &&
    parsed.message.text === "" &&
    !parsed.message.files?.length &&
    !(parsed.message.type === "text" && parsed.message.callBack)
  ) {
    return { ok: false, code: "bad_message", message: "text: message is empty" };
  }
  if (parsed.ok && parsed.message.type === "meeting-signal") {
    const checked = v.safeParse(MeetingSignalChecked, parsed.message, PARSE_CONFIG);
    if (!checked.success) return { ok: false, code: "bad_message", message: checked.issues[0].message };
  }
  if (parsed.ok && parsed.message.type === "signal") {
    const checked = v.safeParse(Signal, parsed.message, PARSE_CONFIG);
    if (!checked.success) return { ok: false, code: "bad_message", message: checked.issues[0].message };
  }
  return parsed;
}

/** Validate a frame from the room; same contract as {@link parseClientMessage}. */
export function parseServerMessage(raw: string | ArrayBuffer | ArrayBufferView): Parsed<ServerMessage> {
  return parseJsonFrame(ServerMessage, raw, Number.POSITIVE_INFINITY);
}
