/// <reference types="node" />
/**
 * The dashboard's service worker and the room's pushes, in Chromium: pushes
 * are delivered to it through the DevTools protocol
 * (`ServiceWorker.deliverPushMessage`: there is no push service here) with
 * each kind of payload, and what it shows is read back with
 * `registration.getNotifications()`. A call shows "Video call from Ada" with
 * Answer and Decline; its end closes it, a missed call replaces it; messages
 * collapse per conversation; nothing shows while a dashboard window has the
 * focus (the payload goes to that window); each push handled is announced
 * on a BroadcastChannel; a click on Answer tells the open dashboard (no
 * reload), and Decline posts to the room.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type { PushPayload } from "../../protocol/push.ts";
import { eventually, uniqueRoom } from "../support/browser.ts";
import { dashboardWithWorker, notifications, pushChannel } from "../support/push-worker.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

test("pushes become notifications: a call with Answer and Decline, closed when it ends, replaced when missed; messages one per conversation", () =>
  stack.run(async (pages) => {
    const origin = stack.server.origin;
    const room = uniqueRoom("push-sw");
    const tab = await pages.open("about:blank");
    await tab.context.grantPermissions(["notifications"], { origin });
    const { page } = tab;
    await dashboardWithWorker(page, `${origin}/host.html?room=${room}`);
    const push = await pushChannel(page, origin);
    // No dashboard window: the page goes to the visitor site, outside the worker's scope.
    await page.goto(`${origin}/?room=${room}`);
    const common = { room, origin };
    const tagged = (tag: string) => eventually(`a notification tagged ${tag}`, () => notifications(page), (ns) => ns.some((n) => n.tag === tag));

    // A video call from Ada.
    const callId = randomUUID();
    await push({ type: "call", ...common, name: "Ada", callId, media: "video", page: `${origin}/pricing`, until: Date.now() + 30_000, declineToken: "t" });
    let shown = (await tagged(`call-${callId}`)).find((n) => n.tag === `call-${callId}`)!;
    assert.deepEqual(shown, {
      title: "Video call from Ada",
      body: `${origin}/pricing`,
      tag: `call-${callId}`,
      actions: [
        { action: "answer", title: "Answer" },
        { action: "decline", title: "Decline" },
      ],
      requireInteraction: true,
      renotify: true,
    });

    // Answered elsewhere: closed.
    await push({ type: "call-end", ...common, name: "Ada", callId, media: "video", state: "answered", by: "Grace" });
    await eventually("the call's notification closed", () => notifications(page), (ns) => !ns.some((n) => n.tag === `call-${callId}`));

    // An audio call from a visitor with no name, then missed: the missed call takes its place.
    const missedId = randomUUID();
    await push({ type: "call", ...common, callId: missedId, media: "audio", until: Date.now() + 30_000 });
    shown = (await tagged(`call-${missedId}`)).find((n) => n.tag === `call-${missedId}`)!;
    assert.equal(shown.title, "Audio call from a visitor");
    await push({ type: "call-end", ...common, callId: missedId, media: "audio", state: "missed" });
    const missed = await eventually(
      "the missed call in place of the call",
      () => notifications(page),
      (ns) => ns.some((n) => n.tag === `call-${missedId}` && n.title.startsWith("Missed")),
    );
    assert.deepEqual(
      missed.filter((n) => n.tag === `call-${missedId}`).map((n) => [n.title, n.actions.length]),
      [["Missed audio call from a visitor", 0]],
    );

    // Messages: titled with the visitor's name, the text; then three waiting, in the same notification.
    const conversationId = randomUUID();
    await push({ type: "message", ...common, name: "Ada", conversationId, text: "Is the plan monthly?", unseen: 1 });
    shown = (await tagged(`conversation-${conversationId}`)).find((n) => n.tag === `conversation-${conversationId}`)!;
    assert.deepEqual([shown.title, shown.body], ["Ada", "Is the plan monthly?"]);
    await push({ type: "message", ...common, name: "Ada", conversationId, text: "Hello?", unseen: 3 });
    const collapsed = await eventually(
      "three messages in one notification",
      () => notifications(page),
      (ns) => ns.some((n) => n.tag === `conversation-${conversationId}` && n.body === "3 new messages"),
    );
    assert.equal(collapsed.filter((n) => n.tag === `conversation-${conversationId}`).length, 1, "one notification per conversation");
    const anonymous = randomUUID();
    await push({ type: "message", ...common, conversationId: anonymous, text: "Hi", unseen: 1 });
    shown = (await tagged(`conversation-${anonymous}`)).find((n) => n.tag === `conversation-${anonymous}`)!;
    assert.equal(shown.title, "New message");
  }));

test("a focused dashboard gets the push instead of a notification; Answer tells the open dashboard, which answers without reloading; Decline posts to the room", () =>
  stack.run(async (pages) => {
    const origin = stack.server.origin;
    const room = uniqueRoom("push-focus");
    const tab = await pages.open("about:blank");
    await tab.context.grantPermissions(["notifications"], { origin });
    const { page } = tab;
    await dashboardWithWorker(page, `${origin}/host.html?room=${room}`);
    await page.evaluate(() => {
      const w = window as unknown as { __pushes: unknown[] };
      w.__pushes = [];
      navigator.serviceWorker.addEventListener("message", (e) => w.__pushes.push(e.data));
    });
    await page.bringToFront();
    const push = await pushChannel(page, origin);

    const callId = randomUUID();
    const payload: PushPayload = { type: "call", room, origin, name: "Ada", callId, media: "audio", until: Date.now() + 30_000, declineToken: "not-a-token" };
    await push(payload);
    const posted = await eventually(
      "the push posted to the focused dashboard",
      () => page.evaluate(() => (window as unknown as { __pushes: unknown[] }).__pushes),
      (list) => list.length > 0,
    );
    assert.deepEqual(posted, [{ type: "contact-me-push", payload }]);
    assert.deepEqual(await notifications(page), [], "no notification while a dashboard has the focus");
    assert.deepEqual(
      await page.evaluate("window.__pushesHandled"),
      [{ type: "contact-me-push-handled", payload, shown: false }],
      "the worker announces the push it handled, and that it showed nothing",
    );

    // The same call shown (no dashboard in focus), then clicked, as the worker handles it.
    const worker = tab.context.serviceWorkers().find((w) => w.url().endsWith("/host-sw.js"));
    assert.ok(worker, "the dashboard's service worker is running");
    const click = (action: string) =>
      worker.evaluate(
        `(async () => {
          await self.registration.showNotification("Audio call from Ada", { tag: "call-${callId}", data: ${JSON.stringify(payload)} });
          const [n] = await self.registration.getNotifications({ tag: "call-${callId}" });
          const result = await onNotificationClick(n, ${JSON.stringify(action)});
          return typeof result === "number" ? result : result ? result.url : null;
        })()`,
      ) as Promise<number | string | null>;

    // Decline: the room hears it (a token it did not issue is refused: 401), and the notification closes.
    const status = await click("decline");
    assert.equal(status, 401, "POST /decline with {callId, token}: the room refuses a token it did not issue");
    assert.deepEqual(await notifications(page), []);

    // Answer: the open dashboard is told, and hands the call id to the element, without a
    // navigation (which would drop a call in progress in that window).
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await click("answer");
    await eventually(
      "the dashboard told to answer the call",
      () => page.evaluate(() => document.querySelector("contact-me-host")?.getAttribute("answer") ?? null),
      (id) => id === callId,
    );
    assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true, "the same document: not reloaded");
    assert.equal(new URL(page.url()).searchParams.get("answer"), null, "nothing in the address to answer again on a reload");
    assert.equal(new URL(page.url()).searchParams.get("room"), room);
  }));
