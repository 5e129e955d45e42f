import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { property, query, state } from "lit/decorators.js";
import type { CallMedia, ServerMessage } from "../party/protocol.ts";
import { CallController, type CallStatus } from "./call-controller.ts";
import { ConversationController, type MessageState } from "./conversation-controller.ts";
import { callStyles, renderCallControls } from "./call-view.ts";
import { attachStream } from "./media.ts";
import { SignalingController, defaultHost, fetchRoom, type RoomAddress } from "./signaling.ts";
import { baseStyles } from "./styles.ts";
import { local, session } from "./storage.ts";
import { callStrings, visitorStrings } from "./strings.ts";

type View = "menu" | "message" | "call";

/**
 * The visitor's widget: a **Contact me** button that opens a panel to send the
 * site's owner a message or start an audio or video call.
 *
 * On page load it makes one small HTTP request (presence, and the unread
 * count of a returning visitor); the WebSocket opens when the panel is first
 * opened, then stays (reconnecting on its own) so host replies arrive live —
 * counted on the button while the panel is closed.
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
 *
 * @fires contact-me-call-start - A call connected. `detail: {media: "audio" | "video"}`.
 * @fires contact-me-call-end - A call ended. `detail: {status: CallStatus}`.
 * @fires contact-me-message-sent - The room stored a message. `detail: {text: string}`.
 * @fires contact-me-message-received - A host reply arrived. `detail: {text: string, by?: string}`.
 *
 * @csspart launcher - The **Contact me** button.
 * @csspart badge - The unread count on the button.
 * @csspart panel - The dialog.
 * @csspart header - The panel's title bar.
 * @csspart presence - The host's presence (Available / Away).
 * @csspart close - The close button.
 * @csspart menu - The action buttons.
 * @csspart messages - The conversation.
 * @csspart message - One message (also `message-visitor` or `message-host`).
 * @csspart message-state - Sending / Sent / Delivered under the visitor's own messages.
 * @csspart form - The message form.
 * @csspart call - The call view.
 * @csspart call-status - The call status line.
 * @csspart remote-video - The host's video (video calls).
 * @csspart remote-audio - The host's audio (audio calls).
 * @csspart local-video - The visitor's own camera preview.
 * @csspart hang-up - The Hang up button.
 * @csspart cancel - The Cancel button while waiting in line.
 * @csspart controls - The in-call buttons (mute, camera, turn on video).
 * @csspart mute - **Mute** / **Unmute**.
 * @csspart camera - **Camera off** / **Camera on** (video calls).
 * @csspart turn-on-video - **Turn on video** (audio calls, when a camera exists).
 * @csspart devices - The **Microphone** and **Camera** selects.
 * @csspart call-timer - Time since the call connected (`m:ss`).
 * @csspart call-quality - Connection quality: Good, Fair or Poor.
 * @csspart peer-muted - Shown while the host's microphone is muted.
 * @csspart peer-camera-off - Shown while the host's camera is off.
 *
 * @cssprop --contact-me-accent - Accent colour (buttons, focus ring).
 * @cssprop --contact-me-on-accent - Text on the accent colour.
 * @cssprop --contact-me-background - Panel background.
 * @cssprop --contact-me-foreground - Text colour.
 * @cssprop --contact-me-muted - Secondary text.
 * @cssprop --contact-me-border - Borders.
 * @cssprop --contact-me-danger - Hang up and errors.
 * @cssprop --contact-me-ok - The Available dot.
 * @cssprop --contact-me-radius - Panel corner radius.
 * @cssprop --contact-me-font - Font family.
 * @cssprop --contact-me-width - Panel width. Default `22rem`.
 * @cssprop --contact-me-z-index - Stacking of the floating button and panel. Default `2147483000`.
 */
export class ContactMe extends LitElement {
  static override styles = [
    baseStyles,
    callStyles,
    css`
      :host {
        position: fixed;
        bottom: 1.25rem;
        right: 1.25rem;
        z-index: var(--contact-me-z-index, 2147483000);
        display: flex;
        flex-direction: column-reverse;
        align-items: flex-end;
        gap: 0.75rem;
      }
      :host([position="bottom-left"]) {
        right: auto;
        left: 1.25rem;
        align-items: flex-start;
      }
      :host([position="inline"]) {
        position: static;
        align-items: flex-start;
        flex-direction: column;
      }
      [part="launcher"] {
        border-radius: 999px;
        padding: 0.75em 1.25em;
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.18);
        font-weight: 600;
      }
      [part="panel"] {
        width: var(--contact-me-width, 22rem);
        max-width: calc(100vw - 2.5rem);
        max-height: calc(100vh - 6rem);
        overflow: auto;
        box-sizing: border-box;
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        box-shadow: 0 8px 32px rgb(0 0 0 / 0.22);
        padding: 1rem;
        display: grid;
        gap: 0.75rem;
      }
      [part="header"] {
        display: flex;
        align-items: center;
        gap: 0.75em;
      }
      [part="header"] h2 {
        font-size: 1.1em;
        margin: 0;
        flex: 1;
      }
      [part="close"] {
        padding: 0.2em 0.6em;
      }
      [part="menu"] {
        display: grid;
        gap: 0.5em;
      }
      .hint {
        margin: 0;
        font-size: 0.85em;
        color: var(--_muted);
      }
      [part="messages"] {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.4em;
      }
      [part~="message"] {
        max-width: 85%;
        padding: 0.4em 0.7em;
        border-radius: 10px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      [part~="message-visitor"] {
        justify-self: end;
        background: var(--_accent);
        color: var(--_on-accent);
      }
      [part~="message-host"] {
        justify-self: start;
        border: 1px solid var(--_border);
      }
      [part~="message"] small {
        display: block;
        opacity: 0.8;
        font-size: 0.75em;
      }
      [part="launcher"] {
        position: relative;
      }
      [part="badge"] {
        position: absolute;
        top: -0.4em;
        right: -0.4em;
        min-width: 1.4em;
        height: 1.4em;
        border-radius: 999px;
        background: var(--_danger);
        color: #fff;
        font-size: 0.8em;
        line-height: 1.4em;
        text-align: center;
      }
      [part="form"] {
        display: grid;
        gap: 0.5em;
      }
      [part="local-video"] {
        width: 35%;
        justify-self: end;
      }
    `,
  ];

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

  @state() private open = false;
  @state() private view: View = "menu";
  @state() private available: boolean | undefined;
  @state() private notice = "";
  /** Name and email as last typed, sent with each message. */
  private sender = { name: "", email: "" };

  @query('[part="launcher"]') private launcher!: HTMLButtonElement;
  @query('[part="remote-video"]') private remoteVideo?: HTMLVideoElement;
  @query('[part="remote-audio"]') private remoteAudio?: HTMLAudioElement;
  @query('[part="local-video"]') private localVideo?: HTMLVideoElement;

  private readonly strings = visitorStrings;
  private readonly signaling = new SignalingController(this, (m) => this.onServerMessage(m));
  private readonly call = new CallController(this, (m) => this.signaling.send(m), (s) => this.onCallStatus(s));
  private readonly conversation = new ConversationController(this, (m) => this.signaling.send(m));

  /** Statistics of the current call's RTCPeerConnection, or null outside a call. */
  getCallStats(): Promise<RTCStatsReport | null> {
    return this.call.getStats();
  }

  private get address(): RoomAddress {
    return { host: this.host || defaultHost(), room: this.room, party: this.party };
  }

  /** Storage key prefix for this room. */
  private get storagePrefix(): string {
    const a = this.address;
    return `contact-me:${a.host}/${a.party}/${a.room}`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    globalThis.addEventListener?.("pagehide", this.onPageHide);
    void this.loadPresence();
  }

  /** The one request on page load: presence, and unread replies for a returning visitor. */
  private async loadPresence() {
    const token = local.get(`${this.storagePrefix}:conversation`);
    try {
      const res = await fetchRoom(this.address, "presence", undefined, token ? { conversation: token } : undefined);
      const body = (await res.json()) as { available?: boolean; unread?: number };
      if (this.signaling.status === "idle") this.available = body.available === true;
      if (typeof body.unread === "number") this.conversation.setUnread(body.unread);
    } catch {
      // Offline or blocked: the panel connects when opened.
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    globalThis.removeEventListener?.("pagehide", this.onPageHide);
  }

  /** Leaving the page ends the call at once, rather than after the reconnect grace. */
  private readonly onPageHide = () => {
    if (this.call.live) this.call.hangUp();
  };

  private get modeSet(): Set<string> {
    return new Set(this.modes.split(/\s+/).filter(Boolean));
  }

  override render() {
    const s = this.strings;
    const unread = this.conversation.unread;
    return html`
      <button
        part="launcher"
        class="primary"
        aria-expanded=${this.open}
        aria-controls="panel"
        aria-describedby=${unread ? "unread" : nothing}
        @click=${this.toggle}
      >
        ${s.launcher}${unread ? html`<span part="badge" aria-hidden="true">${unread}</span>` : nothing}
      </button>
      ${unread ? html`<span id="unread" hidden>${s.unread.replace("{n}", String(unread))}</span>` : nothing}
      ${this.open ? this.renderPanel() : nothing}
    `;
  }

  private renderPanel() {
    const s = this.strings;
    const socket = this.signaling.status;
    const presence =
      socket === "reconnecting"
        ? s.reconnecting
        : this.available === undefined
          ? s.connecting
          : this.available
            ? s.available
            : s.away;
    return html`
      <div part="panel" id="panel" role="dialog" aria-label=${s.title} @keydown=${this.onKeydown}>
        <div part="header">
          <h2>${s.title}</h2>
          <span part="presence" class="presence ${this.available ? "on" : ""}">${presence}</span>
          <button part="close" aria-label=${s.close} @click=${this.close}>×</button>
        </div>
        ${this.notice ? html`<p class="error" role="alert">${this.notice}</p>` : nothing}
        ${this.view === "menu" ? this.renderMenu() : this.view === "message" ? this.renderMessage() : this.renderCall()}
      </div>
    `;
  }

  private renderMenu() {
    const s = this.strings;
    const modes = this.modeSet;
    const canCall = this.available === true;
    return html`
      <div part="menu">
        ${modes.has("text") ? html`<button @click=${() => this.show("message")}>${s.sendMessage}</button>` : nothing}
        ${modes.has("audio")
          ? html`<button ?disabled=${!canCall} @click=${() => this.startCall("audio")}>${s.audioCall}</button>`
          : nothing}
        ${modes.has("video") && this.call.hasCamera
          ? html`<button ?disabled=${!canCall} @click=${() => this.startCall("video")}>${s.videoCall}</button>`
          : nothing}
        ${!canCall && (modes.has("audio") || modes.has("video")) ? html`<p class="hint">${s.awayHint}</p>` : nothing}
      </div>
    `;
  }

  private renderMessage() {
    const s = this.strings;
    const stateText: Record<MessageState, string> = { sending: s.sending, sent: s.sent, delivered: s.delivered };
    const messages = this.conversation.messages;
    return html`
      ${messages.length
        ? html`<ul part="messages" aria-live="polite">
            ${messages.map((m) =>
              m.from === "visitor"
                ? // One line: the bubble keeps white space (pre-wrap), so no template indentation inside.
                  html`<li part="message message-visitor">${m.text}<small part="message-state">${stateText[m.state]}</small></li>`
                : html`<li part="message message-host">${m.text}<small>${m.by ?? ""}</small></li>`,
            )}
          </ul>`
        : nothing}
      <form part="form" @submit=${this.onSubmit}>
        <label>${s.message}<textarea name="text" rows="3" required maxlength="4000"></textarea></label>
        <label>${s.yourName}<input name="name" autocomplete="name" maxlength="80" .value=${this.sender.name} /></label>
        <label>${s.email}<input name="email" type="email" autocomplete="email" maxlength="254" .value=${this.sender.email} /></label>
        <div class="row">
          <button type="submit" class="primary">${s.send}</button>
          <button type="button" @click=${() => this.show("menu")}>${s.back}</button>
        </div>
      </form>
    `;
  }

  private renderCall() {
    const s = this.strings;
    const call = this.call;
    const text: Record<CallStatus, string> = {
      idle: "",
      preparing: s.preparing,
      calling: s.calling,
      connecting: s.callConnecting,
      connected: s.connected,
      reconnecting: s.callReconnecting,
      declined: s.declined,
      ended: s.ended,
      failed: s.failed,
      blocked: s.blocked,
      unavailable: s.unavailable,
      busy: s.busy,
      queued: s.queued.replace("{n}", String(call.position)),
      "no-answer": s.noAnswer,
      "queue-full": s.queueFull,
    };
    const video = call.media === "video";
    const selfView = (call.localStream?.getVideoTracks().length ?? 0) > 0;
    return html`
      <div part="call" class="call" style="display:grid;gap:0.6em">
        <p part="call-status" class="status" role="status" aria-live="polite">
          ${call.peerReconnecting && call.live ? s.peerReconnecting : text[call.status]}
        </p>
        ${call.error && !call.live ? html`<p class="error">${call.error}</p>` : nothing}
        ${call.live && video ? html`<video part="remote-video" autoplay playsinline aria-label=${s.remoteVideo}></video>` : nothing}
        ${call.live && selfView ? html`<video part="local-video" autoplay playsinline muted aria-label=${s.localVideo}></video>` : nothing}
        ${call.live && !video ? html`<audio part="remote-audio" autoplay></audio>` : nothing}
        ${renderCallControls(call, callStrings.theHost, this.modeSet.has("video"))}
        ${call.status === "queued"
          ? html`<button part="cancel" @click=${() => this.call.hangUp()}>${s.cancel}</button>`
          : call.live
            ? html`<button part="hang-up" class="danger" @click=${() => this.call.hangUp()}>${s.hangUp}</button>`
            : html`<button @click=${this.leaveCall}>${s.newCall}</button>`}
        ${call.status === "queue-full" || call.status === "no-answer" || call.status === "unavailable"
          ? html`<button @click=${this.leaveMessage}>${s.leaveMessage}</button>`
          : nothing}
      </div>
    `;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    attachStream(this.remoteVideo, this.call.remoteStream);
    attachStream(this.remoteAudio, this.call.remoteStream);
    attachStream(this.localVideo, this.call.localStream);
  }

  private toggle() {
    if (this.open) this.close();
    else {
      this.open = true;
      // Video is offered only when a camera exists.
      if (this.call.hasCamera === undefined) void this.call.probeDevices();
      // The resume token lets a dropped socket keep its place in line and its call.
      this.signaling.connect(this.address, (): Record<string, string> => {
        const query: Record<string, string> = {};
        const resume = session.get(`${this.storagePrefix}:resume`);
        const conversation = local.get(`${this.storagePrefix}:conversation`);
        if (resume) query.resume = resume;
        if (conversation) query.conversation = conversation;
        return query;
      });
      // After connect: `read` must find a socket to go out on.
      if (this.conversation.unread > 0) this.show("message");
      this.dispatchEvent(new CustomEvent("contact-me-open", { bubbles: true, composed: true }));
    }
  }

  private close() {
    if (!this.open) return;
    this.open = false;
    this.conversation.setReading(false);
    this.dispatchEvent(new CustomEvent("contact-me-close", { bubbles: true, composed: true }));
    void this.updateComplete.then(() => this.launcher?.focus());
  }

  private onKeydown(event: KeyboardEvent) {
    if (event.key === "Escape") {
      event.stopPropagation();
      this.close();
    }
  }

  private show(view: View) {
    this.view = view;
    this.notice = "";
    this.conversation.setReading(view === "message");
  }

  private async startCall(media: CallMedia) {
    this.show("call");
    if (await this.call.acquire(media)) this.call.ring(media);
  }

  private leaveCall() {
    this.call.reset();
    this.show("menu");
  }

  private leaveMessage() {
    this.call.reset();
    this.show("message");
  }

  private onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement;
    const text = field("text").value.trim();
    if (!text) return;
    const email = field("email") as HTMLInputElement;
    if (!email.checkValidity()) {
      email.reportValidity();
      return;
    }
    this.sender = { name: field("name").value.trim(), email: email.value.trim() };
    this.conversation.post(text, this.senderDetails());
    field("text").value = "";
    this.notice = "";
  }

  private senderDetails() {
    return { name: this.sender.name || undefined, email: this.sender.email || undefined, page: globalThis.location?.href };
  }

  /** Events for messages that became stored, and host replies that arrived. */
  private announce(before: readonly { id?: string; clientId?: string }[]) {
    for (const m of this.conversation.messages) {
      const old = before.find((b) => (m.id && b.id === m.id) || (m.clientId && b.clientId === m.clientId));
      if (m.from === "visitor" && m.id && !old?.id) {
        this.dispatchEvent(new CustomEvent("contact-me-message-sent", { detail: { text: m.text }, bubbles: true, composed: true }));
      } else if (m.from === "host" && !old) {
        this.dispatchEvent(new CustomEvent("contact-me-message-received", { detail: { text: m.text, by: m.by }, bubbles: true, composed: true }));
      }
    }
  }

  private onCallStatus(status: CallStatus) {
    if (status === "connected") {
      this.dispatchEvent(new CustomEvent("contact-me-call-start", { detail: { media: this.call.media }, bubbles: true, composed: true }));
    } else if (!this.call.live && status !== "idle") {
      this.dispatchEvent(new CustomEvent("contact-me-call-end", { detail: { status }, bubbles: true, composed: true }));
    }
  }

  private onServerMessage(message: ServerMessage) {
    if (message.type === "welcome") {
      if (message.resumeToken) session.set(`${this.storagePrefix}:resume`, message.resumeToken);
      if (message.conversationToken) local.set(`${this.storagePrefix}:conversation`, message.conversationToken);
    }
    if (this.call.handle(message)) return;
    const before = this.conversation.messages;
    if (this.conversation.handle(message, () => this.senderDetails())) {
      this.announce(before);
      return;
    }
    switch (message.type) {
      case "presence":
        this.available = message.available;
        break;
      case "error":
        this.notice = message.message;
        break;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "contact-me": ContactMe;
  }
}
