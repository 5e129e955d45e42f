/**
 * The connection to the site's room: a {@link https://docs.partykit.io/reference/partysocket-api/ PartySocket}
 * (reconnects with backoff, buffers frames while down) wrapped as a Lit
 * ReactiveController. Every frame from the room is validated against the
 * shared protocol (`protocol/socket.ts`) and handed to the subscribers of
 * its `type` ({@link SignalingController.on}); each part of an element
 * subscribes to the frames it owns, and none depends on another's order.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import PartySocket from "partysocket";
import { CloseCode, parseServerMessage, type ClientMessage, type MessageOf, type ServerMessage } from "../../protocol/socket.ts";
import { scheme, type RoomAddress } from "./address.ts";


/** A frame type the room sends (`welcome`, `presence`, `signal`, …). */
export type ServerType = ServerMessage["type"];

/** Handles every frame of type `T`. */
export type FrameHandler<T extends ServerType> = (message: MessageOf<ServerMessage, T>) => void;

/** Connection status, for "Connecting…" / "Reconnecting…" states. */
export type ConnectionStatus = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/**
 * How long the socket may go without opening — on first connect, or after a
 * drop — before {@link SignalingController.unreachable} is set and the element
 * says it cannot reach the room (it keeps retrying meanwhile), ms.
 */
export const UNREACHABLE_AFTER_MS = 8_000;

/**
 * Owns one PartySocket for a host element. Opened with {@link connect},
 * closed with {@link close} or when the element leaves the document.
 */
export class SignalingController implements ReactiveController {
  status: ConnectionStatus = "idle";
  /**
   * True once the socket has been {@link status connecting or reconnecting}
   * for {@link UNREACHABLE_AFTER_MS} without opening; false again when it
   * opens, or when {@link retry} starts a fresh attempt.
   */
  unreachable = false;
  private unreachableTimer: ReturnType<typeof setTimeout> | undefined;
  private socket: PartySocket | undefined;
  private everOpened = false;
  private readonly handlers = new Map<ServerType, Set<(message: ServerMessage) => void>>();

  /**
   * @param onSignedOut the room closed the socket with `CloseCode.signedOut`
   *   (the host's session ended); the controller has closed for good
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onSignedOut?: () => void,
  ) {
    host.addController(this);
  }

  /**
   * Call `handler` with every valid frame of `type` from the room, typed by
   * that frame's schema. Handlers of one type are independent: each sees the
   * frame whatever the others do. `ping` is answered here and not passed on.
   * @returns a function that unsubscribes
   */
  on<T extends ServerType>(type: T, handler: FrameHandler<T>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    const h = handler as (message: ServerMessage) => void;
    set.add(h);
    return () => set.delete(h);
  }

  /**
   * Call `handler` with the code of every close the room gives (RFC 6455
   * §7.4; the room's own codes are `CloseCode`), before reconnecting.
   * @returns a function that unsubscribes
   */
  onClose(handler: (code: number) => void): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }
  private readonly closeHandlers = new Set<(code: number) => void>();

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
      // The first retry after a drop comes 1 s later (partysocket's default is 3 s), growing ×1.3
      // up to 10 s: a call whose visitor had not signaled yet waits only UNSIGNALED_GRACE_S for it.
      minReconnectionDelay: 1000,
    });
    socket.addEventListener("open", () => {
      this.everOpened = true;
      this.setStatus("open");
    });
    socket.addEventListener("close", (event: CloseEvent) => {
      if (this.socket !== socket) return;
      for (const handler of [...this.closeHandlers]) handler(event.code);
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
      else if (parsed.ok) this.dispatch(parsed.message);
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

  /**
   * Try to connect again now, rather than after the reconnect backoff (the
   * **Retry** of an unreachable room). The bounded wait starts again.
   */
  retry(): void {
    if (!this.socket || this.status === "open") return;
    this.stopUnreachableTimer();
    this.unreachable = false;
    this.socket.reconnect();
    this.setStatus(this.everOpened ? "reconnecting" : "connecting");
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

  private dispatch(message: ServerMessage): void {
    for (const handler of [...(this.handlers.get(message.type) ?? [])]) {
      try {
        handler(message);
      } catch (err) {
        console.error(`contact-me: a handler of "${message.type}" failed`, err);
      }
    }
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    if (status === "connecting" || status === "reconnecting") {
      // One bound per outage: the close of each failed attempt does not restart it.
      if (!this.unreachable) this.unreachableTimer ??= setTimeout(() => {
        this.unreachableTimer = undefined;
        this.unreachable = true;
        this.host.requestUpdate();
      }, UNREACHABLE_AFTER_MS);
    } else {
      this.stopUnreachableTimer();
      this.unreachable = false;
    }
    this.host.requestUpdate();
  }

  private stopUnreachableTimer(): void {
    clearTimeout(this.unreachableTimer);
    this.unreachableTimer = undefined;
  }
}
