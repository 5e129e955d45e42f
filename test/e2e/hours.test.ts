/// <reference types="node" />
/**
 * Business hours at the room, with raw sockets: with `BUSINESS_HOURS` such
 * that now is outside them, visitors (socket and `GET presence`) see the host
 * away with the next opening though the host is available, a call is refused
 * `unavailable` and a message is taken; dashboards hear the hours. A host
 * setting hours that include now brings the host back for visitors; hours
 * that open at the next minute make visitors away, and the room flips them
 * back by itself at the opening. Bad hours are refused, and a visitor may not
 * set any.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { roomPath } from "../../protocol/http.ts";
import { WEEKDAYS, type BusinessHours, type Weekday } from "../../protocol/socket.ts";
import { eventually, uniqueRoom } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { startServer, type TestServer } from "../support/server.ts";

const HOST_KEY = randomUUID();
const DAY_MS = 24 * 60 * 60 * 1000;
const is = (type: string) => (f: Frame) => f.type === type;
/** The weekday key of an instant, in UTC. */
const weekday = (ms: number): Weekday => WEEKDAYS[(new Date(ms).getUTCDay() + 6) % 7]!;
/** "HH:MM" of an instant, in UTC. */
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** Open only the day after tomorrow (UTC), 10:00-11:00: closed now, whatever the time. */
const start = Date.now();
const opensOn = Math.floor(start / DAY_MS) * DAY_MS + 2 * DAY_MS;
const CONFIG_HOURS: BusinessHours = { timeZone: "UTC", [weekday(opensOn)]: "10:00-11:00" } as BusinessHours;
const NEXT_OPEN = opensOn + 10 * 60 * 60 * 1000;

let server: TestServer | undefined;
before(async () => {
  server = await startServer({ vars: { HOST_KEY, ICE_SERVERS: "[]", BUSINESS_HOURS: JSON.stringify(CONFIG_HOURS) } });
});
after(async () => {
  await server?.stop();
});

test("outside the hours visitors see the host away until the next opening, calls are refused, messages taken; hours set from the dashboard apply at once and at their boundaries", async () => {
  const origin = server!.origin;
  const room = uniqueRoom("hours");
  const host = await RawSocket.open(await hostSocketUrl(origin, room, HOST_KEY));
  const visitor = await RawSocket.open(roomSocketUrl(origin, room));
  try {
    const told = await host.next("the hours", is("hours"));
    assert.deepEqual(told, { type: "hours", hours: CONFIG_HOURS, source: "config", open: false, nextChange: NEXT_OPEN });
    host.send({ type: "available", available: true });
    await host.next("presence", (f) => f.type === "presence" && f.available === true);

    // Visitors: away, with the next opening, on the socket and over HTTP.
    await visitor.next("welcome", is("welcome"));
    await visitor.next("away until the opening", (f) => f.type === "presence" && f.available === false && f.nextOpen === NEXT_OPEN);
    const presence = (await (await fetch(`${origin}${roomPath(room)}/presence`)).json()) as Frame;
    assert.deepEqual(presence, { available: false, calls: false, nextOpen: NEXT_OPEN });

    visitor.send({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } });
    const refused = await visitor.next("the call refused", is("error"));
    assert.equal(refused.code, "unavailable");
    visitor.send({ type: "text", text: "Are you there?", clientId: randomUUID() });
    await visitor.next("the message taken", is("sent"));
    await host.next("the message", (f) => f.type === "message");

    // Only a host sets hours, and only valid ones.
    visitor.send({ type: "hours", hours: null });
    assert.equal((await visitor.next("refused", is("error"))).code, "forbidden");
    host.send({ type: "hours", hours: { timeZone: "UTC", mon: "17:00-09:00" } });
    const bad = await host.next("bad hours refused", is("error"));
    assert.equal(bad.code, "bad_message");
    assert.match(String(bad.message), /hours\.mon/);

    // Hours that include now: visitors see the host available again, every dashboard hears them.
    const allWeek = Object.fromEntries([["timeZone", "UTC"], ...WEEKDAYS.map((d) => [d, "00:00-24:00"])]) as BusinessHours;
    const other = await RawSocket.open(await hostSocketUrl(origin, room, HOST_KEY));
    await other.next("the hours", is("hours"));
    host.send({ type: "hours", hours: allWeek });
    for (const h of [host, other]) {
      const frame = await h.next("the new hours", (f) => f.type === "hours" && f.source === "dashboard");
      assert.deepEqual(frame.hours, allWeek);
      assert.equal(frame.open, true);
    }
    const back = await visitor.next("available", (f) => f.type === "presence" && f.available === true);
    assert.equal(back.nextOpen, undefined);
    await other.close();

    // Hours opening at the next whole minute: away until then, and the room flips presence by itself.
    const opening = Math.ceil((Date.now() + 1000) / 60_000) * 60_000;
    const soon = { timeZone: "UTC", [weekday(opening)]: `${hhmm(opening)}-24:00` } as BusinessHours;
    host.send({ type: "hours", hours: soon });
    await visitor.next("away until the next minute", (f) => f.type === "presence" && f.available === false && f.nextOpen === opening);
    await eventually(
      "available again at the opening",
      async () => visitor.frames.filter(is("presence")).at(-1),
      (f) => f?.available === true,
      opening - Date.now() + 15_000,
    );
    assert.ok(Date.now() >= opening, "flipped before the opening");
    // A new visitor sees the host available too.
    const late = await RawSocket.open(roomSocketUrl(origin, room));
    await late.next("available", (f) => f.type === "presence" && f.available === true);
    await late.close();
  } finally {
    await visitor.close();
    await host.close();
  }
});
