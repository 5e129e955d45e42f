/**
 * Business hours: whether the room is open at an instant, and when that next
 * changes, from weekly hours kept in an IANA time zone (`BusinessHours` of
 * `protocol/socket.ts`). Outside them visitors see the host as away and calls
 * are refused; see `ContactRoom` and `CallDesk`.
 *
 * Wall-clock times become instants with Luxon, which reads the time zone
 * rules from `Intl` (so it runs on Workers as in Node) and is DST-correct: an
 * opening time that does not exist on a spring-forward day (02:30 in
 * Europe/Paris on the last Sunday of March) is moved forward by the gap
 * (03:30); one that exists twice on a fall-back day is taken the first time.
 * @module
 */
import { DateTime } from "luxon";
import { WEEKDAYS, type BusinessHours } from "../../protocol/socket.ts";
import type { Storage } from "./runtime.ts";

/** Where the room stands against its hours at one instant (all times ms since the epoch). */
export interface Opening {
  /** Inside the hours (always, when there are none). */
  open: boolean;
  /** When the hours next open; only while closed, and absent when no day is open. */
  nextOpen?: number;
  /** When `open` next flips (the close while open, the next opening while closed); absent when it never does. */
  nextChange?: number;
}

/** Always open: no hours. */
const ALWAYS: Opening = { open: true };

/** Days looked ahead for the next opening: a whole week and the day it started on. */
const DAYS_AHEAD = 8;

/**
 * The opening spans `[start, end)` (ms since the epoch) of the calendar days
 * from the one holding `at` (in the hours' zone) to {@link DAYS_AHEAD} days
 * on, in order, touching spans joined (a day open until `24:00` and the next
 * from `00:00` make one).
 */
function spans(hours: BusinessHours, at: number): [number, number][] {
  const zone = hours.timeZone;
  const today = DateTime.fromMillis(at, { zone });
  const out: [number, number][] = [];
  for (let d = 0; d < DAYS_AHEAD; d++) {
    const day = today.plus({ days: d });
    const span = hours[WEEKDAYS[day.weekday - 1]!];
    if (!span) continue;
    const { year, month, day: date } = day;
    const wall = (hhmm: string): number => {
      const [hour, minute] = hhmm.split(":").map(Number) as [number, number];
      // 24:00 is the next day's midnight (itself moved forward if it falls in a gap).
      const when =
        hour === 24
          ? DateTime.fromObject({ year, month, day: date }, { zone }).plus({ days: 1 }).startOf("day")
          : DateTime.fromObject({ year, month, day: date, hour, minute }, { zone });
      // A time that happens twice (fall back) is taken the first time, whatever offset is in force today.
      return Math.min(...when.getPossibleOffsets().map((dt) => dt.toMillis()), when.toMillis());
    };
    const start = wall(span.slice(0, 5));
    const end = wall(span.slice(6));
    if (end <= start) continue; // a span swallowed by a DST gap
    const last = out[out.length - 1];
    if (last && last[1] >= start) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/**
 * Where `hours` stand at `at`.
 * @param hours weekly hours and their time zone; `null` (none) is always open
 * @param at the instant, ms since the epoch
 * @returns whether it is open, and when that next changes (see {@link Opening})
 * @throws never: a time zone Luxon does not know counts as no hours (the
 *   schema only lets through zones `Intl` knows)
 */
export function openingAt(hours: BusinessHours | null, at: number): Opening {
  if (!hours || !DateTime.fromMillis(at, { zone: hours.timeZone }).isValid) return ALWAYS;
  const list = spans(hours, at);
  const current = list.find(([start, end]) => start <= at && at < end);
  if (current) return { open: true, nextChange: current[1] };
  const next = list.find(([start]) => start > at);
  return next ? { open: false, nextOpen: next[0], nextChange: next[0] } : { open: false };
}

/** Storage key of the hours a host set from the dashboard. */
const STORAGE_KEY = "hours";

/**
 * The room's business hours: those a host set from the dashboard (storage key
 * `hours`, `null` meaning none), else `BUSINESS_HOURS` from the config.
 */
export class HoursDesk {
  /** Cache of storage key `hours`; `undefined` while no host has set any. */
  private stored: BusinessHours | null | undefined;

  constructor(private readonly storage: Storage) {}

  /** Read the hours a host set, if any (once per instance). */
  async load(): Promise<void> {
    this.stored = await this.storage.get<BusinessHours | null>(STORAGE_KEY);
  }

  /** The hours in force and where they come from; `config` is `BUSINESS_HOURS` (`null` when unset). */
  current(config: BusinessHours | null): { hours: BusinessHours | null; source: "config" | "dashboard" } {
    return this.stored === undefined ? { hours: config, source: "config" } : { hours: this.stored, source: "dashboard" };
  }

  /** A host sets the hours (`null`: none, always open); they replace the config's from now on. */
  async set(hours: BusinessHours | null): Promise<void> {
    this.stored = hours;
    await this.storage.put(STORAGE_KEY, hours);
  }
}
