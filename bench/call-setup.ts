/// <reference types="node" />
/**
 * Call set-up: a video call from the visitor's **Video call** click until both
 * pages show **Connected**, the host accepting as soon as it rings, driven
 * through the real UI in Chromium; against the same two kinds of page
 * connecting directly (the widget's own `PeerCall`, signals passed between the
 * pages by the benchmark process, no server).
 *
 * Times are taken inside the pages, on the shared wall clock
 * (`performance.timeOrigin + performance.now()`): the click by a capturing
 * `click` listener on the document (before the widget sees it), **Accept**
 * appearing and **Connected** by a MutationObserver on each element's shadow
 * root. The dashboard's page clicks **Accept** itself, {@link HOST_REACTION_MS}
 * after it appears, so no Playwright query polls the dashboard meanwhile; that
 * scripted reaction is measured and reported apart.
 * @module
 */
import type { Browser, Page } from "playwright-core";
import { ADDRESS_RATES, RATES } from "../party/core/limits.ts";
import { launchChromium, openHost, openVisitor, Pages, setAvailable, visible, hidden, WAIT_MS } from "../test/support/browser.ts";
import { visitorAddress } from "./lib/clients.ts";
import { roomName, type BenchContext } from "./lib/context.ts";
import { failed, withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";
import { summarize } from "./lib/stats.ts";

const SECTION = "Call setup";
/** The scripted host's reaction: the dashboard's page clicks **Accept** this long (ms) after it appears. */
const HOST_REACTION_MS = 120;
/** Call requests one socket may make at once (the room's burst; then one per 10 s). */
const CALLS_PER_SOCKET = RATES.call.burst;

export const CALL: Section = {
  title: SECTION,
  description: `
A video call through the real UI in headless Chromium (fake camera and microphone, two browser contexts,
\`ICE_SERVERS=[]\` so candidates are loopback host candidates): the visitor page \`/?room=R\` clicks
**Contact me**, then **Video call**; the dashboard \`/host.html?room=R\` (signed in, **Available**) clicks
**Accept** ${HOST_REACTION_MS} ms after it appears; the figure ends when both pages show **Connected**
(the later of the two). After each call the visitor clicks **Hang up** and **Done**, the dashboard **Dismiss**.
The room allows one socket ${CALLS_PER_SOCKET} call requests in a burst, then one per 10 s, and one client address
${ADDRESS_RATES.call.burst}, then one per ${1 / ADDRESS_RATES.call.perSecond} s, so the visitor page is reloaded (a new socket) after every ${CALLS_PER_SOCKET} calls,
each reload claiming an address of its own (a \`cf-connecting-ip\` request header, as Cloudflare's edge sets
it; the first load has none), as if another visitor called; the first call after each page load is a
warm-up, not counted. Times are taken in the pages on the shared clock (\`performance.timeOrigin + performance.now()\`):
the click by a capturing listener before the widget sees it, **Accept** appearing and **Connected** by a
MutationObserver on the element's shadow root. The scripted host is the dashboard's page itself: its observer
clicks **Accept** (\`HTMLElement.click()\`, the button's own handler) ${HOST_REACTION_MS} ms after it appears, so no
Playwright query (an accessible-name search through the dashboard's shadow trees, 10–30 ms of the page's main thread
each time) polls the dashboard while the call is set up; that reaction is measured and taken out in the second row.

Baseline: two fresh pages of the same kinds connect directly with the widget's own \`PeerCall\` (the same
perfect-negotiation code), media acquired at the same points (the visitor before ringing, the host on
accepting), the "ring", "accept", offer/answer and candidates handed between the pages by the benchmark
process (\`exposeFunction\` → \`evaluate\`), no server; from the start until both peer connections are
\`connected\`. What the room adds is: the visitor's \`call\` → a \`queue\` snapshot ringing at the host, the host's
\`accept\` → \`accepted\` on both sides, every signal relayed through the room, and the UI rendering.
(The direct pages are not rate limited and make all their calls on one page load, with one warm-up.)
The two kinds of call are made in turn, each counted widget call followed by a direct one, all four pages
open in the same browser, so whatever else loads the machine meanwhile weighs on both alike.
The phase rows split each call at the host learning of the call and at the visitor learning it was
accepted (for the widget: **Accept** appearing, **Accept** clicked, the visitor's status turning
**Connecting…**; for the direct pages: the "ring" and "accept" messages arriving); the phases of the
direct pages are the baseline of each. The frame rows run from the click (the direct pages: the start) to the
first frame of the other side's video presented on each page (\`requestVideoFrameCallback\` on the
remote \`<video>\`; the direct pages show theirs in a \`<video>\` of the same kind).

How the widget sets a call up: while a call rings, the dashboard starts its camera and microphone (only
where the browser already allows both, as the benchmark's pages do; stopped once nothing rings there) and
builds the peer connection **Accept** would build with them, with the ICE settings its \`welcome\` gave (TURN
credentials minted for the connection, used while good for five more minutes): its offer is made and its
candidates gathered while it rings (the offer directly, not a task later on \`negotiationneeded\`). **Accept**
sends \`accept\` carrying that offer, with the candidates gathered so far in its SDP; the room hands it to the
visitor inside \`accepted\`, which answers it before rendering anything, and the host's later candidates
follow once its own \`accepted\` comes back; an **Accept** that comes while that offer is still being made waits
for it rather than starting over. (Without that peer connection, e.g. when the dashboard may not
start the camera before Accept, the offer is made on **Accept** while \`accept\` is on its way.) The
visitor's camera runs while the call rings, its self view shown, as in a phone's video call (it stops only
while the call waits in line, and starts again once it rings), so the answer sends it at once; a camera
still starting when \`accepted\` comes does not hold the answer back, which takes the offer's video as
send-and-receive with no track yet, the camera filling that place when it starts (\`replaceTrack\`, no
renegotiation). Both sides bundle everything on one transport from the first offer
(\`bundlePolicy: "max-bundle"\`), so candidates are gathered and trickled once, not per m-line; the direct
pages use the same \`PeerCall\`, so they gain that too. Because the dashboard's media and offer are made
while it rings, the scripted host's reaction (Accept shown → clicked) hides them: phase 2 holds neither
the host's \`getUserMedia\` nor its offer, while the direct pages still do both on "ring". The dashboard
also renders for less: its string table is merged once per \`strings\` value, not on every read, its date
formats are made once, and it reads the notification permission only for a call not yet notified in a
hidden tab (a synchronous question to the browser process). The accepting host's self view starts once
the call is connected, not on **Accept**: a \`<video>\` given a stream builds its player on the main thread,
and on this machine the self view's player and frames, started while the host negotiated, held phase 3
back by about a third (the remote media already waited for **Connected** for the same reason). The
direct pages show no self view.
`,
};

/**
 * Page probe for the widget pages: records, once per arming, `click:<button
 * text>`, `acceptShown`, `connecting`, `connected` and `frame` (the first
 * frame of the other side's video presented: `requestVideoFrameCallback` on
 * the remote `<video>`) in `window.__bench.marks`.
 */
const WIDGET_PROBE = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const el = document.querySelector("contact-me, contact-me-host");
  const b = (window.__bench = { marks: {} });
  const mark = (k) => { if (b.marks[k] === undefined) b.marks[k] = now(); };
  const text = (n) => (n && n.textContent ? n.textContent : "").trim();
  // Every shadow tree under the element (the panel and the call view are elements of their own).
  const roots = () => {
    const all = [];
    for (let i = 0, next = [el.shadowRoot]; i < next.length; i++) {
      if (!next[i]) continue;
      all.push(next[i]);
      for (const n of next[i].querySelectorAll("*")) if (n.shadowRoot) next.push(n.shadowRoot);
    }
    return all;
  };
  const observer = new MutationObserver(() => check());
  const observed = new Set();
  let hooked = new Set();
  // The scripted host: click Accept this many ms after it appears (once per b.acceptAfter).
  let acceptAfter;
  const buttons = () => roots().flatMap((root) => [...root.querySelectorAll("button")]);
  const check = () => {
    for (const root of roots()) {
      if (!observed.has(root)) {
        observed.add(root);
        observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
      }
      const status = text(root.querySelector('[part="call-status"]'));
      if (status === "Connecting…") mark("connecting");
      if (status === "Connected") mark("connected");
      for (const btn of root.querySelectorAll("button")) if (text(btn) === "Accept") accept();
      for (const video of root.querySelectorAll('video[part="remote-video"]')) {
        if (hooked.has(video)) continue;
        hooked.add(video);
        video.requestVideoFrameCallback(() => mark("frame"));
      }
    }
  };
  const accept = () => {
    mark("acceptShown");
    if (acceptAfter === undefined) return;
    const ms = acceptAfter;
    acceptAfter = undefined;
    setTimeout(() => buttons().find((btn) => text(btn) === "Accept")?.click(), ms);
  };
  check();
  document.addEventListener("click", (e) => {
    const btn = e.composedPath().find((n) => n instanceof HTMLButtonElement);
    if (btn) mark("click:" + text(btn));
  }, { capture: true });
  b.arm = () => { b.marks = {}; hooked = new Set(); acceptAfter = undefined; check(); };
  b.acceptAfter = (ms) => { acceptAfter = ms; check(); };
  b.until = (keys, timeoutMs) => new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      if (keys.every((k) => b.marks[k] !== undefined)) resolve(b.marks);
      else if (Date.now() - start > timeoutMs) reject(new Error("timed out waiting for " + keys.filter((k) => b.marks[k] === undefined).join(", ")));
      else setTimeout(tick, 5);
    };
    tick();
  });
})()`;

/**
 * Page script for the direct baseline: the widget's PeerCall (a chunk of the
 * demo's bundle), media acquired like the widget does (the
 * visitor before ringing, the host on accepting), signals handed to
 * `window.__benchSend`, incoming ones fed to `window.__direct.receive`.
 */
const DIRECT_PROBE = `(async () => {
  const { PeerCall } = await (await import("/dist/index.js")).loadPeerCall();
  const now = () => performance.timeOrigin + performance.now();
  const send = (m) => window.__benchSend(JSON.stringify(m));
  const media = () => navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const b = (window.__direct = { marks: {}, call: null, stream: null, video: null });
  const open = (polite) => {
    const call = new PeerCall({ polite, awaitRemoteOffer: polite, iceServers: [], send: (signal) => send({ kind: "signal", signal }) });
    call.addEventListener("connectionstatechange", () => {
      if (call.connectionState === "connected" && b.marks.connected === undefined) b.marks.connected = now();
    });
    // The other side's video, as the widget shows it: the first frame presented.
    const video = (b.video = Object.assign(document.createElement("video"), { autoplay: true, muted: true, playsInline: true, srcObject: call.remoteStream }));
    video.style.cssText = "position:fixed;right:0;bottom:0;width:320px;height:180px";
    document.body.append(video);
    video.requestVideoFrameCallback(() => { if (b.marks.frame === undefined) b.marks.frame = now(); });
    call.addEventListener("track", () => void video.play().catch(() => {}));
    call.addStream(b.stream);
    b.call = call;
  };
  b.reset = () => {
    if (b.call) b.call.close();
    if (b.stream) b.stream.getTracks().forEach((t) => t.stop());
    if (b.video) b.video.remove();
    b.call = b.stream = b.video = null;
    b.marks = {};
  };
  b.start = async () => {
    b.marks.start = now();
    b.stream = await media();
    send({ kind: "ring" });
  };
  b.receive = async (raw) => {
    const m = JSON.parse(raw);
    if (m.kind === "ring") {
      b.marks.ring = now();
      b.stream = await media();
      open(false);
      send({ kind: "accept" });
    } else if (m.kind === "accept") {
      b.marks.accept = now();
      open(true);
    }
    else if (m.kind === "signal" && b.call) b.call.receive(m.signal);
  };
  b.until = (keys, timeoutMs) => new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      if (keys.every((k) => b.marks[k] !== undefined)) resolve(b.marks);
      else if (Date.now() - start > timeoutMs) reject(new Error("timed out waiting for " + keys.join(", ")));
      else setTimeout(tick, 5);
    };
    tick();
  });
})()`;

type Marks = Record<string, number>;

function until(page: Page, global: "__bench" | "__direct", keys: string[]): Promise<Marks> {
  return page.evaluate(`window.${global}.until(${JSON.stringify(keys)}, ${WAIT_MS})`) as Promise<Marks>;
}

/** One call's phases, in ms. */
interface Phases {
  /** Start (click) → both sides connected. */
  total: number;
  /** Start → the host knows it rings (Accept shown / "ring" received). */
  ring: number;
  /** The host takes the call (Accept clicked / "ring" received) → the visitor knows it was accepted. */
  accept: number;
  /** The visitor knows it was accepted → both connected: offer, answer, candidates, ICE, DTLS. */
  negotiate: number;
  /** Start (click) → the first frame of the host's video shown on the visitor's page (NaN: none within the bound). */
  frameVisitor: number;
  /** Start (click) → the first frame of the visitor's video shown on the host's page. */
  frameHost: number;
}

/** How long after both connected the first remote video frames may take to show, ms. */
const FRAME_WAIT_MS = 5_000;

/** The `frame` mark of a page, or undefined when none came within {@link FRAME_WAIT_MS}. */
function frameMark(page: Page, global: "__bench" | "__direct"): Promise<number | undefined> {
  return (page.evaluate(`window.${global}.until(["frame"], ${FRAME_WAIT_MS})`) as Promise<Marks>).then((m) => m.frame, () => undefined);
}

interface WidgetSample extends Phases {
  /** Accept shown → Accept clicked: the scripted host's reaction. */
  reaction: number;
}

/** One side of the comparison: its pages open, a call at a time. */
interface Rig<S> {
  /** Make one call; undefined for a warm-up call, which is not counted. */
  next(): Promise<S | undefined>;
  close(): Promise<void>;
}

/** The widget's pages: the visitor's page and the dashboard, in the same room. */
async function widgetRig(ctx: BenchContext, browser: Browser): Promise<Rig<WidgetSample>> {
  const pages = new Pages(browser);
  try {
    const room = roomName("bench-call");
    const host = await openHost(pages, ctx.partykit.origin, room, ctx.hostKey);
    await setAvailable(host.page, true);
    await host.page.evaluate(WIDGET_PROBE);
    const visitor = await openVisitor(pages, ctx.partykit.origin, room);
    /** The visitor's panel open and Available, the probe in place (after the first load or a reload). */
    const ready = async (): Promise<void> => {
      await visible(visitor.panel.getByText("Available", { exact: true }));
      await visitor.page.evaluate(WIDGET_PROBE);
    };
    await ready();

    const videoCall = visitor.panel.getByRole("button", { name: "Video call" });
    const hangUp = visitor.panel.getByRole("button", { name: "Hang up" });
    const done = visitor.panel.getByRole("button", { name: "Done", exact: true });
    const hostHangUp = host.page.getByRole("button", { name: "Hang up" });
    const dismiss = host.page.getByRole("button", { name: "Dismiss" });

    let onThisSocket = 0;
    let load = 0;
    let counted = 0;
    const next = async (): Promise<WidgetSample | undefined> => {
      if (onThisSocket === CALLS_PER_SOCKET) {
        // A new socket from a new address, with fresh call-request allowances (per socket and per address).
        await visitor.page.setExtraHTTPHeaders({ "cf-connecting-ip": visitorAddress() });
        await visitor.page.reload();
        await visitor.page.getByRole("button", { name: "Contact me" }).click({ timeout: WAIT_MS });
        await ready();
        onThisSocket = 0;
        load++;
      }
      const warmUp = onThisSocket === 0; // the first call of a page load warms up devices and code paths
      onThisSocket++;
      await Promise.all([visitor.page.evaluate("window.__bench.arm()"), host.page.evaluate("window.__bench.arm()")]);
      await videoCall.waitFor({ state: "visible" });
      // The dashboard's page clicks Accept itself once it appears.
      await host.page.evaluate(`window.__bench.acceptAfter(${HOST_REACTION_MS})`);
      await videoCall.click();
      const [v, h] = await Promise.all([
        until(visitor.page, "__bench", ["click:Video call", "connecting", "connected"]),
        until(host.page, "__bench", ["acceptShown", "click:Accept", "connected"]),
      ]).catch(async (err: Error) => {
        // Say why, when the visitor's page shows it (e.g. the room refused the call).
        const shown = (await visitor.panel.innerText().catch(() => "")).replace(/\s+/g, " ").trim();
        throw new Error(`${err.message.split("\n")[0]} (the visitor's panel shows: ${shown.slice(0, 200)})`);
      });
      const t0 = v["click:Video call"]!;
      const both = Math.max(v.connected!, h.connected!);
      const [vFrame, hFrame] = await Promise.all([frameMark(visitor.page, "__bench"), frameMark(host.page, "__bench")]);
      const sample: WidgetSample = {
        total: both - t0,
        reaction: h["click:Accept"]! - h.acceptShown!,
        ring: h.acceptShown! - t0,
        accept: v.connecting! - h["click:Accept"]!,
        negotiate: both - v.connecting!,
        frameVisitor: vFrame === undefined ? NaN : vFrame - t0,
        frameHost: hFrame === undefined ? NaN : hFrame - t0,
      };
      if (!warmUp) counted++;
      ctx.log(`  call ${warmUp ? `(warm-up, page load ${load})` : counted}: ${sample.total.toFixed(1)} ms (host reaction ${sample.reaction.toFixed(1)} ms)`);
      // Name the step when one stalls.
      const step = (what: string, action: Promise<unknown>) =>
        action.catch((err: Error) => {
          throw new Error(`after a call, ${what}: ${err.message.split("\n")[0]}`);
        });
      await step("the visitor's Hang up", hangUp.click());
      await step("the visitor's Done", done.click());
      await step("the host leaving the call", hidden(hostHangUp));
      await step("the host's Dismiss", dismiss.click());
      return warmUp ? undefined : sample;
    };
    return { next, close: () => pages.closeAll() };
  } catch (err) {
    await pages.closeAll();
    throw err;
  }
}

/** The direct baseline's pages: the same two kinds of page, signals handed between them by this process. */
async function directRig(ctx: BenchContext, browser: Browser): Promise<Rig<Phases>> {
  const pages = new Pages(browser);
  try {
    const room = roomName("bench-direct");
    const visitor = await pages.open(`${ctx.partykit.origin}/?room=${room}`);
    const host = await pages.open(`${ctx.partykit.origin}/host.html?room=${room}`);
    // Deliveries to each page are queued so they arrive in the order sent.
    const link = async (from: Page, to: Page): Promise<void> => {
      let queue: Promise<unknown> = Promise.resolve();
      await from.exposeFunction("__benchSend", (raw: string) => {
        queue = queue.then(() => to.evaluate(`void window.__direct.receive(${JSON.stringify(raw)})`)).catch(() => {});
      });
    };
    await link(visitor.page, host.page);
    await link(host.page, visitor.page);
    await visitor.page.evaluate(DIRECT_PROBE);
    await host.page.evaluate(DIRECT_PROBE);

    let i = 0;
    const next = async (): Promise<Phases | undefined> => {
      await Promise.all([visitor.page.evaluate("window.__direct.reset()"), host.page.evaluate("window.__direct.reset()")]);
      await visitor.page.evaluate("void window.__direct.start()");
      const [v, h] = await Promise.all([until(visitor.page, "__direct", ["start", "accept", "connected"]), until(host.page, "__direct", ["ring", "connected"])]);
      const both = Math.max(v.connected!, h.connected!);
      const [vFrame, hFrame] = await Promise.all([frameMark(visitor.page, "__direct"), frameMark(host.page, "__direct")]);
      const sample: Phases = {
        total: both - v.start!,
        ring: h.ring! - v.start!,
        accept: v.accept! - h.ring!,
        negotiate: both - v.accept!,
        frameVisitor: vFrame === undefined ? NaN : vFrame - v.start!,
        frameHost: hFrame === undefined ? NaN : hFrame - v.start!,
      };
      ctx.log(`  direct ${i}${i === 0 ? " (warm-up)" : ""}: ${sample.total.toFixed(1)} ms`);
      await Promise.all([visitor.page.evaluate("window.__direct.reset()"), host.page.evaluate("window.__direct.reset()")]);
      return i++ === 0 ? undefined : sample;
    };
    return { next, close: () => pages.closeAll() };
  } catch (err) {
    await pages.closeAll();
    throw err;
  }
}

/**
 * `calls` counted calls of each kind, in turn: each counted widget call is
 * followed by a direct call (the direct pages' one warm-up comes before the
 * first), so whatever else loads the machine meanwhile weighs on both alike.
 * Driving a UI through a 2-core machine under other load can stall a click;
 * one fresh attempt (new pages, new room) tells a stall from a broken path,
 * and the first failure is logged.
 */
async function interleaved(ctx: BenchContext, browsers: { widget: Browser; direct: Browser }, calls: number): Promise<{ widget: WidgetSample[]; direct: Phases[] }> {
  const widget: WidgetSample[] = [];
  const direct: Phases[] = [];
  let w = await widgetRig(ctx, browsers.widget);
  const d = await directRig(ctx, browsers.direct).catch(async (err) => {
    await w.close();
    throw err;
  });
  let retried = false;
  try {
    while (widget.length < calls) {
      ctx.deadline.check("call setup");
      const sample = await w.next().catch(async (err: Error) => {
        if (retried) throw err;
        retried = true;
        ctx.log(`  a widget call failed (${err.message.split("\n")[0]}); one more attempt on fresh pages`);
        await w.close();
        w = await widgetRig(ctx, browsers.widget);
        return undefined;
      });
      if (!sample) continue;
      widget.push(sample);
      for (let made = direct.length; direct.length === made; ) {
        const baseline = await d.next();
        if (baseline) direct.push(baseline);
      }
    }
    return { widget, direct };
  } finally {
    await Promise.all([w.close(), d.close()]);
  }
}

export async function benchCallSetup(ctx: BenchContext): Promise<Figure[]> {
  const calls = ctx.quick ? 3 : 20;
  let browser: Browser | undefined;
  let directBrowser: Browser | undefined;
  try {
    browser = await launchChromium();
    directBrowser = await launchChromium();
    ctx.log(`call setup: ${calls} widget calls and ${calls} direct, in turn (+ warm-ups), Chromium ${browser.version()}`);
    const { widget, direct } = await interleaved(ctx, { widget: browser, direct: directBrowser }, calls);
    const d = summarize(direct.map((x) => x.total));
    const baseline = { label: "same two pages, direct (no server)", median: d.median, p99: d.p99 };
    const total = summarize(widget.map((x) => x.total));
    const net = summarize(widget.map((x) => x.total - x.reaction));
    const reaction = summarize(widget.map((x) => x.reaction));
    const phase = (key: keyof Phases, id: string, name: string): Figure => {
      // A call whose video never showed (NaN) counts in no frame row.
      const w = summarize(widget.map((x) => x[key]).filter(Number.isFinite));
      const b = summarize(direct.map((x) => x[key]).filter(Number.isFinite));
      return withRatio({
        id,
        section: SECTION,
        name,
        unit: "ms",
        n: w.n,
        median: w.median,
        p99: w.p99,
        baseline: { label: "direct", median: b.median, p99: b.p99 },
      });
    };
    return [
      withRatio({
        id: "call.total",
        section: SECTION,
        name: "Video call: click → Connected on both sides, as scripted",
        unit: "ms",
        n: total.n,
        median: total.median,
        p99: total.p99,
        baseline,
      }),
      withRatio({
        id: "call.net",
        section: SECTION,
        name: "same, less the scripted host's reaction (Accept shown → clicked)",
        unit: "ms",
        n: net.n,
        median: net.median,
        p99: net.p99,
        baseline,
      }),
      {
        id: "call.overhead",
        section: SECTION,
        name: "Signaling overhead: previous row − direct (medians)",
        unit: "ms",
        n: net.n,
        median: net.median - d.median,
        ratio: net.median / d.median,
        notes: "ratio = previous row's median ÷ direct median",
      },
      phase("ring", "call.phase.ring", "phase 1: click → the host rings (visitor's media, `call` → `queue` ringing here, Accept rendered)"),
      phase("accept", "call.phase.accept", "phase 2: Accept clicked → the visitor has `accepted` (host's media, `accept` → `accepted`)"),
      phase("negotiate", "call.phase.negotiate", "phase 3: visitor has `accepted` → both Connected (offer, answer, candidates, ICE, DTLS)"),
      phase("frameVisitor", "call.frame.visitor", "click → first frame of the host's video shown to the visitor (`requestVideoFrameCallback`)"),
      phase("frameHost", "call.frame.host", "click → first frame of the visitor's video shown to the host (`requestVideoFrameCallback`)"),
      {
        id: "call.reaction",
        section: SECTION,
        name: `scripted host reaction: Accept shown → clicked by the page, ${HOST_REACTION_MS} ms later (not part of the product)`,
        unit: "ms",
        n: reaction.n,
        median: reaction.median,
        p99: reaction.p99,
      },
    ];
  } catch (err) {
    return [failed("call.total", SECTION, "Video call: click → Connected on both sides", "ms", err)];
  } finally {
    await Promise.all([browser?.close(), directBrowser?.close()]);
  }
}
