/// <reference types="node" />
/** The host declines a ringing call: the visitor is told, and the dashboard logs it in the conversation. */
import { test } from "node:test";
import { hidden, visible } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const stack = useStack();

test("a declined call shows Declined to the visitor and Audio call · declined on the dashboard", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "decline");

    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await visible(visitor.panel.getByText("Calling…"));
    const decline = host.page.getByRole("button", { name: "Decline", exact: true });
    await decline.click();

    await visible(visitor.panel.getByText("Declined"));
    await hidden(decline);
    await hidden(host.page.getByRole("button", { name: "Accept" }));
    // The declined call is in the visitor's conversation, on the dashboard.
    await visible(host.page.locator('[part~="message-call"]', { hasText: "Audio call · declined" }));
  }));
