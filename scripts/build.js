// Builds the CLI bundle, the environment JSON Schema for editors and the README's component
// table. One script for every build output, so CI can rebuild and compare.
import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";

// CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
const banner = { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' };
const common = { bundle: true, platform: "node", format: "esm", target: "node20", legalComments: "none", logLevel: "warning" };

// Pure helpers the build itself runs: the schema, ajv's standalone validator, the docs table.
await build({ ...common, entryPoints: { "build/schema": "src/config/schema.ts", "build/validator": "src/config/validator.ts", "build/component-table": "src/docs/component-table.ts" }, outdir: "dist", banner });
const { buildEnvironmentSchema } = await import("../dist/build/schema.js");
const { AJV_OPTIONS } = await import("../dist/build/validator.js");
const { componentTableMarkdown, TABLE_START, TABLE_END } = await import("../dist/build/component-table.js");

const schema = buildEnvironmentSchema();
await mkdir("schema", { recursive: true });
await writeFile("schema/environment.schema.json", `${JSON.stringify(schema, null, 2)}\n`);

// The bundles validate with code generated now instead of compiling the schema at start-up.
const { Ajv2020 } = await import("ajv/dist/2020.js");
const { default: standaloneCode } = await import("ajv/dist/standalone/index.js");
const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true, esm: true } });
await mkdir("dist/build", { recursive: true });
await writeFile("dist/build/environment-validator.js", standaloneCode(ajv, ajv.compile(schema)));
await writeFile("dist/build/validator-standalone.js", 'import validate from "./environment-validator.js";\nexport const AJV_OPTIONS = {};\nexport function environmentValidator() {\n  return validate;\n}\n');
const standaloneValidator = {
  name: "standalone-validator",
  setup(b) {
    b.onResolve({ filter: /\/validator\.js$/ }, (args) =>
      args.importer.includes("src/config") ? { path: resolve("dist/build/validator-standalone.js") } : undefined,
    );
  },
};

// Split into chunks so each command loads only what it uses (validate never loads the Azure SDK).
await rm("dist/chunks", { recursive: true, force: true });
await build({ ...common, banner, plugins: [standaloneValidator], entryPoints: { cli: "src/cli/main.ts" }, outdir: "dist", splitting: true, chunkNames: "chunks/[name]-[hash]" });

const readme = await readFile("README.md", "utf8");
const start = readme.indexOf(TABLE_START);
const end = readme.indexOf(TABLE_END);
if (start < 0 || end < 0) throw new Error("README.md lacks the component table markers");
const updated = readme.slice(0, start) + componentTableMarkdown() + readme.slice(end + TABLE_END.length);
if (updated !== readme) await writeFile("README.md", updated);
