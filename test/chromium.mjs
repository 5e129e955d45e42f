// Where Chromium is and how tests launch it. Shared by web-test-runner's
// config and the end-to-end tests. Playwright cannot download browsers on
// machines without internet, so the system Chromium is used.
import { existsSync } from "node:fs";

/** Flags for headless Chromium in tests: fake camera/mic and screen, loopback ICE, no background traffic. */
export const chromiumArgs = [
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  // getDisplayMedia() picks the whole (fake, 1280×720) screen without a picker.
  "--auto-select-desktop-capture-source=Entire screen",
  "--allow-loopback-in-peer-connection",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
];

/**
 * Path of the Chromium executable: `$CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`.
 * @throws Error naming the install command when it is missing
 */
export function chromiumPath() {
  const path = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. Install it with \`apt-get install -y chromium\` ` +
        "(Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium/Chrome executable.",
    );
  }
  return path;
}
