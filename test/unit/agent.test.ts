/// <reference types="node" />
// A visitor's user agent as the dashboard shows it: browser and major
// version, operating system, device type; nothing from an absent, unknown or
// oversized header.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAgent } from "../../party/core/agent.ts";

test("a User-Agent header becomes browser, OS and device type", () => {
  assert.deepEqual(parseAgent("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"), {
    browser: "Firefox 128",
    os: "Linux",
    device: "desktop",
  });
  assert.deepEqual(
    parseAgent("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"),
    { browser: "Chrome 131", os: "Android 14", device: "mobile" },
  );
});

test("an absent, unknown or oversized header gives nothing unbounded", () => {
  assert.deepEqual(parseAgent(null), {});
  assert.deepEqual(parseAgent(""), {});
  const odd = parseAgent("curl/8.5.0");
  for (const value of Object.values(odd)) assert.ok(typeof value === "string" && value.length <= 40);
  const huge = parseAgent(`Mozilla/5.0 ${"(x; ".repeat(50_000)}`);
  for (const value of Object.values(huge)) assert.ok(typeof value === "string" && value.length <= 40);
});
