/**
 * `<contact-me-recorder>`: records a voice or video message, lets the visitor
 * play it back, record it again or send it, and shows the upload's progress.
 * A view over a {@link RecordingController}. This module is loaded with
 * `import()` the first time a visitor chooses to leave a recorded message,
 * and defines the element.
 * @module
 */
import { LitElement, css, html, nothing } from "lit";
import { property } from "lit/decorators.js";
import { live } from "lit/directives/live.js";
import type { CallMedia } from "../../protocol/socket.ts";
import { formatDuration } from "../call/call-log.ts";
import { define } from "../define.ts";
import { format } from "../strings.ts";
import { baseStyles } from "../styles.ts";
import { settleOnMetadata } from "./media-duration.ts";
import { RecordingController, type RecorderProblem, type SendRecording } from "./recording-controller.ts";
import { recorderStrings, type RecorderStrings } from "./recorder.strings.ts";

export { RECORDER_PARTS } from "./recorder-parts.ts";

export type { SendRecording } from "./recording-controller.ts";

/** Detail of `recorder-close`. */
export interface RecorderCloseDetail {
  /** True when the recording was sent, false when the visitor cancelled. */
  sent: boolean;
}

/** The string of each {@link RecorderProblem}, for a voice message and for a video message. */
const PROBLEM_KEY: Record<RecorderProblem, [keyof RecorderStrings, keyof RecorderStrings]> = {
  denied: ["recorderDenied", "recorderDeniedVideo"],
  "no-device": ["recorderNoMicrophone", "recorderNoCamera"],
  busy: ["recorderBusy", "recorderBusy"],
  unsupported: ["recorderFailed", "recorderFailed"],
  failed: ["recorderFailed", "recorderFailed"],
  "send-failed": ["recorderSendFailed", "recorderSendFailed"],
  "too-large": ["recorderTooLarge", "recorderTooLarge"],
};

/**
 * Records a voice (`media="audio"`) or video (`media="video"`) message as
 * soon as it is connected: a level meter and the running time against the
 * limit while recording (it stops by itself there), then a player of the
 * recording with **Re-record**, **Send** and **Cancel**; **Send** uploads it
 * with its `send` function, with a progress bar. The camera and microphone
 * are released as soon as recording stops, is cancelled, or the element is
 * removed.
 *
 * @element contact-me-recorder
 *
 * @fires recorder-close - {@link RecorderCloseDetail}: the recording was sent, or the visitor cancelled. Not composed.
 *
 * @csspart recorder-title - "Voice message" / "Video message".
 * @csspart recorder-status - "Waiting for your microphone…", "Sending… 40%", or that the limit stopped the recording.
 * @csspart recorder-camera - The camera's live picture while a video message records.
 * @csspart recorder-level - The microphone's level (`role="meter"`, `aria-valuenow` 0–100).
 * @csspart recorder-time - The running time and the limit, `m:ss / m:ss`.
 * @csspart recorder-preview - The `<audio>` or `<video>` player of the recording before it is sent.
 * @csspart recorder-progress - The `<progress>` bar of the upload.
 * @csspart recorder-error - Why recording or sending failed, in plain words.
 * @csspart recorder-stop - **Stop**.
 * @csspart recorder-again - **Re-record**.
 * @csspart recorder-send - **Send**.
 * @csspart recorder-cancel - **Cancel**: nothing is sent.
 *
 * @cssprop --contact-me-accent - The level meter's and progress bar's colour.
 */
export class ContactMeRecorder extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: grid;
        gap: 0.6em;
      }
      h3,
      p {
        margin: 0;
      }
      h3 {
        font-size: 1em;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
        align-items: center;
      }
      [part="recorder-level"] {
        flex: 1;
        min-width: 6em;
        height: 0.5em;
        border-radius: 0.25em;
        background: var(--_border);
        overflow: hidden;
      }
      [part="recorder-level"] > span {
        display: block;
        height: 100%;
        background: var(--_accent);
      }
      [part="recorder-time"] {
        font-variant-numeric: tabular-nums;
      }
      video,
      audio,
      progress {
        width: 100%;
      }
      video {
        border-radius: var(--_radius);
        background: #000;
        max-height: 14em;
      }
      [part="recorder-camera"] {
        transform: scaleX(-1);
      }
      [part="recorder-error"] {
        color: var(--_danger);
      }
    `,
  ];

  /** What to record: `audio` (a voice message) or `video`. */
  @property() media: CallMedia = "audio";
  /** The longest recording, in seconds (the room's `MAX_RECORDING_S`, from its `welcome`). */
  @property({ type: Number, attribute: "max-seconds" }) maxSeconds = 120;
  /** Overrides of {@link recorderStrings}. */
  @property({ attribute: false }) strings: Partial<RecorderStrings> = {};
  /** Uploads a recording and posts it in the conversation (see {@link SendRecording}). */
  @property({ attribute: false }) send: SendRecording | undefined;

  private readonly recorder = new RecordingController(this, () => ({ media: this.media, maxSeconds: this.maxSeconds }));

  /** Back on the page after leaving it (which released everything): record afresh. */
  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && this.recorder.state === "idle") void this.recorder.start();
  }

  /** Start once the properties are in (set before the element was defined, they apply only now). */
  protected override firstUpdated(): void {
    void this.recorder.start();
  }

  /** Every string shown: the defaults beneath the overrides. */
  private get text(): RecorderStrings {
    return { ...recorderStrings, ...this.strings };
  }

  /** The camera's live picture plays as soon as it has its stream (`autoplay` alone may not start it). */
  protected override updated(): void {
    const camera = this.renderRoot.querySelector<HTMLVideoElement>('[part="recorder-camera"]');
    if (camera?.srcObject && camera.paused) camera.play().catch(() => undefined);
  }

  override render() {
    const s = this.text;
    const r = this.recorder;
    const video = this.media === "video";
    const limit = formatDuration(this.maxSeconds);
    const cancel = html`<button part="recorder-cancel" @click=${this.cancel}>${s.recorderCancel}</button>`;
    const title = html`<h3 part="recorder-title">${video ? s.videoMessageTitle : s.voiceMessageTitle}</h3>`;
    if (r.state === "idle" || r.state === "starting") {
      return html`${title}<p part="recorder-status" role="status">${s.recorderStarting}</p><div class="row">${cancel}</div>`;
    }
    if (r.state === "recording") {
      // live(): Lit sets an object-valued property on every render, and every srcObject assignment
      // restarts the video's load; while recording this renders once a frame.
      const percent = Math.round(r.level * 100);
      return html`${title}
        ${video ? html`<video part="recorder-camera" aria-label=${s.recorderCamera} autoplay playsinline .muted=${true} .srcObject=${live(r.stream ?? null)}></video>` : nothing}
        <div class="row">
          <div part="recorder-level" role="meter" aria-label=${s.recorderLevel} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent}>
            <span style="width: ${percent}%"></span>
          </div>
          <span part="recorder-time" role="timer">${format(s.recorderTime, { time: formatDuration(r.elapsedMs / 1000), limit })}</span>
        </div>
        <div class="row">
          <button part="recorder-stop" class="primary" @click=${() => r.stop()}>${s.recorderStop}</button>
          ${cancel}
        </div>`;
    }
    const recording = r.recording;
    const problem = r.problem && html`<p part="recorder-error" role="alert">${s[PROBLEM_KEY[r.problem][video ? 1 : 0]]}</p>`;
    const preview = recording
      ? video
        ? html`<video part="recorder-preview" aria-label=${s.recorderPreview} controls playsinline preload="metadata" src=${recording.url} @loadedmetadata=${settleOnMetadata}></video>`
        : html`<audio part="recorder-preview" aria-label=${s.recorderPreview} controls preload="metadata" src=${recording.url} @loadedmetadata=${settleOnMetadata}></audio>`
      : nothing;
    if (r.state === "sending") {
      const { sent, total } = r.progress;
      const percent = total ? Math.floor((sent / total) * 100) : 0;
      return html`${title}${preview}
        <progress part="recorder-progress" max="100" .value=${percent} aria-label=${format(s.recorderSending, { percent })}></progress>
        <p part="recorder-status" role="status">${format(s.recorderSending, { percent })}</p>
        <div class="row">${cancel}</div>`;
    }
    const again = html`<button part="recorder-again" @click=${() => void r.start()}>${s.recorderAgain}</button>`;
    const canSend = recording && r.problem !== "too-large";
    return html`${title}${preview}
      ${r.stoppedAtLimit && recording ? html`<p part="recorder-status" role="status">${format(s.recorderLimitReached, { limit })}</p>` : nothing}
      ${problem ?? nothing}
      <div class="row">
        ${canSend ? html`<button part="recorder-send" class="primary" @click=${this.onSend}>${s.recorderSend}</button>` : nothing}
        ${r.problem === "unsupported" ? nothing : again} ${cancel}
      </div>`;
  }

  private readonly onSend = async () => {
    if (!this.send) return;
    if (await this.recorder.send(this.send)) this.close(true);
  };

  private readonly cancel = () => {
    this.recorder.discard();
    this.close(false);
  };

  private close(sent: boolean): void {
    this.dispatchEvent(new CustomEvent<RecorderCloseDetail>("recorder-close", { detail: { sent } }));
  }
}

define("contact-me-recorder", ContactMeRecorder);

declare global {
  interface HTMLElementTagNameMap {
    "contact-me-recorder": ContactMeRecorder;
  }
  interface HTMLElementEventMap {
    "recorder-close": CustomEvent<RecorderCloseDetail>;
  }
}
