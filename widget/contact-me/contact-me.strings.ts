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
  /** Instead of the call buttons in a known in-app browser (Facebook, Instagram, TikTok, LinkedIn), with {@link copyLink}. */
  callsInApp: "Open this page in your browser to call",
  /** Instead of the call buttons when the browser has no WebRTC (or it is switched off). */
  callsNoWebrtc: "This browser cannot make calls. Messages still work.",
  /** Instead of the call buttons on a page that is not secure (plain http). */
  callsInsecure: "Calls need a secure (https) page. Messages still work.",
  /** Instead of the call buttons when the embedding page does not allow the microphone (Permissions-Policy). */
  callsBlockedByPage: "This page does not allow the camera and microphone, so calls are off. Messages still work.",
  /** Instead of the call buttons when no microphone is found. */
  callsNoMicrophone: "No microphone found, so calls are off. Messages still work.",
  /** Under **Audio call** when the embedding page allows the microphone but not the camera. */
  videoBlockedByPage: "This page does not allow the camera, so only audio calls are possible.",
  /** Instead of the call buttons while the host is available only at a browser that cannot take calls. */
  callsHostCannot: "Calls are not possible right now. Send a message instead.",
  /** Where no call can be made: opens the call-back form; `{name}` is the host's name. */
  callBackOffer: "Leave your number or email and {name} will get back to you",
  /** The same, when the room gives no host name. */
  callBackOfferNoName: "Leave your number or email and the host will get back to you",
  /** The call-back form's contact field. */
  callBackContact: "Phone or email",
  /** The call-back form's optional note. */
  callBackNote: "Note (optional)",
  /** The call-back form's submit button. */
  callBackSend: "Ask to be called back",
  /** Heads the visitor's own call-back request in the conversation; `{contact}` is what they gave. */
  callBackSent: "Call me back: {contact}",
  /** Copies this page's address, beside {@link callsInApp}. */
  copyLink: "Copy link",
  /** Once {@link copyLink} has copied the address. */
  linkCopied: "Link copied",
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
