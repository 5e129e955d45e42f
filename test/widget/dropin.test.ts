/// <reference types="node" />
/**
 * The widget in a host page: what it costs on page load (one small request,
 * no socket, no panel code), a strict Content-Security-Policy, the keyboard,
 * and axe's WCAG 2.2 AA rules on every state of the dashboard (the widget's
 * are in `screens.test.ts`). Also takes the dashboard's screenshot into docs/.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { WAIT_MS, eventually, openHost, openVisitor, setAvailable, signIn, uniqueRoom, visible } from "../support/browser.ts";
import { assertAccessible } from "../support/axe.ts";
import { startCspProxy } from "../support/csp-proxy.ts";
import { REPO_ROOT } from "../support/server.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const stack = useStack();
test("on page load: one presence request, no WebSocket, no panel code; opening loads both", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("lazy");
    const visitor = await pages.open("about:blank");
    const sockets: string[] = [];
    const requests: string[] = [];
    visitor.page.on("websocket", (ws) => sockets.push(ws.url()));
    visitor.page.on("request", (r) => requests.push(r.url()));
    await visitor.page.goto(`${stack.server.origin}/?room=${room}`);
    const launcher = visitor.page.getByRole("button", { name: "Contact me" });
    await visible(launcher);
    await eventually("the presence request", async () => requests.filter((u) => u.includes("/presence")).length, (n) => n === 1);
    await visitor.page.waitForTimeout(1_000);
    const roomRequests = requests.filter((u) => u.includes("/parties/"));
    assert.deepEqual(roomRequests.map((u) => new URL(u).pathname), [`/parties/main/${room}/presence`]);
    assert.deepEqual(sockets, [], "a WebSocket opened before the panel did");
    assert.ok(!requests.some((u) => /contact-me-panel/.test(u)), `panel code loaded early: ${requests.join(", ")}`);
    assert.ok(!requests.some((u) => /host-script/.test(u)), `dashboard code loaded on the visitor page: ${requests.join(", ")}`);

    await launcher.click();
    await visible(visitor.page.getByRole("dialog", { name: "Contact" }));
    assert.ok(requests.some((u) => /contact-me-panel/.test(u)), `no panel chunk requested: ${requests.join(", ")}`);
    await eventually("one socket", async () => sockets.length, (n) => n === 1);
    assert.match(sockets[0]!, new RegExp(`/parties/main/${room}`));
  }));

test("under a strict Content-Security-Policy the widget renders, opens and sends a message", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("csp");
    const policy = [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "img-src 'self' data:",
      "media-src 'self' blob: mediastream:",
      "base-uri 'none'",
      "form-action 'none'",
    ].join("; ");
    const proxy = await startCspProxy(stack.server.origin, policy);
    try {
      const visitor = await pages.open("about:blank");
      await visitor.context.addInitScript(() => {
        const seen: string[] = [];
        (globalThis as { cspViolations?: string[] }).cspViolations = seen;
        document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`), true);
      });
      const loaded = await visitor.page.goto(`${proxy.origin}/?room=${room}`);
      assert.equal(loaded?.headers()["content-security-policy"], policy);
      await visitor.page.getByRole("button", { name: "Contact me" }).click({ timeout: WAIT_MS });
      const panel = visitor.page.getByRole("dialog", { name: "Contact" });
      await visible(panel);
      // Styled through constructable stylesheets: the panel has its border and padding.
      const padding = await panel.evaluate((el) => getComputedStyle(el).paddingTop);
      assert.equal(padding, "16px");
      await panel.getByRole("button", { name: "Send a message" }).click();
      await panel.getByRole("textbox", { name: "Message" }).fill("Hello under CSP");
      await panel.getByRole("button", { name: "Send", exact: true }).click();
      await visible(panel.getByText("Hello under CSP"));
      await visible(panel.getByText("Sent", { exact: true }));
      const violated = await visitor.page.evaluate(() => (globalThis as { cspViolations?: string[] }).cspViolations ?? []);
      assert.deepEqual(violated, [], "CSP violations");
      assert.deepEqual(
        visitor.errors.filter((e) => /Content Security Policy|Refused to/i.test(e)),
        [],
      );
    } finally {
      await proxy.stop();
    }
  }));

test("keyboard: Tab reaches the button, Enter and Space open, Escape closes and returns focus, no trap", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("keys");
    const visitor = await pages.open(`${stack.server.origin}/?room=${room}`);
    const page = visitor.page;
    const launcher = page.getByRole("button", { name: "Contact me" });
    await visible(launcher);
    const focusedPart = () =>
      page.evaluate(() => {
        const el = document.querySelector("contact-me");
        // The innermost focused element, through the nested shadow trees.
        let inner = el?.shadowRoot?.activeElement;
        while (inner?.shadowRoot?.activeElement) inner = inner.shadowRoot.activeElement;
        return document.activeElement === el ? (inner?.getAttribute("part") ?? inner?.textContent?.trim() ?? "") : null;
      });
    await page.keyboard.press("Tab");
    assert.equal(await focusedPart(), "launcher");
    const dialog = page.getByRole("dialog", { name: "Contact" });

    await page.keyboard.press("Enter");
    await visible(dialog);
    await page.keyboard.press("Tab");
    assert.notEqual(await focusedPart(), null, "Tab from the button goes into the panel");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.equal(await focusedPart(), "launcher");

    await page.keyboard.press("Space");
    await visible(dialog);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.equal(await focusedPart(), "launcher");

    // With the panel open, Tab moves through it and out again.
    await page.keyboard.press("Enter");
    await visible(dialog);
    let left = false;
    for (let i = 0; i < 20 && !left; i++) {
      await page.keyboard.press("Tab");
      left = (await focusedPart()) === null;
    }
    assert.ok(left, "focus never left the widget");
  }));

test("axe (WCAG 2.2 AA) on the dashboard: signed out, away, ringing and in a call; its screenshot", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "axe");
    const panel = visitor.panel;
    mkdirSync(join(REPO_ROOT, "docs"), { recursive: true });
    // Notifications allowed, as for a host who uses them: the section shows its switches ready.
    await host.context.grantPermissions(["notifications"], { origin: stack.server.origin });
    await host.page.reload();
    await visible(host.page.getByRole("switch", { name: "Notify this device" }));
    assert.equal(await host.page.getByRole("switch", { name: "Available" }).getAttribute("aria-checked"), "true");
    await panel.getByRole("button", { name: "Send a message" }).click();
    await panel.getByRole("textbox", { name: "Your name" }).fill("Ada");
    await panel.getByRole("textbox", { name: "Message" }).fill("Hello! Could we talk about a project?");
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.getByText(/^(Delivered|Seen)$/).first());

    await panel.getByRole("button", { name: "Back" }).click();
    await panel.getByRole("button", { name: "Audio call" }).click();
    await visible(host.page.getByRole("button", { name: "Accept" }));
    await assertAccessible(host.page, "(dashboard) ringing");
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(host.page.getByText("Connected", { exact: true }));
    await assertAccessible(host.page, "(dashboard) in a call");
    await host.page.setViewportSize({ width: 1000, height: 900 });
    await host.page.screenshot({ path: join(REPO_ROOT, "docs", "dashboard.png"), fullPage: true });
    await panel.getByRole("button", { name: "Hang up" }).click();

    const signedOut = await pages.open(`${stack.server.origin}/host.html?room=${uniqueRoom("axe-host")}`);
    await visible(signedOut.page.getByRole("textbox", { name: "Host key" }));
    await assertAccessible(signedOut.page, "(dashboard) signed out");
    const away = await openHost(pages, stack.server.origin, uniqueRoom("axe-away"), stack.hostKey);
    await setAvailable(away.page, false);
    await assertAccessible(away.page, "(dashboard) signed in, away");
  }));

test("dashboard in a hidden tab: a ringing call raises a notification and counts in the title; Silence stops the ring", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("notify");
    const host = await pages.open("about:blank");
    await host.context.grantPermissions(["notifications"], { origin: stack.server.origin });
    // The tab is in the background; notifications shown are recorded. (A string: tsx would
    // wrap a class in a `__name` helper the page lacks.)
    await host.context.addInitScript(`
      Object.defineProperty(document, "visibilityState", { get: () => "hidden" });
      Object.defineProperty(document, "hidden", { get: () => true });
      globalThis.shownNotifications = [];
      const Real = globalThis.Notification;
      globalThis.Notification = class extends Real {
        constructor(title, options) {
          super(title, options);
          globalThis.shownNotifications.push({ title, body: (options && options.body) || "" });
        }
      };
    `);
    await host.page.goto(`${stack.server.origin}/host.html?room=${room}`);
    await signIn(host.page, stack.hostKey);
    await setAvailable(host.page, true);
    const title = await host.page.title();

    const visitor = await openVisitor(pages, stack.server.origin, room);
    await visible(visitor.panel.getByText("Available", { exact: true }));
    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await visible(host.page.getByRole("button", { name: "Accept" }));

    await eventually("the title counts the call", () => host.page.title(), (t) => t === `(1) ${title}`);
    const shown = await eventually(
      "a notification",
      () => host.page.evaluate(() => (globalThis as { shownNotifications?: { title: string; body: string }[] }).shownNotifications ?? []),
      (n) => n.length === 1,
    );
    assert.deepEqual(shown, [{ title: "Incoming audio call", body: "from a visitor" }]);
    const ringing = () => host.page.evaluate(() => (document.querySelector("contact-me-host") as unknown as { ringing: boolean }).ringing);
    assert.equal(await ringing(), true);

    await host.page.getByRole("button", { name: "Silence" }).click();
    await eventually("the ring stops", ringing, (r) => r === false);
    await host.page.getByRole("button", { name: "Silence" }).waitFor({ state: "detached" });
    await visible(host.page.getByRole("button", { name: "Accept" }));

    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
    await eventually("the title count goes", () => host.page.title(), (t) => t === title);
  }));
