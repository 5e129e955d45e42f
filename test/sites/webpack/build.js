// `node build.js`: the site's production build, as `webpack --mode production` with this config would make it.
import HtmlWebpackPlugin from "html-webpack-plugin";
import { fileURLToPath } from "node:url";
import webpack from "webpack";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

webpack(
  {
    mode: "production",
    context: here("."),
    entry: "./src/index.js",
    output: { path: here("dist"), filename: "[name].[contenthash].js", chunkFilename: "[name].[contenthash].js", publicPath: "/", clean: true },
    plugins: [new HtmlWebpackPlugin({ template: "./src/index.html" })],
  },
  (err, stats) => {
    if (err || stats.hasErrors()) {
      console.error(err ?? stats.toString("errors-only"));
      process.exitCode = 1;
    }
  },
);
