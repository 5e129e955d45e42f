/**
 * Vite: the builds of `npm run build` (`scripts/build.mjs` runs one per mode),
 * and the widget playground that `npm run dev:widget` serves.
 *
 *   vite build --mode contact-me       dist/contact-me.js + dist/chunks/contact-me-*: the script-tag widget
 *   vite build --mode contact-me-host  dist/contact-me-host.js (+ dist/chunks/contact-me-host-*): the script-tag dashboard
 *   vite build --mode lib              dist/lib/: the npm entries (contact-me, /host, /call, /react, /react/host),
 *                                      one file per source module, dependencies left as imports
 *   vite build --mode demo             demo/dist/ (or `--outDir`): the demo pages' script
 *   vite                               playground/: both elements from source, with hot reload
 *
 * The two script tags are separate builds, so the widget's first file shares no
 * chunk with the dashboard. Every build is a library build (ES modules, no
 * preload helper around `import()`): each dynamic import stays its own chunk.
 * @module
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";
import { defineConfig, type Plugin, type UserConfig } from "vite";

const pkg = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8")) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
/** The npm entries' imports left as they are: every dependency and peer (React) and their subpaths (`lit/decorators.js`). */
const dependency = new RegExp(
  `^(${[...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)].map((d) => d.replace(/[/.]/g, "\\$&")).join("|")})(/|$)`,
);

/** The project's folder: its own source modules are under it, outside `node_modules`. */
const ROOT = fileURLToPath(new URL(".", import.meta.url));

/**
 * The project's own modules run for their effects in every build: package.json's `sideEffects`
 * names only the registering modules of the npm build (`dist/lib/`), for the sites' bundlers;
 * read for the sources, it would let Rolldown drop a module's `define` call, or a bare
 * `import "./index.ts"`.
 */
const ownModulesHaveEffects: Plugin = {
  name: "contact-me:own-modules-have-effects",
  transform(code, id) {
    return id.startsWith(ROOT) && !id.includes("/node_modules/") ? { code, map: null, moduleSideEffects: true } : null;
  },
};

/**
 * Every build's Lit `css` templates, minified by esbuild's CSS minifier: Rolldown minifies the code
 * around a template, not its text, which would ship with every space and newline as written; nor do
 * the bundlers of the sites that install the npm build (whose code is otherwise left readable).
 * A template with a `${}` or a backslash in it is left as it is (its cooked text is not its source).
 */
const minifyCssTemplates: Plugin = {
  name: "contact-me:minify-css-templates",
  enforce: "pre",
  async transform(code, id) {
    // \x60 is the backtick: the css tag, its template's text (group 1), the closing backtick.
    if (!id.startsWith(ROOT) || id.includes("/node_modules/") || !code.includes("css\x60")) return null;
    let out = "";
    let last = 0;
    for (const m of code.matchAll(/\bcss\x60([^\x60\\$]*)\x60/g)) {
      const minified = (await transform(m[1]!, { loader: "css", minify: true, sourcefile: id })).code.trim();
      out += code.slice(last, m.index) + "css\x60" + minified + "\x60";
      last = m.index + m[0].length;
    }
    return last ? { code: out + code.slice(last), map: null } : null;
  },
};

/** The npm package's entries, by output name (`dist/lib/<name>.js`); package.json `exports` maps them. */
const npmEntries = {
  "widget/index": "widget/index.ts",
  "widget/host": "widget/host.ts",
  "widget/call": "widget/call.ts",
  "widget/react": "widget/react.ts",
  "widget/react-host": "widget/react-host.ts",
};

/**
 * A library build (ES module) of `entry` to `outDir/<name>.js`, its chunks named `chunks`.
 * `preserveModules`: one output file per source module (`dist/lib/widget/contact-me/contact-me.js`),
 * so that package.json's `sideEffects` can name the modules that register elements and a site's
 * bundler drops every module a page does not use.
 */
function library(
  entry: string | Record<string, string>,
  name: string,
  outDir: string,
  chunks: string,
  { minify = true, external, preserveModules = false }: { minify?: boolean; external?: RegExp; preserveModules?: boolean } = {},
): UserConfig["build"] {
  return {
    lib: { entry: typeof entry === "string" ? { [name]: entry } : entry, formats: ["es"], fileName: (_format, entryName) => `${entryName}.js` },
    outDir,
    emptyOutDir: false,
    target: "es2022",
    // Rolldown minifies the chunks itself: Vite's own pass leaves whitespace in ES libraries.
    minify: false,
    reportCompressedSize: false,
    rolldownOptions: {
      external,
      // Minified: no comments at all. Readable (the npm entry): only the `@__PURE__` annotations its users' bundlers read.
      output: {
        chunkFileNames: chunks,
        minify,
        comments: minify ? false : { legal: false, jsdoc: false, annotation: true },
        ...(preserveModules && { preserveModules, preserveModulesRoot: ROOT, entryFileNames: "[name].js" }),
      },
    },
  };
}

/** What each `--mode` builds. */
const builds: Record<string, UserConfig["build"]> = {
  "contact-me": library("widget/contact-me/script.ts", "contact-me", "dist", "chunks/contact-me-[name]-[hash].js"),
  "contact-me-host": library("widget/contact-me-host/script.ts", "contact-me-host", "dist", "chunks/contact-me-host-[name]-[hash].js"),
  lib: library(npmEntries, "index", "dist/lib", "[name].js", { minify: false, external: dependency, preserveModules: true }),
  demo: library("demo/src/index.ts", "index", "demo/dist", "[name]-[hash].js"),
};

export default defineConfig(({ command, mode }) => {
  // The project's `.env` holds the room's secrets: nothing here reads it.
  const common: UserConfig = { envDir: false, publicDir: false, clearScreen: false, logLevel: "warn" };
  if (command === "serve") {
    // The playground: both elements from source against a running room (`npm start`), reloaded on every change.
    return { ...common, root: fileURLToPath(new URL("playground", import.meta.url)), logLevel: "info", server: { host: "127.0.0.1" } };
  }
  const build = builds[mode];
  if (!build) throw new Error(`vite build --mode <${Object.keys(builds).join("|")}>, not "${mode}"`);
  return { ...common, plugins: [ownModulesHaveEffects, minifyCssTemplates], build };
});
