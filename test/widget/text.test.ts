/// <reference types="node" />
/**
 * A visitor's text message reaches the panel, the Slack webhook and the
 * signed-in host dashboard.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { WAIT_MS, openHost, openVisitor, uniqueRoom, visible } from "../support/browser.ts";
import { useStack } from "../support/stack.ts";

const stack = useStack({ slack: true });

test("a text message shows in the panel, on Slack and live on the dashboard", () =>
  stack.run(async (pages) => {
    const room = uniqueRoom("text");
    const host = await openHost(pages, stack.server.origin, room, stack.hostKey);
    const visitor = await openVisitor(pages, stack.server.origin, room);

    const message = `Hello from the test ${randomUUID().slice(0, 8)}`;
    const name = "Ada Lovelace";
    await visitor.panel.getByRole("button", { name: "Send a message" }).click({ timeout: WAIT_MS });
    await visitor.panel.getByRole("textbox", { name: "Your name" }).fill(name, { timeout: WAIT_MS });
    await visitor.panel.getByRole("textbox", { name: "Message" }).fill(message, { timeout: WAIT_MS });
    await visitor.panel.getByRole("button", { name: "Send", exact: true }).click({ timeout: WAIT_MS });

    await visible(visitor.panel.getByText(message));
    await visible(host.page.getByText(message));

    const post = await stack.slack.waitForRequest((r) => r.body.includes(message), WAIT_MS);
    assert.match(String(post.headers["content-type"]), /^application\/json/);
    const text = (post.json as { text?: unknown } | undefined)?.text;
    assert.equal(typeof text, "string", `Slack payload has a text field: ${post.body}`);
    assert.ok((text as string).includes(message), `Slack text has the message: ${text}`);
    assert.ok((text as string).includes(name), `Slack text has the visitor's name: ${text}`);
    assert.ok((text as string).includes(`/?room=${room}`), `Slack text has the page URL: ${text}`);
  }));
