/// <reference types="node" />
/**
 * Business hours in the browsers: outside them the visitor's panel says the
 * host is away and when they are back, in the visitor's own time zone (New
 * York here, the hours being Tokyo's) and locale, even with the host
 * available; the host opens **Business hours** on the dashboard, keeps every
 * day open all day and saves, and the visitor sees **Available** with no
 * "Back …" left.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DateTime } from "luxon";
import { openingAt } from "../../party/core/hours.ts";
import { WEEKDAYS, type BusinessHours } from "../../protocol/socket.ts";
import { WAIT_MS, eventually, hidden, openHost, setAvailable, uniqueRoom, visible } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

/** Open only the day after tomorrow (Tokyo), 09:00-17:00: closed now. */
const ZONE = "Asia/Tokyo";
const HOURS = { timeZone: ZONE, [WEEKDAYS[DateTime.now().setZone(ZONE).plus({ days: 2 }).weekday - 1]!]: "09:00-17:00" } as BusinessHours;
const VISITOR_ZONE = "America/New_York";

const stack = useStack({ vars: { BUSINESS_HOURS: JSON.stringify(HOURS) } });

const spaces = (s: string) => s.replace(/\s+/g, " ");

test("outside the hours the visitor reads when the host is back in their own time; hours saved on the dashboard bring the host back", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("hours");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    await setAvailable(host.page, true);

    const visitor = await pages.open("about:blank");
    const cdp = await visitor.context.newCDPSession(visitor.page);
    await cdp.send("Emulation.setTimezoneOverride", { timezoneId: VISITOR_ZONE });
    await visitor.page.goto(`${stack.server.origin}/?room=${encodeURIComponent(room)}`);
    await visitor.page.getByRole("button", { name: "Contact me" }).click({ timeout: WAIT_MS });
    const panel = visitor.page.getByRole("dialog", { name: "Contact" });

    const { nextOpen } = openingAt(HOURS, Date.now());
    assert.ok(nextOpen !== undefined);
    const locale = await visitor.page.evaluate(() => navigator.language);
    const format = (timeZone: string) =>
      new Intl.DateTimeFormat(locale, { timeZone, weekday: "long", hour: "numeric", minute: "2-digit" }).format(nextOpen);
    const expected = `Back ${format(VISITOR_ZONE)}`;
    assert.notEqual(format(VISITOR_ZONE), format(ZONE), "the two zones read the same: pick another");

    const away = panel.locator('[part="away"]');
    await visible(panel.getByText("Away", { exact: true }));
    await eventually(`"${expected}"`, async () => spaces(await away.innerText()), (t) => t.includes(spaces(expected)));
    await eventually("calls disabled", () => panel.getByRole("button", { name: "Audio call" }).isDisabled(), (d) => d);

    // The dashboard: closed now; every day open all day (a close of 00:00 is midnight).
    const editor = host.page.locator('[part="hours"]');
    await visible(editor.getByText(/Closed now: visitors see you as away until/));
    await editor.getByText("Business hours", { exact: true }).click();
    assert.equal(await editor.getByRole("textbox", { name: "Time zone" }).inputValue(), ZONE);
    assert.ok(await editor.getByRole("checkbox", { name: /Keep business hours/ }).isChecked());
    for (const day of ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]) {
      const group = editor.getByRole("group", { name: day });
      await group.getByRole("checkbox", { name: "Open" }).check();
      await group.getByLabel("Opens").fill("00:00");
      await group.getByLabel("Closes").fill("00:00");
    }
    await editor.getByRole("button", { name: "Save hours" }).click();
    await visible(editor.getByText(/Open now, until/));

    await visible(panel.getByText("Available", { exact: true }));
    await hidden(away);
    await eventually("calls enabled", () => panel.getByRole("button", { name: "Audio call" }).isEnabled(), (e) => e);
  }));
