/// <reference types="mocha" />
// <contact-me-recorder> recording a video message with the fake camera: the
// camera's live picture while it records.
import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../widget/files/recorder.ts";
import type { ContactMeRecorder } from "../../widget/files/recorder.ts";

describe("<contact-me-recorder>", () => {
  it("shows the camera's picture while recording, its stream set once however often the running time renders", async () => {
    const el = await fixture<ContactMeRecorder>(html`<contact-me-recorder media="video" max-seconds="30"></contact-me-recorder>`);
    const camera = () => el.shadowRoot!.querySelector<HTMLVideoElement>('[part="recorder-camera"]');
    await waitUntil(() => camera()?.srcObject, "no camera while recording", { timeout: 10000 });
    const video = camera()!;
    // Every srcObject assignment restarts the element's load, each with a `loadstart` (the first
    // one's may come before or after this listener).
    let loads = 0;
    video.addEventListener("loadstart", () => loads++);
    // The running time renders once a frame; the picture must come through all the same.
    await waitUntil(() => video.videoWidth > 0, "the camera's picture never showed", { timeout: 5000 });
    const time = () => el.shadowRoot!.querySelector('[part="recorder-time"]')?.textContent ?? "";
    await waitUntil(() => /^0:0[1-9] \//.test(time()), `the running time stays at ${time()}`, { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(loads, "camera loads while recording").to.be.at.most(1);
    expect(camera(), "the same <video> throughout").to.equal(video);
    expect(video.paused, "the camera plays").to.equal(false);
    el.remove();
  });
});
