/**
 * Call state for an element: local media and devices, the {@link PeerCall},
 * the room's call frames (`ringing`, `accepted`, `declined`, `signal`,
 * `ended`), the in-call controls (mute, camera, device switching, turning an
 * audio call into a video call), the call timer and the connection quality,
 * as a Lit ReactiveController. Both `<contact-me>` (polite peer) and
 * `<contact-me-host>` (impolite peer) use it.
 *
 * Hang-up and mute state go to the other peer over the call's data channel as
 * well as (hang-up) through the room, so they work while the room is down.
 * Leaving the page (`pagehide`) hangs up at once, rather than after the
 * room's reconnect grace. Either side may share its screen
 * ({@link CallController.shareScreen}) beside its camera; see
 * `widget/call/peer-call.ts`.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { UNSIGNALED_GRACE_S, type CallMedia, type ClientMessage, type ErrorCode, type MessageOf, type PeerMessage, type ServerMessage } from "../../protocol/socket.ts";
import { errorKey, type ErrorStrings } from "../room/errors.ts";
import type { SignalingController } from "../room/signaling.ts";
import type { Problem } from "../strings.ts";
import type { CallProblem, CallStrings } from "./call.strings.ts";
import { PeerCall, PeerCallError, type PeerCallErrorCode, type RecoveryTiming, type Signal } from "./peer-call.ts";
import { QualityMonitor, type Quality } from "./quality.ts";
import { ScreenShare } from "./screen-share.ts";

/** How long a hung-up connection stays open so the data-channel hang-up can leave, ms. */
const HANGUP_LINGER_MS = 500;
/** Timer and quality refresh, ms. Quality is read every other tick. */
const TICK_MS = 1000;

/**
 * Where a call stands.
 * - `idle`: no call.
 * - `preparing`: asking for the camera/microphone.
 * - `calling`: ringing the host (visitor) — shown as "Calling…".
 * - `queued`: every host is busy; waiting in line at {@link CallController.position}.
 * - `connecting`: accepted; negotiating and gathering ICE candidates.
 * - `connected`: the peer connection is up.
 * - `reconnecting`: the peer connection dropped; recovering (ICE restart,
 *   then a full renegotiation; see `widget/call/peer-call.ts`).
 * - `declined`, `ended`, `failed`, `blocked` (media permission denied),
 *   `unavailable` (no host available), `busy` (already in a call),
 *   `no-answer` (rang out), `queue-full` (too many waiting): end states.
 */
export type CallStatus =
  | "idle"
  | "preparing"
  | "calling"
  | "queued"
  | "connecting"
  | "connected"
  | "reconnecting"
  | "declined"
  | "ended"
  | "failed"
  | "blocked"
  | "unavailable"
  | "busy"
  | "no-answer"
  | "queue-full";

/** Statuses during which a call is under way (Hang up is offered). */
export const LIVE_STATUSES: ReadonlySet<CallStatus> = new Set(["preparing", "calling", "queued", "connecting", "connected", "reconnecting"]);

/** Room error codes that end a call request, and the status they end it in. */
const ERROR_STATUS: Partial<Record<ErrorCode, CallStatus>> = {
  unavailable: "unavailable",
  busy: "busy",
  queue_full: "queue-full",
  rate_limited: "failed",
  cannot_call: "failed",
};

/** How long the camera/microphone request may wait on the browser's prompt before the view says to check it, in ms. */
export const PROMPT_HINT_MS = 3000;

/**
 * Host: how long **Accept** waits for the offer of the peer connection made
 * while the call rang, when it is still being made (ms); then a new
 * connection is made instead.
 */
const PREPARED_OFFER_WAIT_MS = 1000;

/** Resolves `value` after `ms` milliseconds. */
const sleep = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

/**
 * How long an accepted call may stay `connecting` (no media path yet: no
 * answer, no ICE) before this side gives up, in ms: it hangs up with
 * `reason: "failed"` and both sides see `peerFailed` ("The visitor could not
 * connect." on the dashboard). Longer than a TURN-over-TCP setup takes.
 */
export const CONNECT_TIMEOUT_MS = 20_000;

/**
 * How long an accepted call that has not connected yet waits for the other
 * side's signaling socket to come back (`peer` `connected: false`) before
 * giving up the same way, in ms: a page that closed cannot answer. The room
 * waits as long for a visitor that never signaled (`UNSIGNALED_GRACE_S`).
 */
export const PEER_GONE_CONNECTING_MS = UNSIGNALED_GRACE_S * 1000;

/** What the person is told when the {@link PeerCall} fails with `code`. */
function peerErrorKey(code: PeerCallErrorCode, policy: RTCIceTransportPolicy): keyof CallStrings {
  switch (code) {
    case "ERR_NO_CANDIDATES":
      return policy === "relay" ? "noRelay" : "noAddress";
    case "ERR_SET_LOCAL_DESCRIPTION":
    case "ERR_SET_REMOTE_DESCRIPTION":
      return "negotiationFailed";
    default:
      return "connectionFailed";
  }
}

export class CallController implements ReactiveController {
  status: CallStatus = "idle";
  /** `preparing` for longer than {@link PROMPT_HINT_MS}: the browser's permission prompt is likely unanswered. */
  promptWaiting = false;
  private promptTimer: ReturnType<typeof setTimeout> | undefined;
  /** Gives up a call still `connecting` (see {@link CONNECT_TIMEOUT_MS}, {@link PEER_GONE_CONNECTING_MS}). */
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  media: CallMedia | undefined;
  callId: string | undefined;
  /** The other side's display name, when known. */
  peerName: string | undefined;
  /** Host side: the caller's conversation, where the call is logged (from `accepted`). */
  conversationId: string | undefined;
  localStream: MediaStream | undefined;
  remoteStream: MediaStream | undefined;
  /**
   * Why the call is `failed` / `blocked` / `unavailable` / `busy` /
   * `queue-full`, as a string key; the element renders it with its strings.
   */
  error: Problem<keyof CallStrings | keyof ErrorStrings> | undefined;
  /** ICE servers from the room's `welcome`. */
  iceServers: RTCIceServer[] = [];
  /** Host: the ICE transport policy from `welcome`; undefined before it, or from a room that does not say. */
  private welcomePolicy: RTCIceTransportPolicy | undefined;
  /**
   * Host: the signals of a peer connection started on Accept, held until
   * `accepted` says the room made the call active; undefined otherwise.
   */
  private heldSignals: ClientMessage[] | undefined;
  /**
   * Host: a call whose peer connection failed between Accept and the room's
   * `accepted` (see {@link openPeer}): already hung up as failed, so its
   * `accepted` is let go, not answered with a second, plain hangup.
   */
  private failedBeforeAccepted: string | undefined;
  /** Host: the camera and microphone started while a call rings (see {@link warmUp}). */
  private warm: { media: CallMedia; stream: Promise<MediaStream | undefined> } | undefined;
  /**
   * Host: the peer connection made with {@link warm}'s media while a call
   * rings — its offer made and its ICE candidates gathered, its signals kept
   * in `signals` — for {@link accept} to take (see {@link prepare}).
   */
  private prepared:
    | {
        stream: MediaStream;
        peer: PeerCall;
        signals: Signal[];
        /** Resolves true once the offer is made (in `signals` and the connection's local description), false if making it failed. */
        offered: Promise<boolean>;
        route(send: (signal: Signal) => void): void;
      }
    | undefined;
  /** Place in line (from 1) while `queued`. */
  position = 0;
  /**
   * Visitor side, while `calling`: `"push"` when the call rings only on the
   * hosts' devices, by push, with no dashboard open ("Ringing Ada's phone…").
   */
  ringingVia: "push" | undefined;
  /** True while the other side's socket is reconnecting (media may still flow). */
  peerReconnecting = false;
  /**
   * The room refused a signal of this side while the other side's socket was
   * away (`not_found`) before the call connected: the negotiation lost it,
   * and starts over once the other side is back (see the `peer` frame).
   */
  private signalsLost = false;
  /** ICE transport policy from the room (`ICE_TRANSPORT_POLICY`). */
  iceTransportPolicy: RTCIceTransportPolicy = "all";
  /** This side's microphone is muted. */
  muted = false;
  /** This side's camera is off (video calls). */
  cameraOff = false;
  /** The other side muted its microphone / turned its camera off (from the data channel). */
  remoteMuted = false;
  remoteCameraOff = false;
  /** When the call first connected, ms since the epoch. */
  connectedAt: number | undefined;
  /** Connection quality, refreshed every 2 s while connected. */
  quality: Quality | undefined;
  /** Microphones and cameras (labels once permission is granted). */
  devices: MediaDeviceInfo[] = [];
  /** Whether a camera exists (`enumerateDevices`); undefined until probed. */
  hasCamera: boolean | undefined;
  /** A problem with a control during the call (device switch), shown while live. */
  warning: CallProblem | undefined;
  /** Recovery timings for new calls (tests shorten them). */
  timing: Partial<RecoveryTiming> | undefined;
  private readonly screen: ScreenShare;

  /**
   * This side's shared screen while it shares: the stream from
   * `getDisplayMedia({video: true})` (W3C Screen Capture), one video track.
   */
  get screenStream(): MediaStream | undefined {
    return this.screen.stream;
  }

  private peer: PeerCall | undefined;
  /** The local stream went to a meeting ({@link handOver}): the call's end leaves its tracks running. */
  private handedOver = false;
  /**
   * While a video call waits in line, the camera is stopped: the device id
   * to start it again with once it rings or is accepted ("" for the default
   * camera). Undefined when no camera is waiting.
   */
  private parkedCamera: string | undefined;
  /** The parked camera starting again ({@link unparkCamera}), while it does. */
  private unparking: Promise<void> | undefined;
  private readonly monitor = new QualityMonitor();
  private ticker: ReturnType<typeof setInterval> | undefined;
  private ticks = 0;

  /**
   * @param signaling the element's room connection: the call's frames are
   *   taken from it (`welcome`, `ringing`, `queued`, `accepted`, `resumed`,
   *   `peer`, `declined`, `ended`, `signal`, `error`) and sent on it
   * @param onStatus called on every status change
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly signaling: SignalingController,
    private readonly onStatus?: (status: CallStatus) => void,
  ) {
    host.addController(this);
    this.screen = new ScreenShare(() => host.requestUpdate());
    signaling.on("welcome", (m) => {
      this.iceServers = m.iceServers;
      this.welcomePolicy = m.iceTransportPolicy;
    });
    signaling.on("ringing", (m) => this.onRinging(m.callId, "calling", 0, m.via));
    signaling.on("queued", (m) => this.onRinging(m.callId, "queued", m.position, undefined));
    signaling.on("accepted", (m) => {
      if (m.callId === this.failedBeforeAccepted) return;
      if (this.adopt(m.callId, ["calling", "queued", "preparing"])) this.start(m);
    });
    signaling.on("resumed", (m) => this.onResumed(m));
    signaling.on("peer", (m) => {
      if (m.callId !== this.callId) return;
      this.peerReconnecting = !m.connected;
      // Back, after signals of ours were refused while it was away: the impolite peer starts over on a fresh
      // connection (PeerCall.restart; a no-op for the polite one), whose offer the other side follows.
      if (m.connected && this.signalsLost) {
        this.signalsLost = false;
        this.peer?.restart();
      }
      // Not connected yet and the other side's page is gone: it will not answer.
      if (this.status === "connecting") this.giveUpConnecting(m.connected ? CONNECT_TIMEOUT_MS : PEER_GONE_CONNECTING_MS);
      this.host.requestUpdate();
    });
    signaling.on("declined", (m) => {
      if (m.callId === this.callId) this.finish("declined");
    });
    signaling.on("ended", (m) => this.onEnded(m));
    signaling.on("signal", (m) => {
      if (m.callId !== this.callId || !this.peer) return;
      void this.peer.receive(
        m.description ? { description: m.description, generation: m.generation } : { candidate: m.candidate ?? null, generation: m.generation },
      );
    });
    signaling.on("error", (m) => {
      if (m.code === "not_found" && this.peerReconnecting && this.status === "connecting") this.signalsLost = true;
      // A refusal of this side's call request ends it; other refusals are the element's notice.
      const status = ERROR_STATUS[m.code];
      if (this.status !== "calling" || this.callId || !status) return;
      this.error = { key: errorKey(m.code) };
      this.finish(status);
    });
  }

  private send(message: ClientMessage): boolean {
    return this.signaling.send(message);
  }

  hostConnected(): void {
    globalThis.addEventListener?.("pagehide", this.onPageHide);
  }

  /**
   * Leaving the page ends the call at once, rather than after the room's
   * reconnect grace; before it connected (ringing, or connecting), as failed:
   * a host who accepted as the page closed is told this side could not connect.
   */
  private readonly onPageHide = () => {
    if (this.status === "connecting") this.failConnecting();
    else if (this.live) this.hangUp(this.status === "connected" || this.status === "reconnecting" ? undefined : "failed");
  };

  /** Give up the call if it is still `connecting` in `ms` (replacing the previous bound). */
  private giveUpConnecting(ms: number): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => {
      if (this.status === "connecting") this.failConnecting();
    }, ms);
  }

  /** The call did not connect: tell the other side (`failed`) and show `peerFailed`. */
  private failConnecting(): void {
    this.error = { key: "peerFailed" };
    if (this.callId) this.send({ type: "hangup", callId: this.callId, reason: "failed" });
    this.finish("failed");
  }

  /** The current call's {@link PeerCall}, if any (for diagnostics and tests). */
  get peerCall(): PeerCall | undefined {
    return this.peer;
  }

  /**
   * The other side's shared screen while it shares (a MediaStream with its
   * video track), else undefined. See {@link PeerCall.remoteScreen}.
   */
  get remoteScreen(): MediaStream | undefined {
    return this.peer?.remoteScreen;
  }

  /**
   * Whether this browser can share a screen: `getDisplayMedia` exists (it
   * does not on phones). False on the server.
   */
  get canShareScreen(): boolean {
    return ScreenShare.supported;
  }

  /**
   * Share a screen, window or tab in the call (see `screen-share.ts`): its
   * track goes beside the camera (`PeerCall.shareScreen`); the call goes on
   * throughout. Sharing ends with {@link stopScreen}, or the browser's own
   * **Stop sharing**. Cancelling the picker leaves things as they were, with
   * no warning; any other failure sets {@link warning} (`screenFailed`).
   * Never throws.
   */
  async shareScreen(): Promise<void> {
    const peer = this.peer;
    if (!peer || this.screen.stream) return;
    this.warning = undefined;
    const ok = await this.screen.start((track) => peer.shareScreen(track), () => peer.stopScreen(), () => this.peer === peer);
    if (!ok) this.warning = { key: "screenFailed" };
    this.host.requestUpdate();
  }

  /** Stop sharing the screen (the toolbar's **Stop sharing**, or the browser's): the camera goes on. */
  stopScreen(): void {
    this.screen.stop();
  }

  /** Seconds since the call connected (0 before). */
  get elapsedSeconds(): number {
    return this.connectedAt === undefined ? 0 : Math.max(0, Math.floor((Date.now() - this.connectedAt) / 1000));
  }

  get microphones(): MediaDeviceInfo[] {
    return this.devices.filter((d) => d.kind === "audioinput");
  }

  get cameras(): MediaDeviceInfo[] {
    return this.devices.filter((d) => d.kind === "videoinput");
  }

  /** The device id of the local track of `kind`, if any. */
  currentDevice(kind: "audio" | "video"): string | undefined {
    const track = kind === "audio" ? this.localStream?.getAudioTracks()[0] : this.localStream?.getVideoTracks()[0];
    return track?.getSettings().deviceId;
  }

  /** True when this side sends no video yet and a camera exists (offers **Turn on video**). */
  get canTurnOnVideo(): boolean {
    return (
      this.hasCamera === true && this.parkedCamera === undefined && !!this.localStream && this.localStream.getVideoTracks().length === 0
    );
  }

  /**
   * List the microphones and cameras (`enumerateDevices`); sets
   * {@link hasCamera}. Never throws: without the API there are no devices.
   */
  async probeDevices(): Promise<void> {
    try {
      this.devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audioinput" || d.kind === "videoinput");
    } catch {
      this.devices = [];
    }
    this.hasCamera = this.devices.some((d) => d.kind === "videoinput");
    this.host.requestUpdate();
  }

  get live(): boolean {
    return LIVE_STATUSES.has(this.status);
  }

  /**
   * Ask for the microphone, and the camera for video. On refusal the status
   * becomes `blocked` and false is returned.
   */
  async acquire(media: CallMedia): Promise<boolean> {
    this.media = media;
    this.setStatus("preparing");
    // A prompt left unanswered: say where to look (nothing rings meanwhile).
    clearTimeout(this.promptTimer);
    this.promptTimer = setTimeout(() => {
      this.promptWaiting = this.status === "preparing";
      this.host.requestUpdate();
    }, PROMPT_HINT_MS);
    try {
      const warm = await this.takeWarm(media);
      const stream = warm ?? (await navigator.mediaDevices.getUserMedia({ audio: true, video: media === "video" }).finally(() => this.promptAnswered()));
      if (warm) this.promptAnswered();
      if (this.status !== "preparing") {
        stream.getTracks().forEach((t) => t.stop()); // hung up while asking
        return false;
      }
      this.localStream = stream;
      this.muted = this.cameraOff = false;
      void this.probeDevices(); // labels are readable now
      return true;
    } catch (err) {
      const name = (err as DOMException)?.name;
      this.error =
        name === "NotAllowedError" || name === "SecurityError"
          ? { key: "blockedHelp" }
          : name === "NotFoundError" || name === "OverconstrainedError"
            ? { key: "noDevice" }
            : { key: "deviceError", params: { name: name ?? String(err) } };
      this.setStatus("blocked");
      return false;
    }
  }

  /**
   * Host: while a call rings here, start the camera and microphone it would
   * take, so **Accept** does not wait for them. Only where the browser
   * already allows both (Permissions API state `granted`), so no prompt
   * shows before Accept; the camera light is on while it rings. The tracks
   * are handed to the call by {@link acquire}, or stopped by {@link coolDown}
   * (nothing rings here any more: answered elsewhere, declined, cancelled).
   * Never throws; without permission or devices it does nothing.
   */
  warmUp(media: CallMedia): void {
    if (this.live || this.warm?.media === media || !globalThis.navigator?.mediaDevices) return;
    this.coolDown();
    const names: PermissionName[] = media === "video" ? ["microphone", "camera" as PermissionName] : ["microphone" as PermissionName];
    const stream = Promise.all(names.map((name) => navigator.permissions.query({ name })))
      .then((states) => (states.every((s) => s.state === "granted") ? navigator.mediaDevices.getUserMedia({ audio: true, video: media === "video" }) : undefined))
      .catch(() => undefined);
    const warm = { media, stream };
    this.warm = warm;
    void stream.then((s) => {
      if (s && this.warm === warm && !this.live) this.prepare(s);
    });
  }

  /**
   * Host, while a call rings with {@link warm} media: build the peer
   * connection Accept would build, with this connection's ICE settings from
   * `welcome` (when they will hold), so its offer is made and its candidates
   * gathered before Accept. The offer then goes with `accept` (the room hands
   * it to the visitor with `accepted`), and the visitor's answer is the
   * first signal the call waits for. Closed by {@link coolDown}.
   */
  private prepare(stream: MediaStream): void {
    if (!this.iceKnown) return;
    const signals: Signal[] = [];
    let offerMade!: (made: boolean) => void;
    const offered = new Promise<boolean>((resolve) => (offerMade = resolve));
    let send: (signal: Signal) => void = (signal) => {
      signals.push(signal);
      if (signal.description) offerMade(true);
    };
    const peer = new PeerCall({
      polite: false,
      iceServers: this.iceServers,
      iceTransportPolicy: this.welcomePolicy,
      timing: this.timing,
      send: (signal) => send(signal),
    });
    peer.addEventListener("error", () => offerMade(false), { once: true });
    peer.addStream(stream);
    this.prepared = { stream, peer, signals, offered, route: (next) => (send = next) };
  }

  /** Host: stop the camera and microphone {@link warmUp} started, and the peer connection made with them, if no call took them. */
  coolDown(): void {
    const warm = this.warm;
    this.warm = undefined;
    this.prepared?.peer.close();
    this.prepared = undefined;
    void warm?.stream.then((s) => s?.getTracks().forEach((t) => t.stop()));
  }

  /** The warm stream for `media` when its tracks are still live (taken: {@link coolDown} no longer stops it). */
  private async takeWarm(media: CallMedia): Promise<MediaStream | undefined> {
    const warm = this.warm;
    if (!warm || warm.media !== media) {
      this.coolDown();
      return undefined;
    }
    this.warm = undefined;
    const stream = await warm.stream;
    if (stream?.getTracks().every((t) => t.readyState === "live")) return stream;
    stream?.getTracks().forEach((t) => t.stop());
    this.prepared?.peer.close();
    this.prepared = undefined;
    return undefined;
  }

  /**
   * Host: take the ringing call `callId`. The camera and microphone first
   * ({@link acquire}: at once when {@link warmUp} started them), then
   * `accept`. When the call rang with those media here, the peer connection
   * {@link prepare} made is taken: `accept` carries its offer, with the ICE
   * candidates gathered so far in its SDP (an offer still being made is
   * waited for, up to {@link PREPARED_OFFER_WAIT_MS}: far sooner than a new
   * connection's). Otherwise, when `welcome` gave
   * this connection's ICE settings and their TURN credentials are fresh, the
   * peer connection starts at once: its offer and ICE candidates are made
   * while `accept` is on its way. Either way, signals made before `accepted`
   * comes back are held until then. Resolves false when the media was
   * refused (status `blocked`). A refused `accept` (`error`) leaves the
   * status `preparing` for the element to {@link reset}.
   */
  async accept(callId: string, media: CallMedia): Promise<boolean> {
    const prepared = this.prepared;
    this.prepared = undefined;
    if (!(await this.acquire(media))) {
      prepared?.peer.close();
      return false;
    }
    const made = !!prepared && prepared.stream === this.localStream && (await Promise.race([prepared.offered, sleep(PREPARED_OFFER_WAIT_MS, false)]));
    if (this.status !== "preparing") {
      prepared?.peer.close(); // hung up meanwhile
      return false;
    }
    const offer = made ? prepared!.peer.pc.localDescription : null;
    if (prepared && offer?.type === "offer") {
      this.send({ type: "accept", callId, description: offer.toJSON() as RTCSessionDescriptionInit & { type: "offer"; sdp: string } });
      // The offer went with `accept`, with the candidates gathered so far; the end of gathering, if come, follows `accepted`.
      this.heldSignals = prepared.signals.filter((signal) => signal.candidate === null).map((signal) => ({ type: "signal", callId, ...signal }) as ClientMessage);
      this.openPeer(callId, false, this.iceServers, this.welcomePolicy!, prepared);
      return true;
    }
    prepared?.peer.close();
    this.send({ type: "accept", callId });
    if (this.iceKnown) {
      this.heldSignals = [];
      this.openPeer(callId, false, this.iceServers, this.welcomePolicy!);
    }
    return true;
  }

  /**
   * Whether `welcome`'s ICE settings will hold for a call starting now: the
   * room gave them with a policy (hosts), and each TURN REST username
   * (`<expiry>:<user>`, draft-uberti-behave-turn-rest-00 §2.2) is good for
   * five more minutes.
   */
  private get iceKnown(): boolean {
    if (this.welcomePolicy === undefined) return false;
    const now = Date.now() / 1000;
    return this.iceServers.every((s) => {
      const expiry = /^(\d+):/.exec(s.username ?? "")?.[1];
      return expiry === undefined || Number(expiry) - now > 300;
    });
  }

  /** Mute or unmute the microphone (the track keeps running; the peer is told). */
  toggleMute(): void {
    this.muted = !this.muted;
    this.localStream?.getAudioTracks().forEach((t) => (t.enabled = !this.muted));
    this.sendMuteState();
    this.host.requestUpdate();
  }

  /** Turn the camera off or on (black frames while off; the peer is told). */
  toggleCamera(): void {
    this.cameraOff = !this.cameraOff;
    this.localStream?.getVideoTracks().forEach((t) => (t.enabled = !this.cameraOff));
    this.sendMuteState();
    this.host.requestUpdate();
  }

  /**
   * Switch the microphone (`audio`) or camera (`video`) mid-call with
   * RTCRtpSender.replaceTrack: no renegotiation. On failure the old device
   * stays and {@link warning} says so.
   */
  async selectDevice(kind: "audio" | "video", deviceId: string): Promise<void> {
    const stream = this.localStream;
    const previous = kind === "audio" ? stream?.getAudioTracks()[0] : stream?.getVideoTracks()[0];
    if (!stream || !previous || previous.getSettings().deviceId === deviceId) return;
    let next: MediaStreamTrack | undefined;
    try {
      const fresh = await navigator.mediaDevices.getUserMedia({ [kind]: { deviceId: { exact: deviceId } } });
      next = kind === "audio" ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0];
      if (!next) throw new Error("no track");
      if (this.localStream !== stream) return next.stop(); // the call ended meanwhile
      next.enabled = kind === "audio" ? !this.muted : !this.cameraOff;
      await this.peer?.replaceTrack(previous, next);
      stream.removeTrack(previous);
      stream.addTrack(next);
      previous.stop();
      this.warning = undefined;
    } catch (err) {
      next?.stop();
      console.warn("contact-me: device switch failed", err);
      this.warning = { key: "switchFailed" };
    }
    this.host.requestUpdate();
  }

  /**
   * Turn an audio call into a video call from this side: start the camera and
   * add its track, which renegotiates (perfect negotiation).
   */
  async turnOnVideo(): Promise<void> {
    const stream = this.localStream;
    if (!stream || !this.peer || stream.getVideoTracks().length > 0) return;
    try {
      const camera = await navigator.mediaDevices.getUserMedia({ video: true });
      const track = camera.getVideoTracks()[0];
      if (!track) throw new Error("no video track");
      if (this.localStream !== stream || !this.peer) return track.stop();
      stream.addTrack(track);
      this.cameraOff = false;
      this.media = "video";
      this.peer.addTrack(track, stream);
      this.warning = undefined;
      void this.probeDevices();
    } catch (err) {
      console.warn("contact-me: could not turn on video", err);
      this.warning = { key: "videoFailed" };
    }
    this.host.requestUpdate();
  }

  /**
   * Visitor: after {@link acquire}, ring the host. The camera of a video call
   * is stopped until the host accepts (it was started by {@link acquire}, so
   * a refused permission is known before ringing): nobody is filmed while
   * waiting, and the camera light stays off. `caller`: what the visitor gave
   * (name, email), where it calls from (page) and its time zone; what is
   * left out the room takes from the visitor's conversation; `capabilities`:
   * what this browser can do (`call/capabilities.ts`), which the room checks.
   */
  ring(media: CallMedia, caller: Omit<MessageOf<ClientMessage, "call">, "type" | "media">): void {
    this.setStatus("calling");
    const { capabilities, ...rest } = caller;
    const given = Object.fromEntries(Object.entries(rest).filter(([, value]) => value));
    this.send({ type: "call", media, capabilities, ...given });
  }

  /**
   * In line: stop and remove the local video track, remembering its device
   * for {@link unparkCamera}. While the call rings the camera runs, as in a
   * phone's video call: the caller sees what it will send, and it is live
   * when the host accepts.
   */
  private parkCamera(): void {
    const stream = this.localStream;
    const tracks = stream?.getVideoTracks() ?? [];
    if (!stream || tracks.length === 0) return;
    this.parkedCamera = tracks[0]!.getSettings().deviceId ?? "";
    for (const track of tracks) {
      stream.removeTrack(track);
      track.stop();
    }
  }

  /**
   * Start the camera stopped by {@link parkCamera} again (the call rings, or
   * was accepted) and send it once there is a peer connection: in the place
   * its answer kept for it ({@link PeerCall.expectVideo}), else with the
   * local stream when the connection is made. One start at a time; a call
   * back in line meanwhile keeps it parked. On failure the call goes on
   * without this side's video, and {@link warning} says so.
   */
  private unparkCamera(): Promise<void> {
    return (this.unparking ??= this.restartCamera().finally(() => (this.unparking = undefined)));
  }

  private async restartCamera(): Promise<void> {
    const deviceId = this.parkedCamera;
    const stream = this.localStream;
    if (deviceId === undefined || !stream) return;
    try {
      const camera = await navigator.mediaDevices.getUserMedia({ video: deviceId ? { deviceId } : true });
      const track = camera.getVideoTracks()[0];
      if (!track) throw new Error("no video track");
      // The call ended, or went back in line, meanwhile.
      if (this.localStream !== stream || this.status === "queued") return track.stop();
      this.parkedCamera = undefined;
      track.enabled = !this.cameraOff;
      stream.addTrack(track);
      this.peer?.addTrack(track, stream);
    } catch (err) {
      if (this.localStream !== stream) return;
      console.warn("contact-me: could not start the camera", err);
      this.parkedCamera = undefined;
      this.warning = { key: "videoFailed" };
    }
    this.host.requestUpdate();
  }

  /** The room rings the host (`calling`) or puts this call in line (`queued`). */
  private onRinging(callId: string, status: "calling" | "queued", position: number, via: "push" | undefined): void {
    if (!this.adopt(callId, ["calling", "queued"])) return;
    this.position = position;
    this.ringingVia = via;
    this.setStatus(status);
    if (status === "queued") this.parkCamera();
    else void this.unparkCamera();
    this.host.requestUpdate();
  }

  /** Our socket came back: the call goes on if this page still holds it. */
  private onResumed(message: MessageOf<ServerMessage, "resumed">): void {
    if (message.callId !== this.callId || !this.peer) this.send({ type: "hangup", callId: message.callId });
    else {
      this.peerReconnecting = false;
      // Fresh TURN credentials for any later ICE restart.
      if (message.iceServers) this.peer.updateIceServers(message.iceServers);
    }
    this.host.requestUpdate();
  }

  private onEnded(message: MessageOf<ServerMessage, "ended">): void {
    if (message.callId !== this.callId) return;
    if (message.reason === "moved") return this.finish("idle");
    if (message.reason === "failed") this.error = { key: "peerFailed" };
    const status: Partial<Record<typeof message.reason, CallStatus>> = { unavailable: "unavailable", "no-answer": "no-answer", failed: "failed" };
    this.finish(status[message.reason] ?? "ended");
  }

  /**
   * Take `callId` as this side's call when the status is one of `expected`.
   * A call this page does not know (e.g. resumed after a reload, with no
   * media) is hung up.
   */
  private adopt(callId: string, expected: CallStatus[]): boolean {
    if (this.callId === callId || (this.callId === undefined && expected.includes(this.status))) {
      this.callId = callId;
      return true;
    }
    this.send({ type: "hangup", callId });
    return false;
  }

  /**
   * End the call from this side (or leave the line). `reason: "failed"`:
   * the other side is told this side could not connect.
   */
  hangUp(reason?: "failed"): void {
    // Peer to peer first: it arrives even while the room is unreachable.
    const told = this.peer?.sendMessage({ type: "hangup" }) ?? false;
    if (this.callId) this.send({ type: "hangup", callId: this.callId, ...(reason ? { reason } : {}) });
    else if (this.status === "calling") this.send({ type: "cancel" });
    this.finish("ended", told ? HANGUP_LINGER_MS : 0);
  }

  /**
   * The call is moving into a meeting (a teammate is brought in): hands its
   * camera and microphone stream over, for the meeting to send. The call
   * goes on meanwhile; when it ends (see {@link moveOut}, or an `ended`
   * `moved` from the other side) the stream's tracks keep running.
   * `handOver(false)` takes it back (the meeting could not start).
   */
  handOver(give = true): MediaStream | undefined {
    this.handedOver = give && this.localStream !== undefined;
    return this.localStream;
  }

  /**
   * The call went on in a meeting: hang it up (`reason: "moved"`, the other
   * side ends it quietly too) and go back to `idle`, leaving the handed-over
   * stream running.
   */
  moveOut(): void {
    if (this.callId) this.send({ type: "hangup", callId: this.callId, reason: "moved" });
    this.finish("idle");
  }

  /** Back to `idle` after an end state. */
  reset(): void {
    this.teardown();
    this.error = undefined;
    this.setStatus("idle");
  }

  /** Statistics of the current call's peer connection, or null when there is none. */
  async getStats(): Promise<RTCStatsReport | null> {
    return this.peer && !this.peer.closed ? this.peer.getStats() : null;
  }

  hostDisconnected(): void {
    this.promptAnswered();
    this.coolDown();
    globalThis.removeEventListener?.("pagehide", this.onPageHide);
    if (this.live) this.hangUp();
    this.teardown();
  }

  private start(message: MessageOf<ServerMessage, "accepted">): void {
    const { callId, media, polite, peerName } = message;
    this.callId = callId;
    this.media = media;
    this.peerName = peerName;
    this.conversationId = message.conversationId;
    const held = this.heldSignals;
    this.heldSignals = undefined;
    if (held && this.peer && !polite) {
      // Started on Accept: its offer and candidates go now; fresh TURN credentials serve later restarts.
      for (const signal of held) this.send(signal);
      if (message.iceServers) this.peer.updateIceServers(message.iceServers);
    } else {
      this.peer?.close();
      this.openPeer(callId, polite, message.iceServers ?? this.iceServers, message.iceTransportPolicy ?? "all");
      // The host's offer, made while it rang: answered now, before this page renders the call.
      if (message.description) void this.peer!.receive({ description: message.description });
    }
    this.setStatus("connecting");
    this.giveUpConnecting(CONNECT_TIMEOUT_MS);
  }

  /**
   * Build the call's {@link PeerCall} and send this side's media on it. The
   * host's signals are held while {@link heldSignals} is set (see {@link accept}).
   */
  private openPeer(
    callId: string,
    polite: boolean,
    iceServers: RTCIceServer[],
    iceTransportPolicy: RTCIceTransportPolicy,
    prepared?: NonNullable<CallController["prepared"]>,
  ): void {
    this.iceTransportPolicy = iceTransportPolicy;
    const send = (signal: Signal) => {
      if (this.peer !== peer) return;
      const message = { type: "signal", callId, ...signal } as ClientMessage;
      if (this.heldSignals) this.heldSignals.push(message);
      else this.send(message);
    };
    const peer =
      prepared?.peer ??
      new PeerCall({
        polite,
        // The host (impolite) opens negotiation; the visitor answers with its media.
        awaitRemoteOffer: polite,
        iceServers,
        iceTransportPolicy,
        timing: this.timing,
        send,
      });
    prepared?.route(send);
    this.peer = peer;
    this.remoteStream = peer.remoteStream;
    peer.addEventListener("track", () => {
      // The other side turned on its camera: show video.
      if (this.peer === peer && peer.remoteStream.getVideoTracks().length > 0) this.media = "video";
      this.host.requestUpdate();
    });
    peer.addEventListener("statechange", () => {
      if (this.peer !== peer) return;
      if (peer.state === "connected") {
        this.connectedAt ??= Date.now();
        this.startTicker();
        this.setStatus("connected");
      } else if (peer.state === "reconnecting" && this.status === "connected") {
        this.setStatus("reconnecting");
      }
    });
    peer.addEventListener("channelopen", () => this.sendMuteState());
    peer.addEventListener("screen", () => {
      if (this.peer === peer) this.host.requestUpdate();
    });
    peer.addEventListener("message", (event) => {
      if (this.peer !== peer) return;
      const msg = (event as CustomEvent<PeerMessage>).detail;
      if (msg.type === "hangup") {
        this.finish("ended");
      } else if (msg.type === "mute") {
        this.remoteMuted = msg.audio;
        this.remoteCameraOff = msg.video;
        this.host.requestUpdate();
      }
    });
    peer.addEventListener("error", (event) => {
      const error = (event as CustomEvent<PeerCallError>).detail;
      console.warn(`contact-me: ${error.code}: ${error.message}`, error.cause ?? "");
      if (this.peer !== peer || error.code === "ERR_ADD_ICE_CANDIDATE") return;
      this.error = { key: peerErrorKey(error.code, this.iceTransportPolicy) };
      // The call's id, also before `accepted` names it (a host whose peer connection fails while `accept` is on its way):
      // the other side is told this side could not connect, not that it hung up.
      this.send({ type: "hangup", callId, reason: "failed" });
      if (this.callId !== callId) this.failedBeforeAccepted = callId;
      this.finish("failed");
    });
    if (this.localStream && !prepared) peer.addStream(this.localStream);
    // A camera stopped in line and not yet started again: the answer does not wait for it but keeps its place.
    if (this.parkedCamera !== undefined && this.localStream) {
      peer.expectVideo(this.localStream);
      void this.unparkCamera();
    }
  }

  private sendMuteState(): void {
    this.peer?.sendMessage({ type: "mute", audio: this.muted, video: this.cameraOff });
  }

  /** Once a second while connected: re-render the timer; every other tick, read the quality. */
  private startTicker(): void {
    if (this.ticker !== undefined) return;
    this.ticks = 0;
    this.ticker = setInterval(() => {
      this.host.requestUpdate();
      const peer = this.peer;
      if (!peer || ++this.ticks % 2 !== 0) return;
      peer
        .getStats()
        .then((report) => {
          if (this.peer !== peer) return;
          this.quality = this.monitor.update(report);
          this.host.requestUpdate();
        })
        .catch(() => {});
    }, TICK_MS);
  }

  private finish(status: CallStatus, lingerMs = 0): void {
    this.teardown(lingerMs);
    this.setStatus(status);
  }

  private teardown(lingerMs = 0): void {
    this.position = 0;
    this.ringingVia = undefined;
    this.peerReconnecting = this.signalsLost = false;
    this.peer?.close(lingerMs);
    this.peer = undefined;
    this.heldSignals = undefined;
    if (!this.handedOver) this.localStream?.getTracks().forEach((t) => t.stop());
    this.handedOver = false;
    this.localStream = undefined;
    this.screen.stop();
    this.parkedCamera = undefined;
    this.remoteStream = undefined;
    this.callId = undefined;
    clearInterval(this.ticker);
    this.ticker = undefined;
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.connectedAt = undefined;
    this.quality = undefined;
    this.monitor.reset();
    this.muted = this.cameraOff = this.remoteMuted = this.remoteCameraOff = false;
    this.warning = undefined;
  }

  /** The camera/microphone request settled (or was left): no more waiting hint. */
  private promptAnswered(): void {
    clearTimeout(this.promptTimer);
    this.promptTimer = undefined;
    if (this.promptWaiting) this.host.requestUpdate();
    this.promptWaiting = false;
  }

  private setStatus(status: CallStatus): void {
    if (this.status === status) return;
    if (status !== "preparing") this.promptAnswered();
    this.status = status;
    this.host.requestUpdate();
    this.onStatus?.(status);
  }
}
