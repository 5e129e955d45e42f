/// <reference types="node" />
/**
 * While a call rings, the dashboard starts its camera and microphone (the
 * browser already allows them), so Accept does not wait for them; once
 * nothing rings there any more — the visitor hung up, or the host declined —
 * every track it started is stopped: no camera stays on for a call that
 * was not taken.
 */
import { test } from "node:test";
import type { Page } from "playwright-core";
import { eventually, openHost, openVisitor, setAvailable, signIn, uniqueRoom, visible } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

/** Keeps every stream `getUserMedia` returns in `window.__streams`. A string: tsx would wrap a function. */
const RECORD_MEDIA = `(() => {
  const streams = (window.__streams = []);
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await gum(constraints);
    streams.push(stream);
    return stream;
  };
})()`;

/** The `readyState` of every track the page's `getUserMedia` gave, by kind. */
function tracks(page: Page): Promise<string[]> {
  return page.evaluate("window.__streams.flatMap((s) => s.getTracks().map((t) => t.kind + ':' + t.readyState))") as Promise<string[]>;
}

test("the dashboard's camera and microphone start while a call rings and stop when it stops ringing (hung up, declined)", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("warm");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    await host.page.addInitScript(RECORD_MEDIA);
    await host.page.reload();
    const key = host.page.getByRole("textbox", { name: "Host key" });
    if (await key.isVisible({ timeout: 2_000 }).catch(() => false)) await signIn(host.page, stack.hostKey);
    await setAvailable(host.page, true);
    const visitor = await openVisitor(pages, stack.server.origin, room);
    await visible(visitor.panel.getByText("Available", { exact: true }));

    const live = (states: string[]) => states.includes("audio:live") && states.includes("video:live");
    const allEnded = (states: string[]) => states.length > 0 && states.every((s) => s.endsWith(":ended"));

    // The visitor hangs up while it rings.
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await visible(host.page.getByRole("button", { name: "Accept" }));
    await eventually("the host's camera and microphone started while ringing", () => tracks(host.page), live);
    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
    await eventually("every track the host started stopped once the call stopped ringing", () => tracks(host.page), allEnded);

    // The host declines.
    const done = visitor.panel.getByRole("button", { name: "Done", exact: true });
    if (await done.isVisible()) await done.click();
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await eventually("the host's camera and microphone started while ringing again", () => tracks(host.page), live);
    await host.page.getByRole("button", { name: "Decline" }).click();
    await visible(visitor.panel.getByText("Declined"));
    await eventually("every track the host started stopped once declined", () => tracks(host.page), allEnded);
  }));
