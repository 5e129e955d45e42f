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
 * Bandwidth: each sender's video is capped with `RTCRtpSender.setParameters`
 * (`encodings[0].maxBitrate`, W3C webrtc-pc §5.2) as the meeting grows — see
 * {@link videoBitrateFor} — since in a mesh every participant uploads one copy
 * per other participant.
 *
 * Active speaker: every {@link SPEAKER_POLL_MS} the mesh reads the
 * `audioLevel` of each pair's inbound audio (`inbound-rtp` stats, W3C
 * webrtc-stats §7.3; 0 … 1) and names the loudest above {@link SPEAKING_LEVEL}.
 * @module
 */
import type { IceServer } from "../../protocol/socket.ts";
import { PeerCall, type Signal } from "../call/peer-call.ts";

/** How often audio levels are read for the active speaker, in ms. */
export const SPEAKER_POLL_MS = 400;
/** `audioLevel` (0 … 1) above which a participant counts as speaking. */
export const SPEAKING_LEVEL = 0.01;

/**
 * The video bitrate cap per sender for a meeting of `size` people, in bits
 * per second: 1.5 Mbps between two, then less as each participant sends more
 * copies (1 Mbps at 3, 700 kbps at 4, 500 kbps at 5).
 */
export function videoBitrateFor(size: number): number {
  if (size <= 2) return 1_500_000;
  if (size === 3) return 1_000_000;
  if (size === 4) return 700_000;
  return 500_000;
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
    this.timer = setInterval(() => void this.pollSpeaker(), SPEAKER_POLL_MS);
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
    call.addEventListener("track", changed);
    call.addEventListener("statechange", () => {
      if (call.state === "connected") this.capBitrates();
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
    const maxBitrate = videoBitrateFor(this.peers.size + 1);
    for (const peer of this.peers.values()) {
      // Capped once connected (and again on each size change): mid-negotiation the parameters read may be stale when set.
      if (peer.call.state !== "connected" || peer.call.pc.signalingState !== "stable") continue;
      for (const sender of peer.call.pc.getSenders()) {
        if (sender.track?.kind !== "video") continue;
        const params = sender.getParameters();
        if (!params.encodings?.length) continue;
        if (params.encodings[0].maxBitrate === maxBitrate) continue;
        params.encodings[0].maxBitrate = maxBitrate;
        sender.setParameters(params).catch((err: unknown) => console.warn("contact-me: could not cap the video bitrate", err));
      }
    }
  }

  private async pollSpeaker(): Promise<void> {
    let loudest: string | undefined;
    let level = SPEAKING_LEVEL;
    for (const [id, peer] of this.peers) {
      if (peer.muted || peer.call.state !== "connected") continue;
      try {
        const stats = await peer.call.getStats();
        stats.forEach((s: { type: string; kind?: string; audioLevel?: number }) => {
          if (s.type === "inbound-rtp" && s.kind === "audio" && (s.audioLevel ?? 0) > level) {
            level = s.audioLevel ?? 0;
            loudest = id;
          }
        });
      } catch {
        // A connection closing meanwhile: no level.
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
