import { LitElement, html, nothing, type PropertyValues } from "lit";
import { property, state } from "lit/decorators.js";
import { MAX_MEETING_TITLE_LENGTH, TYPING_EVERY_MS, type CallMedia, type MessageOf, type ServerMessage } from "../../protocol/socket.ts";
import { CallController } from "../call/call-controller.ts";
import { browserGlobals, detectCallSupport, staticCallSupport, type CallBlocker, type CallSupport } from "../call/capabilities.ts";
import { CALL_PARTS } from "../call/call-view.ts";
import { callStrings, type CallStrings } from "../call/call.strings.ts";
import { provideCall } from "../call/context.ts";
import { fire } from "../events.ts";
import { FileLinks } from "../files/file-view.ts";
import { fileStrings, type FileStrings } from "../files/files.strings.ts";
import { NoticeController, errorStrings, type ErrorStrings } from "../room/errors.ts";
import { HttpProtocolError } from "../../protocol/http.ts";
import { addressOf, storagePrefix, type RoomAddress } from "../room/address.ts";
import { requestRoom } from "../room/http.ts";
import { SignalingController } from "../room/signaling.ts";
import { local } from "../room/storage.ts";
import { format, problemText, stringsConverter, type Problem } from "../strings.ts";
import { stringTable } from "../locale.ts";
import { AttentionController } from "./attention.ts";
import { hostStyles } from "./contact-me-host.styles.ts";
import { hostStrings, type HostStrings } from "./contact-me-host.strings.ts";
import { Drafts, ReadMarks } from "./device-store.ts";
import { HoursEditor } from "./hours-editor.ts";
import { CallHandover } from "../meeting/handover.ts";
import { MeetingsEditor, meetingsStrings, type MeetingsStrings } from "./meetings-editor.ts";
import { InboxView } from "./inbox.ts";
import { PushSettings } from "./push-settings.ts";
import { fullDateTime, pageHref, when, type Summary } from "./inbox-format.ts";
import { Ringer } from "./ringer.ts";

type Waiting = MessageOf<ServerMessage, "queue">["calls"][number];
type HostInfo = MessageOf<ServerMessage, "hosts">["hosts"][number];
type Missed = MessageOf<ServerMessage, "missed">["calls"][number];

/** Every string the dashboard shows, its call view's included. */
type AllStrings = HostStrings & CallStrings & FileStrings & ErrorStrings & MeetingsStrings;

/** The call view's parts, re-exported under the same names. */
const CALL_EXPORTS = CALL_PARTS.join(", ");

export type * from "../events.ts";

/** How long a passing notice shows, ms. */
const NOTICE_MS = 6000;

/** A saved session is not used when it expires within this many seconds. */
const SESSION_MARGIN_S = 5;

/** The sign-in this device keeps in `localStorage`: the host token and when it expires (unix seconds). */
interface SavedSession {
  token: string;
  expires: number;
}

/** The saved session, or undefined when absent or not of that shape (e.g. saved by an older version). */
function readSession(raw: string | null): SavedSession | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<SavedSession>;
    return typeof value.token === "string" && typeof value.expires === "number" ? (value as SavedSession) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The host dashboard: sign in with the host key, go **Available**, see
 * visitor messages as they arrive, and accept or decline calls (with a ring).
 * With several hosts (`HOSTS`), it shows who is signed in; a call rings every
 * free host and the first to accept gets it. Callers who find every host
 * busy wait in line, listed in order, each with **Accept** / **Decline**.
 *
 * The host key is exchanged once for a short-lived token
 * (`POST /parties/main/<room>/host/session`); the token, kept on this device
 * (`localStorage`) until it expires (`HOST_SESSION_S`) or **Sign out**,
 * authorizes the host WebSocket, so a reload, another tab, or a window a
 * notification opens is signed in without the key. The
 * **Available** choice is kept on this device (`localStorage`) and comes back
 * with a reload or the next sign-in.
 *
 * Conversations show as an inbox: a list (newest first, filtered to those
 * that **Need reply** or **All**, searchable by name, email and text, with
 * unread counts kept on this device) beside the open conversation, its
 * messages grouped by day and a reply box (Enter sends, Shift+Enter starts a
 * new line; drafts are kept on this device). The host sees when a visitor
 * types and when they have seen a reply; a conversation can be archived,
 * exported as a text file, or deleted. The list loads 30 conversations, then
 * older ones as it is scrolled to its end. At 600 px wide or less one
 * pane shows at a time, with **Back** to the list.
 *
 * Calls belong to conversations: a ringing call shows the caller's name,
 * email and page; the call's heading names who is on the line and its
 * conversation opens beside it; every call ends up in its conversation's
 * timeline (answered with its duration, missed, declined, cancelled), and a
 * missed call's **Reply** opens the conversation with the reply box ready.
 *
 * While a call rings here the dashboard starts its camera and microphone,
 * where the browser already allows them (no prompt), and stops them once
 * nothing rings; **Accept** then sends `accept` at once and starts the offer
 * while it is on its way (see `CallController.accept`).
 *
 * **Business hours** (a disclosure above the inbox) sets the room's weekly
 * hours and their time zone for every dashboard; outside them visitors see
 * the host as away, with when the hours open again, and can only send messages.
 *
 * **Notifications** (Web Push, when the room offers it): **Notify this
 * device** subscribes this browser through the page's service worker and
 * registers it with the room; the host's devices are listed, each removable;
 * **Ring my devices** makes calls ring them by push even with no dashboard
 * open, inside the hours. See `push-settings.ts` for the cases it tells apart.
 *
 * Opened from a notification, the dashboard acts on `answer` (accepts that
 * call once connected, if it still waits; else says it no longer waits) and
 * `conversation` (opens it). The element does not read the page's URL: the
 * page sets these attributes (the demo's `app.js` takes them from
 * `host.html?room=…&answer=<callId>` and `…&conversation=<id>`).
 *
 * @element contact-me-host
 *
 * @attr room - Room id, the same as the site's `<contact-me room>`. Default `default`.
 * @attr host - PartyKit host. Default: the origin the script came from.
 * @attr party - Party name. Default `main`.
 * @attr site - The site's page with its `<contact-me>` (an absolute URL): meeting links are `<site>?meeting=<token>`. Default: this page's origin, keeping its `room` parameter.
 * @attr answer - A call id to accept as soon as the dashboard is signed in and connected, if it still waits (else a notice says it no longer does). Handled once per value.
 * @attr conversation - A conversation id to open once the conversations are listed. Handled once per value.
 * @attr strings - JSON object overriding visible strings (keys: `hostStrings` in `contact-me-host/contact-me-host.strings.ts`, `callStrings` in `call/call.strings.ts`, `fileStrings` in `files/files.strings.ts`, `meetingsStrings` in `contact-me-host/meetings-editor.ts`, `errorStrings` in `room/errors.ts`).
 *
 * @fires {CustomEvent<ContactMeHostRingDetail>} contact-me-host-ring - A call started ringing here. `detail: {callId, media, name?}`.
 * @fires {CustomEvent<ContactMeHostMessageDetail>} contact-me-host-message - A visitor message arrived. `detail: {conversationId, text, name?, email?, page?}`.
 * @fires {Event} contact-me-meeting-leave - The meeting view closed: left, removed, ended, or a move into a meeting given up.
 * @fires {CustomEvent<{participantId: string}>} contact-me-meeting-connected - In a meeting, the peer connection with participant `participantId` is up for the first time.
 *
 * @csspart sign-in - The sign-in form.
 * @csspart toolbar - Presence switch and sign-out.
 * @csspart available - The Available switch.
 * @csspart self-check - Under the toolbar, when this browser cannot take calls: why (no WebRTC, not secure, microphone not allowed or missing, in-app browser).
 * @csspart hosts - Who is signed in.
 * @csspart incoming - The list of waiting calls (ringing, then in line).
 * @csspart silence - The **Silence** button, which stops the ring.
 * @csspart incoming-call - One waiting call: who is calling (name, email, the page they call from), **Accept** and **Decline**.
 * @csspart missed - Calls that rang out unanswered.
 * @csspart hours - The **Business hours** editor (a disclosure): where the hours stand now, whether to keep hours, their time zone, each weekday's opening and closing times, **Save hours**.
 * @csspart notifications - The **Notifications** section (shown when the room offers Web Push).
 * @csspart notify-device - The **Notify this device** switch.
 * @csspart push-status - Where notifications on this device stand: on, turning on, blocked (and how to allow them), not supported, or why they could not be turned on.
 * @csspart push-device - One device that gets notifications: its name, **This device**, when it was added, **Remove**.
 * @csspart push-device-remove - A device's **Remove**.
 * @csspart ring-devices - The **Ring my devices** switch.
 * @csspart missed-reply - A missed call's **Reply**: opens the caller's conversation with the reply box focused.
 * @csspart call - The call view.
 * @csspart call-status - The call status line.
 * @csspart stage - The media area: the visitor's video or picture, the host's own camera over it.
 * @csspart avatar - The visitor's picture or initials, when there is no video to show.
 * @csspart remote-video - The visitor's video (video calls).
 * @csspart remote-audio - The visitor's audio (audio calls).
 * @csspart local-video - The host's own camera preview.
 * @csspart tap-to-unmute - Shown when the browser would not play the call's sound without a tap.
 * @csspart hang-up - The Hang up button.
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
 * @csspart peer-muted - Shown while the visitor's microphone is muted.
 * @csspart peer-camera-off - Shown while the visitor's camera is off.
 * @csspart call-dismiss - **Dismiss**, once a call is over.
 * @csspart call-next - In a call, who waits in line next.
 * @csspart ring-teammate - **Ring Grace**: in a call, brings signed-in teammate Grace in (the call becomes a meeting); in the Meetings section, rings them into an open meeting.
 * @csspart add-teammate - **Add someone by link**: in a call, makes it a meeting whose invite link the Meetings section shows.
 * @csspart meeting-invite - A teammate's invitation into a meeting, with **Join** and **Not now**.
 * @csspart inbox - The conversations: the list and the open conversation.
 * @csspart conversation-list - The list pane: filters, search and conversations.
 * @csspart filters - **All** / **Needs reply**.
 * @csspart search - The search box.
 * @csspart conversations - The list of conversations, most recent first.
 * @csspart conversation-item - One conversation in the list: who, when, last message, unread count.
 * @csspart conversation - The open conversation: who, messages, reply form.
 * @csspart conversation-header - The visitor's name and email, their details, and the conversation's actions.
 * @csspart visitor-details - The page the visitor wrote or called from, their local time and time zone, browser and device, and when first seen.
 * @csspart messages - The open conversation's messages, by day.
 * @csspart day - One day's messages, under its heading.
 * @csspart message - One message (also `message-visitor`, `message-host` or `message-call`).
 * @csspart message-visitor - A visitor's message.
 * @csspart message-host - A reply from a host.
 * @csspart message-call - A call the visitor made: its media and how it ended (answered with whom and how long, missed, declined, cancelled).
 * @csspart files - The files a message carries.
 * @csspart file-image - An image in a message: its thumbnail, a link that opens it whole.
 * @csspart file-recording - A voice or video message: its player and length.
 * @csspart file-document - A document in a message (PDF, text): a download link with its name and size.
 * @csspart reply - A conversation's reply form.
 * @csspart attach - **Attach a file** in the reply form: opens the file picker (images, PDF, plain text). Files can also be pasted in the reply box or dropped on the conversation.
 * @csspart attachments - The files attached to the reply being written.
 * @csspart attachment - One attached file: its thumbnail or icon, name, size, upload progress and remove button.
 * @csspart attachment-remove - Takes a file off the reply.
 * @csspart attachment-progress - A file's upload progress, while the reply is being sent.
 * @csspart attachment-error - Why a file was refused or could not be uploaded (the reply is kept).
 * @csspart typing - "Ada is typing…" under the open conversation while its visitor types (empty otherwise).
 * @csspart message-state - **Seen** under the host's last message once the visitor has seen it.
 * @csspart call-back-request - A visitor's call-back request in the conversation: "Call back: +33 6 …" (its note under it).
 * @csspart conversation-actions - The open conversation's **Archive**, **Export** and **Delete**.
 * @csspart archive - **Archive**: takes the conversation out of the list on every dashboard, until its visitor writes again.
 * @csspart export - **Export**: downloads the conversation as a text file.
 * @csspart delete - **Delete**: asks first, then deletes the conversation everywhere.
 * @csspart delete-confirm - The question before deleting, with **Delete for good** and **Cancel**.
 * @csspart load-older - **Load older conversations**, at the end of the list while the room has more.
 * @csspart meetings - The Meetings section: the form that creates a meeting and the list of meetings.
 * @csspart meeting-form - The form that creates a meeting: title, PIN, how long the link works, how many people.
 * @csspart meeting-list - The room's meetings.
 * @csspart meeting - One meeting: its title and state, its link with **Copy link**, **Join**, **End for all**, **Delete**.
 * @csspart meeting-link - A meeting's invite link (`<site>?meeting=<token>`), read-only.
 * @csspart meeting-participants - Who is in a meeting or waits to be admitted, with **Admit** and **Remove**.
 * @csspart meeting-view - A meeting the host joined (**Join**, or rung into it by a teammate), or the call the host moved into a meeting.
 * @csspart meeting-join - The meeting's form after joining failed (the camera blocked): the name, and **Join** to try again.
 * @csspart meeting-status - What the meeting waits for (the camera, a host to admit one), why it is closed, or that one is the first one here.
 * @csspart meeting-error - Why joining failed, or why a screen could not be shared.
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
 *
 * @cssprop --contact-me-accent - Accent colour (buttons, focus ring).
 * @cssprop --contact-me-on-accent - Text on the accent colour.
 * @cssprop --contact-me-background - Section background.
 * @cssprop --contact-me-foreground - Text colour.
 * @cssprop --contact-me-muted - Secondary text.
 * @cssprop --contact-me-border - Borders.
 * @cssprop --contact-me-danger - Errors and red text (in the dark scheme, a light red).
 * @cssprop --contact-me-danger-fill - Background of **Hang up** and the other filled red buttons. Default `#c62828` in both schemes.
 * @cssprop --contact-me-on-danger - Text and icons on `--contact-me-danger-fill`. Default `#ffffff`.
 * @cssprop --contact-me-ok - The Available switch when on.
 * @cssprop --contact-me-radius - Section corner radius.
 * @cssprop --contact-me-font - Font family.
 */
export class ContactMeHost extends LitElement {
  /** Every string shown: the defaults beneath the element's `strings` (see `stringTable`). */
  private readonly table = stringTable<AllStrings>({ ...errorStrings, ...callStrings, ...fileStrings, ...meetingsStrings, ...hostStrings });
  static override styles = hostStyles;

  /** Room id, the same as on the site's `<contact-me>`. */
  @property() room = "default";
  /** PartyKit host; defaults to the origin the script was loaded from. */
  @property() host = "";
  /** Party name on the PartyKit project. */
  @property() party = "main";
  /**
   * Overrides of visible strings, by key (see `hostStrings`, `callStrings` and
   * `errorStrings`); missing keys keep their defaults. As an attribute: JSON.
   */
  @property({ attribute: "strings", converter: stringsConverter }) strings: Partial<AllStrings> = {};
  /**
   * A call to accept once signed in and connected (e.g. from a notification's
   * **Answer**), if it is still waiting; otherwise a notice says it is not.
   */
  @property() answer = "";
  /**
   * The site's page with its `<contact-me>`: meeting links are `<site>?meeting=<token>`.
   * Default: this page's origin (with its `room` parameter, as the demo takes it).
   */
  @property() site = "";
  /** The meeting joined from this dashboard (its token), shown above the rest. */
  @state() private meetingJoined: string | undefined;
  /** A conversation to open once the conversations are listed (e.g. from a message notification). */
  @property() conversation = "";
  /** The `answer` and `conversation` values already acted on. */
  private answerHandled = "";
  private conversationHandled = "";
  /** Whether the room has sent its list of waiting calls since this socket connected. */
  private queueKnown = false;
  /** Whether the room has sent the first page of conversations. */
  private conversationsListed = false;

  @state() private token: string | undefined;
  @state() private hostName = "";
  @state() private signingIn = false;
  @state() private signInError: Problem<keyof AllStrings> | undefined;
  @state() private available = false;
  /** Whether this browser can take calls (`call/capabilities.ts`), found out when the element connects. */
  @state() private callSupport: CallSupport | undefined;
  /** Conversations, most recently active first. */
  @state() private conversations: Summary[] = [];
  /** The signed links of the files shown in conversations, asked for with the host token. */
  private readonly links = new FileLinks(this, () => (this.token ? { address: this.address, token: this.token } : undefined));
  /** The conversations as an inbox: the list, the open conversation, its reply box. */
  private readonly inbox = new InboxView(this, {
    links: this.links,
    access: () => (this.token ? { address: this.address, token: this.token } : undefined),
    strings: () => this.text,
    drafts: () => this.drafts,
    reads: () => this.reads,
    reply: (conversationId, text, files) =>
      this.signaling.send({ type: "reply", conversationId, text, clientId: crypto.randomUUID(), ...(files.length ? { files } : {}) }),
    typing: (conversationId) => this.sendTyping(conversationId),
    read: (conversationId) => this.signaling.status === "open" && this.signaling.send({ type: "read", conversationId }),
    archive: (conversationId) => this.signaling.send({ type: "archive", conversationId, archived: true }),
    remove: (conversationId) => this.signaling.send({ type: "delete", conversationId }),
    older: () => {
      if (this.next) this.signaling.send({ type: "older", cursor: this.next });
    },
  });
  /** The **Business hours** editor. */
  private readonly hoursEditor = new HoursEditor(this, {
    strings: () => this.text,
    save: (hours) => this.signaling.send({ type: "hours", hours }),
  });
  /** The **Notifications** section. */
  private readonly pushSettings = new PushSettings(this, {
    strings: () => this.text,
    send: (message) => this.signaling.send(message),
  });
  /** The cursor of the page of conversations after those listed; undefined at the end. */
  @state() private next: string | undefined;
  /** Conversations archived while listed here, kept so a visitor's new message brings them back whole. */
  private archivedHere = new Map<string, Summary>();
  /** When this dashboard last told the room the host types in each conversation (ms). */
  private typingSentAt = new Map<string, number>();
  /** Timers ending each visitor's "is typing…". */
  private typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  @state() private waiting: Waiting[] = [];
  @state() private hosts: HostInfo[] = [];
  @state() private missed: Missed[] = [];
  /** Calls this host declined; the room keeps them for the other hosts. */
  private declinedHere = new Set<string>();
  /** The waiting call this host last accepted: who is calling, until their conversation is listed. */
  private accepting: Waiting | undefined;

  /** Ringing calls silenced here; a new call rings again. */
  @state() private silenced = new Set<string>();
  private readonly ringer = new Ringer();
  private readonly attention = new AttentionController(this);

  /** The strings shown: defaults with {@link strings} on top. */
  private get text(): AllStrings {
    return this.table(this.strings);
  }

  /** Whether the ring is sounding (a call rings here, not silenced, not in a call). */
  get ringing(): boolean {
    return this.ringer.ringing;
  }
  private readonly signaling = new SignalingController(this, () => {
    this.signOut();
    this.signInError = { key: "sessionEnded" };
  });
  private readonly call = new CallController(this, this.signaling);
  /** A passing notice: a room refusal, or who answered a call. */
  private readonly notices = new NoticeController<keyof AllStrings>(this, this.signaling, NOTICE_MS);
  private readonly meetingsEditor = new MeetingsEditor(this, this.signaling, () => this.siteUrl());
  /** The call becoming a meeting when a teammate is brought in; then the teammate asked for is rung. */
  private readonly handover = new CallHandover(this, this.signaling, this.call, (invite) => {
    if (this.ringWhenMoved) this.meetingsEditor.ring(invite.meetingId, this.ringWhenMoved);
    this.ringWhenMoved = undefined;
  });
  /** The teammate to ring once the call has become a meeting. */
  private ringWhenMoved: string | undefined;

  constructor() {
    super();
    provideCall(this, () => ({ call: this.call, strings: this.text, peer: this.text.theVisitor, allowVideo: true }));
    const on = this.signaling.on.bind(this.signaling);
    on("welcome", (m) => {
      if (m.name) this.hostName = m.name;
      this.queueKnown = false;
      // After a reconnect the room has forgotten this socket: restore availability.
      if (this.available) this.sendAvailable();
    });
    on("conversations", (m) => this.onConversations(m));
    on("message", (m) => {
      if (m.message.from === "visitor") this.stopTyping(m.conversationId);
      this.upsert(m);
    });
    on("typing", (m) => {
      if (m.from === "visitor") this.startTyping(m.conversationId, m.name);
    });
    on("seen", (m) => this.onSeen(m));
    on("archived", (m) => {
      if (m.archived) this.removeListed(m.conversationId, true);
    });
    on("deleted", (m) => {
      this.removeListed(m.conversationId, false);
      this.archivedHere.delete(m.conversationId);
      this.drafts.delete(m.conversationId);
      this.reads.delete(m.conversationId);
      this.typingSentAt.delete(m.conversationId);
      this.inbox.forget(m.conversationId);
    });
    on("queue", (m) => {
      this.onQueue(m.calls);
      this.queueKnown = true;
      this.answerAsked();
    });
    on("push", (m) => this.pushSettings.update(m));
    on("hosts", (m) => (this.hosts = m.hosts));
    on("hours", (m) => this.hoursEditor.update(m));
    on("missed", (m) => (this.missed = m.calls));
    // The caller's conversation opens beside the call.
    on("accepted", (m) => {
      if (m.conversationId) this.inbox.show(m.conversationId);
    });
    on("answered", (m) => {
      if (m.by !== this.hostName) this.notices.show({ key: "answeredBy", params: { name: m.by } });
    });
    // A refused accept (the call was taken, or ended) leaves no call to prepare.
    on("error", () => {
      if (this.call.status === "preparing") this.call.reset();
    });
  }

  /** Statistics of the current call's RTCPeerConnection, or null outside a call. */
  getCallStats(): Promise<RTCStatsReport | null> {
    return this.call.getStats();
  }

  private get address(): RoomAddress {
    return addressOf(this);
  }

  private get storageKey(): string {
    return storagePrefix("contact-me-host", this.address);
  }

  /** Half-typed replies by conversation id, kept on this device until sent; read on first use. */
  private get drafts(): Drafts {
    return (this.#drafts ??= new Drafts(`${this.storageKey}:drafts`));
  }
  #drafts: Drafts | undefined;

  /** When each conversation was last read on this device; read on first use. */
  private get reads(): ReadMarks {
    return (this.#reads ??= new ReadMarks(`${this.storageKey}:read`));
  }
  #reads: ReadMarks | undefined;

  /** Where this device keeps the host's Available choice, across reloads and sign-ins. */
  private get availableKey(): string {
    return `${this.storageKey}:available`;
  }

  /**
   * Sign in again with the session this device saved, unless it expires within
   * {@link SESSION_MARGIN_S}; the Available choice comes back with it.
   */
  override connectedCallback(): void {
    super.connectedCallback();
    void detectCallSupport(browserGlobals()).then((support) => {
      const changed = JSON.stringify(support.capabilities) !== JSON.stringify(this.capabilities);
      this.callSupport = support;
      // The room counts this dashboard for calls by what it said: say it again once the devices are known.
      if (changed && this.available) this.sendAvailable();
    });
    const saved = readSession(local.get(this.storageKey));
    if (saved && saved.expires - SESSION_MARGIN_S > Date.now() / 1000) {
      this.token = saved.token;
      this.available = local.get(this.availableKey) === "1";
      this.connect();
    } else if (saved) local.remove(this.storageKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.ringer.stop();
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
    this.inbox.typing.clear();
  }

  /** Where meeting links point: {@link site}, else this page's origin (keeping its `room` parameter). */
  private siteUrl(): string {
    if (this.site) return new URL(this.site, globalThis.location?.href).href;
    const here = new URL(globalThis.location?.href ?? "http://localhost/");
    const url = new URL("/", here.origin);
    const room = here.searchParams.get("room");
    if (room) url.searchParams.set("room", room);
    return url.href;
  }

  /** Join a meeting from the dashboard (its code loads now). */
  private async joinMeeting(token: string): Promise<void> {
    await import("../meeting/contact-me-meeting.ts");
    this.meetingJoined = token;
  }

  /** Other signed-in hosts free to be rung into a call or meeting. */
  private get teammates(): string[] {
    return this.hosts.filter((h) => h.name !== this.hostName && !h.inCall).map((h) => h.name);
  }

  /**
   * Bring teammate `name` into the call (the call becomes a meeting, see
   * `meeting/handover.ts`, and they are rung), or, without a name, move the
   * call into a meeting whose link is in the Meetings section.
   */
  private bringIn(name?: string): void {
    const invite = this.handover.invite;
    if (invite) {
      if (name) this.meetingsEditor.ring(invite.meetingId, name);
      return;
    }
    if (!this.call.callId) return;
    this.ringWhenMoved = name;
    const title = format(this.text.callMeetingTitle, { name: this.call.peerName || this.text.visitor });
    this.signaling.send({ type: "meeting-create", title: title.slice(0, MAX_MEETING_TITLE_LENGTH), expiresInS: 86_400, callId: this.call.callId });
  }

  override render() {
    return this.token ? this.renderDashboard() : this.renderSignIn();
  }

  private renderSignIn() {
    const s = this.text;
    return html`
      <form part="sign-in" @submit=${this.signIn}>
        <label>${s.hostKey}<input name="key" type="password" autocomplete="current-password" required /></label>
        <button type="submit" class="primary" ?disabled=${this.signingIn}>${this.signingIn ? s.signingIn : s.signIn}</button>
        ${this.signInError ? html`<p class="error" role="alert">${problemText(this.signInError, s)}</p>` : nothing}
      </form>
    `;
  }

  private renderDashboard() {
    const s = this.text;
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
      ${this.renderSelfCheck()}
      ${this.renderHosts()}
      ${this.notices.notice ? html`<p class="error" role="alert">${problemText(this.notices.notice, s)}</p>` : nothing}
      ${this.meetingsEditor.renderInvite(this.text, (token) => void this.joinMeeting(token))}
      ${this.call.status !== "idle" ? this.renderCall() : nothing}
      ${this.incoming.length ? this.renderIncoming() : nothing}
      ${this.renderMissed()}
      ${this.handover.render({ room: this.room, host: this.host, party: this.party, name: this.hostName, hostToken: this.token ?? "", strings: this.strings })}
      ${this.meetingJoined
        ? html`<contact-me-meeting part="meeting-view" autojoin room=${this.room} host=${this.host} party=${this.party} token=${this.meetingJoined}
            name=${this.hostName} .hostToken=${this.token ?? ""} .strings=${this.strings}
            @contact-me-meeting-leave=${() => (this.meetingJoined = undefined)}></contact-me-meeting>`
        : nothing}
      ${this.meetingsEditor.render(
        this.text,
        (token) => void this.joinMeeting(token),
        [this.meetingJoined, this.handover.invite?.token].filter((t): t is string => t !== undefined),
        this.teammates,
      )}
      ${this.hoursEditor.render()}
      ${this.pushSettings.render()}
      ${this.inbox.render()}
    `;
  }

  /** Why this browser cannot take calls, in one line under the toolbar; nothing when it can. */
  private renderSelfCheck() {
    const reason = this.callSupport?.reason;
    if (!reason) return nothing;
    const s = this.text;
    const text: Record<CallBlocker, string> = {
      "in-app": s.selfCheckInApp,
      "no-webrtc": s.selfCheckNoWebrtc,
      insecure: s.selfCheckInsecure,
      policy: s.selfCheckBlockedByPage,
      "no-device": s.selfCheckNoMicrophone,
    };
    return html`<p part="self-check" class="error" role="alert">${text[reason]}</p>`;
  }

  /** Waiting calls this host can act on, in queue order. */
  private get incoming(): Waiting[] {
    return this.waiting.filter((w) => !this.declinedHere.has(w.callId));
  }

  private renderIncoming() {
    const s = this.text;
    const inCall = this.call.live;
    return html`
      <section part="incoming" aria-labelledby="incoming-title">
        <h2 id="incoming-title">${s.incoming}</h2>
        ${this.ringer.ringing
          ? html`<button part="silence" @click=${this.silence}>${s.silence}</button>`
          : nothing}
        <ul>
          ${this.incoming.map((w) => {
            const who = `${s.from} ${w.name || s.visitor}`;
            const label =
              w.state === "ringing"
                ? `${w.media === "video" ? s.incomingVideo : s.incomingAudio} ${who}`
                : `${w.media === "video" ? s.waitingVideo : s.waitingAudio} ${who}`;
            const href = pageHref(w.page);
            return html`<li class="row" part="incoming-call">
              <span class="caller"
                ><span>${label}</span>${w.email || w.page
                  ? html`<span class="muted caller-details"
                      >${w.email ? html`<a href=${`mailto:${w.email}`}>${w.email}</a>` : nothing}${w.email && w.page ? " · " : nothing}${w.page
                        ? html`${s.callingFrom}
                          ${href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${w.page}</a>` : w.page}`
                        : nothing}</span
                    >`
                  : nothing}</span
              >
              ${w.state === "queued" ? html`<span class="muted">${format(s.position, { n: w.position ?? "" })}</span>` : nothing}
              ${w.state === "reconnecting"
                ? html`<span class="muted">${s.reconnecting}</span>`
                : html`<button class="primary accept" ?disabled=${inCall} @click=${() => this.accept(w)}>${s.accept}</button>
                    <button @click=${() => this.decline(w)}>${s.decline}</button>`}
            </li>`;
          })}
        </ul>
      </section>
    `;
  }

  private renderHosts() {
    const s = this.text;
    if (this.hosts.length < 2) return nothing;
    return html`<p part="hosts" class="muted">
      ${s.signedIn}:
      ${this.hosts.map(
        (h, i) => html`${i ? ", " : ""}${h.name} (${h.inCall ? s.hostInCall : h.available ? s.hostAvailable : s.hostAway})`,
      )}
    </p>`;
  }

  private renderMissed() {
    const s = this.text;
    if (this.missed.length === 0) return nothing;
    return html`<section part="missed" aria-labelledby="missed-title">
      <h2 id="missed-title">${s.missed}</h2>
      <ul>
        ${this.missed.map((m) => {
          const listed = m.conversationId !== undefined && this.conversations.some((c) => c.id === m.conversationId);
          return html`<li class="row">
            <span>${m.media === "video" ? s.missedVideo : s.missedAudio} ${s.from} ${m.name || s.visitor} ·
              <time datetime=${new Date(m.at).toISOString()} title=${fullDateTime(m.at)}>${when(m.at, Date.now())}</time></span>
            ${listed
              ? html`<button
                  type="button"
                  part="missed-reply"
                  aria-label=${format(s.replyTo, { name: m.name || s.unnamedVisitor })}
                  @click=${() => this.inbox.show(m.conversationId!, { reply: true })}
                >
                  ${s.reply}
                </button>`
              : nothing}
          </li>`;
        })}
      </ul>
    </section>`;
  }

  private renderCall() {
    const s = this.text;
    const call = this.call;
    const next = call.live ? this.incoming[0] : undefined;
    return html`
      <contact-me-call
        part="call"
        class=${call.live ? "live" : ""}
        exportparts=${CALL_EXPORTS}
        role="region"
        aria-labelledby="call-title"
      >
        <h2 id="call-title" slot="heading">${s.call}${call.peerName ? ` · ${call.peerName}` : ""}${this.callerEmail ? ` · ${this.callerEmail}` : ""}</h2>
        ${call.live
          ? nothing
          : html`<button slot="actions" part="call-dismiss" @click=${() => this.call.reset()}>${s.dismiss}</button>`}
        ${this.handover.note(s)
          ? html`<span slot="actions" class="muted" role="status">${this.handover.note(s)}</span>`
          : nothing}
        ${this.handover.moving
          ? nothing
          : call.status === "connected" || call.status === "reconnecting"
            ? html`${this.teammates.map(
                (name) => html`<button slot="actions" part="ring-teammate" @click=${() => this.bringIn(name)}>${format(s.ringTeammate, { name })}</button>`,
              )}<button slot="actions" part="add-teammate" @click=${() => this.bringIn()}>${s.addByLink}</button>`
            : nothing}
        ${next
          ? html`<span slot="actions" part="call-next" class="muted">${format(s.next, { name: next.name || s.visitor })}</span>`
          : nothing}
      </contact-me-call>
    `;
  }

  /**
   * A page of conversations: the first (no `cursor`, on connect) replaces
   * the list; a page asked for with `older` extends it (by id, once each).
   */
  private onConversations(m: MessageOf<ServerMessage, "conversations">) {
    if (m.cursor === undefined) {
      this.conversations = m.conversations;
      this.inbox.resetReads();
    } else {
      const known = new Set(this.conversations.map((c) => c.id));
      this.conversations = [...this.conversations, ...m.conversations.filter((c) => !known.has(c.id))];
    }
    this.next = m.next;
    this.inbox.loadingOlder = false;
    if (m.cursor === undefined) this.conversationsListed = true;
  }

  /** Accept the call `answer` names, once, if it still waits (and this host is not in a call); else say why not. */
  private answerAsked() {
    const callId = this.answer;
    if (!callId || callId === this.answerHandled || !this.queueKnown) return;
    this.answerHandled = callId;
    const waiting = this.waiting.find((w) => w.callId === callId && w.state !== "reconnecting");
    if (!waiting) this.notices.show({ key: "callGone" });
    else if (this.call.live) this.notices.show({ key: "errorBusy" });
    else void this.accept(waiting);
  }

  /** Open the conversation `conversation` names, once, when the first page of conversations is in (before rendering). */
  private conversationAsked() {
    const id = this.conversation;
    if (!id || id === this.conversationHandled || !this.conversationsListed) return;
    this.conversationHandled = id;
    this.inbox.show(id);
  }

  /** Someone has seen a conversation: the visitor the host's replies, or a host (maybe elsewhere) the visitor's messages. */
  private onSeen(m: MessageOf<ServerMessage, "seen">) {
    const field = m.by === "visitor" ? "visitorReadAt" : "hostReadAt";
    this.conversations = this.conversations.map((c) =>
      c.id === m.conversationId && (c[field] ?? 0) < m.at ? { ...c, [field]: m.at } : c,
    );
    // Read on another dashboard: not unread here either.
    if (m.by === "host") this.reads.markRead(m.conversationId, m.at);
  }

  /** Take a conversation out of the list (archived: kept aside, so a new message brings it back whole). */
  private removeListed(conversationId: string, keep: boolean) {
    const listed = this.conversations.find((c) => c.id === conversationId);
    if (listed && keep) this.archivedHere.set(conversationId, listed);
    this.stopTyping(conversationId);
    this.conversations = this.conversations.filter((c) => c.id !== conversationId);
  }

  /** The visitor of a conversation is typing: shown for twice {@link TYPING_EVERY_MS} unless repeated. */
  private startTyping(conversationId: string, name: string | undefined) {
    clearTimeout(this.typingTimers.get(conversationId));
    this.inbox.typing.set(conversationId, name ?? "");
    this.typingTimers.set(
      conversationId,
      setTimeout(() => this.stopTyping(conversationId), 2 * TYPING_EVERY_MS),
    );
    this.requestUpdate();
  }

  private stopTyping(conversationId: string) {
    clearTimeout(this.typingTimers.get(conversationId));
    this.typingTimers.delete(conversationId);
    if (this.inbox.typing.delete(conversationId)) this.requestUpdate();
  }

  /** The host typed in a reply box: tell the room, at most once every {@link TYPING_EVERY_MS} per conversation, on an open socket only. */
  private sendTyping(conversationId: string) {
    const now = Date.now();
    if (this.signaling.status !== "open" || now - (this.typingSentAt.get(conversationId) ?? 0) < TYPING_EVERY_MS) return;
    this.typingSentAt.set(conversationId, now);
    this.signaling.send({ type: "typing", conversationId });
  }

  /** Add or update a message, moving its conversation to the top. */
  private upsert(message: MessageOf<ServerMessage, "message">) {
    const archived = this.archivedHere.get(message.conversationId);
    if (archived && !this.conversations.some((c) => c.id === archived.id)) this.conversations = [archived, ...this.conversations];
    this.archivedHere.delete(message.conversationId);
    const existing = this.conversations.find((c) => c.id === message.conversationId);
    const base: Summary = existing ?? { id: message.conversationId, updatedAt: message.message.at, messages: [] };
    const messages = base.messages.some((m) => m.id === message.message.id)
      ? base.messages.map((m) => (m.id === message.message.id ? message.message : m))
      : [...base.messages, message.message];
    const updated: Summary = { ...base, ...message.conversation, messages, updatedAt: Math.max(base.updatedAt, message.message.at) };
    this.conversations = [updated, ...this.conversations.filter((c) => c.id !== updated.id)];
    if (!existing || !base.messages.some((m) => m.id === message.message.id)) {
      if (message.message.from === "visitor" && !message.message.call) {
        fire(this, "contact-me-host-message", {
          conversationId: updated.id,
          text: message.message.text,
          name: updated.name,
          email: updated.email,
          page: updated.page,
        });
      }
    }
  }

  /** Calls ringing on this dashboard now. */
  private get ringingHere(): Waiting[] {
    return this.incoming.filter((w) => w.ringsHere);
  }

  /**
   * Render, keeping focus where the host is: moving a conversation up the
   * list (a new message) moves its DOM nodes, and a browser drops focus
   * from a node it moves. A control still in the page gets its focus and
   * caret back.
   */
  protected override update(changed: PropertyValues): void {
    const focused = (this.renderRoot as ShadowRoot | undefined)?.activeElement as HTMLElement | null | undefined;
    const caret = focused instanceof HTMLTextAreaElement ? [focused.selectionStart, focused.selectionEnd] : undefined;
    super.update(changed);
    if (!focused || (this.renderRoot as ShadowRoot).activeElement === focused || !focused.isConnected) return;
    focused.focus({ preventScroll: true });
    if (caret && focused instanceof HTMLTextAreaElement) focused.setSelectionRange(caret[0], caret[1]);
  }

  /** Ring (before rendering, so the Silence button shows with the ring). */
  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.inbox.conversations = this.conversations;
    this.inbox.hasOlder = this.next !== undefined;
    this.conversationAsked();
    if (this.ringingHere.some((w) => !this.silenced.has(w.callId)) && !this.call.live) this.ringer.start();
    else this.ringer.stop();
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (changed.has("answer")) this.answerAsked();
    const ringing = this.ringingHere;
    const s = this.text;
    this.attention.ringing(
      this.call.live
        ? []
        : ringing.map((w) => ({
            callId: w.callId,
            title: w.media === "video" ? s.incomingVideo : s.incomingAudio,
            body: `${s.from} ${w.name || s.visitor}`,
          })),
    );
  }

  /** Stop the ring for the calls ringing now; they stay listed, and a new call rings again. */
  private silence() {
    this.silenced = new Set([...this.silenced, ...this.incoming.map((w) => w.callId)]);
  }

  private async signIn(event: SubmitEvent) {
    event.preventDefault();
    this.ringer.unlock();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem("key") as HTMLInputElement;
    this.signingIn = true;
    this.signInError = undefined;
    try {
      const res = await requestRoom(this.address, "host/session", { body: { key: input.value } });
      if (!res.ok) {
        console.warn(`contact-me-host: sign-in refused: ${res.error.message}`);
        this.signInError =
          res.status === 401
            ? { key: "wrongKey" }
            : res.status === 429
              ? { key: "errorRateLimited" }
              : res.status === 503
                ? { key: "noHost" }
                : { key: "signInFailed", params: { status: res.status } };
        return;
      }
      input.value = "";
      this.token = res.body.token;
      this.hostName = res.body.name;
      this.available = local.get(this.availableKey) === "1";
      local.set(this.storageKey, JSON.stringify({ token: res.body.token, expires: res.body.expires } satisfies SavedSession));
      this.connect();
    } catch (err) {
      this.signInError =
        err instanceof HttpProtocolError
          ? { key: "signInFailed", params: { status: err.status } }
          : { key: "cannotReach", params: { reason: (err as Error).message } };
    } finally {
      this.signingIn = false;
    }
  }

  private signOut() {
    this.call.hostDisconnected();
    this.signaling.close();
    local.remove(this.storageKey);
    this.token = undefined;
    this.available = false;
    this.waiting = [];
    this.queueKnown = false;
    this.pushSettings.state = undefined;
  }

  private connect() {
    if (this.token) this.signaling.connect(this.address, { role: "host", token: this.token });
  }

  private toggleAvailable() {
    this.ringer.unlock();
    this.attention.requestPermission();
    this.available = !this.available;
    local.set(this.availableKey, this.available ? "1" : "0");
    this.sendAvailable();
  }

  /** What this browser can do for calls: the devices' answer once known, else what can be told at once. */
  private get capabilities() {
    return (this.callSupport ?? staticCallSupport(browserGlobals())).capabilities;
  }

  /**
   * Tell the room whether this dashboard is available, with its browser's
   * capabilities: one that cannot take calls is available for messages only.
   */
  private sendAvailable() {
    this.signaling.send({ type: "available", available: this.available, capabilities: this.capabilities });
  }

  /** The email of the caller on the line: given with their call, or from their conversation. */
  private get callerEmail(): string | undefined {
    const id = this.call.conversationId;
    if (!id || this.call.status === "idle") return undefined;
    return this.conversations.find((c) => c.id === id)?.email ?? (this.accepting?.conversationId === id ? this.accepting.email : undefined);
  }

  private async accept(waiting: Waiting) {
    this.ringer.unlock();
    this.call.reset();
    this.accepting = waiting;
    await this.call.accept(waiting.callId, waiting.media as CallMedia);
  }

  /**
   * While a call rings here and this dashboard is in no call, its camera and
   * microphone start (where already allowed), so Accept is quicker; they stop
   * once nothing rings here.
   */
  private warmForRinging(): void {
    const ringing = this.ringingHere;
    if (ringing.length > 0 && !this.call.live) this.call.warmUp(ringing.some((w) => w.media === "video") ? "video" : "audio");
    else if (!this.call.live) this.call.coolDown();
  }

  private decline(waiting: Waiting) {
    this.declinedHere.add(waiting.callId);
    this.requestUpdate();
    this.signaling.send({ type: "decline", callId: waiting.callId });
    this.warmForRinging();
  }

  /** The room's list of waiting calls: ring for each new one ringing here. */
  private onQueue(calls: Waiting[]) {
    const before = new Set(this.waiting.filter((w) => w.ringsHere).map((w) => w.callId));
    this.waiting = calls;
    const known = new Set(calls.map((w) => w.callId));
    for (const id of this.declinedHere) if (!known.has(id)) this.declinedHere.delete(id);
    for (const w of calls) {
      if (!w.ringsHere || before.has(w.callId) || this.declinedHere.has(w.callId)) continue;
      fire(this, "contact-me-host-ring", { callId: w.callId, media: w.media, name: w.name });
    }
    this.warmForRinging();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "contact-me-host": ContactMeHost;
  }
}
