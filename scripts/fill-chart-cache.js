// `npm run setup` step: bundles scripts/charts/fill.ts (TypeScript) into the gitignored .helm/
// (where node_modules resolves) and runs it from the repository root.
import { build } from "esbuild";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = new URL("..", import.meta.url).pathname;
const outfile = join(root, ".helm", `fill-chart-cache-${process.pid}.mjs`);
mkdirSync(join(root, ".helm"), { recursive: true });
try {
  await build({
    entryPoints: [join(root, "scripts/charts/fill.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outfile,
    logLevel: "warning",
  });
  process.argv[2] = root;
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(outfile, { force: true });
}
