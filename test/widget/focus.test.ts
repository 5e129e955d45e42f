/// <reference types="node" />
/**
 * Focus follows the panel's views: after **Send a message**, **Back**,
 * starting a call, the call connecting and ending, and **Done**, focus is on
 * the new view's first control inside the panel, and Escape closes the panel
 * and gives focus back to the button. In a call, Escape closes the panel and
 * the call goes on, shown by the **In call** button.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { eventually, hidden, visible } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const stack = useStack();

/** Where focus is: `null` outside `<contact-me>`; else the innermost focused element (through nested shadow roots) and whether it is in the panel. */
type Focus = { inPanel: boolean; what: string } | null;

function focus(page: Page): Promise<Focus> {
  return page.evaluate(() => {
    const el = document.querySelector("contact-me");
    if (!el || document.activeElement !== el) return null;
    // A loop, not a named inner function: tsx would wrap that in a `__name` helper the page lacks.
    const chain: Element[] = [];
    for (let inner = el.shadowRoot?.activeElement ?? null; inner; inner = inner.shadowRoot?.activeElement ?? null) chain.push(inner);
    const last = chain[chain.length - 1];
    return {
      inPanel: chain.some((e) => e.localName === "contact-me-panel"),
      what: last?.getAttribute("part") ?? last?.localName ?? "",
    };
  });
}

/** Wait until focus is inside the panel, on `what` (a part name or tag). */
async function focusedInPanel(page: Page, after: string, what: string): Promise<void> {
  await eventually(`focus in the panel on ${what} after ${after}`, () => focus(page), (f) => f?.inPanel === true && f.what === what, 5_000);
}

/** Escape closes the panel and focus goes back to the button. */
async function escapeCloses(page: Page, after: string): Promise<void> {
  await page.keyboard.press("Escape");
  await hidden(page.getByRole("dialog", { name: "Contact" }));
  assert.deepEqual(await focus(page), { inPanel: false, what: "launcher" }, `Escape after ${after} gives focus back to the button`);
}

test("focus: each view change keeps focus in the panel; Escape then closes it and focus returns to the button", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "focus");
    const { page, panel } = visitor;

    await panel.getByRole("button", { name: "Send a message" }).click();
    await focusedInPanel(page, "Send a message", "textarea");
    await escapeCloses(page, "Send a message");

    await page.keyboard.press("Enter");
    await panel.getByRole("button", { name: "Back" }).click();
    await focusedInPanel(page, "Back", "button");
    assert.equal(await panel.getByRole("button", { name: "Send a message" }).evaluate((b) => b.matches(":focus")), true, "on the first action");
    await escapeCloses(page, "Back");

    await page.keyboard.press("Enter");
    await panel.getByRole("button", { name: "Audio call" }).click();
    await focusedInPanel(page, "Audio call", "call-status");
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText("Connected", { exact: true }));
    await focusedInPanel(page, "the call connecting", "call-status");
    // In a call, Escape closes the panel; the call goes on, shown by the button.
    await escapeCloses(page, "the call connecting");
    await visible(page.getByRole("button", { name: /^In call/ }));
    await visible(host.page.getByText("Connected", { exact: true }));

    await page.keyboard.press("Enter");
    await visible(panel.getByText("Connected", { exact: true }));
    await panel.getByRole("button", { name: "Hang up" }).click();
    await visible(panel.getByText("Call ended"));
    await focusedInPanel(page, "Hang up", "call-status");
    await escapeCloses(page, "the call ending");

    await page.keyboard.press("Enter");
    await panel.getByRole("button", { name: "Done" }).click();
    await focusedInPanel(page, "Done", "button");
    await escapeCloses(page, "Done");
  }));
