// Where Firefox is and how tests launch it. Shared by web-test-runner's
// config and the end-to-end tests. Puppeteer drives it over WebDriver BiDi,
// so no geckodriver is needed, and it downloads no browser: the system
// Firefox (ESR on Debian) is used.
import { existsSync } from "node:fs";

/**
 * Preferences for Firefox in tests: fake camera and microphone, no permission
 * prompt, ICE over loopback with plain host addresses (as Chromium's flags in
 * `chromium.mjs`), media allowed to play without a gesture, no background
 * traffic.
 */
export const firefoxPrefs = {
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,
  "media.peerconnection.ice.loopback": true,
  "media.peerconnection.ice.obfuscate_host_addresses": false,
  "media.autoplay.default": 0,
  "media.autoplay.blocking_policy": 0,
  "app.update.enabled": false,
  "browser.shell.checkDefaultBrowser": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "toolkit.telemetry.enabled": false,
};

/**
 * Path of the Firefox executable: `$FIREFOX_PATH`, else Debian's `/usr/bin/firefox-esr`.
 * @throws Error naming the install command when it is missing
 */
export function firefoxPath() {
  const path = process.env.FIREFOX_PATH || "/usr/bin/firefox-esr";
  if (!existsSync(path)) {
    throw new Error(
      `Firefox not found at ${path}. Install it with \`apt-get install -y firefox-esr\` ` +
        "(Debian/Ubuntu) or set FIREFOX_PATH to a Firefox executable.",
    );
  }
  return path;
}

/** Options for puppeteer's `launch()` that start headless Firefox for tests. */
export function firefoxLaunchOptions() {
  return { browser: "firefox", executablePath: firefoxPath(), headless: true, extraPrefsFirefox: firefoxPrefs };
}
