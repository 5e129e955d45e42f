/**
 * Strings of the call view, the same on both elements: the call's status,
 * the in-call controls, and what went wrong with the camera, the microphone
 * or the connection. Loaded with the call code (for the visitor, on first
 * open). Each element adds the few that name the other side
 * ({@link PeerStrings}).
 * @module
 */
import type { Problem } from "../strings.ts";

/** Strings of the call view, shared by both elements. */
export const callStrings = {
  preparing: "Starting camera and microphone…",
  /** Instead of {@link preparing} once the browser's permission prompt has waited a few seconds. */
  waitingForPrompt: "Waiting for your camera and microphone — check the browser's prompt",
  calling: "Calling…",
  callingName: "Calling {name}…",
  /** The call rings only on the host's devices, by push (no dashboard open): it may take longer to answer. */
  ringingPhone: "Ringing the host's phone…",
  /** The same, naming the host (`{name}`, from the host's profile). */
  ringingPhoneName: "Ringing {name}'s phone…",
  callConnecting: "Connecting…",
  /** The call is becoming a meeting (a teammate is brought in); it goes on meanwhile. */
  movingToMeeting: "Bringing in a teammate…",
  /** Bringing in a teammate did not work out; the call goes on as it was. */
  moveFailed: "Could not bring in a teammate; the call goes on",
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
  cancel: "Cancel",
  hangUp: "Hang up",
  localVideo: "Your camera",
  tapToUnmute: "Tap to unmute",
  mute: "Mute",
  unmute: "Unmute",
  cameraOff: "Camera off",
  cameraOn: "Camera on",
  turnOnVideo: "Turn on video",
  deviceSettings: "Device settings",
  shareScreen: "Share screen",
  stopSharing: "Stop sharing",
  /** The label of the other side's shared screen; `{name}` is their name, or {@link theHost} / {@link theVisitor}. */
  peerScreen: "{name}'s screen",
  yourScreen: "Your screen",
  fullScreen: "Full screen",
  exitFullScreen: "Exit full screen",
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
  blockedHelp:
    "Allow this site to use your camera and microphone: click the camera or lock icon in the address bar (or open the browser's site settings), choose Allow, then try again.",
  noDevice: "No microphone or camera was found.",
  deviceError: "Could not start the camera or microphone ({name}).",
  switchFailed: "Could not switch to that device.",
  videoFailed: "Could not turn on the camera.",
  screenFailed: "Could not share the screen.",
  /** The other side could not connect (its page closed, no answer, or it gave up); `{peer}` is {@link theHost} or {@link theVisitor}. */
  peerFailed: "{peer} could not connect.",
  noRelay: "Could not get a relay address from the TURN server.",
  noAddress: "Found no network address to connect from.",
  connectionFailed: "The connection failed and could not be restored.",
  negotiationFailed: "The call could not be set up.",
  callLogAudio: "Audio call",
  callLogVideo: "Video call",
  callLogWith: "with {name}",
  callLogRinging: "ringing",
  callLogInCall: "in progress",
  callLogMissed: "missed",
  callLogDeclined: "declined",
  callLogCancelled: "cancelled",
  callLogFailed: "could not connect",
};

export type CallStrings = typeof callStrings;

/** The call view's strings that name the other side; each element has its own. */
export type PeerStrings = {
  /** While the other side's connection to the room is down, e.g. "Host reconnecting…". */
  peerReconnecting: string;
  /** Accessible name of the other side's video, e.g. "Host's video". */
  remoteVideo: string;
};

/** A problem of the call code, as a key of {@link callStrings}. */
export type CallProblem = Problem<keyof CallStrings>;
