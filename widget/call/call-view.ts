/**
 * The in-call controls both elements show under their call status: call
 * timer, connection quality, the other side's mute state, **Mute** /
 * **Unmute**, **Camera off** / **Camera on**, **Turn on video**, and the
 * **Microphone** / **Camera** selects. A thin view over {@link CallController}:
 * every action calls the controller.
 * @module
 */
import { css, html, nothing, type TemplateResult } from "lit";
import type { CallController } from "./call-controller.ts";
import { callStrings, problemText, type CallStrings } from "./call-strings.ts";
import { format } from "../strings.ts";

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Styles of {@link renderCallControls}. */
export const callStyles = css`
  .call-info {
    display: flex;
    gap: 0.75em;
    flex-wrap: wrap;
    align-items: center;
    font-size: 0.85em;
    color: var(--_muted);
  }
  [part="call-quality"][data-quality="good"]::before,
  [part="call-quality"][data-quality="fair"]::before,
  [part="call-quality"][data-quality="poor"]::before {
    content: "";
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    border-radius: 50%;
    margin-right: 0.35em;
    background: var(--_ok);
  }
  [part="call-quality"][data-quality="fair"]::before {
    background: #d99a00;
  }
  [part="call-quality"][data-quality="poor"]::before {
    background: var(--_danger);
  }
  [part="devices"] {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
    gap: 0.5em;
  }
  button[aria-pressed="true"] {
    border-color: var(--_danger);
    color: var(--_danger);
  }
`;

/**
 * The controls for a live call.
 * @param call the element's call controller
 * @param peer how to name the other side ("The host" / "The visitor")
 * @param allowVideo whether **Turn on video** may be offered (the site allows video)
 * @param s the strings to show (the defaults, or the site's overrides)
 */
export function renderCallControls(
  call: CallController,
  peer: string,
  allowVideo: boolean,
  s: CallStrings = callStrings,
): TemplateResult | typeof nothing {
  if (!call.live || !call.callId) return nothing;
  const inCall = call.status === "connected" || call.status === "reconnecting";
  const sendsVideo = (call.localStream?.getVideoTracks().length ?? 0) > 0;
  const quality = call.quality;
  return html`
    ${inCall
      ? html`<div class="call-info">
          <span part="call-timer" role="timer" aria-label=${s.duration}>${formatDuration(call.elapsedSeconds)}</span>
          ${quality
            ? html`<span part="call-quality" data-quality=${quality}>${s.quality}: ${s[quality]}</span>`
            : nothing}
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
    ${renderDevices(call, sendsVideo, s)}
  `;
}

function renderDevices(call: CallController, sendsVideo: boolean, s: CallStrings) {
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
