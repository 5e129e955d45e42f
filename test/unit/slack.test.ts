import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dashboardUrl } from "../../protocol/push.ts";
import { slackFileOrigin } from "../../party/core/slack-bridge.ts";
import { escapeSlackText, signSlackRequest, slackText, verifySlackSignature, webhookPayload } from "../../party/core/slack.ts";

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

  it("quotes later thread messages plainly and names the host on dashboard replies", () => {
    assert.equal(slackText({ from: "visitor", text: "again <b>" }, false), "> again &lt;b&gt;");
    assert.equal(slackText({ from: "host", text: "hi", name: "Ada" }), "*Ada* replied from the dashboard:\n> hi");
    assert.match(slackText({ from: "visitor", text: "x", email: "a@b.example" }), /\(a@b\.example\)/);
  });

  it("says 'A visitor' when no name was given", () => {
    assert.match(webhookPayload({ text: "hello" }).text, /^A visitor wrote:\n> hello$/);
  });
});

describe("Slack and files", () => {
  it("webhook mode links a message with files to its conversation in the dashboard", () => {
    const conversationUrl = dashboardUrl("https://owner.example/host.html?room=default", { conversation: "c-1" });
    assert.equal(conversationUrl, "https://owner.example/host.html?room=default&conversation=c-1");
    const files = [{ id: "f", type: "image/png", name: "a.png", size: 3 }];
    assert.equal(
      slackText({ from: "visitor", text: "Look\n📎 a.png (3 B)", files, conversationUrl }),
      "A visitor wrote:\n> Look\n> 📎 a.png (3 B)\n<https://owner.example/host.html?room=default&conversation=c-1|Open the conversation in the dashboard> to see the file",
    );
    assert.doesNotMatch(slackText({ from: "visitor", text: "No files", conversationUrl }), /dashboard/);
  });

  it("fetches shared files only from Slack's file host, or from the stand-in that serves the configured Web API", () => {
    assert.equal(slackFileOrigin("https://slack.com/api"), "https://files.slack.com");
    assert.equal(slackFileOrigin("http://127.0.0.1:4567/api"), "http://127.0.0.1:4567");
  });
});

describe("Slack call notices", () => {
  const call = (state: string, extra = {}) => ({ callId: "c1", media: "video" as const, state: state as "ringing", ...extra });
  const from = { from: "visitor" as const, text: "(plain)", name: "Ada <@U1>", email: "ada@example.com", page: "https://example.com/?a=1&b=<2>" };

  it("says who calls, from where, with the dashboard link, every visitor part escaped", () => {
    assert.equal(
      slackText({ ...from, call: call("ringing"), dashboardUrl: "https://example.com/host.html?room=a|b" }),
      "📞 Video call from *Ada &lt;@U1&gt;* (ada@example.com) on https://example.com/?a=1&amp;b=&lt;2&gt; — Answer: <https://example.com/host.html?room=a%7Cb|open the dashboard>",
    );
    assert.equal(slackText({ from: "visitor", text: "", call: call("ringing") }), "📞 Video call from a visitor");
  });

  it("says how the call went on: answered by whom and how long, missed, declined, cancelled, failed", () => {
    const head = "📞 Video call from *Ada &lt;@U1&gt;* (ada@example.com) on https://example.com/?a=1&amp;b=&lt;2&gt;";
    assert.equal(slackText({ ...from, call: call("in-call", { by: "Grace" }) }), `${head} — answered by *Grace*`);
    assert.equal(slackText({ ...from, call: call("answered", { by: "Grace", durationS: 192 }) }), `${head} — answered by *Grace*, 3:12`);
    assert.equal(slackText({ ...from, call: call("missed") }), "📞 Missed video call from *Ada &lt;@U1&gt;* (ada@example.com) on https://example.com/?a=1&amp;b=&lt;2&gt;");
    assert.equal(slackText({ ...from, call: call("declined") }), `${head} — declined`);
    assert.equal(slackText({ ...from, call: call("cancelled") }), `${head} — cancelled by the caller`);
    assert.equal(slackText({ ...from, call: call("failed", { by: "Grace" }) }), `${head} — answered by *Grace*, could not connect`);
  });
});

describe("Slack request signatures", () => {
  const secret = "8f742231b10e8888abcd99yyyzzz85a5";
  // The body of Slack's worked example.
  const body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar" +
    "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

  it("accepts Slack's documented example signature", async () => {
    // The worked example from https://api.slack.com/authentication/verifying-requests-from-slack
    const ts = "1531420618";
    const sig = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    assert.deepEqual(await verifySlackSignature(secret, ts, sig, body, 1531420618 * 1000), { ok: true });
    assert.equal(await signSlackRequest(secret, ts, body), sig);
  });

  it("refuses a wrong secret, a changed body, a stale or future timestamp, and junk headers", async () => {
    const now = Date.now();
    const ts = String(Math.floor(now / 1000));
    const sig = await signSlackRequest(secret, ts, body);
    assert.deepEqual(await verifySlackSignature(secret, ts, sig, body, now), { ok: true });
    assert.equal((await verifySlackSignature("other", ts, sig, body, now)).ok, false);
    assert.equal((await verifySlackSignature(secret, ts, sig, `${body}&x=1`, now)).ok, false);
    assert.deepEqual(await verifySlackSignature(secret, ts, sig, body, now + 301_000), { ok: false, reason: "stale timestamp" });
    assert.deepEqual(await verifySlackSignature(secret, ts, sig, body, now - 301_000), { ok: false, reason: "stale timestamp" });
    for (const [t, s] of [[null, sig], [ts, null], ["abc", sig], [ts, "v1=00"], [ts, "v0=zz"], [ts, sig.slice(0, -2)]] as const) {
      assert.equal((await verifySlackSignature(secret, t, s, body, now)).ok, false, `${t} ${s}`);
    }
  });
});
