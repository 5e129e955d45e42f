/// <reference types="node" />
/** The host declines a ringing call and the visitor is told. */
import { test } from "node:test";
import { hidden, visible } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const stack = useStack();

test("a declined call shows Declined to the visitor", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "decline");

    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await visible(visitor.panel.getByText("Calling…"));
    const decline = host.page.getByRole("button", { name: "Decline" });
    await decline.click();

    await visible(visitor.panel.getByText("Declined"));
    await hidden(decline);
    await hidden(host.page.getByRole("button", { name: "Accept" }));
  }));
