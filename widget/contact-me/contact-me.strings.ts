/**
 * The strings of `<contact-me>`, with their defaults: the button and the
 * panel. The call view's are in `call/call.strings.ts`, the room's refusals
 * in `room/errors.ts` (both load with the panel); a site overrides any of
 * them with the element's `strings`.
 * @module
 */

/** Strings of `<contact-me>`. */
export const visitorStrings = {
  launcher: "Contact me",
  /** The button while a call goes on with the panel closed, followed by the call's time. */
  inCall: "In call",
  title: "Contact",
  available: "Available",
  away: "Away",
  connecting: "Connecting…",
  reconnecting: "Reconnecting…",
  unreachable: "Can't reach the server — retrying",
  retry: "Retry",
  close: "Close",
  back: "Back",
  sendMessage: "Send a message",
  audioCall: "Audio call",
  videoCall: "Video call",
  awayHint: "Calls are possible when the host is available. Messages always reach them.",
  /** The menu while no host is available, with the host's name (`HOST_NAME` or `host-name`). */
  nameIsAway: "{name} is away",
  /** The menu while no host is available, when the host has no name. */
  hostIsAway: "The host is away",
  /**
   * In the menu outside the room's business hours: when they next open, as
   * `{when}`, e.g. "Monday 9:00", in the visitor's own time zone and locale.
   */
  backAt: "Back {when}",
  /** Under the email field while the host is away. Nothing is emailed: the host sees the address with the message. */
  emailHint: "Leave your email so {name} can reply to you there",
  /** {@link emailHint} when the host has no name. */
  emailHintNoName: "Leave your email so the host can reply to you there",
  /** Under the message box. */
  enterHint: "Enter sends · Shift+Enter for a new line",
  /** Expands the name and email given earlier, shown on one line. */
  change: "Change",
  /** Accessible name of the one-line name and email. */
  yourDetails: "Your details",
  message: "Message",
  yourName: "Your name",
  email: "Email",
  send: "Send",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  /** Under the visitor's last message once a host has seen it. */
  seen: "Seen",
  /** While a host types a reply. */
  hostTyping: "{name} is typing…",
  notSent: "Not sent",
  unread: "{n} unread",
  leaveMessage: "Leave a message",
  tryAgain: "Try again",
  tryAudio: "Try an audio call instead",
  peerReconnecting: "Host reconnecting…",
  remoteVideo: "Host's video",
  newCall: "Done",
};

export type VisitorStrings = typeof visitorStrings;
