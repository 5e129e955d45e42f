/// <reference types="node" />
/**
 * A video call between a visitor and the host: ringing, accepting, video both
 * ways, and hanging up from either side.
 */
import { test } from "node:test";
import { eventually, hidden, remoteVideoWidth, visible } from "../support/browser.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const CONNECTED = /\bConnected\b/;
const stack = useStack();

test("video call: both sides see each other; either side can hang up", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "video");

    const hostHangUp = host.page.getByRole("button", { name: "Hang up" });
    const visitorHangUp = visitor.panel.getByRole("button", { name: "Hang up" });

    /** Ring, accept, and wait until video flows both ways. */
    const connect = async (): Promise<void> => {
      await visitor.panel.getByRole("button", { name: "Video call" }).click();
      await visible(visitor.panel.getByText("Calling…"));
      await host.page.getByRole("button", { name: "Accept" }).click();
      await visible(visitor.panel.getByText(CONNECTED));
      await visible(host.page.getByText(CONNECTED));
      await visible(visitorHangUp);
      await visible(hostHangUp);
      await eventually("the host's video on the visitor side", () => remoteVideoWidth(visitor.page, "contact-me"), (w) => w > 0);
      await eventually("the visitor's video on the host side", () => remoteVideoWidth(host.page, "contact-me-host"), (w) => w > 0);
    };

    // First call: the visitor hangs up.
    await connect();
    await visitorHangUp.click();
    await visible(visitor.panel.getByText("Call ended"));
    await Promise.any([hidden(hostHangUp), visible(host.page.getByText("Call ended"))]).catch(() => {
      throw new Error("the host is still in the call after the visitor hung up (Hang up shown, no Call ended)");
    });

    // Second call: the host hangs up. The panel may ask to dismiss the ended call first.
    const done = visitor.panel.getByRole("button", { name: "Done", exact: true });
    if (await done.isVisible()) await done.click();
    await connect();
    await hostHangUp.click();
    await visible(visitor.panel.getByText("Call ended"));
    await hidden(visitorHangUp);
  }));
