import { LitElement, html, nothing } from "lit";
import { property, query, state } from "lit/decorators.js";
import type { EndpointPath, Presence } from "../../protocol/http.ts";
import type { CallStrings } from "../call/call.strings.ts";
import { fire } from "../events.ts";
import { addressOf, fetchRoom, storagePrefix } from "../room/address.ts";
import type { ErrorStrings } from "../room/errors.ts";
import { local } from "../room/storage.ts";
import { format, stringsConverter } from "../strings.ts";
import type { FileStrings } from "../files/files.strings.ts";
import type { RecorderStrings } from "../files/recorder.strings.ts";
import type { VisitorSession } from "./visitor-session.ts";
import { launcherStyles } from "./contact-me.styles.ts";
import { visitorStrings, type VisitorStrings } from "./contact-me.strings.ts";

export type * from "../events.ts";

/** Strings `<contact-me>` shows: its own, those of the call view, of files and the recorder, and the room's refusals. */
export type ContactMeStrings = VisitorStrings & CallStrings & FileStrings & RecorderStrings & ErrorStrings;

/** The panel module, loaded once per page on first open. */
let panelModule: Promise<typeof import("./contact-me-panel.ts")> | undefined;

/** Load the panel code (once); a failed load is tried again next time. */
function loadPanel(): Promise<typeof import("./contact-me-panel.ts")> {
  panelModule ??= import("./contact-me-panel.ts").catch((err: unknown) => {
    panelModule = undefined;
    throw err;
  });
  return panelModule;
}

/**
 * The visitor's widget: a **Contact me** button that opens a panel to send the
 * site's owner a message or start an audio or video call.
 *
 * On page load it makes one small HTTP request (presence, and the unread
 * count of a returning visitor) and draws only the button: the panel, text
 * and call code are loaded (`import()`) and the WebSocket opens when the panel
 * is first opened. The socket then stays (reconnecting on its own) so host
 * replies arrive live — counted on the button while the panel is closed.
 *
 * A call goes on when the panel is closed: the panel stays in the page,
 * hidden, so the call's media keep playing, and the button becomes an
 * **In call** pill with the call's time and a **Hang up** button beside it.
 * Escape closes the panel in a call too (the call goes on, shown by the pill).
 *
 * The conversation is kept by the room; this browser keeps its token in
 * `localStorage` (in memory where storage is denied), so a reload shows the
 * whole conversation again.
 *
 * @element contact-me
 *
 * @attr room - Room id, one per site. Default `default`.
 * @attr host - PartyKit host (`name.user.partykit.dev`). Default: the origin the script came from.
 * @attr party - Party name. Default `main`.
 * @attr modes - Space-separated subset of `text audio video`. Default all three.
 * @attr position - `bottom-right` (default), `bottom-left` or `inline`.
 * @attr host-name - The host's display name, e.g. `Ada Lovelace`: the panel's heading, the label of replies, "Ada is away", the call view. Overrides the room's `HOST_NAME`.
 * @attr host-avatar - URL of the host's picture (shown only as an image; initials of the name when absent or broken). Overrides the room's `HOST_AVATAR`.
 * @attr host-tagline - One line under the name, e.g. `Usually replies within a day`. Overrides the room's `HOST_TAGLINE`.
 * @attr host-away - What to say while the host is away, e.g. `Back Monday 9:00 CET`. Overrides the room's `HOST_AWAY`.
 * @attr strings - JSON object overriding visible strings, e.g. `{"launcher": "Écrivez-moi"}` (keys: `visitorStrings` in `contact-me/contact-me.strings.ts`, `callStrings` in `call/call.strings.ts`, `fileStrings` in `files/files.strings.ts`, `recorderStrings` in `files/recorder.strings.ts`, `errorStrings` in `room/errors.ts`).
 *
 * @fires {CustomEvent<ContactMePanelDetail>} contact-me-open - The panel opened. `detail: {room}`.
 * @fires {CustomEvent<ContactMePanelDetail>} contact-me-close - The panel closed. `detail: {room}`.
 * @fires {CustomEvent<ContactMeCallStartDetail>} contact-me-call-start - A call connected. `detail: {media: "audio" | "video"}`.
 * @fires {CustomEvent<ContactMeCallEndDetail>} contact-me-call-end - A call ended, or never connected. `detail: {status: CallStatus, media}`.
 * @fires {CustomEvent<ContactMeMessageSentDetail>} contact-me-message-sent - The room stored a message. `detail: {text: string}`.
 * @fires {CustomEvent<ContactMeMessageReceivedDetail>} contact-me-message-received - A host reply arrived. `detail: {text: string, by?: string}`.
 * @fires {Event} contact-me-meeting-leave - The meeting view closed: left, removed, ended, or a move into a meeting given up.
 * @fires {CustomEvent<{participantId: string}>} contact-me-meeting-connected - In a meeting, the peer connection with participant `participantId` is up for the first time.
 *
 * @csspart launcher - The **Contact me** button; during a call with the panel closed, the **In call** pill (`m:ss`), which reopens the call.
 * @csspart launcher-hang-up - **Hang up** beside the **In call** pill.
 * @csspart badge - The unread count on the button.
 * @csspart launcher-presence - The dot on the button while the host is available.
 * @csspart panel - The dialog.
 * @csspart header - The panel's title bar.
 * @csspart avatar - The host's picture, or the initials of their name in a circle (when the room or `host-name` gives one).
 * @csspart tagline - The line under the host's name.
 * @csspart away - "Ada is away" and the away text, in the menu while no host is available.
 * @csspart conversation-actions - **Back**, **Audio call** and **Video call** above the conversation.
 * @csspart back - **Back** to the menu.
 * @csspart sender - The name and email given before, on one line, with **Change**.
 * @csspart sender-change - **Change**: show the name and email fields again.
 * @csspart email-hint - Under the email field while the host is away.
 * @csspart presence - The host's presence (Available / Away).
 * @csspart close - The close button.
 * @csspart unreachable - "Can't reach the server — retrying", once the room has been unreachable for a while.
 * @csspart reconnect - **Retry** in `unreachable`: connect again now.
 * @csspart menu - The action buttons.
 * @csspart messages - The conversation.
 * @csspart message - One message (also `message-visitor`, `message-host` or `message-call`).
 * @csspart message-visitor - One of the visitor's own messages.
 * @csspart message-host - One of the host's replies.
 * @csspart message-call - A call the visitor made, in the conversation: its media and how it ended.
 * @csspart message-state - Sending / Not sent / Sent / Delivered under the visitor's own messages; Seen under the last once a host has seen it.
 * @csspart typing - "Ada is typing…" while a host types a reply (empty otherwise).
 * @csspart message-retry - **Retry** of a message that was not sent.
 * @csspart files - The files a message carries.
 * @csspart file-image - An image in a message: its thumbnail, a link that opens it whole.
 * @csspart file-recording - A voice or video message in a message: its player and length.
 * @csspart file-document - A document in a message (PDF, text): a download link with its name and size.
 * @csspart form - The message form.
 * @csspart attach - **Attach a file**: opens the file picker (images, PDF, plain text). Files can also be pasted in the message box or dropped on the panel.
 * @csspart attachments - The files attached to the message being written.
 * @csspart attachment - One attached file: its thumbnail or icon, name, size, upload progress and remove button.
 * @csspart attachment-remove - Takes a file off the message.
 * @csspart attachment-progress - A file's upload progress, while the message is being sent.
 * @csspart attachment-error - Why a file was refused or could not be uploaded (the message is kept).
 * @csspart call - The call view.
 * @csspart call-status - The call status line.
 * @csspart stage - The media area: the host's video or picture, the visitor's own camera over it.
 * @csspart avatar - The host's picture or initials, when there is no video to show.
 * @csspart remote-video - The host's video (video calls).
 * @csspart remote-audio - The host's audio (audio calls).
 * @csspart local-video - The visitor's own camera preview.
 * @csspart tap-to-unmute - Shown when the browser would not play the call's sound without a tap.
 * @csspart hang-up - The Hang up button.
 * @csspart cancel - The Cancel button while waiting in line.
 * @csspart controls - The call's toolbar: round icon buttons (mute, camera, turn on video, device settings, full screen) and Hang up.
 * @csspart mute - **Mute** / **Unmute**.
 * @csspart camera - **Camera off** / **Camera on** (video calls).
 * @csspart turn-on-video - **Turn on video** (audio calls, when a camera exists).
 * @csspart share-screen - **Share screen** / **Stop sharing** in a call (where the browser has `getDisplayMedia`: not on phones).
 * @csspart screen-tile - A shared screen's tile on the call's stage: its video and its label.
 * @csspart remote-screen - The other side's shared screen (a video).
 * @csspart local-screen - This side's shared screen (a video, muted).
 * @csspart screen-label - Who shares the screen of a tile ("Ada's screen", "Your screen").
 * @csspart device-settings - **Device settings**: opens `devices`.
 * @csspart devices - The panel with the **Microphone** and **Camera** selects.
 * @csspart fullscreen - **Full screen** / **Exit full screen** (where the browser allows it).
 * @csspart call-timer - Time since the call connected (`m:ss`).
 * @csspart call-quality - Connection quality: Good, Fair or Poor.
 * @csspart peer-muted - Shown while the host's microphone is muted.
 * @csspart peer-camera-off - Shown while the host's camera is off.
 * @csspart call-done - **Done**, once a call is over.
 * @csspart try-again - **Try again**: the same call again, once one is over (while the host is available).
 * @csspart try-audio - **Try an audio call instead**, when the camera or microphone was blocked for a video call.
 * @csspart leave-message - **Leave a message**, once a call is over or could not be made.
 * @csspart calls-off - In the menu, instead of the call buttons: why this browser cannot call (or make video calls), or that the host cannot take calls right now.
 * @csspart copy-link - **Copy link** in `calls-off`, in an in-app browser: the page's address, to open it in a browser.
 * @csspart leave-voice-message - **Leave a voice message**: in the menu while no host is available, and after a call no host took (declined, no answer, away, line full).
 * @csspart leave-video-message - **Leave a video message**, beside `leave-voice-message` (sites offering video).
 * @csspart record-voice - **Voice message** beside **Send** in the conversation.
 * @csspart record-video - **Video message** beside **Send** in the conversation.
 * @csspart recorder - The recorder of a voice or video message.
 * @csspart recorder-title - "Voice message" / "Video message" atop the recorder.
 * @csspart recorder-status - "Waiting for your microphone…", "Sending… 40%", or that the limit stopped the recording.
 * @csspart recorder-camera - The camera's live picture while a video message records.
 * @csspart recorder-level - The microphone's level while recording (`role="meter"`, `aria-valuenow` 0–100).
 * @csspart recorder-time - The running time and the longest a message may be, `m:ss / m:ss`.
 * @csspart recorder-preview - The `<audio>` or `<video>` player of the recording before it is sent.
 * @csspart recorder-progress - The `<progress>` bar of the recording's upload.
 * @csspart recorder-error - Why recording or sending failed, in plain words.
 * @csspart recorder-stop - **Stop** recording.
 * @csspart recorder-again - **Re-record**.
 * @csspart recorder-send - **Send** the recording.
 * @csspart recorder-cancel - **Cancel**: nothing is sent.
 * @csspart call-back - **Leave your number or email and Ada will get back to you**, in the menu where no call can be made.
 * @csspart call-back-form - The call-back form it opens: phone or email, an optional note, **Ask to be called back**.
 * @csspart message-call-back - In the visitor's own call-back request: "Call me back: …".
 * @csspart meeting-view - The meeting, full page: opened by an invite link (`?meeting=<token>`), or a call the host moved into a meeting.
 * @csspart meeting-join - The meeting's form: your name and the PIN.
 * @csspart meeting-status - What the meeting waits for (the camera, a host to admit one), why it is closed, or that one is the first one here.
 * @csspart meeting-error - Why joining was refused (wrong PIN, full, expired, ended, removed, the camera blocked), or why a screen could not be shared.
 * @csspart meeting-grid - The meeting's tiles.
 * @csspart meeting-tile - One participant of the meeting (also `meeting-tile-local` or `meeting-tile-speaking`).
 * @csspart meeting-tile-local - One's own tile.
 * @csspart meeting-tile-speaking - The tile of the participant speaking (the loudest, by audio level).
 * @csspart meeting-tile-video - A participant's video.
 * @csspart meeting-tile-name - A participant's name.
 * @csspart meeting-tile-muted - Shown while a participant's microphone is off.
 * @csspart meeting-tile-state - "Connecting…" or "Reconnecting…" over a tile.
 * @csspart meeting-screen-tile - A screen shared in the meeting: a large tile above the others, its video and its label.
 * @csspart meeting-screen-label - Whose screen a tile shows ("Ada's screen", "Your screen").
 * @csspart meeting-controls - The meeting's Mute, camera, Share screen and Leave.
 * @csspart meeting-mute - **Mute** / **Unmute** in the meeting.
 * @csspart meeting-camera - **Camera off** / **Camera on** in the meeting.
 * @csspart meeting-share-screen - **Share screen** / **Stop sharing** in the meeting (not on phones).
 * @csspart meeting-leave - **Leave** the meeting.
 * @csspart meeting-close - **Close**, once the meeting has closed for the visitor (left, removed, ended): back to the site.
 *
 * @cssprop --contact-me-accent - Accent colour (buttons, focus ring).
 * @cssprop --contact-me-on-accent - Text on the accent colour.
 * @cssprop --contact-me-background - Panel background.
 * @cssprop --contact-me-foreground - Text colour.
 * @cssprop --contact-me-muted - Secondary text.
 * @cssprop --contact-me-border - Borders.
 * @cssprop --contact-me-danger - Errors and red text (in the dark scheme, a light red).
 * @cssprop --contact-me-danger-fill - Background of **Hang up** and the other filled red buttons. Default `#c62828` in both schemes.
 * @cssprop --contact-me-on-danger - Text and icons on `--contact-me-danger-fill`. Default `#ffffff`.
 * @cssprop --contact-me-ok - The Available dot.
 * @cssprop --contact-me-radius - Panel corner radius.
 * @cssprop --contact-me-font - Font family.
 * @cssprop --contact-me-width - Panel width. Default `22rem`.
 * @cssprop --contact-me-z-index - Stacking of the floating button and panel. Default `2147483000`.
 */
export class ContactMe extends LitElement {
  static override styles = launcherStyles;


  /** Room id: one per site. */
  @property() room = "default";
  /** PartyKit host; defaults to the origin the script was loaded from. */
  @property() host = "";
  /** Party name on the PartyKit project. */
  @property() party = "main";
  /** Space-separated modes offered: `text`, `audio`, `video`. */
  @property() modes = "text audio video";
  /** Where the widget sits: `bottom-right`, `bottom-left`, `inline`. */
  @property({ reflect: true }) position: "bottom-right" | "bottom-left" | "inline" = "bottom-right";
  /**
   * Overrides of visible strings, by key (see `visitorStrings`, `callStrings`,
   * `fileStrings`, `recorderStrings` and `errorStrings`); missing keys keep their defaults. As an attribute: JSON.
   */
  /**
   * The host's display name (e.g. "Ada Lovelace"): the panel's heading, the
   * label of the host's replies, "Ada is away", and the call view. Unset or
   * empty: the room's `HOST_NAME`, else none ("Contact", "The host").
   */
  @property({ attribute: "host-name", reflect: true }) hostName?: string;
  /**
   * URL of the host's picture, shown only as an `<img>` beside the name (the
   * name's initials when unset or when it fails to load). Unset or empty: the
   * room's `HOST_AVATAR`.
   */
  @property({ attribute: "host-avatar", reflect: true }) hostAvatar?: string;
  /** One line under the host's name (e.g. "Usually replies within a day"). Unset or empty: the room's `HOST_TAGLINE`. */
  @property({ attribute: "host-tagline", reflect: true }) hostTagline?: string;
  /** What to tell visitors while the host is away (e.g. "Back Monday 9:00 CET"). Unset or empty: the room's `HOST_AWAY`. */
  @property({ attribute: "host-away", reflect: true }) hostAway?: string;
  @property({ attribute: "strings", converter: stringsConverter }) strings: Partial<ContactMeStrings> = {};

  @state() private open = false;
  /** The invite token of a meeting this page was opened for (`?meeting=<token>`), shown instead of the panel. */
  @state() private meeting: string | undefined;
  /** The host's presence: `undefined` until known. */
  @state() private available: boolean | undefined;
  /** Unread replies found by the page-load request, until the panel takes over. */
  @state() private initialUnread = 0;

  @query('[part="launcher"]') private launcher!: HTMLButtonElement;

  /** What the panel does, kept while it is closed; started on first open. */
  private session: VisitorSession | undefined;
  /** The panel being loaded (first open), awaited by `updateComplete`. */
  private loading: Promise<void> | undefined;

  /** Statistics of the current call's RTCPeerConnection, or null outside a call. */
  getCallStats(): Promise<RTCStatsReport | null> {
    return this.session ? this.session.call.getStats() : Promise.resolve(null);
  }

  /**
   * The launcher's strings: its defaults with {@link strings} on top. (The
   * panel adds the call and error defaults beneath, so they load with it.)
   */
  private get text(): VisitorStrings & Partial<ContactMeStrings> {
    return { ...visitorStrings, ...this.strings };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener("keydown", this.onKeydown);
    void this.loadPresence();
    this.openMeeting();
  }

  /** A link with `?meeting=<token>` opens straight into that meeting (its code loads now, as its own chunk). */
  private openMeeting(): void {
    const token = new URLSearchParams(globalThis.location?.search ?? "").get("meeting");
    if (!token || this.meeting) return;
    import("../meeting/contact-me-meeting.ts").then(
      () => (this.meeting = token),
      (err: unknown) => console.warn("contact-me: could not load the meeting", err),
    );
  }

  /** The one request on page load: presence, and unread replies for a returning visitor. */
  private async loadPresence() {
    const address = addressOf(this);
    const token = local.get(`${storagePrefix("contact-me", address)}:conversation`);
    try {
      const res = await fetchRoom(address, "presence" satisfies EndpointPath, undefined, token ? { conversation: token } : undefined);
      // Checked by hand, not with the schema of `protocol/http.ts`: valibot stays out of the first load.
      const body = (await res.json()) as Partial<Presence>;
      this.available = body.available === true;
      if (typeof body.unread === "number") {
        if (this.session) this.session.conversation.setUnread(body.unread);
        else this.initialUnread = body.unread;
      }
    } catch {
      // Offline or blocked: the panel connects when opened.
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener("keydown", this.onKeydown);
  }

  /** Escape anywhere in the widget (the button or the panel) closes the panel. */
  private readonly onKeydown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && this.open) {
      event.stopPropagation();
      this.close();
    }
  };

  /** Resolves once rendered, including the panel's render after it loads. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let result = await super.getUpdateComplete();
    while (this.loading) {
      await this.loading;
      result = await super.getUpdateComplete();
    }
    await this.renderRoot?.querySelector("contact-me-panel")?.updateComplete;
    return result;
  }

  /** The host's presence: the socket's once it has it, else the page-load request's. */
  private get presence(): boolean | undefined {
    return this.session?.available ?? this.available;
  }

  override render() {
    const s = this.text;
    const unread = this.session ? this.session.unread : this.initialUnread;
    // A live call keeps the panel (and its media) in the page while closed; the button shows the call.
    const call = this.session?.call.live && !this.session.handover.moved ? this.session : undefined;
    const pill = !this.open && call;
    return html`
      <div class="bar ${this.open ? "open" : ""}">
        <button
          part="launcher"
          class="primary"
          aria-expanded=${this.open}
          aria-controls=${this.open && this.session ? "panel" : nothing}
          aria-describedby=${unread ? "unread" : nothing}
          @click=${this.toggle}
        >
          ${pill ? `${s.inCall} ${pill.callTime}`.trim() : s.launcher}${this.presence && !pill
            ? html`<span part="launcher-presence" aria-hidden="true"></span>`
            : nothing}${unread ? html`<span part="badge" aria-hidden="true">${unread}</span>` : nothing}
        </button>
        ${pill ? html`<button part="launcher-hang-up" class="danger" @click=${this.hangUp}>${pill.text.hangUp}</button>` : nothing}
      </div>
      ${unread ? html`<span id="unread" hidden>${format(s.unread, { n: unread })}</span>` : nothing}
      ${this.meeting
        ? html`<contact-me-meeting class="meeting" part="meeting-view" room=${this.room} host=${this.host} party=${this.party} token=${this.meeting}></contact-me-meeting>`
        : nothing}
      ${this.session?.handover.render({ room: this.room, host: this.host, party: this.party, name: "", strings: this.strings }) ?? nothing}
      ${this.session && (this.open || call)
        ? html`<contact-me-panel id="panel" part="panel" ?hidden=${!this.open}></contact-me-panel>`
        : nothing}
    `;
  }

  /** **Hang up** on the pill: end the call; focus goes back to the button. */
  private hangUp() {
    this.session?.call.hangUp();
    void this.updateComplete.then(() => this.launcher?.focus());
  }

  private toggle() {
    if (this.open) this.close();
    else void this.show();
  }

  /** Open the panel, loading its code the first time. */
  async show(): Promise<void> {
    if (this.open) return;
    this.open = true;
    if (!this.session) {
      this.loading ??= this.startSession();
      try {
        await this.loading;
      } finally {
        this.loading = undefined;
      }
      if (!this.session || !this.open) return;
    }
    this.session.opened();
    fire(this, "contact-me-open", { room: this.room });
  }

  /** Load the panel's code and start the session (once). */
  private async startSession(): Promise<void> {
    try {
      const { VisitorSession } = await loadPanel();
      if (!this.session) {
        this.session = new VisitorSession(this);
        if (this.initialUnread) this.session.conversation.setUnread(this.initialUnread);
      }
    } catch (err) {
      console.warn("contact-me: could not load the panel", err);
      this.open = false;
    }
    this.requestUpdate();
  }

  /** Close the panel and return focus to the button. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.session?.closed();
    fire(this, "contact-me-close", { room: this.room });
    void this.updateComplete.then(() => this.launcher?.focus());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "contact-me": ContactMe;
  }
}
