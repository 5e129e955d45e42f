/// <reference types="node" />
/**
 * The dashboard's inbox, with real visitors writing: a reply goes to the
 * conversation it was typed in even when a new message re-orders the list,
 * and half-typed replies stay with their conversations across switching and
 * a reload; the list names visitors, previews their last message and counts
 * unread ones until opened; **Needs reply** and the search narrow it; the
 * open conversation groups messages by day; Enter sends and Shift+Enter
 * starts a new line; a phone shows one pane at a time, with **Back**; axe
 * finds nothing at desk and phone sizes, light and dark; and a live call
 * stays in view, naming who waits next; a call shows who is calling and
 * lands in its conversation, beside the visitor's local time and browser.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Locator, Page } from "playwright-core";
import { eventually, hidden, openHost, openVisitor, uniqueRoom, visible } from "../support/browser.ts";
import { assertAccessible } from "../support/axe.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const stack = useStack();

const DAY_MS = 86_400_000;

/**
 * Send `text` from an open visitor panel, as `name` (or with no name) and
 * `email`, from the page at `path` (the panel reports the page it is on).
 */
async function say(
  visitor: { page: Page; panel: Locator },
  name: string | undefined,
  text: string,
  options: { email?: string; path?: string } = {},
): Promise<void> {
  const { panel } = visitor;
  if (options.path) await visitor.page.evaluate((path) => history.replaceState(null, "", path + location.search), options.path);
  if (await panel.getByRole("button", { name: "Send a message" }).isVisible()) {
    await panel.getByRole("button", { name: "Send a message" }).click();
    if (name) await panel.getByRole("textbox", { name: "Your name" }).fill(name);
    if (options.email) await panel.getByRole("textbox", { name: "Email" }).fill(options.email);
  }
  await panel.getByRole("textbox", { name: "Message" }).fill(text);
  await panel.getByRole("button", { name: "Send", exact: true }).click();
  await visible(panel.getByText(text));
}

/** The dashboard's list entry for the conversation whose list name contains `name`. */
function item(page: Page, name: string): Locator {
  return page.locator('[part~="conversation-item"]', { has: page.locator(".name", { hasText: name }) });
}

/** What an entry of the list shows: name, time, preview (drawn from an attribute), unread count. */
async function entry(it: Locator): Promise<{ name: string; time: string; preview: string | null; unread: string | null }> {
  return it.evaluate((el) => ({
    name: el.querySelector(".name")!.textContent!.trim(),
    time: el.querySelector("time")!.textContent!.trim(),
    preview: el.querySelector(".preview")!.getAttribute("data-text"),
    unread: el.querySelector(".visually-hidden")?.textContent?.trim() ?? null,
  }));
}

/** The names of the list's entries, top to bottom. */
function listed(page: Page): Promise<string[]> {
  return page.locator('[part~="conversation-item"] .name').allTextContents();
}

test("a reply goes to the conversation it was typed in, though a new message re-orders the list; drafts stay with theirs", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("inbox");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const ada = await openVisitor(pages, stack.server.origin, room);
    const bob = await openVisitor(pages, stack.server.origin, room);
    await say(bob, "Bob", "Hi, Bob here");
    await say(ada, "Ada", "Hi, Ada here");
    const replyToAda = host.page.getByRole("textbox", { name: "Reply to Ada" });
    const replyToBob = host.page.getByRole("textbox", { name: "Reply to Bob" });
    // The first conversation to arrive, Bob's, opened by itself; Ada's, newer, is on top.
    await visible(replyToBob);
    assert.equal(await item(host.page, "Bob").getAttribute("aria-current"), "true");
    assert.deepEqual(await listed(host.page), ["Ada", "Bob"]);
    assert.equal((await entry(item(host.page, "Ada"))).unread, "1 unread");

    // The host leaves a draft for Bob, then starts a reply to Ada.
    await replyToBob.fill("Bob: a draft for later");
    await item(host.page, "Ada").click();
    assert.equal(await replyToAda.inputValue(), "", "Bob's draft showed in Ada's box");
    await replyToAda.click();
    await host.page.keyboard.type("Ada: the answer to your question");
    // Bob writes: his conversation moves to the top of the list; Ada's stays open.
    await say(bob, "Bob", "Are you there?");
    await eventually("Bob's conversation on top", () => listed(host.page), (names) => names[0] === "Bob");
    assert.equal((await entry(item(host.page, "Bob"))).preview, "Are you there?");
    assert.equal(await replyToAda.evaluate((el) => el.matches(":focus")), true, "the reply box lost focus");

    // The host, still in the box they typed in, tabs to its Send and presses it.
    await host.page.keyboard.press("Tab");
    await host.page.keyboard.press("Enter");
    await visible(ada.panel.getByText("Ada: the answer to your question"));
    await bob.page.waitForTimeout(1_000);
    assert.equal(await bob.panel.getByText("Ada: the answer to your question").count(), 0, "Bob received Ada's reply");
    assert.equal(await replyToAda.inputValue(), "", "the sent reply stayed in the box");
    await item(host.page, "Bob").click();
    assert.equal(await replyToBob.inputValue(), "Bob: a draft for later", "Bob's draft was lost");

    await host.page.reload();
    await item(host.page, "Bob").click();
    assert.equal(await replyToBob.inputValue(), "Bob: a draft for later", "Bob's draft did not survive a reload");
  }));

test("the list: names, previews, unread counts cleared on opening; Needs reply, search, days; Enter sends, Shift+Enter a new line", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("inbox-list");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const ada = await openVisitor(pages, stack.server.origin, room);
    const anon = await openVisitor(pages, stack.server.origin, room);
    await say(ada, "Ada", "Hello, I need a quote", { email: "ada@example.com" });
    await say(anon, undefined, "Zoë's question about prices", { path: "/pricing" });
    await say(ada, "Ada", "For 3 seats");

    // Both listed, Ada's on top (newest), open by itself; then the other one opened.
    await eventually("both conversations", () => listed(host.page), (n) => n.join() === "Ada,Visitor from /pricing");
    await item(host.page, "Visitor from /pricing").click();
    await visible(host.page.getByRole("textbox", { name: "Reply to Visitor from /pricing" }));
    assert.equal((await entry(item(host.page, "Visitor from /pricing"))).preview, "Zoë's question about prices");
    assert.equal((await entry(item(host.page, "Ada"))).time, "now");

    // Ada writes twice while another conversation is open: two unread, until opened.
    await say(ada, "Ada", "Are you there?");
    await say(ada, "Ada", "Hello?");
    const adaEntry = await eventually("2 unread", () => entry(item(host.page, "Ada")), (e) => e.unread === "2 unread");
    assert.equal(adaEntry.preview, "Hello?");
    assert.equal(await item(host.page, "Ada").locator(".count").textContent(), "2");
    await item(host.page, "Ada").click();
    assert.equal(await item(host.page, "Ada").getAttribute("aria-current"), "true");
    assert.equal((await entry(item(host.page, "Ada"))).unread, null, "opening did not clear the unread count");
    assert.equal((await entry(item(host.page, "Visitor from /pricing"))).unread, null, "a conversation read before counts as unread");

    // The header: name and email (a mailto link), the page (a new-tab link), first seen.
    const header = host.page.locator('[part="conversation-header"]');
    assert.equal(await header.getByRole("link", { name: "ada@example.com" }).getAttribute("href"), "mailto:ada@example.com");
    const pageLink = header.getByRole("link", { name: /\/\?room=/ });
    assert.equal(await pageLink.getAttribute("target"), "_blank");
    assert.equal(await pageLink.getAttribute("rel"), "noopener noreferrer");
    assert.match((await header.textContent()) ?? "", /First seen\s+\d{1,2}:\d{2}/);

    // Enter sends; Shift+Enter starts a new line (the hint says so).
    const box = host.page.getByRole("textbox", { name: "Reply to Ada" });
    assert.equal(
      await box.evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).getElementById(el.getAttribute("aria-describedby")!)?.textContent),
      "Enter sends; Shift+Enter starts a new line.",
    );
    await box.click();
    await host.page.keyboard.type("Line one");
    await host.page.keyboard.press("Shift+Enter");
    await host.page.keyboard.type("Line two");
    assert.equal(await box.inputValue(), "Line one\nLine two", "Shift+Enter did not start a new line");
    await host.page.keyboard.press("Enter");
    await eventually("the reply sent", () => ada.panel.locator('[part~="message-host"]').allInnerTexts(), (t) => t.some((x) => x.includes("Line one\nLine two")));
    assert.equal(await box.inputValue(), "", "Enter did not send");
    await eventually("the preview of a reply", () => entry(item(host.page, "Ada")), (e) => e.preview === "You: Line one Line two");
    const reply = host.page.locator('[part~="message-host"]');
    assert.equal(await reply.locator(".text").innerText(), "Line one\nLine two");
    // Host messages to the right, the visitor's to the left.
    const [visitorBox, hostBox] = [await host.page.locator('[part~="message-visitor"]').first().boundingBox(), await reply.boundingBox()];
    assert.ok(hostBox!.x + hostBox!.width > visitorBox!.x + visitorBox!.width + 20, "the reply is not on the right");

    // Needs reply: Ada was answered, the other visitor was not.
    await host.page.getByRole("radio", { name: "Needs reply" }).check();
    await eventually("Needs reply", () => listed(host.page), (n) => n.join() === "Visitor from /pricing");
    await item(host.page, "Visitor from /pricing").click();
    await host.page.getByRole("textbox", { name: "Reply to Visitor from /pricing" }).fill("About prices: see the table");
    await host.page.getByRole("button", { name: "Send", exact: true }).click();
    await visible(host.page.getByText("No conversation needs a reply"));
    assert.deepEqual(await listed(host.page), []);
    await host.page.getByRole("radio", { name: "All" }).check();
    await eventually("All", () => listed(host.page), (n) => n.length === 2);

    // Search: by email, by message text (case and diacritics aside), nothing.
    const search = host.page.getByRole("searchbox", { name: "Search conversations" });
    await search.fill("ADA@example");
    await eventually("found by email", () => listed(host.page), (n) => n.join() === "Ada");
    await search.fill("zoe's QUESTION");
    await eventually("found by text", () => listed(host.page), (n) => n.join() === "Visitor from /pricing");
    await search.fill("no such thing");
    await visible(host.page.getByText("No match for “no such thing”"));
    assert.deepEqual(await listed(host.page), []);
    await search.fill("");
    await eventually("all again", () => listed(host.page), (n) => n.length === 2);

    // Days: today's messages under "Today"; a day later the same ones under "Yesterday", later under their date.
    await item(host.page, "Ada").click();
    const headings = () => host.page.locator('[part="day"] h4').allTextContents();
    assert.deepEqual(await headings(), ["Today"]);
    const sent = Date.now();
    await host.page.clock.setFixedTime(sent + DAY_MS);
    await item(host.page, "Visitor from /pricing").click();
    await item(host.page, "Ada").click();
    await eventually("Yesterday", headings, (h) => h.join() === "Yesterday");
    await host.page.clock.setFixedTime(sent + 3 * DAY_MS);
    await item(host.page, "Visitor from /pricing").click();
    await item(host.page, "Ada").click();
    const date = await host.page.evaluate(
      (at) => new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" }).format(at),
      sent,
    );
    await eventually("the date", headings, (h) => h.join() === date);
    assert.equal(await host.page.locator('[part~="message"]').count(), 5, "all of Ada's messages, under one day");
  }));

test("at 390×844 the list and the conversation show one at a time, with Back; axe finds nothing at both sizes, light and dark", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("inbox-phone");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const ada = await openVisitor(pages, stack.server.origin, room);
    const bob = await openVisitor(pages, stack.server.origin, room);
    await say(ada, "Ada", "Hello from Ada", { email: "ada@example.com" });
    await say(bob, "Bob", "Hello from Bob");
    await item(host.page, "Bob").click();
    await host.page.getByRole("textbox", { name: "Reply to Bob" }).fill("Thanks Bob");
    await host.page.getByRole("button", { name: "Send", exact: true }).click();
    await say(ada, "Ada", "Still there?"); // unread: Bob's conversation is open

    const list = host.page.locator('[part="conversation-list"]');
    const conversation = host.page.locator('[part="conversation"]');
    for (const scheme of ["light", "dark"] as const) {
      await host.page.emulateMedia({ colorScheme: scheme });
      await host.page.setViewportSize({ width: 1280, height: 800 });
      await visible(list);
      await visible(conversation);
      await eventually("an unread count", () => entry(item(host.page, "Ada")), (e) => e.unread === "1 unread");
      await assertAccessible(host.page, `(dashboard) inbox at 1280×800, ${scheme}`);
    }

    await host.page.emulateMedia({ colorScheme: "light" });
    await host.page.setViewportSize({ width: 390, height: 844 });
    await host.page.reload();
    // One pane: the list first.
    await hidden(conversation);
    await visible(list);
    assert.equal(await host.page.getByRole("button", { name: "Back" }).count(), 0);
    await assertAccessible(host.page, "(dashboard) inbox list at 390×844, light");
    await item(host.page, "Ada").click();
    await visible(host.page.getByRole("textbox", { name: "Reply to Ada" }));
    await hidden(list);
    assert.equal(
      await host.page.locator("contact-me-host").evaluate((el) => el.shadowRoot!.activeElement?.id),
      "conversation-title",
      "focus did not move to the conversation",
    );
    await assertAccessible(host.page, "(dashboard) a conversation at 390×844, light");
    await host.page.emulateMedia({ colorScheme: "dark" });
    await assertAccessible(host.page, "(dashboard) a conversation at 390×844, dark");
    await host.page.getByRole("button", { name: "Back" }).click();
    await visible(list);
    await hidden(conversation);
    assert.equal((await entry(item(host.page, "Ada"))).unread, null, "opened on the phone, still unread");
    assert.equal(await item(host.page, "Ada").evaluate((el) => el.matches(":focus")), true, "Back did not return focus to the conversation's entry");
    await assertAccessible(host.page, "(dashboard) inbox list at 390×844, dark");
    // Nothing is wider than the screen.
    assert.ok(await host.page.evaluate(() => document.documentElement.scrollWidth <= 390), "the page scrolls sideways at 390 px");
  }));

test("a ringing call's Accept outweighs Decline; in a call the call area stays at the top as the page scrolls and names who is next", () =>
  stack.run(async (pages) => {
    const { room, host, visitor: ada } = await availableHostAndVisitor(stack, pages, "inbox-call");
    for (let i = 1; i <= 6; i++) await say(ada, "Ada", `Question ${i}: ${"a long question, ".repeat(6)}`);
    await item(host.page, "Ada").click();

    await ada.panel.getByRole("button", { name: "Back" }).click();
    await ada.panel.getByRole("button", { name: "Audio call" }).click();
    const accept = host.page.getByRole("button", { name: "Accept" });
    const decline = host.page.getByRole("button", { name: "Decline", exact: true });
    await visible(accept);
    const [a, d] = [(await accept.boundingBox())!, (await decline.boundingBox())!];
    assert.ok(a.height > d.height && a.width > d.width, `Accept ${a.width}×${a.height} is not larger than Decline ${d.width}×${d.height}`);
    assert.match((await accept.getAttribute("class")) ?? "", /\bprimary\b/);
    assert.doesNotMatch((await decline.getAttribute("class")) ?? "", /\bprimary\b/);
    await accept.click();
    await visible(host.page.getByText("Connected", { exact: true }));

    // A second caller waits in line: the call area says who is next.
    const bob = await openVisitor(pages, stack.server.origin, room);
    await say(bob, "Bob", "Bob here, calling next");
    await bob.panel.getByRole("button", { name: "Back" }).click();
    await bob.panel.getByRole("button", { name: "Audio call" }).click();
    await visible(host.page.locator('[part="call-next"]'));
    assert.match((await host.page.locator('[part="call-next"]').textContent()) ?? "", /^Next: \S/);

    // On a phone, scrolled to the bottom of the conversation: the call and its Hang up stay on screen.
    await host.page.setViewportSize({ width: 390, height: 844 });
    await visible(host.page.getByRole("textbox", { name: "Reply to Ada" }));
    const scrolled = await host.page.evaluate(() => {
      window.scrollTo(0, document.documentElement.scrollHeight);
      return window.scrollY;
    });
    assert.ok(scrolled > 200, `the page did not scroll (${scrolled} px)`);
    await eventually("the call area pinned at the top", async () => (await host.page.locator('[part="call"]').boundingBox())!.y, (y) => Math.abs(y) < 2);
    const hangUp = (await host.page.getByRole("button", { name: "Hang up" }).boundingBox())!;
    assert.ok(hangUp.y >= 0 && hangUp.y + hangUp.height <= 844, `Hang up is off screen at y=${hangUp.y}`);
    await assertAccessible(host.page, "(dashboard) in a call with a caller in line, at 390×844");
  }));

test("a call belongs to its conversation: the ringing card and the call name the caller, their conversation opens, the call lands in both timelines; their local time and browser show", () =>
  stack.run(async (pages) => {
    const { room, host, visitor: ada } = await availableHostAndVisitor(stack, pages, "inbox-call-log");
    const cdp = await ada.page.context().newCDPSession(ada.page);
    await cdp.send("Emulation.setTimezoneOverride", { timezoneId: "Asia/Tokyo" });
    await say(ada, "Ada", "Can I call you?", { email: "ada@example.com", path: "/pricing" });
    await item(host.page, "Ada").click();
    const details = host.page.locator('[part="visitor-details"]');
    await visible(details.getByText(/Asia\/Tokyo/));
    // The visitor's clock, as the dashboard's locale writes it (a minute may turn meanwhile).
    const clocks = () =>
      host.page.evaluate(() => {
        const f = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone: "Asia/Tokyo" });
        return [f.format(Date.now() - 60_000), f.format(Date.now())];
      });
    const shown = await details.innerText();
    assert.ok((await clocks()).some((t) => shown.includes(`${t} (Asia/Tokyo)`)), `Tokyo's time in: ${shown}`);
    assert.match(shown, /Local time/);
    assert.match(shown, /Browser:?\s+Chrome \d+ · Linux · Desktop/);
    assert.match(shown, /First seen/);

    // Another conversation is open when Ada calls.
    const bob = await openVisitor(pages, stack.server.origin, room);
    await say(bob, "Bob", "Bob here");
    await item(host.page, "Bob").click();
    await visible(host.page.getByRole("textbox", { name: "Reply to Bob" }));

    await ada.panel.getByRole("button", { name: "Back" }).click();
    await ada.panel.getByRole("button", { name: "Audio call" }).click();
    const card = host.page.locator('[part="incoming-call"]');
    await visible(card);
    const said = await card.innerText();
    assert.match(said, /Incoming audio call from Ada/);
    assert.match(said, /ada@example\.com/);
    assert.match(said, /Calling from\s+http:\/\/[^\s]+\/pricing/);
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(host.page.getByText("Connected", { exact: true }));
    assert.equal((await host.page.locator("#call-title").innerText()).trim(), "Call · Ada · ada@example.com");
    await visible(host.page.getByRole("textbox", { name: "Reply to Ada" }));

    // The call's line in the conversation says it goes on, then how long it lasted.
    const onDashboard = host.page.locator('[part~="message-call"]');
    await eventually("the call in progress", () => onDashboard.innerText(), (t) => t.startsWith("Audio call · with Host · in progress"));
    await host.page.getByRole("button", { name: "Hang up" }).click();
    await eventually("the call's length", () => onDashboard.innerText(), (t) => /^Audio call · with Host · 0:\d\d\b/.test(t));
    await ada.panel.getByRole("button", { name: "Leave a message" }).click();
    const inPanel = ada.panel.locator('[part~="message-call"]');
    await eventually("the call in the visitor's conversation", () => inPanel.innerText(), (t) => /^Audio call · with Host · 0:\d\d$/.test(t));
    // An answered call asks for no reply: Ada's conversation is not in Needs reply.
    await host.page.getByRole("radio", { name: "Needs reply" }).check();
    await visible(item(host.page, "Bob"));
    await hidden(item(host.page, "Ada"));
  }));
