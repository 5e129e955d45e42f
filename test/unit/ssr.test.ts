// The widget must import and render where there is no browser (Gatsby/Next
// builds in Node): no window, document, navigator or storage at import time
// or in constructors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

describe("the widget in Node (no DOM)", () => {
  it("imports, registers nothing, and constructs both elements", async () => {
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
