/**
 * `<contact-me-meeting>`: a meeting of up to five people, opened from an
 * invite link (`?meeting=<token>`; `<contact-me>` shows it by itself) or from
 * the host dashboard. Loaded as its own chunk, never with the launcher.
 * @module
 */
import { LitElement, css, html, nothing } from "lit";
import { property, state } from "lit/decorators.js";
import { live } from "lit/directives/live.js";
import type { ErrorCode, MessageOf, ServerMessage } from "../../protocol/socket.ts";
import { define } from "../define.ts";
import { stringTable } from "../locale.ts";
import { baseStyles } from "../styles.ts";
import { addressOf } from "../room/address.ts";
import { errorKey, errorStrings } from "../room/errors.ts";
import { SignalingController } from "../room/signaling.ts";
import { session } from "../room/storage.ts";
import { ScreenShare } from "../call/screen-share.ts";
import { MeetingMesh } from "./mesh.ts";

/** Every string the meeting shows; override any with the `strings` property. */
export const meetingStrings = {
  title: "Meeting",
  yourName: "Your name",
  pin: "PIN",
  join: "Join",
  camera: "Waiting for your camera and microphone…",
  cameraBlocked: "Your camera or microphone could not be used. Allow them and try again.",
  joining: "Joining…",
  waiting: "Waiting for the host to let you in…",
  alone: "You are the first one here. Others will appear as they join.",
  connectingTo: "Connecting to {name}…",
  reconnecting: "{name}'s connection is reconnecting…",
  roomReconnecting: "Reconnecting to the meeting…",
  you: "You",
  mute: "Mute",
  unmute: "Unmute",
  cameraOff: "Camera off",
  cameraOn: "Camera on",
  leave: "Leave",
  muted: "Muted",
  shareScreen: "Share screen",
  stopSharing: "Stop sharing",
  /** The label of a participant's shared screen. */
  screenOf: "{name}'s screen",
  yourScreen: "Your screen",
  screenFailed: "Your screen could not be shared.",
  closedEnded: "The host ended this meeting.",
  closedRemoved: "The host removed you from this meeting.",
  closedDeleted: "This meeting no longer exists.",
  closedExpired: "This meeting link has expired.",
  left: "You left the meeting.",
  /** Hides the meeting once it has closed for this participant. */
  close: "Close",
  ...errorStrings,
};
export type MeetingStrings = typeof meetingStrings;

/**
 * Each part of the meeting view, and the name under which `<contact-me>` and
 * `<contact-me-host>` export it: `meeting-` before it, so it meets none of the
 * call view's (`mute`, `controls`, `screen-tile`…). The join form is
 * `meeting-join`, since the dashboard's `meeting-form` creates meetings.
 */
export const MEETING_PARTS = {
  form: "meeting-join",
  status: "meeting-status",
  error: "meeting-error",
  grid: "meeting-grid",
  tile: "meeting-tile",
  "tile-local": "meeting-tile-local",
  "tile-speaking": "meeting-tile-speaking",
  "tile-video": "meeting-tile-video",
  "tile-name": "meeting-tile-name",
  "tile-muted": "meeting-tile-muted",
  "tile-state": "meeting-tile-state",
  "screen-tile": "meeting-screen-tile",
  "screen-label": "meeting-screen-label",
  controls: "meeting-controls",
  mute: "meeting-mute",
  camera: "meeting-camera",
  "share-screen": "meeting-share-screen",
  leave: "meeting-leave",
  close: "meeting-close",
} as const;

/**
 * The `exportparts` the element sets on itself (`inner: outer, …`), unless
 * the page set one: inside `<contact-me>` or `<contact-me-host>` its parts are
 * theirs under the names of {@link MEETING_PARTS}. (On a page of its own it
 * changes nothing: `contact-me-meeting::part(tile)`.)
 */
const MEETING_EXPORTS = Object.entries(MEETING_PARTS)
  .map(([inner, outer]) => `${inner}: ${outer}`)
  .join(", ");

type Phase = "form" | "media" | "joining" | "waiting" | "in" | "closed";
type Roster = MessageOf<ServerMessage, "meeting">;
/** Codes that end the attempt for good (no form to try again). */
const FINAL: ErrorCode[] = ["meeting_full", "meeting_expired", "meeting_ended", "removed", "not_found"];

/**
 * A meeting: asks the guest's name (and the PIN), joins, waits to be admitted
 * when the meeting has no PIN, then shows a tile per participant — video,
 * name, muted and camera-off marks, the active speaker outlined — laid out in
 * a grid from 2 to 5 people at desktop and phone sizes.
 *
 * @element contact-me-meeting
 *
 * @attr room - Room id. Default `default`.
 * @attr host - PartyKit host. Default: the origin the script came from.
 * @attr party - Party name. Default `main`.
 * @attr token - The meeting's invite token (the `meeting` parameter of its link).
 * @attr name - The participant's name, filled in the form (a signed-in host's is the room's).
 * @attr autojoin - Join at once as `name`, without the form (a call moving into the meeting; a host rung into it).
 *
 * @fires {Event} contact-me-meeting-leave - The participant left, or the meeting closed for it.
 * @fires {CustomEvent<{participantId: string}>} contact-me-meeting-connected - The peer connection with participant `participantId` is up for the first time.
 *
 * @csspart form - The name and PIN form.
 * @csspart status - What is being waited for (the camera, a host to admit one), why the meeting is closed, or that one is the first one here.
 * @csspart error - Why joining was refused (wrong PIN, full, expired, ended, removed, the camera blocked), or why a screen could not be shared.
 * @csspart grid - The tiles.
 * @csspart tile - One participant (also `tile-local` or `tile-speaking`).
 * @csspart tile-local - One's own tile.
 * @csspart tile-speaking - The tile of the participant speaking (the loudest, by audio level).
 * @csspart tile-video - A participant's video.
 * @csspart tile-name - A participant's name.
 * @csspart tile-muted - Shown while a participant's microphone is off.
 * @csspart tile-state - "Connecting…" or "Reconnecting…" over a tile.
 * @csspart screen-tile - A shared screen: a large tile above the others, its video and its label.
 * @csspart screen-label - Whose screen a tile shows ("Ada's screen", "Your screen").
 * @csspart controls - Mute, camera, Share screen and Leave.
 * @csspart mute - **Mute** / **Unmute**.
 * @csspart camera - **Camera off** / **Camera on**.
 * @csspart share-screen - **Share screen** / **Stop sharing** (where the browser has `getDisplayMedia`: not on phones).
 * @csspart leave - **Leave**.
 * @csspart close - **Close**, once the meeting has closed for this participant: hides the element.
 *
 * @cssprop --contact-me-accent - Accent colour (buttons, the speaker's outline).
 * @cssprop --contact-me-background - Background.
 * @cssprop --contact-me-foreground - Text colour.
 * @cssprop --contact-me-danger-fill - Background of **Leave**.
 */
export class ContactMeMeeting extends LitElement {
  static override styles = [
    baseStyles,
    css`
      /* A column that fills the box it is given: the title, the tiles sharing what height is left, the controls. */
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--_bg);
      }
      :host([hidden]) {
        display: none;
      }
      h2 {
        margin: 0;
        padding: 0.75rem 1rem 0.25rem;
        font-size: 1.05em;
      }
      form,
      .closed {
        display: grid;
        gap: 0.75rem;
        padding: 1.5rem 1rem;
        width: min(22rem, 100% - 2rem);
        margin: auto;
        box-sizing: border-box;
      }
      form input {
        color: var(--_fg);
      }
      form h2,
      .closed h2 {
        padding: 0;
        font-size: 1.25em;
      }
      [part="status"] {
        margin: 0;
        padding: 0.25rem 1rem;
        color: var(--_muted);
      }
      form [part="status"],
      .closed [part="status"] {
        padding: 0;
      }
      [part="error"] {
        margin: 0;
        padding: 0.25rem 1rem;
        color: var(--_danger);
      }
      form [part="error"] {
        padding: 0;
      }
      /* Every row of tiles shares the height left; a shared screen takes two rows and the whole width. */
      [part="grid"] {
        flex: 1;
        min-height: 0;
        display: grid;
        gap: 0.5rem;
        padding: 0.5rem;
        grid-template-columns: repeat(var(--columns, 2), minmax(0, 1fr));
        grid-auto-rows: minmax(0, 1fr);
      }
      [part~="tile"],
      [part="screen-tile"] {
        position: relative;
        min-height: 0;
        background: #202124;
        border-radius: 0.5rem;
        overflow: hidden;
      }
      [part~="tile"] {
        outline: 3px solid transparent;
        outline-offset: -3px;
      }
      [part~="tile-speaking"] {
        outline-color: var(--_accent);
      }
      video {
        display: block;
        width: 100%;
        height: 100%;
        object-fit: cover;
        border-radius: 0;
      }
      [part="tile-name"],
      [part="screen-label"] {
        position: absolute;
        left: 0.5rem;
        color: #fff;
        background: rgb(0 0 0 / 60%);
        padding: 0.1rem 0.4rem;
        border-radius: 0.25rem;
      }
      [part="tile-name"] {
        bottom: 0.5rem;
      }
      [part="tile-muted"] {
        margin-left: 0.35rem;
      }
      [part="tile-state"] {
        position: absolute;
        inset: 0;
        display: grid;
        place-items: center;
        color: #fff;
        background: rgb(0 0 0 / 45%);
        text-align: center;
        padding: 0.5rem;
      }
      [part="screen-tile"] {
        grid-column: 1 / -1;
        grid-row: span 2;
        background: #000;
      }
      [part="screen-tile"] video {
        object-fit: contain;
      }
      [part="screen-label"] {
        top: 0.5rem;
      }
      [part="controls"] {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        justify-content: center;
        padding: 0.5rem 0.5rem 0.75rem;
      }
      [part="leave"] {
        background: var(--_danger-fill);
        border-color: var(--_danger-fill);
        color: var(--_on-danger);
      }
      @media (max-width: 600px) {
        [part="grid"] {
          grid-template-columns: repeat(var(--phone-columns, 1), minmax(0, 1fr));
        }
      }
    `,
  ];

  /** Room id. */
  @property() room = "default";
  /** PartyKit host; defaults to the origin the script was loaded from. */
  @property() host = "";
  /** Party name. */
  @property() party = "main";
  /** The meeting's invite token. */
  @property() token = "";
  /** The participant's name, to fill the form with. */
  @property() name = "";
  /** Overrides of visible strings, by key of {@link meetingStrings}. */
  @property({ attribute: false }) strings: Partial<MeetingStrings> = {};
  /** A signed-in host's token (`POST host/session`): joins as a host, admitted with no PIN. */
  @property({ attribute: false }) hostToken = "";
  /** Join at once as {@link name}, without the form. */
  @property({ type: Boolean }) autojoin = false;
  /**
   * The camera and microphone to send, instead of asking for them (a call
   * moving into the meeting hands over its own). They stay the giver's: the
   * meeting never stops them.
   */
  @property({ attribute: false }) stream: MediaStream | undefined;
  /** The place kept for this participant (the `rejoin` of a `meeting-invite`): joins with it, no PIN asked. */
  @property({ attribute: false }) rejoin = "";

  @state() private phase: Phase = "form";
  @state() private problem: keyof MeetingStrings | undefined;
  private readonly signaling = new SignalingController(this);
  private local: MediaStream | undefined;
  private mesh: MeetingMesh | undefined;
  private roster: Roster | undefined;
  private pin = "";
  /** The socket came back during the meeting: the next roster restarts pairs that had not connected. */
  private rejoined = false;
  private muted = false;
  private cameraOff = false;
  /** This participant's shared screen, while it shares. */
  private readonly screen = new ScreenShare(() => this.requestUpdate());
  /** Participants whose peer connection has been up: `contact-me-meeting-connected` went for each once. */
  private readonly announced = new Set<string>();

  private readonly table = stringTable(meetingStrings);
  private get s(): MeetingStrings {
    return this.table(this.strings);
  }

  private get rejoinKey(): string {
    return `contact-me-meeting:${this.token}`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute("exportparts")) this.setAttribute("exportparts", MEETING_EXPORTS);
    if (this.autojoin && this.phase === "form") void this.start();
    this.signaling.on("meeting", (frame) => this.onRoster(frame));
    this.signaling.on("meeting-signal", (frame) => {
      const { from, generation } = frame;
      this.mesh?.receive(from, frame.description ? { description: frame.description, generation } : { candidate: frame.candidate ?? null, generation });
    });
    this.signaling.on("meeting-closed", (frame) => this.closed(`closed${frame.reason[0].toUpperCase()}${frame.reason.slice(1)}` as keyof MeetingStrings));
    this.signaling.on("error", (frame) => this.refused(frame.code));
    // After a dropped socket, take our place again.
    this.signaling.on("welcome", () => {
      if (this.phase === "in") this.rejoined = true;
      if (this.phase === "joining" || this.phase === "waiting" || this.phase === "in") this.sendJoin();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  private sendJoin(): void {
    if (this.rejoin) session.set(this.rejoinKey, this.rejoin);
    let rejoin = session.get(this.rejoinKey) ?? undefined;
    if (!rejoin) {
      // Chosen before the first try, so a retry over a new socket takes the same place.
      rejoin = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      session.set(this.rejoinKey, rejoin);
    }
    this.signaling.send({ type: "meeting-join", token: this.token, name: this.name || "Guest", ...(this.pin ? { pin: this.pin } : {}), ...(rejoin ? { rejoin } : {}) });
  }

  private join(event: SubmitEvent): void {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.name = String(form.get("name") ?? "").trim();
    this.pin = String(form.get("pin") ?? "").trim();
    void this.start();
  }

  /** Take the camera and microphone (or {@link stream}), connect, and join. */
  private async start(): Promise<void> {
    this.problem = undefined;
    this.local ??= this.stream;
    if (!this.local) {
      this.phase = "media";
      try {
        this.local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      } catch {
        this.phase = "form";
        this.problem = "cameraBlocked";
        return;
      }
    }
    this.phase = "joining";
    if (this.signaling.status === "idle" || this.signaling.status === "closed") {
      this.signaling.connect(addressOf(this), this.hostToken ? { role: "host", token: this.hostToken } : undefined);
    }
    // The first `welcome` sends the join; an open socket sends it now.
    if (this.signaling.status === "open") this.sendJoin();
  }

  private onRoster(frame: Roster): void {
    // Back after the grace, this side is a new participant: the old pairs (and its old self) go.
    if (this.mesh && this.roster && this.roster.you !== frame.you) {
      this.mesh.close();
      this.mesh = undefined;
      this.announced.clear();
    }
    this.roster = frame;
    session.set(this.rejoinKey, frame.rejoin);
    if (frame.state === "waiting") {
      this.phase = "waiting";
      return;
    }
    this.phase = "in";
    this.mesh ??= new MeetingMesh(this.local!, {
      you: frame.you,
      send: (to, signal) => this.signaling.send({ type: "meeting-signal", to, ...signal } as never),
      changed: () => {
        this.announceConnected();
        this.requestUpdate();
      },
    });
    this.mesh.roster(frame.participants, { iceServers: frame.iceServers, iceTransportPolicy: frame.iceTransportPolicy }, this.rejoined);
    this.rejoined = false;
  }

  /** Fire `contact-me-meeting-connected` for each pair up for the first time. */
  private announceConnected(): void {
    for (const peer of this.mesh?.peers.values() ?? []) {
      if (peer.call.state !== "connected" || this.announced.has(peer.id)) continue;
      this.announced.add(peer.id);
      this.dispatchEvent(new CustomEvent("contact-me-meeting-connected", { detail: { participantId: peer.id }, bubbles: true, composed: true }));
    }
  }

  private refused(code: ErrorCode): void {
    if (this.phase !== "joining" && this.phase !== "waiting") return;
    this.problem = errorKey(code);
    if (FINAL.includes(code)) return this.closed(errorKey(code));
    this.phase = "form";
  }

  private closed(why: keyof MeetingStrings): void {
    this.problem = why;
    this.phase = "closed";
    this.stop();
    this.dispatchEvent(new Event("contact-me-meeting-leave", { bubbles: true, composed: true }));
  }

  private leave(): void {
    this.signaling.send({ type: "meeting-leave" });
    session.remove(this.rejoinKey);
    this.closed("left");
  }

  private stop(): void {
    this.screen.stop();
    this.mesh?.close();
    this.mesh = undefined;
    if (this.local !== this.stream) for (const t of this.local?.getTracks() ?? []) t.stop();
    this.local = undefined;
    this.signaling.close();
  }

  /** Share a screen with everyone (see `call/screen-share.ts`); a failure other than a closed picker says `screenFailed`. */
  private async shareScreen(): Promise<void> {
    const mesh = this.mesh;
    if (!mesh) return;
    this.problem = undefined;
    const ok = await this.screen.start((track) => mesh.shareScreen(track), () => mesh.stopScreen(), () => this.mesh === mesh);
    if (!ok) this.problem = "screenFailed";
  }

  /** Keep each remote tile on its peer's stream (camera, or shared screen), attaching it again (and playing) when its tracks change. */
  protected override updated(): void {
    for (const video of this.renderRoot.querySelectorAll<HTMLVideoElement>("video[data-peer], video[data-screen]")) {
      const call = this.mesh?.peers.get(video.dataset.peer ?? video.dataset.screen ?? "")?.call;
      const stream = video.dataset.screen ? call?.remoteScreen : call?.remoteStream;
      const tracks = stream?.getTracks().map((t) => t.id).join() ?? "";
      if (!stream || (video.srcObject === stream && video.dataset.tracks === tracks)) continue;
      video.dataset.tracks = tracks;
      video.srcObject = null;
      video.srcObject = stream;
      video.play().catch((err: unknown) => {
        if ((err as DOMException)?.name !== "AbortError") console.warn("contact-me: could not play a participant's media", err);
      });
    }
  }

  /**
   * Resolves once the tile of participant `participantId` has presented a
   * video frame (`requestVideoFrameCallback`, HTML §4.8.11), or after
   * `timeoutMs` in ms: its camera off, no such tile, or a browser without it.
   * Never rejects.
   */
  async videoShown(participantId: string, timeoutMs: number): Promise<void> {
    await this.updateComplete;
    const video = [...this.renderRoot.querySelectorAll<HTMLVideoElement>("video[data-peer]")].find((v) => v.dataset.peer === participantId);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      if (video && !video.hidden && "requestVideoFrameCallback" in video)
        video.requestVideoFrameCallback(() => {
          clearTimeout(timer);
          resolve();
        });
    });
  }

  private toggle(what: "audio" | "video"): void {
    if (what === "audio") this.muted = !this.muted;
    else this.cameraOff = !this.cameraOff;
    this.mesh?.setMuted(this.muted, this.cameraOff);
  }

  override render() {
    const s = this.s;
    const error = this.problem ? html`<p part="error" role="alert">${s[this.problem]}</p>` : nothing;
    switch (this.phase) {
      case "form":
        return html`<form part="form" @submit=${this.join}>
          <h2>${s.title}</h2>
          <label>${s.yourName} <input name="name" required maxlength="80" autocomplete="name" .value=${this.name} /></label>
          ${this.hostToken ? nothing : html`<label>${s.pin} <input name="pin" inputmode="numeric" autocomplete="off" maxlength="12" /></label>`}
          ${error}
          <button type="submit" class="primary">${s.join}</button>
        </form>`;
      case "media":
      case "joining":
      case "waiting":
        return html`<div class="closed">
          <h2>${this.roster?.title ?? s.title}</h2>
          <p part="status" role="status">${s[this.phase === "media" ? "camera" : this.phase]}</p>
        </div>`;
      case "closed":
        return html`<div class="closed">
          <h2>${this.roster?.title ?? s.title}</h2>
          <p part="status" role="status">${this.problem ? s[this.problem] : s.left}</p>
          <button part="close" @click=${() => (this.hidden = true)}>${s.close}</button>
        </div>`;
      case "in":
        return this.renderMeeting();
    }
  }

  private renderMeeting() {
    const s = this.s;
    const peers = [...(this.mesh?.peers.values() ?? [])];
    const count = peers.length + 1;
    const columns = count <= 1 ? 1 : count <= 4 ? 2 : 3;
    // live() on the srcObject bindings: Lit sets an object-valued property on every render, and every
    // srcObject assignment restarts the video's load (a blank tile until it presents a frame again).
    return html`
      <h2>${this.roster?.title ?? s.title}</h2>
      ${this.signaling.status === "reconnecting" ? html`<p part="status" role="status">${s.roomReconnecting}</p>` : nothing}
      <div part="grid" style="--columns: ${columns}; --phone-columns: ${count <= 2 ? 1 : 2}">
        ${this.screen.stream
          ? html`<div part="screen-tile" data-screen-of="you">
              <video .srcObject=${live(this.screen.stream)} autoplay playsinline muted></video>
              <span part="screen-label">${s.yourScreen}</span>
            </div>`
          : nothing}
        ${peers
          .filter((p) => p.call.remoteScreen)
          .map(
            (p) => html`<div part="screen-tile" data-screen-of=${p.id}>
              <video data-screen=${p.id} autoplay playsinline muted></video>
              <span part="screen-label">${s.screenOf.replace("{name}", p.name)}</span>
            </div>`,
          )}
        <div part="tile tile-local" data-participant=${this.roster?.you ?? ""}>
          <video part="tile-video" .srcObject=${live(this.local ?? null)} autoplay playsinline muted></video>
          <span part="tile-name">${s.you}${this.muted ? html`<span part="tile-muted">${s.muted}</span>` : nothing}</span>
        </div>
        ${peers.map((p) => {
          const connecting = p.call.state === "connecting";
          const reconnecting = !p.connected || p.call.state === "reconnecting";
          return html`<div part="tile ${this.mesh?.speaker === p.id ? "tile-speaking" : ""}" data-participant=${p.id} data-name=${p.name}>
            <video part="tile-video" data-peer=${p.id} autoplay playsinline ?hidden=${p.cameraOff}></video>
            <span part="tile-name">${p.name}${p.muted ? html`<span part="tile-muted">${s.muted}</span>` : nothing}</span>
            ${connecting || reconnecting
              ? html`<span part="tile-state" role="status">${(connecting ? s.connectingTo : s.reconnecting).replace("{name}", p.name)}</span>`
              : nothing}
          </div>`;
        })}
      </div>
      ${peers.length === 0 ? html`<p part="status">${s.alone}</p>` : nothing}
      ${this.problem ? html`<p part="error" role="alert">${s[this.problem]}</p>` : nothing}
      <div part="controls">
        <button part="mute" aria-pressed=${this.muted} @click=${() => this.toggle("audio")}>${this.muted ? s.unmute : s.mute}</button>
        <button part="camera" aria-pressed=${this.cameraOff} @click=${() => this.toggle("video")}>${this.cameraOff ? s.cameraOn : s.cameraOff}</button>
        ${ScreenShare.supported
          ? html`<button part="share-screen" aria-pressed=${!!this.screen.stream} @click=${() => (this.screen.stream ? this.screen.stop() : void this.shareScreen())}>
              ${this.screen.stream ? s.stopSharing : s.shareScreen}
            </button>`
          : nothing}
        <button part="leave" @click=${this.leave}>${s.leave}</button>
      </div>
    `;
  }
}

define("contact-me-meeting", ContactMeMeeting);

declare global {
  interface HTMLElementTagNameMap {
    "contact-me-meeting": ContactMeMeeting;
  }
}
