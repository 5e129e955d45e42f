/**
 * What the visitor's widget does once opened, kept while the panel is closed:
 * the room connection, the call and the conversation (controllers hosted by
 * `<contact-me>`, so they follow its life, not the panel's), the view shown,
 * the notice, and the element's events. It provides itself to the panel and
 * the call to the call view through `@lit/context`. Loaded with the panel.
 * @module
 */
import { ContextProvider, createContext } from "@lit/context";
import type { ReactiveElement } from "lit";
import type { CallMedia, FileRef, HostProfile } from "../../protocol/socket.ts";
import { browserGlobals, canRecord, detectCallSupport, staticCallSupport, type CallSupport } from "../call/capabilities.ts";
import { CallController, type CallStatus } from "../call/call-controller.ts";
import { formatDuration } from "../call/call-log.ts";
import { callStrings, type CallStrings } from "../call/call.strings.ts";
import { provideCall } from "../call/context.ts";
import { fire } from "../events.ts";
import { CallHandover } from "../meeting/handover.ts";
import type { SendRecording } from "../files/recording-controller.ts";
import { recorderStrings, type RecorderStrings } from "../files/recorder.strings.ts";
import { Attachments } from "../files/attachments.ts";
import { FileLinks } from "../files/file-view.ts";
import { fileStrings, type FileStrings } from "../files/files.strings.ts";
import { uploadFile } from "../files/upload.ts";
import { addressOf, storagePrefix } from "../room/address.ts";
import { NoticeController, errorStrings, type ErrorStrings } from "../room/errors.ts";
import { SignalingController } from "../room/signaling.ts";
import { local, session } from "../room/storage.ts";
import { visitorStrings, type VisitorStrings } from "./contact-me.strings.ts";
import { dateFormat, stringTable } from "../locale.ts";
import { ConversationController, type Sender } from "./conversation-controller.ts";

/** What the panel shows: the actions, the conversation, the call, or the recorder of a voice or video message. */
export type View = "menu" | "message" | "call" | "record";

/** Every string of `<contact-me>`: its own, the call view's, files', the recorder's and the room's refusals. */
export type AllVisitorStrings = VisitorStrings & CallStrings & FileStrings & RecorderStrings & ErrorStrings;

/** The longest recorded message until the room's `welcome` says (`MAX_RECORDING_S`'s default), seconds. */
const DEFAULT_MAX_RECORDING_S = 120;

/** The context of `<contact-me-panel>`: the session, afresh on each update of `<contact-me>`. */
export const sessionContext = createContext<{ session: VisitorSession }>(Symbol("contact-me-session"));

/** What the session reads of its `<contact-me>`: the attributes that say where and what, and its strings. */
export interface SessionRoot extends ReactiveElement {
  host: string;
  room: string;
  party: string;
  /** Space-separated modes offered. */
  modes: string;
  /** The site's overrides of the strings. */
  strings: Partial<AllVisitorStrings>;
  /** The host's profile as the page gives it (attributes `host-name`, …); each overrides the room's. */
  hostName?: string;
  hostAvatar?: string;
  hostTagline?: string;
  hostAway?: string;
  /** Close the panel (the close button). */
  close(): void;
}

/** Who the visitor is reaching; each field absent when neither the page nor the room gives it. */
export type EffectiveProfile = { name?: string; avatar?: string; tagline?: string; away?: string };

export class VisitorSession {
  /** Every string shown: the defaults beneath the element's `strings` (see `stringTable`). */
  private readonly table = stringTable({ ...errorStrings, ...callStrings, ...fileStrings, ...recorderStrings, ...visitorStrings } as AllVisitorStrings);
  view: View = "menu";
  /**
   * Name and email as last sent, sent with each message; kept in
   * `localStorage` (per room) so a returning visitor is not asked again.
   */
  sender = { name: "", email: "" };
  /** Whether the name and email fields are shown though given before (**Change**). */
  editingSender = false;
  /** The host's profile from the room's `welcome`, if it configures one. */
  roomProfile: HostProfile | undefined;
  /** The host's presence from the room; undefined until the socket has it. */
  available: boolean | undefined;
  /**
   * Whether a call can ring now (presence `calls`): false while the host is
   * available only at a dashboard whose browser cannot take calls.
   */
  calls: boolean | undefined;
  /** Outside the room's business hours: when they next open, ms since the epoch. */
  nextOpen: number | undefined;
  /** Whether a call may be offered now: the host is available, for calls. */
  get canCall(): boolean {
    return this.available === true && this.calls !== false;
  }
  /**
   * Whether this browser can make calls (`call/capabilities.ts`): found out
   * when the panel opens, and again before a call it does not allow;
   * undefined before.
   */
  support: CallSupport | undefined;
  /** The last finding of {@link support} with the devices listed (not only what is known at once). */
  private detected: Promise<CallSupport> | undefined;
  /**
   * Whether a voice (`audio`) or video message can be recorded here
   * (`MediaRecorder`, and the devices {@link support} finds); found out with it.
   */
  recordable = { audio: false, video: false };
  /** What the recorder records while the view is `record`. */
  recordMedia: CallMedia = "audio";
  /** The longest recorded message the room takes, in seconds (its `welcome`'s `limits.maxRecordingS`). */
  maxRecordingS = DEFAULT_MAX_RECORDING_S;
  /** The view the recorder was opened from, to go back to on **Cancel**. */
  private recordFrom: View = "menu";

  readonly signaling: SignalingController;
  readonly call: CallController;
  readonly conversation: ConversationController;
  /** A refusal from the room (rate limit, too large, …), until the next action. */
  readonly notices: NoticeController<keyof AllVisitorStrings>;
  /** Files attached to the message being written (kept while the panel is closed). */
  readonly attachments: Attachments;
  /** The signed links of the files shown in the conversation. */
  readonly links: FileLinks;
  /** The call becoming a meeting when the host brings in a teammate: the meeting then shows instead of the panel. */
  readonly handover: CallHandover;
  /** The call `contact-me-call-start` was fired for. */
  private startedCallId: string | undefined;

  constructor(private readonly root: SessionRoot) {
    this.signaling = new SignalingController(root);
    this.call = new CallController(root, this.signaling, (status) => this.onCallStatus(status));
    this.handover = new CallHandover(root, this.signaling, this.call, undefined, () => {
      this.show("menu");
      root.close();
    });
    this.conversation = new ConversationController(root, this.signaling, () => this.senderDetails(), {
      stored: (m) => fire(root, "contact-me-message-sent", { text: m.text }),
      received: (m) => fire(root, "contact-me-message-received", { text: m.text, by: m.by }),
    });
    this.notices = new NoticeController(root, this.signaling);
    this.attachments = new Attachments(root);
    this.links = new FileLinks(root, () => {
      const token = this.conversationToken;
      return token ? { address: addressOf(root), token } : undefined;
    });
    this.signaling.on("welcome", (m) => {
      if (m.resumeToken) session.set(`${this.prefix}:resume`, m.resumeToken);
      if (m.conversationToken) local.set(`${this.prefix}:conversation`, m.conversationToken);
      this.roomProfile = m.profile;
      if (m.limits) this.maxRecordingS = m.limits.maxRecordingS;
      root.requestUpdate();
    });
    this.signaling.on("presence", (m) => {
      this.available = m.available;
      this.calls = m.calls ?? m.available;
      this.nextOpen = m.nextOpen;
      root.requestUpdate();
    });
    const provider = new ContextProvider(root, { context: sessionContext });
    root.addController({ hostUpdate: () => provider.setValue({ session: this }) });
    provideCall(root, () => {
      const { name, avatar } = this.hostProfile;
      return {
        call: this.call,
        strings: this.text,
        peer: this.text.theHost,
        ...(name ? { peerName: name } : {}),
        ...(avatar ? { peerAvatar: avatar } : {}),
        allowVideo: this.modes.has("video"),
      };
    });
  }

  /**
   * Who the visitor is reaching: each field from the element's attribute
   * (`host-name`, `host-avatar`, `host-tagline`, `host-away`) when set and
   * not blank, else from the room's `welcome` profile, else absent.
   */
  get hostProfile(): EffectiveProfile {
    const room = this.roomProfile ?? {};
    const pick = (own: string | undefined, fallback: string | undefined) => own?.trim() || fallback || undefined;
    const profile: EffectiveProfile = {};
    const name = pick(this.root.hostName, room.name);
    const avatar = pick(this.root.hostAvatar, room.avatar);
    const tagline = pick(this.root.hostTagline, room.tagline);
    const away = pick(this.root.hostAway, room.away);
    if (name) profile.name = name;
    if (avatar) profile.avatar = avatar;
    if (tagline) profile.tagline = tagline;
    if (away) profile.away = away;
    return profile;
  }

  /** Every string shown: call and error defaults beneath the element's strings. */
  get text(): AllVisitorStrings {
    return this.table(this.root.strings as Partial<AllVisitorStrings>);
  }

  /** The modes the site offers. */
  get modes(): Set<string> {
    return new Set(this.root.modes.split(/\s+/).filter(Boolean));
  }

  /** Host replies not yet read. */
  get unread(): number {
    return this.conversation.unread;
  }

  /** The call's time for the **In call** pill: `m:ss` once connected, else empty. */
  get callTime(): string {
    return this.call.connectedAt === undefined ? "" : formatDuration(this.call.elapsedSeconds);
  }

  /** Whether the socket has been opened (its presence wins over the page-load request). */
  get connected(): boolean {
    return this.signaling.status !== "idle";
  }

  /** The visitor's conversation token (from the room's `welcome`, kept per room): what uploads and file links are authorised by. */
  get conversationToken(): string | undefined {
    return local.get(`${this.prefix}:conversation`) ?? undefined;
  }

  private get prefix(): string {
    return storagePrefix("contact-me", addressOf(this.root));
  }

  /** The panel was opened: connect (first time), probe devices, show unread replies. */
  opened(): void {
    // Video is offered only when a camera exists.
    if (this.call.hasCamera === undefined) void this.call.probeDevices();
    // Calls are offered only where they can connect: what is known at once, then the devices.
    this.support ??= staticCallSupport(browserGlobals());
    this.recordable = recordability(this.support);
    this.detected = this.detectSupport();
    const prefix = this.prefix;
    this.restoreSender();
    // Messages a previous page could not send go out with this connection.
    this.conversation.restore(`${prefix}:outbox`);
    // The resume token lets a dropped socket keep its place in line and its call.
    this.signaling.connect(addressOf(this.root), (): Record<string, string> => {
      const query: Record<string, string> = {};
      const resume = session.get(`${prefix}:resume`);
      const conversation = local.get(`${prefix}:conversation`);
      if (resume) query.resume = resume;
      if (conversation) query.conversation = conversation;
      return query;
    });
    // After connect: `read` must find a socket to go out on. A live call keeps its view.
    if (this.conversation.unread > 0 && !this.call.live) this.show("message");
  }

  /**
   * Send the message being written: its attached files are uploaded first
   * (each with its progress), and the message goes only once every one is
   * stored. False when an upload failed: the text and files stay, with a line
   * saying why.
   */
  async send(text: string, sender: { name: string; email: string }): Promise<boolean> {
    let files: FileRef[] = [];
    if (this.attachments.files.length) {
      const stored = await this.attachments.upload(addressOf(this.root), this.conversationToken);
      if (!stored) return false;
      files = stored;
    }
    this.post(text, sender, files);
    this.attachments.clear();
    return true;
  }

  /** Close the panel. */
  close(): void {
    this.root.close();
  }

  /** The panel was closed: a recording in progress is dropped (the microphone goes off). */
  closed(): void {
    if (this.view === "record") this.show(this.recordFrom);
    this.conversation.setReading(false);
  }

  /** Show `view`; the notice of the last action goes. */
  show(view: View): void {
    this.view = view;
    this.notices.clear();
    this.conversation.setReading(view === "message");
    this.root.requestUpdate();
  }

  /**
   * Ask for the camera/microphone, then ring the host, telling the room what
   * this browser can do. Nothing happens when the browser cannot make a
   * `media` call (the panel says why).
   */
  async startCall(media: CallMedia): Promise<void> {
    // What the panel found on opening, when it allows this call (listing the devices again is a round
    // trip to the browser before getUserMedia); afresh when it does not, e.g. for a camera plugged in since.
    const known = await this.detected;
    const allows = (s: CallSupport | undefined): s is CallSupport => !!s && !(media === "video" ? s.videoReason : s.reason);
    const support = allows(known) ? known : await (this.detected = this.detectSupport());
    if (!allows(support)) return;
    this.show("call");
    if (await this.call.acquire(media)) this.call.ring(media, { ...this.senderDetails(), capabilities: support.capabilities });
  }

  /** Find out afresh what this browser can do for calls (see {@link support}). */
  private async detectSupport(): Promise<CallSupport> {
    const support = await detectCallSupport(browserGlobals());
    this.support = support;
    this.recordable = recordability(support);
    this.root.requestUpdate();
    return support;
  }

  /**
   * After an end state, call again: with `media`, or the media of the call
   * that ended (**Try again**, **Try an audio call instead**).
   */
  async callAgain(media: CallMedia = this.call.media ?? "audio"): Promise<void> {
    this.call.reset();
    await this.startCall(media);
  }

  /** Leave an ended call for `view`. */
  leaveCall(view: View): void {
    this.call.reset();
    this.show(view);
  }

  /**
   * Whether a voice (`audio`) or video message may be offered: the site takes
   * messages (`text`; video messages also `video`) and this browser can record one.
   */
  offersRecording(media: CallMedia): boolean {
    const modes = this.modes;
    return modes.has("text") && (media === "audio" || modes.has("video")) && this.recordable[media];
  }

  /**
   * **Leave a voice message** / **Leave a video message**: leave an ended
   * call, and show the recorder (its module loads now, the first time).
   */
  record(media: CallMedia): void {
    if (!this.offersRecording(media)) return;
    if (!this.call.live) this.call.reset();
    this.recordFrom = this.view === "message" ? "message" : "menu";
    this.recordMedia = media;
    this.show("record");
    import("../files/recorder.ts").then(
      () => this.root.requestUpdate(),
      (error: unknown) => console.warn("contact-me: could not load the recorder", error),
    );
  }

  /** The recorder closed: a sent message shows in the conversation; a cancelled one goes back where the visitor was. */
  recorderClosed(sent: boolean): void {
    this.show(sent ? "message" : this.recordFrom);
  }

  /**
   * Upload a recorded message to this visitor's conversation, then post it
   * (a `text` frame with its file and no text). See {@link SendRecording}.
   * @throws `UploadError` of `files/upload.ts` (`status` 413: too long or too large)
   */
  readonly sendRecording: SendRecording = async (file, durationS, onProgress, signal) => {
    const token = this.conversationToken;
    if (!token) throw new Error("No conversation yet: the room has not welcomed this visitor");
    const ref = await uploadFile(addressOf(this.root), file, { token, durationS, onProgress, signal });
    signal.throwIfAborted();
    this.conversation.post("", [ref]);
  };

  /**
   * Send a message with what the visitor gave, and `files` the room has
   * stored. The name and email are kept (`localStorage`) and shown on one
   * line from now on, until **Change**.
   */
  post(text: string, sender: { name: string; email: string }, files: FileRef[] = []): void {
    this.sender = sender;
    this.editingSender = false;
    if (sender.name || sender.email) local.set(`${this.prefix}:sender`, JSON.stringify(sender));
    else local.remove(`${this.prefix}:sender`);
    this.conversation.post(text, files);
    this.notices.clear();
  }

  /** **Change**: show the name and email fields again (or hide them, `false`). */
  editSender(editing = true): void {
    this.editingSender = editing;
    this.root.requestUpdate();
  }

  /** Take the name and email a previous page of this room kept, unless some were typed already. */
  private restoreSender(): void {
    if (this.sender.name || this.sender.email) return;
    try {
      const kept: unknown = JSON.parse(local.get(`${this.prefix}:sender`) ?? "null");
      if (kept && typeof kept === "object") {
        const { name, email } = kept as { name?: unknown; email?: unknown };
        this.sender = { name: typeof name === "string" ? name.slice(0, 80) : "", email: typeof email === "string" ? email.slice(0, 254) : "" };
      }
    } catch {
      // Unreadable: asked again.
    }
  }

  private senderDetails(): Sender {
    return {
      name: this.sender.name || undefined,
      email: this.sender.email || undefined,
      page: globalThis.location?.href,
      timeZone: dateFormat().resolvedOptions().timeZone || undefined,
    };
  }

  private onCallStatus(status: CallStatus): void {
    if (status === "connected") {
      // Once per call: back to Connected after Reconnecting is not a new start.
      if (this.startedCallId === this.call.callId) return;
      this.startedCallId = this.call.callId;
      fire(this.root, "contact-me-call-start", { media: this.call.media ?? "audio" });
    } else if (!this.call.live && status !== "idle") {
      fire(this.root, "contact-me-call-end", { status, media: this.call.media });
    }
  }
}

/** Which recorded messages this browser can make, with the devices `support` finds. */
function recordability(support: CallSupport): { audio: boolean; video: boolean } {
  const g = browserGlobals();
  return { audio: canRecord(g, support, "audio"), video: canRecord(g, support, "video") };
}
