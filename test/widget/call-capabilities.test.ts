/// <reference types="node" />
/**
 * Calls are offered only where they can connect (Chromium): a site that
 * embeds the widget in a cross-origin iframe without
 * `allow="camera; microphone"` shows why calls are off instead of the call
 * buttons, and messages still reach the host; in an in-app browser (by user
 * agent) the panel says to open the page in a browser and **Copy link**
 * copies its address.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { WAIT_MS, hidden, openHost, setAvailable, uniqueRoom, visible } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();
const INSTAGRAM =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36 Instagram 312.0.0.32.112 Android";

test("a site embedding the widget in an iframe without camera and microphone permission says calls are off and takes messages", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("caps-frame");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    await setAvailable(host.page, true);

    // The embedding site, on another origin (its own port), frames the demo page without `allow`.
    const body = `<!doctype html><title>Embedding site</title><iframe title="contact" width="500" height="700" src="${stack.server.origin}/?room=${room}"></iframe>`;
    const site = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(body));
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    const context = await stack.browser.newContext({ permissions: ["camera", "microphone"] });
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
      const frame = page.frameLocator("iframe");
      await frame.getByRole("button", { name: "Contact me" }).click({ timeout: WAIT_MS });
      const panel = frame.getByRole("dialog", { name: "Contact" });
      await visible(panel.getByText("Available", { exact: true }));
      await visible(panel.getByText("This page does not allow the camera and microphone, so calls are off. Messages still work."));
      await hidden(panel.getByRole("button", { name: "Audio call" }));
      await hidden(panel.getByRole("button", { name: "Video call" }));

      const message = `From the framed widget ${randomUUID().slice(0, 8)}`;
      await panel.getByRole("button", { name: "Send a message" }).click({ timeout: WAIT_MS });
      await panel.getByRole("textbox", { name: "Message" }).fill(message, { timeout: WAIT_MS });
      await panel.getByRole("button", { name: "Send", exact: true }).click({ timeout: WAIT_MS });
      await visible(host.page.getByText(message));
      // In the conversation too, no call buttons.
      assert.equal(await panel.getByRole("button", { name: "Audio call" }).count(), 0);
    } finally {
      await context.close();
      site.close();
    }
  }));

test("an in-app browser is told to open the page in a browser to call, and Copy link copies the page's address", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("caps-inapp");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    await setAvailable(host.page, true);

    const context = await stack.browser.newContext({
      userAgent: INSTAGRAM,
      permissions: ["camera", "microphone", "clipboard-read", "clipboard-write"],
    });
    try {
      const page = await context.newPage();
      const url = `${stack.server.origin}/?room=${room}`;
      await page.goto(url);
      await page.getByRole("button", { name: "Contact me" }).click({ timeout: WAIT_MS });
      const panel = page.getByRole("dialog", { name: "Contact" });
      await visible(panel.getByText("Available", { exact: true }));
      await visible(panel.getByText("Open this page in your browser to call"));
      assert.equal(await panel.getByRole("button", { name: "Audio call" }).count(), 0);
      assert.equal(await panel.getByRole("button", { name: "Video call" }).count(), 0);
      await panel.getByRole("button", { name: "Copy link" }).click({ timeout: WAIT_MS });
      await visible(panel.getByRole("button", { name: "Link copied" }));
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
      await visible(panel.getByRole("button", { name: "Send a message" }));
    } finally {
      await context.close();
    }
  }));
