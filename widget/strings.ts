/**
 * Every visible string of the elements, with its default. Labels named in the
 * public UI contract (roles and names) keep these defaults.
 *
 * A string may hold placeholders in braces (`{n}`, `{name}`), filled by
 * {@link format}. The call controls' strings and the errors' are in
 * `call-strings.ts`, which loads with the visitor's panel.
 * @module
 */

/** Strings of `<contact-me>`. */
export const visitorStrings = {
  launcher: "Contact me",
  title: "Contact",
  available: "Available",
  away: "Away",
  connecting: "Connecting…",
  reconnecting: "Reconnecting…",
  close: "Close",
  back: "Back",
  sendMessage: "Send a message",
  audioCall: "Audio call",
  videoCall: "Video call",
  awayHint: "Calls are possible when the host is available. Messages always reach them.",
  message: "Message",
  yourName: "Your name",
  email: "Email",
  send: "Send",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  unread: "{n} unread",
  preparing: "Starting camera and microphone…",
  calling: "Calling…",
  callConnecting: "Connecting…",
  connected: "Connected",
  callReconnecting: "Reconnecting…",
  declined: "Declined",
  ended: "Call ended",
  failed: "Connection failed",
  blocked: "Camera or microphone blocked",
  unavailable: "The host is not available",
  busy: "You already have a call in progress",
  queued: "Position {n} in line",
  noAnswer: "No answer",
  queueFull: "Too many people are waiting right now",
  leaveMessage: "Leave a message instead",
  peerReconnecting: "Host reconnecting…",
  cancel: "Cancel",
  hangUp: "Hang up",
  newCall: "Done",
  remoteVideo: "Host's video",
  localVideo: "Your camera",
};

/** Strings of `<contact-me-host>`. */
export const hostStrings = {
  title: "Host dashboard",
  hostKey: "Host key",
  signIn: "Sign in",
  signingIn: "Signing in…",
  wrongKey: "Wrong host key",
  signOut: "Sign out",
  signedInAs: "Signed in as",
  available: "Available",
  connecting: "Connecting…",
  reconnecting: "Reconnecting…",
  incoming: "Incoming calls",
  incomingAudio: "Incoming audio call",
  incomingVideo: "Incoming video call",
  waitingAudio: "Waiting: audio call",
  waitingVideo: "Waiting: video call",
  position: "Position {n} in line",
  answeredBy: "Answered by {name}",
  signedIn: "Signed in",
  hostAvailable: "available",
  hostInCall: "in a call",
  hostAway: "away",
  missed: "Missed calls",
  missedAudio: "Missed audio call",
  missedVideo: "Missed video call",
  peerReconnecting: "Visitor reconnecting…",
  from: "from",
  visitor: "a visitor",
  silence: "Silence",
  accept: "Accept",
  decline: "Decline",
  messages: "Messages",
  noMessages: "No messages yet.",
  reply: "Reply",
  send: "Send",
  you: "You",
  slackFailed: "not posted to Slack",
  call: "Call",
  callConnecting: "Connecting…",
  connected: "Connected",
  callReconnecting: "Reconnecting…",
  ended: "Call ended",
  failed: "Connection failed",
  blocked: "Camera or microphone blocked",
  hangUp: "Hang up",
  dismiss: "Dismiss",
  remoteVideo: "Visitor's video",
  localVideo: "Your camera",
  signInFailed: "Sign-in failed (HTTP {status}).",
  noHost: "Host sign-in is not set up for this room: set HOST_KEY (16 characters or more) or HOSTS on the server.",
  sessionEnded: "Your session ended (it expired, or the host key changed). Sign in again.",
  cannotReach: "Cannot reach the room ({reason}).",
  errorBusy: "Hang up the current call first.",
};

export type VisitorStrings = typeof visitorStrings;
export type HostStrings = typeof hostStrings;

/** Fill `{placeholders}` in `template` from `params`; unknown ones stay as written. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * Lit converter for a `strings` attribute: a JSON object of overrides.
 * Anything else is ignored, with a warning, and the defaults stay.
 */
export const stringsConverter = {
  fromAttribute(value: string | null): Record<string, string> {
    if (!value) return {};
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, string>;
    } catch {
      // Reported below.
    }
    console.warn("contact-me: the strings attribute is not a JSON object; using the defaults");
    return {};
  },
};
