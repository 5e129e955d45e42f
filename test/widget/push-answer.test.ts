/// <reference types="node" />
/**
 * A host reached with no dashboard open, the whole way: the room pushes a
 * call to a local push service (HTTPS, `push-service.ts`, which checks and
 * decrypts it as a browser would), the decrypted payload goes to the
 * dashboard's service worker in Chromium (through the DevTools protocol),
 * which shows "Video call from Ada" with Answer and Decline; the answer URL
 * it opens signs in from the tab's session and accepts, and video flows both
 * ways, after which the call's notification closes; Decline, with the
 * push's token, declines the call for the visitor without any dashboard.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { Browser, Page, Worker } from "playwright-core";
import {
  eventually,
  launchChromium,
  openVisitor,
  remoteVideoFrames,
  remoteVideoWidth,
  signIn,
  uniqueRoom,
  visible,
  withPages,
  type Pages,
  type TestPage,
} from "../support/browser.ts";
import { startPushService, type PushService, type ReceivedPush, type TestSubscription } from "../support/push-service.ts";
import { dashboardWithWorker, notifications, pushChannel } from "../support/push-worker.ts";
import { RawSocket, hostSocketUrl } from "../support/raw-socket.ts";
import { startServer, type TestServer } from "../support/server.ts";

const HOST_KEY = randomUUID();

let push: PushService;
let server: TestServer;
let browser: Browser;
before(async () => {
  push = await startPushService();
  server = await startServer({ vars: { HOST_KEY, ICE_SERVERS: "[]" }, env: { SSL_CERT_FILE: push.caBundle } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await push?.stop();
});
const run = (fn: (pages: Pages) => Promise<void>) => withPages(browser, () => server.logs(), fn);

/**
 * The host's tab: signed in on the dashboard (its session kept by the tab),
 * notifications allowed, its service worker active; a device of the host's
 * registered with the room (a subscription at the push service), and **Ring
 * my devices** switched on from the dashboard. Then the tab leaves the
 * dashboard for the site, so no dashboard is open.
 */
async function hostAway(pages: Pages, room: string): Promise<{ tab: TestPage; sub: TestSubscription; deliver: (p: Record<string, unknown>) => Promise<void>; worker: Worker }> {
  const tab = await pages.open("about:blank");
  await tab.context.grantPermissions(["notifications"], { origin: server.origin });
  await dashboardWithWorker(tab.page, `${server.origin}/host.html?room=${room}`);
  await signIn(tab.page, HOST_KEY);
  const raw = await RawSocket.open(await hostSocketUrl(server.origin, room, HOST_KEY));
  let sub: TestSubscription;
  try {
    const settings = await raw.next("push settings", (f) => f.type === "push");
    sub = push.subscribe(String(settings.publicKey));
    raw.send({ type: "push-subscribe", subscription: sub.json, label: "Phone" });
    await visible(tab.page.locator('[part="push-device"]', { hasText: "Phone" }));
  } finally {
    await raw.close();
  }
  const ring = tab.page.getByRole("switch", { name: "Ring my devices" });
  await ring.click();
  await eventually("Ring my devices on", () => ring.getAttribute("aria-checked"), (v) => v === "true");
  const deliver = await pushChannel(tab.page, server.origin);
  const worker = tab.context.serviceWorkers().find((w) => w.url().endsWith("/host-sw.js"));
  assert.ok(worker, "the dashboard's service worker runs");
  await tab.page.goto(`${server.origin}/?room=${room}`);
  return { tab, sub, deliver, worker };
}

/** The first push to `sub` of `type` (and of the call `callId`, when given). */
const pushOf = (sub: TestSubscription, type: string, callId?: string) =>
  eventually(
    `a "${type}" push to the device`,
    async () => push.received.find((r) => r.subscription === sub.id && r.payload.type === type && (callId === undefined || r.payload.callId === callId)),
    (p) => p !== undefined,
    15_000,
  ) as Promise<ReceivedPush>;

async function videoPlays(page: Page, selector: "contact-me" | "contact-me-host", who: string): Promise<void> {
  await eventually(`${who}: the other side's video has a size`, () => remoteVideoWidth(page, selector).catch(() => 0), (w) => w > 0);
  const before = await remoteVideoFrames(page, selector);
  await eventually(`${who}: the other side's video plays`, () => remoteVideoFrames(page, selector), (n) => n > before);
}

/** A visitor named `name` calls by `media`; resolves once it rings, with the visitor. */
async function visitorCalls(pages: Pages, room: string, name: string, media: "Video call" | "Audio call") {
  const visitor = await openVisitor(pages, server.origin, room);
  await visible(visitor.panel.getByText("Available", { exact: true }));
  // A name, given with a first message, names the caller in the push.
  await visitor.panel.getByRole("button", { name: "Send a message" }).click();
  await visitor.panel.getByRole("textbox", { name: "Message" }).fill("Calling you now");
  await visitor.panel.getByRole("textbox", { name: "Your name" }).fill(name);
  await visitor.panel.getByRole("button", { name: "Send", exact: true }).click();
  await visible(visitor.panel.getByText(/^(Sent|Delivered|Seen)$/).first());
  await visitor.panel.getByRole("button", { name: "Back" }).click();
  await visitor.panel.getByRole("button", { name: media }).click();
  await visible(visitor.panel.locator('[part="call-status"]', { hasText: "Ringing the host's phone…" }));
  return visitor;
}

test("with no dashboard open, the call's push shows Video call from Ada; its answer URL accepts, video flows, and the notification closes", () =>
  run(async (pages) => {
    const room = uniqueRoom("push-answer");
    const { tab, sub, deliver, worker } = await hostAway(pages, room);
    const visitor = await visitorCalls(pages, room, "Ada", "Video call");

    const call = await pushOf(sub, "call");
    const callId = String(call.payload.callId);
    await deliver(call.payload);
    const shown = await eventually("the call's notification", () => notifications(tab.page), (ns) => ns.some((n) => n.tag === `call-${callId}`));
    const n = shown.find((x) => x.tag === `call-${callId}`)!;
    assert.equal(n.title, "Video call from Ada");
    assert.deepEqual(n.actions.map((a) => a.title), ["Answer", "Decline"]);

    // Answer: the URL the worker opens, in the host's tab (its session is the tab's).
    const url = await worker.evaluate(`dashboardUrl(${JSON.stringify(room)}, { answer: ${JSON.stringify(callId)} })`);
    assert.equal(url, `${server.origin}/host.html?room=${room}&answer=${callId}`);
    await tab.page.goto(String(url));
    await visible(visitor.panel.getByText("Connected", { exact: true }));
    await visible(tab.page.getByText("Connected", { exact: true }));
    await videoPlays(tab.page, "contact-me-host", "the host");
    await videoPlays(visitor.page, "contact-me", "the visitor");

    // The room tells the devices the call was answered: the notification closes.
    const ended = await pushOf(sub, "call-end", callId);
    assert.deepEqual([ended.payload.type, ended.payload.state], ["call-end", "answered"]);
    await deliver(ended.payload);
    await eventually("the call's notification closed", () => notifications(tab.page), (ns) => !ns.some((x) => x.tag === `call-${callId}`));
  }));

test("Decline on the call's notification declines it for the visitor, with no dashboard open", () =>
  run(async (pages) => {
    const room = uniqueRoom("push-decline");
    const { tab, sub, deliver, worker } = await hostAway(pages, room);
    const visitor = await visitorCalls(pages, room, "Bob", "Audio call");
    const call = await pushOf(sub, "call");
    const callId = String(call.payload.callId);
    await deliver(call.payload);
    await eventually("the call's notification", () => notifications(tab.page), (ns) => ns.some((n) => n.title === "Audio call from Bob"));

    const status = await worker.evaluate(`(async () => {
      const [n] = await self.registration.getNotifications({ tag: ${JSON.stringify(`call-${callId}`)} });
      return onNotificationClick(n, "decline");
    })()`);
    assert.equal(status, 200, "the room took the push's decline token");
    await visible(visitor.panel.locator('[part="call-status"]', { hasText: "Declined" }));
    assert.deepEqual(await notifications(tab.page), [], "the notification is closed");
  }));
