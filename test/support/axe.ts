/// <reference types="node" />
/**
 * axe-core's accessibility rules on a page, open shadow roots included.
 * @module
 */
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";

/** axe's tags for WCAG 2.2 level A and AA (2.0 and 2.1 rules included). */
export const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

/** axe's WCAG 2.2 A/AA violations on the page, as readable lines. */
export async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => `${n.target.join(" ")} — ${n.failureSummary ?? ""}`).join("\n    ")}`,
  );
}

/** Fail, listing them, when axe finds WCAG 2.2 A/AA violations on the page with the widget in `state`. */
export async function assertAccessible(page: Page, state: string): Promise<void> {
  const found = await violations(page);
  assert.deepEqual(found, [], `axe violations with the widget ${state}:\n${found.join("\n")}`);
}
