/// <reference types="mocha" />
// <contact-me> as a visitor meets it, without a room to talk to: the view's
// own behaviour (opening, modes, keyboard, presence while connecting).
import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../widget/index.ts";
import type { ContactMe } from "../../widget/contact-me/contact-me.ts";
import { define } from "../../widget/define.ts";
import { deep, deepAll } from "./deep.ts";

// A port nothing listens on: the socket keeps retrying, presence stays unknown.
const NOWHERE = "127.0.0.1:9";

const $ = deep;
const $$ = deepAll;
const byText = (el: Element, text: string) =>
  $$(el, "button").find((b) => b.textContent?.trim() === text) as HTMLButtonElement | undefined;

describe("<contact-me>", () => {
  it("shows only the Contact me button until opened", async () => {
    const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE}></contact-me>`);
    expect(byText(el, "Contact me")).to.exist;
    expect($(el, '[role="dialog"]')).to.equal(null);
    expect(el.shadowRoot!.mode).to.equal("open");
  });

  it("opens a dialog named Contact with the three actions; calls wait for presence", async () => {
    const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE}></contact-me>`);
    byText(el, "Contact me")!.click();
    await el.updateComplete;
    const dialog = $(el, '[role="dialog"]')!;
    expect(dialog.getAttribute("aria-label")).to.equal("Contact");
    expect($(el, '[part="presence"]')!.textContent).to.equal("Connecting…");
    expect(byText(el, "Send a message")!.disabled).to.equal(false);
    expect(byText(el, "Audio call")!.disabled).to.equal(true);
    // Video is offered once enumerateDevices has found a camera (the fake one).
    await waitUntil(() => byText(el, "Video call"), "no Video call button", { timeout: 5000 });
    expect(byText(el, "Video call")!.disabled).to.equal(true);
  });

  it("offers no video call when the visitor has no camera", async () => {
    const devices = navigator.mediaDevices;
    const original = devices.enumerateDevices;
    devices.enumerateDevices = async () => (await original.call(devices)).filter((d) => d.kind !== "videoinput");
    try {
      const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE}></contact-me>`);
      byText(el, "Contact me")!.click();
      await el.updateComplete;
      await new Promise((r) => setTimeout(r, 200));
      await el.updateComplete;
      expect(byText(el, "Audio call")).to.exist;
      expect(byText(el, "Video call")).to.equal(undefined);
    } finally {
      devices.enumerateDevices = original;
    }
  });

  it("keeps Audio call where it is when the camera is found (Video call waits, disabled, below it)", async () => {
    const devices = navigator.mediaDevices;
    const original = devices.enumerateDevices;
    let release!: () => void;
    const listed = new Promise<void>((resolve) => (release = resolve));
    let found: Promise<MediaDeviceInfo[]> | undefined;
    devices.enumerateDevices = () => (found = listed.then(() => original.call(devices)));
    try {
      const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE}></contact-me>`);
      byText(el, "Contact me")!.click();
      await el.updateComplete;
      const before = byText(el, "Audio call")!.getBoundingClientRect();
      expect(byText(el, "Video call"), "Video call is there while the devices are listed").to.exist;
      expect(byText(el, "Video call")!.disabled).to.equal(true);
      release();
      await waitUntil(() => found, "enumerateDevices was not called");
      expect((await found!).some((d) => d.kind === "videoinput"), "the fake camera is listed").to.equal(true);
      await new Promise((r) => requestAnimationFrame(r));
      await el.updateComplete;
      // The panel grows upwards from its launcher: a row added under Audio call would move it up.
      const after = byText(el, "Audio call")!.getBoundingClientRect();
      expect({ top: after.top, left: after.left }).to.deep.equal({ top: before.top, left: before.left });
      expect(byText(el, "Video call")).to.exist;
    } finally {
      devices.enumerateDevices = original;
    }
  });

  it("offers only the modes asked for", async () => {
    const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE} modes="text audio"></contact-me>`);
    byText(el, "Contact me")!.click();
    await el.updateComplete;
    expect(byText(el, "Audio call")).to.exist;
    expect(byText(el, "Video call")).to.equal(undefined);
  });

  it("closes on Escape and returns focus to the button", async () => {
    const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE}></contact-me>`);
    const launcher = byText(el, "Contact me")!;
    launcher.click();
    await el.updateComplete;
    expect(launcher.getAttribute("aria-expanded")).to.equal("true");
    byText(el, "Send a message")!.focus();
    byText(el, "Send a message")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }));
    await el.updateComplete;
    expect($(el, '[role="dialog"]')).to.equal(null);
    await waitUntil(() => el.shadowRoot!.activeElement === launcher, "focus did not return to the button");
  });

  it("shows a sent message in the panel at once, marked Sending…", async () => {
    const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE}></contact-me>`);
    byText(el, "Contact me")!.click();
    await el.updateComplete;
    byText(el, "Send a message")!.click();
    await el.updateComplete;
    ($(el, "textarea") as HTMLTextAreaElement).value = "Hello there";
    byText(el, "Send")!.click();
    await el.updateComplete;
    const item = $(el, '[part~="message"]')!;
    expect(item.textContent).to.contain("Hello there");
    expect(item.textContent).to.contain("Sending");
  });

  it("shows the host's name, initials and tagline from its attributes; the heading is Contact without a name", async () => {
    const el = await fixture<ContactMe>(
      html`<contact-me host=${NOWHERE} host-name="Ada Lovelace" host-tagline="Usually replies within a day"></contact-me>`,
    );
    byText(el, "Contact me")!.click();
    await el.updateComplete;
    expect(el.hostName).to.equal("Ada Lovelace");
    expect($(el, "h2")!.textContent).to.equal("Ada Lovelace");
    expect($(el, '[part="tagline"]')!.textContent).to.equal("Usually replies within a day");
    const initials = $(el, '[part~="avatar"]')!;
    expect(initials.textContent).to.equal("AL");
    expect(initials.getAttribute("aria-hidden")).to.equal("true");
    // The dialog keeps its name: the heading says who.
    expect($(el, '[role="dialog"]')!.getAttribute("aria-label")).to.equal("Contact");
    el.hostName = "";
    await el.updateComplete;
    expect(el.getAttribute("host-name")).to.equal("");
    expect($(el, "h2")!.textContent).to.equal("Contact");
    expect($(el, '[part~="avatar"]')).to.equal(null);
  });

  it("reflects position and tolerates being defined twice", async () => {
    const el = await fixture<ContactMe>(html`<contact-me host=${NOWHERE} position="inline"></contact-me>`);
    expect(el.getAttribute("position")).to.equal("inline");
    expect(getComputedStyle(el).position).to.equal("static");
    expect(() => define("contact-me", class extends HTMLElement {})).not.to.throw();
    expect(customElements.get("contact-me")).to.equal(el.constructor);
  });
});

describe("storage fallback", () => {
  it("keeps values in memory when localStorage is denied", async () => {
    const { local } = await import("../../widget/room/storage.ts");
    const real = Object.getOwnPropertyDescriptor(window, "localStorage")!;
    Object.defineProperty(window, "localStorage", {
      configurable: true,
      get() {
        throw new DOMException("denied", "SecurityError");
      },
    });
    try {
      local.set("contact-me:test", "kept");
      expect(local.get("contact-me:test")).to.equal("kept");
      local.remove("contact-me:test");
      expect(local.get("contact-me:test")).to.equal(null);
    } finally {
      Object.defineProperty(window, "localStorage", real);
    }
  });
});
