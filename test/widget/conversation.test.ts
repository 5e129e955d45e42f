/// <reference types="node" />
/**
 * A conversation both ways, with no Slack: the dashboard answers, the
 * visitor sees replies live or counted on the button, and finds the whole
 * conversation again after a reload. Resends never duplicate.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { eventually, hidden, openHost, openVisitor, uniqueRoom, visible } from "../support/browser.ts";
import { RawSocket } from "../support/raw-socket.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

test("the host replies from the dashboard; the visitor sees it live, then as an unread count, and after a reload", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("conversation");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const visitor = await openVisitor(pages, stack.server.origin, room);
    const panel = visitor.panel;
    await panel.getByRole("button", { name: "Send a message" }).click();
    await panel.getByRole("textbox", { name: "Your name" }).fill("Grace Visitor");
    await panel.getByRole("textbox", { name: "Email" }).fill("grace@example.com");
    const question = `Question ${randomUUID().slice(0, 6)}`;
    await panel.getByRole("textbox", { name: "Message" }).fill(question);
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    // A dashboard is online: the message is delivered at once (and seen, as the dashboard opens it).
    await visible(panel.getByText(/^(Delivered|Seen)$/).first());
    await visible(host.page.getByText(question));
    await visible(host.page.getByText(/Grace Visitor · grace@example\.com/));

    const live = `Live answer ${randomUUID().slice(0, 6)}`;
    await host.page.getByRole("textbox", { name: "Reply" }).fill(live);
    await host.page.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.getByText(live));

    // Panel closed: the reply is counted on the button.
    await panel.getByRole("button", { name: "Close" }).click();
    const launcher = visitor.page.getByRole("button", { name: "Contact me" });
    const badge = visitor.page.locator('contact-me [part="badge"]');
    await hidden(badge);
    const later = `Later answer ${randomUUID().slice(0, 6)}`;
    await host.page.getByRole("textbox", { name: "Reply" }).fill(later);
    await host.page.getByRole("button", { name: "Send", exact: true }).click();
    await visible(badge);
    assert.equal(await badge.textContent(), "1");
    assert.equal(await launcher.getAttribute("aria-expanded"), "false");

    // A reload keeps the count (one HTTP request, no socket) and the conversation.
    await visitor.page.reload();
    await visible(badge);
    assert.equal(await badge.textContent(), "1");
    await launcher.click();
    const again = visitor.page.getByRole("dialog", { name: "Contact" });
    for (const text of [question, live, later]) await visible(again.getByText(text));
    await hidden(badge);
    await again.getByRole("button", { name: "Close" }).click();
    await visitor.page.reload();
    await visible(launcher);
    await visitor.page.waitForTimeout(500);
    assert.equal(await badge.count(), 0, "read replies are not counted again");
  }));

test("a resend with the same client id is acknowledged with the same id and stored once", async () => {
  const room = uniqueRoom("idempotent");
  const url = `${stack.server.origin.replace(/^http/, "ws")}/parties/main/${room}`;
  const first = await RawSocket.open(url);
  const welcome = await first.next("welcome");
  const frame = JSON.stringify({ type: "text", text: "only once please", clientId: "same-id-1" });
  first.send(frame);
  const sent = await first.next("sent", (f) => f.type === "sent");
  first.close();
  // Reconnect to the same conversation and resend, as the widget does after a drop.
  const second = await RawSocket.open(`${url}?conversation=${encodeURIComponent(String(welcome.conversationToken))}`);
  const history = await second.next("history", (f) => f.type === "history");
  assert.equal((history.messages as unknown[]).length, 1);
  second.send(frame);
  second.send(frame);
  const again = await second.next("sent again", (f) => f.type === "sent");
  assert.equal(again.id, sent.id);
  await second.next("sent a third time", (f) => f.type === "sent");
  second.close();
  const third = await RawSocket.open(`${url}?conversation=${encodeURIComponent(String(welcome.conversationToken))}`);
  const after = await third.next("history", (f) => f.type === "history");
  assert.deepEqual(
    (after.messages as { text: string }[]).map((m) => m.text),
    ["only once please"],
  );
  await eventually("nothing else arrives", async () => third.frames.length, (n) => n >= 2);
  third.close();
});
