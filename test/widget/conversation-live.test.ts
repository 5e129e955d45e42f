/// <reference types="node" />
/**
 * The visitor's side of a live conversation, against a host speaking the
 * protocol (a raw socket): "Ada is typing…" while the host types, the
 * visitor's typing reaching the host (at most one notice every 3 s), "Seen"
 * under the visitor's last message once the host has seen it (also after a
 * reload), and a conversation the host deleted leaving the panel and starting
 * afresh.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { hidden, openVisitor, uniqueRoom, visible } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, type Frame } from "../support/raw-socket.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack({ vars: { HOST_NAME: "Ada" } });
const is = (type: string) => (f: Frame) => f.type === type;

test("typing both ways, Seen, and a deleted conversation", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("live");
    const host = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, stack.hostKey));
    try {
      await host.next("conversations", is("conversations"));
      const visitor = await openVisitor(pages, stack.server.origin, room);
      const panel = visitor.panel;
      await panel.getByRole("button", { name: "Send a message" }).click();
      const box = panel.getByRole("textbox", { name: "Message" });

      // The visitor types: one notice to the host, not one per key.
      await box.pressSequentially("Hello, is anyone", { delay: 30 });
      const typing = await host.next("the visitor typing", is("typing"));
      assert.equal(typing.from, "visitor");
      await box.press("Enter");
      const id = String((await host.next("the message", is("message"))).conversationId);
      assert.equal(host.frames.filter(is("typing")).length, 1, "more than one typing notice within 3 s");

      // The host types: shown with the configured name, gone with the reply.
      host.send({ type: "typing", conversationId: id });
      const indicator = panel.locator('[part="typing"]');
      await visible(panel.getByText("Ada is typing…"));
      host.send({ type: "read", conversationId: id });
      await visible(panel.locator('[part="message-state"]', { hasText: "Seen" }));
      host.send({ type: "reply", conversationId: id, text: "Yes, here!", clientId: randomUUID() });
      await visible(panel.getByText("Yes, here!"));
      assert.equal((await indicator.textContent())?.trim(), "", "still typing after the reply");

      // After a reload the panel still says Seen.
      await visitor.page.reload();
      await visitor.page.getByRole("button", { name: "Contact me" }).click();
      const again = visitor.page.getByRole("dialog");
      await again.getByRole("button", { name: "Send a message" }).click().catch(() => {});
      await visible(again.locator('[part="message-state"]', { hasText: "Seen" }));

      // The host deletes the conversation: it leaves the panel; the next message starts a new one.
      host.send({ type: "delete", conversationId: id });
      await hidden(again.getByText("Yes, here!"));
      await again.getByRole("textbox", { name: "Message" }).fill("Starting over");
      await again.getByRole("textbox", { name: "Message" }).press("Enter");
      const fresh = await host.next("the new message", (f) => f.type === "message" && (f.message as Frame).text === "Starting over");
      assert.notEqual(fresh.conversationId, id);
    } finally {
      await host.close();
    }
  }));
