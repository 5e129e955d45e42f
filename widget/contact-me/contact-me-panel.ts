/**
 * `<contact-me-panel>`: the dialog of `<contact-me>` — header and presence,
 * the actions, the conversation and message form, and the call view. A view
 * over the {@link VisitorSession} it gets from `<contact-me>` through
 * `@lit/context`. This module is the chunk loaded with `import()` the first
 * time a visitor opens the widget: it defines the panel and the call view and
 * starts the session.
 * @module
 */
import { consume } from "@lit/context";
import { LitElement, html, nothing, type PropertyValues } from "lit";
import { state } from "lit/decorators.js";
import type { CallStatus } from "../call/call-controller.ts";
import { callLogText } from "../call/call-log.ts";
import { CALL_PARTS } from "../call/call-view.ts";
import { define } from "../define.ts";
import { RECORDER_PARTS } from "../files/recorder-parts.ts";
import { ATTACHMENT_PARTS } from "../files/attachments.ts";
import { FILE_PARTS, renderFiles } from "../files/file-view.ts";
import { format, problemText } from "../strings.ts";
import { dateFormat } from "../locale.ts";
import { panelStyles } from "./contact-me-panel.styles.ts";
import type { MessageState, PanelMessage } from "./conversation-controller.ts";
import { VisitorSession, sessionContext, type EffectiveProfile } from "./visitor-session.ts";

export { VisitorSession };

/** What a visitor may do next after a call ends, besides **Done**. */
type NextStep = "try-again" | "try-audio" | "leave-message" | "leave-voice-message" | "leave-video-message";

/**
 * The next steps offered in each end state: calling again is offered only
 * while the host is available, an audio call only after a blocked video
 * call, a message only when the site offers text, and a recorded message
 * (voice, or video where the site offers video) when no host took the call —
 * declined, no answer, away, line full — and this browser can record one.
 */
const NEXT_STEPS: Partial<Record<CallStatus, readonly NextStep[]>> = {
  declined: ["try-again", "leave-voice-message", "leave-video-message", "leave-message"],
  failed: ["try-again", "leave-message"],
  ended: ["try-again", "leave-message"],
  "no-answer": ["try-again", "leave-voice-message", "leave-video-message", "leave-message"],
  blocked: ["try-audio", "leave-message"],
  unavailable: ["leave-voice-message", "leave-video-message", "leave-message"],
  "queue-full": ["leave-voice-message", "leave-video-message", "leave-message"],
};

/** Parts of the panel's tree, re-exported by `<contact-me>` under the same names. */
const PANEL_PARTS = [
  "header",
  "avatar",
  "tagline",
  "away",
  "conversation-actions",
  "back",
  "sender",
  "sender-change",
  "email-hint",
  "presence",
  "close",
  "unreachable",
  "reconnect",
  "menu",
  "messages",
  "message",
  "message-visitor",
  "message-host",
  "message-call",
  "message-state",
  "typing",
  "message-retry",
  ...FILE_PARTS,
  "form",
  ...ATTACHMENT_PARTS,
  "call",
  "call-done",
  "try-again",
  "try-audio",
  "leave-message",
  "calls-off",
  "copy-link",
  "leave-voice-message",
  "leave-video-message",
  "record-voice",
  "record-video",
  "recorder",
  "call-back",
  "call-back-form",
  "message-call-back",
  ...CALL_PARTS,
  ...RECORDER_PARTS,
];

/**
 * The open widget (internal to `<contact-me>`, which re-exports its parts).
 * When a view change removes the focused control (**Send a message**,
 * **Back**, **Audio call**, **Hang up**, …), focus moves to the new view's
 * first control: the first action, the message box, or the call status.
 *
 * @element contact-me-panel
 *
 * @csspart header - The panel's title bar.
 * @csspart avatar - The host's picture, or the initials of their name in a circle.
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
 * @csspart call-done - **Done**, once a call is over.
 * @csspart try-again - **Try again**: the same call again, once one is over (while the host is available).
 * @csspart try-audio - **Try an audio call instead**, when the camera or microphone was blocked for a video call.
 * @csspart leave-message - **Leave a message**, once a call is over or could not be made.
 * @csspart calls-off - In the menu, instead of the call buttons: why this browser cannot call (or make video calls), or that the host cannot take calls right now.
 * @csspart copy-link - **Copy link** in `calls-off`, in an in-app browser: the page's address, to open it in a browser.
 * @csspart leave-voice-message - **Leave a voice message**: in the menu while no host is available, and after a call no host took.
 * @csspart leave-video-message - **Leave a video message**, beside `leave-voice-message` (sites offering video).
 * @csspart record-voice - **Voice message** beside **Send** in the conversation.
 * @csspart record-video - **Video message** beside **Send** in the conversation.
 * @csspart recorder - The recorder of a voice or video message (`<contact-me-recorder>`; its parts are exported too).
 * @csspart call-back - **Leave your number or email and Ada will get back to you**, in the menu where no call can be made.
 * @csspart call-back-form - The call-back form it opens: phone or email, an optional note, **Ask to be called back**.
 * @csspart message-call-back - In the visitor's own call-back request: "Call me back: …".
 */
export class ContactMePanel extends LitElement {
  static override styles = panelStyles;

  @consume({ context: sessionContext, subscribe: true })
  @state()
  private context: { session: VisitorSession } | undefined;

  /** An avatar URL that failed to load: its initials are shown instead. */
  @state() private brokenAvatar: string | undefined;
  /** **Copy link** has copied the page's address. */
  @state() private linkCopied = false;
  /** The call-back form is open (after its offer was clicked). */
  @state() private callBackOpen = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute("role", "dialog");
    this.setAttribute("exportparts", PANEL_PARTS.join(", "));
    // Files dropped anywhere on the panel are attached to the message (in the conversation view).
    this.addEventListener("dragover", this.onDragOver);
    this.addEventListener("dragleave", this.onDragLeave);
    this.addEventListener("drop", this.onDrop);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener("dragover", this.onDragOver);
    this.removeEventListener("dragleave", this.onDragLeave);
    this.removeEventListener("drop", this.onDrop);
  }

  private readonly onDragOver = (event: DragEvent) => {
    const session = this.context?.session;
    if (session?.view === "message" && session.modes.has("text")) session.attachments.onDragOver(event);
  };
  private readonly onDragLeave = (event: DragEvent) => this.context?.session.attachments.onDragLeave(event);
  private readonly onDrop = (event: DragEvent) => {
    const session = this.context?.session;
    if (session?.view === "message") session.attachments.onDrop(event);
  };

  protected override updated(): void {
    const title = this.context?.session.text.title;
    if (title !== undefined) this.setAttribute("aria-label", title);
  }

  /**
   * Render; if focus was inside and the update (here or in the call view)
   * removed the focused control, move focus to the view's first control.
   */
  protected override update(changed: PropertyValues): void {
    const root = this.renderRoot as ShadowRoot;
    const hadFocus = root.activeElement !== null;
    super.update(changed);
    if (hadFocus) void this.updateComplete.then(() => root.activeElement === null && !this.hidden && this.focusView());
  }

  /** Focus the view's first control: the first action, the message box, or the call status. */
  private focusView(): void {
    const root = this.renderRoot;
    const view = this.context?.session.view;
    const target =
      view === "menu"
        ? root.querySelector<HTMLElement>('[part="menu"] button:not(:disabled)')
        : view === "message"
          ? root.querySelector<HTMLElement>("textarea")
          : view === "record"
            ? root.querySelector("contact-me-recorder")?.renderRoot?.querySelector<HTMLElement>("button")
            : root.querySelector("contact-me-call")?.renderRoot.querySelector<HTMLElement>('[part="call-status"]');
    (target ?? root.querySelector<HTMLElement>('[part="close"]'))?.focus();
  }

  /** Resolves once this panel and its call view have rendered. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const result = await super.getUpdateComplete();
    await this.renderRoot?.querySelector("contact-me-call")?.updateComplete;
    return result;
  }

  override render() {
    const session = this.context?.session;
    if (!session) return nothing;
    const s = session.text;
    const socket = session.signaling.status;
    const available = session.available;
    const unreachable = session.signaling.unreachable;
    const presence =
      socket === "reconnecting" ? s.reconnecting : available === undefined ? s.connecting : available ? s.available : s.away;
    const notice = session.notices.notice;
    // A refusal of the call request shows in the call view, not twice.
    const shown = notice && !(session.view === "call" && session.call.error?.key === notice.key) ? notice : undefined;
    const profile = session.hostProfile;
    return html`
      <div part="header">
        ${this.renderAvatar(profile)}
        <div class="who">
          <h2>${profile.name ?? s.title}</h2>
          ${profile.tagline ? html`<p part="tagline">${profile.tagline}</p>` : nothing}
        </div>
        ${unreachable ? nothing : html`<span part="presence" class="presence ${available ? "on" : ""}">${presence}</span>`}
        <button part="close" aria-label=${s.close} @click=${() => session.close()}>×</button>
      </div>
      ${unreachable
        ? html`<div part="unreachable">
            <span role="alert">${s.unreachable}</span>
            <button part="reconnect" @click=${() => session.signaling.retry()}>${s.retry}</button>
          </div>`
        : nothing}
      ${shown ? html`<p class="error" role="alert">${problemText(shown, s)}</p>` : nothing}
      ${session.view === "menu"
        ? this.renderMenu(session)
        : session.view === "message"
          ? this.renderMessage(session)
          : session.view === "record"
            ? this.renderRecorder(session)
            : this.renderCall(session)}
    `;
  }

  /**
   * The host's picture; the initials of their name in a circle when there is
   * none or it fails to load; nothing without either. Decorative (`alt=""`):
   * the name is next to it.
   */
  private renderAvatar(profile: EffectiveProfile) {
    const { name, avatar } = profile;
    if (avatar && avatar !== this.brokenAvatar) {
      return html`<img part="avatar" class="avatar" src=${avatar} alt="" referrerpolicy="no-referrer" @error=${() => (this.brokenAvatar = avatar)} />`;
    }
    return name ? html`<span part="avatar" class="avatar initials" aria-hidden="true">${initials(name)}</span>` : nothing;
  }

  /**
   * **Audio call** and **Video call**, as the site's modes allow (video only
   * with a camera), enabled while the host is available.
   *
   * While the devices are still being listed, **Video call** is there but
   * disabled: the panel grows upwards from its launcher, so a button that
   * appeared below **Audio call** would move it up, and a click aimed at
   * **Audio call** would land on **Video call** and turn the camera on.
   */
  private renderCallButtons(session: VisitorSession) {
    const s = session.text;
    const modes = session.modes;
    const canCall = session.canCall;
    if (session.support?.reason || (session.available && !canCall)) return nothing;
    const videoOff = session.support?.videoReason !== undefined;
    const hasCamera = session.call.hasCamera;
    return html`${modes.has("audio")
      ? html`<button ?disabled=${!canCall} @click=${() => void session.startCall("audio")}>${s.audioCall}</button>`
      : nothing}${modes.has("video") && hasCamera !== false && !videoOff
      ? html`<button ?disabled=${!canCall || hasCamera === undefined} @click=${() => void session.startCall("video")}>${s.videoCall}</button>`
      : nothing}`;
  }

  /**
   * Why this browser cannot call, in one line, where the call buttons would
   * be (the site offering calls): with **Copy link** in an in-app browser;
   * the camera blocked by the page under **Audio call**. A missing camera is
   * not told (video is simply not offered, as before).
   */
  private renderCallsOff(session: VisitorSession) {
    const s = session.text;
    const { reason, videoReason } = session.support ?? {};
    const offered = session.modes.has("audio") || session.modes.has("video");
    if (!offered) return nothing;
    if (!reason && session.available && !session.canCall) return html`<p part="calls-off" class="hint">${s.callsHostCannot}</p>`;
    if (!reason) {
      return videoReason === "policy" && session.modes.has("video")
        ? html`<p part="calls-off" class="hint">${s.videoBlockedByPage}</p>`
        : nothing;
    }
    const text = { "in-app": s.callsInApp, "no-webrtc": s.callsNoWebrtc, insecure: s.callsInsecure, policy: s.callsBlockedByPage, "no-device": s.callsNoMicrophone }[reason];
    return html`<p part="calls-off" class="hint">${text}${reason === "in-app"
      ? html` <button part="copy-link" @click=${this.copyLink}>${this.linkCopied ? s.linkCopied : s.copyLink}</button>`
      : nothing}</p>`;
  }

  /**
   * Where no call can be made (this browser cannot, or no host is available
   * for calls) and the site offers calls and messages: **Leave your number or
   * email and Ada will get back to you**, opening a small form (phone or
   * email, an optional note) sent as a call-back request in the conversation.
   */
  private renderCallBack(session: VisitorSession) {
    const s = session.text;
    const modes = session.modes;
    const offered = (modes.has("audio") || modes.has("video")) && modes.has("text");
    if (!offered || session.available === undefined || (session.canCall && !session.support?.reason)) return nothing;
    const name = session.hostProfile.name;
    const offer = name ? format(s.callBackOffer, { name }) : s.callBackOfferNoName;
    if (!this.callBackOpen) return html`<button part="call-back" @click=${() => (this.callBackOpen = true)}>${offer}</button>`;
    return html`<form part="call-back-form" aria-label=${offer} @submit=${this.onCallBack}>
      <label>${s.callBackContact}<input name="contact" required maxlength="254" autocomplete="tel" /></label>
      <label>${s.callBackNote}<textarea name="note" rows="2" maxlength="4000"></textarea></label>
      <div class="row"><button type="submit" class="primary">${s.callBackSend}</button></div>
    </form>`;
  }

  /** The call-back form: sent as a message with `callBack`, then the conversation shows it. */
  private readonly onCallBack = (event: SubmitEvent) => {
    event.preventDefault();
    const session = this.context?.session;
    const data = new FormData(event.target as HTMLFormElement);
    const contact = String(data.get("contact") ?? "").trim();
    if (!session || !contact) return;
    session.conversation.post(String(data.get("note") ?? "").trim(), [], contact);
    this.callBackOpen = false;
    session.show("message");
  };

  /** **Copy link**: this page's address to the clipboard, to paste in a browser. */
  private copyLink = async () => {
    try {
      await globalThis.navigator?.clipboard?.writeText(globalThis.location?.href ?? "");
      this.linkCopied = true;
    } catch (err) {
      console.warn("contact-me: could not copy the link", err);
    }
  };

  /**
   * "Back Monday 9:00": when the business hours next open, in the visitor's
   * own time zone and locale (`Intl`, the browser's defaults).
   * @param at the opening, ms since the epoch
   * @param template the `backAt` string, with `{when}`
   */
  private renderBack(at: number, template: string) {
    const when = dateFormat({ weekday: "long", hour: "numeric", minute: "2-digit" }).format(at);
    return html`<span class="back">${format(template, { when })}</span>`;
  }

  private renderMenu(session: VisitorSession) {
    const s = session.text;
    const modes = session.modes;
    const canCall = session.canCall;
    const { name, away } = session.hostProfile;
    return html`
      <div part="menu">
        ${session.available === false
          ? html`<p part="away"><strong>${name ? format(s.nameIsAway, { name }) : s.hostIsAway}</strong>${away
              ? html`<span>${away}</span>`
              : nothing}${session.nextOpen !== undefined ? this.renderBack(session.nextOpen, s.backAt) : nothing}</p>`
          : nothing}
        ${modes.has("text") ? html`<button @click=${() => session.show("message")}>${s.sendMessage}</button>` : nothing}
        ${this.renderCallButtons(session)}
        ${session.available === false ? this.renderRecordOffers(session, "leave") : nothing}
        ${this.renderCallsOff(session)}
        ${!canCall && !session.available && !session.support?.reason && (modes.has("audio") || modes.has("video")) ? html`<p class="hint">${s.awayHint}</p>` : nothing}
        ${this.renderCallBack(session)}
      </div>
    `;
  }

  private renderMessage(session: VisitorSession) {
    const s = session.text;
    const stateText: Record<MessageState, string> = { sending: s.sending, failed: s.notSent, sent: s.sent, delivered: s.delivered };
    const { messages, seenAt, typing } = session.conversation;
    const hostName = session.hostProfile.name;
    // "Seen" goes under the visitor's last message once a host has seen it.
    const lastMine = [...messages].reverse().find((m) => m.from === "visitor" && !m.call);
    const seen = (m: PanelMessage) => m === lastMine && m.id !== undefined && seenAt !== undefined && m.at <= seenAt;
    return html`
      <div part="conversation-actions" class="row">
        <button part="back" @click=${() => session.show("menu")}>${s.back}</button>
        ${this.renderCallButtons(session)}
      </div>
      ${messages.length
        ? html`<ul part="messages" aria-live="polite">
            ${messages.map((m) =>
              m.call
                ? html`<li part="message message-call">${callLogText(m.call, s)}</li>`
                : m.from === "visitor"
                ? html`<li part="message message-visitor">${m.callBack ? html`<strong part="message-call-back">${format(s.callBackSent, { contact: m.callBack })}</strong> ` : nothing}${m.text}${renderFiles(m.files, session.links, s)}<small part="message-state">${seen(m) ? s.seen : stateText[m.state]}${m.state === "failed"
                    ? html` — <button part="message-retry" @click=${() => session.conversation.retry(m.clientId!)}>${s.retry}</button>`
                    : nothing}</small></li>`
                : html`<li part="message message-host">${m.text}${renderFiles(m.files, session.links, s)}<small>${hostName ?? m.by ?? ""}</small></li>`,
            )}
          </ul>`
        : nothing}
      <p part="typing" class="hint" aria-live="polite">${typing === undefined ? "" : format(s.hostTyping, { name: hostName || typing || s.theHost })}</p>
      <form part="form" class=${session.attachments.dragging ? "dragging" : ""} @submit=${this.onSubmit}>
        <label>${s.message}<textarea
            name="text"
            rows="3"
            ?required=${session.attachments.files.length === 0}
            maxlength="4000"
            aria-describedby="enter-hint"
            @keydown=${this.onMessageKeydown}
            @input=${() => session.conversation.typed()}
            @paste=${session.attachments.onPaste}
          ></textarea></label>
        <small id="enter-hint" class="hint">${s.enterHint}</small>
        ${session.attachments.render(s)}
        ${this.renderSender(session)}
        <div class="row">
          <button type="submit" class="primary" ?disabled=${session.attachments.busy}>${s.send}</button>
          ${this.renderRecordOffers(session, "record")}
        </div>
      </form>
    `;
  }

  /**
   * The visitor's name and email: fields until given, then one line with
   * **Change**. While the host is away and no email is known, the email field
   * comes first, with a hint saying the host can answer there.
   */
  private renderSender(session: VisitorSession) {
    const s = session.text;
    const { name, email } = session.sender;
    const away = session.available === false;
    if (!session.editingSender && (name || email) && !(away && !email)) {
      return html`<p part="sender" class="row">
        <span>${[name, email].filter(Boolean).join(" · ")}</span> —
        <button type="button" part="sender-change" aria-label=${`${s.change}: ${s.yourName}, ${s.email}`} @click=${this.onChangeSender}>${s.change}</button>
      </p>`;
    }
    const host = session.hostProfile.name;
    const nameField = html`<label>${s.yourName}<input name="name" autocomplete="name" maxlength="80" .value=${name} /></label>`;
    const emailField = html`<label>${s.email}<input
          name="email"
          type="email"
          autocomplete="email"
          maxlength="254"
          aria-describedby=${away ? "email-hint" : nothing}
          .value=${email}
        /></label>${away
        ? html`<p part="email-hint" id="email-hint">${host ? format(s.emailHint, { name: host }) : s.emailHintNoName}</p>`
        : nothing}`;
    return away ? html`${emailField}${nameField}` : html`${nameField}${emailField}`;
  }

  /** **Change**: the fields again, focus on the name. */
  private readonly onChangeSender = () => {
    const session = this.context?.session;
    if (!session) return;
    session.editSender();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('input[name="name"]')?.focus());
  };

  /**
   * In the message box, Enter sends and Shift+Enter makes a new line; Enter
   * that ends an IME composition does neither.
   */
  private readonly onMessageKeydown = (event: KeyboardEvent) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
  };

  /** The call view, with the next steps once the call is over ({@link NEXT_STEPS}). */
  private renderCall(session: VisitorSession) {
    const s = session.text;
    const { status, media } = session.call;
    const next = NEXT_STEPS[status] ?? [];
    const modes = session.modes;
    const offer = (step: NextStep) =>
      next.includes(step) &&
      (step === "leave-message"
        ? modes.has("text")
        : step === "leave-voice-message" || step === "leave-video-message"
          ? session.offersRecording(step === "leave-voice-message" ? "audio" : "video")
          : step === "try-audio"
          ? media === "video" && modes.has("audio") && session.canCall
          : session.canCall);
    return html`
      <contact-me-call part="call" exportparts=${CALL_PARTS.join(", ")}>
        ${offer("try-again")
          ? html`<button slot="actions" part="try-again" class="primary" @click=${() => void session.callAgain()}>${s.tryAgain}</button>`
          : nothing}
        ${offer("try-audio")
          ? html`<button slot="actions" part="try-audio" class="primary" @click=${() => void session.callAgain("audio")}>${s.tryAudio}</button>`
          : nothing}
        ${offer("leave-message")
          ? html`<button slot="actions" part="leave-message" @click=${() => session.leaveCall("message")}>${s.leaveMessage}</button>`
          : nothing}
        ${offer("leave-voice-message")
          ? html`<button slot="actions" part="leave-voice-message" @click=${() => session.record("audio")}>${s.leaveVoiceMessage}</button>`
          : nothing}
        ${offer("leave-video-message")
          ? html`<button slot="actions" part="leave-video-message" @click=${() => session.record("video")}>${s.leaveVideoMessage}</button>`
          : nothing}
        ${session.call.live
          ? nothing
          : html`<button slot="actions" part="call-done" @click=${() => session.leaveCall("menu")}>${s.newCall}</button>`}
        ${session.handover.note(s) ? html`<span slot="actions" role="status">${session.handover.note(s)}</span>` : nothing}
      </contact-me-call>
    `;
  }

  /**
   * The offers of a recorded message this browser can make: **Leave a voice
   * message** / **Leave a video message** (`leave`, in the menu while away),
   * or **Voice message** / **Video message** beside **Send** (`record`).
   */
  private renderRecordOffers(session: VisitorSession, kind: "leave" | "record") {
    const s = session.text;
    const button = (media: "audio" | "video") => {
      if (!session.offersRecording(media)) return nothing;
      const voice = media === "audio";
      const part = kind === "leave" ? (voice ? "leave-voice-message" : "leave-video-message") : voice ? "record-voice" : "record-video";
      const label = kind === "leave" ? (voice ? s.leaveVoiceMessage : s.leaveVideoMessage) : voice ? s.recordVoice : s.recordVideo;
      return html`<button type="button" part=${part} @click=${() => session.record(media)}>${label}</button>`;
    };
    return html`${button("audio")}${button("video")}`;
  }

  /** The recorder of a voice or video message (its module loads with the first one). */
  private renderRecorder(session: VisitorSession) {
    return html`<contact-me-recorder
      part="recorder"
      exportparts=${RECORDER_PARTS.join(", ")}
      .media=${session.recordMedia}
      .maxSeconds=${session.maxRecordingS}
      .strings=${session.text}
      .send=${session.sendRecording}
      @recorder-close=${(e: CustomEvent<{ sent: boolean }>) => session.recorderClosed(e.detail.sent)}
    ></contact-me-recorder>`;
  }

  private readonly onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const session = this.context?.session;
    const form = event.currentTarget as HTMLFormElement;
    const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement;
    const text = field("text").value.trim();
    if (!session || (!text && !session.attachments.files.length) || session.attachments.busy) return;
    // The name and email fields are absent while shown on one line: what was given before goes.
    const email = field("email") as HTMLInputElement | null;
    const name = field("name") as HTMLInputElement | null;
    if (email && !email.checkValidity()) {
      email.reportValidity();
      return;
    }
    const sender = { name: name ? name.value.trim() : session.sender.name, email: email ? email.value.trim() : session.sender.email };
    // Files are uploaded first; the message goes once all are stored, else the text and files stay.
    if (await session.send(text, sender)) field("text").value = "";
  };
}

/** Up to two initials of `name` ("Ada Lovelace" → "AL"), uppercased. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = (word: string | undefined) => (word ? String.fromCodePoint(word.codePointAt(0)!) : "");
  return (first(words[0]) + (words.length > 1 ? first(words[words.length - 1]) : "")).toUpperCase();
}

define("contact-me-panel", ContactMePanel);

declare global {
  interface HTMLElementTagNameMap {
    "contact-me-panel": ContactMePanel;
  }
}
