import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { property, query, state } from "lit/decorators.js";
import type { CallMedia, MessageOf, ServerMessage } from "../party/protocol.ts";
import { CallController, type CallStatus } from "./call-controller.ts";
import { attachStream } from "./media.ts";
import { Ringer } from "./ringer.ts";
import { SignalingController, defaultHost, fetchRoom, type RoomAddress } from "./signaling.ts";
import { hostStrings } from "./strings.ts";
import { baseStyles } from "./styles.ts";

type Ring = MessageOf<ServerMessage, "ring">;
type VisitorText = MessageOf<ServerMessage, "text">;

const STORAGE_PREFIX = "contact-me-host:";

/**
 * The host dashboard: sign in with the host key, go **Available**, see
 * visitor messages as they arrive, and accept or decline calls (with a ring).
 *
 * The host key is exchanged once for a short-lived token
 * (`POST /parties/main/<room>/host/session`); the token, kept in
 * `sessionStorage` for this tab, authorizes the host WebSocket.
 *
 * @element contact-me-host
 *
 * @attr room - Room id, the same as the site's `<contact-me room>`. Default `default`.
 * @attr host - PartyKit host. Default: the origin the script came from.
 * @attr party - Party name. Default `main`.
 *
 * @fires contact-me-host-ring - A call started ringing. `detail: {callId, media, name?}`.
 * @fires contact-me-host-message - A visitor message arrived. `detail: {text, name?, page?}`.
 *
 * @csspart sign-in - The sign-in form.
 * @csspart toolbar - Presence switch and sign-out.
 * @csspart available - The Available switch.
 * @csspart incoming - The list of ringing calls.
 * @csspart call - The call view.
 * @csspart call-status - The call status line.
 * @csspart remote-video - The visitor's video (video calls).
 * @csspart remote-audio - The visitor's audio (audio calls).
 * @csspart local-video - The host's own camera preview.
 * @csspart hang-up - The Hang up button.
 * @csspart messages - The list of visitor messages.
 * @csspart message - One visitor message.
 *
 * @cssprop --contact-me-accent - Accent colour. (All tokens of `<contact-me>` apply.)
 */
export class ContactMeHost extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        max-width: 48rem;
      }
      section {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: 1rem;
        margin-block: 1rem;
        display: grid;
        gap: 0.6rem;
        background: var(--_bg);
      }
      h2 {
        font-size: 1.05em;
        margin: 0;
      }
      [part="sign-in"] {
        display: grid;
        gap: 0.6rem;
        max-width: 22rem;
      }
      [part="available"] {
        display: inline-flex;
        align-items: center;
        gap: 0.6em;
      }
      [part="available"] .track {
        width: 2.4em;
        height: 1.3em;
        border-radius: 999px;
        background: var(--_border);
        position: relative;
        transition: background 0.15s;
      }
      [part="available"] .track::after {
        content: "";
        position: absolute;
        top: 0.15em;
        left: 0.15em;
        width: 1em;
        height: 1em;
        border-radius: 50%;
        background: #fff;
        transition: transform 0.15s;
      }
      [part="available"][aria-checked="true"] .track {
        background: var(--_ok);
      }
      [part="available"][aria-checked="true"] .track::after {
        transform: translateX(1.1em);
      }
      .toolbar {
        display: flex;
        gap: 1rem;
        align-items: center;
        flex-wrap: wrap;
      }
      .toolbar .who {
        flex: 1;
        color: var(--_muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.6rem;
      }
      [part="message"] {
        border-left: 3px solid var(--_accent);
        padding-left: 0.6rem;
      }
      [part="message"] .meta {
        font-size: 0.8em;
        color: var(--_muted);
      }
      [part="message"] .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .videos {
        display: grid;
        grid-template-columns: 3fr 1fr;
        gap: 0.5rem;
        align-items: end;
      }
    `,
  ];

  /** Room id, the same as on the site's `<contact-me>`. */
  @property() room = "default";
  /** PartyKit host; defaults to the origin the script was loaded from. */
  @property() host = "";
  /** Party name on the PartyKit project. */
  @property() party = "main";

  @state() private token: string | undefined;
  @state() private hostName = "";
  @state() private signingIn = false;
  @state() private signInError = "";
  @state() private available = false;
  @state() private messages: VisitorText[] = [];
  @state() private incoming: Ring[] = [];
  @state() private notice = "";

  @query('[part="remote-video"]') private remoteVideo?: HTMLVideoElement;
  @query('[part="remote-audio"]') private remoteAudio?: HTMLAudioElement;
  @query('[part="local-video"]') private localVideo?: HTMLVideoElement;

  private readonly strings = hostStrings;
  private readonly ringer = new Ringer();
  private readonly signaling = new SignalingController(this, (m) => this.onServerMessage(m));
  private readonly call = new CallController(this, (m) => this.signaling.send(m));

  /** Statistics of the current call's RTCPeerConnection, or null outside a call. */
  getCallStats(): Promise<RTCStatsReport | null> {
    return this.call.getStats();
  }

  private get address(): RoomAddress {
    return { host: this.host || defaultHost(), room: this.room, party: this.party };
  }

  private get storageKey(): string {
    const a = this.address;
    return `${STORAGE_PREFIX}${a.host}/${a.party}/${a.room}`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const saved = readSession(this.storageKey);
    if (saved && Number(saved.split(".")[0]) * 1000 > Date.now() + 60_000) {
      this.token = saved;
      this.connect();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.ringer.stop();
  }

  override render() {
    return this.token ? this.renderDashboard() : this.renderSignIn();
  }

  private renderSignIn() {
    const s = this.strings;
    return html`
      <form part="sign-in" @submit=${this.signIn}>
        <label>${s.hostKey}<input name="key" type="password" autocomplete="current-password" required /></label>
        <button type="submit" class="primary" ?disabled=${this.signingIn}>${this.signingIn ? s.signingIn : s.signIn}</button>
        ${this.signInError ? html`<p class="error" role="alert">${this.signInError}</p>` : nothing}
      </form>
    `;
  }

  private renderDashboard() {
    const s = this.strings;
    const socket = this.signaling.status;
    return html`
      <div class="toolbar" part="toolbar">
        <span class="who">${s.signedInAs} ${this.hostName || "…"}</span>
        ${socket === "connecting" || socket === "reconnecting"
          ? html`<span role="status">${socket === "connecting" ? s.connecting : s.reconnecting}</span>`
          : nothing}
        <button part="available" role="switch" aria-checked=${this.available} @click=${this.toggleAvailable}>
          <span class="track" aria-hidden="true"></span>${s.available}
        </button>
        <button @click=${this.signOut}>${s.signOut}</button>
      </div>
      ${this.notice ? html`<p class="error" role="alert">${this.notice}</p>` : nothing}
      ${this.call.status !== "idle" ? this.renderCall() : nothing}
      ${this.incoming.length ? this.renderIncoming() : nothing}
      <section aria-labelledby="messages-title">
        <h2 id="messages-title">${s.messages}</h2>
        ${this.messages.length
          ? html`<ul part="messages" aria-live="polite">
              ${this.messages.map(
                (m) => html`<li part="message">
                  <div class="meta">
                    ${m.name || s.visitor} · ${new Date(m.at).toLocaleTimeString()}${m.page ? html` · ${m.page}` : nothing}
                  </div>
                  <div class="text">${m.text}</div>
                </li>`,
              )}
            </ul>`
          : html`<p>${s.noMessages}</p>`}
      </section>
    `;
  }

  private renderIncoming() {
    const s = this.strings;
    const inCall = this.call.live;
    return html`
      <section part="incoming" aria-labelledby="incoming-title">
        <h2 id="incoming-title">${s.incoming}</h2>
        <ul>
          ${this.incoming.map(
            (r) => html`<li class="row">
              <span>${r.media === "video" ? s.incomingVideo : s.incomingAudio} ${s.from} ${r.name || s.visitor}</span>
              <button class="primary" ?disabled=${inCall} @click=${() => this.accept(r)}>${s.accept}</button>
              <button @click=${() => this.decline(r)}>${s.decline}</button>
            </li>`,
          )}
        </ul>
      </section>
    `;
  }

  private renderCall() {
    const s = this.strings;
    const call = this.call;
    const text: Partial<Record<CallStatus, string>> = {
      preparing: s.callConnecting,
      connecting: s.callConnecting,
      connected: s.connected,
      reconnecting: s.callReconnecting,
      ended: s.ended,
      failed: s.failed,
      blocked: s.blocked,
    };
    const video = call.media === "video";
    return html`
      <section part="call" aria-labelledby="call-title">
        <h2 id="call-title">${s.call}${call.peerName ? ` · ${call.peerName}` : ""}</h2>
        <p part="call-status" class="status" role="status" aria-live="polite">${text[call.status] ?? ""}</p>
        ${call.error && !call.live ? html`<p class="error">${call.error}</p>` : nothing}
        ${call.live && video
          ? html`<div class="videos">
              <video part="remote-video" autoplay playsinline aria-label=${s.remoteVideo}></video>
              <video part="local-video" autoplay playsinline muted aria-label=${s.localVideo}></video>
            </div>`
          : nothing}
        ${call.live && !video ? html`<audio part="remote-audio" autoplay></audio>` : nothing}
        <div class="row">
          ${call.live
            ? html`<button part="hang-up" class="danger" @click=${() => this.call.hangUp()}>${s.hangUp}</button>`
            : html`<button @click=${() => this.call.reset()}>${s.dismiss}</button>`}
        </div>
      </section>
    `;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    attachStream(this.remoteVideo, this.call.remoteStream);
    attachStream(this.remoteAudio, this.call.remoteStream);
    attachStream(this.localVideo, this.call.localStream);
    if (this.incoming.length > 0 && !this.call.live) this.ringer.start();
    else this.ringer.stop();
  }

  private async signIn(event: SubmitEvent) {
    event.preventDefault();
    this.ringer.unlock();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem("key") as HTMLInputElement;
    this.signingIn = true;
    this.signInError = "";
    try {
      const res = await fetchRoom(this.address, "host/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ key: input.value }),
      });
      const body = (await res.json().catch(() => ({}))) as { token?: string; name?: string; message?: string };
      if (!res.ok || !body.token) {
        this.signInError = res.status === 401 ? this.strings.wrongKey : (body.message ?? `Sign-in failed (HTTP ${res.status})`);
        return;
      }
      input.value = "";
      this.token = body.token;
      this.hostName = body.name ?? "";
      writeSession(this.storageKey, body.token);
      this.connect();
    } catch (err) {
      this.signInError = `Cannot reach the room: ${(err as Error).message}`;
    } finally {
      this.signingIn = false;
    }
  }

  private signOut() {
    this.call.hostDisconnected();
    this.signaling.close();
    removeSession(this.storageKey);
    this.token = undefined;
    this.available = false;
    this.incoming = [];
  }

  private connect() {
    if (this.token) this.signaling.connect(this.address, { role: "host", token: this.token });
  }

  private toggleAvailable() {
    this.ringer.unlock();
    this.available = !this.available;
    this.signaling.send({ type: "available", available: this.available });
    if (!this.available) this.incoming = [];
  }

  private async accept(ring: Ring) {
    this.ringer.unlock();
    this.incoming = this.incoming.filter((r) => r.callId !== ring.callId);
    this.call.reset();
    if (await this.call.acquire(ring.media as CallMedia)) this.signaling.send({ type: "accept", callId: ring.callId });
  }

  private decline(ring: Ring) {
    this.incoming = this.incoming.filter((r) => r.callId !== ring.callId);
    this.signaling.send({ type: "decline", callId: ring.callId });
  }

  private onServerMessage(message: ServerMessage) {
    if (this.call.handle(message)) return;
    switch (message.type) {
      case "welcome":
        if (message.name) this.hostName = message.name;
        // After a reconnect the room has forgotten this socket: restore availability.
        if (this.available) this.signaling.send({ type: "available", available: true });
        break;
      case "text":
        this.messages = [...this.messages, message];
        this.dispatchEvent(
          new CustomEvent("contact-me-host-message", {
            detail: { text: message.text, name: message.name, page: message.page },
            bubbles: true,
            composed: true,
          }),
        );
        break;
      case "ring":
        if (!this.incoming.some((r) => r.callId === message.callId)) {
          this.incoming = [...this.incoming, message];
          this.dispatchEvent(
            new CustomEvent("contact-me-host-ring", {
              detail: { callId: message.callId, media: message.media, name: message.name },
              bubbles: true,
              composed: true,
            }),
          );
        }
        break;
      case "ring-ended":
        this.incoming = this.incoming.filter((r) => r.callId !== message.callId);
        break;
      case "error":
        if (this.call.status === "preparing") this.call.reset();
        this.notice = message.message;
        break;
    }
  }
}

function readSession(key: string): string | null {
  try {
    return globalThis.sessionStorage?.getItem(key) ?? null;
  } catch {
    return null; // storage denied
  }
}

function writeSession(key: string, value: string): void {
  try {
    globalThis.sessionStorage?.setItem(key, value);
  } catch {
    // storage denied: the sign-in lasts until the tab reloads
  }
}

function removeSession(key: string): void {
  try {
    globalThis.sessionStorage?.removeItem(key);
  } catch {
    // storage denied
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "contact-me-host": ContactMeHost;
  }
}
