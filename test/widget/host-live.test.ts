/// <reference types="node" />
/**
 * The dashboard's side of a live conversation, with real visitors and
 * dashboards: typing shows both ways ("Bob is typing…" on the dashboard,
 * "Ada is typing…" in the visitor's panel) and clears with the message;
 * opening a conversation makes the visitor's panel say "Seen", and the
 * visitor reading a reply makes the dashboard say "Seen" under it; Archive
 * takes a conversation off every dashboard until its visitor writes again;
 * Delete asks first, then removes it everywhere, the visitor's panel too;
 * Export downloads the conversation as text; and a room of 35 conversations
 * lists 30, then the 5 older ones as the list is scrolled to its end.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import type { Locator, Page } from "playwright-core";
import { eventually, hidden, openHost, openVisitor, uniqueRoom, visible } from "../support/browser.ts";
import { TYPING_EVERY_MS } from "../../protocol/socket.ts";
import { RawSocket, roomSocketUrl, type Frame } from "../support/raw-socket.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack({ vars: { HOST_NAME: "Ada" } });

/** Send `text` from an open visitor panel as `name` (the name asked the first time only). */
async function say(visitor: { panel: Locator }, name: string, text: string): Promise<void> {
  const { panel } = visitor;
  if (await panel.getByRole("button", { name: "Send a message" }).isVisible()) {
    await panel.getByRole("button", { name: "Send a message" }).click();
    await panel.getByRole("textbox", { name: "Your name" }).fill(name);
  }
  await panel.getByRole("textbox", { name: "Message" }).fill(text);
  await panel.getByRole("button", { name: "Send", exact: true }).click();
  await visible(panel.getByText(text));
}

/** The dashboard's list entry for the conversation whose list name contains `name`. */
function item(page: Page, name: string): Locator {
  return page.locator('[part~="conversation-item"]', { has: page.locator(".name", { hasText: name }) });
}

/** The names of the list's entries, top to bottom. */
function listed(page: Page): Promise<string[]> {
  return page.locator('[part~="conversation-item"] .name').allTextContents();
}

/** The visitor's own message showing `text`, with its state line. */
function visitorMessage(panel: Locator, text: string): Locator {
  return panel.locator('[part~="message-visitor"]', { hasText: text });
}

test("typing shows both ways and clears with the message; Seen on both sides", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("host-live");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const bob = await openVisitor(pages, stack.server.origin, room);
    await say(bob, "Bob", "Hello there");
    const dashTyping = host.page.locator('[part="typing"]');

    // The conversation opened by itself on the dashboard: the visitor sees "Seen".
    await visible(host.page.getByRole("textbox", { name: "Reply to Bob" }));
    await visible(visitorMessage(bob.panel, "Hello there").locator('[part="message-state"]', { hasText: "Seen" }));

    // The visitor types: the dashboard says so, in the pane and in the list entry.
    const box = bob.panel.getByRole("textbox", { name: "Message" });
    // (The panel sends one notice every 3 s: the first message's typing went out already.)
    await bob.page.waitForTimeout(TYPING_EVERY_MS + 200);
    await box.pressSequentially("Are you", { delay: 30 });
    await visible(host.page.getByText("Bob is typing…"));
    assert.equal(await item(host.page, "Bob").locator(".preview").getAttribute("data-text"), "Bob is typing…");
    // The message arrives: the indicator is gone at once (not after its timeout).
    await box.pressSequentially(" there?");
    await box.press("Enter");
    await visible(host.page.locator('[part~="message-visitor"]', { hasText: "Are you there?" }));
    assert.equal((await dashTyping.textContent())?.trim(), "", "still typing after the message");
    assert.equal(await item(host.page, "Bob").locator(".preview").getAttribute("data-text"), "Are you there?");
    // It came into the open conversation while the dashboard is in view: read, so Seen moves to it.
    await visible(visitorMessage(bob.panel, "Are you there?").locator('[part="message-state"]', { hasText: "Seen" }));

    // The host types: the visitor's panel names the host (the room's HOST_NAME).
    const reply = host.page.getByRole("textbox", { name: "Reply to Bob" });
    await reply.pressSequentially("Yes, I am", { delay: 30 });
    await visible(bob.panel.getByText("Ada is typing…"));
    // The visitor closes the panel before the reply: not seen yet.
    await bob.panel.getByRole("button", { name: "Close" }).click();
    await hidden(bob.panel);
    await reply.press("Enter");
    const hostMessage = host.page.locator('[part~="message-host"]', { hasText: "Yes, I am" });
    await visible(hostMessage);
    await host.page.waitForTimeout(1_500);
    assert.equal(await hostMessage.locator('[part="message-state"]').count(), 0, "Seen before the visitor saw the reply");
    // The visitor opens the panel and reads it: the dashboard says Seen under it.
    await bob.page.getByRole("button", { name: /Contact me/ }).click();
    await visible(bob.panel.getByText("Yes, I am"));
    await visible(hostMessage.locator('[part="message-state"]', { hasText: "Seen" }));
  }));

test("Archive leaves every dashboard until the visitor writes; Delete asks, then removes it everywhere; Export downloads it", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("host-housekeeping");
    const a = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const b = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const ada = await openVisitor(pages, stack.server.origin, room);
    const bob = await openVisitor(pages, stack.server.origin, room);
    await say(ada, "Ada", "Hello, I need a quote");
    await say(bob, "Bob", "Bob here, a question");
    await eventually("both listed on B", () => listed(b.page), (n) => n.join() === "Bob,Ada");

    // Export: a text file of the loaded messages, with a header.
    await item(a.page, "Ada").click();
    await a.page.getByRole("textbox", { name: "Reply to Ada" }).fill("Sure: 3 seats?");
    await a.page.getByRole("textbox", { name: "Reply to Ada" }).press("Enter");
    await visible(ada.panel.getByText("Sure: 3 seats?"));
    const [download] = await Promise.all([a.page.waitForEvent("download"), a.page.getByRole("button", { name: "Export" }).click()]);
    assert.match(download.suggestedFilename(), /^conversation-ada-\d{4}-\d{2}-\d{2}\.txt$/);
    const text = await readFile(await download.path(), "utf8");
    assert.match(text, /^Name: Ada\n/);
    assert.match(text, /\nPage: http:\/\/[^\n]*room=/);
    assert.match(text, /\n\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}\] Ada: Hello, I need a quote\n/);
    assert.match(text, /\n\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}\] [^\n]+: Sure: 3 seats\?\n/);
    assert.ok(text.indexOf("Hello, I need a quote") < text.indexOf("Sure: 3 seats?"), "messages out of order");

    // Archive on A: gone from both lists; a new message from Ada brings it back, whole.
    await a.page.getByRole("button", { name: "Archive" }).click();
    await eventually("Ada archived on B", () => listed(b.page), (n) => n.join() === "Bob");
    await eventually("Ada archived on A", () => listed(a.page), (n) => n.join() === "Bob");
    await say(ada, "Ada", "One more thing");
    await eventually("Ada back on B", () => listed(b.page), (n) => n.join() === "Ada,Bob");
    await item(b.page, "Ada").click();
    await visible(b.page.locator('[part~="message-visitor"]', { hasText: "Hello, I need a quote" }));
    await visible(b.page.locator('[part~="message-visitor"]', { hasText: "One more thing" }));

    // Delete on A asks first: Cancel keeps it, and gives focus back to Delete.
    await item(a.page, "Bob").click();
    await a.page.getByRole("textbox", { name: "Reply to Bob" }).fill("a draft for Bob");
    await a.page.getByRole("button", { name: "Delete", exact: true }).click();
    const confirm = a.page.locator('[part="delete-confirm"]');
    await visible(confirm.getByText("Delete the conversation with Bob?"));
    assert.equal(await confirm.getByRole("button", { name: "Cancel" }).evaluate((el) => el.matches(":focus")), true);
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await hidden(confirm);
    assert.equal(await a.page.getByRole("button", { name: "Delete", exact: true }).evaluate((el) => el.matches(":focus")), true);
    assert.deepEqual(await listed(a.page), ["Ada", "Bob"]);
    // Confirmed: gone on both dashboards, and from Bob's panel; its draft is forgotten.
    await a.page.getByRole("button", { name: "Delete", exact: true }).click();
    await confirm.getByRole("button", { name: "Delete for good" }).click();
    await eventually("Bob deleted on A", () => listed(a.page), (n) => n.join() === "Ada");
    await eventually("Bob deleted on B", () => listed(b.page), (n) => n.join() === "Ada");
    await hidden(bob.panel.getByText("Bob here, a question"));
    const drafts = await a.page.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.endsWith(":drafts"))
        .map((k) => localStorage.getItem(k))
        .join(),
    );
    assert.ok(!drafts.includes("a draft for Bob"), `the deleted conversation's draft stayed: ${drafts}`);
  }));

test("35 conversations: the list shows 30; scrolling to its end loads the other 5", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("host-older");
    const names = Array.from({ length: 35 }, (_, i) => `Visitor ${String(i + 1).padStart(2, "0")}`);
    const visitors: RawSocket[] = [];
    try {
      // One after another, so that their order is known; each from its own address.
      for (const [i, name] of names.entries()) {
        const v = await RawSocket.open(roomSocketUrl(stack.server.origin, room), { address: `198.51.100.${i + 10}` });
        visitors.push(v);
        v.send({ type: "text", text: `Message from ${name}`, name });
        await v.next(`${name}'s message stored`, (f: Frame) => f.type === "sent");
      }
      const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
      const newest = names.slice(5).reverse();
      await eventually("the first 30", () => listed(host.page), (n) => n.join() === newest.join());
      const older = host.page.getByRole("button", { name: "Load older conversations" });
      // Below the fold, it has not loaded anything yet; scrolled into view, it does.
      assert.deepEqual(await listed(host.page), newest, "nothing older loads before the end of the list is in view");
      await older.scrollIntoViewIfNeeded();
      const all = names.slice().reverse();
      await eventually("all 35", () => listed(host.page), (n) => n.join() === all.join());
      await hidden(older);
    } finally {
      await Promise.all(visitors.map((v) => v.close()));
    }
  }));
