/// <reference types="node" />
/**
 * A host who accepts a call whose visitor can no longer connect is told so
 * within seconds, not left on "Connecting…" (Chromium): the visitor's page
 * closes right after the host accepts; or the visitor's browser never
 * answers (its `setRemoteDescription` never settles), and the call gives up
 * after `CONNECT_TIMEOUT_MS`. A visitor whose socket only blips at that moment
 * keeps the call.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CONNECT_TIMEOUT_MS } from "../../widget/call/call-controller.ts";
import { UNSIGNALED_GRACE_S } from "../../protocol/socket.ts";
import { WAIT_MS, openHost, setAvailable, signIn, uniqueRoom, visible, type Pages } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const stack = useStack();
const COULD_NOT_CONNECT = "The visitor could not connect.";

/**
 * An available host, and a visitor page with `script` run before the widget
 * loads, in an audio call the host has just accepted (`accepted`: when, ms).
 */
async function acceptedCall(pages: Pages, prefix: string, script: string, hostScript?: string) {
  const room = uniqueRoom(prefix);
  const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
  if (hostScript) {
    await host.page.addInitScript(hostScript);
    await host.page.reload();
    const key = host.page.getByRole("textbox", { name: "Host key" });
    if (await key.isVisible({ timeout: 2_000 }).catch(() => false)) await signIn(host.page, stack.hostKey);
  }
  await setAvailable(host.page, true);
  const visitor = await pages.open("about:blank");
  await visitor.page.addInitScript(script);
  await visitor.page.goto(`${stack.server.origin}/?room=${encodeURIComponent(room)}`);
  await visitor.page.getByRole("button", { name: "Contact me" }).click({ timeout: WAIT_MS });
  const panel = visitor.page.getByRole("dialog", { name: "Contact" });
  await visible(panel.getByText("Available", { exact: true }));
  await panel.getByRole("button", { name: "Audio call" }).click({ timeout: WAIT_MS });
  await host.page.getByRole("button", { name: "Accept" }).click({ timeout: WAIT_MS });
  return { host, visitor, panel, accepted: Date.now() };
}

test("the visitor's page closes right after the host accepts: the dashboard says the visitor could not connect within seconds", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "gone-closed");
    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await visible(visitor.panel.getByText("Calling…"));
    // From now on the visitor's browser sends no offer, answer or ICE candidate: it cannot connect.
    await visitor.page.evaluate(() => {
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (this: WebSocket, data) {
        if (typeof data === "string" && data.includes('"type":"signal"')) return;
        send.call(this, data);
      };
    });
    await host.page.getByRole("button", { name: "Accept" }).click({ timeout: WAIT_MS });
    // The room took the accept (the host connects) before the visitor's page goes.
    await visible(host.page.getByText("Connecting…"));
    await visitor.page.close();
    const closed = Date.now();
    await host.page.getByText(COULD_NOT_CONNECT).waitFor({ state: "visible", timeout: 15_000 });
    const waited = Date.now() - closed;
    assert.ok(waited < 10_000, `told after ${waited} ms`);
    assert.equal(await host.page.getByText("Connecting…").count(), 0);
  }));

test("a visitor whose browser never answers: the dashboard gives up connecting within CONNECT_TIMEOUT_MS and says the visitor could not connect", () =>
  stack.run(async (pages) => {
    // The offer is taken, and nothing comes of it: no answer, no ICE.
    const { host, panel, accepted } = await acceptedCall(pages, "gone-silent", "RTCPeerConnection.prototype.setRemoteDescription = () => new Promise(() => {});");
    await visible(host.page.getByText("Connecting…"));
    await host.page.getByText(COULD_NOT_CONNECT).waitFor({ state: "visible", timeout: CONNECT_TIMEOUT_MS + 10_000 });
    const waited = Date.now() - accepted;
    assert.ok(waited >= CONNECT_TIMEOUT_MS - 2_000 && waited < CONNECT_TIMEOUT_MS + 5_000, `told after ${waited} ms`);
    await visible(panel.getByText("The host could not connect."));
  }));

/**
 * In-page, before the widget loads: the first room socket to receive an
 * `accepted` is closed at once, as a network drop would (the widget still
 * handles that frame; its answer waits in partysocket's queue).
 */
const DROP_ON_ACCEPTED = `
  (() => {
    const Native = window.WebSocket;
    window.__dropped = 0;
    window.WebSocket = class extends Native {
      constructor(url, protocols) {
        super(url, protocols);
        if (!String(url).includes("/parties/")) return;
        this.addEventListener("message", (e) => {
          if (window.__dropped === 0 && typeof e.data === "string" && e.data.includes('"type":"accepted"')) {
            window.__dropped++;
            this.close(3000, "network lost");
          }
        });
      }
    };
  })();
`;

test("the visitor's socket drops as the host's accept arrives, before its answer: it comes back within UNSIGNALED_GRACE_S and the call connects", () =>
  stack.run(async (pages) => {
    const { host, visitor, panel, accepted } = await acceptedCall(pages, "gone-blip", DROP_ON_ACCEPTED);
    await visible(panel.getByText("Connected", { exact: true }));
    await visible(host.page.getByText("Connected", { exact: true }));
    const waited = Date.now() - accepted;
    assert.equal(await visitor.page.evaluate(() => (window as unknown as { __dropped: number }).__dropped), 1, "the socket dropped once, on accepted");
    assert.equal(await host.page.getByText(COULD_NOT_CONNECT).count(), 0);
    assert.ok(waited < UNSIGNALED_GRACE_S * 1000 + 5_000, `connected ${waited} ms after Accept`);
    console.log(`# connected ${waited} ms after Accept, through a socket drop`);
  }));

test("the same drop when the dashboard's offer goes after accepted (no warm-up): its signals refused meanwhile, it starts over once the visitor is back, and the call connects", () =>
  stack.run(async (pages) => {
    // The browser reads the microphone as not yet allowed: no camera or offer is made while it rings.
    const NO_WARM_UP = `navigator.permissions.query = async () => ({ state: "prompt" });`;
    const { host, panel, accepted } = await acceptedCall(pages, "gone-blip-late", DROP_ON_ACCEPTED, NO_WARM_UP);
    await visible(panel.getByText("Connected", { exact: true }));
    await visible(host.page.getByText("Connected", { exact: true }));
    assert.match(host.frames.find((f) => f.includes(' > {"type":"accept"')) ?? "(no accept)", /^(?!.*"description")/, "accept carried no offer");
    assert.equal(await host.page.getByText(COULD_NOT_CONNECT).count(), 0);
    console.log(`# connected ${Date.now() - accepted} ms after Accept, through a socket drop, the offer sent after accepted`);
  }));
