/**
 * The dashboard's **Business hours** editor: whether the room keeps hours,
 * their time zone, and for each weekday whether it opens and from when to
 * when. It shows the hours the room last announced (`hours` frame) and sends
 * the host's with `hours`; the room keeps them, tells every dashboard, and
 * visitors see the host as away outside them.
 * @module
 */
import { html, nothing } from "lit";
import * as v from "valibot";
import { BusinessHours, WEEKDAYS, type MessageOf, type ServerMessage, type Weekday } from "../../protocol/socket.ts";
import { format } from "../strings.ts";
import { dateFormat } from "../locale.ts";
import type { HostStrings } from "./contact-me-host.strings.ts";

/** The room's hours as the last `hours` frame told them. */
export type HoursState = MessageOf<ServerMessage, "hours">;

/** The string key of each weekday's name. */
const DAY_NAMES: Record<Weekday, keyof HostStrings> = {
  mon: "monday",
  tue: "tuesday",
  wed: "wednesday",
  thu: "thursday",
  fri: "friday",
  sat: "saturday",
  sun: "sunday",
};

/** A day's span offered for a day not open yet. */
const DEFAULT_OPEN = "09:00";
const DEFAULT_CLOSE = "17:00";

/** "Monday 9:00" in this browser's time zone and locale, for an instant in ms since the epoch. */
function weekdayTime(at: number): string {
  return dateFormat({ weekday: "long", hour: "numeric", minute: "2-digit" }).format(at);
}

/** The browser's own IANA time zone, offered for hours not set yet. */
function ownTimeZone(): string {
  return dateFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * Read the editor's form into hours: `null` when "Set business hours" is off
 * (always open). A closing time of `00:00` means midnight (`24:00`).
 * @returns the hours, checked against {@link BusinessHours}, or `"invalid"`
 *   (a close not after its open, an unknown time zone, a time missing)
 */
export function readHoursForm(form: HTMLFormElement): BusinessHours | null | "invalid" {
  const data = new FormData(form);
  if (data.get("enabled") !== "on") return null;
  const value: Record<string, string> = { timeZone: String(data.get("timeZone") ?? "").trim() };
  for (const day of WEEKDAYS) {
    if (data.get(`${day}-open`) !== "on") continue;
    const from = String(data.get(`${day}-from`) ?? "");
    const to = String(data.get(`${day}-to`) ?? "");
    value[day] = `${from}-${to === "00:00" ? "24:00" : to}`;
  }
  const parsed = v.safeParse(BusinessHours, value);
  return parsed.success ? parsed.output : "invalid";
}

/** What the editor needs from the dashboard. */
export interface HoursEditorOptions {
  strings: () => HostStrings;
  /** Send the hours to the room (`null`: none, always open). */
  save: (hours: BusinessHours | null) => void;
}

/** The **Business hours** editor; the dashboard renders it and feeds it the room's `hours` frames. */
export class HoursEditor {
  /** The room's hours, from its last `hours` frame; undefined until one arrives. */
  state: HoursState | undefined;
  /** Whether the form was refused as invalid (until the next save). */
  private invalid = false;

  constructor(
    private readonly host: { requestUpdate(): void },
    private readonly options: HoursEditorOptions,
  ) {}

  /** The room announced its hours (on connect, on a change, at each opening and closing). */
  update(state: HoursState): void {
    this.state = state;
    this.host.requestUpdate();
  }

  /** One line on where the hours stand now. */
  private status(s: HostStrings): string {
    const st = this.state;
    if (!st?.hours) return s.hoursAlwaysOpen;
    if (st.open) return st.nextChange !== undefined ? format(s.hoursOpenUntil, { when: weekdayTime(st.nextChange) }) : s.hoursAlwaysOpen;
    return st.nextChange !== undefined ? format(s.hoursClosedUntil, { when: weekdayTime(st.nextChange) }) : s.hoursClosed;
  }

  private submit(e: SubmitEvent): void {
    e.preventDefault();
    const hours = readHoursForm(e.currentTarget as HTMLFormElement);
    this.invalid = hours === "invalid";
    if (hours !== "invalid") this.options.save(hours);
    this.host.requestUpdate();
  }

  /** The editor: a disclosure whose summary says where the hours stand, around the form. */
  render() {
    const s = this.options.strings();
    const hours = this.state?.hours ?? null;
    return html`<details part="hours">
      <summary><span class="hours-title">${s.hours}</span> <span class="muted">${this.status(s)}</span></summary>
      <form @submit=${(e: SubmitEvent) => this.submit(e)}>
        <label class="check"><input type="checkbox" name="enabled" ?checked=${hours !== null} />${s.hoursEnabled}</label>
        <label>${s.timeZone} <input name="timeZone" autocomplete="off" spellcheck="false" value=${hours?.timeZone ?? ownTimeZone()} /></label>
        <div class="days">
          ${WEEKDAYS.map((day) => {
            const span = hours?.[day];
            const name = s[DAY_NAMES[day]];
            return html`<fieldset>
              <legend>${name}</legend>
              <label class="check"><input type="checkbox" name=${`${day}-open`} ?checked=${!!span} />${s.dayOpen}</label>
              <label>${s.opens} <input type="time" name=${`${day}-from`} value=${span?.slice(0, 5) ?? DEFAULT_OPEN} /></label>
              <label>${s.closes} <input type="time" name=${`${day}-to`} value=${span ? (span.slice(6) === "24:00" ? "00:00" : span.slice(6)) : DEFAULT_CLOSE} /></label>
            </fieldset>`;
          })}
        </div>
        <button type="submit" class="primary">${s.saveHours}</button>
        ${this.invalid ? html`<p class="error" role="alert">${s.hoursInvalid}</p>` : nothing}
      </form>
    </details>`;
  }
}
