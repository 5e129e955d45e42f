/**
 * Every visible string of the elements, with its default. Labels named in the
 * public UI contract (roles and names) keep these defaults.
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
  send: "Send",
  sending: "Sending…",
  sent: "Sent",
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
  busy: "The host is in another call",
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
  from: "from",
  visitor: "a visitor",
  accept: "Accept",
  decline: "Decline",
  messages: "Messages",
  noMessages: "No messages yet.",
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
};

export type VisitorStrings = typeof visitorStrings;
export type HostStrings = typeof hostStrings;
