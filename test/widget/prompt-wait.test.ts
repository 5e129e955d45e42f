/// <reference types="node" />
/**
 * A camera/microphone prompt the visitor leaves unanswered (Chromium, with
 * `getUserMedia` made never to settle by an init script): the panel says to
 * check the browser's prompt after a few seconds, and no call is requested,
 * so nothing rings at the host.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openHost, setAvailable, uniqueRoom, visible } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

test("an unanswered camera prompt shows the waiting hint and rings nobody", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("prompt");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    await setAvailable(host.page, true);

    const visitor = await pages.open("about:blank");
    await visitor.page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => new Promise<MediaStream>(() => {});
    });
    await visitor.page.goto(`${stack.server.origin}/?room=${encodeURIComponent(room)}`);
    await visitor.page.getByRole("button", { name: "Contact me" }).click();
    const panel = visitor.page.getByRole("dialog", { name: "Contact" });
    await visible(panel.getByText("Available", { exact: true }));
    await panel.getByRole("button", { name: "Audio call" }).click();
    await visible(panel.getByText("Starting camera and microphone…"));
    await visible(panel.getByText("Waiting for your camera and microphone — check the browser's prompt"));

    // Still waiting a while later: no call frame went out, nothing reached the host.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const sent = visitor.frames.filter((f) => f.includes(' > {"type":"call"'));
    assert.deepEqual(sent, [], "no call requested while the prompt is open");
    const rings = host.frames.filter((f) => / < \{"type":"queue","calls":\[\{/.test(f));
    assert.deepEqual(rings, [], "the host was not rung");
    assert.equal(await host.page.getByRole("button", { name: /Accept/ }).count(), 0);
  }));
