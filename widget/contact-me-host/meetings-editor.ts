/**
 * The dashboard's **Meetings** section: create a meeting (title, PIN,
 * expiry, capacity), copy its invite link, see who is in or waiting, admit,
 * remove, end, delete, join it from the dashboard, and ring a signed-in
 * teammate into it; and the invitation of a teammate who rang this host
 * (`meeting-invite`). It shows the list the room last sent (`meetings`
 * frame) and sends the host-only meeting frames.
 * @module
 */
import { html, nothing, type ReactiveControllerHost } from "lit";
import { MAX_MEETING_SIZE, type MeetingSummary, type MessageOf, type ServerMessage } from "../../protocol/socket.ts";
import { format } from "../strings.ts";
import type { SignalingController } from "../room/signaling.ts";

/** Strings of the Meetings section. */
export const meetingsStrings = {
  meetings: "Meetings",
  newMeeting: "New meeting",
  meetingTitle: "Title",
  meetingPin: "PIN (optional, 4–12 digits)",
  meetingExpiry: "Link works for",
  meetingCapacity: "People at most",
  create: "Create",
  copyLink: "Copy link",
  linkCopied: "Link copied",
  joinMeeting: "Join",
  leaveMeeting: "Leave the meeting",
  admit: "Admit",
  remove: "Remove",
  endMeeting: "End for all",
  deleteMeeting: "Delete",
  waitingToJoin: "waiting",
  reconnectingShort: "reconnecting",
  meetingEnded: "Ended",
  meetingExpired: "Expired",
  noMeetings: "No meetings yet.",
  /** Rings a signed-in teammate into a meeting, or a call (which becomes a meeting). */
  ringTeammate: "Ring {name}",
  /** A teammate rang this host into a meeting. */
  invitedBy: "{from} asks you to join “{title}”",
  dismissInvite: "Not now",
  hours1: "1 hour",
  day1: "1 day",
  week1: "1 week",
};
export type MeetingsStrings = typeof meetingsStrings;

/** The Meetings section of `<contact-me-host>`: a view over the room's `meetings` frames. */
export class MeetingsEditor {
  /** The room's meetings, newest first. */
  meetings: MeetingSummary[] = [];
  /** A teammate's invitation, until joined or dismissed. */
  invite: MessageOf<ServerMessage, "meeting-invite"> | undefined;
  private copied: string | undefined;

  /**
   * @param site the page of the site whose `<contact-me>` opens meetings: links are `<site>?meeting=<token>`
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly signaling: SignalingController,
    private readonly site: () => string,
  ) {
    signaling.on("meetings", (m) => {
      this.meetings = m.meetings;
      this.host.requestUpdate();
    });
    // A call of this dashboard becoming a meeting has its own invite (`callId`): see `meeting/handover.ts`.
    signaling.on("meeting-invite", (m) => {
      if (m.callId !== undefined) return;
      this.invite = m;
      this.host.requestUpdate();
    });
  }

  /** The invite link of a meeting. */
  link(token: string): string {
    const url = new URL(this.site());
    url.searchParams.set("meeting", token);
    return url.href;
  }

  private create(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const pin = String(data.get("pin") ?? "").trim();
    this.signaling.send({
      type: "meeting-create",
      title: String(data.get("title") ?? "").trim(),
      ...(pin ? { pin } : {}),
      expiresInS: Number(data.get("expiry")),
      capacity: Number(data.get("capacity")),
    });
    form.reset();
  }

  private async copy(token: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.link(token));
      this.copied = token;
    } catch {
      this.copied = undefined;
    }
    this.host.requestUpdate();
  }

  /** Ring signed-in host `to` into meeting `meetingId`. */
  ring(meetingId: string, to: string): void {
    this.signaling.send({ type: "meeting-ring", meetingId, to });
  }

  /** A teammate's invitation: **Join** or **Not now**; nothing without one. */
  renderInvite(s: MeetingsStrings, join: (token: string) => void) {
    const invite = this.invite;
    if (!invite) return nothing;
    const close = () => {
      this.invite = undefined;
      this.host.requestUpdate();
    };
    return html`<p part="meeting-invite" role="alert">
      ${format(s.invitedBy, { from: invite.from, title: invite.title })}
      <button class="primary" @click=${() => (close(), join(invite.token))}>${s.joinMeeting}</button>
      <button @click=${close}>${s.dismissInvite}</button>
    </p>`;
  }

  /**
   * @param join joins a meeting from this dashboard, by token
   * @param joined the tokens of the meetings this dashboard is in
   * @param teammates the other signed-in hosts, who can be rung into an open meeting
   */
  render(s: MeetingsStrings, join: (token: string) => void, joined: readonly string[], teammates: readonly string[]) {
    return html`<section part="meetings" aria-labelledby="meetings-title">
      <h2 id="meetings-title">${s.meetings}</h2>
      <form part="meeting-form" @submit=${(e: SubmitEvent) => this.create(e)}>
        <label>${s.meetingTitle} <input name="title" required maxlength="120" /></label>
        <label>${s.meetingPin} <input name="pin" inputmode="numeric" pattern="[0-9]{4,12}" autocomplete="off" /></label>
        <label>${s.meetingExpiry}
          <select name="expiry">
            <option value="3600">${s.hours1}</option>
            <option value="86400" selected>${s.day1}</option>
            <option value="604800">${s.week1}</option>
          </select>
        </label>
        <label>${s.meetingCapacity}
          <input name="capacity" type="number" min="2" max=${MAX_MEETING_SIZE} value=${MAX_MEETING_SIZE} required />
        </label>
        <button type="submit" class="primary">${s.create}</button>
      </form>
      ${this.meetings.length === 0 ? html`<p>${s.noMeetings}</p>` : nothing}
      <ul part="meeting-list">
        ${this.meetings.map(
          (m) => html`<li part="meeting" data-meeting=${m.id}>
            <strong>${m.title}</strong>
            ${m.state === "ended" ? html` — ${s.meetingEnded}` : m.state === "expired" ? html` — ${s.meetingExpired}` : nothing}
            <input part="meeting-link" readonly aria-label=${s.copyLink} .value=${this.link(m.token)} />
            <button @click=${() => void this.copy(m.token)}>${this.copied === m.token ? s.linkCopied : s.copyLink}</button>
            ${m.state === "open" && !joined.includes(m.token) ? html`<button @click=${() => join(m.token)}>${s.joinMeeting}</button>` : nothing}
            ${m.state === "open"
              ? teammates.map((name) => html`<button part="ring-teammate" @click=${() => this.ring(m.id, name)}>${format(s.ringTeammate, { name })}</button>`)
              : nothing}
            ${m.state === "open" ? html`<button @click=${() => this.signaling.send({ type: "meeting-end", meetingId: m.id })}>${s.endMeeting}</button>` : nothing}
            <button @click=${() => this.signaling.send({ type: "meeting-delete", meetingId: m.id })}>${s.deleteMeeting}</button>
            <ul part="meeting-participants">
              ${m.participants.map(
                (p) => html`<li>
                  ${p.name}${p.state === "waiting" ? html` (${s.waitingToJoin})` : !p.connected ? html` (${s.reconnectingShort})` : nothing}
                  ${p.state === "waiting"
                    ? html`<button @click=${() => this.signaling.send({ type: "meeting-admit", meetingId: m.id, participantId: p.id })}>${s.admit}</button>`
                    : nothing}
                  ${p.host
                    ? nothing
                    : html`<button @click=${() => this.signaling.send({ type: "meeting-remove", meetingId: m.id, participantId: p.id })}>${s.remove} ${p.name}</button>`}
                </li>`,
              )}
            </ul>
          </li>`,
        )}
      </ul>
    </section>`;
  }
}
