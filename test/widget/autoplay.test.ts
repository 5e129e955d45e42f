/// <reference types="node" />
/**
 * Where the browser will not start a call's sound without a gesture (Safari's
 * rule, and autoplay policies elsewhere), `play()` is refused: the call view
 * then shows **Tap to unmute**, and a tap starts the remote media.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { eventually, hidden, visible } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const stack = useStack();

/**
 * `HTMLMediaElement.prototype.play` refused with `NotAllowedError`, as Safari
 * does without a user gesture, until the page sees a tap on **Tap to unmute**.
 * Counts refused and allowed calls in `window.__plays`.
 */
const REFUSE_PLAY_UNTIL_TAP = `(() => {
  const play = HTMLMediaElement.prototype.play;
  const plays = (window.__plays = { refused: 0, allowed: 0, tapped: false });
  document.addEventListener("click", (e) => {
    if (e.composedPath().some((n) => n.getAttribute && n.getAttribute("part") === "tap-to-unmute")) plays.tapped = true;
  }, { capture: true });
  HTMLMediaElement.prototype.play = function () {
    if (!plays.tapped) {
      plays.refused++;
      return Promise.reject(new DOMException("play() needs a user gesture", "NotAllowedError"));
    }
    plays.allowed++;
    return play.call(this);
  };
})()`;

type Plays = { refused: number; allowed: number; tapped: boolean };

test("a refused play() shows Tap to unmute; the tap plays the host's audio", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "autoplay");
    await visitor.page.evaluate(REFUSE_PLAY_UNTIL_TAP);

    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText("Connected"));

    const tap = visitor.panel.getByRole("button", { name: "Tap to unmute" });
    await visible(tap);
    const before = (await visitor.page.evaluate("window.__plays")) as Plays;
    assert.ok(before.refused >= 1 && before.allowed === 0, `play() was refused before the tap: ${JSON.stringify(before)}`);

    await tap.click();
    await hidden(tap);
    const after = (await visitor.page.evaluate("window.__plays")) as Plays;
    assert.ok(after.allowed >= 1, `the tap called play() again: ${JSON.stringify(after)}`);
    const paused = await eventually(
      "the remote audio playing",
      () => visitor.page.locator('contact-me audio[part="remote-audio"]').evaluate((a: HTMLAudioElement) => a.paused),
      (p) => p === false,
    );
    assert.equal(paused, false);

    // The host's page allowed play() all along: no button there.
    assert.equal(await host.page.getByRole("button", { name: "Tap to unmute" }).count(), 0);
    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
    await visible(visitor.panel.getByText("Call ended"));
  }));
