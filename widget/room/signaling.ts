/**
 * The connection to the site's room: a {@link https://docs.partykit.io/reference/partysocket-api/ PartySocket}
 * (reconnects with backoff, buffers frames while down) wrapped as a Lit
 * ReactiveController. Every frame from the room is validated against the
 * shared protocol before the element sees it.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import PartySocket from "partysocket";
import { CloseCode, parseServerMessage, type ClientMessage, type ServerMessage } from "../../protocol/socket.ts";
import { scheme, type RoomAddress } from "./address.ts";

export { defaultHost, fetchRoom, type RoomAddress } from "./address.ts";

/** Connection status, for "Connecting…" / "Reconnecting…" states. */
export type ConnectionStatus = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/**
 * Owns one PartySocket for a host element. Opened with {@link connect},
 * closed with {@link close} or when the element leaves the document.
 */
export class SignalingController implements ReactiveController {
  status: ConnectionStatus = "idle";
  private socket: PartySocket | undefined;
  private everOpened = false;

  /**
   * @param onMessage every valid frame from the room
   * @param onSignedOut the room closed the socket with `CloseCode.signedOut`
   *   (the host's session ended); the controller has closed for good
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onMessage: (message: ServerMessage) => void,
    private readonly onSignedOut?: () => void,
  ) {
    host.addController(this);
  }

  /**
   * Open the socket (no-op when open). `query` adds URL parameters (host
   * credentials, the visitor's resume token); a function is called again on
   * every reconnect.
   */
  connect(address: RoomAddress, query?: Record<string, string> | (() => Record<string, string>)): void {
    if (this.socket) return;
    this.everOpened = false;
    this.setStatus("connecting");
    const socket = new PartySocket({
      host: address.host,
      room: address.room,
      party: address.party,
      protocol: scheme(address.host, "wss", "ws"),
      query,
      maxEnqueuedMessages: 100,
    });
    socket.addEventListener("open", () => {
      this.everOpened = true;
      this.setStatus("open");
    });
    socket.addEventListener("close", (event: CloseEvent) => {
      if (this.socket !== socket) return;
      if (event.code === CloseCode.signedOut) {
        this.close();
        return this.onSignedOut?.();
      }
      this.setStatus(this.everOpened ? "reconnecting" : "connecting");
    });
    socket.addEventListener("message", (event: MessageEvent) => {
      const parsed = parseServerMessage(event.data);
      // Liveness: answered from the message handler, not a timer, so background-tab
      // timer throttling cannot make a live dashboard look dead.
      if (parsed.ok && parsed.message.type === "ping") socket.send(JSON.stringify({ type: "pong" } satisfies ClientMessage));
      else if (parsed.ok) this.onMessage(parsed.message);
      else console.warn(`contact-me: ignored a frame from the room (${parsed.code}: ${parsed.message})`);
    });
    this.socket = socket;
  }

  /** Send one frame; buffered while reconnecting. Returns false when not connected at all. */
  send(message: ClientMessage): boolean {
    if (!this.socket) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Close for good (no reconnect). */
  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
    if (this.status !== "idle") this.setStatus("closed");
  }

  hostDisconnected(): void {
    this.close();
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.host.requestUpdate();
  }
}
