/**
 * The dashboard's inbox: the list of conversations (filters, search, unread
 * counts) beside the open conversation (the visitor's details, messages by
 * day, the reply box). Where the dashboard is 600 px wide or less, one pane
 * shows at a time: the list, or the conversation with **Back**.
 * @module
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from "lit";
import { keyed } from "lit/directives/keyed.js";
import { live } from "lit/directives/live.js";
import { repeat } from "lit/directives/repeat.js";
import type { ConversationMessage } from "../../protocol/socket.ts";
import { callLogText, type CallLogStrings } from "../call/call-log.ts";
import { Attachments } from "../files/attachments.ts";
import { renderFiles, type FileLinks } from "../files/file-view.ts";
import type { FileStrings } from "../files/files.strings.ts";
import type { RoomAddress } from "../room/address.ts";
import { format } from "../strings.ts";
import type { HostStrings } from "./contact-me-host.strings.ts";
import type { Drafts, ReadMarks } from "./device-store.ts";
import {
  agentLine,
  byDay,
  clock,
  clockIn,
  conversationText,
  exportFileName,
  fullDateTime,
  matches,
  needsReply,
  pageHref,
  preview,
  relativeTime,
  unreadCount,
  visitorName,
  wantsReply,
  when,
  type Summary,
} from "./inbox-format.ts";

/** Widest the dashboard is, px, and still shows one pane at a time. */
export const NARROW_PX = 600;

/** How often relative times ("5 min") are brought up to date, ms. */
const TICK_MS = 30_000;

/** The last message of a conversation from one side. */
function lastFrom(c: Summary, from: ConversationMessage["from"]): ConversationMessage | undefined {
  for (let i = c.messages.length - 1; i >= 0; i--) if (c.messages[i]!.from === from) return c.messages[i];
  return undefined;
}

/** The strings the inbox shows. */
type Strings = HostStrings & CallLogStrings & FileStrings;

/** Which conversations the list shows. */
export type InboxFilter = "all" | "needs-reply";

/** What the inbox needs from the dashboard. */
export interface InboxHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** The inbox's dependencies, read when used. */
export interface InboxOptions {
  strings: () => Strings;
  drafts: () => Drafts;
  reads: () => ReadMarks;
  /** Send a reply to a conversation, with the ids of files the room has stored for it. */
  reply: (conversationId: string, text: string, files: string[]) => void;
  /** The signed links of the files shown. */
  links: FileLinks;
  /** The room and the host token, for uploads; undefined while signed out. */
  access: () => { address: RoomAddress; token: string } | undefined;
  /** The host typed in a conversation's reply box. */
  typing: (conversationId: string) => void;
  /** Tell the room the host has seen the conversation's messages; false when not sent (no socket). */
  read: (conversationId: string) => boolean;
  /** Take the conversation out of the list, on every dashboard. */
  archive: (conversationId: string) => void;
  /** Delete the conversation everywhere. */
  remove: (conversationId: string) => void;
  /** Ask the room for the page of conversations after the last one listed. */
  older: () => void;
}

/**
 * The inbox's state (the conversation open, the filter, the search, which
 * pane shows on a narrow dashboard) and its rendering. Opening a
 * conversation marks it read on this device.
 */
export class InboxView implements ReactiveController {
  /** Conversations, most recently active first. */
  conversations: Summary[] = [];
  /** The open conversation's id. */
  selected: string | undefined;
  filter: InboxFilter = "all";
  query = "";
  /** Whether the dashboard is {@link NARROW_PX} wide or less. */
  narrow = false;
  /** On a narrow dashboard, whether the conversation shows rather than the list. */
  showingConversation = false;
  /** Conversations whose visitor is typing, with the name to show. */
  typing = new Map<string, string>();
  /** Whether the room has older conversations than those listed. */
  hasOlder = false;
  /** Whether older conversations were asked for and have not come yet. */
  loadingOlder = false;
  /** The conversation whose deletion is being confirmed. */
  confirmingDelete: string | undefined;
  /** Per conversation, the newest visitor message this dashboard told the room it has read (ms). */
  readonly #readSent = new Map<string, number>();

  readonly #host: InboxHost;
  readonly #options: InboxOptions;
  #resize: ResizeObserver | undefined;
  /** Watches the **Load older conversations** button at the end of the list. */
  #end: IntersectionObserver | undefined;
  #watched: HTMLElement | undefined;
  /** Whether a page was being waited for at the last update. */
  #waiting = false;
  #tick: ReturnType<typeof setInterval> | undefined;
  /** Whether the width is known (the first resize observation came): until then nothing opens by itself. */
  #measured = false;

  /** Files attached to the replies being written, each conversation's own. */
  readonly #attachments: Attachments;

  constructor(host: InboxHost, options: InboxOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
    this.#attachments = new Attachments(host);
  }

  /** Watch the dashboard's width, and keep relative times ("5 min") current. */
  hostConnected(): void {
    if (typeof ResizeObserver === "function") {
      this.#resize = new ResizeObserver(([entry]) => {
        const narrow = (entry?.contentRect.width ?? 0) <= NARROW_PX;
        if (narrow !== this.narrow || !this.#measured) {
          this.#measured = true;
          this.narrow = narrow;
          this.#host.requestUpdate();
        }
      });
      this.#resize.observe(this.#host);
    }
    this.#tick = setInterval(() => {
      if (this.conversations.length) this.#host.requestUpdate();
    }, TICK_MS);
    if (typeof document !== "undefined") document.addEventListener("visibilitychange", this.#onVisibility);
  }

  /** Back in view: the open conversation's new messages are read now. */
  readonly #onVisibility = () => {
    if (document.visibilityState === "visible") this.#host.requestUpdate();
  };

  /** Watch the end of the list: older conversations load as it scrolls into view. */
  hostUpdated(): void {
    const end = this.#find<HTMLElement>('[part="load-older"]');
    const arrived = this.#waiting && !this.loadingOlder;
    this.#waiting = this.loadingOlder;
    if (end === this.#watched) {
      // A page came and the end is still in view: observing afresh reports it, and the next page loads.
      if (arrived && end && this.#end) {
        this.#end.unobserve(end);
        this.#end.observe(end);
      }
      return;
    }
    this.#end?.disconnect();
    this.#watched = end ?? undefined;
    if (!end || typeof IntersectionObserver !== "function") return;
    this.#end = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.#loadOlder();
    });
    this.#end.observe(end);
  }

  /** Stop watching and ticking. */
  hostDisconnected(): void {
    this.#end?.disconnect();
    this.#end = this.#watched = undefined;
    this.#resize?.disconnect();
    this.#resize = undefined;
    this.#measured = false;
    clearInterval(this.#tick);
    if (typeof document !== "undefined") document.removeEventListener("visibilitychange", this.#onVisibility);
  }

  /**
   * Before each render: on a wide dashboard open the newest conversation
   * when none is, and mark the open conversation read, on this device and,
   * while the page is in view, in the room (once per new visitor message).
   */
  hostUpdate(): void {
    const open = this.openConversation;
    if (!open && this.#measured && !this.narrow && this.conversations[0]) this.selected = this.conversations[0].id;
    const shown = this.openConversation;
    if (shown && (!this.narrow || this.showingConversation)) {
      const last = shown.messages.at(-1);
      if (last) this.#options.reads().markRead(shown.id, last.at);
      this.#sendRead(shown);
    }
  }

  /** Tell the room the host has read `c`, unless already told since its last visitor message or out of view. */
  #sendRead(c: Summary): void {
    if (typeof document === "undefined" || document.visibilityState !== "visible") return;
    const lastVisitor = lastFrom(c, "visitor")?.at ?? 0;
    const sent = this.#readSent.get(c.id);
    if (sent !== undefined && sent >= lastVisitor) return;
    if (this.#options.read(c.id)) this.#readSent.set(c.id, lastVisitor);
  }

  /** The socket came back: the room hears again which conversation is read. */
  resetReads(): void {
    this.#readSent.clear();
  }

  /** Forget what is kept of a conversation that is gone (deleted). */
  forget(conversationId: string): void {
    this.#readSent.delete(conversationId);
    this.typing.delete(conversationId);
    if (this.confirmingDelete === conversationId) this.confirmingDelete = undefined;
  }

  /** The selected conversation, when it is still listed. */
  private get openConversation(): Summary | undefined {
    return this.selected === undefined ? undefined : this.conversations.find((c) => c.id === this.selected);
  }

  /** The conversations the filter and the search let through. */
  private get listed(): Summary[] {
    return this.conversations.filter((c) => (this.filter === "all" || needsReply(c)) && matches(c, this.query));
  }

  private open(id: string): void {
    this.selected = id;
    this.showingConversation = true;
    this.#host.requestUpdate();
    // On a narrow dashboard the list is gone: focus goes to the conversation's heading.
    if (this.narrow) void this.#host.updateComplete.then(() => this.#find<HTMLElement>("#conversation-title")?.focus());
  }

  /**
   * Open conversation `id` from outside the list (a call, a missed call),
   * shown whatever the filter and search; with `reply`, focus its reply box.
   * Nothing happens when it is not listed (not loaded, or gone).
   */
  show(id: string, { reply = false } = {}): void {
    if (!this.conversations.some((c) => c.id === id)) return;
    this.selected = id;
    this.showingConversation = true;
    if (!this.listed.some((c) => c.id === id)) {
      this.filter = "all";
      this.query = "";
    }
    this.#host.requestUpdate();
    if (reply) void this.#host.updateComplete.then(() => this.#find<HTMLElement>('[part="reply"] textarea')?.focus());
  }

  private back(): void {
    this.showingConversation = false;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#find<HTMLElement>('[part~="conversation-item"][aria-current="true"]')?.focus());
  }

  #find<E extends Element>(selector: string): E | null {
    return this.#host.renderRoot.querySelector<E>(selector);
  }

  /** The inbox: both panes, or one of them on a narrow dashboard. */
  render() {
    const s = this.#options.strings();
    const open = this.openConversation;
    const showConversation = !!open && (!this.narrow || this.showingConversation);
    const showList = !this.narrow || !showConversation;
    return html`<section part="inbox" class=${this.narrow ? "inbox narrow" : "inbox"} aria-labelledby="messages-title">
      <h2 id="messages-title">${s.messages}</h2>
      ${this.conversations.length === 0
        ? html`<p>${s.noMessages}</p>`
        : html`<div class="panes">
            ${showList ? this.renderList(s) : nothing}
            ${showConversation && open ? keyed(open.id, this.renderConversation(open, s)) : nothing}
          </div>`}
    </section>`;
  }

  private renderList(s: Strings) {
    const listed = this.listed;
    const now = Date.now();
    const reads = this.#options.reads();
    const setFilter = (e: Event) => {
      this.filter = (e.target as HTMLInputElement).value as InboxFilter;
      this.#host.requestUpdate();
    };
    return html`<div part="conversation-list" class="list">
      <fieldset part="filters" class="filters">
        <legend class="visually-hidden">${s.show}</legend>
        ${(["all", "needs-reply"] as const).map(
          (f) => html`<label
            ><input type="radio" name="filter" value=${f} .checked=${live(this.filter === f)} @change=${setFilter} /><span
              >${f === "all" ? s.all : s.needsReply}</span
            ></label
          >`,
        )}
      </fieldset>
      <input
        part="search"
        type="search"
        aria-label=${s.search}
        placeholder=${s.search}
        autocomplete="off"
        .value=${live(this.query)}
        @input=${(e: InputEvent) => {
          this.query = (e.target as HTMLInputElement).value;
          this.#host.requestUpdate();
        }}
      />
      ${listed.length
        ? html`<ul part="conversations" class="items">
            ${repeat(listed, (c) => c.id, (c) => this.renderItem(c, s, now, reads.get(c.id)))}
          </ul>`
        : html`<p class="empty" role="status">
            ${this.query.trim() ? format(s.noMatch, { query: this.query.trim() }) : s.noneNeedReply}
          </p>`}
      ${this.hasOlder
        ? html`<button
            type="button"
            part="load-older"
            class="load-older"
            aria-disabled=${this.loadingOlder ? "true" : "false"}
            @click=${() => this.#loadOlder()}
          >
            ${this.loadingOlder ? s.loadingOlder : s.loadOlder}
          </button>`
        : nothing}
    </div>`;
  }

  #loadOlder(): void {
    if (this.loadingOlder) return;
    this.loadingOlder = true;
    this.#options.older();
    this.#host.requestUpdate();
  }

  private renderItem(c: Summary, s: Strings, now: number, readUpTo: number) {
    const current = c.id === this.selected;
    // The open conversation is read as messages arrive (see hostUpdate).
    const unread = current && (!this.narrow || this.showingConversation) ? 0 : unreadCount(c, readUpTo);
    const at = c.messages.at(-1)?.at ?? c.updatedAt;
    // The preview is drawn from an attribute (CSS `content`): screen readers
    // read it in the item's name, while a message's text is in the page once,
    // in its conversation, for find-in-page.
    return html`<li>
      <button
        type="button"
        part="conversation-item"
        class=${unread ? "item unread" : "item"}
        aria-current=${current ? "true" : nothing}
        @click=${() => this.open(c.id)}
      >
        <span class="item-top"
          ><span class="name">${visitorName(c, s)}</span
          ><time datetime=${new Date(at).toISOString()} title=${fullDateTime(at)}>${relativeTime(at, now, s)}</time></span
        >
        <span class="item-bottom"
          ><span class=${this.typing.has(c.id) ? "preview typing" : "preview"} data-text=${this.typing.has(c.id)
            ? this.#typingText(c, s)
            : preview(c, s)}></span>${unread
            ? html`<span class="count" aria-hidden="true">${unread}</span
                ><span class="visually-hidden">${format(s.unread, { n: unread })}</span>`
            : nothing}</span
        >
      </button>
    </li>`;
  }

  /** "Ada is typing…" for a conversation whose visitor types. */
  #typingText(c: Summary, s: Strings): string {
    return format(s.visitorTyping, { name: this.typing.get(c.id) || c.name || s.unnamedVisitor });
  }

  private renderConversation(c: Summary, s: Strings) {
    const now = Date.now();
    const name = visitorName(c, s);
    const lastHost = lastFrom(c, "host");
    // Files dropped anywhere on the conversation are attached to the reply.
    const files = this.#attachments;
    return html`<section
      part="conversation"
      class="conversation"
      aria-labelledby="conversation-title"
      @dragover=${files.onDragOver}
      @dragleave=${files.onDragLeave}
      @drop=${files.onDrop}
    >
      <header part="conversation-header">
        ${this.narrow
          ? html`<button type="button" class="back" @click=${() => this.back()}>
              <span aria-hidden="true">←</span> ${s.back}
            </button>`
          : nothing}
        <h3 id="conversation-title" tabindex="-1">
          ${name}${c.email ? html` · <a href=${`mailto:${c.email}`}>${c.email}</a>` : nothing}
        </h3>
        ${this.renderDetails(c, s, now)}
        ${this.renderActions(c, name, s)}
      </header>
      <ul part="messages" class="days" aria-live="polite">
        ${byDay(c.messages, now, s).map(
          (day) => html`<li part="day">
            <h4 class="day-heading">${day.heading}</h4>
            <ul class="day-messages">
              ${day.messages.map((m) => this.renderMessage(c, m, s, m === lastHost))}
            </ul>
          </li>`,
        )}
      </ul>
      <p part="typing" class="meta typing" aria-live="polite">${this.typing.has(c.id) ? this.#typingText(c, s) : ""}</p>
      ${this.renderReply(c, name, s)}
    </section>`;
  }

  /** Who the visitor is: the page they wrote or called from, their local time, browser and device, and when first seen. */
  private renderDetails(c: Summary, s: Strings, now: number) {
    const href = pageHref(c.page);
    const first = c.createdAt ?? c.messages[0]?.at;
    const time = c.timeZone ? clockIn(c.timeZone, now) : undefined;
    const agent = agentLine(c, s);
    const row = (label: string, value: unknown) => html`<div><dt>${label}</dt> <dd>${value}</dd></div>`;
    return html`<dl part="visitor-details" class="meta details">
      ${c.page
        ? row(s.wroteFrom, href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${c.page}</a>` : c.page)
        : nothing}
      ${time ? row(s.localTime, format(s.localTimeValue, { time, zone: c.timeZone! })) : nothing}
      ${agent ? row(s.browser, agent) : nothing}
      ${first !== undefined
        ? row(s.firstSeen, html`<time datetime=${new Date(first).toISOString()} title=${fullDateTime(first)}>${when(first, now)}</time>`)
        : nothing}
    </dl>`;
  }

  /** Archive, Delete (confirmed inline first) and Export. */
  private renderActions(c: Summary, name: string, s: Strings) {
    if (this.confirmingDelete === c.id) {
      return html`<div part="delete-confirm" class="confirm" role="group" aria-labelledby="confirm-delete-text">
        <p id="confirm-delete-text">${format(s.confirmDelete, { name })}</p>
        <button type="button" class="danger" @click=${() => this.#delete(c.id)}>${s.confirmDeleteYes}</button>
        <button type="button" id="confirm-delete-cancel" @click=${() => this.#cancelDelete()}>${s.cancel}</button>
      </div>`;
    }
    return html`<div part="conversation-actions" class="actions" role="group" aria-label=${s.conversationActions}>
      <button type="button" part="archive" @click=${() => this.#options.archive(c.id)}>${s.archive}</button>
      <button type="button" part="export" @click=${() => this.#export(c, s)}>${s.export}</button>
      <button type="button" part="delete" id="delete-conversation" @click=${() => this.#askDelete(c.id)}>${s.delete}</button>
    </div>`;
  }

  #askDelete(id: string): void {
    this.confirmingDelete = id;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#find<HTMLElement>("#confirm-delete-cancel")?.focus());
  }

  #cancelDelete(): void {
    this.confirmingDelete = undefined;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#find<HTMLElement>("#delete-conversation")?.focus());
  }

  #delete(id: string): void {
    this.confirmingDelete = undefined;
    this.#options.remove(id);
    this.#host.requestUpdate();
  }

  /** Download the conversation, as loaded, as a text file. */
  #export(c: Summary, s: Strings): void {
    const url = URL.createObjectURL(new Blob([conversationText(c, s)], { type: "text/plain;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = exportFileName(c, s, Date.now());
    a.hidden = true;
    this.#host.renderRoot.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  private renderMessage(c: Summary, m: ConversationMessage, s: Strings, lastHost = false) {
    if (m.call) {
      return html`<li part="message message-call" class=${wantsReply(m) ? "call unanswered" : "call"}>
        <span class="text">${callLogText(m.call, s)}</span> ·
        <time class="meta" datetime=${new Date(m.at).toISOString()} title=${fullDateTime(m.at)}>${clock(m.at)}</time>
      </li>`;
    }
    return html`<li part="message message-${m.from}">
      <div class="meta">
        ${m.from === "host" ? (m.by ?? s.you) : visitorName(c, s)} ·
        <time datetime=${new Date(m.at).toISOString()} title=${fullDateTime(m.at)}>${clock(m.at)}</time>
        ${m.slack === "failed" ? html`<span class="error"> · ${s.slackFailed}: ${m.slackError ?? ""}</span>` : nothing}
      </div>
      ${m.callBack ? html`<div part="call-back-request" class="text"><strong>${format(s.callBackRequest, { contact: m.callBack })}</strong></div>` : nothing}
      ${m.text ? html`<div class="text">${m.text}</div>` : nothing}
      ${renderFiles(m.files, this.#options.links, s)}
      ${lastHost && c.visitorReadAt !== undefined && c.visitorReadAt >= m.at
        ? html`<small part="message-state" class="meta">${s.seen}</small>`
        : nothing}
    </li>`;
  }

  private renderReply(c: Summary, name: string, s: Strings) {
    const drafts = this.#options.drafts();
    const files = this.#attachments;
    // Files attached belong to the conversation they were attached in, and wait there while another is read.
    files.show(c.id);
    return html`<form
      part="reply"
      class=${files.dragging ? "reply dragging" : "reply"}
      @submit=${(e: SubmitEvent) => void this.send(e, c.id)}
    >
      <label
        >${format(s.replyTo, { name })}<textarea
          name="text"
          rows="2"
          ?required=${files.files.length === 0}
          maxlength="4000"
          aria-describedby="reply-hint"
          @paste=${files.onPaste}
          .value=${live(drafts.get(c.id) ?? "")}
          @input=${(e: InputEvent) => {
            const text = (e.target as HTMLTextAreaElement).value;
            drafts.set(c.id, text);
            if (text.trim()) this.#options.typing(c.id);
          }}
          @keydown=${this.onReplyKey}
        ></textarea
      ></label>
      <button type="submit" class="primary" ?disabled=${files.busy}>${s.send}</button>
      <p id="reply-hint" class="meta hint">${s.replyHint}</p>
      <div class="reply-files">${files.render(s)}</div>
    </form>`;
  }

  /** Enter sends, Shift+Enter starts a new line; keys composing text (IME) are the input method's. */
  private readonly onReplyKey = (e: KeyboardEvent) => {
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    (e.target as HTMLTextAreaElement).form?.requestSubmit();
  };

  /** Send the reply: its files are uploaded first, and the reply goes once all are stored (else the text and files stay). */
  private async send(event: SubmitEvent, conversationId: string): Promise<void> {
    event.preventDefault();
    const area = (event.currentTarget as HTMLFormElement).elements.namedItem("text") as HTMLTextAreaElement;
    const text = area.value.trim();
    const files = this.#attachments;
    if ((!text && !files.files.length) || files.busy) return;
    let ids: string[] = [];
    if (files.files.length) {
      const access = this.#options.access();
      const stored = await files.upload(access?.address ?? { host: "", room: "", party: "" }, access?.token, conversationId);
      if (!stored) return;
      ids = stored.map((f) => f.id);
    }
    this.#options.reply(conversationId, text, ids);
    files.clear(conversationId);
    // The box may show another conversation by now (the host moved on while the files uploaded).
    if (area.isConnected && this.#options.drafts().get(conversationId) === area.value) area.value = "";
    this.#options.drafts().delete(conversationId);
  }
}
