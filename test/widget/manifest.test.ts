/// <reference types="node" />
/**
 * `custom-elements.json` tells the truth: both elements are driven through
 * every state that shows a part (with a real room, real browsers and real
 * calls), every `part` name reachable from outside is collected from their
 * shadow trees (nested ones through `exportparts`), and every `contact-me*`
 * event they dispatch is recorded. The parts seen must be exactly the parts
 * the manifest lists for each element, and the events seen exactly its events.
 */
import assert from "node:assert/strict";
import { createECDH, randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import type { Locator, Page } from "playwright-core";
import { clockRuns, eventually, hidden, setAvailable, signIn, uniqueRoom, visible, type Pages, type TestPage } from "../support/browser.ts";
import { CONVERSATIONS_PAGE } from "../../protocol/socket.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl } from "../support/raw-socket.ts";
import { REPO_ROOT, freePort } from "../support/server.ts";
import { useStack } from "../support/stack.ts";
import { uploadFile } from "../../widget/files/upload.ts";

const KEY_A = `a-${randomUUID()}`;
const KEY_B = `b-${randomUUID()}`;
/** Seconds an unanswered call rings (the least the room allows is 5). */
const RING_TIMEOUT_S = 8;
const stack = useStack({ vars: { HOSTS: JSON.stringify({ A: KEY_A, B: KEY_B }), RING_TIMEOUT_S: String(RING_TIMEOUT_S) } });

type Tag = "contact-me" | "contact-me-host";
const TAGS: readonly Tag[] = ["contact-me", "contact-me-host"];

// ------------------------------------------------------------------ the manifest

interface Manifest {
  modules: { path: string; declarations?: { tagName?: string; cssParts?: { name: string }[]; events?: { name: string }[] }[] }[];
}

/** The `cssParts` and `events` names `custom-elements.json` lists for each element. */
function readManifest(): Record<Tag, { parts: Set<string>; events: Set<string> }> {
  const file = join(REPO_ROOT, "custom-elements.json");
  if (!existsSync(file)) assert.fail(`${file} is missing: run \`npm run build\` first (it writes the manifest)`);
  const manifest = JSON.parse(readFileSync(file, "utf8")) as Manifest;
  const declarations = manifest.modules.flatMap((m) => m.declarations ?? []);
  const of = (tag: Tag) => {
    const found = declarations.filter((d) => d.tagName === tag);
    assert.equal(found.length, 1, `custom-elements.json declares <${tag}> once (found ${found.length})`);
    const d = found[0]!;
    return { parts: new Set((d.cssParts ?? []).map((p) => p.name)), events: new Set((d.events ?? []).map((e) => e.name)) };
  };
  return { "contact-me": of("contact-me"), "contact-me-host": of("contact-me-host") };
}

// ------------------------------------------------------------------ in the page

/**
 * Before the page's scripts run: record every `contact-me*` event dispatched
 * (with the outermost element it came from), and make `play()` refuse with
 * `NotAllowedError` while `window.__refusePlay` is set, as browsers do
 * without a gesture. A string, not a function: tsx would wrap inner functions
 * in a helper the page lacks.
 */
const INIT = `(() => {
  const events = (window.__contactMeEvents = []);
  const dispatch = EventTarget.prototype.dispatchEvent;
  EventTarget.prototype.dispatchEvent = function (event) {
    if (typeof event.type === "string" && event.type.startsWith("contact-me")) {
      let n = this;
      while (n && typeof n.getRootNode === "function" && n.getRootNode() instanceof ShadowRoot) n = n.getRootNode().host;
      const owner = n === window ? "window" : n === document ? "document" : n && n.localName ? n.localName : String(n);
      events.push({ type: event.type, owner });
    }
    return dispatch.call(this, event);
  };
  window.__refusePlay = false;
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    if (window.__refusePlay) return Promise.reject(new DOMException("play() needs a user gesture", "NotAllowedError"));
    return play.call(this);
  };
})()`;

type SeenEvent = { type: string; owner: string };

/**
 * The part names of every `<tag>` on the page as a stylesheet outside sees
 * them: those of its shadow tree, and those of nested shadow trees that
 * `exportparts` carries up (under their exported names). `hidden` lists
 * parts of nested trees that no `exportparts` carries out.
 */
const collectParts = (tag: Tag) => `(() => {
  const exported = [];
  const hidden = [];
  const stack = [];
  for (const el of document.querySelectorAll(${JSON.stringify(tag)})) if (el.shadowRoot) stack.push([el.shadowRoot, null, el.localName]);
  while (stack.length) {
    const [root, names, path] = stack.pop();
    for (const n of root.querySelectorAll("*")) {
      for (const name of (n.getAttribute("part") || "").split(/\\s+/).filter(Boolean)) {
        const outer = names === null ? name : names.get(name);
        if (outer) exported.push(outer);
        else hidden.push(path + " " + n.localName + '[part~="' + name + '"]');
      }
      if (n.shadowRoot) {
        const inner = new Map();
        for (const entry of (n.getAttribute("exportparts") || "").split(",")) {
          const [from, to] = entry.split(":").map((s) => s.trim());
          if (!from) continue;
          const outer = names === null ? to || from : names.get(to || from);
          if (outer) inner.set(from, outer);
        }
        stack.push([n.shadowRoot, inner, path + " > " + n.localName]);
      }
    }
  }
  return { exported: [...new Set(exported)].sort(), hidden: [...new Set(hidden)].sort() };
})()`;

type Collected = { exported: string[]; hidden: string[] };

// ------------------------------------------------------------------ the record

/** Per element: each part seen, with the first state that showed it; and parts no `exportparts` carries out. */
const seenParts: Record<Tag, Map<string, string>> = { "contact-me": new Map(), "contact-me-host": new Map() };
const unexported: string[] = [];

/**
 * In the state named `state`, wait until `<tag>` on `page` shows at least the
 * parts `expected`, then record every part it shows.
 */
async function see(state: string, page: Page, tag: Tag, expected: readonly string[]): Promise<void> {
  let collected: Collected;
  try {
    collected = await eventually(
      `<${tag}> ${state}: parts ${expected.join(", ")}`,
      () => page.evaluate(collectParts(tag)) as Promise<Collected>,
      (c) => expected.every((p) => c.exported.includes(p)),
    );
  } catch (err) {
    const now = (await page.evaluate(collectParts(tag)).catch(() => ({ exported: [] }))) as Collected;
    const missing = expected.filter((p) => !now.exported.includes(p));
    throw new Error(`<${tag}> ${state}: parts not shown: ${missing.join(", ")} (shown: ${now.exported.join(", ")})\n${(err as Error).message}`);
  }
  for (const part of collected.exported) if (!seenParts[tag].has(part)) seenParts[tag].set(part, state);
  for (const h of collected.hidden) unexported.push(`${state}: ${h}`);
}

/** A page with {@link INIT} installed before `url` loads. */
async function openWithInit(pages: Pages, url: string): Promise<TestPage> {
  const opened = await pages.open("about:blank");
  await opened.context.addInitScript(INIT);
  await opened.page.goto(url);
  return opened;
}

const events = (page: Page) => page.evaluate("window.__contactMeEvents") as Promise<SeenEvent[]>;
const refusePlay = (page: Page, refuse: boolean) => page.evaluate(`window.__refusePlay = ${refuse}`);

/** The visitor's dialog. */
const dialog = (page: Page): Locator => page.getByRole("dialog", { name: "Contact" });

/** Every part the calls show on both sides once connected (the media-specific ones aside). */
const IN_CALL = ["call", "call-status", "controls", "mute", "hang-up", "call-timer", "call-quality", "devices"];

/** A 1×1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
/** A web page that says it is a PNG: refused by the room (`422 mismatch`). */
const NOT_A_PNG = { name: "page.png", mimeType: "image/png", buffer: Buffer.from("<!doctype html><p>not a picture</p>") };
/** A WebM file's EBML header (as Chromium's MediaRecorder writes it), then noise. */
const WEBM = Buffer.concat([Buffer.from("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701ffffffffffffff", "hex"), randomBytes(2000)]);
/** Hold each upload part a while, so its progress bar shows. */
const slowParts = (page: Page) =>
  page.route("**/upload/part?**", async (route) => {
    await delay(1500);
    await route.continue().catch(() => undefined);
  });

test("custom-elements.json lists exactly the parts and events both elements show and fire", () =>
  stack.run(async (pages) => {
    const started = Date.now();
    const manifest = readManifest();
    const room = uniqueRoom("manifest");
    const origin = stack.server.origin;

    // ---------------------------------------------------------------- the dashboards
    const a = await openWithInit(pages, `${origin}/host.html?room=${room}`);
    await see("signed out", a.page, "contact-me-host", ["sign-in"]);
    await signIn(a.page, KEY_A);
    await setAvailable(a.page, true);
    await see("signed in, available", a.page, "contact-me-host", ["toolbar", "available", "meetings", "meeting-form", "meeting-list"]);
    await a.page.getByRole("textbox", { name: "Title" }).fill("Review");
    await a.page.locator('[part="meeting-form"]').getByRole("button", { name: "Create" }).click();
    await see("a meeting created", a.page, "contact-me-host", ["meeting", "meeting-link", "meeting-participants"]);
    await a.page.locator('[part="meeting"]').getByRole("button", { name: "Delete", exact: true }).click();
    await hidden(a.page.locator('[part="meeting"]'));
    const b = await openWithInit(pages, `${origin}/host.html?room=${room}`);
    await signIn(b.page, KEY_B);
    await visible(b.page.getByRole("switch", { name: "Available" }));
    await see("with a second host signed in", a.page, "contact-me-host", ["hosts"]);
    await see("signed in as the second host, away", b.page, "contact-me-host", ["toolbar", "available", "hosts"]);
    // A rings B into a meeting: B's dashboard shows the invitation.
    await a.page.getByRole("textbox", { name: "Title" }).fill("Standup");
    await a.page.locator('[part="meeting-form"]').getByRole("button", { name: "Create" }).click();
    await see("a meeting, with a teammate signed in", a.page, "contact-me-host", ["meeting", "ring-teammate"]);
    await a.page.locator('[part="meeting"]').getByRole("button", { name: "Ring B" }).click();
    await see("rung into a meeting", b.page, "contact-me-host", ["meeting-invite"]);
    await b.page.getByRole("button", { name: "Not now" }).click();
    await hidden(b.page.locator('[part="meeting-invite"]'));
    await a.page.locator('[part="meeting"]').getByRole("button", { name: "Delete", exact: true }).click();
    await hidden(a.page.locator('[part="meeting"]'));

    // ---------------------------------------------------------------- notifications: a device of A's registered elsewhere, blocked here
    const elsewhere = await RawSocket.open(await hostSocketUrl(origin, room, KEY_A));
    try {
      const keys = createECDH("prime256v1");
      keys.generateKeys();
      elsewhere.send({
        type: "push-subscribe",
        subscription: { endpoint: `https://127.0.0.1:9/push/${randomUUID()}`, keys: { p256dh: keys.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") } },
        label: "Chrome on Android",
      });
      await see("notifications: a device listed, blocked here", a.page, "contact-me-host", ["notifications", "notify-device", "push-status", "push-device", "push-device-remove", "ring-devices"]);
    } finally {
      await elsewhere.close();
    }

    // ---------------------------------------------------------------- a visitor: closed, open, messages
    const v = await openWithInit(pages, `${origin}/?room=${room}`);
    const panel = dialog(v.page);
    await see("closed, the host available", v.page, "contact-me", ["launcher", "launcher-presence"]);
    await v.page.locator("contact-me").evaluate((el) => {
      el.setAttribute("host-name", "Ada Lovelace");
      el.setAttribute("host-tagline", "Usually replies within a day");
    });
    await v.page.getByRole("button", { name: "Contact me" }).click();
    await visible(panel.getByText("Available", { exact: true }));
    await see("open, the menu", v.page, "contact-me", ["panel", "header", "avatar", "tagline", "presence", "close", "menu"]);

    await panel.getByRole("button", { name: "Send a message" }).click();
    await see("the message form", v.page, "contact-me", ["form", "conversation-actions", "back", "record-voice", "record-video"]);
    await panel.getByRole("textbox", { name: "Message" }).fill("Hello from Ada");
    await panel.getByRole("textbox", { name: "Your name" }).fill("Ada");
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.getByText(/^(Delivered|Seen)$/).first());
    await see("a message sent", v.page, "contact-me", ["messages", "message", "message-visitor", "message-state", "form", "sender", "sender-change"]);
    await see("a visitor's message", a.page, "contact-me-host", [
      "inbox",
      "conversation-list",
      "filters",
      "search",
      "conversations",
      "conversation-item",
      "conversation",
      "conversation-header",
      "messages",
      "day",
      "message",
      "message-visitor",
      "reply",
      "typing",
      "conversation-actions",
      "archive",
      "export",
      "delete",
    ]);
    await a.page.getByRole("textbox", { name: "Reply" }).fill("Thanks Ada");
    await a.page.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.getByText("Thanks Ada"));
    await see("a host reply", a.page, "contact-me-host", ["message-host"]);
    await see("a host reply", v.page, "contact-me", ["message", "message-host"]);
    await see("a host reply the visitor has seen", a.page, "contact-me-host", ["message-state"]);

    // ---------------------------------------------------------------- files: attached, uploading, refused, shown on both sides
    await slowParts(v.page);
    const visitorFiles = panel.locator('input[type="file"]');
    await visitorFiles.setInputFiles([
      { name: "photo.png", mimeType: "image/png", buffer: PNG },
      { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("My order is 1234.\n") },
    ]);
    await see("files attached", v.page, "contact-me", ["attach", "attachments", "attachment", "attachment-remove"]);
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await see("files uploading", v.page, "contact-me", ["attachment-progress"]);
    await see("a message with files", v.page, "contact-me", ["files", "file-image", "file-document"]);
    await see("a visitor's files", a.page, "contact-me-host", ["files", "file-image", "file-document"]);
    await visitorFiles.setInputFiles(NOT_A_PNG);
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await see("a file refused", v.page, "contact-me", ["attachment", "attachment-error"]);
    await panel.getByRole("button", { name: "Remove page.png" }).click();

    await slowParts(a.page);
    const hostFiles = a.page.locator('[part="reply"] input[type="file"]');
    await hostFiles.setInputFiles({ name: "map.png", mimeType: "image/png", buffer: PNG });
    await see("a reply's file attached", a.page, "contact-me-host", ["attach", "attachments", "attachment", "attachment-remove"]);
    await a.page.getByRole("button", { name: "Send", exact: true }).click();
    await see("a reply's file uploading", a.page, "contact-me-host", ["attachment-progress"]);
    await eventually("the reply's picture", () => panel.locator('[part~="message-host"] [part="file-image"]').count(), (n) => n === 1);
    await hostFiles.setInputFiles(NOT_A_PNG);
    await a.page.getByRole("button", { name: "Send", exact: true }).click();
    await see("a reply's file refused", a.page, "contact-me-host", ["attachment", "attachment-error"]);
    await a.page.getByRole("button", { name: "Remove page.png" }).click();

    // A voice message (as the recorder sends it): a player on both sides.
    const hostSocket = await RawSocket.open(await hostSocketUrl(origin, room, KEY_A));
    try {
      const listed = await hostSocket.next("conversations", (f) => f.type === "conversations");
      const conversationId = String((listed.conversations as { id: string }[])[0]!.id);
      const session = (await (
        await fetch(`${origin}/parties/main/${room}/host/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key: KEY_A }) })
      ).json()) as { token: string };
      const voice = await uploadFile({ host: new URL(origin).host, room, party: "main" }, new File([WEBM], "voice.webm", { type: "audio/webm" }), {
        token: session.token,
        conversationId,
        durationS: 3,
      });
      hostSocket.send({ type: "reply", conversationId, text: "", files: [voice.id] });
      await see("a voice message", v.page, "contact-me", ["file-recording"]);
      await see("a voice message", a.page, "contact-me-host", ["file-recording"]);
    } finally {
      await hostSocket.close();
    }
    await a.page.getByRole("button", { name: "Delete", exact: true }).click();
    await see("asked to confirm a deletion", a.page, "contact-me-host", ["delete-confirm"]);
    await a.page.getByRole("button", { name: "Cancel" }).click();

    // Closed, a reply arrives: counted on the button.
    await panel.getByRole("button", { name: "Close" }).click();
    await hidden(panel);
    await a.page.getByRole("textbox", { name: "Reply" }).fill("Anything else?");
    await a.page.getByRole("button", { name: "Send", exact: true }).click();
    await see("closed, with an unread reply", v.page, "contact-me", ["launcher", "badge"]);
    await v.page.getByRole("button", { name: /Contact me/ }).click();
    await visible(panel.getByText("Anything else?"));
    await panel.getByRole("button", { name: "Back" }).click();

    // ---------------------------------------------------------------- an audio call whose sound the browser will not start
    await refusePlay(v.page, true);
    await refusePlay(a.page, true);
    await panel.getByRole("button", { name: "Audio call" }).click();
    await see("an audio call ringing", a.page, "contact-me-host", ["incoming", "silence"]);
    await a.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText("Connected", { exact: true }));
    const audio = [...IN_CALL, "remote-audio", "turn-on-video", "tap-to-unmute"];
    await see("in an audio call, play() refused", v.page, "contact-me", audio);
    await see("in an audio call, play() refused", a.page, "contact-me-host", audio);
    // Tap to unmute shows until this call ends; the later calls may play.
    await refusePlay(v.page, false);
    await refusePlay(a.page, false);
    // Closed mid-call: the call goes on; the button shows it, with Hang up beside it.
    await panel.getByRole("button", { name: "Close" }).click();
    await hidden(panel);
    await see("closed in an audio call", v.page, "contact-me", ["launcher", "launcher-hang-up"]);
    await v.page.getByRole("button", { name: /^In call/ }).click();
    await visible(panel.getByText("Connected", { exact: true }));

    // A second visitor calls while the only available host is busy: in line.
    const w = await openWithInit(pages, `${origin}/?room=${room}`);
    const second = dialog(w.page);
    await w.page.getByRole("button", { name: "Contact me" }).click();
    await visible(second.getByText("Available", { exact: true }));
    await second.getByRole("button", { name: "Audio call" }).click();
    await visible(second.getByText("Position 1 in line"));
    await see("waiting in line", w.page, "contact-me", ["call", "call-status", "cancel"]);
    await visible(a.page.getByText("Position 1 in line"));
    await see("in a call with a caller in line", a.page, "contact-me-host", ["incoming", "call", "call-next"]);
    await second.getByRole("button", { name: "Cancel" }).click();
    await hidden(a.page.getByText("Position 1 in line"));
    await see("after leaving the line", w.page, "contact-me", ["call", "call-done"]);

    await panel.getByRole("button", { name: "Hang up" }).click();
    await visible(panel.getByText("Call ended"));
    await see("an audio call ended", v.page, "contact-me", ["call", "call-status", "call-done"]);
    await see("an audio call ended", a.page, "contact-me-host", ["call", "call-status", "call-dismiss"]);

    // ---------------------------------------------------------------- a video call, each side muted with its camera off
    await panel.getByRole("button", { name: "Done" }).click();
    await panel.getByRole("button", { name: "Video call" }).click();
    await a.page.getByRole("button", { name: "Accept" }).click();
    await visible(panel.getByText("Connected", { exact: true }));
    const video = [...IN_CALL, "remote-video", "local-video", "camera", "share-screen"];
    await see("in a video call", v.page, "contact-me", video);
    await see("in a video call, a teammate signed in", a.page, "contact-me-host", [...video, "ring-teammate", "add-teammate"]);
    // Both share their screens (Chromium picks the whole screen by itself: --auto-select-desktop-capture-source).
    await panel.getByRole("button", { name: "Share screen" }).click();
    await a.page.getByRole("button", { name: "Share screen" }).click();
    const sharing = ["screen-tile", "remote-screen", "local-screen", "screen-label"];
    await see("in a video call, both sharing their screens", v.page, "contact-me", sharing);
    await see("in a video call, both sharing their screens", a.page, "contact-me-host", sharing);
    await a.page.getByRole("button", { name: "Mute", exact: true }).click();
    await a.page.getByRole("button", { name: "Camera off" }).click();
    await see("in a video call, the host muted, camera off", v.page, "contact-me", ["peer-muted", "peer-camera-off"]);
    await panel.getByRole("button", { name: "Mute", exact: true }).click();
    await panel.getByRole("button", { name: "Camera off" }).click();
    await see("in a video call, the visitor muted, camera off", a.page, "contact-me-host", ["peer-muted", "peer-camera-off"]);
    await panel.getByRole("button", { name: "Hang up" }).click();
    await visible(panel.getByText("Call ended"));
    await see("a video call ended", v.page, "contact-me", ["call-done", "try-again", "leave-message"]);
    await see("a video call ended", a.page, "contact-me-host", ["call-dismiss"]);
    await a.page.getByRole("button", { name: "Dismiss" }).click();

    // ---------------------------------------------------------------- a call nobody answers
    await panel.getByRole("button", { name: "Done" }).click();
    await panel.getByRole("button", { name: "Audio call" }).click();
    await see("a call ringing, not answered", a.page, "contact-me-host", ["incoming", "incoming-call", "silence"]);
    await eventually(`"No answer" after ${RING_TIMEOUT_S} s`, () => panel.locator('[part="call-status"]').innerText(), (t) => t.includes("No answer"), (RING_TIMEOUT_S + 15) * 1000);
    await see("a call rang out", v.page, "contact-me", ["call-done", "leave-message", "leave-voice-message", "leave-video-message"]);
    await see("a call rang out", a.page, "contact-me-host", ["missed", "missed-reply"]);
    await a.page.locator('[part="missed-reply"]').first().click();
    await see("a missed call's conversation", a.page, "contact-me-host", ["conversation-header", "visitor-details", "message-call", "reply"]);
    await eventually("the reply box focused", () => a.page.evaluate(() => document.querySelector("contact-me-host")?.shadowRoot?.activeElement?.tagName), (t) => t === "TEXTAREA");
    await panel.getByRole("button", { name: "Leave a message" }).click();
    await see("leaving a message after no answer", v.page, "contact-me", ["form", "message-call"]);

    // ---------------------------------------------------------------- a voice message, its upload slowed so its progress shows; a video message's camera
    await panel.getByRole("button", { name: "Voice message" }).click();
    await see("recording a voice message", v.page, "contact-me", ["recorder", "recorder-title", "recorder-level", "recorder-time", "recorder-stop", "recorder-cancel"]);
    await clockRuns(panel.locator('[part="recorder-time"]'), "the recorder's running time");
    await panel.getByRole("button", { name: "Stop" }).click();
    await see("a voice message recorded", v.page, "contact-me", ["recorder-preview", "recorder-again", "recorder-send"]);
    // The visitor's upload parts are held a while since the files above: the progress shows.
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await see("a voice message uploading", v.page, "contact-me", ["recorder-progress", "recorder-status"]);
    await visible(panel.getByRole("textbox", { name: "Message" }));
    await see("a voice message sent", v.page, "contact-me", ["files", "file-recording"]);
    await panel.getByRole("button", { name: "Video message" }).click();
    await see("recording a video message", v.page, "contact-me", ["recorder-camera"]);
    await panel.getByRole("button", { name: "Cancel" }).click();

    // ---------------------------------------------------------------- the camera blocked for a video call
    await panel.getByRole("button", { name: "Back" }).click();
    await v.page.evaluate(() => {
      const media = navigator.mediaDevices;
      const original = media.getUserMedia.bind(media);
      media.getUserMedia = (c?: MediaStreamConstraints) =>
        c?.video ? Promise.reject(new DOMException("Permission denied", "NotAllowedError")) : original(c);
    });
    await panel.getByRole("button", { name: "Video call" }).click();
    await see("the camera blocked for a video call", v.page, "contact-me", ["call-status", "try-audio", "leave-message", "call-done"]);
    await panel.getByRole("button", { name: "Leave a message" }).click();
    await panel.getByRole("button", { name: "Video message" }).click();
    await see("the camera blocked for a video message", v.page, "contact-me", ["recorder-error"]);
    await panel.getByRole("button", { name: "Cancel" }).click();
    await panel.getByRole("button", { name: "Close" }).click();
    await hidden(panel);

    // ---------------------------------------------------------------- the host away: said in the menu, an email asked for
    await setAvailable(a.page, false);
    await second.getByRole("button", { name: "Done" }).click();
    await see("the host away", w.page, "contact-me", ["away"]);
    await second.getByRole("button", { name: "Send a message" }).click();
    await see("the host away, the message form", w.page, "contact-me", ["email-hint"]);

    // ---------------------------------------------------------------- a room nobody answers at
    const u = await openWithInit(pages, `${origin}/?room=${room}`);
    await u.page.locator("contact-me").evaluate((el, host) => el.setAttribute("host", host), `127.0.0.1:${await freePort()}`);
    await u.page.getByRole("button", { name: "Contact me" }).click();
    const cut = dialog(u.page);
    await cut.getByRole("button", { name: "Send a message" }).click();
    await cut.getByRole("textbox", { name: "Message" }).fill("Anyone there?");
    await cut.getByRole("button", { name: "Send", exact: true }).click();
    await see("the room unreachable, a message not sent", u.page, "contact-me", ["unreachable", "reconnect", "message-state", "message-retry"]);

    // ---------------------------------------------------------------- a room with more conversations than one page
    const busy = uniqueRoom("manifest-busy");
    const writers: RawSocket[] = [];
    try {
      for (let i = 0; i <= CONVERSATIONS_PAGE; i++) {
        const writer = await RawSocket.open(roomSocketUrl(origin, busy), { address: `198.51.100.${i + 10}` });
        writers.push(writer);
        writer.send({ type: "text", text: `Message ${i}` });
        await writer.next("the message stored", (f) => f.type === "sent");
      }
    } finally {
      await Promise.all(writers.map((w) => w.close()));
    }
    const c = await openWithInit(pages, `${origin}/host.html?room=${busy}`);
    await signIn(c.page, KEY_A);
    await see("more conversations than one page", c.page, "contact-me-host", ["conversations", "load-older"]);

    // ---------------------------------------------------------------- browsers that cannot call
    const cannot = async (url: string, script: string) => {
      const opened = await pages.open("about:blank");
      await opened.context.addInitScript(INIT);
      await opened.context.addInitScript(script);
      await opened.page.goto(url);
      return opened;
    };
    const inApp = await cannot(
      `${origin}/?room=${room}`,
      `Object.defineProperty(Navigator.prototype, "userAgent", { get: () => "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/140.0 Mobile Safari/537.36 Instagram 312.0.0.32.112 Android" });`,
    );
    await inApp.page.getByRole("button", { name: "Contact me" }).click();
    await see("an in-app browser", inApp.page, "contact-me", ["calls-off", "copy-link", "call-back"]);
    const inAppPanel = inApp.page.getByRole("dialog", { name: "Contact" });
    await inAppPanel.getByRole("button", { name: /^Leave your number or email/ }).click();
    await see("the call-back form", inApp.page, "contact-me", ["call-back-form"]);
    await inAppPanel.getByRole("textbox", { name: "Phone or email" }).fill("+33 6 12 34 56 78");
    await inAppPanel.getByRole("button", { name: "Ask to be called back" }).click();
    await see("a call-back request sent", inApp.page, "contact-me", ["message-call-back"]);
    const noRtc = await cannot(`${origin}/host.html?room=${room}`, "delete globalThis.RTCPeerConnection;");
    await signIn(noRtc.page, KEY_B);
    await see("a dashboard without WebRTC", noRtc.page, "contact-me-host", ["self-check"]);
    // The newest conversation opens by itself: the call-back request in it.
    await see("a call-back request", noRtc.page, "contact-me-host", ["call-back-request"]);

    // ---------------------------------------------------------------- a meeting: joined from the dashboard and from its link
    await a.page.getByRole("textbox", { name: "Title" }).fill("Walkthrough");
    await a.page.getByRole("textbox", { name: /^PIN/ }).fill("2468");
    await a.page.locator('[part="meeting-form"]').getByRole("button", { name: "Create" }).click();
    const listedMeeting = a.page.locator('[part="meeting"]').filter({ hasText: "Walkthrough" });
    const link = await eventually("the meeting's link", () => listedMeeting.locator('[part="meeting-link"]').inputValue(), (l) => l.includes("meeting="));
    const meetingToken = new URL(link).searchParams.get("meeting")!;
    // Joined with the camera blocked: the meeting's form says so, and its Join tries again.
    await a.page.evaluate(() => {
      const media = navigator.mediaDevices;
      Object.assign(window, { __getUserMedia: media.getUserMedia.bind(media) });
      media.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    });
    await listedMeeting.getByRole("button", { name: "Join", exact: true }).click();
    await see("a meeting joined with the camera blocked", a.page, "contact-me-host", ["meeting-view", "meeting-join", "meeting-error"]);
    await a.page.evaluate(() => {
      navigator.mediaDevices.getUserMedia = (window as unknown as { __getUserMedia: MediaDevices["getUserMedia"] }).__getUserMedia;
    });
    await a.page.locator('[part="meeting-view"]').getByRole("button", { name: "Join", exact: true }).click();
    await see("alone in a meeting", a.page, "contact-me-host", [
      "meeting-view",
      "meeting-grid",
      "meeting-tile",
      "meeting-tile-local",
      "meeting-tile-video",
      "meeting-tile-name",
      "meeting-status",
      "meeting-controls",
      "meeting-mute",
      "meeting-camera",
      "meeting-share-screen",
      "meeting-leave",
    ]);
    const g = await openWithInit(pages, `${origin}/?room=${room}&meeting=${meetingToken}`);
    await see("a meeting's link opened", g.page, "contact-me", ["meeting-view", "meeting-join"]);
    await g.page.getByRole("textbox", { name: "Your name" }).fill("Grace");
    await g.page.getByRole("textbox", { name: "PIN" }).fill("0000");
    await g.page.getByRole("button", { name: "Join", exact: true }).click();
    await see("a wrong PIN", g.page, "contact-me", ["meeting-join", "meeting-error"]);
    await g.page.getByRole("textbox", { name: "PIN" }).fill("2468");
    await g.page.getByRole("button", { name: "Join", exact: true }).click();
    const inMeeting = ["meeting-grid", "meeting-tile", "meeting-tile-local", "meeting-tile-video", "meeting-tile-name", "meeting-controls", "meeting-mute", "meeting-camera", "meeting-leave"];
    await see("in a meeting of two, the host speaking", g.page, "contact-me", [...inMeeting, "meeting-share-screen", "meeting-tile-speaking"]);
    // A participant whose browser never answers: its tile stays "Connecting to Stray…" on both pages.
    const stray = await RawSocket.open(roomSocketUrl(origin, room));
    try {
      stray.send({ type: "meeting-join", token: meetingToken, name: "Stray", pin: "2468" });
      await see("a participant still connecting", g.page, "contact-me", ["meeting-tile-state"]);
      await see("a participant still connecting", a.page, "contact-me-host", ["meeting-tile-state"]);
      stray.send({ type: "meeting-leave" });
    } finally {
      await stray.close();
    }
    await a.page.locator('[part="meeting-view"]').getByRole("button", { name: "Mute", exact: true }).click();
    await see("in a meeting, the host muted", g.page, "contact-me", ["meeting-tile-muted"]);
    await g.page.getByRole("button", { name: "Share screen" }).click();
    const meetingScreen = ["meeting-screen-tile", "meeting-screen-label"];
    await see("in a meeting, the guest sharing a screen", g.page, "contact-me", meetingScreen);
    await see("in a meeting, the guest sharing a screen", a.page, "contact-me-host", [...inMeeting, "meeting-tile-speaking", ...meetingScreen]);
    await g.page.getByRole("button", { name: "Leave", exact: true }).click();
    await see("after leaving a meeting", g.page, "contact-me", ["meeting-view", "meeting-status", "meeting-close"]);
    await g.page.getByRole("button", { name: "Close", exact: true }).click();
    await hidden(g.page.locator('[part="meeting-view"]'));
    await a.page.locator('[part="meeting-view"]').getByRole("button", { name: "Leave", exact: true }).click();
    await hidden(a.page.locator('[part="meeting-view"]'));

    // ---------------------------------------------------------------- the verdict
    const seenEvents: SeenEvent[] = [];
    for (const p of [a, b, v, w, u, g]) seenEvents.push(...(await events(p.page)));
    const report: string[] = [];
    for (const tag of TAGS) {
      const { parts, events: documented } = manifest[tag];
      const seen = seenParts[tag];
      const undocumented = [...seen.keys()].filter((p) => !parts.has(p)).map((p) => `${p} (first in "${seen.get(p)}")`);
      const neverShown = [...parts].filter((p) => !seen.has(p));
      if (undocumented.length) report.push(`<${tag}> shows parts custom-elements.json does not list: ${undocumented.join(", ")}`);
      if (neverShown.length) report.push(`<${tag}>: custom-elements.json lists parts never shown in any state: ${neverShown.join(", ")}`);
      const fired = new Set(seenEvents.filter((e) => e.owner === tag).map((e) => e.type));
      const unlisted = [...fired].filter((e) => !documented.has(e));
      const neverFired = [...documented].filter((e) => !fired.has(e));
      if (unlisted.length) report.push(`<${tag}> fires events custom-elements.json does not list: ${unlisted.join(", ")}`);
      if (neverFired.length) report.push(`<${tag}>: custom-elements.json lists events never fired: ${neverFired.join(", ")}`);
    }
    const strays = seenEvents.filter((e) => !(TAGS as readonly string[]).includes(e.owner));
    if (strays.length) report.push(`contact-me* events from outside both elements: ${JSON.stringify(strays)}`);
    if (unexported.length) report.push(`parts of nested shadow trees no exportparts carries out: ${[...new Set(unexported)].join("; ")}`);
    assert.deepEqual(report, [], "custom-elements.json against what the elements show and fire");
    console.log(`# manifest: ${seenParts["contact-me"].size} + ${seenParts["contact-me-host"].size} parts, ${new Set(seenEvents.map((e) => e.type)).size} events, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }));
