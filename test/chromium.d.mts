/** Flags for headless Chromium in tests. */
export declare const chromiumArgs: string[];
/** Path of the Chromium executable; throws naming the install command when missing. */
export declare function chromiumPath(): string;
