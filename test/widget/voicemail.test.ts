/// <reference types="node" />
/**
 * Voice and video messages: a visitor whose call is not answered records one
 * with the fake microphone (the level meter moves, the recording stops by
 * itself at the room's `MAX_RECORDING_S`), sends it, and the dashboard plays
 * it — a real `MediaRecorder` WebM, uploaded to a real room, played by a real
 * `<audio>`/`<video>`. In Slack bot mode (the Slack stand-in) the voice
 * message goes into its conversation's thread with the recorded bytes. A
 * browser without `MediaRecorder` is not offered one; a refused microphone is
 * said in plain words.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Locator, Page } from "playwright-core";
import { clockRuns, eventually, hidden, setAvailable, visible, WAIT_MS } from "../support/browser.ts";
import { BOT_TOKEN, CHANNEL_ID } from "../support/slack.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

/** Seconds an unanswered call rings (the least the room allows is 5). */
const RING_TIMEOUT_S = 5;
/** The longest recording the room takes, seconds (the least it allows is 5). */
const MAX_RECORDING_S = 5;
const stack = useStack({
  slack: true,
  vars: (slack) => ({
    RING_TIMEOUT_S: String(RING_TIMEOUT_S),
    MAX_RECORDING_S: String(MAX_RECORDING_S),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_CHANNEL_ID: CHANNEL_ID,
    SLACK_SIGNING_SECRET: "signing-voicemail",
    SLACK_API_URL: slack!.apiUrl,
  }),
});
/** The default limit (120 s), for recordings stopped by hand however slow the machine. */
const roomy = useStack();

/** The `files` of the `text` frames the visitor's page sent. */
const filesSent = (frames: string[]) =>
  frames.filter((f) => f.includes(" > ") && f.includes('"type":"text"')).map((f) => /"files":\[([^\]]*)\]/.exec(f)?.[1]);

/** From now on, keep every stream `getUserMedia` gives the page (for {@link liveTracks}). */
function keepStreams(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { streams: MediaStream[] };
    w.streams = [];
    const media = navigator.mediaDevices;
    const original = media.getUserMedia.bind(media);
    media.getUserMedia = async (c?: MediaStreamConstraints) => {
      const stream = await original(c);
      w.streams.push(stream);
      return stream;
    };
  });
}

/** The kinds of the tracks `getUserMedia` gave since {@link keepStreams} that are still live. */
function liveTracks(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { streams: MediaStream[] }).streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === "live").map((t) => t.kind),
  );
}

/** A media element's `duration`, once finite and above 0 (a WebM from `MediaRecorder` starts as `Infinity`). */
function duration(media: Locator, what: string): Promise<number> {
  return eventually(`${what}: a finite duration > 0`, () => media.evaluate((el: HTMLMediaElement) => el.duration), (d) => Number.isFinite(d) && d > 0);
}

/** Play `media` from the start and wait until its `currentTime` has moved on. */
async function plays(media: Locator, what: string): Promise<number> {
  await media.evaluate((el: HTMLMediaElement) => {
    el.currentTime = 0;
    return el.play();
  });
  return eventually(`${what}: currentTime advances after play()`, () => media.evaluate((el: HTMLMediaElement) => el.currentTime), (t) => t > 0.2);
}

/** The dashboard's player of the recording in the visitor's conversation (`audio` or `video`), opening the conversation first. */
async function hostPlayer(page: Page, kind: "audio" | "video"): Promise<Locator> {
  const player = page.locator(`contact-me-host [part~="message-visitor"] ${kind}`).last();
  if (!(await player.isVisible())) {
    const item = page.locator('[part~="conversation-item"]').first();
    if (await item.isVisible()) await item.click();
  }
  await player.waitFor({ state: "attached", timeout: WAIT_MS });
  return player;
}

test("a voice message after No answer: the meter moves, it stops at MAX_RECORDING_S, the dashboard plays it, and Slack gets its bytes in the conversation's thread", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "voicemail");
    const panel = visitor.panel;
    await panel.getByRole("button", { name: "Audio call" }).click();
    await panel.getByText("No answer", { exact: true }).waitFor({ state: "visible", timeout: (RING_TIMEOUT_S + 15) * 1000 });

    await keepStreams(visitor.page);
    await panel.getByRole("button", { name: "Leave a voice message" }).click();
    const meter = panel.getByRole("meter", { name: "Microphone level" });
    await visible(meter);
    const started = Date.now();
    // The fake microphone beeps: the level rises above 0.
    const level = await eventually("the level meter above 0", () => meter.getAttribute("aria-valuenow").then(Number), (n) => n > 0);
    await visible(panel.getByText(`/ 0:0${MAX_RECORDING_S}`));

    // Nobody presses Stop: it stops by itself at the limit.
    const send = panel.getByRole("button", { name: "Send", exact: true });
    await send.waitFor({ state: "visible", timeout: (MAX_RECORDING_S + 10) * 1000 });
    const recordedMs = Date.now() - started;
    await visible(panel.getByText(`The recording stopped at the 0:0${MAX_RECORDING_S} limit.`));
    await hidden(meter);
    assert.ok(recordedMs >= (MAX_RECORDING_S - 1) * 1000, `stopped after ${recordedMs} ms, before the ${MAX_RECORDING_S} s limit`);
    // The preview plays back the whole recording.
    const preview = panel.locator('audio[part="recorder-preview"]');
    const previewS = await duration(preview, "the preview");
    assert.ok(previewS > MAX_RECORDING_S - 1.5 && previewS < MAX_RECORDING_S + 1.5, `preview lasts ${previewS} s`);
    // The microphone is released once recording stops.
    assert.deepEqual(await liveTracks(visitor.page), []);
    // The SHA-256 of what was recorded, read back from the preview's blob.
    const recordedSha = await preview.evaluate(async (el: HTMLAudioElement) => {
      const bytes = await (await fetch(el.src)).arrayBuffer();
      return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
    });

    await send.click();
    await hidden(send);
    // Back in the conversation, the message stored with its file.
    await visible(panel.locator('[part~="message-visitor"]').last());
    await eventually("the message stored", () => panel.locator('[part~="message-visitor"] [part~="message-state"]').last().innerText(), (t) => /Sent|Delivered|Seen/.test(t));
    const sent = filesSent(visitor.frames);
    assert.equal(sent.length, 1, `one text frame with a file: ${JSON.stringify(sent)}`);
    assert.match(sent[0] ?? "", /^"[0-9a-f-]{36}"$/);

    // The dashboard shows it with a player that knows its length and plays.
    const player = await hostPlayer(host.page, "audio");
    const hostS = await duration(player, "the dashboard's <audio>");
    assert.ok(hostS > MAX_RECORDING_S - 1.5 && hostS < MAX_RECORDING_S + 1.5, `the dashboard's recording lasts ${hostS} s`);
    const at = await plays(player, "the dashboard's <audio>");

    // Slack: the call's notice opened the conversation's thread; the recording joins that thread, byte for byte.
    const slack = stack.slack;
    const parent = await eventually("the conversation's thread in Slack", async () => slack.posts.find((p) => p.thread_ts === undefined), Boolean);
    const upload = await eventually("the recording completed in Slack", async () => slack.uploads.filter((u) => u.completed), (u) => u.length > 0);
    assert.equal(upload.length, 1, "one file in Slack");
    assert.equal(upload[0]!.sha256, recordedSha, "Slack holds the recorded bytes");
    assert.deepEqual([upload[0]!.completed!.channel_id, upload[0]!.completed!.thread_ts], [CHANNEL_ID, parent!.ts], "in the conversation's thread");
    console.log(`# voice message: meter ${level}, stopped after ${recordedMs} ms, preview ${previewS.toFixed(2)} s, dashboard ${hostS.toFixed(2)} s, played to ${at.toFixed(2)} s`);
  }));

test("a video message from the conversation: camera shown while recording, Stop, Send; the dashboard's <video> has a picture", () =>
  roomy.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(roomy, pages, "videomail");
    const panel = visitor.panel;
    await panel.getByRole("button", { name: "Send a message" }).click();
    await keepStreams(visitor.page);
    await panel.getByRole("button", { name: "Video message" }).click();
    const camera = panel.locator('video[part="recorder-camera"]');
    await visible(camera);
    await eventually("the live camera picture", () => camera.evaluate((v: HTMLVideoElement) => v.videoWidth), (w) => w > 0);
    await clockRuns(panel.locator('[part="recorder-time"]'), "the recorder's running time");
    await panel.getByRole("button", { name: "Stop" }).click();
    const preview = panel.locator('video[part="recorder-preview"]');
    const previewS = await duration(preview, "the preview");
    // Re-record throws it away and records afresh.
    await panel.getByRole("button", { name: "Re-record" }).click();
    await visible(camera);
    await clockRuns(panel.locator('[part="recorder-time"]'), "the recorder's running time");
    await panel.getByRole("button", { name: "Stop" }).click();
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await visible(panel.getByRole("textbox", { name: "Message" }));
    assert.equal(filesSent(visitor.frames).length, 1);
    // The camera and microphone are released.
    assert.deepEqual(await liveTracks(visitor.page), []);

    // Closing the panel while recording drops the recording and releases the microphone.
    await panel.getByRole("button", { name: "Voice message" }).click();
    await visible(panel.getByRole("meter", { name: "Microphone level" }));
    await panel.getByRole("button", { name: "Close" }).click();
    await hidden(panel);
    await eventually("no live track once the panel is closed", () => liveTracks(visitor.page), (kinds) => kinds.length === 0);

    const player = await hostPlayer(host.page, "video");
    const hostS = await duration(player, "the dashboard's <video>");
    const width = await eventually("the dashboard's <video> has a picture", () => player.evaluate((v: HTMLVideoElement) => v.videoWidth), (w) => w > 0);
    await plays(player, "the dashboard's <video>");
    console.log(`# video message: preview ${previewS.toFixed(2)} s, dashboard ${hostS.toFixed(2)} s, ${width} px wide`);
  }));

test("no recorded message is offered without MediaRecorder; a refused microphone is said in plain words", () =>
  stack.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(stack, pages, "voicemail-off");
    await setAvailable(host.page, false);
    const panel = visitor.panel;
    // While away, the menu offers a voice and a video message.
    await visible(panel.getByRole("button", { name: "Leave a voice message" }));
    await visible(panel.getByRole("button", { name: "Leave a video message" }));

    // Refused: said, and nothing recorded.
    await visitor.page.evaluate(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    });
    await panel.getByRole("button", { name: "Leave a voice message" }).click();
    await visible(panel.getByRole("alert").filter({ hasText: "The browser did not allow the microphone" }));
    await hidden(panel.getByRole("button", { name: "Send", exact: true }));
    await panel.getByRole("button", { name: "Cancel" }).click();
    await visible(panel.getByRole("button", { name: "Send a message" }));

    // A browser without MediaRecorder: no offer, in the menu or beside the message box.
    const bare = await pages.open("about:blank");
    await bare.context.addInitScript("delete globalThis.MediaRecorder;");
    await bare.page.goto(`${stack.server.origin}/?room=${encodeURIComponent(new URL(visitor.page.url()).searchParams.get("room")!)}`);
    await bare.page.getByRole("button", { name: "Contact me" }).click();
    const other = bare.page.getByRole("dialog", { name: "Contact" });
    await visible(other.getByRole("button", { name: "Send a message" }));
    await visible(other.getByText("Away", { exact: true }));
    assert.equal(await other.getByRole("button", { name: /voice message|video message/i }).count(), 0);
    await other.getByRole("button", { name: "Send a message" }).click();
    await visible(other.getByRole("textbox", { name: "Message" }));
    assert.equal(await other.getByRole("button", { name: /Voice message|Video message/ }).count(), 0);
  }));
