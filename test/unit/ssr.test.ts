// The widget must import and render where there is no browser (Gatsby/Next
// builds in Node): no window, document, navigator or storage at import time
// or in constructors. Every npm entry, the React components included.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

describe("the widget in Node (no DOM)", () => {
  it("imports every entry (twice) and constructs both elements", async () => {
    assert.equal(typeof (globalThis as { window?: unknown }).window, "undefined");
    const mod = await import("../../widget/index.ts");
    await import("../../widget/index.ts"); // twice is fine
    const hostMod = await import("../../widget/host.ts");
    await import("../../widget/call.ts");
    await import("../../widget/react.ts");
    await import("../../widget/react-host.ts");
    assert.equal(typeof mod.ContactMe, "function");
    const visitor = new mod.ContactMe();
    const host = new hostMod.ContactMeHost();
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
    await import("../../widget/host.ts");
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

describe("server-side rendering of the React components with react-dom/server", () => {
  it("renders <ContactMe> to the <contact-me> tag with its attributes, and no handler or object as an attribute", async () => {
    const { createElement } = await import("react");
    const { renderToString } = await import("react-dom/server");
    const { ContactMe } = await import("../../widget/react.ts");
    const markup = renderToString(
      createElement(ContactMe, {
        room: "ssr",
        host: "rooms.example",
        position: "bottom-left",
        hostName: "Ada",
        strings: { launcher: "Écrivez-moi" },
        onContactMeMessageSent: (e) => e.detail.text,
      }),
    );
    assert.match(markup, /^<contact-me\b/);
    assert.match(markup, /room="ssr"/);
    assert.match(markup, /host="rooms.example"/);
    assert.match(markup, /position="bottom-left"/);
    assert.match(markup, /host-name="Ada"/);
    assert.doesNotMatch(markup, /onContactMe|\[object Object\]/, "an event handler or the strings object became an attribute");
  });

  it("renders <ContactMeHost> to the <contact-me-host> tag", async () => {
    const { createElement } = await import("react");
    const { renderToString } = await import("react-dom/server");
    const { ContactMeHost } = await import("../../widget/react-host.ts");
    const markup = renderToString(createElement(ContactMeHost, { room: "ssr", onContactMeHostRing: (e) => e.detail.callId }));
    assert.match(markup, /^<contact-me-host\b[^>]*room="ssr"/);
  });
});
