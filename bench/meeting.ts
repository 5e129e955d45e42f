/// <reference types="node" />
/**
 * Meetings: how long the last of N people takes to see everyone after
 * clicking **Join** on an invite link, and how much CPU the browser spends
 * once the meeting is up; against the same number of pages forming a full
 * mesh directly with the widget's own `PeerCall` (signals passed between the
 * pages by the benchmark process, no server).
 *
 * Times are taken inside the pages on the shared wall clock
 * (`performance.timeOrigin + performance.now()`): the click by a capturing
 * listener installed before the page's own scripts, the frames by polling,
 * every 10 ms in the page, the frame counts of each remote `<video>`
 * (`REMOTE_TILE_FRAMES` of `test/support/meeting.ts` on the widget's tiles,
 * the same counters on the direct pages' videos). CPU is read from /proc: the
 * user + system time of every process of the benchmark's Chromium.
 * @module
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Browser, Page } from "playwright-core";
import { MAX_MEETING_SIZE } from "../protocol/socket.ts";
import { eventually, launchChromium, Pages, WAIT_MS, type TestPage } from "../test/support/browser.ts";
import { assertEveryoneSeesEveryone, createMeeting, joinFromLink, latestMeetings, REMOTE_TILE_FRAMES, remoteFrames, type MeetingSeat } from "../test/support/meeting.ts";
import { videoCapFor } from "../widget/meeting/mesh.ts";
import { roomName, type BenchContext } from "./lib/context.ts";
import { failed, withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";
import { allProcesses, cpuSeconds, descendants } from "./lib/procs.ts";
import { summarize } from "./lib/stats.ts";

const SECTION = "Meetings";
const PIN = "2580";
/** Meeting sizes measured: one-to-one, then the two the end-to-end tests run. */
const SIZES = [2, 3, MAX_MEETING_SIZE] as const;
/**
 * `--quick` leaves out the meeting of 5: on 2 cores its 5 pages (20 encoders, 20 decoders) keep the machine
 * saturated, and setting it up alone takes longer than a quick run's whole budget.
 */
const QUICK_SIZES: readonly number[] = [2, 3];
/** How long the frames of a join may take to show, ms (page load and form filling included). */
const JOIN_WAIT_MS = 90_000;
/**
 * A meeting (or direct mesh) of N is not seated with less than N times this
 * left before the run's deadline (ms): seating five took over a minute here,
 * and the run's hard limit, a minute past the deadline, would lose every
 * figure.
 */
const SEATING_MS_PER_PERSON = 15_000;

/** Sizes of a run: joins per meeting size, the CPU window, and the time after which no further join starts. */
function plan(quick: boolean): { joins: (size: number) => number; windowS: number; budgetMs: number } {
  // The one-to-one row is a by-product: one join in the full run too.
  return quick ? { joins: () => 1, windowS: 1, budgetMs: 120_000 } : { joins: (size) => (size === 2 ? 1 : 3), windowS: 5, budgetMs: 300_000 };
}

/** Upper bound of a step between joins (a tile going) while the machine is saturated, ms. */
const STEP_MS = 60_000;

export const MEETING: Section = {
  title: SECTION,
  description: `
Meetings of 2, 3 and ${MAX_MEETING_SIZE} people in headless Chromium (fake camera and microphone, one browser context per
person, \`ICE_SERVERS=[]\` so candidates are loopback host candidates), on \`partykit dev\`. A host creates the meeting
over a raw socket (\`meeting-create\` with a PIN and room for N); N − 1 guests open the invite link
\`/?room=R&meeting=<token>\`, enter a name and the PIN and click **Join**, and the benchmark waits until every one
shows video from every other. Then the last guest does the same, timed: **Join time** runs from its **Join** click
(a capturing listener installed before the page's scripts) to the moment its page shows decoded video frames on the
tiles of all N − 1 others; the **everyone** row runs on until every other page also shows the newcomer's frames.
Frames are the counts \`test/support/meeting.ts\` reads on each remote tile (the larger of
\`getVideoPlaybackQuality().totalVideoFrames\` and the frames presented, \`requestVideoFrameCallback\`), polled in the
page every 10 ms, on the shared clock (\`performance.timeOrigin + performance.now()\`). The host then removes the
newcomer (\`meeting-remove\`) and its page closes; each further join is a fresh page with a new name (the meeting of 2 is joined once;
no further join starts once the section has run ${plan(false).budgetMs / 1000} s or the run is within 90 s of its deadline,
and no meeting or direct mesh of N is seated within N × ${SEATING_MS_PER_PERSON / 1000} s of it,
so n may be smaller (or 0); the section runs last for that reason; \`--quick\` leaves out the meeting
of ${MAX_MEETING_SIZE}).

**CPU**: once all N show each other's video, the user + system CPU time of every process of the benchmark's
Chromium (the browser process and all below it: renderers, GPU, network and audio utilities; \`/proc/<pid>/stat\`)
over a fixed window after each join, divided by the window's wall time, in cores (1 = one core busy).
Only this meeting's pages are open meanwhile. Beside it, the room server's (\`workerd\`) share of a core over the same window.

Baseline: the same number of pages, each the demo page \`/?room=R\` (a room of its own, no meeting), forming a
full mesh directly with the widget's own \`PeerCall\`: one per pair, the participant whose random id sorts first
polite (waiting for the other's offer), as the widget's mesh does, each video capped as the widget caps it
(bitrate, frame rate and size, for the meeting's size) once connected, signals handed between the pages by the benchmark process
(\`exposeFunction\` → \`evaluate\`). N − 1 pages form the mesh first; then the last page starts (camera and microphone,
then a "hello" to each other page, which opens its side of the pair on it), timed from that start until its page
has frames from all others (and, for the **everyone** row, until all others have its frames), each remote video
in a 320×180 \`<video>\` with its sound on (the widget's tiles play theirs too). What the widget adds to the
join: opening a socket to the room and \`meeting-join\` with the PIN, the roster coming back, every offer, answer
and candidate relayed through the room, and the meeting's UI. What it adds to the CPU: the meeting's UI (its tile
grid with a local preview, re-rendered on every change), the active-speaker poll (\`getStats\` on every pair every
400 ms) and the page's socket to the room.
`,
};

/**
 * In-page helpers both kinds of page share: `window.__untilFrames(names,
 * timeoutMs)` resolves with the time (shared clock) at which
 * `window.__meetFrames()` first counted a frame from each of `names`
 * (`window.__firstFrames`: when each first did, for the progress log).
 */
const UNTIL_FRAMES = `
window.__untilFrames = (names, timeoutMs) => new Promise((resolve, reject) => {
  const start = Date.now();
  const tick = async () => {
    let frames = {};
    try { frames = JSON.parse(await window.__meetFrames()); } catch {}
    const now = performance.timeOrigin + performance.now();
    window.__firstFrames ??= {};
    for (const n of names) if ((frames[n] ?? 0) > 0) window.__firstFrames[n] ??= now;
    if (names.every((n) => (frames[n] ?? 0) > 0)) resolve(now);
    else if (Date.now() - start > timeoutMs) reject(new Error("no frames from " + names.filter((n) => !(frames[n] > 0)).join(", ") + " within " + timeoutMs + " ms"));
    else setTimeout(tick, 10);
  };
  tick();
});`;

/**
 * Init script of every widget page (before the page's own scripts): the
 * time of the first **Join** click, and the remote tiles' frame counts
 * ({@link REMOTE_TILE_FRAMES}).
 */
const WIDGET_PROBE = `
window.__meetFrames = () => ${REMOTE_TILE_FRAMES};
document.addEventListener("click", (e) => {
  const btn = e.composedPath().find((n) => n instanceof HTMLButtonElement);
  if (btn && (btn.textContent || "").trim() === "Join" && window.__joinClick === undefined) window.__joinClick = performance.timeOrigin + performance.now();
}, { capture: true });
${UNTIL_FRAMES}`;

/**
 * Page script of the direct baseline: the widget's PeerCall (a chunk of the
 * demo's bundle), one per pair; signals go out through
 * `window.__benchSend(to, message)` and come in through `window.__mesh.receive`.
 */
const DIRECT_PROBE = `(async () => {
  const { PeerCall } = await (await import("/dist/index.js")).loadPeerCall();
  const m = (window.__mesh = { name: "", id: "", stream: null, peers: new Map(), cap: {} });
  const send = (to, message) => window.__benchSend(to, JSON.stringify(message));
  const open = (other) => {
    const polite = m.id < other.id;
    const call = new PeerCall({ polite, awaitRemoteOffer: polite, iceServers: [], send: (signal) => send(other.name, { kind: "signal", from: m.name, signal }) });
    call.addStream(m.stream);
    const video = Object.assign(document.createElement("video"), { autoplay: true, playsInline: true, srcObject: call.remoteStream });
    video.style.cssText = "width:320px;height:180px";
    document.body.append(video);
    video.presented = 0;
    const count = () => { video.presented++; video.requestVideoFrameCallback(count); };
    video.requestVideoFrameCallback(count);
    call.addEventListener("track", () => void video.play().catch(() => {}));
    // The widget's cap for the meeting's size, set once connected, as its mesh does.
    call.addEventListener("statechange", () => {
      if (call.state !== "connected") return;
      for (const sender of call.pc.getSenders()) {
        if (sender.track?.kind !== "video") continue;
        const params = sender.getParameters();
        if (!params.encodings?.length) continue;
        Object.assign(params.encodings[0], m.cap);
        sender.setParameters(params).catch(() => {});
      }
    });
    m.peers.set(other.name, { call, video });
  };
  const drop = (name) => {
    const peer = m.peers.get(name);
    if (!peer) return;
    peer.call.close();
    peer.video.remove();
    m.peers.delete(name);
  };
  window.__meetFrames = async () => {
    const out = {};
    for (const [name, p] of m.peers) out[name] = Math.max(p.video.getVideoPlaybackQuality().totalVideoFrames, p.video.presented);
    return JSON.stringify(out);
  };
  /** Join the mesh of \`others\` ({name, id}); resolves with the start time. */
  m.join = async (name, id, others, cap) => {
    const start = performance.timeOrigin + performance.now();
    Object.assign(m, { name, id, cap });
    m.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const other of others) {
      send(other.name, { kind: "hello", from: { name, id } });
      open(other);
    }
    return start;
  };
  m.leave = () => {
    for (const name of [...m.peers.keys()]) drop(name);
    m.stream?.getTracks().forEach((t) => t.stop());
  };
  m.receive = (raw) => {
    const msg = JSON.parse(raw);
    if (msg.kind === "hello") open(msg.from);
    else if (msg.kind === "bye") drop(msg.from);
    else if (msg.kind === "signal") void m.peers.get(msg.from)?.call.receive(msg.signal);
  };
})()`;

/** One timed join into a meeting of N, and the CPU measured after it. */
interface Sample {
  /** Join started → frames from all others on the newcomer's page, ms. */
  join: number;
  /** Join started → every page has frames from every other, ms. */
  everyone: number;
  /** The browser's CPU over the window, cores. */
  cpu: number;
  /** The room server's (workerd) CPU over the window, cores; NaN for the direct pages. */
  server: number;
}

/** The joins of one meeting (or direct mesh), and why any further one failed. */
interface Joins {
  samples: Sample[];
  failures: string[];
}

/** The root processes of Chromium browsers below this process. */
function chromiumRoots(): Set<number> {
  const procs = allProcesses();
  const chrome = descendants(process.pid, procs).filter((p) => /chrom|headless_shell/i.test(p.name));
  const pids = new Set(chrome.map((p) => p.pid));
  return new Set(chrome.filter((p) => !pids.has(p.ppid)).map((p) => p.pid));
}

/** A launched Chromium and its process tree. */
interface BenchBrowser {
  browser: Browser;
  /** Every process of this browser now. */
  pids(): number[];
}

async function launch(): Promise<BenchBrowser> {
  const before = chromiumRoots();
  const browser = await launchChromium();
  const roots = [...chromiumRoots()].filter((p) => !before.has(p));
  if (roots.length === 0) throw new Error("could not find the launched Chromium's processes in /proc");
  return {
    browser,
    pids: () => {
      const procs = allProcesses();
      return roots.flatMap((r) => descendants(r, procs).map((p) => p.pid));
    },
  };
}

/** CPU of the browser (and `serverPids`) over `windowS` seconds, in cores. */
async function cpuWindow(b: BenchBrowser, serverPids: number[], windowS: number): Promise<{ cpu: number; server: number }> {
  const pids = b.pids();
  const t0 = performance.now();
  const c0 = cpuSeconds(pids);
  const s0 = cpuSeconds(serverPids);
  await sleep(windowS * 1000);
  const wall = (performance.now() - t0) / 1000;
  return { cpu: (cpuSeconds(pids) - c0) / wall, server: serverPids.length ? (cpuSeconds(serverPids) - s0) / wall : NaN };
}

/** When the newcomer's page first showed each other's frames, ms after `t0`, for the progress log. */
async function firsts(page: Page, t0: number): Promise<string> {
  const at = (await page.evaluate("window.__firstFrames ?? {}")) as Record<string, number>;
  return Object.entries(at).map(([name, t]) => `${name} ${(t - t0).toFixed(0)}`).join(", ");
}

function untilFrames(page: Page, names: string[]): Promise<number> {
  return page.evaluate(`window.__untilFrames(${JSON.stringify(names)}, ${JOIN_WAIT_MS})`) as Promise<number>;
}

/** Settle a little after everyone connected (bitrate caps, first renegotiations), so the window sees the steady state. */
const SETTLE_MS = 1_000;

/** What one meeting size's runs get: the joins to time, the CPU window, and when to stop starting joins (ms since the epoch). */
interface Run {
  joins: number;
  windowS: number;
  softEnd: number;
}

async function widgetMeeting(ctx: BenchContext, b: BenchBrowser, size: number, { joins, windowS, softEnd }: Run): Promise<Joins> {
  const pages = new Pages(b.browser);
  const room = roomName(`bench-meeting-${size}`);
  const { host, token } = await createMeeting(ctx.partykit.origin, room, ctx.hostKey, { title: `Bench meeting of ${size}`, pin: PIN, capacity: size });
  try {
    const origin = ctx.partykit.origin;
    const open = (name: string): Promise<TestPage> => joinFromLink(pages, origin, room, token, name, PIN, { init: WIDGET_PROBE });
    const seat = (name: string, guest: TestPage): MeetingSeat => ({ name, frames: () => remoteFrames(guest) });
    const seated: Array<{ name: string; guest: TestPage }> = [];
    for (let i = 1; i < size; i++) {
      const name = `Guest ${i}`;
      seated.push({ name, guest: await open(name) });
    }
    await assertEveryoneSeesEveryone(seated.map((s) => seat(s.name, s.guest)), { firstMs: JOIN_WAIT_MS, onMs: WAIT_MS });

    const samples: Sample[] = [];
    const failures: string[] = [];
    for (let j = 1; j <= joins; j++) {
      try {
        ctx.deadline.check(`meeting of ${size}`);
        if (j > 1 && Date.now() > softEnd) break;
        const name = `Newcomer ${j}`;
        const others = seated.map((s) => s.name);
        // The others wait for the newcomer's frames from before it loads.
        const seen = seated.map((s) => untilFrames(s.guest.page, [name]));
        seen.forEach((p) => p.catch(() => {}));
        const guest = await open(name);
        const sees = await untilFrames(guest.page, others);
        const clicked = (await guest.page.evaluate("window.__joinClick")) as number;
        const everyone = Math.max(sees, ...(await Promise.all(seen)));
        await sleep(SETTLE_MS);
        const { cpu, server } = await cpuWindow(b, ctx.room.serverPids(), windowS);
        const sample = { join: sees - clicked, everyone: everyone - clicked, cpu, server };
        samples.push(sample);
        ctx.log(`  meeting of ${size}, join ${j}: ${sample.join.toFixed(0)} ms (${await firsts(guest.page, clicked)}; everyone ${sample.everyone.toFixed(0)} ms); browser ${cpu.toFixed(2)} cores, room server ${server.toFixed(2)}`);
        // The host removes the newcomer (over its socket, which a saturated page cannot stall); its place is free for the next one.
        const listed = latestMeetings(host)[0];
        const newcomer = listed?.participants.find((p) => p.name === name);
        if (!listed || !newcomer) throw new Error(`${name} is not in the host's list of the meeting`);
        host.send({ type: "meeting-remove", meetingId: listed.id, participantId: newcomer.id });
        await guest.context.close();
        await Promise.all(seated.map((s) => eventually(`${s.name} no longer showing ${name}`, () => remoteFrames(s.guest), (f) => !(name in f), STEP_MS)));
      } catch (err) {
        noteFailure(ctx, err, j, samples.length, failures);
        break;
      }
    }
    return { samples, failures };
  } finally {
    await host.close();
    await pages.closeAll();
  }
}

/**
 * A join that failed: rethrown when no join of this meeting succeeded yet,
 * else noted in `failures`, to be reported beside the figures of those that did (not retried).
 */
function noteFailure(ctx: BenchContext, err: unknown, join: number, succeeded: number, failures: string[]): void {
  if (succeeded === 0) throw err;
  const why = err instanceof Error ? err.message.split("\n")[0]! : String(err);
  failures.push(`after ${succeeded} join${succeeded > 1 ? "s" : ""}: ${why}`);
  ctx.log(`  join ${join} failed: ${why}`);
}

async function directMesh(ctx: BenchContext, b: BenchBrowser, size: number, { joins, windowS, softEnd }: Run): Promise<Joins> {
  const pages = new Pages(b.browser);
  const room = roomName(`bench-mesh-${size}`);
  const byName = new Map<string, Page>();
  const cap = videoCapFor(size);
  /** Deliveries to each page, queued so they arrive in the order sent. */
  const queues = new Map<string, Promise<unknown>>();
  const deliver = (to: string, raw: string): void => {
    const page = byName.get(to);
    if (!page) return;
    const queue = (queues.get(to) ?? Promise.resolve()).then(() => page.evaluate(`window.__mesh.receive(${JSON.stringify(raw)})`)).catch(() => {});
    queues.set(to, queue);
  };
  /** Open a page named `name` with the probe in place. */
  const open = async (name: string): Promise<TestPage> => {
    const p = await pages.open(`${ctx.partykit.origin}/?room=${room}`);
    await p.page.exposeFunction("__benchSend", (to: string, raw: string) => deliver(to, raw));
    await p.page.evaluate(DIRECT_PROBE);
    await p.page.evaluate(UNTIL_FRAMES);
    byName.set(name, p.page);
    return p;
  };
  const join = (p: TestPage, name: string, id: string, others: Array<{ name: string; id: string }>): Promise<number> =>
    p.page.evaluate(`window.__mesh.join(${JSON.stringify(name)}, ${JSON.stringify(id)}, ${JSON.stringify(others)}, ${JSON.stringify(cap)})`) as Promise<number>;
  const frames = async (page: Page): Promise<Record<string, number>> => JSON.parse((await page.evaluate("window.__meetFrames()")) as string) as Record<string, number>;
  try {
    const seated: Array<{ name: string; id: string; page: TestPage }> = [];
    for (let i = 1; i < size; i++) {
      const name = `Guest ${i}`;
      const page = await open(name);
      const id = randomUUID();
      await join(page, name, id, seated.map(({ name, id }) => ({ name, id })));
      seated.push({ name, id, page });
    }
    await assertEveryoneSeesEveryone(seated.map((s) => ({ name: s.name, frames: () => frames(s.page.page) })), { firstMs: JOIN_WAIT_MS, onMs: WAIT_MS });

    const samples: Sample[] = [];
    const failures: string[] = [];
    for (let j = 1; j <= joins; j++) {
      try {
        ctx.deadline.check(`direct mesh of ${size}`);
        if (j > 1 && Date.now() > softEnd) break;
        const name = `Newcomer ${j}`;
        const page = await open(name);
        const others = seated.map(({ name, id }) => ({ name, id }));
        const seen = seated.map((s) => untilFrames(s.page.page, [name]));
        seen.forEach((p) => p.catch(() => {}));
        const start = await join(page, name, randomUUID(), others);
        const sees = await untilFrames(page.page, others.map((o) => o.name));
        const everyone = Math.max(sees, ...(await Promise.all(seen)));
        await sleep(SETTLE_MS);
        const { cpu } = await cpuWindow(b, [], windowS);
        const sample = { join: sees - start, everyone: everyone - start, cpu, server: NaN };
        samples.push(sample);
        ctx.log(`  direct mesh of ${size}, join ${j}: ${sample.join.toFixed(0)} ms (${await firsts(page.page, start)}; everyone ${sample.everyone.toFixed(0)} ms); browser ${cpu.toFixed(2)} cores`);
        await page.page.evaluate("window.__mesh.leave()");
        for (const s of seated) deliver(s.name, JSON.stringify({ kind: "bye", from: name }));
        await Promise.all(seated.map((s) => eventually(`${s.name} dropping ${name}`, () => frames(s.page.page), (f) => !(name in f), STEP_MS)));
        byName.delete(name);
        await page.context.close();
      } catch (err) {
        noteFailure(ctx, err, j, samples.length, failures);
        break;
      }
    }
    return { samples, failures };
  } finally {
    await pages.closeAll();
  }
}

export async function benchMeeting(ctx: BenchContext): Promise<Figure[]> {
  const { joins, windowS, budgetMs } = plan(ctx.quick);
  // No join starts past the section's own budget, nor within a minute and a half of the run's deadline.
  const softEnd = Date.now() + Math.min(budgetMs, ctx.deadline.remaining() - 90_000);
  const figures: Figure[] = [];
  let b: BenchBrowser | undefined;
  try {
    b = await launch();
    ctx.log(`meetings of ${SIZES.join(", ")}: the widget, then the direct mesh; CPU over ${windowS} s windows; Chromium ${b.browser.version()}`);
    for (const size of SIZES) {
      if (ctx.quick && !QUICK_SIZES.includes(size)) {
        const unavailable = "not measured in --quick (a meeting of 5 saturates 2 cores for minutes)";
        figures.push(...sizeFigures(size, { samples: [], failures: [] }, { samples: [], failures: [] }, windowS).map(({ id, section, name, unit }) => ({ id, section, name, unit, unavailable })));
        continue;
      }
      const run: Run = { joins: joins(size), windowS, softEnd };
      // A 2-core machine under other load can stall a page; one fresh attempt (new pages, new meeting) tells a stall from a broken path.
      const attempt = async <T>(what: string, run: () => Promise<T>): Promise<T> =>
        run().catch((err: Error) => {
          ctx.log(`  ${what} failed (${err.message.split("\n")[0]}); one more attempt on fresh pages`);
          ctx.deadline.check(what);
          return run();
        });
      // Seating a meeting can take a minute on a busy machine: none starts that could run past the run's hard limit.
      const reserveMs = size * SEATING_MS_PER_PERSON;
      const seated = (what: string, run: () => Promise<Joins>): Promise<Joins> =>
        ctx.deadline.remaining() < reserveMs
          ? Promise.resolve({ samples: [], failures: [`${what} not started: under ${reserveMs / 1000} s left in the run`] })
          : attempt(what, run);
      try {
        const widget = await seated(`meeting of ${size}`, () => widgetMeeting(ctx, b!, size, run));
        const direct = await seated(`direct mesh of ${size}`, () => directMesh(ctx, b!, size, run));
        figures.push(...sizeFigures(size, widget, direct, windowS));
      } catch (err) {
        figures.push(failed(`meeting.join.${size}`, SECTION, `Meeting of ${size}`, "ms", err));
      }
    }
    return figures;
  } catch (err) {
    return [...figures, failed("meeting", SECTION, "Meetings", "", err)];
  } finally {
    await b?.browser.close();
  }
}

function sizeFigures(size: number, widgetJoins: Joins, directJoins: Joins, windowS: number): Figure[] {
  const widget = widgetJoins.samples;
  const direct = directJoins.samples;
  const failures = [
    ...widgetJoins.failures.map((f) => `meeting, failed ${f}`),
    ...directJoins.failures.map((f) => `direct mesh, failed ${f}`),
  ];
  const row = (key: "join" | "everyone" | "cpu", id: string, name: string, unit: string, label: string, notes?: string): Figure => {
    const w = summarize(widget.map((x) => x[key]));
    const d = summarize(direct.map((x) => x[key]));
    return withRatio({ id, section: SECTION, name, unit, n: w.n, median: w.median, p99: w.p99, baseline: { label, median: d.median, p99: d.p99 }, ...(notes ? { notes } : {}) });
  };
  const who = size === 2 ? "the second person" : `the ${ordinal(size)} person`;
  const server = summarize(widget.map((x) => x.server));
  return [
    row(
      "join",
      `meeting.join.${size}`,
      `Meeting of ${size}: ${who} clicks Join → its page shows video from ${size > 2 ? `all ${size - 1} others` : "the other"}`,
      "ms",
      `direct \`PeerCall\` mesh of ${size}: start → same`,
      failures.length ? failures.join("; ") : undefined,
    ),
    row("everyone", `meeting.everyone.${size}`, `Meeting of ${size}: ${who} clicks Join → every page shows video from every other`, "ms", `direct mesh of ${size}: start → same`),
    row(
      "cpu",
      `meeting.cpu.${size}`,
      `Meeting of ${size}, everyone connected: Chromium's CPU (all its processes, ${windowS} s windows)`,
      "cores",
      `direct mesh of ${size}, same window`,
      Number.isFinite(server.median) ? `room server (workerd) meanwhile: ${server.median.toFixed(3)} cores` : undefined,
    ),
  ];
}

function ordinal(n: number): string {
  return ["zeroth", "first", "second", "third", "fourth", "fifth"][n] ?? `${n}th`;
}
