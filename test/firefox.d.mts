/** Preferences for Firefox in tests (fake camera/mic, no prompts, loopback ICE). */
export declare const firefoxPrefs: Record<string, boolean | number | string>;
/** Path of the Firefox executable; throws naming the install command when missing. */
export declare function firefoxPath(): string;
/** Options for puppeteer's `launch()` that start headless Firefox for tests. */
export declare function firefoxLaunchOptions(): {
  browser: "firefox";
  executablePath: string;
  headless: true;
  extraPrefsFirefox: Record<string, boolean | number | string>;
};
