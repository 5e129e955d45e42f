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
 * without glare: Chromium may never gather candidates for an answer made right
 * after an implicit rollback, leaving the call stuck in "connecting". Later
 * renegotiations (either side adding media) still use the full pattern.
 *
 * ICE candidates that arrive before the remote description are queued and
 * applied once it is set. Every `await` re-checks that the call was not closed
 * meanwhile. Failures are reported as {@link PeerCallError} with stable codes.
 * @module
 */

/** A signal exchanged between the peers: exactly one of the two fields. */
export type Signal =
  | { description: RTCSessionDescriptionInit; candidate?: undefined }
  | { candidate: RTCIceCandidateInit | null; description?: undefined };

/** Stable error codes of {@link PeerCallError}. */
export type PeerCallErrorCode =
  | "ERR_SET_LOCAL_DESCRIPTION"
  | "ERR_SET_REMOTE_DESCRIPTION"
  | "ERR_ADD_ICE_CANDIDATE"
  | "ERR_CONNECTION_FAILED";

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

/** Options of {@link PeerCall}. */
export interface PeerCallOptions {
  /** True for the peer that yields on glare (the visitor). */
  polite: boolean;
  /** STUN/TURN servers (RTCConfiguration.iceServers). */
  iceServers?: RTCIceServer[];
  /** Delivers one signal to the other peer. */
  send: (signal: Signal) => void;
  /**
   * Hold local tracks until the first remote offer and send them in the
   * answer (for the peer that does not open the call). Default false.
   */
  awaitRemoteOffer?: boolean;
}

/**
 * Events: `connectionstatechange` (read {@link PeerCall.connectionState}),
 * `track` (a remote track was added to {@link PeerCall.remoteStream}),
 * `error` (an {@link ErrorEvent}-like `CustomEvent<PeerCallError>`).
 */
export class PeerCall extends EventTarget {
  readonly pc: RTCPeerConnection;
  /** Remote tracks, gathered as they arrive. */
  readonly remoteStream = new MediaStream();
  readonly polite: boolean;
  /** True once {@link close} was called. */
  closed = false;

  private readonly sendSignal: (signal: Signal) => void;
  private makingOffer = false;
  private ignoreOffer = false;
  private isSettingRemoteAnswerPending = false;
  private readonly pendingCandidates: RTCIceCandidateInit[] = [];
  /** Streams held back until the first remote offer; undefined once sent. */
  private heldStreams: MediaStream[] | undefined;
  /** Incoming signals are applied one at a time, in arrival order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(options: PeerCallOptions) {
    super();
    this.polite = options.polite;
    this.sendSignal = options.send;
    if (options.awaitRemoteOffer) this.heldStreams = [];
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers ?? [] });
    this.pc.onnegotiationneeded = () => void this.negotiate();
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate && !this.closed) this.sendSignal({ candidate: candidate.toJSON() });
    };
    this.pc.ontrack = ({ track }) => {
      if (!this.remoteStream.getTrackById(track.id)) this.remoteStream.addTrack(track);
      track.addEventListener("ended", () => this.remoteStream.removeTrack(track));
      this.dispatchEvent(new Event("track"));
    };
    this.pc.onconnectionstatechange = () => {
      if (this.closed) return;
      if (this.pc.connectionState === "failed") {
        this.fail(new PeerCallError("ERR_CONNECTION_FAILED", "The peer connection failed (ICE could not connect)"));
      }
      this.dispatchEvent(new Event("connectionstatechange"));
    };
  }

  /** RTCPeerConnection.connectionState, or `closed` after {@link close}. */
  get connectionState(): RTCPeerConnectionState {
    return this.closed ? "closed" : this.pc.connectionState;
  }

  /**
   * Send every track of `stream` to the peer: at once (triggering
   * negotiation), or with the answer to the first offer under `awaitRemoteOffer`.
   */
  addStream(stream: MediaStream): void {
    if (this.heldStreams) this.heldStreams.push(stream);
    else for (const track of stream.getTracks()) this.pc.addTrack(track, stream);
  }

  /** Apply one signal from the other peer. Never throws; failures emit `error`. */
  receive(signal: Signal): Promise<void> {
    this.queue = this.queue.then(() => this.apply(signal));
    return this.queue;
  }

  /** Statistics of the underlying connection (RTCPeerConnection.getStats). */
  getStats(): Promise<RTCStatsReport> {
    return this.pc.getStats();
  }

  /** Stop negotiating and close the connection. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.onnegotiationneeded = this.pc.onicecandidate = this.pc.ontrack = this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.dispatchEvent(new Event("connectionstatechange"));
  }

  private async negotiate(): Promise<void> {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      if (this.closed) return;
      this.sendSignal({ description: this.pc.localDescription!.toJSON() });
    } catch (err) {
      if (!this.closed) this.fail(new PeerCallError("ERR_SET_LOCAL_DESCRIPTION", "Could not create an offer", err));
    } finally {
      this.makingOffer = false;
    }
  }

  private async apply(signal: Signal): Promise<void> {
    if (this.closed) return;
    if (signal.description) return this.applyDescription(signal.description);
    if (signal.candidate) return this.applyCandidate(signal.candidate);
  }

  private async applyDescription(description: RTCSessionDescriptionInit): Promise<void> {
    const readyForOffer =
      !this.makingOffer && (this.pc.signalingState === "stable" || this.isSettingRemoteAnswerPending);
    const offerCollision = description.type === "offer" && !readyForOffer;
    this.ignoreOffer = !this.polite && offerCollision;
    if (this.ignoreOffer) return;
    try {
      this.isSettingRemoteAnswerPending = description.type === "answer";
      await this.pc.setRemoteDescription(description); // rolls back our offer on glare
      this.isSettingRemoteAnswerPending = false;
      if (this.closed) return;
    } catch (err) {
      this.isSettingRemoteAnswerPending = false;
      if (!this.closed) this.fail(new PeerCallError("ERR_SET_REMOTE_DESCRIPTION", `Could not apply the remote ${description.type}`, err));
      return;
    }
    await this.flushCandidates();
    if (this.closed || description.type !== "offer") return;
    const held = this.heldStreams;
    this.heldStreams = undefined;
    // addTrack reuses the transceivers the offer created, so the answer carries our media.
    for (const stream of held ?? []) for (const track of stream.getTracks()) this.pc.addTrack(track, stream);
    try {
      await this.pc.setLocalDescription();
      if (this.closed) return;
      this.sendSignal({ description: this.pc.localDescription!.toJSON() });
    } catch (err) {
      if (!this.closed) this.fail(new PeerCallError("ERR_SET_LOCAL_DESCRIPTION", "Could not create an answer", err));
    }
  }

  private async applyCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (err) {
      // Candidates of an offer we ignored (glare, impolite side) are expected to fail.
      if (!this.ignoreOffer && !this.closed) {
        this.fail(new PeerCallError("ERR_ADD_ICE_CANDIDATE", "Could not apply a remote ICE candidate", err));
      }
    }
  }

  private async flushCandidates(): Promise<void> {
    while (this.pendingCandidates.length > 0 && !this.closed) {
      await this.applyCandidate(this.pendingCandidates.shift()!);
    }
  }

  private fail(error: PeerCallError): void {
    this.dispatchEvent(new CustomEvent("error", { detail: error }));
  }
}
