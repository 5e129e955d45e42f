/**
 * Puppeteer's configuration (https://pptr.dev/guides/configuration).
 * The tests drive the system's Chromium and Firefox (`CHROMIUM_PATH`,
 * `FIREFOX_PATH`), so `npm install` does not download browsers of its own.
 */
module.exports = { skipDownload: true };
