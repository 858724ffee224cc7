// Builds the CLI bundle and writes the environment JSON Schema for editors.
// One script for every build output, so CI can rebuild and compare.
import { build } from "esbuild";
import { mkdir, readFile, writeFile } from "node:fs/promises";

// CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
const banner = { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' };
const common = { bundle: true, platform: "node", format: "esm", target: "node20", legalComments: "none", logLevel: "warning", banner };

await build({ ...common, entryPoints: ["src/cli/main.ts"], outfile: "dist/cli.js" });

// The schema is generated from the component catalogue; editors read the JSON file.
await build({ ...common, banner: {}, entryPoints: ["src/config/schema.ts"], outfile: "dist/schema.js" });
const { buildEnvironmentSchema } = await import("../dist/schema.js");
await mkdir("schema", { recursive: true });
await writeFile("schema/environment.schema.json", `${JSON.stringify(buildEnvironmentSchema(), null, 2)}\n`);

// The README's component table comes from the catalogue too.
await build({ ...common, banner: {}, entryPoints: ["src/docs/component-table.ts"], outfile: "dist/component-table.js" });
const { componentTableMarkdown, TABLE_START, TABLE_END } = await import("../dist/component-table.js");
const readme = await readFile("README.md", "utf8");
const start = readme.indexOf(TABLE_START);
const end = readme.indexOf(TABLE_END);
if (start < 0 || end < 0) throw new Error("README.md lacks the component table markers");
const updated = readme.slice(0, start) + componentTableMarkdown() + readme.slice(end + TABLE_END.length);
if (updated !== readme) await writeFile("README.md", updated);
