/**
 * One peer-to-peer call: an RTCPeerConnection driven by the W3C webrtc-pc
 * "perfect negotiation" pattern
 * (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example).
 *
 * The class knows nothing of the transport: it hands outgoing signals to the
 * `send` callback and takes incoming ones through {@link PeerCall.receive}.
 * Both peers run the same code; `polite` decides who yields on glare (both
 * sides offering at once): the polite peer rolls back its own offer, the
 * impolite one ignores the colliding offer.
 *
 * With `awaitRemoteOffer`, local tracks are held until the other peer's first
 * offer and attached while answering it, so a call that one side opens starts
 * without glare: on a first connection, Chromium may never gather candidates
 * for an answer made right after an implicit rollback, and Firefox may never
 * finish the DTLS handshake (ICE connected, DTLS `connecting`), leaving the
 * call stuck in "connecting". Later renegotiations (either side adding media)
 * still use the full pattern.
 *
 * No codec preference is set (no `setCodecPreferences`): each side offers
 * what its browser has and the answer picks, so VP8 and H.264 are both
 * acceptable — Safari, Chromium and Firefox meet on either.
 *
 * ICE candidates that arrive before the remote description are queued and
 * applied once it is set. Every `await` re-checks that the call was not closed
 * meanwhile. Failures are reported as {@link PeerCallError} with stable codes.
 *
 * Recovery, once the call has connected (see {@link RecoveryTiming}):
 * 1. the connection goes `failed`, or stays `disconnected` for 5 s: an ICE
 *    restart (RTCPeerConnection.restartIce(), RFC 8445 §9) — new ICE
 *    credentials and candidates, same DTLS session and tracks;
 * 2. not connected again 10 s later: a full renegotiation on a fresh
 *    RTCPeerConnection (signals then carry the next `generation`);
 * 3. not connected 15 s after that: `ERR_CONNECTION_FAILED`.
 * The impolite peer drives steps 1 and 2; the polite one restarts ICE itself
 * only if no offer came from the other side within 2 s.
 *
 * A control RTCDataChannel (label `contact-me`, opened by the impolite peer)
 * carries {@link PeerMessage}s (hang-up, mute state, screen sharing) peer to
 * peer, so they work while the signaling server is unreachable.
 *
 * Screen sharing ({@link PeerCall.shareScreen}): either peer sends a
 * `getDisplayMedia` track (W3C Screen Capture) beside its camera, in a
 * MediaStream of its own whose id it announces with a `screen` message; the
 * receiver keeps that stream's track out of {@link PeerCall.remoteStream} and
 * shows it as {@link PeerCall.remoteScreen}. The first share adds a sender
 * (renegotiated by perfect negotiation); stopping sets its track to null and
 * sharing again replaces it (RTCRtpSender.replaceTrack): no renegotiation, and
 * the camera and the call go on throughout. The same holds for each pair of a
 * meeting, one PeerCall per pair.
 * @module
 */
import { CONTROL_CHANNEL, parsePeerMessage, type PeerMessage } from "../../protocol/socket.ts";

/** A signal exchanged between the peers: exactly one of the two fields. */
export type Signal = (
  | { description: RTCSessionDescriptionInit; candidate?: undefined }
  | { candidate: RTCIceCandidateInit | null; description?: undefined }
) & {
  /** Which RTCPeerConnection of the call it belongs to (0 first; +1 per full renegotiation). */
  generation?: number;
};

/** Stable error codes of {@link PeerCallError}. */
export type PeerCallErrorCode =
  | "ERR_SET_LOCAL_DESCRIPTION"
  | "ERR_SET_REMOTE_DESCRIPTION"
  | "ERR_ADD_ICE_CANDIDATE"
  | "ERR_CONNECTION_FAILED"
  | "ERR_NO_CANDIDATES"
  | "ERR_REPLACE_TRACK";

/** A negotiation or connection failure. */
export class PeerCallError extends Error {
  constructor(
    readonly code: PeerCallErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "PeerCallError";
  }
}

/** How long each recovery step may take, in ms. */
export interface RecoveryTiming {
  /** `disconnected` for this long starts an ICE restart. Default 5000. */
  disconnectedMs: number;
  /** An ICE restart not connected within this falls back to a full renegotiation. Default 10000. */
  iceRestartMs: number;
  /** A full renegotiation not connected within this fails the call. Default 15000. */
  renegotiateMs: number;
  /** The polite peer restarts ICE itself when no offer arrived within this. Default 2000. */
  politeRestartDelayMs: number;
}

export const DEFAULT_RECOVERY_TIMING: RecoveryTiming = {
  disconnectedMs: 5000,
  iceRestartMs: 10000,
  renegotiateMs: 15000,
  politeRestartDelayMs: 2000,
};

/** Options of {@link PeerCall}. */
export interface PeerCallOptions {
  /** True for the peer that yields on glare (the visitor). */
  polite: boolean;
  /** STUN/TURN servers (RTCConfiguration.iceServers). */
  iceServers?: RTCIceServer[];
  /** RTCConfiguration.iceTransportPolicy: `relay` uses TURN-relayed candidates only. Default `all`. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Delivers one signal to the other peer. */
  send: (signal: Signal) => void;
  /**
   * Hold local tracks until the first remote offer and send them in the
   * answer (for the peer that does not open the call). Default false.
   */
  awaitRemoteOffer?: boolean;
  /** Recovery timings; tests shorten them. */
  timing?: Partial<RecoveryTiming>;
}

/**
 * Where the call stands:
 * `connecting` (first connection), `connected`, `reconnecting` (recovering
 * after a drop: ICE restart, then full renegotiation), `closed`.
 * Failure is reported through the `error` event.
 */
export type PeerCallState = "connecting" | "connected" | "reconnecting" | "closed";

/** Which recovery step is under way. */
export type Recovery = "none" | "ice-restart" | "renegotiation";

/**
 * Events: `statechange` (read {@link PeerCall.state}), `connectionstatechange`
 * (read {@link PeerCall.connectionState}), `track` (the remote tracks in
 * {@link PeerCall.remoteStream} changed), `screen` (the other side started or
 * stopped sharing its screen, or its screen track arrived: read
 * {@link PeerCall.remoteScreen}), `message` (a
 * `CustomEvent<PeerMessage>` from the control channel), `channelopen` (the
 * control channel opened), `error` (a `CustomEvent<PeerCallError>`).
 */
export class PeerCall extends EventTarget {
  /** Remote tracks, gathered as they arrive. */
  readonly remoteStream = new MediaStream();
  readonly polite: boolean;
  /** True once {@link close} was called. */
  closed = false;
  /** Which RTCPeerConnection this is (0 first; +1 per full renegotiation). */
  generation = 0;
  /** The recovery step under way. */
  recovery: Recovery = "none";
  /** How many ICE restarts and full renegotiations were started. */
  readonly restarts = { ice: 0, full: 0 };

  /** The other side's screen tracks (announced by `screen` messages), kept apart from {@link remoteStream}. */
  private readonly remoteScreenStream = new MediaStream();
  /** Ids of the streams the other side announced as its screen. */
  private readonly remoteScreenIds = new Set<string>();
  /** The other side said it shares its screen (and has not said it stopped). */
  private remoteSharing = false;
  /** Stream id of each remote track (RTCTrackEvent.streams[0].id: the sender's `a=msid`). */
  private readonly trackStreams = new WeakMap<MediaStreamTrack, string>();
  /** This side's screen: holds the shared track while sharing; one stream (one id) for the whole call. */
  private screen: MediaStream | undefined;
  /** The sender of {@link screen} on the current connection. */
  private screenSender: RTCRtpSender | undefined;

  private current: RTCPeerConnection;
  private readonly sendSignal: (signal: Signal) => void;
  private readonly timing: RecoveryTiming;
  private iceServers: RTCIceServer[];
  private readonly iceTransportPolicy: RTCIceTransportPolicy;
  private makingOffer = false;
  private ignoreOffer = false;
  private isSettingRemoteAnswerPending = false;
  private pendingCandidates: RTCIceCandidateInit[] = [];
  /** Streams held back until the first remote offer; undefined once sent. */
  private heldStreams: MediaStream[] | undefined;
  /** A stream whose camera is still starting when the first answer goes (see {@link expectVideo}). */
  private videoExpected: MediaStream | undefined;
  /** The sender the answer kept for that camera: {@link addTrack} fills it, no renegotiation. */
  private videoSlot: { sender: RTCRtpSender; stream: MediaStream } | undefined;
  /** Every local stream given, with its current tracks: re-sent on a fresh connection. */
  private readonly localStreams = new Set<MediaStream>();
  /** Incoming signals are applied one at a time, in arrival order. */
  private queue: Promise<void> = Promise.resolve();
  private channel: RTCDataChannel | undefined;
  private everConnected = false;
  private lastState: PeerCallState = "connecting";
  private disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private recoveryTimer: ReturnType<typeof setTimeout> | undefined;
  private politeTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the last remote offer was applied (ms), so the polite peer does not restart twice. */
  private lastRemoteOfferAt = 0;
  /** Local candidates gathered since gathering last started. */
  private gathered = 0;
  /** The last `icecandidateerror` (e.g. a TURN server refusing credentials, RFC 8489 §6.3.4). */
  private lastCandidateError = "";

  constructor(options: PeerCallOptions) {
    super();
    this.polite = options.polite;
    this.sendSignal = options.send;
    this.timing = { ...DEFAULT_RECOVERY_TIMING, ...options.timing };
    this.iceServers = options.iceServers ?? [];
    this.iceTransportPolicy = options.iceTransportPolicy ?? "all";
    if (options.awaitRemoteOffer) this.heldStreams = [];
    this.current = this.build();
  }

  /** The current RTCPeerConnection (replaced by a full renegotiation). */
  get pc(): RTCPeerConnection {
    return this.current;
  }

  /** RTCPeerConnection.connectionState, or `closed` after {@link close}. */
  get connectionState(): RTCPeerConnectionState {
    return this.closed ? "closed" : this.current.connectionState;
  }

  /** Where the call stands; see {@link PeerCallState}. */
  get state(): PeerCallState {
    return this.lastState;
  }

  /** True while the control channel is open. */
  get channelOpen(): boolean {
    return this.channel?.readyState === "open";
  }

  /**
   * The other side's shared screen: a MediaStream with one video track, while
   * it shares and once its track has arrived; undefined otherwise.
   */
  get remoteScreen(): MediaStream | undefined {
    return this.remoteSharing && this.remoteScreenStream.getVideoTracks().length > 0 ? this.remoteScreenStream : undefined;
  }

  /** True while this side shares its screen ({@link shareScreen} … {@link stopScreen}). */
  get sharingScreen(): boolean {
    return (this.screen?.getVideoTracks().length ?? 0) > 0;
  }

  /**
   * Share a screen: send `track` (a video track from
   * `navigator.mediaDevices.getDisplayMedia()`, W3C Screen Capture §5) beside
   * the camera, announced to the other side by a `screen` {@link PeerMessage}
   * first. The first share adds a sender, which renegotiates (perfect
   * negotiation); a later one, or a switch to another screen, replaces the
   * sender's track without renegotiation. The caller owns the track (stops it).
   * @throws PeerCallError `ERR_REPLACE_TRACK` when the browser refuses the new track
   */
  async shareScreen(track: MediaStreamTrack): Promise<void> {
    if (this.closed) return;
    const screen = (this.screen ??= new MediaStream());
    for (const previous of screen.getTracks()) screen.removeTrack(previous);
    screen.addTrack(track);
    this.localStreams.add(screen);
    this.sendMessage({ type: "screen", stream: screen.id });
    const sender = this.screenSender;
    if (!sender || !this.current.getSenders().includes(sender)) {
      if (this.heldStreams) {
        if (!this.heldStreams.includes(screen)) this.heldStreams.push(screen);
      } else this.sendTrack(track, screen);
      return;
    }
    try {
      await sender.replaceTrack(track);
    } catch (err) {
      throw new PeerCallError("ERR_REPLACE_TRACK", "Could not share the screen", err);
    }
  }

  /**
   * Stop sending the screen: the other side is told (`screen`, `stream:
   * null`) and the sender's track is set to null (kept for the next share,
   * no renegotiation). The caller stops the track itself. No-op when not sharing.
   */
  stopScreen(): void {
    const screen = this.screen;
    if (!screen || screen.getTracks().length === 0) return;
    for (const track of screen.getTracks()) screen.removeTrack(track);
    this.localStreams.delete(screen);
    if (this.heldStreams) this.heldStreams = this.heldStreams.filter((s) => s !== screen);
    this.sendMessage({ type: "screen", stream: null });
    if (this.screenSender && !this.closed) void this.screenSender.replaceTrack(null).catch(() => {});
  }

  /**
   * Send every track of `stream` to the peer: at once (triggering
   * negotiation), or with the answer to the first offer under `awaitRemoteOffer`.
   */
  addStream(stream: MediaStream): void {
    this.localStreams.add(stream);
    if (this.heldStreams) return void this.heldStreams.push(stream);
    this.openChannel();
    for (const track of stream.getTracks()) this.sendTrack(track, stream);
    // The opening peer makes its offer now rather than a task later, when `negotiationneeded` fires
    // (behind whatever the page is rendering); that event then finds the offer under way and passes.
    if (!this.polite) void this.negotiate();
  }

  /** RTCPeerConnection.addTrack on the current connection, noting the screen's sender. */
  private sendTrack(track: MediaStreamTrack, stream: MediaStream, pc = this.current): void {
    const sender = pc.addTrack(track, stream);
    if (stream === this.screen) this.screenSender = sender;
  }

  /**
   * Under `awaitRemoteOffer`: the camera of `stream` is still starting (e.g.
   * again once the call is accepted). The first answer does not wait for it:
   * when `stream` has no video track by then, the answer takes the offer's
   * video as send-and-receive with no track yet (RTCRtpTransceiver.direction
   * `sendrecv`, W3C webrtc-pc §5.4), and {@link addTrack} of the camera then
   * fills that sender (RTCRtpSender.replaceTrack), with no renegotiation.
   */
  expectVideo(stream: MediaStream): void {
    if (this.heldStreams) this.videoExpected = stream;
  }

  /**
   * Send one more track (e.g. the camera when an audio call turns to video);
   * renegotiates through the perfect-negotiation pattern.
   * @param stream the local stream it belongs to (already holding `track`)
   */
  addTrack(track: MediaStreamTrack, stream: MediaStream): void {
    this.localStreams.add(stream);
    if (this.heldStreams) {
      if (!this.heldStreams.includes(stream)) this.heldStreams.push(stream);
      return;
    }
    const slot = this.videoSlot;
    if (slot && track.kind === "video" && slot.stream === stream && this.current.getSenders().includes(slot.sender)) {
      this.videoSlot = undefined;
      void slot.sender.replaceTrack(track).catch((err) => {
        if (!this.closed) this.fail(new PeerCallError("ERR_REPLACE_TRACK", "Could not send the camera", err));
      });
      return;
    }
    this.sendTrack(track, stream);
  }

  /**
   * Swap the track a sender carries (another microphone or camera) without
   * renegotiation (RTCRtpSender.replaceTrack, W3C webrtc-pc §5.2).
   * @throws PeerCallError `ERR_REPLACE_TRACK` when the browser refuses it
   */
  async replaceTrack(previous: MediaStreamTrack, next: MediaStreamTrack): Promise<void> {
    const sender = this.current.getSenders().find((s) => s.track === previous);
    if (!sender || this.closed) return; // not sent yet: the caller's stream already holds `next`
    try {
      await sender.replaceTrack(next);
    } catch (err) {
      throw new PeerCallError("ERR_REPLACE_TRACK", "Could not switch the device", err);
    }
  }

  /** Apply one signal from the other peer. Never throws; failures emit `error`. */
  receive(signal: Signal): Promise<void> {
    this.queue = this.queue.then(() => this.apply(signal));
    return this.queue;
  }

  /** Send one frame on the control channel. Returns false when it is not open. */
  sendMessage(message: PeerMessage): boolean {
    if (this.closed || this.channel?.readyState !== "open") return false;
    try {
      this.channel.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  /** Use new ICE servers (e.g. fresh TURN credentials) for later gathering. */
  updateIceServers(iceServers: RTCIceServer[]): void {
    this.iceServers = iceServers;
    if (this.closed) return;
    try {
      this.current.setConfiguration({ ...this.current.getConfiguration(), iceServers });
    } catch {
      // A configuration the browser refuses keeps the old servers.
    }
  }

  /** Statistics of the underlying connection (RTCPeerConnection.getStats). */
  getStats(): Promise<RTCStatsReport> {
    return this.current.getStats();
  }

  /**
   * Start recovering now, as if the connection had failed: an ICE restart,
   * then a full renegotiation. No-op before the first connection or while
   * already recovering.
   */
  recover(): void {
    if (this.closed || !this.everConnected || this.recovery !== "none") return;
    clearTimeout(this.disconnectTimer);
    this.recovery = "ice-restart";
    this.setState("reconnecting");
    this.recoveryTimer = setTimeout(() => this.renegotiate(), this.timing.iceRestartMs);
    const started = Date.now();
    const restart = () => {
      if (this.closed || this.recovery !== "ice-restart") return;
      this.restarts.ice++;
      this.current.restartIce();
    };
    if (!this.polite) restart();
    else {
      this.politeTimer = setTimeout(() => {
        if (this.lastRemoteOfferAt < started && this.current.connectionState !== "connected") restart();
      }, this.timing.politeRestartDelayMs);
    }
  }

  /**
   * Start over on a fresh RTCPeerConnection (the next {@link generation}),
   * whether or not the call ever connected: for a meeting's pair whose
   * signals went astray (e.g. an offer sent while the other side's socket was
   * being replaced), so that it would otherwise wait for ever. Only the
   * impolite peer starts over; the polite one follows when the new
   * generation's offer arrives. No-op when closed, polite or connected.
   */
  restart(): void {
    if (this.closed || this.polite || this.lastState === "connected") return;
    this.clearTimers();
    this.recovery = "none";
    this.rebuild(this.generation + 1, false);
  }

  /**
   * Stop negotiating and close the connection. Idempotent.
   * @param lingerMs keep the transport open this long (ms) so a last control
   *   message (hang-up) can leave; nothing is received or sent meanwhile
   */
  close(lingerMs = 0): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    const pc = this.current;
    this.detach(pc);
    if (lingerMs > 0) setTimeout(() => pc.close(), lingerMs);
    else pc.close();
    this.setState("closed");
    this.dispatchEvent(new Event("connectionstatechange"));
  }

  // ------------------------------------------------------------------ connection

  private build(): RTCPeerConnection {
    // max-bundle: one transport for audio, video and data from the first offer, so candidates are
    // gathered (and trickled) once rather than once per m-line (RFC 9143; every current browser bundles).
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy, bundlePolicy: "max-bundle" });
    const mine = () => pc === this.current && !this.closed;
    this.gathered = 0;
    // Not while an offer is being made or awaits its answer: the browser fires the event again
    // once stable if the offer did not cover what changed (W3C webrtc-pc §4.7.3).
    pc.onnegotiationneeded = () => void (mine() && !this.makingOffer && pc.signalingState === "stable" && this.negotiate());
    pc.onicecandidate = ({ candidate }) => {
      if (!mine()) return;
      if (candidate) {
        this.gathered++;
        this.sendSignal({ candidate: candidate.toJSON(), ...this.tag() });
      }
    };
    pc.onicecandidateerror = (event) => {
      const e = event as RTCPeerConnectionIceErrorEvent;
      if (mine()) this.lastCandidateError = `${e.url ?? ""} ${e.errorCode} ${e.errorText ?? ""}`.trim();
    };
    pc.onicegatheringstatechange = () => {
      if (!mine()) return;
      if (pc.iceGatheringState === "complete" && this.gathered === 0 && !this.everConnected) {
        const why = this.lastCandidateError ? ` (${this.lastCandidateError})` : "";
        this.fail(
          new PeerCallError(
            "ERR_NO_CANDIDATES",
            this.iceTransportPolicy === "relay"
              ? `Could not get a relay address from the TURN server${why}`
              : `Found no network address to connect from${why}`,
          ),
        );
      }
    };
    pc.ontrack = ({ track, streams }) => {
      if (!mine()) return;
      const streamId = streams[0]?.id;
      if (streamId) this.trackStreams.set(track, streamId);
      const screen = this.place(track);
      track.addEventListener("ended", () => {
        this.remoteStream.removeTrack(track);
        this.remoteScreenStream.removeTrack(track);
        this.dispatchEvent(new Event("track"));
        this.dispatchEvent(new Event("screen"));
      });
      this.dispatchEvent(new Event(screen ? "screen" : "track"));
    };
    pc.ondatachannel = ({ channel }) => {
      if (mine() && channel.label === CONTROL_CHANNEL) this.attachChannel(channel);
    };
    pc.onconnectionstatechange = () => {
      if (!mine()) return;
      this.onConnectionState(pc.connectionState);
      this.dispatchEvent(new Event("connectionstatechange"));
    };
    return pc;
  }

  private onConnectionState(state: RTCPeerConnectionState): void {
    if (state === "connected") {
      this.everConnected = true;
      this.recovery = "none";
      this.clearTimers();
      this.setState("connected");
    } else if (state === "failed") {
      if (!this.everConnected) {
        this.fail(new PeerCallError("ERR_CONNECTION_FAILED", "The peer connection failed (ICE could not connect)"));
      } else if (this.recovery === "none") this.recover();
    } else if (state === "disconnected" && this.everConnected && this.recovery === "none") {
      this.setState("reconnecting");
      clearTimeout(this.disconnectTimer);
      this.disconnectTimer = setTimeout(() => {
        if (this.current.connectionState === "disconnected") this.recover();
      }, this.timing.disconnectedMs);
    }
  }

  /** Step 2 of recovery: a fresh RTCPeerConnection, negotiated from scratch. */
  private renegotiate(): void {
    if (this.closed) return;
    this.enterRenegotiation();
    // The impolite peer opens the new connection; the polite one waits for its offer.
    if (!this.polite) this.rebuild(this.generation + 1, false);
  }

  /** Give a full renegotiation {@link RecoveryTiming.renegotiateMs} to connect, then fail. */
  private enterRenegotiation(): void {
    this.recovery = "renegotiation";
    this.setState("reconnecting");
    this.clearTimers();
    this.recoveryTimer = setTimeout(
      () => this.fail(new PeerCallError("ERR_CONNECTION_FAILED", "The connection was lost and could not be restored")),
      this.timing.renegotiateMs,
    );
  }

  /**
   * Replace the RTCPeerConnection with a fresh one at `generation`.
   * @param answering true when the other peer's offer for it is arriving
   *   (tracks are held and sent with the answer, as on the first call set-up)
   */
  private rebuild(generation: number, answering: boolean): void {
    this.restarts.full++;
    const old = this.current;
    this.detach(old);
    old.close();
    this.channel = undefined;
    this.generation = generation;
    this.makingOffer = this.ignoreOffer = this.isSettingRemoteAnswerPending = false;
    this.pendingCandidates = [];
    this.videoSlot = undefined;
    this.screenSender = undefined;
    for (const track of this.remoteStream.getTracks()) this.remoteStream.removeTrack(track);
    for (const track of this.remoteScreenStream.getTracks()) this.remoteScreenStream.removeTrack(track);
    this.dispatchEvent(new Event("track"));
    this.dispatchEvent(new Event("screen"));
    this.current = this.build();
    if (answering) {
      this.heldStreams = [...this.localStreams];
    } else {
      this.heldStreams = undefined;
      this.openChannel();
      for (const stream of this.localStreams) for (const track of stream.getTracks()) this.sendTrack(track, stream);
    }
  }

  private detach(pc: RTCPeerConnection): void {
    pc.onnegotiationneeded = pc.onicecandidate = pc.onicecandidateerror = pc.onicegatheringstatechange = null;
    pc.ontrack = pc.ondatachannel = pc.onconnectionstatechange = null;
  }

  /**
   * The impolite peer opens the control channel, together with its first
   * tracks so that one offer carries both; the polite peer receives it.
   */
  private openChannel(): void {
    if (!this.polite && !this.channel) this.attachChannel(this.current.createDataChannel(CONTROL_CHANNEL));
  }

  private attachChannel(channel: RTCDataChannel): void {
    this.channel = channel;
    channel.onopen = () => {
      if (this.channel !== channel || this.closed) return;
      // A fresh connection (full renegotiation) tells the screen again.
      if (this.sharingScreen) this.sendMessage({ type: "screen", stream: this.screen!.id });
      this.dispatchEvent(new Event("channelopen"));
    };
    channel.onmessage = ({ data }) => {
      if (this.channel !== channel || this.closed) return;
      const parsed = parsePeerMessage(data as string | ArrayBuffer);
      if (!parsed.ok) return;
      if (parsed.message.type === "screen") this.onRemoteScreen(parsed.message.stream);
      this.dispatchEvent(new CustomEvent<PeerMessage>("message", { detail: parsed.message }));
    };
  }

  /**
   * Put a remote track in {@link remoteScreenStream} when its stream was
   * announced as the other side's screen, else in {@link remoteStream}.
   * @returns true for a screen track
   */
  private place(track: MediaStreamTrack): boolean {
    const streamId = this.trackStreams.get(track);
    const screen = streamId !== undefined && this.remoteScreenIds.has(streamId);
    const [to, from] = screen ? [this.remoteScreenStream, this.remoteStream] : [this.remoteStream, this.remoteScreenStream];
    from.removeTrack(track);
    if (!to.getTrackById(track.id)) to.addTrack(track);
    return screen;
  }

  /** A `screen` message: the other side shares the stream `streamId`, or (null) stopped sharing. */
  private onRemoteScreen(streamId: string | null): void {
    this.remoteSharing = streamId !== null;
    if (streamId !== null && !this.remoteScreenIds.has(streamId)) {
      this.remoteScreenIds.add(streamId);
      // Its track may have come first (the offer can outrun the data channel).
      const moved = this.remoteStream.getTracks().filter((t) => this.trackStreams.get(t) === streamId);
      for (const track of moved) this.place(track);
      if (moved.length > 0) this.dispatchEvent(new Event("track"));
    }
    this.dispatchEvent(new Event("screen"));
  }

  private tag(): { generation?: number } {
    return this.generation ? { generation: this.generation } : {};
  }

  // ------------------------------------------------------------------ negotiation

  private async negotiate(): Promise<void> {
    if (this.closed) return;
    const pc = this.current;
    try {
      this.makingOffer = true;
      await pc.setLocalDescription();
      if (this.closed || pc !== this.current) return;
      this.sendSignal({ description: pc.localDescription!.toJSON(), ...this.tag() });
    } catch (err) {
      if (!this.closed && pc === this.current) this.fail(new PeerCallError("ERR_SET_LOCAL_DESCRIPTION", "Could not create an offer", err));
    } finally {
      if (pc === this.current) this.makingOffer = false;
    }
  }

  private async apply(signal: Signal): Promise<void> {
    if (this.closed) return;
    const generation = signal.generation ?? 0;
    if (generation < this.generation) return; // for a connection already replaced
    if (generation > this.generation) {
      // The other peer started a full renegotiation (recovering), or started over before any connection ({@link restart}).
      if (this.everConnected && this.recovery !== "renegotiation") this.enterRenegotiation();
      this.rebuild(generation, true);
    }
    if (signal.description) return this.applyDescription(signal.description);
    if (signal.candidate) return this.applyCandidate(signal.candidate);
  }

  private async applyDescription(description: RTCSessionDescriptionInit): Promise<void> {
    const pc = this.current;
    const readyForOffer = !this.makingOffer && (pc.signalingState === "stable" || this.isSettingRemoteAnswerPending);
    const offerCollision = description.type === "offer" && !readyForOffer;
    this.ignoreOffer = !this.polite && offerCollision;
    if (this.ignoreOffer) return;
    try {
      this.isSettingRemoteAnswerPending = description.type === "answer";
      await pc.setRemoteDescription(description); // rolls back our offer on glare
      this.isSettingRemoteAnswerPending = false;
      if (this.closed || pc !== this.current) return;
    } catch (err) {
      this.isSettingRemoteAnswerPending = false;
      if (!this.closed && pc === this.current) {
        this.fail(new PeerCallError("ERR_SET_REMOTE_DESCRIPTION", `Could not apply the remote ${description.type}`, err));
      }
      return;
    }
    if (description.type === "offer") this.lastRemoteOfferAt = Date.now();
    await this.flushCandidates();
    if (this.closed || pc !== this.current) return;
    if (description.type === "answer") return this.checkRestored();
    const held = this.heldStreams;
    this.heldStreams = undefined;
    // addTrack reuses the transceivers the offer created, so the answer carries our media.
    for (const stream of held ?? []) for (const track of stream.getTracks()) this.sendTrack(track, stream, pc);
    const waiting = this.videoExpected;
    this.videoExpected = undefined;
    if (held && waiting && waiting.getVideoTracks().length === 0) this.keepVideoSlot(pc, waiting);
    try {
      await pc.setLocalDescription();
      if (this.closed || pc !== this.current) return;
      this.sendSignal({ description: pc.localDescription!.toJSON(), ...this.tag() });
      this.checkRestored();
    } catch (err) {
      if (!this.closed && pc === this.current) this.fail(new PeerCallError("ERR_SET_LOCAL_DESCRIPTION", "Could not create an answer", err));
    }
  }

  /** Answer the offer's unused video as `sendrecv` with no track yet, for {@link expectVideo}'s camera. */
  private keepVideoSlot(pc: RTCPeerConnection, stream: MediaStream): void {
    const transceiver = pc
      .getTransceivers()
      .find((t) => t.mid !== null && t.receiver.track.kind === "video" && !t.sender.track && t.direction !== "stopped" && t.sender !== this.screenSender);
    if (!transceiver) return;
    transceiver.direction = "sendrecv";
    // Under the stream's id (a=msid), so the other side finds the video beside this side's audio.
    transceiver.sender.setStreams?.(stream);
    this.videoSlot = { sender: transceiver.sender, stream };
  }

  /**
   * After an ICE restart's offer/answer, the connection may never have left
   * `connected` (only one side saw trouble): then it is restored.
   */
  private checkRestored(): void {
    if (this.recovery === "ice-restart" && this.current.signalingState === "stable" && this.current.connectionState === "connected") {
      this.onConnectionState("connected");
    }
  }

  private async applyCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    const pc = this.current;
    if (!pc.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    try {
      await pc.addIceCandidate(candidate);
    } catch (err) {
      // Candidates of an offer we ignored (glare, impolite side), or of an ICE
      // generation already replaced (other ufrag), are expected to fail.
      const stale = candidate.usernameFragment && !pc.remoteDescription?.sdp.includes(`a=ice-ufrag:${candidate.usernameFragment}\r\n`);
      if (!this.ignoreOffer && !stale && !this.closed && pc === this.current) {
        this.fail(new PeerCallError("ERR_ADD_ICE_CANDIDATE", "Could not apply a remote ICE candidate", err));
      }
    }
  }

  private async flushCandidates(): Promise<void> {
    const pc = this.current;
    while (this.pendingCandidates.length > 0 && !this.closed && pc === this.current) {
      await this.applyCandidate(this.pendingCandidates.shift()!);
    }
  }

  // ------------------------------------------------------------------ state

  private setState(state: PeerCallState): void {
    if (this.lastState === state) return;
    this.lastState = state;
    this.dispatchEvent(new Event("statechange"));
  }

  private clearTimers(): void {
    clearTimeout(this.disconnectTimer);
    clearTimeout(this.recoveryTimer);
    clearTimeout(this.politeTimer);
  }

  private fail(error: PeerCallError): void {
    if (error.code === "ERR_CONNECTION_FAILED" || error.code === "ERR_NO_CANDIDATES") this.clearTimers();
    this.dispatchEvent(new CustomEvent("error", { detail: error }));
  }
}
