/// <reference types="mocha" />
// <contact-me> dropped into any page: loaded twice (script tag and npm
// package), with its strings overridden, firing typed events.
import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../widget/index.ts";
import type { ContactMe } from "../../widget/contact-me/contact-me.ts";
import { deep, deepAll } from "./deep.ts";

// A port nothing listens on: the socket keeps retrying, presence stays unknown.
const NOWHERE = "127.0.0.1:9";

const $$ = deepAll;
const byText = (el: Element, text: string) =>
  $$(el, "button").find((b) => b.textContent?.trim() === text) as HTMLButtonElement | undefined;

/** Import a module by URL (built files, outside the TypeScript graph). */
const load = (url: string): Promise<unknown> => import(/* @vite-ignore */ url);

describe("<contact-me> on any page", () => {
  it("loading the script tag twice and the npm package next to it does not throw", async () => {
    const first = customElements.get("contact-me");
    expect(first).to.exist;
    await load("/dist/contact-me.js");
    await load("/dist/contact-me.js?twice");
    await load("/dist/lib/widget/index.js");
    await load("/dist/lib/widget/host.js");
    await load("/dist/contact-me-host.js");
    expect(customElements.get("contact-me")).to.equal(first);
    const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE}></contact-me>`);
    expect(byText(el, "Contact me")).to.exist;
  });

  it("shows strings from the strings property", async () => {
    const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE} .strings=${{ launcher: "Talk to us", sendMessage: "Write" }}></contact-me>`);
    expect(byText(el, "Talk to us")).to.exist;
    byText(el, "Talk to us")!.click();
    await el.updateComplete;
    expect(byText(el, "Write")).to.exist;
    expect(byText(el, "Audio call")).to.exist; // not overridden: the default
  });

  it("shows strings from the strings attribute (JSON), and ignores one that is not JSON", async () => {
    const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE} strings='{"launcher":"Écrivez-moi","title":"Contact"}'></contact-me>`);
    expect(byText(el, "Écrivez-moi")).to.exist;
    const bad = await fixture<ContactMe>(html`<contact-me host=${NOWHERE} strings="nope"></contact-me>`);
    expect(byText(bad, "Contact me")).to.exist;
  });

  it("loads the panel on first open and fires contact-me-open / -close with the room", async () => {
    const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE} room="events"></contact-me>`);
    expect(deep(el, '[role="dialog"]')).to.equal(null);
    const opened = oneEvent(el, "contact-me-open");
    byText(el, "Contact me")!.click();
    const open = await opened;
    expect(open.detail).to.deep.equal({ room: "events" });
    expect(open.bubbles && open.composed).to.equal(true);
    await waitUntil(() => deep(el, '[role="dialog"]'), "no dialog");
    const closed = oneEvent(document, "contact-me-close");
    byText(el, "Contact me")!.click();
    expect((await closed).detail.room).to.equal("events");
  });
});
