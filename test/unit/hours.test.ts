/**
 * Business hours: the arithmetic of opening and closing instants in a time
 * zone (across DST changes and the end of the week), `BUSINESS_HOURS`
 * parsing, and the `hours` frame's validation.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseBusinessHours } from "../../party/core/config.ts";
import { openingAt } from "../../party/core/hours.ts";
import { parseClientMessage, type BusinessHours } from "../../protocol/socket.ts";

const at = (iso: string) => Date.parse(iso);
const PARIS_WEEK: BusinessHours = {
  timeZone: "Europe/Paris",
  mon: "09:00-17:00",
  tue: "09:00-17:00",
  wed: "09:00-17:00",
  thu: "09:00-17:00",
  fri: "09:00-12:00",
};

describe("business hours", () => {
  it("no hours: always open, nothing to wait for", () => {
    assert.deepEqual(openingAt(null, Date.now()), { open: true });
  });

  it("inside and outside a day's hours, in the hours' time zone", () => {
    // Wednesday 2026-01-14, Paris is UTC+1: 09:00 there is 08:00Z.
    assert.deepEqual(openingAt(PARIS_WEEK, at("2026-01-14T07:59:00Z")), { open: false, nextOpen: at("2026-01-14T08:00:00Z"), nextChange: at("2026-01-14T08:00:00Z") });
    assert.deepEqual(openingAt(PARIS_WEEK, at("2026-01-14T08:00:00Z")), { open: true, nextChange: at("2026-01-14T16:00:00Z") });
    // The close itself is outside: the next opening is Thursday's.
    assert.deepEqual(openingAt(PARIS_WEEK, at("2026-01-14T16:00:00Z")), { open: false, nextOpen: at("2026-01-15T08:00:00Z"), nextChange: at("2026-01-15T08:00:00Z") });
  });

  it("the next opening across the weekend and the end of the week", () => {
    // Friday 2026-01-16 after 12:00 Paris: back Monday 09:00 (the 19th).
    const friday = openingAt(PARIS_WEEK, at("2026-01-16T11:30:00Z"));
    assert.deepEqual(friday, { open: false, nextOpen: at("2026-01-19T08:00:00Z"), nextChange: at("2026-01-19T08:00:00Z") });
    // Open Mondays only: Monday evening waits for the next Monday, seven days on.
    const mondays: BusinessHours = { timeZone: "Asia/Tokyo", mon: "10:00-11:00" };
    assert.equal(openingAt(mondays, at("2026-01-19T03:00:00Z")).nextOpen, at("2026-01-26T01:00:00Z"));
    // Sunday (the last day of the week) to Monday.
    assert.equal(openingAt(mondays, at("2026-01-18T12:00:00Z")).nextOpen, at("2026-01-19T01:00:00Z"));
  });

  it("opening times across the spring-forward change (Europe/Paris, last Sunday of March)", () => {
    // Saturday 2026-03-28 is still UTC+1; Monday 2026-03-30 is UTC+2: 09:00 is 07:00Z.
    assert.equal(openingAt(PARIS_WEEK, at("2026-03-27T12:00:00Z")).nextOpen, at("2026-03-30T07:00:00Z"));
    // On the change itself 02:00-03:00 does not exist: an opening at 02:30 is moved past the gap (03:30 CEST = 01:30Z).
    const night: BusinessHours = { timeZone: "Europe/Paris", sun: "02:30-05:00" };
    assert.deepEqual(openingAt(night, at("2026-03-29T00:59:00Z")), { open: false, nextOpen: at("2026-03-29T01:30:00Z"), nextChange: at("2026-03-29T01:30:00Z") });
    // 05:00 CEST is 03:00Z: the day is an hour shorter.
    assert.deepEqual(openingAt(night, at("2026-03-29T02:00:00Z")), { open: true, nextChange: at("2026-03-29T03:00:00Z") });
  });

  it("opening times across the fall-back change (Europe/Paris, last Sunday of October)", () => {
    // Friday 2026-10-23 is UTC+2 until 12:00 (10:00Z); Monday the 26th is UTC+1: 09:00 is 08:00Z.
    assert.deepEqual(openingAt(PARIS_WEEK, at("2026-10-23T10:00:00Z")), { open: false, nextOpen: at("2026-10-26T08:00:00Z"), nextChange: at("2026-10-26T08:00:00Z") });
    // 02:30 happens twice on 2026-10-25: the room opens the first time (CEST, 00:30Z), whatever today's offset.
    const night: BusinessHours = { timeZone: "Europe/Paris", sun: "02:30-04:00" };
    assert.equal(openingAt(night, at("2026-10-24T22:00:00Z")).nextOpen, at("2026-10-25T00:30:00Z"));
    // 04:00 CET is 03:00Z: open three and a half hours that night.
    assert.deepEqual(openingAt(night, at("2026-10-25T01:45:00Z")), { open: true, nextChange: at("2026-10-25T03:00:00Z") });
  });

  it("a day open until 24:00 runs into the next day opening at 00:00", () => {
    const around: BusinessHours = { timeZone: "America/New_York", sat: "18:00-24:00", sun: "00:00-02:00" };
    // Saturday 2026-01-17 20:00 EST (01:00Z on the 18th): open until Sunday 02:00 EST (07:00Z).
    assert.deepEqual(openingAt(around, at("2026-01-18T01:00:00Z")), { open: true, nextChange: at("2026-01-18T07:00:00Z") });
  });

  it("hours with no day open: always closed, with no next opening", () => {
    assert.deepEqual(openingAt({ timeZone: "UTC" }, Date.now()), { open: false });
  });

  it("parses BUSINESS_HOURS, logging once and ignoring what is wrong", (t) => {
    const errors: string[] = [];
    t.mock.method(console, "error", (m: string) => errors.push(m));
    assert.equal(parseBusinessHours(undefined), null);
    assert.equal(parseBusinessHours("  "), null);
    assert.deepEqual(parseBusinessHours(JSON.stringify(PARIS_WEEK)), PARIS_WEEK);
    assert.deepEqual(parseBusinessHours('{"timeZone":"UTC","sat":null}'), { timeZone: "UTC", sat: null });
    assert.equal(errors.length, 0);
    for (const bad of [
      "mon 9-5",
      '{"mon":"09:00-17:00"}',
      '{"timeZone":"Mars/Olympus","mon":"09:00-17:00"}',
      '{"timeZone":"UTC","mon":"17:00-09:00"}',
      '{"timeZone":"UTC","mon":"9:00-17:00"}',
      '{"timeZone":"UTC","monday":"09:00-17:00"}',
      '{"timeZone":"UTC","mon":"09:00-24:30"}',
    ]) {
      assert.equal(parseBusinessHours(bad), null, bad);
    }
    assert.equal(errors.length, 7);
    assert.ok(errors.every((e) => e.startsWith("BUSINESS_HOURS") && e.endsWith("always open")), errors.join("\n"));
    assert.match(errors[2]!, /timeZone: expected an IANA time zone/);
    assert.match(errors[3]!, /mon: the close must come after the open/);
  });

  it("the hours frame: validated, with an error naming the field", () => {
    assert.ok(parseClientMessage(JSON.stringify({ type: "hours", hours: PARIS_WEEK })).ok);
    assert.ok(parseClientMessage(JSON.stringify({ type: "hours", hours: null })).ok);
    const bad = parseClientMessage(JSON.stringify({ type: "hours", hours: { ...PARIS_WEEK, tue: "18:00-08:00" } }));
    assert.deepEqual(bad, { ok: false, code: "bad_message", message: "hours.tue: the close must come after the open" });
    const zone = parseClientMessage(JSON.stringify({ type: "hours", hours: { timeZone: "Nowhere/Else" } }));
    assert.deepEqual(zone, { ok: false, code: "bad_message", message: "hours.timeZone: expected an IANA time zone" });
  });
});
