/// <reference types="node" />
/**
 * The dashboard's service worker in a test browser: wait until it controls
 * the page, push to it through the DevTools protocol
 * (`ServiceWorker.deliverPushMessage`, as no push service can be reached
 * here), and read back the notifications it shows.
 * @module
 */
import type { Page } from "playwright-core";
import type { PushPayload } from "../../protocol/push.ts";
import { eventually } from "./browser.ts";

/** What a notification shows, as a page of the origin reads it. */
export interface Shown {
  title: string;
  body: string;
  tag: string;
  actions: { action: string; title: string }[];
  requireInteraction: boolean;
  renotify: boolean;
}

/** The dashboard worker's notifications, read from any page of the origin. A string: tsx would wrap inner functions. */
const NOTIFICATIONS = `navigator.serviceWorker.getRegistration("/host.html").then((r) => r.getNotifications()).then((ns) =>
  ns.map((n) => ({ title: n.title, body: n.body, tag: n.tag, actions: n.actions.map((a) => ({ action: a.action, title: a.title })), requireInteraction: n.requireInteraction, renotify: n.renotify })))`;

/** The notifications the dashboard's worker shows now. */
export const notifications = (page: Page) => page.evaluate(NOTIFICATIONS) as Promise<Shown[]>;

/** Go to the dashboard page at `url` (which registers the worker) and wait until the worker is active and controls it. */
export async function dashboardWithWorker(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await eventually(
    "the service worker controls the dashboard",
    () => page.evaluate(() => navigator.serviceWorker.ready.then((r) => `${r.active?.state}:${!!navigator.serviceWorker.controller}`)),
    (s) => s === "activated:true",
  );
}

/**
 * In each page: record what the worker announces on its "contact-me-push"
 * BroadcastChannel once it has handled a push. A string: tsx would wrap inner functions.
 */
const LISTEN = `(() => {
  if (window.__pushesHandled) return;
  window.__pushesHandled = [];
  new BroadcastChannel("contact-me-push").onmessage = (e) => window.__pushesHandled.push(e.data);
})()`;

/**
 * Push to the dashboard worker of `page`'s browser context through the
 * DevTools protocol: finds its registration (scope `<origin>/host.html`),
 * then each call delivers one payload, as the push service would, and
 * resolves once the worker has handled it (its announcement reached `page`).
 * Reading `getNotifications()` while a notification is being shown can make
 * Chromium drop it (it prunes those not displayed yet), hence the wait.
 */
export async function pushChannel(page: Page, origin: string): Promise<(payload: PushPayload | Record<string, unknown>) => Promise<void>> {
  await page.context().addInitScript(LISTEN);
  await page.evaluate(LISTEN);
  const cdp = await page.context().newCDPSession(page);
  const registrations = new Map<string, string>();
  cdp.on("ServiceWorker.workerRegistrationUpdated", (e: { registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] }) => {
    for (const r of e.registrations) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
  });
  await cdp.send("ServiceWorker.enable");
  const registrationId = (await eventually("the dashboard worker's registration", async () => registrations.get(`${origin}/host.html`), (id) => id !== undefined))!;
  const handled = () => page.evaluate("window.__pushesHandled.length") as Promise<number>;
  return async (payload) => {
    const before = await handled();
    await cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId, data: JSON.stringify(payload) });
    await eventually(`the worker handled the ${payload.type} push`, handled, (n) => n > before);
  };
}
