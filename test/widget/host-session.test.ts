/// <reference types="node" />
/**
 * The dashboard's sign-in across reloads: a reload keeps the host signed in
 * and Available (visitors still see Available), signing in again on the same
 * device brings Available back, and a session past its expiry asks for the
 * key again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openHost, openVisitor, setAvailable, uniqueRoom, visible } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

test("a reload keeps the host signed in and Available; signing in again restores Available", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("reload");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    await setAvailable(host.page, true);
    const toggle = host.page.getByRole("switch", { name: "Available" });

    await host.page.reload();
    await visible(toggle);
    assert.equal(await host.page.getByRole("textbox", { name: "Host key" }).count(), 0, "the reload asked for the key again");
    assert.equal(await toggle.getAttribute("aria-checked"), "true");
    const visitor = await openVisitor(pages, stack.server.origin, room);
    await visible(visitor.panel.getByText("Available", { exact: true }));

    await host.page.getByRole("button", { name: "Sign out" }).click();
    await visible(visitor.panel.getByText("Away", { exact: true }));
    await host.page.getByRole("textbox", { name: "Host key" }).fill(stack.hostKey);
    await host.page.getByRole("button", { name: "Sign in" }).click();
    await visible(toggle);
    assert.equal(await toggle.getAttribute("aria-checked"), "true", "signing in again did not restore Available");
    await visible(visitor.panel.getByText("Available", { exact: true }));

    // Away, chosen: a reload keeps that choice too.
    await setAvailable(host.page, false);
    await host.page.reload();
    await visible(toggle);
    assert.equal(await toggle.getAttribute("aria-checked"), "false");
  }));

test("a saved session past its expiry asks for the key again", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("expired");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    // What this tab saved, made to expire a second ago (as after `HOST_SESSION_S`).
    await host.page.evaluate(() => {
      for (let i = 0; i < sessionStorage.length; i++) {
        const key = sessionStorage.key(i)!;
        const saved = JSON.parse(sessionStorage.getItem(key)!) as { token: string; expires: number };
        sessionStorage.setItem(key, JSON.stringify({ ...saved, expires: Math.floor(Date.now() / 1000) - 1 }));
      }
    });
    await host.page.reload();
    await visible(host.page.getByRole("textbox", { name: "Host key" }));
  }));
