/// <reference types="node" />
/** A peer whose page goes away mid-call ends the call for the other side. */
import { test } from "node:test";
import { hidden, visible, type Pages } from "../support/browser.ts";
import { availableHostAndVisitor, useStack, type Stack } from "../support/stack.ts";

const stack = useStack();

/** An available host and a visitor in a connected audio call. */
async function connectedCall(s: Stack, pages: Pages, prefix: string) {
  const { host, visitor } = await availableHostAndVisitor(s, pages, prefix);
  await visitor.panel.getByRole("button", { name: "Audio call" }).click();
  await host.page.getByRole("button", { name: "Accept" }).click();
  await visible(visitor.panel.getByText("Connected", { exact: true }));
  await visible(host.page.getByText("Connected", { exact: true }));
  return { host, visitor };
}

test("the visitor closing the page ends the call on the dashboard", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await connectedCall(stack, pages, "visitor-leaves");
    await visitor.context.close();
    await visible(host.page.getByText("Call ended", { exact: true }));
    await hidden(host.page.getByRole("button", { name: "Hang up" }));
  }));

test("the dashboard closing ends the call for the visitor, who then sees Away", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await connectedCall(stack, pages, "host-leaves");
    await host.context.close();
    await visible(visitor.panel.getByText("Call ended", { exact: true }));
    await hidden(visitor.panel.getByRole("button", { name: "Hang up" }));
    await visible(visitor.panel.getByText("Away", { exact: true }));
  }));
