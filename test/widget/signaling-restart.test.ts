/// <reference types="node" />
/**
 * The signaling server restarting mid-call does not drop the call: media
 * keeps flowing peer to peer while it is down, both sockets reconnect and
 * resume the call (room storage persisted: `partykit dev --persist`,
 * `wrangler dev --persist-to`), and
 * **Hang up** still ends it on both sides. While the server is down, hang-up
 * travels over the call's data channel.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { callStats, eventually, hidden, launchChromium, openHost, openVisitor, setAvailable, uniqueRoom, visible, withPages } from "../support/browser.ts";
import { startServer, type TestServer } from "../support/server.ts";

const CONNECTED = /\bConnected\b/;
const hostKey = randomUUID();
const vars = { HOST_KEY: hostKey, ICE_SERVERS: "[]" };
const persist = mkdtempSync(join(tmpdir(), "contact-me-persist-"));
let server: TestServer | undefined;
let browser: Browser | undefined;

before(async () => {
  server = await startServer({ vars, persist });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(persist, { recursive: true, force: true });
});

/** Video frames decoded so far from the other side. */
async function framesDecoded(page: Page, selector: "contact-me" | "contact-me-host"): Promise<number> {
  const stats = await callStats(page, selector);
  return (stats ?? [])
    .filter((s) => s.type === "inbound-rtp" && s.kind === "video")
    .reduce((sum, s) => sum + (typeof s.framesDecoded === "number" ? s.framesDecoded : 0), 0);
}

/** Frames keep arriving on both sides for a while. */
async function mediaFlows(pages: Array<[Page, "contact-me" | "contact-me-host"]>, what: string): Promise<void> {
  const before = await Promise.all(pages.map(([p, s]) => framesDecoded(p, s)));
  await new Promise((r) => setTimeout(r, 1500));
  const after = await Promise.all(pages.map(([p, s]) => framesDecoded(p, s)));
  pages.forEach(([, s], i) => assert.ok(after[i]! > before[i]!, `${what}: ${s} decodes new frames (${before[i]} → ${after[i]})`));
}

test("a restart of the signaling server mid-call: media flows on, both sides resume, Hang up still works", () =>
  withPages(browser!, () => server!.logs(), async (pages) => {
    const room = uniqueRoom("restart");
    const host = await openHost(pages, server!.origin, room, hostKey);
    await setAvailable(host.page, true);
    const visitor = await openVisitor(pages, server!.origin, room);
    await visible(visitor.panel.getByText("Available", { exact: true }));
    const both: Array<[Page, "contact-me" | "contact-me-host"]> = [[visitor.page, "contact-me"], [host.page, "contact-me-host"]];

    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText(CONNECTED));
    await visible(host.page.getByText(CONNECTED));
    await eventually("video frames on both sides", async () => Math.min(...(await Promise.all(both.map(([p, s]) => framesDecoded(p, s))))), (n) => n > 0);

    // The room goes away.
    const port = server!.port;
    await server!.stop();
    await visible(visitor.panel.getByText("Reconnecting…", { exact: true })); // the socket, in the header
    await mediaFlows(both, "while the room is down");
    await visible(visitor.panel.getByText(CONNECTED));

    // It comes back on the same address, with its storage.
    const resumedBefore = (frames: string[]) => frames.filter((f) => f.includes('"type":"resumed"')).length;
    const [vResumed, hResumed] = [resumedBefore(visitor.frames), resumedBefore(host.frames)];
    server = await startServer({ vars, persist, port });
    await eventually("the visitor's socket resumes its call", async () => resumedBefore(visitor.frames), (n) => n > vResumed, 30_000);
    await eventually("the host's socket resumes its call", async () => resumedBefore(host.frames), (n) => n > hResumed, 30_000);
    await visible(visitor.panel.getByText("Available", { exact: true }));
    await mediaFlows(both, "after the room is back");

    // Hang up goes through the room again: the room ends the call for both.
    const endedBefore = visitor.frames.filter((f) => f.includes('"type":"ended"')).length;
    await host.page.getByRole("button", { name: "Hang up" }).click();
    await visible(visitor.panel.getByText("Call ended", { exact: true }));
    await hidden(visitor.panel.getByRole("button", { name: "Hang up" }));
    await visible(host.page.getByText("Call ended", { exact: true }));
    await eventually("the room's ended frame", async () => visitor.frames.filter((f) => f.includes('"type":"ended"')).length, (n) => n > endedBefore);

    // A second call, hung up while the room is down: the data channel carries it.
    await visitor.panel.getByRole("button", { name: "Done", exact: true }).click();
    await host.page.getByRole("button", { name: "Dismiss" }).click();
    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText(CONNECTED));
    await visible(host.page.getByText(CONNECTED));
    await server!.stop();
    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
    await visible(host.page.getByText("Call ended", { exact: true }));
    await hidden(host.page.getByRole("button", { name: "Hang up" }));
    server = await startServer({ vars, persist, port });
  }));
