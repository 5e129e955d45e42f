/**
 * The panel of `<contact-me>`: the menu, the message form and conversation,
 * and the call view, with the controllers behind them (signaling, call,
 * conversation). Loaded with `import()` the first time the visitor opens the
 * widget, so a page pays for it only when it is used.
 * @module
 */
import { css, html, nothing, type ReactiveControllerHost } from "lit";
import type { CallMedia, ServerMessage } from "../../protocol/socket.ts";
import { CallController, type CallStatus } from "../call/call-controller.ts";
import { callStyles, renderCallControls } from "../call/call-view.ts";
import { ConversationController, type MessageState } from "./conversation-controller.ts";
import { fire } from "../events.ts";
import { attachStream } from "../call/media.ts";
import { SignalingController, type RoomAddress } from "../room/signaling.ts";
import { local, session } from "../room/storage.ts";
import { callStrings, errorKey, errorStrings, problemText, type CallStrings, type ErrorStrings, type Problem } from "../call/call-strings.ts";
import { format, type VisitorStrings } from "../strings.ts";

type View = "menu" | "message" | "call";

/** What the panel needs from its `<contact-me>`. */
export interface PanelHost extends ReactiveControllerHost, EventTarget {
  /** The shadow root the panel renders into. */
  readonly renderRoot: HTMLElement | DocumentFragment;
  /** Where the room is. */
  address(): RoomAddress;
  /** Storage key prefix for this room. */
  storagePrefix(): string;
  /** The element's strings: its defaults merged with the site's overrides (all keys). */
  text(): VisitorStrings & Partial<VisitorStrings & CallStrings & ErrorStrings>;
  /** Space-separated modes offered. */
  modes(): string;
  /** The room's id, for event details. */
  room(): string;
  /** The host's presence: `undefined` until known. */
  available: boolean | undefined;
  /** Close the panel (the close button, Escape). */
  close(): void;
}

/** Styles of the panel, added to the shadow root when it loads. */
export const panelStyles = [
  callStyles,
  css`
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
    [part="form"] {
      display: grid;
      gap: 0.5em;
    }
    [part="call"] {
      display: grid;
      gap: 0.6em;
    }
    [part="local-video"] {
      width: 35%;
      justify-self: end;
    }
  `,
];

/**
 * The open widget. Owns the controllers (added to the element, so they follow
 * its lifecycle) and renders into the element's shadow root.
 */
export class VisitorPanel {
  private view: View = "menu";
  /** The call `contact-me-call-start` was fired for. */
  private startedCallId: string | undefined;
  /** A refusal from the room (rate limit, too large, …), until the next action. */
  private notice: Problem | undefined;
  /** Name and email as last typed, sent with each message. */
  private sender = { name: "", email: "" };

  private readonly signaling: SignalingController;
  private readonly call: CallController;
  private readonly conversation: ConversationController;

  constructor(private readonly host: PanelHost) {
    this.signaling = new SignalingController(host, (m) => this.onServerMessage(m));
    this.call = new CallController(host, (m) => this.signaling.send(m), (s) => this.onCallStatus(s));
    this.conversation = new ConversationController(host, (m) => this.signaling.send(m));
  }

  /** Host replies not yet read. */
  get unread(): number {
    return this.conversation.unread;
  }

  /** Whether the socket has been opened (its presence wins over the page-load request). */
  get connected(): boolean {
    return this.signaling.status !== "idle";
  }

  /** Every string the panel shows: call and error defaults beneath the element's strings. */
  private text(): VisitorStrings & CallStrings & ErrorStrings {
    return { ...errorStrings, ...callStrings, ...this.host.text() } as VisitorStrings & CallStrings & ErrorStrings;
  }

  /** Statistics of the current call's RTCPeerConnection, or null outside a call. */
  getCallStats(): Promise<RTCStatsReport | null> {
    return this.call.getStats();
  }

  /** Take over the unread count the page-load request found. */
  setUnread(count: number): void {
    this.conversation.setUnread(count);
  }

  /** The panel was opened: connect (first time), probe devices, show unread replies. */
  opened(): void {
    // Video is offered only when a camera exists.
    if (this.call.hasCamera === undefined) void this.call.probeDevices();
    const prefix = this.host.storagePrefix();
    // The resume token lets a dropped socket keep its place in line and its call.
    this.signaling.connect(this.host.address(), (): Record<string, string> => {
      const query: Record<string, string> = {};
      const resume = session.get(`${prefix}:resume`);
      const conversation = local.get(`${prefix}:conversation`);
      if (resume) query.resume = resume;
      if (conversation) query.conversation = conversation;
      return query;
    });
    // After connect: `read` must find a socket to go out on.
    if (this.conversation.unread > 0) this.show("message");
  }

  /** The panel was closed. */
  closed(): void {
    this.conversation.setReading(false);
  }

  /** Leaving the page ends the call at once, rather than after the reconnect grace. */
  pageHidden(): void {
    if (this.call.live) this.call.hangUp();
  }

  /** Attach media streams after each render. */
  updated(): void {
    const root = this.host.renderRoot;
    const q = <E extends Element>(part: string) => root.querySelector<E>(`[part="${part}"]`) ?? undefined;
    attachStream(q<HTMLVideoElement>("remote-video"), this.call.remoteStream);
    attachStream(q<HTMLAudioElement>("remote-audio"), this.call.remoteStream);
    attachStream(q<HTMLVideoElement>("local-video"), this.call.localStream);
  }

  private get modeSet(): Set<string> {
    return new Set(this.host.modes().split(/\s+/).filter(Boolean));
  }

  /** The dialog. */
  render() {
    const s = this.text();
    const socket = this.signaling.status;
    const available = this.host.available;
    const presence =
      socket === "reconnecting" ? s.reconnecting : available === undefined ? s.connecting : available ? s.available : s.away;
    return html`
      <div part="panel" id="panel" role="dialog" aria-label=${s.title}>
        <div part="header">
          <h2>${s.title}</h2>
          <span part="presence" class="presence ${available ? "on" : ""}">${presence}</span>
          <button part="close" aria-label=${s.close} @click=${() => this.host.close()}>×</button>
        </div>
        ${this.notice ? html`<p class="error" role="alert">${problemText(this.notice, s)}</p>` : nothing}
        ${this.view === "menu" ? this.renderMenu() : this.view === "message" ? this.renderMessage() : this.renderCall()}
      </div>
    `;
  }

  private renderMenu() {
    const s = this.text();
    const modes = this.modeSet;
    const canCall = this.host.available === true;
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
    const s = this.text();
    const stateText: Record<MessageState, string> = { sending: s.sending, sent: s.sent, delivered: s.delivered };
    const messages = this.conversation.messages;
    return html`
      ${messages.length
        ? html`<ul part="messages" aria-live="polite">
            ${messages.map((m) =>
              m.from === "visitor"
                ? html`<li part="message message-visitor">${m.text}<small part="message-state">${stateText[m.state]}</small></li>`
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
    const s = this.text();
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
      queued: format(s.queued, { n: call.position }),
      "no-answer": s.noAnswer,
      "queue-full": s.queueFull,
    };
    const video = call.media === "video";
    const selfView = (call.localStream?.getVideoTracks().length ?? 0) > 0;
    return html`
      <div part="call" class="call">
        <p part="call-status" class="status" role="status" aria-live="polite">
          ${call.peerReconnecting && call.live ? s.peerReconnecting : text[call.status]}
        </p>
        ${call.error && !call.live ? html`<p class="error">${problemText(call.error, s)}</p>` : nothing}
        ${call.live && video ? html`<video part="remote-video" autoplay playsinline aria-label=${s.remoteVideo}></video>` : nothing}
        ${call.live && selfView
          ? html`<video part="local-video" autoplay playsinline muted aria-label=${s.localVideo}></video>`
          : nothing}
        ${call.live && !video ? html`<audio part="remote-audio" autoplay></audio>` : nothing}
        ${renderCallControls(call, s.theHost, this.modeSet.has("video"), s)}
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

  private show(view: View) {
    this.view = view;
    this.notice = undefined;
    this.conversation.setReading(view === "message");
    this.host.requestUpdate();
  }

  private async startCall(media: CallMedia) {
    this.show("call");
    if (await this.call.acquire(media)) this.call.ring(media);
  }

  private readonly leaveCall = () => {
    this.call.reset();
    this.show("menu");
  };

  private readonly leaveMessage = () => {
    this.call.reset();
    this.show("message");
  };

  private readonly onSubmit = (event: SubmitEvent) => {
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
    this.notice = undefined;
    this.host.requestUpdate();
  };

  private senderDetails() {
    return { name: this.sender.name || undefined, email: this.sender.email || undefined, page: globalThis.location?.href };
  }

  /** Events for messages that became stored, and host replies that arrived. */
  private announce(before: readonly { id?: string; clientId?: string }[]) {
    for (const m of this.conversation.messages) {
      const old = before.find((b) => (m.id && b.id === m.id) || (m.clientId && b.clientId === m.clientId));
      if (m.from === "visitor" && m.id && !old?.id) {
        fire(this.host, "contact-me-message-sent", { text: m.text });
      } else if (m.from === "host" && !old) {
        fire(this.host, "contact-me-message-received", { text: m.text, by: m.by });
      }
    }
  }

  private onCallStatus(status: CallStatus) {
    if (status === "connected") {
      // Once per call: back to Connected after Reconnecting is not a new start.
      if (this.startedCallId === this.call.callId) return;
      this.startedCallId = this.call.callId;
      fire(this.host, "contact-me-call-start", { media: this.call.media ?? "audio" });
    } else if (!this.call.live && status !== "idle") {
      fire(this.host, "contact-me-call-end", { status, media: this.call.media });
    }
  }

  private onServerMessage(message: ServerMessage) {
    const prefix = this.host.storagePrefix();
    if (message.type === "welcome") {
      if (message.resumeToken) session.set(`${prefix}:resume`, message.resumeToken);
      if (message.conversationToken) local.set(`${prefix}:conversation`, message.conversationToken);
    }
    if (this.call.handle(message)) return;
    const before = this.conversation.messages;
    if (this.conversation.handle(message, () => this.senderDetails())) {
      this.announce(before);
      return;
    }
    switch (message.type) {
      case "presence":
        this.host.available = message.available;
        break;
      case "error":
        console.warn(`contact-me: ${message.code}: ${message.message}`);
        this.notice = { key: errorKey(message.code) };
        this.host.requestUpdate();
        break;
    }
  }
}
