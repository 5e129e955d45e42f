/// <reference types="node" />
/**
 * The dashboard opened from a notification: `host.html?room=…&answer=<callId>`
 * in a tab with a saved session signs in by itself and accepts that call
 * while it still waits, and the call connects with video both ways; a call
 * that no longer waits is said to be so; in a browser never signed in (say,
 * another device) it asks for the key first, then accepts.
 * `…&conversation=<id>` opens that conversation.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { eventually, openHost, openVisitor, remoteVideoFrames, remoteVideoWidth, setAvailable, uniqueRoom, visible, type TestPage } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

const KEY_ADA = `ada-${randomUUID()}`;
const KEY_GRACE = `grace-${randomUUID()}`;
const stack = useStack({ vars: { HOSTS: JSON.stringify({ Ada: KEY_ADA, Grace: KEY_GRACE }) } });

/** The first value of `field` in a frame of `type` that `tab` received. */
function received(tab: TestPage, type: string, field: string): Promise<string> {
  const pattern = new RegExp(`"${field}":"([^"]+)"`);
  return eventually(
    `a "${type}" frame with ${field}`,
    async () => {
      for (const frame of tab.frames) {
        if (!frame.includes(`< `) || !frame.includes(`"type":"${type}"`)) continue;
        const match = pattern.exec(frame);
        if (match) return match[1];
      }
      return undefined;
    },
    (value) => value !== undefined,
  ) as Promise<string>;
}

async function videoPlays(page: Page, selector: "contact-me" | "contact-me-host", who: string): Promise<void> {
  await eventually(`${who}: the other side's video has a size`, () => remoteVideoWidth(page, selector).catch(() => 0), (w) => w > 0);
  const before = await remoteVideoFrames(page, selector);
  await eventually(`${who}: the other side's video plays`, () => remoteVideoFrames(page, selector), (n) => n > before);
}

test("the answer URL, opened with a saved session, accepts the waiting call and it connects; a call no longer waiting is said so", () =>
  stack.run(async (pages) => {
    const origin = stack.server.origin;
    const room = uniqueRoom("answer-url");
    // Grace keeps a dashboard open and Available, so the call rings; Ada is signed in in another tab, away.
    const grace = await openHost(pages, origin, room, KEY_GRACE);
    await setAvailable(grace.page, true);
    const ada = await openHost(pages, origin, room, KEY_ADA);
    const visitor = await openVisitor(pages, origin, room);
    await visible(visitor.panel.getByText("Available", { exact: true }));
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await visible(visitor.panel.getByText("Calling…"));
    const callId = await received(visitor, "ringing", "callId");

    // Ada's tab goes to the answer URL (as a notification's Answer takes it there): signed in from the tab's session, it accepts.
    await ada.page.goto(`${origin}/host.html?room=${room}&answer=${callId}`);
    await visible(visitor.panel.getByText("Connected", { exact: true }));
    await visible(ada.page.getByText("Connected", { exact: true }));
    assert.equal(await ada.page.getByRole("textbox", { name: "Host key" }).count(), 0, "the answer URL asked for the key");
    await videoPlays(ada.page, "contact-me-host", "Ada");
    await videoPlays(visitor.page, "contact-me", "the visitor");
    await visible(grace.page.getByText("Answered by Ada"));
    assert.equal(new URL(ada.page.url()).searchParams.get("answer"), null, "answer is dropped from the address");

    // A reload answers nothing again; the same call id, once over, is no longer waiting.
    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
    await visible(visitor.panel.getByText("Call ended"));
    await ada.page.goto(`${origin}/host.html?room=${room}&answer=${callId}`);
    await visible(ada.page.getByRole("alert").filter({ hasText: "That call is no longer waiting" }));
    await ada.page.goto(`${origin}/host.html?room=${room}&answer=${randomUUID()}`);
    await visible(ada.page.getByRole("alert").filter({ hasText: "That call is no longer waiting" }));
    assert.equal(await ada.page.getByRole("button", { name: "Hang up" }).count(), 0);
  }));

test("the conversation URL opens that conversation", () =>
  stack.run(async (pages) => {
    const origin = stack.server.origin;
    const room = uniqueRoom("conversation-url");
    const ada = await openHost(pages, origin, room, KEY_ADA);
    const writers = [];
    for (const name of ["Lin", "Noor"]) {
      const visitor = await openVisitor(pages, origin, room);
      await visitor.panel.getByRole("button", { name: "Send a message" }).click();
      await visitor.panel.getByRole("textbox", { name: "Message" }).fill(`Hello from ${name}`);
      await visitor.panel.getByRole("textbox", { name: "Your name" }).fill(name);
      await visitor.panel.getByRole("button", { name: "Send", exact: true }).click();
      await visible(ada.page.locator('[part~="conversation-item"]', { hasText: name }));
      writers.push(visitor);
    }
    // Lin's conversation, the older of the two (the list opens the newest by itself).
    const lin = await eventually(
      "Lin's conversation id",
      async () => ada.frames.map((f) => /"type":"message","conversationId":"([^"]+)".*Hello from Lin/.exec(f)?.[1]).find(Boolean),
      (id) => id !== undefined,
    );
    await ada.page.goto(`${origin}/host.html?room=${room}&conversation=${lin}`);
    const current = ada.page.locator('[part~="conversation-item"][aria-current="true"]');
    await visible(current);
    assert.match(await current.innerText(), /Lin/);
    await visible(ada.page.locator('[part="conversation"]').getByText("Hello from Lin"));
  }));

test("the answer URL in a browser never signed in asks for the key, then accepts the call once signed in", () =>
  stack.run(async (pages) => {
    const origin = stack.server.origin;
    const room = uniqueRoom("answer-signin");
    const grace = await openHost(pages, origin, room, KEY_GRACE);
    await setAvailable(grace.page, true);
    const visitor = await openVisitor(pages, origin, room);
    await visible(visitor.panel.getByText("Available", { exact: true }));
    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    const callId = await received(visitor, "ringing", "callId");

    // Another browser, never signed in here: no saved session.
    const ada = await pages.open(`${origin}/host.html?room=${room}&answer=${callId}`);
    await ada.page.getByRole("textbox", { name: "Host key" }).fill(KEY_ADA);
    await ada.page.getByRole("button", { name: "Sign in" }).click();
    await visible(visitor.panel.getByText("Connected", { exact: true }));
    await visible(ada.page.getByText("Connected", { exact: true }));
    await visible(grace.page.getByText("Answered by Ada"));
  }));
