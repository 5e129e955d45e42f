/**
 * What the dashboard's inbox says about a conversation: who it is with, its
 * preview, whether it needs a reply, whether it matches a search, and the
 * times and days its messages show under. Pure functions of the
 * conversation, the strings and the clock; dates in the browser's locale.
 * @module
 */
import type { ConversationMessage, MessageOf, ServerMessage } from "../../protocol/socket.ts";
import { callLogText, type CallLogStrings } from "../call/call-log.ts";
import { filesSummary } from "../files/file-view.ts";
import type { FileStrings } from "../files/files.strings.ts";
import { format } from "../strings.ts";
import { dateFormat } from "../locale.ts";
import type { HostStrings } from "./contact-me-host.strings.ts";

/** A conversation as the room lists it to hosts. */
export type Summary = MessageOf<ServerMessage, "conversations">["conversations"][number];

/** The strings these functions use. */
type Strings = Pick<
  HostStrings,
  "unnamedVisitor" | "visitorFrom" | "previewYou" | "justNow" | "minutesAgo" | "today" | "yesterday"
> &
  CallLogStrings &
  FileStrings;

/** Longest preview kept, in characters (it shows on one line). */
const PREVIEW_CHARS = 160;

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The page as a link target when it is an http(s) URL (a visitor could send anything). */
export function pageHref(page: string | undefined): string | undefined {
  if (!page) return undefined;
  try {
    const url = new URL(page);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The path of the page a conversation started on, or the page as given when it is not a URL. */
function pagePath(page: string): string {
  try {
    return new URL(page).pathname;
  } catch {
    return page;
  }
}

/** The visitor's name; else "Visitor from <path>" by the page they wrote from; else "Visitor". */
export function visitorName(c: Pick<Summary, "name" | "page">, s: Strings): string {
  if (c.name) return c.name;
  if (c.page) return format(s.visitorFrom, { page: pagePath(c.page) });
  return s.unnamedVisitor;
}

/** The last message of a conversation, if any. */
export function lastMessage(c: Summary): ConversationMessage | undefined {
  return c.messages.at(-1);
}

/** A message's text, or a call's line ("Video call · missed"), a call-back request's ("📞 +33 6 … — note"), or for a message that is files only, a line saying what they are ("📎 photo.png", "Voice message 0:12"). */
export function messageText(m: ConversationMessage, s: CallLogStrings & FileStrings): string {
  if (m.call) return callLogText(m.call, s);
  if (m.callBack) return `📞 ${m.callBack}${m.text ? ` — ${m.text}` : ""}`;
  return !m.text.trim() && m.files?.length ? filesSummary(m.files, s) : m.text;
}

/** One line of the last message, "You: …" when a host wrote it. */
export function preview(c: Summary, s: Strings): string {
  const last = lastMessage(c);
  if (!last) return "";
  const line = messageText(last, s).replace(/\s+/g, " ").trim().slice(0, PREVIEW_CHARS);
  return last.from === "host" ? format(s.previewYou, { text: line }) : line;
}

/**
 * Whether an entry asks for the host's attention: a visitor's message, or a
 * call of theirs nobody has answered (ringing, missed, declined, given up,
 * failed).
 */
export function wantsReply(m: ConversationMessage): boolean {
  return m.from === "visitor" && m.call?.state !== "answered" && m.call?.state !== "in-call";
}

/** Whether the visitor wrote (or called unanswered) last: the conversation waits for a reply. */
export function needsReply(c: Summary): boolean {
  const last = lastMessage(c);
  return last !== undefined && wantsReply(last);
}

/** Visitor messages and unanswered calls after `readUpTo` (ms): unread on this device. */
export function unreadCount(c: Summary, readUpTo: number): number {
  return c.messages.filter((m) => wantsReply(m) && m.at > readUpTo).length;
}

/** Lower case, without diacritics, so that "zoe" finds "Zoë". */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

/**
 * Whether the name, email, any message's text, a call-back request's contact
 * or an attached file's name contains `query` (case and diacritics aside).
 */
export function matches(c: Summary, query: string): boolean {
  const q = fold(query.trim());
  if (!q) return true;
  const texts = c.messages.flatMap((m) => [m.text, m.callBack, ...(m.files ?? []).map((f) => f.name)]);
  return [c.name, c.email, ...texts].some((t) => t !== undefined && fold(t).includes(q));
}

/** The clock time at `now` in IANA time zone `timeZone`, e.g. "14:05"; undefined when the browser does not know the zone. */
export function clockIn(timeZone: string, now: number): string | undefined {
  try {
    return dateFormat({ hour: "numeric", minute: "2-digit", timeZone }).format(now);
  } catch {
    return undefined;
  }
}

/** The visitor's browser, operating system and device type on one line, e.g. "Firefox 128 · Linux · Desktop". */
export function agentLine(c: Pick<Summary, "browser" | "os" | "device">, s: Pick<HostStrings, "deviceDesktop" | "deviceMobile" | "deviceTablet">): string {
  const names: Record<string, string> = { desktop: s.deviceDesktop, mobile: s.deviceMobile, tablet: s.deviceTablet };
  const device = c.device === undefined ? undefined : (names[c.device] ?? c.device);
  return [c.browser, c.os, device].filter(Boolean).join(" · ");
}

/** Midnight (local time) of the day `at` falls on. */
function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The clock time, e.g. "14:05" (or "2:05 PM", by locale). */
export function clock(at: number): string {
  return dateFormat({ hour: "numeric", minute: "2-digit" }).format(at);
}

/** Date and time in digits, e.g. "30/11/2026, 14:05": a time's full form, in its `title`. */
export function fullDateTime(at: number): string {
  return dateFormat({
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "numeric",
    minute: "2-digit",
  }).format(at);
}

/** A short date, e.g. "28 Nov", with the year when not this year's. */
function shortDate(at: number, now: number): string {
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return dateFormat({ day: "numeric", month: "short", year: sameYear ? undefined : "numeric" }).format(at);
}

/**
 * How long ago, for the list: "now" under a minute, "5 min" under an hour,
 * the clock time today, the weekday within the week, else a short date.
 */
export function relativeTime(at: number, now: number, s: Strings): string {
  const ago = now - at;
  if (ago < MINUTE) return s.justNow;
  if (ago < 60 * MINUTE) return format(s.minutesAgo, { n: Math.floor(ago / MINUTE) });
  const today = startOfDay(now);
  if (at >= today) return clock(at);
  if (at >= today - 6 * DAY) return dateFormat({ weekday: "short" }).format(at);
  return shortDate(at, now);
}

/** When something happened, for a header: the clock time today, else the date and time. */
export function when(at: number, now: number): string {
  return at >= startOfDay(now) ? clock(at) : `${shortDate(at, now)}, ${clock(at)}`;
}

/** Messages of one day, with the day's heading. */
export interface Day {
  /** Midnight (local time) of the day, ms: a stable key. */
  start: number;
  /** "Today", "Yesterday", or the date, e.g. "Friday 27 November". */
  heading: string;
  messages: ConversationMessage[];
}

/** Messages grouped by the day (local time) they were sent, in order. */
export function byDay(messages: readonly ConversationMessage[], now: number, s: Strings): Day[] {
  const today = startOfDay(now);
  const days: Day[] = [];
  for (const m of messages) {
    const start = startOfDay(m.at);
    let day = days.at(-1);
    if (!day || day.start !== start) {
      const heading =
        start === today
          ? s.today
          : start === startOfDay(today - 1)
            ? s.yesterday
            : dateFormat({
                weekday: "long",
                day: "numeric",
                month: "long",
                year: new Date(start).getFullYear() === new Date(now).getFullYear() ? undefined : "numeric",
              }).format(start);
      day = { start, heading, messages: [] };
      days.push(day);
    }
    day.messages.push(m);
  }
  return days;
}

/** Two digits. */
const pad = (n: number) => String(n).padStart(2, "0");

/** A time as `YYYY-MM-DD HH:MM`, in the browser's time zone. */
export function stamp(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The strings a conversation's export uses. */
type ExportStrings = Strings & Pick<HostStrings, "exportName" | "exportEmail" | "exportPage" | "you">;

/**
 * A conversation as plain text: a header (name, email, page), a blank line,
 * then one line per message, `[YYYY-MM-DD HH:MM] Name: text` (a message's
 * further lines indented under it).
 */
export function conversationText(c: Summary, s: ExportStrings): string {
  const name = visitorName(c, s);
  const lines = [`${s.exportName}: ${name}`];
  if (c.email) lines.push(`${s.exportEmail}: ${c.email}`);
  if (c.page) lines.push(`${s.exportPage}: ${c.page}`);
  lines.push("");
  for (const m of c.messages) {
    const who = m.from === "host" ? (m.by ?? s.you) : name;
    lines.push(`[${stamp(m.at)}] ${who}: ${messageText(m, s).replace(/\r?\n/g, "\n    ")}`);
  }
  return lines.join("\n") + "\n";
}

/** A file name for a conversation's export: `conversation-<name>-<YYYY-MM-DD>.txt`. */
export function exportFileName(c: Summary, s: Strings, now: number): string {
  const slug = visitorName(c, s)
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^\w-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .toLowerCase();
  return `conversation-${slug || "visitor"}-${stamp(now).slice(0, 10)}.txt`;
}
