/// <reference types="node" />
/**
 * The dashboard checks itself (Chromium): signed in from a browser whose
 * `RTCPeerConnection` was removed before the page loaded, it says that calls
 * cannot be taken here; with WebRTC it says nothing of the kind. Such a
 * dashboard, available, is available for messages only: the visitor sees the
 * host available, no call buttons and why, and its message reaches it; the
 * panel offers a call back instead, and the request reaches the dashboard,
 * even when the room took it only after a reload of the visitor's page.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { randomUUID } from "node:crypto";
import { WAIT_MS, openHost, openVisitor, setAvailable, signIn, uniqueRoom, visible, type Pages } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();
const WARNING = "This browser cannot take calls (no WebRTC). Answer calls from another browser; messages work here.";

test("a dashboard without RTCPeerConnection warns that it cannot take calls", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("self-check");
    const able = await openHost(pages, stack.server.origin, room, stack.hostKey);

    const host = await hostWithoutWebrtc(pages, room);
    await visible(host.page.getByText(WARNING));

    assert.equal(await able.page.getByText(WARNING).count(), 0);
    assert.equal(await able.page.locator("contact-me-host").evaluate((el) => el.shadowRoot?.querySelector('[part="self-check"]') === null), true);
  }));

/** A dashboard for `room` whose `RTCPeerConnection` was removed before the page loaded, signed in. */
async function hostWithoutWebrtc(pages: Pages, room: string) {
  const host = await pages.open("about:blank");
  await host.page.addInitScript(() => {
    delete (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
  });
  await host.page.goto(`${stack.server.origin}/host.html?room=${encodeURIComponent(room)}`);
  await signIn(host.page, stack.hostKey);
  await visible(host.page.getByRole("switch", { name: "Available" }));
  return host;
}

test("a host available only at a dashboard without WebRTC is available for messages: no call buttons for the visitor, the message arrives, and so does a call-back request", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("self-check-calls");
    const host = await hostWithoutWebrtc(pages, room);
    await visible(host.page.getByText(WARNING));
    await setAvailable(host.page, true);

    const visitor = await openVisitor(pages, stack.server.origin, room);
    const panel = visitor.panel;
    await visible(panel.getByText("Available", { exact: true }));
    await visible(panel.getByText("Calls are not possible right now. Send a message instead."));
    assert.equal(await panel.getByRole("button", { name: "Audio call" }).count(), 0);
    assert.equal(await panel.getByRole("button", { name: "Video call" }).count(), 0);

    const message = `Reached without calls ${randomUUID().slice(0, 8)}`;
    await panel.getByRole("button", { name: "Send a message" }).click({ timeout: WAIT_MS });
    await panel.getByRole("textbox", { name: "Message" }).fill(message, { timeout: WAIT_MS });
    await panel.getByRole("button", { name: "Send", exact: true }).click({ timeout: WAIT_MS });
    await visible(host.page.getByText(message));

    // Where calls are off, the panel offers a call back instead; the request reaches the dashboard.
    await panel.getByRole("button", { name: "Back" }).click({ timeout: WAIT_MS });
    await panel.getByRole("button", { name: /^Leave your number or email and .+ will get back to you$/ }).click({ timeout: WAIT_MS });
    await panel.getByRole("textbox", { name: "Phone or email" }).fill("+33 6 12 34 56 78", { timeout: WAIT_MS });
    await panel.getByRole("textbox", { name: "Note (optional)" }).fill("After 5 pm, please", { timeout: WAIT_MS });
    await panel.getByRole("button", { name: "Ask to be called back" }).click({ timeout: WAIT_MS });
    await visible(panel.getByText("Call me back: +33 6 12 34 56 78"));
    await visible(host.page.getByText("📞 Call back: +33 6 12 34 56 78"));
    await visible(host.page.getByText("After 5 pm, please"));

    // A request the room has not acknowledged is kept whole: after a reload it goes with its contact.
    await visitor.page.evaluate(() => {
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (this: WebSocket, data) {
        if (typeof data === "string" && data.includes('"type":"text"')) return; // the room never hears it
        send.call(this, data);
      };
    });
    await panel.getByRole("button", { name: "Back" }).click({ timeout: WAIT_MS });
    await panel.getByRole("button", { name: /^Leave your number or email and .+ will get back to you$/ }).click({ timeout: WAIT_MS });
    await panel.getByRole("textbox", { name: "Phone or email" }).fill("grace@example.com", { timeout: WAIT_MS });
    await panel.getByRole("button", { name: "Ask to be called back" }).click({ timeout: WAIT_MS });
    await visible(panel.getByText("Call me back: grace@example.com"));
    await visitor.page.reload();
    await visitor.page.getByRole("button", { name: "Contact me" }).click({ timeout: WAIT_MS });
    await visible(host.page.getByText("📞 Call back: grace@example.com"));
  }));
