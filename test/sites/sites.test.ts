// The npm package as sites build it: the packed tarball installed into small real sites (Vite,
// webpack 5, Next.js App Router, Astro), each built by its own tool. In each, the build passes
// (the server side imports the package with no browser globals), the page's HTML holds the
// element, and what a visitor loads before the widget works stays within the script tag's
// 12 KB gzip budget, with no dashboard or call code in it. Run after `npm run build`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { before, describe, it } from "node:test";
import { BUILDS, FIRST_LOAD_BUDGET, FORBIDDEN, REACT_WRAPPER_ALLOWANCE, ROOT, gzipSize, install, pack, type Packed, type SiteBuild } from "./sites.ts";

const read = (files: string[]): string => files.map((f) => readFileSync(f, "utf8")).join("\n");
const list = (files: string[]): string => files.map((f) => relative(ROOT, f)).join(", ");

let packed: Packed;
before(async () => {
  packed = await pack(join(ROOT, "test-results", "sites"));
});

for (const [name, site] of Object.entries(BUILDS)) {
  describe(`${site.label}: a site with contact-me from npm`, () => {
    let build: SiteBuild;
    before(async () => {
      await install(name, packed);
      build = await site.build();
    });

    it("builds, and the page's HTML holds the element", () => {
      assert.match(build.visitor.html, /<contact-me\b[^>]*\broom=["']?site\b/);
      assert.ok(build.widgetFirstLoad.length > 0, "the page loads no script of its own");
    });

    it(`loads at most ${FIRST_LOAD_BUDGET / 1024} KB gzip before the widget works, Lit and the launcher included`, () => {
      const size = gzipSize(build.widgetFirstLoad);
      const first = read(build.widgetFirstLoad);
      assert.match(first, /part="launcher"/, `the launcher is not in the first load (${list(build.widgetFirstLoad)})`);
      assert.match(first, /lit\$/, "Lit is not in the first load");
      assert.ok(size <= FIRST_LOAD_BUDGET, `first load ${size} B gzip > ${FIRST_LOAD_BUDGET} B (${list(build.widgetFirstLoad)})`);
    });

    it("keeps the dashboard and the call code out of the first load; the panel and calls load later", () => {
      const first = read(build.widgetFirstLoad);
      for (const s of FORBIDDEN) assert.ok(!first.includes(s), `"${s}" in the first load (${list(build.widgetFirstLoad)})`);
      const all = read(build.all);
      assert.match(all, /["'`]contact-me-panel["'`]/, "the panel is not in the build at all");
      assert.match(all, /RTCPeerConnection/, "the call code is not in the build at all");
      if (!build.owner) assert.doesNotMatch(all, /["'`]contact-me-host["'`]/, "the dashboard is in a site that never imports it");
    });

    if (name === "next") {
      it("adds the widget to its page only: a page without it loads none of it", () => {
        const plain = read(build.baseline!.firstLoad);
        assert.doesNotMatch(plain, /part="launcher"|lit\$/);
      });

      it(`renders the React component of contact-me/react to the element; it adds at most ${REACT_WRAPPER_ALLOWANCE / 1024} KB gzip`, () => {
        const { page, widgetFirstLoad } = build.react!;
        assert.match(page.html, /<contact-me\b[^>]*\broom="site"[^>]*\bhost="rooms\.example"/);
        const first = read(widgetFirstLoad);
        assert.match(first, /part="launcher"/);
        for (const s of FORBIDDEN) assert.ok(!first.includes(s), `"${s}" in the first load (${list(widgetFirstLoad)})`);
        const size = gzipSize(widgetFirstLoad);
        const budget = FIRST_LOAD_BUDGET + REACT_WRAPPER_ALLOWANCE;
        assert.ok(size <= budget, `first load ${size} B gzip > ${budget} B (${list(widgetFirstLoad)})`);
        const wrapper = size - gzipSize(build.widgetFirstLoad);
        assert.ok(wrapper <= REACT_WRAPPER_ALLOWANCE, `the React component adds ${wrapper} B gzip > ${REACT_WRAPPER_ALLOWANCE} B`);
      });
    }

    if (name !== "webpack") {
      it("loads the dashboard on the owner's page, where it is imported (the checks above would see it)", () => {
        const owner = build.owner!;
        assert.match(owner.html, /<contact-me-host\b/);
        const first = read(owner.firstLoad);
        for (const s of FORBIDDEN) assert.ok(first.includes(s), `"${s}" not in the owner's page's first load (${list(owner.firstLoad)})`);
        assert.ok(gzipSize(owner.firstLoad) > FIRST_LOAD_BUDGET);
      });
    }
  });
}
