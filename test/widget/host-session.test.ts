/// <reference types="node" />
/**
 * The dashboard's sign-in across reloads and tabs: a reload keeps the host
 * signed in and Available (visitors still see Available), another tab of the
 * same browser is signed in too until Sign out, signing in again on the same
 * device brings Available back, and a session past its expiry asks for the
 * key again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { eventually, hidden, openHost, openVisitor, setAvailable, uniqueRoom, visible } from "../support/browser.ts";
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
    // What this device saved, made to expire a second ago (as after `HOST_SESSION_S`).
    const expired = await host.page.evaluate(() => {
      let found = 0;
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i)!;
        const saved = JSON.parse(localStorage.getItem(key)!) as { token?: unknown; expires?: unknown };
        if (typeof saved?.token !== "string" || typeof saved.expires !== "number") continue;
        localStorage.setItem(key, JSON.stringify({ ...saved, expires: Math.floor(Date.now() / 1000) - 1 }));
        found++;
      }
      return found;
    });
    assert.equal(expired, 1, "one saved session");
    await host.page.reload();
    await visible(host.page.getByRole("textbox", { name: "Host key" }));
  }));

test("the sign-in is kept on this device: another tab (as a notification opens one) is signed in without the key, until Sign out", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("second-tab");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const toggle = (page: typeof host.page) => page.getByRole("switch", { name: "Available" });
    const second = await host.page.context().newPage();
    await second.goto(`${stack.server.origin}/host.html?room=${room}`);
    await visible(toggle(second));
    assert.equal(await second.getByRole("textbox", { name: "Host key" }).count(), 0, "the second tab asked for the key");
    await second.getByRole("button", { name: "Sign out" }).click();
    await visible(second.getByRole("textbox", { name: "Host key" }));
    const third = await host.page.context().newPage();
    await third.goto(`${stack.server.origin}/host.html?room=${room}`);
    await visible(third.getByRole("textbox", { name: "Host key" }));
    await second.close();
    await third.close();
  }));

test("the dashboard installs as an app: its manifest opens this room, standalone; offline it opens from its service worker, signed in, and reconnects", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("pwa");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const { page } = host;
    await eventually("a service worker controls the page", () => page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.state ?? "none")), (s) => s === "activated");

    const cdp = await page.context().newCDPSession(page);
    const manifest = (await cdp.send("Page.getAppManifest")) as { url: string; errors: unknown[]; data?: string };
    assert.deepEqual(manifest.errors, [], "the manifest parses without errors");
    assert.ok(manifest.url.endsWith(`/parties/main/${room}/host.webmanifest`), manifest.url);
    const app = JSON.parse(manifest.data!) as { start_url: string; id: string; display: string; icons: { src: string; sizes: string; type: string }[] };
    assert.equal(app.start_url, `/host.html?room=${room}`);
    assert.equal(app.display, "standalone");
    for (const icon of app.icons) {
      const res = await fetch(new URL(icon.src, stack.server.origin));
      assert.equal(res.status, 200, icon.src);
      assert.equal(res.headers.get("content-type"), "image/png", icon.src);
      const png = Buffer.from(await res.arrayBuffer());
      const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      assert.equal(`${w}x${h}`, icon.sizes, `${icon.src} is ${w}×${h}`);
    }
    const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: { errorId: string }[] };
    // A test browser context is incognito, where nothing installs; Chromium finds nothing else missing.
    assert.deepEqual(installabilityErrors.map((e) => e.errorId).filter((id) => id !== "in-incognito"), [], "Chromium finds it installable");

    // Offline: the page and its code come from the cache; the session from the tab; the room is unreachable.
    await page.reload();
    await visible(page.getByRole("switch", { name: "Available" }));
    await page.context().setOffline(true);
    await page.reload();
    await visible(page.getByRole("switch", { name: "Available" }));
    assert.equal(await page.getByRole("textbox", { name: "Host key" }).count(), 0, "offline, it asked for the key again");
    const waiting = page.getByText(/^(Connecting|Reconnecting)…$/);
    await visible(waiting);
    await page.context().setOffline(false);
    await hidden(waiting);
  }));
