import { LitElement, css, html, nothing, type PropertyValues } from "lit";
import { property, query, state } from "lit/decorators.js";
import type { PanelHost, VisitorPanel } from "./contact-me-panel.ts";
import { fire } from "../events.ts";
import { defaultHost, fetchRoom, type RoomAddress } from "../room/address.ts";
import { local } from "../room/storage.ts";
import type { CallStrings, ErrorStrings } from "../call/call-strings.ts";
import { format, stringsConverter, visitorStrings, type VisitorStrings } from "../strings.ts";
import { baseStyles } from "../styles.ts";

export type * from "../events.ts";

/** Strings `<contact-me>` shows: its own, those of the call controls, and the room's refusals. */
export type ContactMeStrings = VisitorStrings & CallStrings & ErrorStrings;

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
 * @attr strings - JSON object overriding visible strings, e.g. `{"launcher": "Écrivez-moi"}` (keys: `visitorStrings` in `strings.ts`, `callStrings` and `errorStrings` in `call-strings.ts`).
 *
 * @fires contact-me-open - The panel opened. `detail: {room}` ({@link ContactMePanelDetail}).
 * @fires contact-me-close - The panel closed. `detail: {room}`.
 * @fires contact-me-call-start - A call connected. `detail: {media: "audio" | "video"}` ({@link ContactMeCallStartDetail}).
 * @fires contact-me-call-end - A call ended. `detail: {status: CallStatus, media}` ({@link ContactMeCallEndDetail}).
 * @fires contact-me-message-sent - The room stored a message. `detail: {text: string}`.
 * @fires contact-me-message-received - A host reply arrived. `detail: {text: string, by?: string}`.
 *
 * @csspart launcher - The **Contact me** button.
 * @csspart badge - The unread count on the button.
 * @csspart launcher-presence - The dot on the button while the host is available.
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
        position: relative;
        border-radius: 999px;
        padding: 0.75em 1.25em;
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.18);
        font-weight: 600;
      }
      [part="launcher-presence"] {
        display: inline-block;
        width: 0.55em;
        height: 0.55em;
        margin-left: 0.5em;
        border-radius: 50%;
        background: var(--_ok);
        box-shadow: 0 0 0 2px var(--_on-accent);
        vertical-align: middle;
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
  /**
   * Overrides of visible strings, by key (see `visitorStrings`, `callStrings`
   * and `errorStrings` in `strings.ts` / `call-strings.ts`); missing keys keep their defaults. As
   * an attribute: JSON.
   */
  @property({ attribute: "strings", converter: stringsConverter }) strings: Partial<ContactMeStrings> = {};

  @state() private open = false;
  /** The host's presence: `undefined` until known. */
  @state() private available: boolean | undefined;
  /** Unread replies found by the page-load request, until the panel takes over. */
  @state() private initialUnread = 0;

  @query('[part="launcher"]') private launcher!: HTMLButtonElement;

  /** The panel, once loaded. */
  private panel: VisitorPanel | undefined;
  /** The panel being loaded (first open), awaited by `updateComplete`. */
  private loading: Promise<void> | undefined;

  /** Statistics of the current call's RTCPeerConnection, or null outside a call. */
  getCallStats(): Promise<RTCStatsReport | null> {
    return this.panel ? this.panel.getCallStats() : Promise.resolve(null);
  }

  /**
   * The launcher's strings: its defaults with {@link strings} on top. (The
   * panel adds the call and error defaults beneath, so they load with it.)
   */
  private get text(): VisitorStrings & Partial<ContactMeStrings> {
    return { ...visitorStrings, ...this.strings };
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
    this.addEventListener("keydown", this.onKeydown);
    void this.loadPresence();
  }

  /** The one request on page load: presence, and unread replies for a returning visitor. */
  private async loadPresence() {
    const token = local.get(`${this.storagePrefix}:conversation`);
    try {
      const res = await fetchRoom(this.address, "presence", undefined, token ? { conversation: token } : undefined);
      const body = (await res.json()) as { available?: boolean; unread?: number };
      if (!this.panel?.connected) this.available = body.available === true;
      if (typeof body.unread === "number") {
        if (this.panel) this.panel.setUnread(body.unread);
        else this.initialUnread = body.unread;
      }
    } catch {
      // Offline or blocked: the panel connects when opened.
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    globalThis.removeEventListener?.("pagehide", this.onPageHide);
    this.removeEventListener("keydown", this.onKeydown);
  }

  /** Escape anywhere in the widget (the button or the panel) closes the panel. */
  private readonly onKeydown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && this.open) {
      event.stopPropagation();
      this.close();
    }
  };

  /** Leaving the page ends the call at once, rather than after the reconnect grace. */
  private readonly onPageHide = () => {
    this.panel?.pageHidden();
  };

  /** Resolves once rendered, including the panel's first render after it loads. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let result = await super.getUpdateComplete();
    while (this.loading) {
      await this.loading;
      result = await super.getUpdateComplete();
    }
    return result;
  }

  override render() {
    const s = this.text;
    const unread = this.panel ? this.panel.unread : this.initialUnread;
    return html`
      <button
        part="launcher"
        class="primary"
        aria-expanded=${this.open}
        aria-controls=${this.open && this.panel ? "panel" : nothing}
        aria-describedby=${unread ? "unread" : nothing}
        @click=${this.toggle}
      >
        ${s.launcher}${this.available ? html`<span part="launcher-presence" aria-hidden="true"></span>` : nothing}${unread
          ? html`<span part="badge" aria-hidden="true">${unread}</span>`
          : nothing}
      </button>
      ${unread ? html`<span id="unread" hidden>${format(s.unread, { n: unread })}</span>` : nothing}
      ${this.open && this.panel ? this.panel.render() : nothing}
    `;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.panel?.updated();
  }

  private toggle() {
    if (this.open) this.close();
    else void this.show();
  }

  /** Open the panel, loading its code the first time. */
  async show(): Promise<void> {
    if (this.open) return;
    this.open = true;
    if (!this.panel) {
      this.loading ??= this.attachPanel();
      try {
        await this.loading;
      } finally {
        this.loading = undefined;
      }
      if (!this.panel || !this.open) return;
    }
    this.panel.opened();
    fire(this, "contact-me-open", { room: this.room });
  }

  private async attachPanel(): Promise<void> {
    try {
      const mod = await loadPanel();
      if (!this.panel) {
        const root = this.renderRoot as ShadowRoot;
        // Constructable stylesheets (no <style> elements: CSP-safe).
        if (root.adoptedStyleSheets) {
          const sheets = mod.panelStyles.map((s) => s.styleSheet).filter((s): s is CSSStyleSheet => !!s);
          root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...sheets];
        }
        this.panel = new mod.VisitorPanel(this.panelHost);
        if (this.initialUnread) this.panel.setUnread(this.initialUnread);
      }
    } catch (err) {
      console.warn("contact-me: could not load the panel", err);
      this.open = false;
    }
    this.requestUpdate();
  }

  /** What the panel sees of this element. */
  private get panelHost(): PanelHost {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const element = this;
    return {
      get renderRoot() {
        return element.renderRoot;
      },
      addController: element.addController.bind(element),
      removeController: element.removeController.bind(element),
      requestUpdate: () => element.requestUpdate(),
      get updateComplete() {
        return element.updateComplete;
      },
      addEventListener: element.addEventListener.bind(element),
      removeEventListener: element.removeEventListener.bind(element),
      dispatchEvent: element.dispatchEvent.bind(element),
      address: () => element.address,
      storagePrefix: () => element.storagePrefix,
      text: () => element.text,
      modes: () => element.modes,
      room: () => element.room,
      get available() {
        return element.available;
      },
      set available(value: boolean | undefined) {
        element.available = value;
      },
      close: () => element.close(),
    };
  }

  /** Close the panel and return focus to the button. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.panel?.closed();
    fire(this, "contact-me-close", { room: this.room });
    void this.updateComplete.then(() => this.launcher?.focus());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "contact-me": ContactMe;
  }
}
