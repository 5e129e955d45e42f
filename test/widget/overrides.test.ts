/// <reference types="node" />
/**
 * What a site can change and listen to: every visible string of both elements
 * replaced through `strings` (nothing of the defaults left in any state,
 * including errors from the call code and refusals from the room), and the
 * `contact-me-*` / `contact-me-host-*` events with their details, a call
 * start counted once even when the connection drops and comes back.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { initials } from "../../widget/call/call-view.ts";
import { callStrings } from "../../widget/call.ts";
import { hostStrings, meetingsStrings } from "../../widget/host.ts";
import { errorStrings, fileStrings, recorderStrings, visitorStrings } from "../../widget/index.ts";
import { eventually, hidden, uniqueRoom, visible } from "../support/browser.ts";
import { freePort } from "../support/server.ts";
import { useStack } from "../support/stack.ts";

const KEY = randomUUID();
const HOST_NAME = "Zelda";
const stack = useStack({ vars: { HOSTS: JSON.stringify({ [HOST_NAME]: KEY }) } });

/**
 * Every key mapped to `⟦key⟧`, keeping the default's placeholders (`{n}`,
 * `{name}`) so the values filled in still show.
 */
function markers(defaults: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(defaults).map(([key, value]) => [key, `⟦${key}⟧${(value.match(/\{\w+\}/g) ?? []).join("")}`]),
  );
}
const VISITOR = markers({ ...errorStrings, ...callStrings, ...fileStrings, ...recorderStrings, ...visitorStrings });
const HOST = markers({ ...errorStrings, ...callStrings, ...fileStrings, ...hostStrings, ...meetingsStrings });
const m = (key: string) => `⟦${key}⟧`;

/**
 * Text of the page's contact-me elements: every text node of their shadow
 * trees (hidden ones too: screen readers may read them) and the accessible
 * attributes. Device names in `<option>`s are the browser's, not ours.
 * A string, not a function: tsx would wrap inner functions in a helper the page lacks.
 */
const COLLECT_TEXT = `(() => {
  const out = [];
  const walk = (root) => {
    const tw = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = tw.nextNode(); n; n = tw.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        const tag = n.parentElement && n.parentElement.tagName;
        if (tag !== "STYLE" && tag !== "OPTION" && n.data.trim()) out.push(n.data.trim());
      } else {
        for (const a of ["aria-label", "title", "placeholder", "alt"]) if (n.getAttribute(a)) out.push(n.getAttribute(a));
        if (n.shadowRoot) walk(n.shadowRoot);
      }
    }
  };
  for (const el of document.querySelectorAll("contact-me, contact-me-host")) if (el.shadowRoot) walk(el.shadowRoot);
  return out;
})()`;

/**
 * Text that is data, not ours: what the people typed, names and their
 * initials, clock times, the visitor's time zone, browser and system.
 */
const DATA = [
  /https?:\/\/\S+/g,
  /UTC|\b[A-Z][a-z]+\/[A-Za-z_]+\b/g,
  /\b(Chrome \d+|Linux)\b/g,
  /⟦\w+⟧/g,
  /\d{1,2}:\d{2}(:\d{2})?(\s?[AP]M)?/g,
  new RegExp(HOST_NAME, "g"),
  /ada@example\.com|hello from ada|thanks ada|burst \d+|Ada/gi,
  new RegExp(`^(${initials(HOST_NAME)}|${initials("Ada")})$`, "g"),
];

/** Fail, naming them, if any text in the elements is not an overridden string or data. */
async function assertOnlyOverrides(page: Page, state: string): Promise<void> {
  const texts = (await page.evaluate(COLLECT_TEXT)) as string[];
  assert.ok(texts.some((t) => t.includes("⟦")), `no overridden string at all ${state}: ${JSON.stringify(texts)}`);
  const left = texts.filter((t) => /\p{L}/u.test(DATA.reduce((rest, re) => rest.replace(re, ""), t)));
  assert.deepEqual(left, [], `default (not overridable) text ${state}`);
}

async function setStrings(page: Page, selector: string, strings: Record<string, string>): Promise<void> {
  await page.locator(selector).evaluate((el, s) => {
    (el as HTMLElement & { strings: Record<string, string> }).strings = s;
  }, strings);
}

test("with every string overridden, no default text shows in any state of the widget or the dashboard", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("strings");
    const origin = stack.server.origin;

    // The dashboard: signed out, a wrong key, signed in.
    const host = await pages.open(`${origin}/host.html?room=${room}`);
    await setStrings(host.page, "contact-me-host", HOST);
    const keyBox = host.page.getByRole("textbox", { name: m("hostKey") });
    await visible(keyBox);
    await assertOnlyOverrides(host.page, "on the signed-out dashboard");
    await keyBox.fill("not the key");
    await host.page.getByRole("button", { name: m("signIn") }).click();
    await visible(host.page.getByText(m("wrongKey")));
    await assertOnlyOverrides(host.page, "after a wrong key");
    await keyBox.fill(KEY);
    await host.page.getByRole("button", { name: m("signIn") }).click();
    const available = host.page.getByRole("switch", { name: m("available") });
    await available.click();
    await eventually("Available", () => available.getAttribute("aria-checked"), (v) => v === "true");
    await assertOnlyOverrides(host.page, "on the dashboard, available");
    // Notifications, blocked here (this browser context was never granted them), said in overridden words.
    await visible(host.page.getByRole("switch", { name: m("notifyDevice") }));
    await visible(host.page.getByText(m("pushDenied")));
    await assertOnlyOverrides(host.page, "with notifications blocked");

    // The widget: closed, open, messaging.
    const visitor = await pages.open(`${origin}/?room=${room}`);
    const page = visitor.page;
    await setStrings(page, "contact-me", VISITOR);
    const launcher = page.getByRole("button", { name: m("launcher") });
    await visible(launcher);
    await assertOnlyOverrides(page, "with the widget closed");
    await launcher.click();
    const panel = page.getByRole("dialog", { name: m("title") });
    await visible(panel.getByText(m("available"), { exact: true }));
    await assertOnlyOverrides(page, "with the widget open");
    await panel.getByRole("button", { name: m("sendMessage") }).click();
    await panel.getByRole("textbox", { name: m("message") }).fill("Hello from Ada");
    await panel.getByRole("textbox", { name: m("yourName") }).fill("Ada");
    await panel.getByRole("textbox", { name: m("email") }).fill("ada@example.com");
    await panel.getByRole("button", { name: m("send"), exact: true }).click();
    await visible(panel.getByText(m("delivered")).or(panel.getByText(m("seen"))).first());
    await host.page.getByRole("textbox", { name: m("replyTo") }).fill("Thanks Ada");
    await host.page.getByRole("button", { name: m("send"), exact: true }).click();
    await visible(panel.getByText("Thanks Ada"));
    await assertOnlyOverrides(page, "while messaging");
    await visible(host.page.locator('[part="message-state"]', { hasText: m("seen") }));
    await assertOnlyOverrides(host.page, "on the dashboard with a conversation");
    // The visitor types (a first notice went with the first message; one every 3 s).
    await page.waitForTimeout(3_200);
    await panel.getByRole("textbox", { name: m("message") }).pressSequentially("More", { delay: 30 });
    await visible(host.page.getByText(m("visitorTyping")));
    await assertOnlyOverrides(host.page, "while the visitor types");
    await host.page.getByRole("button", { name: m("delete"), exact: true }).click();
    await visible(host.page.getByRole("button", { name: m("confirmDeleteYes") }));
    await assertOnlyOverrides(host.page, "asked to confirm a deletion");
    await host.page.getByRole("button", { name: m("cancel") }).click();

    // A refusal from the room: more messages at once than the rate limit allows.
    for (let i = 1; i <= 7; i++) {
      await panel.getByRole("textbox", { name: m("message") }).fill(`burst ${i}`);
      await panel.getByRole("button", { name: m("send"), exact: true }).click();
    }
    await visible(panel.getByText(m("errorRateLimited")));
    await assertOnlyOverrides(page, "after a refusal from the room");

    // A video call: calling and ringing, connected with controls, the other side muted, ended.
    await panel.getByRole("button", { name: m("back") }).click();
    await panel.getByRole("button", { name: m("videoCall") }).click();
    await visible(panel.getByText(m("calling")));
    await visible(host.page.getByRole("button", { name: m("accept") }));
    await visible(host.page.getByRole("button", { name: m("silence") }));
    await assertOnlyOverrides(page, "while calling");
    await assertOnlyOverrides(host.page, "while ringing");
    await host.page.getByRole("button", { name: m("accept") }).click();
    await visible(panel.getByText(m("connected")));
    await visible(host.page.getByText(m("connected")));
    await visible(panel.getByText(new RegExp(`${m("quality")}: ⟦(good|fair|poor)⟧`)));
    await host.page.getByRole("button", { name: m("mute") }).click();
    await host.page.getByRole("button", { name: m("cameraOff") }).click();
    await visible(panel.getByText(`${m("peerMuted")}`.replace("⟧", `⟧${m("theHost")}`)));
    await visible(panel.getByText(`${m("peerCameraOff")}`.replace("⟧", `⟧${m("theHost")}`)));
    await assertOnlyOverrides(page, "in a call");
    await assertOnlyOverrides(host.page, "in a call");
    // The panel closed mid-call: the In call button and its Hang up.
    const inCall = page.getByRole("button", { name: new RegExp(`^${m("inCall")}`) });
    await panel.getByRole("button", { name: m("close") }).click();
    await hidden(panel);
    await visible(inCall);
    await visible(page.getByRole("button", { name: m("hangUp") }));
    await assertOnlyOverrides(page, "in a call, the panel closed");
    await inCall.click();
    await visible(panel.getByText(m("connected")));
    await panel.getByRole("button", { name: m("hangUp") }).click();
    await visible(panel.getByText(m("ended")));
    await visible(panel.getByRole("button", { name: m("tryAgain") }));
    await visible(panel.getByRole("button", { name: m("leaveMessage") }));
    await visible(host.page.getByRole("button", { name: m("dismiss") }));
    await assertOnlyOverrides(page, "after the call");
    await assertOnlyOverrides(host.page, "after the call");

    // Errors from the call code: a blocked camera, then one that cannot start.
    await panel.getByRole("button", { name: m("newCall") }).click();
    await page.evaluate(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    });
    await panel.getByRole("button", { name: m("videoCall") }).click();
    await visible(panel.getByText(m("blockedHelp")));
    await visible(panel.getByRole("button", { name: m("tryAudio") }));
    await assertOnlyOverrides(page, "with the camera blocked for a video call");
    await panel.getByRole("button", { name: m("newCall") }).click();
    await panel.getByRole("button", { name: m("audioCall") }).click();
    await visible(panel.getByText(m("blockedHelp")));
    await assertOnlyOverrides(page, "with the camera blocked");
    await panel.getByRole("button", { name: m("newCall") }).click();
    await page.evaluate(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Device in use", "NotReadableError"));
    });
    await panel.getByRole("button", { name: m("audioCall") }).click();
    await visible(panel.getByText(`${m("deviceError")}NotReadableError`));
    await panel.getByRole("button", { name: m("newCall") }).click();

    // The host goes away.
    await host.page.getByRole("button", { name: m("dismiss") }).click();
    await available.click();
    await visible(panel.getByText(m("awayHint")));
    await assertOnlyOverrides(page, "with the host away");
    await assertOnlyOverrides(host.page, "on the dashboard, away");

    // A room nobody answers at: unreachable, with Retry, and a message not sent.
    const cut = await pages.open(`${origin}/?room=${room}`);
    await setStrings(cut.page, "contact-me", VISITOR);
    await cut.page.locator("contact-me").evaluate((el, host) => el.setAttribute("host", host), `127.0.0.1:${await freePort()}`);
    await cut.page.getByRole("button", { name: m("launcher") }).click();
    const cutPanel = cut.page.getByRole("dialog", { name: m("title") });
    await cutPanel.getByRole("button", { name: m("sendMessage") }).click();
    await cutPanel.getByRole("textbox", { name: m("message") }).fill("Hello from Ada");
    await cutPanel.getByRole("button", { name: m("send"), exact: true }).click();
    await visible(cutPanel.getByText(m("unreachable")));
    await visible(cutPanel.getByRole("button", { name: m("retry") }).first());
    await visible(cutPanel.getByText(m("notSent")));
    await assertOnlyOverrides(cut.page, "with the room unreachable and a message not sent");
  }));

/** Record every `contact-me-*` event reaching the document, in order. */
const RECORD_EVENTS = `
  globalThis.seenEvents = [];
  for (const name of ["open", "close", "message-sent", "message-received", "call-start", "call-end", "host-ring", "host-message"]) {
    document.addEventListener("contact-me-" + name, (e) => globalThis.seenEvents.push({ name: e.type, detail: e.detail, bubbles: e.bubbles, composed: e.composed }));
  }
`;
type Seen = { name: string; detail: Record<string, unknown>; bubbles: boolean; composed: boolean };
const seen = (page: Page) => page.evaluate(() => (globalThis as unknown as { seenEvents: Seen[] }).seenEvents);
const named = (events: Seen[], name: string) => events.filter((e) => e.name === name);

/**
 * Make the visitor's RTCPeerConnection report `state`, as when the network
 * drops for a moment; `undefined` gives back the real state (which is still
 * `connected`) with an event, as when it comes back by itself.
 */
function blip(page: Page, state: RTCPeerConnectionState | undefined): Promise<void> {
  return page.evaluate(`(() => {
    const pc = document.querySelector("contact-me").session.call.peerCall.pc;
    ${state ? `Object.defineProperty(pc, "connectionState", { configurable: true, get: () => "${state}" });` : "delete pc.connectionState;"}
    pc.dispatchEvent(new Event("connectionstatechange"));
  })()`);
}

test("events: open, message-sent/-received, host-message, host-ring, call-start once per call across a drop, call-end, close", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("events");
    const origin = stack.server.origin;
    const host = await pages.open("about:blank");
    await host.context.addInitScript(RECORD_EVENTS);
    await host.page.goto(`${origin}/host.html?room=${room}`);
    await host.page.getByRole("textbox", { name: "Host key" }).fill(KEY);
    await host.page.getByRole("button", { name: "Sign in" }).click();
    const available = host.page.getByRole("switch", { name: "Available" });
    await available.click();
    await eventually("Available", () => available.getAttribute("aria-checked"), (v) => v === "true");

    const visitor = await pages.open("about:blank");
    await visitor.context.addInitScript(RECORD_EVENTS);
    await visitor.page.goto(`${origin}/?room=${room}`);
    const page = visitor.page;
    await page.getByRole("button", { name: "Contact me" }).click();
    const panel = page.getByRole("dialog", { name: "Contact" });
    await visible(panel.getByText("Available", { exact: true }));

    await panel.getByRole("button", { name: "Send a message" }).click();
    await panel.getByRole("textbox", { name: "Message" }).fill("Hello from Ada");
    await panel.getByRole("textbox", { name: "Your name" }).fill("Ada");
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.getByText(/^(Delivered|Seen)$/).first());
    await host.page.getByRole("textbox", { name: "Reply" }).fill("Thanks Ada");
    await host.page.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.getByText("Thanks Ada"));

    await panel.getByRole("button", { name: "Back" }).click();
    await panel.getByRole("button", { name: "Video call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText("Connected", { exact: true }));

    // The connection drops for a moment and comes back: Reconnecting…, then Connected again.
    await blip(page, "disconnected");
    await visible(panel.locator('[part="call-status"]', { hasText: "Reconnecting…" }));
    await blip(page, undefined);
    await visible(panel.locator('[part="call-status"]', { hasText: "Connected" }));

    await panel.getByRole("button", { name: "Hang up" }).click();
    await visible(panel.getByText("Call ended"));
    await panel.getByRole("button", { name: "Close" }).click();
    await hidden(panel);

    const events = await eventually("the close event", () => seen(page), (e) => named(e, "contact-me-close").length === 1);
    assert.ok(events.every((e) => e.bubbles && e.composed), "every event bubbles and is composed");
    assert.deepEqual(
      events.map((e) => [e.name, e.detail]),
      [
        ["contact-me-open", { room }],
        ["contact-me-message-sent", { text: "Hello from Ada" }],
        ["contact-me-message-received", { text: "Thanks Ada", by: HOST_NAME }],
        ["contact-me-call-start", { media: "video" }],
        ["contact-me-call-end", { status: "ended", media: "video" }],
        ["contact-me-close", { room }],
      ],
    );

    const hostEvents = await seen(host.page);
    assert.ok(hostEvents.every((e) => e.bubbles && e.composed));
    const [message] = named(hostEvents, "contact-me-host-message");
    assert.equal(named(hostEvents, "contact-me-host-message").length, 1);
    assert.deepEqual({ ...message!.detail, conversationId: typeof message!.detail.conversationId }, {
      conversationId: "string",
      text: "Hello from Ada",
      name: "Ada",
      email: undefined,
      page: `${origin}/?room=${room}`,
    });
    const rings = named(hostEvents, "contact-me-host-ring");
    assert.equal(rings.length, 1);
    assert.equal(rings[0]!.detail.media, "video");
    assert.match(String(rings[0]!.detail.callId), /^[0-9a-f-]{36}$/, "a UUID");
  }));
