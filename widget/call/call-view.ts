/**
 * `<contact-me-call>`: the call as both elements show it — the status line, a
 * media stage (the other side's video, or their picture or initials when
 * there is none, with this side's camera as a small overlay; the call timer,
 * connection quality and the other side's mute state as chips over it), and
 * a toolbar of round icon buttons (mute, camera, screen sharing, device
 * settings, full screen) with **Hang up** / **Cancel**. A shared screen, this
 * side's or the other's, is a large tile of its own, named by who shares it;
 * the cameras get small beside it. A view over the
 * {@link CallController} of the element around it, which it gets through
 * `@lit/context` ({@link callContext}); every action calls the controller.
 * Defined when this module loads.
 * @module
 */
import { consume } from "@lit/context";
import { LitElement, html, nothing, svg, type PropertyValues, type SVGTemplateResult } from "lit";
import { query, state } from "lit/decorators.js";
import { define } from "../define.ts";
import { format, problemText } from "../strings.ts";
import type { CallStatus } from "./call-controller.ts";
import { formatDuration } from "./call-log.ts";
import { callViewStyles } from "./call-view.styles.ts";
import type { CallStrings } from "./call.strings.ts";
import { callContext, type CallContext } from "./context.ts";

/** The view's parts, for the `exportparts` of the elements that contain it. */
export const CALL_PARTS = [
  "call-status",
  "stage",
  "avatar",
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
  "share-screen",
  "screen-tile",
  "remote-screen",
  "local-screen",
  "screen-label",
  "device-settings",
  "devices",
  "fullscreen",
  "call-timer",
  "call-quality",
  "peer-muted",
  "peer-camera-off",
] as const;

/**
 * Up to two capital letters for a name: the first letters of its first and
 * last words ("Ada Lovelace" → "AL", "Ada" → "A", "The host" → "TH").
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const picked = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return picked.map((w) => Array.from(w)[0]!.toLocaleUpperCase()).join("");
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

/** A 24×24 outline icon, hidden from assistive technology (the button names it). */
const icon = (paths: SVGTemplateResult) =>
  html`<svg class="glyph" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">${paths}</svg>`;

const MIC = svg`<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21"/>`;
/** A head and shoulders: the other side when no name is known. */
const PERSON = svg`<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7z"/>`;
const SLASH = svg`<path d="M4 4l16 16"/>`;
const CAMERA = svg`<rect x="2.5" y="6.5" width="13" height="11" rx="2"/><path d="M15.5 10.5l6-3.5v10l-6-3.5z"/>`;
const SLIDERS = svg`<path d="M4 7h9M17 7h3M4 17h3M11 17h9"/><circle cx="15" cy="7" r="2"/><circle cx="9" cy="17" r="2"/>`;
/** A monitor with an arrow going up out of it: share the screen. */
const SCREEN = svg`<rect x="2.5" y="4" width="19" height="13" rx="2"/><path d="M8 21h8M12 17v4M12 14V8M9 10.5l3-3 3 3"/>`;
const EXPAND = svg`<path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5"/>`;
const SHRINK = svg`<path d="M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5"/>`;
/** A handset lying down: the usual "end call" sign. */
const PHONE_DOWN = svg`<path class="fill" d="M2.2 14.6c-.3-.9 0-1.8.7-2.3C5.4 10.5 8.6 9.5 12 9.5s6.6 1 9.1 2.8c.7.5 1 1.4.7 2.3l-.5 1.5c-.3.8-1.1 1.2-1.9 1l-3-.8c-.7-.2-1.1-.8-1.1-1.5v-1.6c-1-.4-2.2-.6-3.3-.6s-2.3.2-3.3.6v1.6c0 .7-.4 1.3-1.1 1.5l-3 .8c-.8.2-1.6-.2-1.9-1z"/>`;

/**
 * The call view of `<contact-me>` and `<contact-me-host>` (internal: both
 * render it and re-export its parts). Remote media start with `play()`; where
 * the browser refuses to play sound without a gesture (Safari, autoplay
 * policies), a **Tap to unmute** button starts it.
 *
 * The icon buttons are named by their `aria-label` (the same strings as
 * before: **Mute**, **Camera off**, …); those that toggle carry
 * `aria-pressed`. **Device settings** opens a small panel with the
 * **Microphone** and **Camera** selects, closed by Escape or a click outside.
 * **Full screen** shows the stage and the toolbar full screen, where the
 * browser allows it.
 *
 * **Share screen** (shown once connected, where the browser has
 * `getDisplayMedia`: not on phones) opens the browser's picker; the shared
 * screen shows as a large tile labelled **Your screen** here and "Ada's
 * screen" (the {@link CallContext.peerName}, else "The visitor's screen") on
 * the other side. **Stop sharing**, or the browser's own stop button, ends
 * it; the call and the camera go on.
 *
 * @element contact-me-call
 *
 * @slot heading - Above the status line (the dashboard's "Call · name").
 * @slot actions - Under the toolbar: what to do once the call is over.
 *
 * @csspart call-status - The call status line.
 * @csspart stage - The media area: the other side's video or picture, this side's camera over it.
 * @csspart avatar - The other side's picture or initials, when there is no video to show.
 * @csspart remote-video - The other side's video (video calls).
 * @csspart remote-audio - The other side's audio (audio calls).
 * @csspart local-video - This side's camera preview, in a corner of the stage.
 * @csspart tap-to-unmute - Shown when the browser would not play the call's sound without a tap.
 * @csspart hang-up - The Hang up button.
 * @csspart cancel - The Cancel button while waiting in line.
 * @csspart controls - The toolbar: the in-call buttons and Hang up / Cancel.
 * @csspart mute - **Mute** / **Unmute**.
 * @csspart camera - **Camera off** / **Camera on** (video calls).
 * @csspart turn-on-video - **Turn on video** (audio calls, when a camera exists).
 * @csspart share-screen - **Share screen** / **Stop sharing** (where the browser has `getDisplayMedia`).
 * @csspart screen-tile - A shared screen's tile on the stage: its video and its label.
 * @csspart remote-screen - The other side's shared screen (a video).
 * @csspart local-screen - This side's shared screen (a video, muted).
 * @csspart screen-label - Who shares the screen of a tile ("Ada's screen", "Your screen").
 * @csspart device-settings - **Device settings**: opens `devices`.
 * @csspart devices - The panel with the **Microphone** and **Camera** selects.
 * @csspart fullscreen - **Full screen** / **Exit full screen** (where the browser allows it).
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
  /** The device settings panel is open. */
  @state() private devicesOpen = false;
  /** The stage is shown full screen. */
  @state() private fullscreen = false;
  /** A picture URL that failed to load: initials are shown instead. */
  @state() private brokenAvatar: string | undefined;
  /** The self view is on the stage (as last rendered); see {@link renderStage}. */
  private selfViewShown = false;

  @query(".screen") private screen!: HTMLElement | null;
  @query('[part="device-settings"]') private settingsButton!: HTMLButtonElement | null;

  override connectedCallback(): void {
    super.connectedCallback();
    globalThis.document?.addEventListener("fullscreenchange", this.onFullscreenChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    globalThis.document?.removeEventListener("fullscreenchange", this.onFullscreenChange);
    this.closeDevices(false);
  }

  override render() {
    const context = this.context;
    if (!context) return nothing;
    const { call, strings: s } = context;
    const name = context.peerName;
    const status =
      call.peerReconnecting && call.live
        ? s.peerReconnecting
        : call.status === "idle"
          ? ""
          : call.status === "calling" && call.ringingVia === "push"
            ? name
              ? format(s.ringingPhoneName, { name })
              : s.ringingPhone
            : call.status === "calling" && name
              ? format(s.callingName, { name })
              : call.status === "preparing" && call.promptWaiting
                ? s.waitingForPrompt
                : format(s[STATUS_KEY[call.status]], { n: call.position });
    return html`
      <slot name="heading"></slot>
      <p part="call-status" class="status" role="status" aria-live="polite" tabindex="-1">${status}</p>
      ${call.error && !call.live ? html`<p class="error">${problemText({ ...call.error, params: { peer: context.peer, ...call.error.params } }, s)}</p>` : nothing}
      ${call.live
        ? html`<div class="screen">
            ${this.renderStage(context)}
            ${this.playBlocked
              ? html`<button part="tap-to-unmute" class="primary" @click=${this.unmuteRemote}>${s.tapToUnmute}</button>`
              : nothing}
            ${call.warning ? html`<p class="error" role="alert">${problemText(call.warning, s)}</p>` : nothing}
            ${this.renderToolbar(context)}
          </div>`
        : nothing}
      ${call.live && call.media !== "video" ? html`<audio part="remote-audio" autoplay></audio>` : nothing}
      <div class="row actions"><slot name="actions"></slot></div>
    `;
  }

  /**
   * The other side's video, or their picture or initials while there is no
   * video to show (an audio call, their camera off, before media arrives);
   * this side's camera in a corner; the call's chips in the other.
   *
   * The self view starts while the call rings (the visitor's: as a phone's
   * video call does) or once connected, not while starting or connecting: a
   * video element given a stream builds its player on the main thread, and
   * the accepting host's would compete with its negotiation (as the remote
   * media would; see {@link updated}). Once shown it stays.
   */
  private renderStage(context: CallContext) {
    const { call, strings: s } = context;
    const video = call.media === "video";
    const inCall = call.status === "connected" || call.status === "reconnecting";
    const selfView =
      (call.localStream?.getVideoTracks().length ?? 0) > 0 && (inCall || call.status === "calling" || this.selfViewShown);
    const remotePicture = video && inCall && !call.remoteCameraOff && (call.remoteStream?.getVideoTracks().length ?? 0) > 0;
    const remoteScreen = inCall && !!call.remoteScreen;
    const localScreen = !!call.screenStream;
    const sharing = remoteScreen || localScreen;
    const tile = (part: string, label: string) =>
      html`<figure part="screen-tile" class="tile">
        <video part=${part} autoplay playsinline muted aria-label=${label}></video>
        <figcaption part="screen-label">${label}</figcaption>
      </figure>`;
    return html`<div part="stage" class="stage ${video || sharing ? "video" : "audio"} ${sharing ? "sharing" : ""}">
      ${remoteScreen ? tile("remote-screen", format(s.peerScreen, { name: context.peerName ?? call.peerName ?? context.peer })) : nothing}
      ${localScreen ? tile("local-screen", s.yourScreen) : nothing}
      ${video ? html`<video part="remote-video" autoplay playsinline aria-label=${s.remoteVideo}></video>` : nothing}
      ${remotePicture ? nothing : this.renderAvatar(context)}
      ${selfView
        ? html`<video part="local-video" class=${call.cameraOff ? "off" : ""} autoplay playsinline muted aria-label=${s.localVideo}></video>`
        : nothing}
      ${this.renderChips(context, inCall)}
    </div>`;
  }

  /** The other side's picture, or their initials; named for assistive technology by their name. */
  private renderAvatar({ call, peer, peerName, peerAvatar }: CallContext) {
    // Once accepted, the room says who answered (the visitor's name, or the host's with several hosts).
    const answered = call.status === "connecting" || call.status === "connected" || call.status === "reconnecting";
    const known = peerName ?? (answered ? call.peerName : undefined);
    const name = known ?? peer;
    const picture = peerAvatar && peerAvatar !== this.brokenAvatar ? peerAvatar : undefined;
    // Without a person's name, a silhouette: initials of "The visitor" would read as a name.
    return html`<div part="avatar" class="avatar" role="img" aria-label=${name}>
      ${picture
        ? html`<img src=${picture} alt="" @error=${() => (this.brokenAvatar = picture)} />`
        : known
          ? html`<span class="initials" aria-hidden="true">${initials(known)}</span>`
          : html`<svg class="person" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${PERSON}</svg>`}
    </div>`;
  }

  /** Timer, quality and the other side's mute and camera state, over the stage. */
  private renderChips({ call, strings: s, peer }: CallContext, inCall: boolean) {
    const quality = call.quality;
    return html`<div class="chips">
      ${inCall
        ? html`<span part="call-timer" class="chip" role="timer" aria-label=${s.duration}>${formatDuration(call.elapsedSeconds)}</span>
            ${quality ? html`<span part="call-quality" class="chip" data-quality=${quality}>${s.quality}: ${s[quality]}</span>` : nothing}`
        : nothing}
      ${call.remoteMuted ? html`<p part="peer-muted" class="chip">${format(s.peerMuted, { name: peer })}</p>` : nothing}
      ${call.remoteCameraOff && call.media === "video"
        ? html`<p part="peer-camera-off" class="chip">${format(s.peerCameraOff, { name: peer })}</p>`
        : nothing}
    </div>`;
  }

  /** Round icon buttons: mute, camera, turn on video, device settings, full screen; then Hang up or Cancel. */
  private renderToolbar(context: CallContext) {
    const { call, strings: s, allowVideo } = context;
    const inCall = call.status === "connected" || call.status === "reconnecting";
    const sendsVideo = (call.localStream?.getVideoTracks().length ?? 0) > 0;
    const controls = !!call.callId;
    const mics = call.microphones.filter((d) => d.deviceId);
    const cams = sendsVideo ? call.cameras.filter((d) => d.deviceId) : [];
    const devices = controls && (mics.length > 0 || cams.length > 0);
    const canFullscreen = globalThis.document?.fullscreenEnabled === true;
    const button = (part: string, label: string, content: unknown, onClick: () => void, pressed?: boolean) =>
      html`<button part=${part} class="icon" aria-label=${label} title=${label} aria-pressed=${pressed ?? nothing} @click=${onClick}>
        ${content}
      </button>`;
    return html`<div class="toolbar" @keydown=${this.onToolbarKeydown}>
      <div part="controls" class="controls">
        ${controls
          ? button("mute", call.muted ? s.unmute : s.mute, icon(call.muted ? svg`${MIC}${SLASH}` : MIC), () => call.toggleMute(), call.muted)
          : nothing}
        ${controls && sendsVideo
          ? button(
              "camera",
              call.cameraOff ? s.cameraOn : s.cameraOff,
              icon(call.cameraOff ? svg`${CAMERA}${SLASH}` : CAMERA),
              () => call.toggleCamera(),
              call.cameraOff,
            )
          : nothing}
        ${controls && allowVideo && inCall && call.canTurnOnVideo
          ? button("turn-on-video", s.turnOnVideo, icon(svg`${CAMERA}${SLASH}`), () => void call.turnOnVideo())
          : nothing}
        ${controls && inCall && call.canShareScreen
          ? button(
              "share-screen",
              call.screenStream ? s.stopSharing : s.shareScreen,
              icon(call.screenStream ? svg`${SCREEN}${SLASH}` : SCREEN),
              () => (call.screenStream ? call.stopScreen() : void call.shareScreen()),
              !!call.screenStream,
            )
          : nothing}
        ${devices
          ? html`<button
              part="device-settings"
              class="icon"
              aria-label=${s.deviceSettings}
              title=${s.deviceSettings}
              aria-expanded=${this.devicesOpen}
              aria-controls="devices"
              @click=${this.toggleDevices}
            >
              ${icon(SLIDERS)}
            </button>`
          : nothing}
        ${canFullscreen
          ? button(
              "fullscreen",
              this.fullscreen ? s.exitFullScreen : s.fullScreen,
              icon(this.fullscreen ? SHRINK : EXPAND),
              this.toggleFullscreen,
              this.fullscreen,
            )
          : nothing}
        ${call.status === "queued"
          ? html`<button part="cancel" class="end danger" @click=${() => call.hangUp()}>${icon(PHONE_DOWN)}<span>${s.cancel}</span></button>`
          : html`<button part="hang-up" class="end danger" @click=${() => call.hangUp()}>${icon(PHONE_DOWN)}<span>${s.hangUp}</span></button>`}
      </div>
      ${devices ? this.renderDevices(context, mics, cams) : nothing}
    </div>`;
  }

  /** The **Microphone** and **Camera** selects, in the panel **Device settings** opens. */
  private renderDevices({ call, strings: s }: CallContext, mics: MediaDeviceInfo[], cams: MediaDeviceInfo[]) {
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
    return html`<div part="devices" id="devices" class="popover" role="group" aria-label=${s.deviceSettings} ?hidden=${!this.devicesOpen}>
      ${mics.length ? select("audio", s.microphone, mics) : nothing}
      ${cams.length ? select("video", s.camera, cams) : nothing}
    </div>`;
  }

  private readonly toggleDevices = () => {
    if (this.devicesOpen) this.closeDevices(true);
    else {
      this.devicesOpen = true;
      globalThis.document?.addEventListener("pointerdown", this.onOutsidePointer, true);
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part="devices"] select')?.focus());
    }
  };

  /** Close the device settings; with `refocus`, focus goes back to their button. */
  private closeDevices(refocus: boolean): void {
    globalThis.document?.removeEventListener("pointerdown", this.onOutsidePointer, true);
    if (!this.devicesOpen) return;
    this.devicesOpen = false;
    if (refocus) this.settingsButton?.focus();
  }

  /** A press outside the button and the panel closes the device settings. */
  private readonly onOutsidePointer = (event: Event) => {
    const path = event.composedPath();
    const inside = [this.settingsButton, this.renderRoot.querySelector('[part="devices"]')].some((el) => el && path.includes(el));
    if (!inside) this.closeDevices(false);
  };

  /** Escape closes the device settings, and only them (not the panel around the call). */
  private readonly onToolbarKeydown = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || !this.devicesOpen) return;
    event.stopPropagation();
    this.closeDevices(true);
  };

  private readonly toggleFullscreen = () => {
    const doc = globalThis.document;
    if (this.fullscreen) void doc.exitFullscreen().catch(() => {});
    else
      this.screen?.requestFullscreen().catch((err: unknown) => {
        console.warn("contact-me: could not show the call full screen", err);
      });
  };

  private readonly onFullscreenChange = () => {
    const current = (this.shadowRoot as (ShadowRoot & { fullscreenElement?: Element | null }) | null)?.fullscreenElement;
    this.fullscreen = !!current && current === this.screen;
  };

  /** Attach the call's streams, and start remote media that got a new stream. */
  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const call = this.context?.call;
    if (!call?.live && this.playBlocked) this.playBlocked = false;
    if (!call?.live && this.devicesOpen) this.closeDevices(false);
    const root = this.renderRoot;
    // Attached once connected: a media element given the stream (or a track added to the stream it
    // plays) builds its player there and then, on the main thread, within the remote description's
    // `track` event; before the connection is up that only holds back its `connected` (no media flows yet).
    const remote = call?.status === "connected" || call?.status === "reconnecting" ? call.remoteStream : undefined;
    for (const part of ["remote-video", "remote-audio"]) {
      const media = root.querySelector<HTMLMediaElement>(`[part="${part}"]`);
      if (media && attach(media, remote)) this.play(media);
    }
    const selfView = root.querySelector<HTMLVideoElement>('[part="local-video"]');
    this.selfViewShown = !!selfView;
    attach(selfView, call?.localStream);
    const screen = root.querySelector<HTMLVideoElement>('[part="remote-screen"]');
    if (screen && attach(screen, call?.remoteScreen)) this.play(screen);
    attach(root.querySelector<HTMLVideoElement>('[part="local-screen"]'), call?.screenStream);
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
