/** Static export (`out/`): every page prerendered to HTML by `next build`. */
export default { output: "export", eslint: { ignoreDuringBuilds: true } };
