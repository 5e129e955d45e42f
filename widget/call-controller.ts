/**
 * Call state for an element: local media, the {@link PeerCall}, and the
 * room's call frames (`ringing`, `accepted`, `declined`, `signal`, `ended`),
 * as a Lit ReactiveController. Both `<contact-me>` (polite peer) and
 * `<contact-me-host>` (impolite peer) use it.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { CallMedia, ClientMessage, ErrorCode, ServerMessage } from "../party/protocol.ts";
import { PeerCall, PeerCallError } from "./call.ts";

/**
 * Where a call stands.
 * - `idle`: no call.
 * - `preparing`: asking for the camera/microphone.
 * - `calling`: ringing the host (visitor) — shown as "Calling…".
 * - `queued`: every host is busy; waiting in line at {@link CallController.position}.
 * - `connecting`: accepted; negotiating and gathering ICE candidates.
 * - `connected`: the peer connection is up.
 * - `reconnecting`: the peer connection dropped (ICE `disconnected`).
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

type Send = (message: ClientMessage) => boolean;

/** Room error codes that end a call request, and the status they end it in. */
const ERROR_STATUS: Partial<Record<ErrorCode, CallStatus>> = {
  unavailable: "unavailable",
  busy: "busy",
  queue_full: "queue-full",
  rate_limited: "failed",
};

export class CallController implements ReactiveController {
  status: CallStatus = "idle";
  media: CallMedia | undefined;
  callId: string | undefined;
  /** The other side's display name, when known. */
  peerName: string | undefined;
  localStream: MediaStream | undefined;
  remoteStream: MediaStream | undefined;
  /** Human-readable reason for `failed` / `blocked` / `unavailable` / `busy`. */
  error: string | undefined;
  /** ICE servers from the room's `welcome`. */
  iceServers: RTCIceServer[] = [];
  /** Place in line (from 1) while `queued`. */
  position = 0;
  /** True while the other side's socket is reconnecting (media may still flow). */
  peerReconnecting = false;

  private peer: PeerCall | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly send: Send,
    private readonly onStatus?: (status: CallStatus) => void,
  ) {
    host.addController(this);
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
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: media === "video" });
      if (this.status !== "preparing") {
        stream.getTracks().forEach((t) => t.stop()); // hung up while asking
        return false;
      }
      this.localStream = stream;
      return true;
    } catch (err) {
      const name = (err as DOMException)?.name;
      this.error =
        name === "NotAllowedError" || name === "SecurityError"
          ? "Camera or microphone blocked. Allow access in your browser's site settings and try again."
          : name === "NotFoundError"
            ? "No microphone or camera was found."
            : `Could not start the camera or microphone (${name ?? "unknown error"}).`;
      this.setStatus("blocked");
      return false;
    }
  }

  /** Visitor: after {@link acquire}, ring the host. */
  ring(media: CallMedia, name?: string): void {
    this.setStatus("calling");
    this.send({ type: "call", media, ...(name ? { name } : {}) });
  }

  /**
   * Feed a frame from the room. Returns true when the frame belonged to the
   * call and was handled.
   */
  handle(message: ServerMessage): boolean {
    switch (message.type) {
      case "welcome":
        this.iceServers = message.iceServers;
        return false;
      case "ringing":
      case "queued":
        if (!this.adopt(message.callId, ["calling", "queued"])) return true;
        this.position = message.type === "queued" ? message.position : 0;
        this.setStatus(message.type === "queued" ? "queued" : "calling");
        this.host.requestUpdate();
        return true;
      case "accepted":
        if (!this.adopt(message.callId, ["calling", "queued", "preparing"])) return true;
        this.start(message.callId, message.media, message.polite, message.peerName);
        return true;
      case "resumed":
        // Our socket came back: the call goes on if this page still holds it.
        if (message.callId !== this.callId || !this.peer) this.send({ type: "hangup", callId: message.callId });
        else this.peerReconnecting = false;
        this.host.requestUpdate();
        return true;
      case "peer":
        if (message.callId !== this.callId) return false;
        this.peerReconnecting = !message.connected;
        this.host.requestUpdate();
        return true;
      case "declined":
        if (message.callId !== this.callId) return false;
        this.finish("declined");
        return true;
      case "ended":
        if (message.callId !== this.callId) return false;
        this.finish(message.reason === "unavailable" ? "unavailable" : message.reason === "no-answer" ? "no-answer" : "ended");
        return true;
      case "signal":
        if (message.callId !== this.callId || !this.peer) return false;
        void this.peer.receive(message.description ? { description: message.description } : { candidate: message.candidate ?? null });
        return true;
      case "error":
        if (this.status === "calling" && !this.callId && ERROR_STATUS[message.code]) {
          this.error = message.message;
          this.finish(ERROR_STATUS[message.code]!);
          return true;
        }
        return false;
      default:
        return false;
    }
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

  /** End the call from this side (or leave the line). */
  hangUp(): void {
    if (this.callId) this.send({ type: "hangup", callId: this.callId });
    else if (this.status === "calling") this.send({ type: "cancel" });
    this.finish("ended");
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
    if (this.live) this.hangUp();
    this.teardown();
  }

  private start(callId: string, media: CallMedia, polite: boolean, peerName: string | undefined): void {
    this.peer?.close();
    this.callId = callId;
    this.media = media;
    this.peerName = peerName;
    const peer = new PeerCall({
      polite,
      // The host (impolite) opens negotiation; the visitor answers with its media.
      awaitRemoteOffer: polite,
      iceServers: this.iceServers,
      send: (signal) => {
        if (this.peer === peer) this.send({ type: "signal", callId, ...signal } as ClientMessage);
      },
    });
    this.peer = peer;
    this.remoteStream = peer.remoteStream;
    peer.addEventListener("track", () => this.host.requestUpdate());
    peer.addEventListener("connectionstatechange", () => {
      if (this.peer !== peer) return;
      const state = peer.connectionState;
      if (state === "connected") this.setStatus("connected");
      else if (state === "disconnected" && this.status === "connected") this.setStatus("reconnecting");
    });
    peer.addEventListener("error", (event) => {
      const error = (event as CustomEvent<PeerCallError>).detail;
      console.warn(`contact-me: ${error.code}: ${error.message}`, error.cause ?? "");
      if (this.peer !== peer || error.code === "ERR_ADD_ICE_CANDIDATE") return;
      this.error = error.message;
      if (this.callId) this.send({ type: "hangup", callId: this.callId });
      this.finish("failed");
    });
    if (this.localStream) peer.addStream(this.localStream);
    this.setStatus("connecting");
  }

  private finish(status: CallStatus): void {
    this.teardown();
    this.setStatus(status);
  }

  private teardown(): void {
    this.position = 0;
    this.peerReconnecting = false;
    this.peer?.close();
    this.peer = undefined;
    this.localStream?.getTracks().forEach((t) => t.stop());
    this.localStream = undefined;
    this.remoteStream = undefined;
    this.callId = undefined;
  }

  private setStatus(status: CallStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.host.requestUpdate();
    this.onStatus?.(status);
  }
}
