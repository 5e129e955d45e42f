import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { browserGlobals, detectCallSupport, inAppBrowser, staticCallSupport, type CapabilityGlobals } from "../../widget/call/capabilities.ts";

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
const devices = (...kinds: string[]) => ({ enumerateDevices: async () => kinds.map((kind) => ({ kind })) });
/** A desktop browser that can call: WebRTC, secure, a microphone and a camera, no policy. */
const able = (over: Partial<CapabilityGlobals> = {}): CapabilityGlobals => ({
  RTCPeerConnection: class {},
  isSecureContext: true,
  mediaDevices: devices("audioinput", "videoinput", "audiooutput"),
  userAgent: CHROME,
  ...over,
});
const policy = (...blocked: string[]) => ({ allowsFeature: (f: string) => !blocked.includes(f) });

describe("call capabilities", () => {
  it("tells known in-app browsers by user agent", () => {
    assert.equal(inAppBrowser("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/440.0.0.35.117;]"), "Facebook");
    assert.equal(inAppBrowser("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36 Instagram 312.0.0.32.112 Android"), "Instagram");
    assert.equal(inAppBrowser("Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/110.0 Mobile Safari/537.36 musical_ly_2023105030 BytedanceWebview/d8a21c6"), "TikTok");
    assert.equal(inAppBrowser("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 [LinkedInApp]/9.29.5"), "LinkedIn");
    assert.equal(inAppBrowser(CHROME), undefined);
    assert.equal(inAppBrowser("Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0"), undefined);
  });

  it("offers every call in a browser that can make them", async () => {
    assert.deepEqual(await detectCallSupport(able()), { capabilities: { webrtc: true, audio: true, video: true } });
    assert.deepEqual(staticCallSupport(able({ policy: policy() })), { capabilities: { webrtc: true, audio: true, video: true } });
  });

  it("says why calls are off: in-app browser, no WebRTC, insecure page, Permissions-Policy, no microphone", async () => {
    const inApp = await detectCallSupport(able({ userAgent: `${CHROME} Instagram 312.0` }));
    assert.equal(inApp.reason, "in-app");
    assert.deepEqual(inApp.capabilities, { webrtc: true, audio: false, video: false });

    const noRtc = await detectCallSupport(able({ RTCPeerConnection: undefined }));
    assert.deepEqual(noRtc, { capabilities: { webrtc: false, audio: true, video: true }, reason: "no-webrtc", videoReason: "no-webrtc" });

    const http = await detectCallSupport({ RTCPeerConnection: class {}, isSecureContext: false, userAgent: CHROME });
    assert.deepEqual(http, { capabilities: { webrtc: true, audio: false, video: false }, reason: "insecure", videoReason: "insecure" });

    const framed = await detectCallSupport(able({ policy: policy("camera", "microphone") }));
    assert.deepEqual(framed, { capabilities: { webrtc: true, audio: false, video: false }, reason: "policy", videoReason: "policy" });

    const noMic = await detectCallSupport(able({ mediaDevices: devices("videoinput", "audiooutput") }));
    assert.equal(noMic.reason, "no-device");
    assert.equal(noMic.capabilities.audio, false);
  });

  it("keeps audio calls when only the camera is missing or not allowed", async () => {
    const noCamera = await detectCallSupport(able({ mediaDevices: devices("audioinput") }));
    assert.deepEqual(noCamera, { capabilities: { webrtc: true, audio: true, video: false }, videoReason: "no-device" });
    const cameraBlocked = await detectCallSupport(able({ policy: policy("camera") }));
    assert.deepEqual(cameraBlocked, { capabilities: { webrtc: true, audio: true, video: false }, videoReason: "policy" });
  });

  it("takes devices as present when they cannot be listed, and a throwing policy as allowing", async () => {
    const failing = { enumerateDevices: () => Promise.reject(new Error("nope")) };
    assert.deepEqual(await detectCallSupport(able({ mediaDevices: failing })), { capabilities: { webrtc: true, audio: true, video: true } });
    const broken = { allowsFeature: () => { throw new Error("unknown feature"); } };
    assert.deepEqual(staticCallSupport(able({ policy: broken })), { capabilities: { webrtc: true, audio: true, video: true } });
  });

  it("reads nothing it lacks on the server", () => {
    const globals = browserGlobals();
    assert.equal(globals.policy, undefined);
    assert.equal(staticCallSupport(globals).reason, "no-webrtc");
  });
});
