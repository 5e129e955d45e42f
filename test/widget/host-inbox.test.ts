/// <reference types="node" />
/**
 * The dashboard's conversations: a reply goes to the conversation it was
 * typed in even when a new message re-orders the list meanwhile, and
 * half-typed replies stay with their conversations across re-renders and a
 * reload.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Locator } from "playwright-core";
import { openHost, openVisitor, uniqueRoom, visible } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

/** Send `text` from an open visitor panel as `name`. */
async function say(panel: Locator, name: string, text: string): Promise<void> {
  if (await panel.getByRole("button", { name: "Send a message" }).isVisible()) {
    await panel.getByRole("button", { name: "Send a message" }).click();
    await panel.getByRole("textbox", { name: "Your name" }).fill(name);
  }
  await panel.getByRole("textbox", { name: "Message" }).fill(text);
  await panel.getByRole("button", { name: "Send", exact: true }).click();
  await visible(panel.getByText(text));
}

test("a reply goes to the conversation it was typed in, though a new message re-orders the list; drafts stay with theirs", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("inbox");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const ada = await openVisitor(pages, stack.server.origin, room);
    const bob = await openVisitor(pages, stack.server.origin, room);
    await say(bob.panel, "Bob", "Hi, Bob here");
    await say(ada.panel, "Ada", "Hi, Ada here");
    const replyToAda = host.page.getByRole("textbox", { name: "Reply to Ada" });
    const replyToBob = host.page.getByRole("textbox", { name: "Reply to Bob" });
    await visible(replyToAda);
    await visible(replyToBob);

    // Ada's conversation is on top; the host starts a reply to her and leaves a draft for Bob.
    await replyToBob.fill("Bob: a draft for later");
    await replyToAda.click();
    await host.page.keyboard.type("Ada: the answer to your question");
    // Bob writes: his conversation moves to the top of the list.
    await say(bob.panel, "Bob", "Are you there?");
    await visible(host.page.getByText("Are you there?"));
    const first = await host.page.locator('[part="conversation"]').first().textContent();
    assert.match(first ?? "", /Are you there\?/, "Bob's conversation did not move to the top");

    // The host, still in the box they typed in, tabs to its Send and presses it.
    await host.page.keyboard.press("Tab");
    await host.page.keyboard.press("Enter");
    await visible(ada.panel.getByText("Ada: the answer to your question"));
    await bob.page.waitForTimeout(1_000);
    assert.equal(await bob.panel.getByText("Ada: the answer to your question").count(), 0, "Bob received Ada's reply");
    assert.equal(await replyToBob.inputValue(), "Bob: a draft for later", "Bob's draft was lost");
    assert.equal(await replyToAda.inputValue(), "", "the sent reply stayed in the box");

    await host.page.reload();
    await visible(replyToBob);
    assert.equal(await replyToBob.inputValue(), "Bob: a draft for later", "Bob's draft did not survive a reload");
  }));
