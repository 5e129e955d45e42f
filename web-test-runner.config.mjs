// Component tests: real Chromium (through Playwright) and real Firefox
// (through Puppeteer over WebDriver BiDi), each with a fake camera/mic.
import { esbuildPlugin } from "@web/dev-server-esbuild";
import { playwrightLauncher } from "@web/test-runner-playwright";
import { puppeteerLauncher } from "@web/test-runner-puppeteer";
import { chromiumArgs, chromiumPath } from "./test/chromium.mjs";
import { firefoxLaunchOptions } from "./test/firefox.mjs";

export default {
  files: "test/components/**/*.test.ts",
  nodeResolve: true,
  // One test file at a time in each browser.
  concurrency: 1,
  plugins: [esbuildPlugin({ ts: true, tsconfig: "tsconfig.json", target: "es2022" })],
  browsers: [
    playwrightLauncher({
      product: "chromium",
      launchOptions: { executablePath: chromiumPath(), args: chromiumArgs, headless: true },
      createBrowserContext: ({ browser }) => browser.newContext({ permissions: ["camera", "microphone"] }),
    }),
    puppeteerLauncher({ launchOptions: firefoxLaunchOptions(), concurrency: 1 }),
  ],
  // Two browsers start at once on a small machine: give each time to open its first page.
  browserStartTimeout: 90000,
  testFramework: { config: { timeout: 20000 } },
};
