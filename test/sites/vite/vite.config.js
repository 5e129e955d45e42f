import { defineConfig } from "vite";

// The site (index.html: the widget) by default; the owner's page (host.html: the dashboard) with `--mode owner`.
export default defineConfig(({ mode }) =>
  mode === "owner" ? { build: { outDir: "dist-owner", rollupOptions: { input: "host.html" } } } : { build: { rollupOptions: { input: "index.html" } } },
);
