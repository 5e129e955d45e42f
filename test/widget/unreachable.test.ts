/// <reference types="node" />
/**
 * No dead end when the room cannot be reached: once the visitor's socket has
 * gone {@link UNREACHABLE_AFTER_MS} without opening, the panel says "Can't
 * reach the server — retrying" with **Retry**; a message the room does not
 * acknowledge within {@link NOT_SENT_AFTER_MS} says "Not sent — Retry" and is
 * kept in `localStorage` (a later page of the same browser sends it). When the
 * room is back (restarted on the same port, with its storage), both clear by
 * themselves and the message reaches the host exactly once.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import { NOT_SENT_AFTER_MS } from "../../widget/contact-me/conversation-controller.ts";
import { UNREACHABLE_AFTER_MS } from "../../widget/room/signaling.ts";
import { hidden, launchChromium, openHost, openVisitor, uniqueRoom, visible, withPages, type TestPage } from "../support/browser.ts";
import { RawSocket, roomSocketUrl } from "../support/raw-socket.ts";
import { startServer, type TestServer } from "../support/server.ts";

const hostKey = randomUUID();
const vars = { HOST_KEY: hostKey, ICE_SERVERS: "[]" };
const persist = mkdtempSync(join(tmpdir(), "contact-me-unreachable-"));
/** Slack for the page's timers and rendering on a busy machine. */
const MARGIN_MS = 4_000;
/** A restarted room: the sockets' reconnect backoff is at most 10 s. */
const BACK_MS = 40_000;
const UNREACHABLE = "Can't reach the server — retrying";
/** Acknowledged by the room (delivered too, when the dashboard is back first; seen, once it opens it). */
const STORED = /^(Sent|Delivered|Seen)$/;
let server: TestServer | undefined;
let browser: Browser | undefined;
/** The port of a room stopped and not yet restarted. */
let down: number | undefined;

before(async () => {
  server = await startServer({ vars, persist });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  if (down === undefined) await server?.stop();
  rmSync(persist, { recursive: true, force: true });
});

/** Stop the room; resolves with its port and when it stopped. */
async function stopRoom(): Promise<{ port: number; at: number }> {
  const port = server!.port;
  down = port;
  await server!.stop();
  return { port, at: Date.now() };
}

/** Start the room again on its port, with its storage (also when an earlier test stopped and failed). */
async function restartRoom(): Promise<void> {
  if (down === undefined) return;
  server = await startServer({ vars, persist, port: down });
  down = undefined;
}

/** Wait until `locator` shows, at most `ms` from `since`. */
async function shownWithin(locator: Locator, since: number, ms: number, what: string): Promise<void> {
  await locator.waitFor({ state: "visible", timeout: Math.max(1, since + ms - Date.now()) }).catch((err: Error) => {
    throw new Error(`${what}: not shown within ${ms} ms\n${err.message}`);
  });
}

/** The visitor's kept, unacknowledged messages (`…:outbox` in `localStorage`). */
function outbox(page: Page): Promise<Array<{ text: string; clientId: string }>> {
  return page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith("contact-me:") && k.endsWith(":outbox"));
    return key ? (JSON.parse(localStorage.getItem(key) ?? "[]") as Array<{ text: string; clientId: string }>) : [];
  });
}

/** The visitor's conversation token, from `localStorage`. */
function conversationToken(page: Page): Promise<string> {
  return page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith("contact-me:") && k.endsWith(":conversation"));
    const token = key && localStorage.getItem(key);
    if (!token) throw new Error("no conversation token in localStorage");
    return token;
  });
}

/** The room's stored history of the conversation, read over a socket of its own. */
async function storedTexts(room: string, token: string): Promise<string[]> {
  const socket = await RawSocket.open(roomSocketUrl(server!.origin, room, `?conversation=${encodeURIComponent(token)}`));
  try {
    const history = await socket.next("history", (f) => f.type === "history");
    return (history.messages as Array<{ text: string }>).map((m) => m.text);
  } finally {
    socket.close();
  }
}

/** On the dashboard, exactly one message with `text`, and in the room's storage too. */
async function reachedHostOnce(host: TestPage, visitorPage: Page, room: string, text: string): Promise<void> {
  await visible(host.page.getByText(text, { exact: true }).first());
  await host.page.waitForTimeout(1_000); // a duplicate would arrive by now
  assert.equal(await host.page.getByText(text, { exact: true }).count(), 1, "the dashboard shows the message once");
  const stored = await storedTexts(room, await conversationToken(visitorPage));
  assert.equal(stored.filter((t) => t === text).length, 1, `the room stored it once: ${JSON.stringify(stored)}`);
}

test("the room goes away: the panel says so with Retry, a message says Not sent — Retry; the room comes back and both clear, the message reaches the host once", () =>
  withPages(browser!, () => server!.logs(), async (pages) => {
    await restartRoom();
    const room = uniqueRoom("unreachable");
    const host = await openHost(pages, server!.origin, room, hostKey);
    const visitor = await openVisitor(pages, server!.origin, room);
    const panel = visitor.panel;
    await visible(panel.getByText("Away", { exact: true }));
    await panel.getByRole("button", { name: "Send a message" }).click();

    const { at } = await stopRoom();
    const alert = panel.getByRole("alert").filter({ hasText: UNREACHABLE });
    await shownWithin(alert, at, UNREACHABLE_AFTER_MS + MARGIN_MS, "the unreachable state");
    await hidden(panel.locator('[part="presence"]'));

    // Retry: a fresh attempt (the notice goes), unreachable again after the bound.
    const retry = panel.locator('[part="reconnect"]');
    assert.equal(await retry.innerText(), "Retry");
    await retry.click();
    const retried = Date.now();
    await hidden(alert);
    await shownWithin(alert, retried, UNREACHABLE_AFTER_MS + MARGIN_MS, "the unreachable state after Retry");

    // A message while the room is down: Sending, then Not sent — Retry, kept in localStorage.
    const text = `While you were away ${randomUUID().slice(0, 6)}`;
    await panel.getByRole("textbox", { name: "Message" }).fill(text);
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    const mine = panel.locator('[part~="message-visitor"]', { hasText: text });
    await visible(mine.getByText("Sending"));
    const posted = Date.now();
    await shownWithin(mine.getByText("Not sent"), posted, NOT_SENT_AFTER_MS + MARGIN_MS, "Not sent");
    assert.match((await mine.locator('[part="message-state"]').innerText()).replace(/\s+/g, " "), /^Not sent — Retry$/);
    assert.deepEqual((await outbox(visitor.page)).map((m) => m.text), [text], "kept in localStorage");
    await mine.getByRole("button", { name: "Retry" }).click();
    await visible(mine.getByText("Sending"));
    await visible(mine.getByText("Not sent"));

    // The room is back: both states clear by themselves, the message goes out once.
    await restartRoom();
    await alert.waitFor({ state: "hidden", timeout: BACK_MS });
    await visible(panel.getByText("Away", { exact: true }));
    await mine.getByText(STORED).waitFor({ state: "visible", timeout: BACK_MS });
    await hidden(mine.getByRole("button", { name: "Retry" }));
    assert.deepEqual(await outbox(visitor.page), [], "forgotten once acknowledged");
    await reachedHostOnce(host, visitor.page, room, text);
  }));

test("a message not sent is kept across a reload: the next page of the same browser sends it once the room is back", () =>
  withPages(browser!, () => server!.logs(), async (pages) => {
    await restartRoom();
    const room = uniqueRoom("outbox");
    const host = await openHost(pages, server!.origin, room, hostKey);
    const visitor = await openVisitor(pages, server!.origin, room);
    const panel = visitor.panel;
    await visible(panel.getByText("Away", { exact: true }));
    await panel.getByRole("button", { name: "Send a message" }).click();

    await stopRoom();
    const text = `Kept for later ${randomUUID().slice(0, 6)}`;
    await panel.getByRole("textbox", { name: "Message" }).fill(text);
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    const mine = panel.locator('[part~="message-visitor"]', { hasText: text });
    await mine.getByText("Not sent").waitFor({ state: "visible", timeout: NOT_SENT_AFTER_MS + MARGIN_MS });
    await visitor.page.close(); // the tab goes, the browser stays

    await restartRoom();
    const again = await visitor.context.newPage();
    await again.goto(`${server!.origin}/?room=${encodeURIComponent(room)}`);
    await again.getByRole("button", { name: "Contact me" }).click();
    const next = again.getByRole("dialog", { name: "Contact" });
    await visible(next.getByText("Away", { exact: true }));
    await next.getByRole("button", { name: "Send a message" }).click();
    await next.locator('[part~="message-visitor"]', { hasText: text }).getByText(STORED).waitFor({ state: "visible", timeout: BACK_MS });
    assert.deepEqual(await outbox(again), [], "forgotten once acknowledged");
    await reachedHostOnce(host, again, room, text);
  }));
