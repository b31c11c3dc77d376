import { defineConfig } from "vite";
import { precompress } from "./scripts/precompress.js";

/** The dashboard: a Preact single-page app built into dist/web, served by the platform at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    // Hashed file names: the server lets browsers keep them for a year.
    assetsDir: "assets",
    target: "es2022",
    // The editor's chunk (CodeMirror, ~140 KB compressed) is loaded by the command page only.
    chunkSizeWarningLimit: 600,
  },
  plugins: [precompress()],
});
