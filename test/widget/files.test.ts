/// <reference types="node" />
/**
 * Files in conversations, in real Chromium against `partykit dev`: a
 * screenshot pasted by the visitor shows as a thumbnail on both sides; a PDF
 * the host attaches through the picker reaches the visitor as a download
 * link whose bytes are the file's, and a file attached and left unsent stays
 * with its conversation while the host reads another; an upload whose part answer is lost goes
 * on and completes with one file, the quota used once; a web page renamed
 * `.png` and a file over `MAX_ATTACHMENT_MB` are refused with their lines,
 * the message kept.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { test } from "node:test";
import { deflateSync } from "node:zlib";
import type { Locator, Page } from "playwright-core";
import { WAIT_MS, eventually, openHost, openVisitor, uniqueRoom, visible } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

/** Small limits: a file over 1 MB is refused, and a room holds 1 MB of files. */
const stack = useStack({ vars: { MAX_ATTACHMENT_MB: "1", MEDIA_QUOTA_MB: "1" } });
const KiB = 1024;

/** CRC-32 (ISO 3309), as PNG chunks carry it. */
function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/**
 * A real PNG of `width` × `height` pixels (RGB, noise), so a browser decodes
 * it; noise does not compress, so its size is about `width * height * 3` bytes.
 */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), randomBytes(width * 3)])));
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows, { level: 0 })), chunk("IEND", Buffer.alloc(0))]);
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Open the visitor's conversation view (first message: with a name). */
async function startConversation(panel: Locator, name: string, text: string): Promise<void> {
  await panel.getByRole("button", { name: "Send a message" }).click({ timeout: WAIT_MS });
  await panel.getByRole("textbox", { name: "Your name" }).fill(name, { timeout: WAIT_MS });
  await panel.getByRole("textbox", { name: "Message" }).fill(text, { timeout: WAIT_MS });
  await panel.getByRole("button", { name: "Send", exact: true }).click({ timeout: WAIT_MS });
  await visible(panel.getByText(text));
}

/** Wait until the image in `scope`'s `file-image` has loaded (decoded, naturalWidth > 0); its width. */
function imageLoaded(scope: Locator, what: string): Promise<number> {
  return eventually(
    what,
    () => scope.locator('[part="file-image"] img').first().evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)).catch(() => 0),
    (w) => w > 0,
  );
}

/** Paste `bytes` as a file into `textarea`, as a screenshot pasted from the clipboard. */
async function paste(textarea: Locator, bytes: Buffer, name: string, type: string): Promise<void> {
  await textarea.evaluate(
    (el, { data, name, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], name, { type }));
      el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, composed: true, cancelable: true }));
    },
    { data: [...bytes], name, type },
  );
}

/** Drop `bytes` as a file on `target`, as a file dragged from the desktop. */
async function drop(target: Locator, bytes: Buffer, name: string, type: string): Promise<void> {
  await target.evaluate(
    (el, { data, name, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], name, { type }));
      el.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, composed: true, cancelable: true }));
      el.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, composed: true, cancelable: true }));
    },
    { data: [...bytes], name, type },
  );
}

/** The list item of the conversation with `name`. */
function item(page: Page, name: string): Locator {
  return page.locator('[part~="conversation-item"]', { has: page.locator(".name", { hasText: name }) });
}

test("a screenshot pasted by the visitor shows as a thumbnail in the panel and on the dashboard; the list says 📎 and its name", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("files-paste");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const visitor = await openVisitor(pages, stack.server.origin, room);
    await startConversation(visitor.panel, "Ada", "Here is what I see");

    await paste(visitor.panel.getByRole("textbox", { name: "Message" }), png(40, 30), "screenshot.png", "image/png");
    await visible(visitor.panel.locator('[part="attachment"]', { hasText: "screenshot.png" }));
    await visitor.panel.getByRole("button", { name: "Send", exact: true }).click();

    assert.equal(await imageLoaded(visitor.panel.locator('[part~="message-visitor"]').last(), "the thumbnail in the panel"), 40);
    assert.equal(await visitor.panel.locator('[part="attachment"]').count(), 0, "the chip is gone once sent");

    await item(host.page, "Ada").click({ timeout: WAIT_MS });
    const onDashboard = host.page.locator('[part~="message-visitor"]').last();
    assert.equal(await imageLoaded(onDashboard, "the thumbnail on the dashboard"), 40);
    const preview = await item(host.page, "Ada").locator(".preview").getAttribute("data-text");
    assert.equal(preview, "📎 screenshot.png");
    // The thumbnail links to the whole image (a signed link on the room's origin).
    const href = await onDashboard.locator('[part="file-image"]').getAttribute("href");
    assert.match(String(href), /\/file\?id=[0-9a-f-]{36}&exp=\d+&sig=/);

    // A file dropped on the conversation (dashboard) or on the panel (visitor) is attached.
    await drop(host.page.locator('[part="conversation"]'), Buffer.from("Order 1234\n"), "order.txt", "text/plain");
    await visible(host.page.locator('[part="reply"] [part="attachment"]', { hasText: "order.txt" }));
    await drop(visitor.panel, Buffer.from("My notes\n"), "notes.txt", "text/plain");
    await visible(visitor.panel.locator('[part="attachment"]', { hasText: "notes.txt" }));
  }));

test("the host attaches a PDF through the picker; the visitor sees its name and size and fetches its bytes", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("files-pdf");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const visitor = await openVisitor(pages, stack.server.origin, room);
    await startConversation(visitor.panel, "Bob", "Can I have the invoice?");

    await item(host.page, "Bob").click({ timeout: WAIT_MS });
    const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n% invoice\n"), randomBytes(3000), Buffer.from("\n%%EOF\n")]);
    await host.page.locator('[part="reply"] input[type="file"]').setInputFiles({ name: "invoice.pdf", mimeType: "application/pdf", buffer: pdf });
    await visible(host.page.locator('[part="attachment"]', { hasText: "invoice.pdf" }));
    // Another conversation opened meanwhile shows none of Bob's files, and Bob's are still there on the way back.
    const other = await openVisitor(pages, stack.server.origin, room);
    await startConversation(other.panel, "Cleo", "Hello there");
    await item(host.page, "Cleo").click({ timeout: WAIT_MS });
    await visible(host.page.getByRole("textbox", { name: "Reply to Cleo" }));
    assert.equal(await host.page.locator('[part="reply"] [part="attachment"]').count(), 0, "Bob's file is not on Cleo's reply");
    await item(host.page, "Bob").click({ timeout: WAIT_MS });
    await visible(host.page.locator('[part="reply"] [part="attachment"]', { hasText: "invoice.pdf" }));
    await host.page.getByRole("textbox", { name: "Reply to Bob" }).fill("Here it is");
    await host.page.locator('[part="reply"]').getByRole("button", { name: "Send", exact: true }).click();

    const link = visitor.panel.locator('[part~="message-host"] [part="file-document"]');
    await visible(link.getByText("invoice.pdf"));
    assert.match(await link.innerText(), /invoice\.pdf\s+2\.9 KB|invoice\.pdf\s+3 KB/);
    const href = await eventually("the link's href", () => link.getAttribute("href"), (h) => !!h);
    const fetched = await visitor.page.evaluate(async (url) => {
      const res = await fetch(url!);
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, bytes: [...bytes], type: res.headers.get("content-type"), disposition: res.headers.get("content-disposition") };
    }, href);
    assert.equal(fetched.status, 200);
    assert.equal(sha256(Buffer.from(fetched.bytes)), sha256(pdf), "the bytes the host attached");
    assert.equal(fetched.type, "application/pdf");
    assert.match(String(fetched.disposition), /^attachment/);
    // The dashboard shows it in its timeline too.
    await visible(host.page.locator('[part~="message-host"] [part="file-document"]', { hasText: "invoice.pdf" }));
  }));

test("an upload whose part answer is lost goes on from the room's offset and completes: one file in the message, the quota used once", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("files-resume");
    const visitor = await openVisitor(pages, stack.server.origin, room);
    await startConversation(visitor.panel, "Cy", "Two pictures coming");

    // About 600 KiB: parts of 120 KiB in room storage; the answer to the second is lost after the room stored it.
    const big = png(460, 445);
    assert.ok(big.length > 590 * KiB && big.length < 620 * KiB, String(big.length));
    const parts: string[] = [];
    let cut = false;
    await visitor.page.route("**/upload/part?**", async (route) => {
      parts.push(new URL(route.request().url()).searchParams.get("offset")!);
      if (parts.length === 2 && !cut) {
        cut = true;
        await route.fetch(); // the room gets the part…
        return route.abort("connectionreset"); // …but its answer never arrives
      }
      return route.continue();
    });
    await visitor.panel.locator('input[type="file"]').setInputFiles({ name: "big.png", mimeType: "image/png", buffer: big });
    await visitor.panel.getByRole("button", { name: "Send", exact: true }).click();
    const last = visitor.panel.locator('[part~="message-visitor"]').last();
    assert.equal(await imageLoaded(last, "the thumbnail"), 460);
    assert.equal(await last.locator('[part="file-image"]').count(), 1, "one file in the message");
    assert.equal(parts[1], parts[2], "the part whose answer was lost was sent again at the same offset");
    assert.equal(new Set(parts).size, Math.ceil(big.length / (120 * KiB)), `each part stored once: ${parts.join(", ")}`);
    assert.equal(parts.length, new Set(parts).size + 1, "only the part whose answer was lost was sent twice");

    // A second picture of 350 KiB fits in the 1 MB quota only if the first was counted once.
    await visitor.panel.locator('input[type="file"]').setInputFiles({ name: "small.png", mimeType: "image/png", buffer: png(340, 345) });
    await visitor.panel.getByRole("button", { name: "Send", exact: true }).click();
    await eventually("the second picture", () => visitor.panel.locator('[part~="message-visitor"] [part="file-image"]').count(), (n) => n === 2);
    assert.equal(await visitor.panel.locator('[part="attachment-error"]').count(), 0);
  }));

test("a web page renamed .png and a file over MAX_ATTACHMENT_MB are refused with their lines; the message and its file stay", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("files-refused");
    const visitor = await openVisitor(pages, stack.server.origin, room);
    await startConversation(visitor.panel, "Dee", "Hello");

    const box = visitor.panel.getByRole("textbox", { name: "Message" });
    await box.fill("Look at this");
    const page = Buffer.from("<!doctype html><script>alert(document.cookie)</script>");
    await visitor.panel.locator('input[type="file"]').setInputFiles({ name: "cat.png", mimeType: "image/png", buffer: page });
    await visitor.panel.getByRole("button", { name: "Send", exact: true }).click();
    const error = visitor.panel.locator('[part="attachment-error"]');
    await visible(error);
    assert.equal(await error.innerText(), "cat.png cannot be sent: its content is not what its name says (image/png).");
    assert.equal(await box.inputValue(), "Look at this", "the text is kept");
    await visible(visitor.panel.locator('[part="attachment"]', { hasText: "cat.png" }));
    assert.equal(await visitor.panel.getByText("Look at this").count(), 0, "nothing was sent");

    await visitor.panel.getByRole("button", { name: "Remove cat.png" }).click();
    await visitor.panel.locator('input[type="file"]').setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: png(600, 600) });
    await visitor.panel.getByRole("button", { name: "Send", exact: true }).click();
    await eventually("the size error", () => error.innerText().catch(() => ""), (t) => t === "huge.png is too large: files can be up to 1 MB.");
    assert.equal(await box.inputValue(), "Look at this", "the text is kept");
    assert.equal(await visitor.panel.locator('[part~="message-visitor"]').count(), 1, "only the first message");
  }));
