// The widget must import and render where there is no browser (Gatsby/Next
// builds in Node): no window, document, navigator or storage at import time
// or in constructors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

describe("the widget in Node (no DOM)", () => {
  it("imports (twice) and constructs both elements", async () => {
    assert.equal(typeof (globalThis as { window?: unknown }).window, "undefined");
    const mod = await import("../../widget/index.ts");
    await import("../../widget/index.ts"); // twice is fine
    assert.equal(typeof mod.ContactMe, "function");
    const visitor = new mod.ContactMe();
    const host = new mod.ContactMeHost();
    assert.equal(visitor.room, "default");
    assert.equal(visitor.modes, "text audio video");
    assert.equal(host.party, "main");
  });
});

describe("server-side rendering with @lit-labs/ssr", () => {
  it("renders <contact-me> to markup holding the Contact me button", async () => {
    await import("../../widget/index.ts");
    const { render } = await import("@lit-labs/ssr");
    const { collectResult } = await import("@lit-labs/ssr/lib/render-result.js");
    const { html } = await import("lit");
    const markup = await collectResult(render(html`<contact-me room="ssr" position="bottom-left"></contact-me>`));
    assert.match(markup, /<contact-me[^>]*position="bottom-left"/);
    assert.match(markup, /<template shadowroot(mode)?="open"/);
    assert.match(markup, /<button[^>]*part="launcher"[^>]*>[\s\S]*Contact me[\s\S]*<\/button>/);
    assert.doesNotMatch(markup, /role="dialog"/, "the panel is not rendered closed");
  });

  it("renders <contact-me-host> to markup holding its sign-in form", async () => {
    await import("../../widget/index.ts");
    const { render } = await import("@lit-labs/ssr");
    const { collectResult } = await import("@lit-labs/ssr/lib/render-result.js");
    const { html } = await import("lit");
    const markup = await collectResult(render(html`<contact-me-host room="ssr"></contact-me-host>`));
    assert.match(markup, /<form[^>]*part="sign-in"/);
    assert.match(markup, /Host key/);
    assert.doesNotMatch(markup, /<contact-me-call/, "no call view before sign-in");
  });

  it("renders the overridden launcher text from the strings attribute", async () => {
    await import("../../widget/index.ts");
    const { render } = await import("@lit-labs/ssr");
    const { collectResult } = await import("@lit-labs/ssr/lib/render-result.js");
    const { html } = await import("lit");
    const markup = await collectResult(render(html`<contact-me strings='{"launcher":"Écrivez-moi"}'></contact-me>`));
    assert.match(markup, /Écrivez-moi/);
    assert.doesNotMatch(markup, /Contact me/);
  });
});
