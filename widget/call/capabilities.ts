/**
 * Whether this browser can make a call, found out before one is offered:
 * pure functions over what they inspect (passed in, so they run anywhere,
 * the server included), and {@link browserGlobals} that reads the page's.
 * The answer gives the `call` frame's `capabilities` (`protocol/socket.ts`)
 * and the one reason the panel shows when calls, or video, are off.
 * @module
 */
import type { CallCapabilities, CallMedia } from "../../protocol/socket.ts";

/**
 * Why calls (or video) cannot be made here, in the order checked:
 * - `in-app`: a known in-app browser (Facebook, Instagram, TikTok, LinkedIn)
 *   that keeps the camera and microphone from pages: open the page in the browser;
 * - `no-webrtc`: no `RTCPeerConnection` (not built in, or switched off, as
 *   Firefox's `media.peerconnection.enabled=false`);
 * - `insecure`: not a secure context, or no `navigator.mediaDevices` (plain HTTP);
 * - `policy`: the embedding page's Permissions-Policy does not allow
 *   `microphone` (or, for video, `camera`) — an iframe without `allow="camera; microphone"`;
 * - `no-device`: `enumerateDevices()` lists no `audioinput` (or, for video, no `videoinput`).
 */
export type CallBlocker = "in-app" | "no-webrtc" | "insecure" | "policy" | "no-device";

/** The Permissions-Policy view of a document: `document.featurePolicy` (Chromium) or `document.permissionsPolicy`. */
export interface PolicyView {
  allowsFeature(feature: string): boolean;
}

/** What detection reads of the page; each part absent where the browser lacks it. */
export interface CapabilityGlobals {
  /** `globalThis.RTCPeerConnection`. */
  RTCPeerConnection?: unknown;
  /** `globalThis.isSecureContext`. */
  isSecureContext?: boolean;
  /** `navigator.mediaDevices` (only its `enumerateDevices` is used). */
  mediaDevices?: { enumerateDevices?(): Promise<Array<{ kind: string }>> };
  /** `navigator.userAgent`. */
  userAgent?: string;
  /** `document.permissionsPolicy ?? document.featurePolicy`. */
  policy?: PolicyView;
  /** `globalThis.MediaRecorder` (only its static `isTypeSupported` is used). */
  MediaRecorder?: { isTypeSupported(type: string): boolean };
}

/** What a browser can do for calls: the `call` frame's capabilities, and why a call or video is off. */
export interface CallSupport {
  capabilities: CallCapabilities;
  /** Why no call can be made (audio nor video); absent when calls can be. */
  reason?: CallBlocker;
  /** Why no video call can be made; absent when it can. */
  videoReason?: CallBlocker;
}

/** User agents of in-app browsers that keep the camera and microphone from pages, with the app's name. */
const IN_APP: Array<[RegExp, string]> = [
  [/\bFBAN\/|\bFBAV\/|\bFB_IAB\//, "Facebook"],
  [/\bInstagram\b/, "Instagram"],
  [/\bmusical_ly\b|\bBytedanceWebview\b|\bTikTok\b/i, "TikTok"],
  [/\bLinkedInApp\b/, "LinkedIn"],
];

/** The app whose in-app browser `userAgent` is (`"Instagram"`, …); undefined for a browser. */
export function inAppBrowser(userAgent: string): string | undefined {
  return IN_APP.find(([pattern]) => pattern.test(userAgent))?.[1];
}

/**
 * What can be told without asking the browser anything asynchronous: in-app
 * browser, WebRTC, secure context, Permissions-Policy. Devices are taken as
 * present (see {@link detectCallSupport}).
 */
export function staticCallSupport(g: CapabilityGlobals): CallSupport {
  return judge(g, { audioinput: true, videoinput: true });
}

/**
 * {@link staticCallSupport}, and the devices: no `audioinput` among
 * `enumerateDevices()` means no calls, no `videoinput` no video call. When
 * the devices cannot be listed, they are taken as present.
 */
export async function detectCallSupport(g: CapabilityGlobals): Promise<CallSupport> {
  let devices = { audioinput: true, videoinput: true };
  if (g.mediaDevices?.enumerateDevices && g.isSecureContext !== false) {
    try {
      const kinds = new Set((await g.mediaDevices.enumerateDevices()).map((d) => d.kind));
      devices = { audioinput: kinds.has("audioinput"), videoinput: kinds.has("videoinput") };
    } catch {
      // Could not be listed: getUserMedia's error will say.
    }
  }
  return judge(g, devices);
}

/** Each capability on its own, and the first reason, in {@link CallBlocker}'s order, that keeps calls (or video) off. */
function judge(g: CapabilityGlobals, devices: { audioinput: boolean; videoinput: boolean }): CallSupport {
  const allows = (feature: string) => {
    try {
      return g.policy ? g.policy.allowsFeature(feature) : true;
    } catch {
      return true; // Could not be told: getUserMedia's error will say.
    }
  };
  const media: CallBlocker | undefined =
    g.userAgent && inAppBrowser(g.userAgent) ? "in-app" : g.isSecureContext === false || !g.mediaDevices ? "insecure" : undefined;
  const webrtc = typeof g.RTCPeerConnection === "function";
  const microphone = media ?? (!allows("microphone") ? "policy" : !devices.audioinput ? "no-device" : undefined);
  const camera = media ?? (!allows("camera") ? "policy" : !devices.videoinput ? "no-device" : undefined);
  const first = (blocker: CallBlocker | undefined): CallBlocker | undefined =>
    blocker === "in-app" ? "in-app" : !webrtc ? "no-webrtc" : blocker;
  const support: CallSupport = { capabilities: { webrtc, audio: !microphone, video: !camera } };
  const reason = first(microphone);
  const videoReason = reason ?? first(camera);
  if (reason) support.reason = reason;
  if (videoReason) support.videoReason = videoReason;
  return support;
}

/** This page's {@link CapabilityGlobals}, read through `globalThis` (empty on the server). */
export function browserGlobals(): CapabilityGlobals {
  const g = globalThis as typeof globalThis & { document?: Document & { featurePolicy?: PolicyView; permissionsPolicy?: PolicyView } };
  const nav = g.navigator as Navigator | undefined;
  const policy = g.document?.permissionsPolicy ?? g.document?.featurePolicy;
  const globals: CapabilityGlobals = { RTCPeerConnection: (g as { RTCPeerConnection?: unknown }).RTCPeerConnection };
  if (typeof g.isSecureContext === "boolean") globals.isSecureContext = g.isSecureContext;
  if (nav?.mediaDevices) globals.mediaDevices = nav.mediaDevices;
  if (nav?.userAgent) globals.userAgent = nav.userAgent;
  if (policy) globals.policy = policy;
  const recorder = (g as { MediaRecorder?: CapabilityGlobals["MediaRecorder"] }).MediaRecorder;
  if (typeof recorder === "function" && nav?.mediaDevices && "getUserMedia" in nav.mediaDevices) globals.MediaRecorder = recorder;
  return globals;
}

/**
 * The container and codecs a recorded message is made in, most wanted first,
 * for audio and for video: WebM with Opus (and VP8) where `MediaRecorder`
 * makes it (Chromium, Firefox), else MP4 (Safari). The room takes each of
 * these types (`protocol/media.ts`).
 */
export const RECORDING_TYPES = {
  audio: ["audio/webm;codecs=opus", "audio/webm", "audio/mp4", "audio/ogg;codecs=opus"],
  video: ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"],
} as const;

/**
 * The first of {@link RECORDING_TYPES}`[media]` this browser's
 * `MediaRecorder.isTypeSupported` accepts (W3C MediaStream Recording §2.3);
 * undefined when none, or without `MediaRecorder` or `getUserMedia`.
 */
export function recordingType(g: CapabilityGlobals, media: CallMedia): string | undefined {
  const recorder = g.MediaRecorder;
  if (!recorder) return undefined;
  return RECORDING_TYPES[media].find((type) => {
    try {
      return recorder.isTypeSupported(type);
    } catch {
      return false;
    }
  });
}

/**
 * Whether a voice (`audio`) or video message can be recorded here: a
 * `MediaRecorder` that makes one of {@link RECORDING_TYPES}, and the
 * microphone (and camera) that `support` finds usable — in-app browsers,
 * insecure pages, a page's Permissions-Policy and missing devices rule it
 * out as they do calls. WebRTC is not needed.
 */
export function canRecord(g: CapabilityGlobals, support: CallSupport, media: CallMedia): boolean {
  const { audio, video } = support.capabilities;
  return recordingType(g, media) !== undefined && audio && (media === "audio" || video);
}
