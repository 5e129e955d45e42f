/**
 * A one-to-one call becoming a meeting, when a host brings in a teammate
 * (`meeting-create` with `callId`, see `protocol/socket.ts`). Both peers of
 * the call get a `meeting-invite` naming it; each then joins the meeting with
 * the place the room kept for it (`rejoin`) and the camera and microphone the
 * call already has, while the call goes on. Once the meeting's peer
 * connection with the call's other side is up, the call is hung up
 * (`hangup` `moved`) and the meeting shown: make before break, so the media
 * between the two never stops and nobody is asked for anything.
 *
 * When that connection is not up within {@link HANDOVER_TIMEOUT_MS} (or the
 * meeting refuses or closes first), the move is given up: the meeting is
 * left, the call keeps its camera and microphone and goes on as it was, and
 * {@link CallHandover.note} says so.
 *
 * Used by both `<contact-me>` (visitor) and `<contact-me-host>`, as a Lit
 * ReactiveController; each renders {@link CallHandover.render} where it shows
 * meetings.
 * @module
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from "lit";
import type { MessageOf, ServerMessage } from "../../protocol/socket.ts";
import type { CallController } from "../call/call-controller.ts";
import type { SignalingController } from "../room/signaling.ts";
import type { ContactMeMeeting } from "./contact-me-meeting.ts";

type Invite = MessageOf<ServerMessage, "meeting-invite">;

/**
 * The longest the call goes on once the meeting shows, in ms: until the
 * meeting's tile of the call's other side presents its first video frame,
 * which on a busy machine can take over a second after the connection is up,
 * and no longer than this (a camera off never presents one).
 */
export const HANDOVER_OVERLAP_MS = 3000;

/**
 * How long the meeting's connection with the call's other side may take
 * before the move is given up, in ms (as a call's own first connection,
 * `CONNECT_TIMEOUT_MS`).
 */
export const HANDOVER_TIMEOUT_MS = 20_000;

/** Texts of {@link CallHandover.note}. */
export interface HandoverStrings {
  movingToMeeting: string;
  moveFailed: string;
}

/** Where the meeting connects, and as whom (the attributes of `<contact-me-meeting>`). */
export interface HandoverTarget {
  room: string;
  host: string;
  party: string;
  /** This side's name (the room keeps the one the call had). */
  name: string;
  /** A signed-in host's token, on the dashboard. */
  hostToken?: string;
  strings?: object;
}

export class CallHandover implements ReactiveController {
  /** The invite of the call being moved, from its arrival until the meeting is left. */
  invite: Invite | undefined;
  /** True once the call has ended and the meeting is what shows. */
  moved = false;
  private stream: MediaStream | undefined;
  /** The call whose move was given up (the note says so while it lasts). */
  private failedCallId: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * @param onInvite called once the meeting chunk is loaded for a new invite (the dashboard rings its teammates then)
   * @param onMoved called when the meeting takes the call's place
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    signaling: SignalingController,
    private readonly call: CallController,
    private readonly onInvite?: (invite: Invite) => void,
    private readonly onMoved?: () => void,
  ) {
    host.addController(this);
    signaling.on("meeting-invite", (m) => {
      if (m.callId !== undefined && m.callId === call.callId && m.rejoin && !this.invite) void this.begin(m);
    });
  }

  /** Whether the call is moving into a meeting now (the call still shows). */
  get moving(): boolean {
    return this.invite !== undefined && !this.moved;
  }

  /** What the call shows of its move: under way, given up (until that call ends), or nothing. */
  note(s: HandoverStrings): string | undefined {
    if (this.moving) return s.movingToMeeting;
    if (this.failedCallId !== undefined && this.failedCallId === this.call.callId) return s.moveFailed;
    return undefined;
  }

  /** The page dropped the element: the meeting goes with it, and so do the media it had taken over. */
  hostDisconnected(): void {
    clearTimeout(this.timer);
    if (this.moved) this.stream?.getTracks().forEach((t) => t.stop());
  }

  private async begin(invite: Invite): Promise<void> {
    this.invite = invite;
    // At once: the other side may move the call (`ended` `moved`) before the meeting's code is here.
    const stream = this.call.handOver();
    try {
      await import("./contact-me-meeting.ts");
    } catch (err) {
      console.warn("contact-me: could not load the meeting", err);
      this.invite = undefined;
      if (this.call.callId === invite.callId) this.call.handOver(false);
      else stream?.getTracks().forEach((t) => t.stop());
      return;
    }
    this.stream = stream;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.giveUp(), HANDOVER_TIMEOUT_MS);
    this.onInvite?.(invite);
    this.host.requestUpdate();
  }

  /** The meeting did not connect in time, or closed before it did: the call goes on with its media. */
  private giveUp(): void {
    if (!this.moving) return;
    const callId = this.invite!.callId;
    console.warn("contact-me: the call could not move into the meeting; it goes on");
    if (callId !== undefined && this.call.callId === callId) {
      this.call.handOver(false);
      this.failedCallId = callId;
    } else this.stream?.getTracks().forEach((t) => t.stop());
    this.reset();
  }

  /** The call ended while it was moving (hung up here, there, or `moved`): the meeting takes its place. */
  hostUpdate(): void {
    if (this.moving && this.stream && this.call.callId !== this.invite!.callId) this.done();
  }

  /**
   * The meeting's peer connection with participant `id` is up: when it is
   * the call's other side, the meeting shows, and the call goes once the
   * meeting shows that side's video (at most {@link HANDOVER_OVERLAP_MS}
   * later).
   */
  private connected(id: string): void {
    if (!this.moving || id !== this.invite!.peer) return;
    const callId = this.invite!.callId;
    // The meeting render() shows (a dashboard may show another, joined from its list).
    const root = (this.host as ReactiveControllerHost & { renderRoot?: ParentNode }).renderRoot;
    const meeting = root?.querySelector<ContactMeMeeting>("contact-me-meeting[data-handover]");
    this.done();
    void (meeting ? meeting.videoShown(id, HANDOVER_OVERLAP_MS) : Promise.resolve()).then(() => {
      if (this.call.callId === callId) this.call.moveOut();
    });
  }

  private done(): void {
    clearTimeout(this.timer);
    this.moved = true;
    this.onMoved?.();
    this.host.requestUpdate();
  }

  /** The meeting closed (left, ended, refused): its media stop once it had taken the call's place. */
  private left(): void {
    if (!this.moved) return this.giveUp();
    this.stream?.getTracks().forEach((t) => t.stop());
    this.reset();
  }

  private reset(): void {
    clearTimeout(this.timer);
    this.invite = undefined;
    this.stream = undefined;
    this.moved = false;
    this.host.requestUpdate();
  }

  /** The meeting, hidden while the call still shows; nothing when no call is moving. */
  render(to: HandoverTarget) {
    const invite = this.invite;
    if (!invite || !this.stream) return nothing;
    return html`<contact-me-meeting data-handover class="meeting" part="meeting-view" ?hidden=${!this.moved} autojoin
      room=${to.room} host=${to.host} party=${to.party} token=${invite.token} name=${to.name}
      .hostToken=${to.hostToken ?? ""} .stream=${this.stream} .rejoin=${invite.rejoin ?? ""} .strings=${to.strings ?? {}}
      @contact-me-meeting-connected=${(e: CustomEvent<{ participantId: string }>) => this.connected(e.detail.participantId)}
      @contact-me-meeting-leave=${() => this.left()}></contact-me-meeting>`;
  }
}
