/// <reference types="node" />
/**
 * Meetings against a real server (either runtime), over raw sockets: a host
 * creates a meeting, guests join with its link and PIN, signaling goes only
 * between admitted participants, and the rules hold — wrong PINs refused and
 * rate-limited per address and, past a meeting's allowance, no longer
 * admitting the right PIN at once, full, expired and ended meetings refused with
 * their codes, a removed guest out for good (and one back from its address
 * without its key waiting for a host), at most two waiting places per
 * address, a dropped guest back in its place within the grace.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { MAX_WAITING_PER_ADDRESS, MEETING_PIN_RATE } from "../../party/core/meetings.ts";
import { ADDRESS_RATES } from "../../party/core/limits.ts";
import { uniqueRoom } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { startServer, type TestServer } from "../support/server.ts";

const HOST_KEY = randomUUID();
let server: TestServer;

before(async () => {
  server = await startServer({ vars: { HOST_KEY, ICE_SERVERS: "[]" } });
});
after(async () => {
  await server?.stop();
});

interface MeetingRow {
  id: string;
  token: string;
  title: string;
  state: string;
  expiresAt: number;
  participants: { id: string; name: string; state: string; connected: boolean }[];
}

const open: RawSocket[] = [];
after(async () => {
  await Promise.all(open.map((s) => s.close()));
});

async function hostIn(room: string): Promise<RawSocket> {
  const host = await RawSocket.open(await hostSocketUrl(server.origin, room, HOST_KEY));
  open.push(host);
  await host.next("meetings on connect", (f) => f.type === "meetings");
  return host;
}

async function guestIn(room: string, address = "203.0.113.1"): Promise<RawSocket> {
  const guest = await RawSocket.open(roomSocketUrl(server.origin, room), { address });
  open.push(guest);
  await guest.next("welcome", (f) => f.type === "welcome");
  return guest;
}

/** The host creates a meeting; its row in the dashboards' list. */
async function create(host: RawSocket, body: { title: string; pin?: string; expiresInS?: number; capacity?: number }): Promise<MeetingRow> {
  host.send({ type: "meeting-create", expiresInS: 3600, ...body });
  const frame = await host.next("meetings with the new one", (f) => f.type === "meetings" && (f.meetings as MeetingRow[]).some((m) => m.title === body.title));
  const row = (frame.meetings as MeetingRow[]).find((m) => m.title === body.title)!;
  assert.match(row.token, /^[A-Za-z0-9_-]{22,}$/, "the token is at least 128 bits of base64url");
  return row;
}

const meetingFrame = (s: RawSocket, what: string, pred: (f: Frame) => boolean = () => true) => s.next(what, (f) => f.type === "meeting" && pred(f));
const errorCode = (s: RawSocket, what: string) => s.next(what, (f) => f.type === "error").then((f) => f.code);
const peers = (f: Frame) => (f.participants as { id: string; name: string; connected: boolean }[]);

describe("meetings", () => {
  test("guests with the PIN are admitted; signaling goes only between admitted participants of the meeting", async () => {
    const room = uniqueRoom("meet-pin");
    const host = await hostIn(room);
    const row = await create(host, { title: "Consulting", pin: "4821" });
    // No value is the PIN, and no field holds it or its hash. Not `JSON.stringify(row).includes(pin)`:
    // a millisecond timestamp or a random id holds any four digits now and then.
    const values: unknown[] = [];
    JSON.stringify(row, (key, value: unknown) => {
      assert.ok(!/^pin./i.test(key), `no ${key} in a meeting's row`);
      values.push(value);
      return value;
    });
    assert.equal(values.some((v) => String(v) === "4821"), false, "the PIN is never sent back");
    assert.equal((row as MeetingRow & { pin?: unknown }).pin, true, "the row says only that there is a PIN");

    host.send({ type: "meeting-join", token: row.token, name: "ignored for hosts" });
    const hostSeat = await meetingFrame(host, "host admitted", (f) => f.state === "admitted");
    const ada = await guestIn(room, "203.0.113.10");
    ada.send({ type: "meeting-join", token: row.token, name: "Ada", pin: "4821" });
    const adaSeat = await meetingFrame(ada, "Ada admitted", (f) => f.state === "admitted" && peers(f).length === 2);
    const bob = await guestIn(room, "203.0.113.11");
    bob.send({ type: "meeting-join", token: row.token, name: "Bob", pin: "4821" });
    const bobSeat = await meetingFrame(bob, "Bob admitted", (f) => f.state === "admitted" && peers(f).length === 3);
    assert.deepEqual(new Set(peers(bobSeat).map((p) => p.id)), new Set([hostSeat.you, adaSeat.you, bobSeat.you]));
    assert.ok(peers(bobSeat).some((p) => p.name === "Ada") && peers(bobSeat).some((p) => p.name === "Bob"), "names as given");
    await meetingFrame(host, "host sees three", (f) => peers(f).length === 3);

    // An offer from Ada to Bob reaches Bob only, from Ada's participant id.
    ada.send({ type: "meeting-signal", to: bobSeat.you, description: { type: "offer", sdp: "v=0 ada" } });
    const relayed = await bob.next("Ada's offer", (f) => f.type === "meeting-signal");
    assert.equal(relayed.from, adaSeat.you);
    assert.deepEqual(relayed.description, { type: "offer", sdp: "v=0 ada" });
    bob.send({ type: "meeting-signal", to: adaSeat.you, candidate: null });
    assert.equal((await ada.next("Bob's end of candidates", (f) => f.type === "meeting-signal")).candidate, null);

    // A stranger in the same room can neither signal nor reach a participant, nor act as a host.
    const stranger = await guestIn(room, "203.0.113.12");
    stranger.send({ type: "meeting-signal", to: adaSeat.you, description: { type: "offer", sdp: "v=0 x" } });
    assert.equal(await errorCode(stranger, "stranger's signal refused"), "forbidden");
    stranger.send({ type: "meeting-end", meetingId: row.id });
    assert.equal(await errorCode(stranger, "stranger's end refused"), "forbidden");
    ada.send({ type: "meeting-signal", to: randomUUID(), candidate: null });
    assert.equal(await errorCode(ada, "signal to nobody refused"), "not_found");
    ada.send({ type: "meeting-signal", to: bobSeat.you, description: { type: "offer", sdp: "v=0" }, candidate: null });
    assert.equal(await errorCode(ada, "signal with both refused"), "bad_message");
    assert.equal(ada.frames.filter((f) => f.type === "meeting-signal").length, 1, "nothing else reached Ada");
  });

  test("a wrong PIN is refused, and rate-limited per address without locking out others", async () => {
    const room = uniqueRoom("meet-wrong");
    const host = await hostIn(room);
    const row = await create(host, { title: "Guarded", pin: "123456" });
    const guesser = await guestIn(room, "198.51.100.7");
    for (let i = 0; i < 5; i++) {
      guesser.send({ type: "meeting-join", token: row.token, name: "Mallory", pin: String(900000 + i) });
      assert.equal(await errorCode(guesser, `wrong PIN ${i + 1}`), "wrong_pin");
    }
    guesser.send({ type: "meeting-join", token: row.token, name: "Mallory", pin: "999999" });
    assert.equal(await errorCode(guesser, "sixth guess"), "rate_limited");
    guesser.send({ type: "meeting-join", token: row.token, name: "Mallory", pin: "123456" });
    assert.equal(await errorCode(guesser, "even the right PIN, from that address"), "rate_limited");

    const rightful = await guestIn(room, "198.51.100.8");
    rightful.send({ type: "meeting-join", token: row.token, name: "Grace", pin: "123456" });
    await meetingFrame(rightful, "a guest elsewhere is admitted", (f) => f.state === "admitted");
    host.send({ type: "meeting-join", token: row.token, name: "Host" });
    await meetingFrame(host, "the host needs no PIN", (f) => f.state === "admitted" && peers(f).length === 2);
    assert.equal(guesser.frames.some((f) => f.type === "meeting"), false, "the guesser never got in");
  });

  test("past a meeting's allowance of wrong PINs from many addresses, the right PIN waits for a host; other meetings are not affected", async () => {
    const room = uniqueRoom("meet-pin-burst");
    const host = await hostIn(room);
    const guarded = await create(host, { title: "Guessed at", pin: "731904" });
    const other = await create(host, { title: "Left alone", pin: "731904" });
    // Wrong PINs from several addresses, each within its own `pin` allowance (ADDRESS_RATES.pin.burst),
    // so only the meeting's count (MEETING_PIN_RATE.burst) can stop them.
    const perAddress = ADDRESS_RATES.pin.burst;
    let wrong = 0;
    const guess = async (upTo: number): Promise<void> => {
      while (wrong < upTo) {
        const guesser = await guestIn(room, `198.51.100.${100 + Math.floor(wrong / perAddress)}`);
        for (let i = 0; i < perAddress && wrong < upTo; i++, wrong++) {
          guesser.send({ type: "meeting-join", token: guarded.token, name: "Mallory", pin: String(100000 + wrong) });
          assert.equal(await errorCode(guesser, `wrong PIN ${wrong + 1}`), "wrong_pin");
        }
        await guesser.close();
      }
    };
    // One short of the allowance, the right PIN still admits at once.
    await guess(MEETING_PIN_RATE.burst - 1);
    const early = await guestIn(room, "198.51.100.200");
    early.send({ type: "meeting-join", token: guarded.token, name: "Early", pin: "731904" });
    await meetingFrame(early, "admitted with one wrong PIN to spare", (f) => f.state === "admitted");
    // The allowance spent: the right PIN, from an address that never tried, waits for a host.
    await guess(MEETING_PIN_RATE.burst);
    const late = await guestIn(room, "198.51.100.201");
    late.send({ type: "meeting-join", token: guarded.token, name: "Late", pin: "731904" });
    const waiting = await meetingFrame(late, "the right PIN waits for a host", (f) => f.state === "waiting");
    late.send({ type: "meeting-signal", to: randomUUID(), candidate: null });
    assert.equal(await errorCode(late, "no signaling while waiting"), "forbidden");
    await host.next("the dashboard lists Late as waiting", (f) => f.type === "meetings" && (f.meetings as MeetingRow[]).some((m) => m.id === guarded.id && m.participants.some((p) => p.name === "Late" && p.state === "waiting")));
    host.send({ type: "meeting-admit", meetingId: guarded.id, participantId: waiting.you });
    await meetingFrame(late, "admitted by the host", (f) => f.state === "admitted" && peers(f).length === 2);
    // Another meeting of the same room still admits its right PIN at once.
    const elsewhere = await guestIn(room, "198.51.100.202");
    elsewhere.send({ type: "meeting-join", token: other.token, name: "Elsewhere", pin: "731904" });
    await meetingFrame(elsewhere, "admitted to the other meeting at once", (f) => f.state === "admitted");
    // And a wrong PIN is still refused as such (not let in, not waiting).
    const stray = await guestIn(room, "198.51.100.203");
    stray.send({ type: "meeting-join", token: guarded.token, name: "Stray", pin: "000000" });
    assert.equal(await errorCode(stray, "a wrong PIN past the allowance"), "wrong_pin");
    assert.equal(stray.frames.some((f) => f.type === "meeting"), false, "a wrong PIN never gets a seat");
  });

  test("a meeting without a PIN waits for a host to admit; full, expired and ended meetings are refused with their codes", async () => {
    const room = uniqueRoom("meet-rules");
    const host = await hostIn(room);
    const small = await create(host, { title: "Small", capacity: 2 });
    const first = await guestIn(room, "192.0.2.1");
    first.send({ type: "meeting-join", token: small.token, name: "First" });
    const waiting = await meetingFrame(first, "waiting to be admitted", (f) => f.state === "waiting");
    first.send({ type: "meeting-signal", to: randomUUID(), candidate: null });
    assert.equal(await errorCode(first, "no signaling while waiting"), "forbidden");
    host.send({ type: "meeting-admit", meetingId: small.id, participantId: waiting.you });
    await meetingFrame(first, "admitted by the host", (f) => f.state === "admitted");
    host.send({ type: "meeting-join", token: small.token, name: "Host" });
    await meetingFrame(host, "host in: two of two", (f) => peers(f).length === 2);
    const third = await guestIn(room, "192.0.2.3");
    third.send({ type: "meeting-join", token: small.token, name: "Third" });
    const late = await meetingFrame(third, "third waits", (f) => f.state === "waiting");
    host.send({ type: "meeting-admit", meetingId: small.id, participantId: late.you });
    assert.equal(await errorCode(host, "admitting past capacity"), "meeting_full");

    const withPin = await create(host, { title: "Small with PIN", capacity: 2, pin: "2468" });
    const a = await guestIn(room, "192.0.2.4");
    a.send({ type: "meeting-join", token: withPin.token, name: "A", pin: "2468" });
    await meetingFrame(a, "A in", (f) => f.state === "admitted");
    const b = await guestIn(room, "192.0.2.5");
    b.send({ type: "meeting-join", token: withPin.token, name: "B", pin: "2468" });
    await meetingFrame(b, "B in", (f) => f.state === "admitted");
    const c = await guestIn(room, "192.0.2.6");
    c.send({ type: "meeting-join", token: withPin.token, name: "C", pin: "2468" });
    assert.equal(await errorCode(c, "full"), "meeting_full");

    const brief = await create(host, { title: "Brief", expiresInS: 2 });
    const d = await guestIn(room, "192.0.2.7");
    // Wait out its expiry (the room and this test share a clock).
    await sleep(Math.max(0, brief.expiresAt - Date.now()) + 50);
    d.send({ type: "meeting-join", token: brief.token, name: "D" });
    assert.equal(await errorCode(d, "expired"), "meeting_expired");

    host.send({ type: "meeting-end", meetingId: small.id });
    assert.equal((await first.next("ended for all", (f) => f.type === "meeting-closed")).reason, "ended");
    assert.equal((await host.next("ended for the host too", (f) => f.type === "meeting-closed")).reason, "ended");
    const e = await guestIn(room, "192.0.2.8");
    e.send({ type: "meeting-join", token: small.token, name: "E" });
    assert.equal(await errorCode(e, "ended"), "meeting_ended");
    host.send({ type: "meeting-delete", meetingId: small.id });
    await host.next("deleted from the list", (f) => f.type === "meetings" && !(f.meetings as MeetingRow[]).some((m) => m.id === small.id));
    e.send({ type: "meeting-join", token: small.token, name: "E" });
    assert.equal(await errorCode(e, "deleted"), "not_found");
  });

  test("one address holds at most MAX_WAITING_PER_ADDRESS places in a waiting room; others still get in line", async () => {
    const room = uniqueRoom("meet-lobby");
    const host = await hostIn(room);
    const row = await create(host, { title: "Open door" });
    const seats: Frame[] = [];
    for (let i = 0; i < MAX_WAITING_PER_ADDRESS; i++) {
      const s = await guestIn(room, "198.51.100.9");
      s.send({ type: "meeting-join", token: row.token, name: `Flood ${i}` });
      seats.push(await meetingFrame(s, `flood ${i} waits`, (f) => f.state === "waiting"));
    }
    const extra = await guestIn(room, "198.51.100.9");
    extra.send({ type: "meeting-join", token: row.token, name: "Flood more" });
    assert.equal(await errorCode(extra, "one more from the same address"), "rate_limited");
    const guest = await guestIn(room, "198.51.100.10");
    guest.send({ type: "meeting-join", token: row.token, name: "Client" });
    const seat = await meetingFrame(guest, "a guest from elsewhere still waits in line", (f) => f.state === "waiting");
    host.send({ type: "meeting-admit", meetingId: row.id, participantId: seat.you });
    await meetingFrame(guest, "and is admitted", (f) => f.state === "admitted");
    // A place freed (the host turned one away) can be taken again from that address.
    host.send({ type: "meeting-remove", meetingId: row.id, participantId: seats[0].you });
    await host.next("one fewer waiting", (f) => f.type === "meetings" && !(f.meetings as MeetingRow[]).some((m) => m.participants.some((p) => p.id === seats[0].you)));
    extra.send({ type: "meeting-join", token: row.token, name: "Flood more" });
    await meetingFrame(extra, "a freed place is taken", (f) => f.state === "waiting");
  });

  test("a guest removed by the host is out and cannot join again; a dropped guest takes its place again", async () => {
    const room = uniqueRoom("meet-remove");
    const host = await hostIn(room);
    const row = await create(host, { title: "Support", pin: "5555" });
    host.send({ type: "meeting-join", token: row.token, name: "Host" });
    await meetingFrame(host, "host in", (f) => f.state === "admitted");
    const gone = await guestIn(room, "192.0.2.20");
    gone.send({ type: "meeting-join", token: row.token, name: "Removed", pin: "5555" });
    const goneSeat = await meetingFrame(gone, "in", (f) => f.state === "admitted");
    const stays = await guestIn(room, "192.0.2.21");
    stays.send({ type: "meeting-join", token: row.token, name: "Stays", pin: "5555" });
    const staysSeat = await meetingFrame(stays, "in", (f) => f.state === "admitted" && peers(f).length === 3);

    host.send({ type: "meeting-remove", meetingId: row.id, participantId: goneSeat.you });
    assert.equal((await gone.next("removed", (f) => f.type === "meeting-closed")).reason, "removed");
    await meetingFrame(stays, "roster without the removed guest", (f) => peers(f).length === 2 && !peers(f).some((p) => p.id === goneSeat.you));
    gone.send({ type: "meeting-signal", to: staysSeat.you, candidate: null });
    assert.equal(await errorCode(gone, "no signaling once removed"), "forbidden");
    gone.send({ type: "meeting-join", token: row.token, name: "Removed", pin: "5555", rejoin: goneSeat.rejoin });
    assert.equal(await errorCode(gone, "cannot join again"), "removed");
    // Back without its key (storage cleared), from the same address: the PIN no longer lets it in, a host decides.
    const fresh = await guestIn(room, "192.0.2.20");
    fresh.send({ type: "meeting-join", token: row.token, name: "Removed again", pin: "5555" });
    const lobby = await meetingFrame(fresh, "waits for a host", (f) => f.state === "waiting");
    await host.next("the host sees it waiting", (f) => f.type === "meetings" && (f.meetings as MeetingRow[]).some((m) => m.participants.some((p) => p.id === lobby.you && p.state === "waiting")));
    fresh.send({ type: "meeting-signal", to: staysSeat.you, candidate: null });
    assert.equal(await errorCode(fresh, "no signaling while waiting"), "forbidden");
    // Another address with the PIN is still let in at once.
    const other = await guestIn(room, "192.0.2.22");
    other.send({ type: "meeting-join", token: row.token, name: "Other", pin: "5555" });
    await meetingFrame(other, "another address is admitted by the PIN", (f) => f.state === "admitted");
    other.send({ type: "meeting-leave" });

    // Stays' socket drops; the others see it reconnecting; a new socket with its key takes its place, no PIN.
    await stays.close();
    await meetingFrame(host, "Stays reconnecting", (f) => peers(f).some((p) => p.id === staysSeat.you && !p.connected));
    const back = await guestIn(room, "192.0.2.21");
    back.send({ type: "meeting-join", token: row.token, name: "Stays", rejoin: staysSeat.rejoin });
    const again = await meetingFrame(back, "back in its place", (f) => f.state === "admitted");
    assert.equal(again.you, staysSeat.you, "the same participant");
    await meetingFrame(host, "Stays connected again", (f) => peers(f).some((p) => p.id === staysSeat.you && p.connected));
    const hostSeat = host.frames.filter((f) => f.type === "meeting").at(-1)!;
    back.send({ type: "meeting-signal", to: hostSeat.you, candidate: null });
    assert.equal((await host.next("signal from the rejoined guest", (f) => f.type === "meeting-signal")).from, staysSeat.you);
  });
});
