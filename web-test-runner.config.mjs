// Component tests: real Chromium (fake camera/mic) through Playwright.
import { esbuildPlugin } from "@web/dev-server-esbuild";
import { playwrightLauncher } from "@web/test-runner-playwright";
import { chromiumArgs, chromiumPath } from "./test/chromium.mjs";

export default {
  files: "test/components/**/*.test.ts",
  nodeResolve: true,
  concurrency: 1,
  plugins: [esbuildPlugin({ ts: true, tsconfig: "tsconfig.json", target: "es2022" })],
  browsers: [
    playwrightLauncher({
      product: "chromium",
      launchOptions: { executablePath: chromiumPath(), args: chromiumArgs, headless: true },
      createBrowserContext: ({ browser }) => browser.newContext({ permissions: ["camera", "microphone"] }),
    }),
  ],
  testFramework: { config: { timeout: 20000 } },
};
