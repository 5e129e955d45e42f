/**
 * `<contact-me-call>`: the call as both elements show it — status, the
 * other side's video or audio and this side's camera, the call timer and
 * connection quality, the other side's mute state, the in-call controls and
 * **Hang up** / **Cancel**. A view over the {@link CallController} of the
 * element around it, which it gets through `@lit/context` ({@link callContext});
 * every action calls the controller. Defined when this module loads.
 * @module
 */
import { consume } from "@lit/context";
import { LitElement, html, nothing, type PropertyValues } from "lit";
import { state } from "lit/decorators.js";
import { define } from "../define.ts";
import { format, problemText } from "../strings.ts";
import type { CallStatus } from "./call-controller.ts";
import { callViewStyles } from "./call-view.styles.ts";
import type { CallStrings } from "./call.strings.ts";
import { callContext, type CallContext } from "./context.ts";

/** The view's parts, for the `exportparts` of the elements that contain it. */
export const CALL_PARTS = [
  "call-status",
  "remote-video",
  "remote-audio",
  "local-video",
  "tap-to-unmute",
  "hang-up",
  "cancel",
  "controls",
  "mute",
  "camera",
  "turn-on-video",
  "devices",
  "call-timer",
  "call-quality",
  "peer-muted",
  "peer-camera-off",
] as const;

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** The status line's string key for each call status. */
const STATUS_KEY: Record<Exclude<CallStatus, "idle">, keyof CallStrings> = {
  preparing: "preparing",
  calling: "calling",
  connecting: "callConnecting",
  connected: "connected",
  reconnecting: "callReconnecting",
  declined: "declined",
  ended: "ended",
  failed: "failed",
  blocked: "blocked",
  unavailable: "unavailable",
  busy: "busy",
  queued: "queued",
  "no-answer": "noAnswer",
  "queue-full": "queueFull",
};

/**
 * The call view of `<contact-me>` and `<contact-me-host>` (internal: both
 * render it and re-export its parts). Remote media start with `play()`; where
 * the browser refuses to play sound without a gesture (Safari, autoplay
 * policies), a **Tap to unmute** button starts it.
 *
 * @element contact-me-call
 *
 * @slot heading - Above the status line (the dashboard's "Call · name").
 * @slot actions - Next to **Hang up**: what to do once the call is over.
 *
 * @csspart call-status - The call status line.
 * @csspart remote-video - The other side's video (video calls).
 * @csspart remote-audio - The other side's audio (audio calls).
 * @csspart local-video - This side's camera preview.
 * @csspart tap-to-unmute - Shown when the browser would not play the call's sound without a tap.
 * @csspart hang-up - The Hang up button.
 * @csspart cancel - The Cancel button while waiting in line.
 * @csspart controls - The in-call buttons (mute, camera, turn on video).
 * @csspart mute - **Mute** / **Unmute**.
 * @csspart camera - **Camera off** / **Camera on** (video calls).
 * @csspart turn-on-video - **Turn on video** (audio calls, when a camera exists).
 * @csspart devices - The **Microphone** and **Camera** selects.
 * @csspart call-timer - Time since the call connected (`m:ss`).
 * @csspart call-quality - Connection quality: Good, Fair or Poor.
 * @csspart peer-muted - Shown while the other side's microphone is muted.
 * @csspart peer-camera-off - Shown while the other side's camera is off.
 */
export class CallView extends LitElement {
  static override styles = callViewStyles;

  @consume({ context: callContext, subscribe: true })
  @state()
  private context: CallContext | undefined;

  /** The browser refused to start the remote media without a gesture. */
  @state() private playBlocked = false;

  override render() {
    const context = this.context;
    if (!context) return nothing;
    const { call, strings: s } = context;
    const video = call.media === "video";
    const selfView = (call.localStream?.getVideoTracks().length ?? 0) > 0;
    const status =
      call.peerReconnecting && call.live
        ? s.peerReconnecting
        : call.status === "idle"
          ? ""
          : format(s[STATUS_KEY[call.status]], { n: call.position });
    return html`
      <slot name="heading"></slot>
      <p part="call-status" class="status" role="status" aria-live="polite" tabindex="-1">${status}</p>
      ${call.error && !call.live ? html`<p class="error">${problemText(call.error, s)}</p>` : nothing}
      ${call.live && (video || selfView)
        ? html`<div class="videos">
            ${video ? html`<video part="remote-video" autoplay playsinline aria-label=${s.remoteVideo}></video>` : html`<span></span>`}
            ${selfView ? html`<video part="local-video" autoplay playsinline muted aria-label=${s.localVideo}></video>` : nothing}
          </div>`
        : nothing}
      ${call.live && !video ? html`<audio part="remote-audio" autoplay></audio>` : nothing}
      ${call.live && this.playBlocked
        ? html`<button part="tap-to-unmute" class="primary" @click=${this.unmuteRemote}>${s.tapToUnmute}</button>`
        : nothing}
      ${this.renderControls(context)}
      <div class="row">
        ${call.status === "queued"
          ? html`<button part="cancel" @click=${() => call.hangUp()}>${s.cancel}</button>`
          : call.live
            ? html`<button part="hang-up" class="danger" @click=${() => call.hangUp()}>${s.hangUp}</button>`
            : nothing}
        <slot name="actions"></slot>
      </div>
    `;
  }

  /** Timer, quality, the other side's mute state, and the controls of a live call. */
  private renderControls({ call, strings: s, peer, allowVideo }: CallContext) {
    if (!call.live || !call.callId) return nothing;
    const inCall = call.status === "connected" || call.status === "reconnecting";
    const sendsVideo = (call.localStream?.getVideoTracks().length ?? 0) > 0;
    const quality = call.quality;
    return html`
      ${inCall
        ? html`<div class="call-info">
            <span part="call-timer" role="timer" aria-label=${s.duration}>${formatDuration(call.elapsedSeconds)}</span>
            ${quality ? html`<span part="call-quality" data-quality=${quality}>${s.quality}: ${s[quality]}</span>` : nothing}
          </div>`
        : nothing}
      ${call.remoteMuted ? html`<p part="peer-muted" class="muted">${format(s.peerMuted, { name: peer })}</p>` : nothing}
      ${call.remoteCameraOff && call.media === "video"
        ? html`<p part="peer-camera-off" class="muted">${format(s.peerCameraOff, { name: peer })}</p>`
        : nothing}
      ${call.warning ? html`<p class="error" role="alert">${problemText(call.warning, s)}</p>` : nothing}
      <div class="row" part="controls">
        <button part="mute" aria-pressed=${call.muted} @click=${() => call.toggleMute()}>${call.muted ? s.unmute : s.mute}</button>
        ${sendsVideo
          ? html`<button part="camera" aria-pressed=${call.cameraOff} @click=${() => call.toggleCamera()}>
              ${call.cameraOff ? s.cameraOn : s.cameraOff}
            </button>`
          : nothing}
        ${allowVideo && inCall && call.canTurnOnVideo
          ? html`<button part="turn-on-video" @click=${() => void call.turnOnVideo()}>${s.turnOnVideo}</button>`
          : nothing}
      </div>
      ${this.renderDevices({ call, strings: s }, sendsVideo)}
    `;
  }

  private renderDevices({ call, strings: s }: Pick<CallContext, "call" | "strings">, sendsVideo: boolean) {
    const select = (kind: "audio" | "video", label: string, devices: MediaDeviceInfo[]) => {
      const current = call.currentDevice(kind);
      return html`<label
        >${label}
        <select @change=${(e: Event) => void call.selectDevice(kind, (e.target as HTMLSelectElement).value)}>
          ${devices.map(
            (d, i) =>
              html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>${d.label || format(s.device, { n: i + 1 })}</option>`,
          )}
        </select></label
      >`;
    };
    const mics = call.microphones.filter((d) => d.deviceId);
    const cams = call.cameras.filter((d) => d.deviceId);
    if (mics.length === 0 && (!sendsVideo || cams.length === 0)) return nothing;
    return html`<div part="devices">
      ${mics.length ? select("audio", s.microphone, mics) : nothing}
      ${sendsVideo && cams.length ? select("video", s.camera, cams) : nothing}
    </div>`;
  }

  /** Attach the call's streams, and start remote media that got a new stream. */
  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const call = this.context?.call;
    if (!call?.live && this.playBlocked) this.playBlocked = false;
    const root = this.renderRoot;
    for (const part of ["remote-video", "remote-audio"]) {
      const media = root.querySelector<HTMLMediaElement>(`[part="${part}"]`);
      if (media && attach(media, call?.remoteStream)) this.play(media);
    }
    attach(root.querySelector<HTMLVideoElement>('[part="local-video"]'), call?.localStream);
  }

  /** `play()`; a refusal for want of a gesture shows **Tap to unmute**. */
  private play(media: HTMLMediaElement): void {
    media.play().catch((err: unknown) => {
      const name = (err as DOMException)?.name;
      if (name === "NotAllowedError") this.playBlocked = true;
      // AbortError: the element was removed or given another stream meanwhile.
      else if (name !== "AbortError") console.warn("contact-me: could not start the call's media", err);
    });
  }

  /** The tap: play the remote media again, now with a gesture; a refusal shows the button again. */
  private readonly unmuteRemote = () => {
    this.playBlocked = false;
    this.renderRoot.querySelectorAll<HTMLMediaElement>('[part="remote-video"], [part="remote-audio"]').forEach((m) => this.play(m));
  };
}

/** Keep a media element's `srcObject` on `stream`; true when it changed to a stream. */
function attach(element: HTMLMediaElement | null, stream: MediaStream | undefined): boolean {
  if (!element || element.srcObject === (stream ?? null)) return false;
  element.srcObject = stream ?? null;
  return !!stream;
}

define("contact-me-call", CallView);

declare global {
  interface HTMLElementTagNameMap {
    "contact-me-call": CallView;
  }
}
