/// <reference types="node" />
/**
 * The visitor's presence indicator follows the host's availability switch
 * live; while away, a room that names no host says "The host is away".
 */
import { test } from "node:test";
import { eventually, hidden, openHost, openVisitor, setAvailable, uniqueRoom, visible } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack();

test("presence goes from Away to Available and back as the host toggles", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("presence");
    const visitor = await openVisitor(pages, stack.server.origin, room);
    const away = visitor.panel.getByText("Away", { exact: true });
    const available = visitor.panel.getByText("Available", { exact: true });
    const videoCall = visitor.panel.getByRole("button", { name: "Video call" });
    await visible(away);
    await eventually("Video call disabled while away", () => videoCall.isDisabled(), (d) => d);
    const said = visitor.panel.locator('[part="away"]');
    await visible(said.getByText("The host is away", { exact: true }));

    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    await setAvailable(host.page, true);
    await visible(available);
    await hidden(away);
    await hidden(said);
    await eventually("Video call enabled while available", () => videoCall.isEnabled(), (e) => e);

    await setAvailable(host.page, false);
    await visible(away);
    await hidden(available);
    await visible(said);
    await eventually("Audio call disabled again", () => visitor.panel.getByRole("button", { name: "Audio call" }).isDisabled(), (d) => d);
  }));
