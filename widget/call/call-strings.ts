/**
 * Strings of the call controls and of problems, shared by both elements and
 * loaded with the visitor's panel (not with the launcher). Problems found
 * inside the call code (a blocked camera, a connection that failed) and
 * refusals from the room (`error` frames) travel as keys ({@link Problem},
 * {@link errorKey}) and become text only when an element renders them, so a
 * site's `strings` override applies to them too.
 * @module
 */
import type { ErrorCode } from "../../protocol/socket.ts";
import { format } from "../strings.ts";

/** Strings of the call controls, shared by both elements. */
export const callStrings = {
  mute: "Mute",
  unmute: "Unmute",
  cameraOff: "Camera off",
  cameraOn: "Camera on",
  turnOnVideo: "Turn on video",
  microphone: "Microphone",
  camera: "Camera",
  duration: "Call time",
  quality: "Connection",
  good: "Good",
  fair: "Fair",
  poor: "Poor",
  peerMuted: "{name} is muted",
  peerCameraOff: "{name}'s camera is off",
  theHost: "The host",
  theVisitor: "The visitor",
  device: "Device {n}",
  blocked: "Camera or microphone blocked",
  blockedHelp:
    "Allow this site to use your camera and microphone: click the camera or lock icon in the address bar (or open the browser's site settings), choose Allow, then try again.",
  noDevice: "No microphone or camera was found.",
  deviceError: "Could not start the camera or microphone ({name}).",
  switchFailed: "Could not switch to that device.",
  videoFailed: "Could not turn on the camera.",
  peerFailed: "The other side could not connect.",
  noRelay: "Could not get a relay address from the TURN server.",
  noAddress: "Found no network address to connect from.",
  connectionFailed: "The connection failed and could not be restored.",
  negotiationFailed: "The call could not be set up.",
};

export type CallStrings = typeof callStrings;

/**
 * Texts for the room's refusals, one per `ErrorCode` of `protocol/socket.ts`
 * (see {@link errorKey}). `<contact-me-host>` has its own `errorBusy`.
 */
export const errorStrings = {
  errorBadJson: "That could not be sent. Please try again.",
  errorBadMessage: "That request was not understood. Reload the page and try again.",
  errorTooLarge: "That is too long to send.",
  errorRateLimited: "Too many requests; wait a few seconds and try again.",
  errorForbidden: "That is not allowed.",
  errorNotFound: "That call or conversation has already ended.",
  errorQueueFull: "Too many people are waiting; please leave a message instead.",
  errorUnavailable: "The host is away; send a message instead.",
  errorBusy: "You already have a call in progress.",
  errorConversationFull: "This conversation is full; the host has your messages and will reply.",
  errorRoomFull: "Messages cannot be taken right now; please try again later.",
};

export type ErrorStrings = typeof errorStrings;

const ERROR_KEYS: Record<ErrorCode, keyof ErrorStrings> = {
  bad_json: "errorBadJson",
  bad_message: "errorBadMessage",
  too_large: "errorTooLarge",
  rate_limited: "errorRateLimited",
  forbidden: "errorForbidden",
  not_found: "errorNotFound",
  queue_full: "errorQueueFull",
  unavailable: "errorUnavailable",
  busy: "errorBusy",
  conversation_full: "errorConversationFull",
  room_full: "errorRoomFull",
};

/** The string key for a room error code (`error` frame `code`). */
export function errorKey(code: ErrorCode): keyof ErrorStrings {
  return ERROR_KEYS[code] ?? "errorBadMessage";
}

/**
 * Something to tell the person, as a string key and the values of its
 * placeholders: e.g. `{key: "deviceError", params: {name: "NotReadableError"}}`.
 */
export interface Problem<K extends string = keyof CallStrings | keyof ErrorStrings> {
  key: K;
  params?: Record<string, string | number>;
}

/** The text of a {@link Problem} in the strings `s` (defaults plus overrides). */
export function problemText<S extends Record<string, string>>(problem: Problem<keyof S & string>, s: S): string {
  return format(s[problem.key] ?? problem.key, problem.params);
}
