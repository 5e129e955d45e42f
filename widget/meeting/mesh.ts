/**
 * The media of a meeting: a full mesh of peer connections, one
 * {@link PeerCall} per pair of admitted participants, each negotiated with the
 * same perfect-negotiation code as a one-to-one call (W3C webrtc-pc §10.7).
 *
 * Politeness is decided by a stable rule both ends compute alike: of two
 * participants, the one whose id sorts first is the polite peer (it yields on
 * glare and waits for the other's first offer, so a new pair starts with one
 * offer and no rollback).
 *
 * Bandwidth and CPU: each sender's video is capped with
 * `RTCRtpSender.setParameters` (W3C webrtc-pc §5.2) as the meeting grows —
 * see {@link videoCapFor} — since in a mesh every participant encodes and
 * uploads one copy per other participant, and decodes one from each.
 *
 * A pair not connected within {@link PAIR_CONNECT_MS} that is stuck (a
 * signal lost while a socket was being replaced, ICE failing) is started over
 * on a fresh peer connection by its impolite peer (`PeerCall.restart`), and
 * looked at again after twice as long each time, up to
 * {@link PAIR_RETRY_MAX_MS} apart: no tile stays "Connecting…" for good
 * while both are in the meeting.
 *
 * Active speaker: every {@link SPEAKER_POLL_MS} the mesh reads the
 * `audioLevel` (0 … 1) of the last packet each pair's audio receiver got
 * (`RTCRtpReceiver.getSynchronizationSources()`, W3C webrtc-pc §5.3.4; the
 * level the sender put in the RFC 6464 header extension) and names the
 * loudest above {@link SPEAKING_LEVEL}. Unlike a stats report (`getStats`),
 * it is read at once, without gathering every statistic of the connection,
 * which in a meeting of five would be ten reports a second per page.
 * @module
 */
import type { IceServer } from "../../protocol/socket.ts";
import { PeerCall, type Signal } from "../call/peer-call.ts";

/** How often audio levels are read for the active speaker, in ms. */
export const SPEAKER_POLL_MS = 400;
/** `audioLevel` (0 … 1) above which a participant counts as speaking. */
export const SPEAKING_LEVEL = 0.01;
/** How long a pair may take to connect before its impolite peer looks whether it is stuck, in ms. */
export const PAIR_CONNECT_MS = 20_000;
/** The longest wait between two starts of a pair that will not connect, in ms. */
export const PAIR_RETRY_MAX_MS = 80_000;

/** Fields of `RTCRtpEncodingParameters` (W3C webrtc-pc §5.2.1) a meeting sets on each camera sender. */
export interface VideoCap {
  /** Bits per second. */
  maxBitrate: number;
  /** Frames per second. */
  maxFramerate: number;
  /** The camera's width and height are divided by this (1: full size). */
  scaleResolutionDownBy: number;
}

/**
 * What each camera sender of a meeting of `size` people is held to. Each
 * participant sends and receives one copy per other participant, so the caps
 * come down as the meeting grows: full size at 30 fps up to three people
 * (1.5 Mbps between two, 1 Mbps at three), then 700 kbps at two thirds of
 * the size and 20 fps at four, 500 kbps at half the size and 15 fps at five.
 * A shared screen keeps its size and rate and is held to `maxBitrate` only.
 */
export function videoCapFor(size: number): VideoCap {
  if (size <= 2) return { maxBitrate: 1_500_000, maxFramerate: 30, scaleResolutionDownBy: 1 };
  if (size === 3) return { maxBitrate: 1_000_000, maxFramerate: 30, scaleResolutionDownBy: 1 };
  if (size === 4) return { maxBitrate: 700_000, maxFramerate: 20, scaleResolutionDownBy: 1.5 };
  return { maxBitrate: 500_000, maxFramerate: 15, scaleResolutionDownBy: 2 };
}

/** One other participant as the mesh tracks it. */
export interface MeshPeer {
  id: string;
  name: string;
  host: boolean;
  /** Whether its socket is with the room now (false: reconnecting). */
  connected: boolean;
  /** Its microphone / camera is off, as it said over the control channel. */
  muted: boolean;
  cameraOff: boolean;
  call: PeerCall;
}

/** What the mesh needs from its owner. */
export interface MeshOptions {
  /** This participant's id in the meeting. */
  you: string;
  /** Sends one `meeting-signal` to participant `to`. */
  send: (to: string, signal: Signal) => void;
  /** Something changed: a peer came or went, its media, state or the speaker. */
  changed: () => void;
  /** The first wait before a pair that has not connected is started over, in ms. Default {@link PAIR_CONNECT_MS}. */
  connectTimeoutMs?: number;
}

/** A full mesh of {@link PeerCall}s, driven by the room's `meeting` rosters. */
export class MeetingMesh {
  readonly peers = new Map<string, MeshPeer>();
  /** The participant speaking now (loudest inbound audio), if any. */
  speaker: string | undefined;
  private muted = false;
  private cameraOff = false;
  /** This participant's shared screen (a `getDisplayMedia` video track), while it shares. */
  private screen: MediaStreamTrack | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private iceServers: IceServer[] = [];
  private iceTransportPolicy: RTCIceTransportPolicy = "all";

  constructor(
    private readonly local: MediaStream,
    private readonly options: MeshOptions,
  ) {
    this.timer = setInterval(() => this.pollSpeaker(), SPEAKER_POLL_MS);
  }

  /**
   * Apply a roster: open a peer connection to each admitted participant not
   * yet connected to, close those who left, and cap bitrates for the new size.
   * `rejoined`: this is the first roster after this side's socket came back.
   */
  roster(
    participants: { id: string; name: string; host: boolean; connected: boolean }[],
    ice: { iceServers?: IceServer[]; iceTransportPolicy?: RTCIceTransportPolicy },
    rejoined = false,
  ): void {
    this.iceServers = ice.iceServers ?? this.iceServers;
    this.iceTransportPolicy = ice.iceTransportPolicy ?? this.iceTransportPolicy;
    const others = participants.filter((p) => p.id !== this.options.you);
    for (const [id, peer] of this.peers) {
      if (!others.some((p) => p.id === id)) {
        peer.call.close();
        this.peers.delete(id);
      }
    }
    for (const p of others) {
      const known = this.peers.get(p.id);
      // Signals sent while either socket was away are lost: a pair that had not connected starts afresh
      // when the other comes back (seen from here) or when this side came back (`rejoined`). Both ends
      // apply the same roster before sending anything more, so they start the new pair together.
      const back = known && ((!known.connected && p.connected) || rejoined) && known.call.state !== "connected";
      if (known && back) {
        known.call.close();
        this.peers.set(p.id, { ...known, ...p, call: this.open(p.id) });
      } else if (known) {
        known.connected = p.connected;
        known.name = p.name;
      } else if (p.connected) {
        // One whose socket is away (a place kept for someone not here yet) gets its pair once it is back.
        this.peers.set(p.id, { ...p, muted: false, cameraOff: false, call: this.open(p.id) });
      }
    }
    this.capBitrates();
    this.options.changed();
  }

  private open(id: string): PeerCall {
    const polite = this.options.you < id;
    const call = new PeerCall({
      polite,
      awaitRemoteOffer: polite,
      iceServers: this.iceServers as RTCIceServer[],
      iceTransportPolicy: this.iceTransportPolicy,
      send: (signal) => this.options.send(id, signal),
    });
    call.addStream(this.local);
    const changed = () => this.options.changed();
    const stopWatching = polite ? () => {} : this.watch(id, call);
    call.addEventListener("track", changed);
    call.addEventListener("statechange", () => {
      if (call.state === "connected") this.capBitrates();
      if (call.state === "closed") stopWatching();
      changed();
    });
    call.addEventListener("screen", changed);
    call.addEventListener("channelopen", () => {
      call.sendMessage({ type: "mute", audio: this.muted, video: this.cameraOff });
      // Shared before this pair was up: the screen goes now, announced on the channel.
      if (this.screen) void call.shareScreen(this.screen).catch((err: unknown) => console.warn("contact-me: could not share the screen", err));
    });
    call.addEventListener("message", (event) => {
      const message = (event as CustomEvent<{ type: string; audio?: boolean; video?: boolean }>).detail;
      const peer = this.peers.get(id);
      if (message.type === "mute" && peer) {
        peer.muted = message.audio === true;
        peer.cameraOff = message.video === true;
        changed();
      }
    });
    call.addEventListener("error", (event) => console.warn(`contact-me: meeting peer ${id.slice(0, 8)}:`, (event as CustomEvent).detail));
    return call;
  }

  /**
   * As the impolite peer of the pair with `id`: look at the pair each time it
   * has gone unconnected for the current wait ({@link PAIR_CONNECT_MS},
   * doubling up to {@link PAIR_RETRY_MAX_MS} after each start), from its
   * opening until it connects, and start it over while the other is in the
   * meeting when it is stuck: no answer to its offer, ICE or DTLS failed, or
   * the call reported an `error` (e.g. its own recovery gave up). A pair
   * still checking ICE candidates with an answer in hand is left to finish:
   * on a busy machine that can take longer than the wait, and the browser
   * fails it by itself if it cannot connect.
   * @returns stops watching
   */
  private watch(id: string, call: PeerCall): () => void {
    const first = this.options.connectTimeoutMs ?? PAIR_CONNECT_MS;
    let wait = first;
    let errored = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        if (call.closed || call.state === "connected") return;
        const pc = call.pc;
        const checking =
          pc.signalingState === "stable" && ["checking", "connected", "completed"].includes(pc.iceConnectionState) && ["new", "connecting"].includes(pc.connectionState);
        if (this.peers.get(id)?.connected && (errored || !checking)) {
          errored = false;
          call.restart();
          wait = Math.min(wait * 2, PAIR_RETRY_MAX_MS);
        }
        arm();
      }, wait);
    };
    call.addEventListener("statechange", () => {
      if (call.state !== "connected") return;
      clearTimeout(timer);
      timer = undefined;
      wait = first;
      errored = false;
    });
    // Once connected, the call's own recovery runs; when that gives up, the pair is watched again.
    call.addEventListener("error", () => {
      errored = true;
      if (timer === undefined && !call.closed) arm();
    });
    arm();
    return () => clearTimeout(timer);
  }

  /** A `meeting-signal` from participant `from`. */
  receive(from: string, signal: Signal): void {
    void this.peers.get(from)?.call.receive(signal);
  }

  /**
   * Send `track` (from `getDisplayMedia`, W3C Screen Capture) to every peer
   * beside the camera (`PeerCall.shareScreen`), and to each peer that joins
   * later, once its pair's channel is open. The caller owns the track.
   * @throws PeerCallError when a browser refuses the track
   */
  async shareScreen(track: MediaStreamTrack): Promise<void> {
    this.screen = track;
    await Promise.all([...this.peers.values()].filter((p) => p.call.channelOpen).map((p) => p.call.shareScreen(track)));
    this.options.changed();
  }

  /** Stop sending the screen to every peer (the caller stops the track). */
  stopScreen(): void {
    this.screen = undefined;
    for (const peer of this.peers.values()) peer.call.stopScreen();
    this.options.changed();
  }

  /** Turn this participant's microphone and camera off or on, and tell every peer. */
  setMuted(audio: boolean, video: boolean): void {
    this.muted = audio;
    this.cameraOff = video;
    for (const t of this.local.getAudioTracks()) t.enabled = !audio;
    for (const t of this.local.getVideoTracks()) t.enabled = !video;
    for (const peer of this.peers.values()) peer.call.sendMessage({ type: "mute", audio, video });
    this.options.changed();
  }

  /** Cap each video sender for the meeting's size (this participant and its peers). */
  private capBitrates(): void {
    const cap = videoCapFor(this.peers.size + 1);
    for (const peer of this.peers.values()) {
      // Capped once connected (and again on each size change): mid-negotiation the parameters read may be stale when set.
      if (peer.call.state !== "connected" || peer.call.pc.signalingState !== "stable") continue;
      for (const sender of peer.call.pc.getSenders()) {
        if (sender.track?.kind !== "video") continue;
        const params = sender.getParameters();
        const encoding = params.encodings?.[0];
        if (!encoding) continue;
        const want: Partial<VideoCap> = sender.track === this.screen ? { maxBitrate: cap.maxBitrate } : cap;
        if (Object.entries(want).every(([key, value]) => encoding[key as keyof VideoCap] === value)) continue;
        Object.assign(encoding, want);
        sender.setParameters(params).catch((err: unknown) => console.warn("contact-me: could not cap the video", err));
      }
    }
  }

  private pollSpeaker(): void {
    let loudest: string | undefined;
    let level = SPEAKING_LEVEL;
    for (const [id, peer] of this.peers) {
      if (peer.muted || peer.call.state !== "connected") continue;
      for (const receiver of peer.call.pc.getReceivers()) {
        if (receiver.track.kind !== "audio") continue;
        for (const source of receiver.getSynchronizationSources()) {
          if ((source.audioLevel ?? 0) > level) {
            level = source.audioLevel ?? 0;
            loudest = id;
          }
        }
      }
    }
    if (loudest !== this.speaker) {
      this.speaker = loudest;
      this.options.changed();
    }
  }


  /** Close every peer connection (the local tracks are the owner's to stop). */
  close(): void {
    clearInterval(this.timer);
    for (const peer of this.peers.values()) peer.call.close();
    this.peers.clear();
  }
}
