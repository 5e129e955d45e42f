/// <reference types="node" />
/**
 * The dashboard checks itself (Chromium): signed in from a browser whose
 * `RTCPeerConnection` was removed before the page loaded, it says that calls
 * cannot be taken here; with WebRTC it says nothing of the kind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openHost, signIn, uniqueRoom, visible } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();
const WARNING = "This browser cannot take calls (no WebRTC). Answer calls from another browser; messages work here.";

test("a dashboard without RTCPeerConnection warns that it cannot take calls", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("self-check");
    const able = await openHost(pages, stack.server.origin, room, stack.hostKey);

    const host = await pages.open("about:blank");
    await host.page.addInitScript(() => {
      delete (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
    });
    await host.page.goto(`${stack.server.origin}/host.html?room=${encodeURIComponent(room)}`);
    await signIn(host.page, stack.hostKey);
    await visible(host.page.getByRole("switch", { name: "Available" }));
    await visible(host.page.getByText(WARNING));

    assert.equal(await able.page.getByText(WARNING).count(), 0);
    assert.equal(await able.page.locator("contact-me-host").evaluate((el) => el.shadowRoot?.querySelector('[part="self-check"]') === null), true);
  }));
