/**
 * What each refusal of the room (`error` frames, `code` from
 * `protocol/socket.ts`) tells the person, shared by both elements, and the
 * notice that shows it: on the visitor's panel until the next action, on the
 * dashboard for a few seconds.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { ErrorCode } from "../../protocol/socket.ts";
import type { Problem } from "../strings.ts";
import type { SignalingController } from "./signaling.ts";

/** Texts for the room's refusals, one per `ErrorCode` (see {@link errorKey}). */
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
  errorCannotCall: "Calls cannot be made from this browser; send a message instead.",
  errorWrongPin: "That PIN is not this meeting's. Check it and try again.",
  errorMeetingFull: "This meeting is full.",
  errorMeetingExpired: "This meeting link has expired.",
  errorMeetingEnded: "This meeting has ended.",
  errorRemoved: "The host removed you from this meeting.",
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
  cannot_call: "errorCannotCall",
  wrong_pin: "errorWrongPin",
  meeting_full: "errorMeetingFull",
  meeting_expired: "errorMeetingExpired",
  meeting_ended: "errorMeetingEnded",
  removed: "errorRemoved",
};

/** The string key for a room error code (`error` frame `code`). */
export function errorKey(code: ErrorCode): keyof ErrorStrings {
  return ERROR_KEYS[code] ?? "errorBadMessage";
}

/**
 * The notice an element shows: every refusal from the room (logged with the
 * room's reason), or a passing message of the element's own
 * ({@link NoticeController.show}). With `durationMs` a notice clears itself;
 * without, it stays until {@link NoticeController.clear}.
 */
export class NoticeController<K extends string = string> implements ReactiveController {
  /** What to show, as a string key of the element; undefined when nothing. */
  notice: Problem<K | keyof ErrorStrings> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    signaling: SignalingController,
    private readonly durationMs?: number,
  ) {
    host.addController(this);
    signaling.on("error", (message) => {
      console.warn(`contact-me: ${message.code}: ${message.message}`);
      this.show({ key: errorKey(message.code) });
    });
  }

  /** Show `notice` (replacing any). */
  show(notice: Problem<K | keyof ErrorStrings>): void {
    this.notice = notice;
    clearTimeout(this.timer);
    if (this.durationMs !== undefined) this.timer = setTimeout(() => this.clear(), this.durationMs);
    this.host.requestUpdate();
  }

  /** Hide the notice. */
  clear(): void {
    clearTimeout(this.timer);
    if (this.notice === undefined) return;
    this.notice = undefined;
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
  }
}
