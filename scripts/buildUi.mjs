// Bundles the dashboard (ui/, issue 13) into dist/ui/: app.js (preact + the pages, minified),
// app.css and index.html. Run by `npm run build` (build:ui); the node serves these files at /ui/
// (src/api/uiRoutes.ts). No CDN: everything the page loads is in dist/ui/.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "dist", "ui");
mkdirSync(OUT, { recursive: true });
await build({
  entryPoints: [join(ROOT, "ui", "src", "main.tsx")],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  jsx: "automatic",
  jsxImportSource: "preact",
  outfile: join(OUT, "app.js"),
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync(join(ROOT, "ui", "index.html"), join(OUT, "index.html"));
copyFileSync(join(ROOT, "ui", "style.css"), join(OUT, "app.css"));
