/**
 * The connection to the site's room: a {@link https://docs.partykit.io/reference/partysocket-api/ PartySocket}
 * (reconnects with backoff, buffers frames while down) wrapped as a Lit
 * ReactiveController. Every frame from the room is validated against the
 * shared protocol before the element sees it.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import PartySocket from "partysocket";
import { parseServerMessage, type ClientMessage, type ServerMessage } from "../party/protocol.ts";

/** Where the room lives. */
export interface RoomAddress {
  /** PartyKit host, e.g. `contact-me.you.partykit.dev` or `127.0.0.1:1999`. */
  host: string;
  /** Room id: one per site. */
  room: string;
  /** Party name (`main`). */
  party: string;
}

/** Connection status, for "Connecting…" / "Reconnecting…" states. */
export type ConnectionStatus = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/**
 * Default PartyKit host: the origin the widget script was loaded from, so one
 * `<script src="https://<project>.partykit.dev/dist/index.js">` needs no
 * configuration. Only called in the browser.
 */
export function defaultHost(): string {
  return new URL(import.meta.url).host;
}

/**
 * Whether to use TLS: the script's own scheme when talking to the origin it
 * came from; otherwise `undefined`, leaving PartySocket's rule (plain for
 * localhost and private addresses, TLS elsewhere).
 */
function secureFor(host: string): boolean | undefined {
  const script = new URL(import.meta.url);
  return script.host === host ? script.protocol === "https:" : undefined;
}

function scheme<S extends string, P extends string>(host: string, secure: S, plain: P): S | P | undefined {
  const tls = secureFor(host);
  return tls === undefined ? undefined : tls ? secure : plain;
}

/** `fetch` to an HTTP endpoint of the room, e.g. `path: "presence"`, with optional URL parameters. */
export function fetchRoom(address: RoomAddress, path: string, init?: RequestInit, query?: Record<string, string>): Promise<Response> {
  return PartySocket.fetch(
    { host: address.host, room: address.room, party: address.party, path, query, protocol: scheme(address.host, "https", "http") },
    init,
  );
}

/**
 * Owns one PartySocket for a host element. Opened with {@link connect},
 * closed with {@link close} or when the element leaves the document.
 */
export class SignalingController implements ReactiveController {
  status: ConnectionStatus = "idle";
  private socket: PartySocket | undefined;
  private everOpened = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onMessage: (message: ServerMessage) => void,
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
    socket.addEventListener("close", () => {
      if (this.socket === socket) this.setStatus(this.everOpened ? "reconnecting" : "connecting");
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
