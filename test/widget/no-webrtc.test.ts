/// <reference types="node" />
/**
 * A visitor in Firefox with WebRTC switched off (`media.peerconnection.enabled`
 * false, as privacy-hardened profiles ship it), the host available in
 * Chromium: the panel offers no call, says why, and the visitor's message
 * reaches the host.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { openHost, setAvailable, uniqueRoom, visible } from "../support/browser.ts";
import { launchEngine } from "../support/engines.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

test("Firefox without WebRTC: no call buttons, the reason shown, and messages reach the host", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("no-webrtc");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    await setAvailable(host.page, true);

    const firefox = await launchEngine("firefox", { firefoxPrefs: { "media.peerconnection.enabled": false } });
    try {
      const visitor = await firefox.open(`${stack.server.origin}/?room=${encodeURIComponent(room)}`);
      assert.equal(await visitor.evaluate("String(typeof RTCPeerConnection)"), "undefined", "WebRTC is off in this Firefox");
      await visitor.click("Contact me");
      await visitor.waitForText(/Available/);
      await visitor.waitForText(/This browser cannot make calls\. Messages still work\./);
      const shown = await visitor.shown();
      assert.doesNotMatch(shown, /Audio call|Video call/, shown);

      const message = `From Firefox without WebRTC ${randomUUID().slice(0, 8)}`;
      await visitor.click("Send a message");
      await visitor.fill("Message", message);
      await visitor.click("Send");
      await visible(host.page.getByText(message));
      assert.doesNotMatch(await visitor.shown(), /Audio call|Video call/);
    } finally {
      await firefox.close();
    }
  }));
