/// <reference types="node" />
/**
 * Who the visitor is reaching, and fewer clicks to reach them: with
 * `HOST_NAME`, `HOST_AVATAR`, `HOST_TAGLINE` and `HOST_AWAY` set on the room,
 * the panel's header shows the picture, name and tagline; host replies are
 * labelled with the name; the page's `host-*` attributes override the room;
 * while the host is away the menu says so with the away text, and the message
 * form asks for an email first (which the host then sees on the dashboard).
 * The conversation view has the call buttons; Enter sends and Shift+Enter
 * makes a new line; the name and email are asked once and kept for the next
 * visit.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import type { Locator } from "playwright-core";
import { eventually, hidden, openHost, openVisitor, setAvailable, uniqueRoom, visible } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

/** A 1×1 PNG, the host's picture. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
/** Serves the picture at `/ada.png`; anything else is 404. Started first: the room's HOST_AVATAR needs its port. */
const images: Server = createServer((req, res) => {
  if (req.url === "/ada.png") res.writeHead(200, { "content-type": "image/png" }).end(PNG);
  else res.writeHead(404).end();
});
await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
const imageOrigin = () => `http://localhost:${(images.address() as AddressInfo).port}`;
after(() => new Promise<void>((resolve) => images.close(() => resolve())));

const NAME = "Ada Lovelace";
const TAGLINE = "Usually replies within a day";
const AWAY = "Back Monday 9:00 CET";
const stack = useStack({
  vars: () => ({ HOST_NAME: NAME, HOST_TAGLINE: TAGLINE, HOST_AWAY: AWAY, HOST_AVATAR: `${imageOrigin()}/ada.png` }),
});

/** The visible text of the panel's `part`, whitespace collapsed. */
async function partText(panel: Locator, part: string): Promise<string> {
  return (await panel.locator(`[part~="${part}"]`).innerText()).replace(/\s+/g, " ").trim();
}

/** The texts of the visitor's `text` frames, in order. */
const textsSent = (frames: string[]) =>
  frames
    .filter((f) => f.includes(" > ") && f.includes('"type":"text"'))
    .map((f) => JSON.parse(f.slice(f.indexOf(" > ") + 3)) as { text: string; name?: string; email?: string });

test("the header shows the host's picture, name and tagline; replies are labelled with the name; attributes override the room", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "identity");
    const { page, panel } = visitor;
    await visible(panel.getByRole("heading", { name: NAME }));
    await visible(panel.locator('[part="tagline"]', { hasText: TAGLINE }));
    const avatar = panel.locator('img[part="avatar"]');
    await visible(avatar);
    assert.equal(await avatar.getAttribute("alt"), "", "decorative: the name is next to it");
    assert.equal(await avatar.getAttribute("src"), `${imageOrigin()}/ada.png`);
    await eventually("the picture loaded", () => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), (w) => w === 1);
    // Available: nothing says away.
    await hidden(panel.locator('[part="away"]'));

    // A reply from the dashboard (whose host is "Host") is labelled with the room's name.
    await panel.getByRole("button", { name: "Send a message" }).click();
    await panel.getByRole("textbox", { name: "Message" }).fill("Hello there");
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.getByText(/^(Delivered|Seen)$/).first());
    await host.page.getByRole("textbox", { name: "Reply" }).fill("Hi, how can I help?");
    await host.page.getByRole("button", { name: "Send", exact: true }).click();
    const reply = panel.locator('[part~="message-host"]', { hasText: "Hi, how can I help?" });
    await visible(reply);
    assert.equal(await reply.locator("small").innerText(), NAME);

    // The page's attributes win over the room's; a picture that does not load shows the initials.
    await page.locator("contact-me").evaluate((el) => {
      el.setAttribute("host-name", "Grace Hopper");
      el.setAttribute("host-tagline", "Here on weekdays");
    });
    await visible(panel.getByRole("heading", { name: "Grace Hopper" }));
    await visible(panel.locator('[part="tagline"]', { hasText: "Here on weekdays" }));
    assert.equal(await reply.locator("small").innerText(), "Grace Hopper");
    assert.equal(await page.locator("contact-me").evaluate((el) => (el as HTMLElement & { hostName?: string }).hostName), "Grace Hopper");
    await page.locator("contact-me").evaluate((el, url) => el.setAttribute("host-avatar", url), `${imageOrigin()}/missing.png`);
    const initials = panel.locator('span[part~="avatar"]');
    await visible(initials);
    assert.equal(await initials.innerText(), "GH");
    assert.equal(await initials.getAttribute("aria-hidden"), "true");
    await hidden(panel.locator('img[part="avatar"]'));
    // The property reflects to the attribute.
    await page.locator("contact-me").evaluate((el) => ((el as HTMLElement & { hostAway?: string }).hostAway = "Back soon"));
    assert.equal(await page.locator("contact-me").getAttribute("host-away"), "Back soon");
  }));

test("from the conversation, Audio call and Video call call the host without going back", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "identity-call");
    const { panel } = visitor;
    await panel.getByRole("button", { name: "Send a message" }).click();
    const actions = panel.locator('[part="conversation-actions"]');
    await visible(actions.getByRole("button", { name: "Back" }));
    await visible(actions.getByRole("button", { name: "Video call" }));
    await actions.getByRole("button", { name: "Audio call" }).click();
    await visible(panel.getByText(`Calling ${NAME}…`, { exact: true }));
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText("Connected", { exact: true }));
    await panel.getByRole("button", { name: "Hang up" }).click();
    await visible(panel.getByText("Call ended", { exact: true }));
    await panel.getByRole("button", { name: "Leave a message" }).click();
    await actions.getByRole("button", { name: "Video call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText("Connected", { exact: true }));
    await visible(panel.locator('[part="local-video"]'));
    const calls = visitor.frames.filter((f) => f.includes(" > ") && f.includes('"type":"call"')).map((f) => /"media":"(\w+)"/.exec(f)?.[1]);
    assert.deepEqual(calls, ["audio", "video"]);
    await panel.getByRole("button", { name: "Hang up" }).click();
    await visible(panel.getByText("Call ended", { exact: true }));

    // The host goes away: the conversation's call buttons are disabled, as in the menu.
    await panel.getByRole("button", { name: "Leave a message" }).click();
    await host.page.getByRole("button", { name: "Dismiss" }).click();
    await setAvailable(host.page, false);
    await eventually("call buttons disabled", () => actions.getByRole("button", { name: "Audio call" }).isDisabled(), (d) => d);
    assert.equal(await actions.getByRole("button", { name: "Video call" }).isDisabled(), true);
  }));

test("while the host is away: the menu says so with the away text; the form asks for an email first, which the host sees", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("identity-away");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const visitor = await openVisitor(pages, stack.server.origin, room);
    const { panel } = visitor;
    await visible(panel.getByText("Away", { exact: true }));
    const away = panel.locator('[part="away"]');
    await visible(away);
    assert.equal((await away.innerText()).replace(/\s+/g, " ").trim(), `${NAME} is away ${AWAY}`);

    await panel.getByRole("button", { name: "Send a message" }).click();
    const hint = panel.locator('[part="email-hint"]');
    await visible(hint);
    assert.equal(await hint.innerText(), `Leave your email so ${NAME} can reply to you there`);
    const email = panel.getByRole("textbox", { name: "Email" });
    assert.equal(await email.getAttribute("aria-describedby"), "email-hint");
    // Shown first: before the name (the file picker of attachments aside).
    const order = await panel.locator("form input:not([type=file])").evaluateAll((inputs) => inputs.map((i) => i.getAttribute("name")));
    assert.deepEqual(order, ["email", "name"]);
    // Not mandatory: a message goes without one.
    await panel.getByRole("textbox", { name: "Message" }).fill("No email from me");
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.locator('[part~="message-visitor"]', { hasText: "No email from me" }).getByText(/^(Delivered|Seen)$/).first());
    await visible(hint);

    await email.fill("ada@example.com");
    await panel.getByRole("textbox", { name: "Message" }).fill("Please write back");
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.locator('[part~="message-visitor"]', { hasText: "Please write back" }).getByText(/^(Delivered|Seen)$/).first());
    // The host sees where to answer, beside the conversation.
    await visible(host.page.getByText(/ada@example\.com/));
    // With an email known, the fields fold into one line, and the hint goes.
    assert.equal(await partText(panel, "sender"), "ada@example.com — Change");
    await hidden(hint);

    // The page's away text wins over the room's.
    await visitor.page.locator("contact-me").evaluate((el) => el.setAttribute("host-away", "Out today"));
    await panel.getByRole("button", { name: "Back" }).click();
    assert.equal((await away.innerText()).replace(/\s+/g, " ").trim(), `${NAME} is away Out today`);
  }));

test("Enter sends, Shift+Enter makes a new line, Enter in an IME composition does nothing; name and email are asked once and kept after a reload", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "identity-keys");
    const { page, panel } = visitor;
    await panel.getByRole("button", { name: "Send a message" }).click();
    const box = panel.getByRole("textbox", { name: "Message" });
    const hintId = await box.getAttribute("aria-describedby");
    assert.equal(await panel.locator(`#${hintId}`).innerText(), "Enter sends · Shift+Enter for a new line");

    await panel.getByRole("textbox", { name: "Your name" }).fill("Ada");
    await panel.getByRole("textbox", { name: "Email" }).fill("ada@example.com");
    await box.click();
    await page.keyboard.type("Line one");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("Line two");
    assert.equal(await box.inputValue(), "Line one\nLine two", "Shift+Enter made a new line, sent nothing");
    assert.equal(textsSent(visitor.frames).length, 0);
    // Enter that ends an IME composition neither sends nor breaks the line.
    const prevented = await box.evaluate((el) => !el.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", isComposing: true, bubbles: true, cancelable: true })));
    assert.equal(prevented, false);
    await page.keyboard.press("Enter");
    await eventually("the message sent", async () => textsSent(visitor.frames), (sent) => sent.length === 1);
    const [first] = textsSent(visitor.frames);
    assert.deepEqual([first!.text, first!.name, first!.email], ["Line one\nLine two", "Ada", "ada@example.com"]);
    assert.equal(await box.inputValue(), "");
    await visible(host.page.getByText(/Ada · ada@example\.com/));

    // Asked once: the name and email fold into one line, with Change.
    await hidden(panel.getByRole("textbox", { name: "Your name" }));
    assert.equal(await partText(panel, "sender"), "Ada · ada@example.com — Change");
    await box.fill("Second");
    await page.keyboard.press("Enter");
    await eventually("the second message sent with the same details", async () => textsSent(visitor.frames), (s) => s.length === 2 && s[1]!.name === "Ada" && s[1]!.email === "ada@example.com");

    // A reload: not asked again.
    await page.reload();
    await page.getByRole("button", { name: "Contact me" }).click();
    await panel.getByRole("button", { name: "Send a message" }).click();
    await visible(panel.locator('[part="sender"]'));
    assert.equal(await partText(panel, "sender"), "Ada · ada@example.com — Change");
    await hidden(panel.getByRole("textbox", { name: "Your name" }));
    // Change: the fields again, filled in, focus on the name.
    await panel.getByRole("button", { name: /^Change/ }).click();
    const name = panel.getByRole("textbox", { name: "Your name" });
    await visible(name);
    assert.equal(await name.inputValue(), "Ada");
    assert.equal(await panel.getByRole("textbox", { name: "Email" }).inputValue(), "ada@example.com");
    await eventually("focus on the name", () => name.evaluate((el) => el.matches(":focus")), (f) => f);
    await name.fill("Ada L.");
    await box.fill("From the next visit");
    await page.keyboard.press("Enter");
    await eventually("sent with the new name", async () => textsSent(visitor.frames), (s) => s.some((m) => m.text === "From the next visit" && m.name === "Ada L."));
    assert.equal(await partText(panel, "sender"), "Ada L. · ada@example.com — Change");
  }));
