/// <reference types="node" />
/**
 * The dashboard's **Notifications** section against a real room: every case
 * it tells apart in plain words (the push service unreachable, as it is here;
 * notifications blocked; a browser without the Push API; a page without a
 * service worker; a room whose push keys are wrong), and the host's devices as the room lists them, registered
 * here over a raw host socket with subscriptions made as a browser makes them
 * (a P-256 key pair and a 16-byte secret): **Remove** and **Ring my devices**
 * send their frames, and every dashboard's list follows. A visitor calling a
 * host reachable only by push reads "Ringing Ada Lovelace's phone…".
 */
import assert from "node:assert/strict";
import { createECDH, randomBytes, randomUUID } from "node:crypto";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { eventually, hidden, openVisitor, signIn, uniqueRoom, visible, type Pages, type TestPage } from "../support/browser.ts";
import { RawSocket, hostSocketUrl } from "../support/raw-socket.ts";
import { startServer } from "../support/server.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack({ vars: { HOST_NAME: "Ada Lovelace" } });

/** A push subscription as `PushSubscription.toJSON()` gives it, with its own keys. */
function subscription(id: string) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    endpoint: `https://127.0.0.1:9/push/${id}`,
    expirationTime: null,
    keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") },
  };
}

/** The dashboard for `room`, signed in, opened after `init` (a script run before the page's own). */
async function dashboard(pages: Pages, room: string, options: { init?: string; notifications?: boolean; origin?: string } = {}): Promise<TestPage> {
  const origin = options.origin ?? stack.server.origin;
  const tab = await pages.open("about:blank");
  if (options.notifications) await tab.context.grantPermissions(["notifications"], { origin });
  if (options.init) await tab.context.addInitScript(options.init);
  await tab.page.goto(`${origin}/host.html?room=${room}`);
  await signIn(tab.page, stack.hostKey);
  await visible(tab.page.getByRole("switch", { name: "Available" }));
  return tab;
}

const section = (page: Page) => page.locator('contact-me-host [part="notifications"]');
const notifySwitch = (page: Page) => page.getByRole("switch", { name: "Notify this device" });
const ringSwitch = (page: Page) => page.getByRole("switch", { name: "Ring my devices" });
const alertText = (page: Page) => section(page).getByRole("alert");

/** Wait until the page's service worker is active. */
const workerReady = (page: Page) =>
  eventually("the service worker is active", () => page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.state ?? "none")), (s) => s === "activated");

test("Notify this device: the push service unreachable says so; blocked notifications say how to allow them; no Push API, no service worker", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("push-states");

    // Allowed, but there is no push service to reach here: subscribe() fails, and the section says why.
    const allowed = await dashboard(pages, room, { notifications: true });
    await visible(section(allowed.page));
    await visible(section(allowed.page).getByText("Calls ring your devices even with no dashboard open, inside your business hours."));
    assert.equal(await notifySwitch(allowed.page).getAttribute("aria-checked"), "false");
    await visible(section(allowed.page).getByText("No device gets notifications yet."));
    await workerReady(allowed.page);
    await notifySwitch(allowed.page).click();
    await visible(alertText(allowed.page).filter({ hasText: /^Could not turn on notifications: the browser's push service could not be reached \(.+\)\. Check the connection and try again\.$/ }));
    assert.equal(await notifySwitch(allowed.page).getAttribute("aria-checked"), "false");
    assert.equal(await notifySwitch(allowed.page).isEnabled(), true, "it can be tried again");
    assert.ok(!allowed.frames.some((f) => f.includes('"push-subscribe"')), "nothing registered with the room");

    // Not allowed (a browser context that was never granted notifications reports them denied):
    // the section says so and how to allow them, at once; the switch is off and disabled.
    const blocked = await dashboard(pages, room);
    await visible(
      alertText(blocked.page).filter({
        hasText: "Notifications are blocked for this site. To allow them, click the lock icon in the address bar (or open the browser's site settings), set Notifications to Allow, then reload the page.",
      }),
    );
    assert.equal(await blocked.page.evaluate(() => Notification.permission), "denied");
    assert.equal(await notifySwitch(blocked.page).getAttribute("aria-checked"), "false");
    assert.equal(await notifySwitch(blocked.page).isDisabled(), true);

    // A browser without the Push API.
    const old = await dashboard(pages, room, { init: "delete window.PushManager;" });
    await visible(alertText(old.page).filter({ hasText: "This browser cannot get notifications from this page" }));
    assert.equal(await notifySwitch(old.page).isDisabled(), true);

    // A page that registers no service worker (a dashboard embedded elsewhere).
    const bare = await dashboard(pages, room, {
      notifications: true,
      init: "navigator.serviceWorker.register = () => Promise.reject(new Error('no worker on this page'));",
    });
    await notifySwitch(bare.page).click();
    await visible(alertText(bare.page).filter({ hasText: "This page has no service worker to receive notifications" }));
  }));

test("a room whose push keys are wrong says it cannot send notifications", () =>
  stack.run(async (pages) => {
    // Half a VAPID key pair: the room turns Web Push off, and its push frame carries no public key.
    const broken = await startServer({ vars: { HOST_KEY: stack.hostKey, ICE_SERVERS: "[]", VAPID_PUBLIC_KEY: "not-a-key" } });
    try {
      const host = await dashboard(pages, uniqueRoom("push-off"), { notifications: true, origin: broken.origin });
      await visible(alertText(host.page).filter({ hasText: "This room cannot send notifications: its push keys (VAPID) are not set up correctly." }));
      assert.equal(await notifySwitch(host.page).isDisabled(), true);
    } finally {
      await broken.stop();
    }
  }));

test("the host's devices: listed with their labels, Remove and Ring my devices send their frames, and every dashboard follows", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("push-devices");
    const raw = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, stack.hostKey));
    try {
      const phone = subscription(randomUUID());
      const laptop = subscription(randomUUID());
      raw.send({ type: "push-subscribe", subscription: phone, label: "Chrome on Android" });
      await raw.next("the phone listed", (f) => f.type === "push" && (f.devices as unknown[]).length === 1);
      raw.send({ type: "push-subscribe", subscription: laptop, label: "Firefox on Linux" });
      const listed = await raw.next("both listed", (f) => f.type === "push" && (f.devices as unknown[]).length === 2);
      assert.equal(typeof listed.publicKey, "string", "the room can push");

      const host = await dashboard(pages, room);
      const devices = section(host.page).locator('[part="push-device"]');
      await eventually("both devices listed", () => devices.allInnerTexts(), (t) => t.length === 2);
      const texts = await devices.allInnerTexts();
      assert.match(texts[0]!, /^Chrome on Android\s+added .+\s+Remove$/);
      assert.match(texts[1]!, /^Firefox on Linux\s+added .+\s+Remove$/);
      assert.ok(!texts.join(" ").includes("This device"), "neither is this browser");

      // Remove the phone: the room forgets it, this list and the other socket's follow.
      const phoneId = (listed.devices as { id: string; endpoint: string }[]).find((d) => d.endpoint === phone.endpoint)!.id;
      await section(host.page).getByRole("button", { name: "Remove Chrome on Android" }).click();
      await eventually("one device left", () => devices.allInnerTexts(), (t) => t.length === 1 && t[0]!.startsWith("Firefox on Linux"));
      assert.ok(host.frames.some((f) => f.includes(`> {"type":"push-unsubscribe","id":"${phoneId}"}`)), "push-unsubscribe sent with the device's id");
      await raw.next("the phone gone for the other socket", (f) => f.type === "push" && (f.devices as unknown[]).length === 1);

      // Ring my devices: on, then off.
      assert.equal(await ringSwitch(host.page).getAttribute("aria-checked"), "false");
      await ringSwitch(host.page).click();
      await eventually("Ring my devices on", () => ringSwitch(host.page).getAttribute("aria-checked"), (v) => v === "true");
      assert.ok(host.frames.some((f) => f.includes('> {"type":"push-ring","ring":true}')));
      await raw.next("ring on for the other socket", (f) => f.type === "push" && f.ring === true);
      await ringSwitch(host.page).click();
      await eventually("Ring my devices off", () => ringSwitch(host.page).getAttribute("aria-checked"), (v) => v === "false");

      // The last device removed from elsewhere: the list says none.
      const laptopId = (listed.devices as { id: string; endpoint: string }[]).find((d) => d.endpoint === laptop.endpoint)!.id;
      raw.send({ type: "push-unsubscribe", id: laptopId });
      await hidden(devices.first());
      await visible(section(host.page).getByText("No device gets notifications yet."));
    } finally {
      await raw.close();
    }
  }));

test("a call to a host reachable only by push says so on the visitor's call screen", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("push-ringing");
    // The host registers a device and turns Ring my devices on, then closes every dashboard.
    const raw = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, stack.hostKey));
    raw.send({ type: "push-subscribe", subscription: subscription(randomUUID()), label: "Chrome on Android" });
    await raw.next("the device listed", (f) => f.type === "push" && (f.devices as unknown[]).length === 1);
    raw.send({ type: "push-ring", ring: true });
    await raw.next("ring on", (f) => f.type === "push" && f.ring === true);
    await raw.close();

    const visitor = await openVisitor(pages, stack.server.origin, room);
    await visible(visitor.panel.getByText("Available", { exact: true }));
    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await visible(visitor.panel.locator('[part="call-status"]', { hasText: "Ringing Ada Lovelace's phone…" }));
    assert.ok(visitor.frames.some((f) => f.includes('"type":"ringing"') && f.includes('"via":"push"')), "the room said it rings by push");
    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
  }));
