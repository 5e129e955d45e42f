import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeSlackText, webhookPayload } from "../../party/slack.ts";

describe("Slack formatting", () => {
  it("escapes &, < and > so visitors cannot mention or link", () => {
    assert.equal(escapeSlackText("<!channel> & <@U123> <http://x|y>"), "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;http://x|y&gt;");
  });

  it("builds a webhook payload with the message, the name and the page", () => {
    const { text } = webhookPayload({ text: "Hi\nsecond line", name: "Ann <!here>", page: "https://site.example/about" });
    assert.match(text, /Ann &lt;!here&gt;/);
    assert.match(text, /https:\/\/site\.example\/about/);
    assert.match(text, /> Hi\n> second line/);
    assert.ok(!text.includes("<!here>"));
  });

  it("says 'A visitor' when no name was given", () => {
    assert.match(webhookPayload({ text: "hello" }).text, /^A visitor wrote:\n> hello$/);
  });
});
