/// <reference types="node" />
/**
 * A small team and a line: callers wait their turn while the host is busy;
 * with two hosts the first to accept gets the call; a host whose socket dies
 * is shown away.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { hidden, openHost, openVisitor, setAvailable, uniqueRoom, visible } from "../support/browser.ts";
import { RawSocket, hostSocketUrl, roomSocketUrl } from "../support/raw-socket.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const ADA = `ada-${randomUUID()}`;
const GRACE = `grace-${randomUUID()}`;
const stack = useStack({ vars: { HOSTS: JSON.stringify({ Ada: ADA, Grace: GRACE }) } });

test("a second caller waits as Position 1 in line and gets through after the first call ends", () =>
  stack.run(async (pages) => {
    const { room, host, visitor: first } = await availableHostAndVisitor(stack, pages, "line", ADA);
    await first.panel.getByRole("button", { name: "Audio call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(first.panel.getByText("Connected", { exact: true }));

    const second = await openVisitor(pages, stack.server.origin, room);
    await second.panel.getByRole("button", { name: "Audio call" }).click();
    await visible(second.panel.getByText("Position 1 in line"));
    await visible(second.panel.getByRole("button", { name: "Cancel" }));
    // The dashboard lists the waiting caller, who cannot be taken mid-call.
    await visible(host.page.getByText("Position 1 in line"));
    assert.equal(await host.page.getByRole("button", { name: "Accept" }).isDisabled(), true);

    await first.panel.getByRole("button", { name: "Hang up" }).click();
    await visible(first.panel.getByText("Call ended"));
    await visible(second.panel.getByText("Calling…"));
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(second.panel.getByText("Connected", { exact: true }));
    await visible(host.page.getByText("Connected", { exact: true }));
    await second.panel.getByRole("button", { name: "Hang up" }).click();
    await visible(host.page.getByText("Call ended"));
  }));

test("two hosts: the call rings at both, the first to accept gets it, the other sees who answered", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("team");
    const ada = await openHost(pages, stack.server.origin, room, ADA);
    const grace = await openHost(pages, stack.server.origin, room, GRACE);
    await setAvailable(ada.page, true);
    await setAvailable(grace.page, true);
    await visible(ada.page.getByText(/Grace \(available\)/));

    const visitor = await openVisitor(pages, stack.server.origin, room);
    await visible(visitor.panel.getByText("Available", { exact: true }));
    await visitor.panel.getByRole("button", { name: "Video call" }).click();
    await visible(ada.page.getByRole("button", { name: "Accept" }));
    await visible(grace.page.getByRole("button", { name: "Accept" }));

    await grace.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText("Connected", { exact: true }));
    await visible(grace.page.getByText("Connected", { exact: true }));
    await visible(ada.page.getByText("Answered by Grace"));
    await hidden(ada.page.getByRole("button", { name: "Accept" }));
    await visible(ada.page.getByText(/Grace \(in a call\)/));
    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
  }));

test("a host whose socket dies silently is shown away within 10 s, and its ringing caller is told", async () => {
  const room = uniqueRoom("dead-host");
  const ws = roomSocketUrl(stack.server.origin, room);
  const host = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, ADA), { answerPings: false });
  const caller = await RawSocket.open(ws);
  try {
    host.send(JSON.stringify({ type: "available", available: true }));
    await caller.next("available", (f) => f.type === "presence" && f.available === true);
    caller.send(JSON.stringify({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } }));
    await caller.next("ringing", (f) => f.type === "ringing");
    const wentSilent = Date.now();
    const away = await caller.next("away", (f) => f.type === "presence" && f.available === false);
    const took = Date.now() - wentSilent;
    assert.equal(away.available, false);
    assert.ok(took <= 10_000, `shown away after ${took} ms`);
    const told = caller.frames.find((f) => f.type === "ended");
    assert.equal(told?.reason, "unavailable", "the ringing caller is told");
  } finally {
    host.close();
    caller.close();
  }
});

test("a caller whose socket drops gets its place in line back with its resume token; a forged one does not", async () => {
  const room = uniqueRoom("resume");
  const ws = roomSocketUrl(stack.server.origin, room);
  const host = await RawSocket.open(await hostSocketUrl(stack.server.origin, room, ADA));
  const sockets = [host];
  try {
    host.send(JSON.stringify({ type: "available", available: true }));
    const first = await RawSocket.open(ws);
    const second = await RawSocket.open(ws);
    sockets.push(first, second);
    await second.next("available", (f) => f.type === "presence" && f.available === true);
    first.send(JSON.stringify({ type: "call", media: "audio", capabilities: { webrtc: true, audio: true, video: true } }));
    await first.next("ringing", (f) => f.type === "ringing");
    second.send(JSON.stringify({ type: "call", media: "video", capabilities: { webrtc: true, audio: true, video: true } }));
    const queued = await second.next("queued", (f) => f.type === "queued");
    assert.equal(queued.position, 1);
    const resumeToken = String(second.frames.find((f) => f.type === "welcome")?.resumeToken);

    second.close();
    await host.next("reconnecting on the dashboard", (f) => f.type === "queue" && (f.calls as { state: string }[]).some((c) => c.state === "reconnecting"));
    const back = await RawSocket.open(`${ws}?resume=${encodeURIComponent(resumeToken)}`);
    sockets.push(back);
    const again = await back.next("queued again", (f) => f.type === "queued");
    assert.deepEqual(again, { type: "queued", callId: queued.callId, media: "video", position: 1 });

    const [id, expiry, sig] = resumeToken.split(".");
    const forged = await RawSocket.open(`${ws}?resume=${encodeURIComponent(`${id}.${expiry}.${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`)}`);
    sockets.push(forged);
    const welcome = await forged.next("welcome", (f) => f.type === "welcome");
    assert.notEqual(welcome.resumeToken?.toString().split(".")[0], id, "a forged token gets a new identity");
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!forged.frames.some((f) => f.type === "queued" || f.type === "ringing"));
  } finally {
    sockets.forEach((s) => s.close());
  }
});
