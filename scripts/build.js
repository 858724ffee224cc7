// Builds the CLI bundle, the GitHub Action bundles, the environment JSON Schema for editors and the
// generated parts of docs/. One script for every build output, so CI can rebuild and compare.
// `--actions-out DIR` builds only the action bundles, into DIR (a test compares them with the
// committed ones).
import { build } from "esbuild";
import { realpathSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";

const { values: args } = parseArgs({ options: { "actions-out": { type: "string" } } });
const actionsOnly = args["actions-out"] !== undefined;

// CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
const banner = {
  js:
    'import { createRequire as __createRequire } from "node:module"; const ' +
    "require = __createRequire(import.meta.url);",
};
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  legalComments: "none",
  logLevel: "warning",
};

// Pure helpers the build itself runs: the schema, ajv's standalone validator, the docs tables.
await build({
  ...common,
  entryPoints: {
    "build/schema": "src/config/schema.ts",
    "build/validator": "src/config/validator.ts",
    "build/component-table": "src/docs/component-table.ts",
    "build/action-tables": "src/docs/action-tables.ts",
    "build/environment-reference": "src/docs/environment-reference.ts",
    "build/engine": "src/render/engine.ts",
    "build/templates": "src/adapters/templates.ts",
  },
  outdir: "dist",
  banner,
});
const { buildEnvironmentSchema } = await import("../dist/build/schema.js");
const { AJV_OPTIONS, LEAN_AJV_OPTIONS } = await import("../dist/build/validator.js");
const { componentTableMarkdown, TABLE_START, TABLE_END } = await import("../dist/build/component-table.js");
const { actionTablesMarkdown, ACTIONS_START, ACTIONS_END } = await import("../dist/build/action-tables.js");
const { environmentReferenceMarkdown } = await import("../dist/build/environment-reference.js");
const { precompileTemplates } = await import("../dist/build/engine.js");
const { readTemplates, TEMPLATE_FOLDERS } = await import("../dist/build/templates.js");

/**
 * The schema without its annotations (descriptions, examples, defaults, titles): they change no
 * verdict. Walked by keyword, so a property that happens to be named "description" stays.
 */
function withoutAnnotations(node) {
  if (Array.isArray(node)) return node.map(withoutAnnotations);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (["description", "examples", "default", "title", "$comment"].includes(key)) continue;
    if (["properties", "patternProperties", "$defs", "dependentSchemas"].includes(key))
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, withoutAnnotations(sub)]));
    else out[key] = ["enum", "const", "required"].includes(key) ? value : withoutAnnotations(value);
  }
  return out;
}

const schema = buildEnvironmentSchema();
if (!actionsOnly) {
  await mkdir("schema", { recursive: true });
  await writeFile("schema/environment.schema.json", `${JSON.stringify(schema, null, 2)}\n`);
}

// The bundles validate with code generated now instead of compiling the schema at start-up, in two
// parts: a lean check (no error details, the schema's annotations left out), all that a valid
// file (the usual case) loads; and the validator with ajv's verbose errors, a file of its own
// beside each bundle's chunks (ERRORS_VALIDATOR), loaded on the first file that fails. Loading
// both would cost a start-up ~300 KB more code to parse.
const ERRORS_VALIDATOR = "environment-errors.cjs";
const { Ajv2020 } = await import("ajv/dist/2020.js");
const { default: standaloneCode } = await import("ajv/dist/standalone/index.js");
const leanAjv = new Ajv2020({ ...LEAN_AJV_OPTIONS, code: { source: true, esm: true } });
const fullAjv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true, esm: false } });
await mkdir("dist/build", { recursive: true });
await writeFile(
  "dist/build/environment-validity.js",
  standaloneCode(leanAjv, leanAjv.compile(withoutAnnotations(schema))),
);
await writeFile("dist/build/environment-errors-source.cjs", standaloneCode(fullAjv, fullAjv.compile(schema)));
await build({
  ...common,
  format: "cjs",
  entryPoints: ["dist/build/environment-errors-source.cjs"],
  outfile: `dist/build/${ERRORS_VALIDATOR}`,
  minify: true,
});
await writeFile(
  "dist/build/validator-standalone.js",
  [
    'import { existsSync } from "node:fs";',
    'import { dirname, join } from "node:path";',
    'import { fileURLToPath } from "node:url";',
    'import validity from "./environment-validity.js";',
    "let full;",
    "export const AJV_OPTIONS = {};",
    "export const LEAN_AJV_OPTIONS = {};",
    "export function environmentValidity() {",
    "  return validity;",
    "}",
    "/** Beside this code, in a bundle's chunks directory, or in that directory when this is its entry. */",
    "export function environmentValidator() {",
    "  if (!full) {",
    "    const here = dirname(fileURLToPath(import.meta.url));",
    `    const file = [join(here, ${JSON.stringify(ERRORS_VALIDATOR)}), ` +
      `join(here, "chunks", ${JSON.stringify(ERRORS_VALIDATOR)})].find((f) => existsSync(f));`,
    `    if (!file) throw new Error(\`${ERRORS_VALIDATOR} is missing beside \${here}: rebuild the bundle\`);`,
    "    full = require(file);",
    "  }",
    "  return full;",
    "}",
    "",
  ].join("\n"),
);
const errorsValidator = await readFile(`dist/build/${ERRORS_VALIDATOR}`, "utf8");
/** Puts the validator with error details beside a split bundle's chunks. */
const withErrorsValidator = (outdir) => writeFile(`${outdir}/chunks/${ERRORS_VALIDATOR}`, errorsValidator);
const standaloneValidator = {
  name: "standalone-validator",
  setup(b) {
    b.onResolve({ filter: /\/validator\.js$/ }, (args) =>
      args.importer.includes("src/config") ? { path: resolve("dist/build/validator-standalone.js") } : undefined,
    );
  },
};

// The bundles carry the Handlebars templates precompiled (checked by assertSafeTemplate here, so a
// template that prints a value unescaped fails the build), and render with Handlebars' runtime
// alone: no bundle reads, parses or compiles a template when it starts.
const specs = precompileTemplates(await readTemplates(TEMPLATE_FOLDERS, resolve(".")));
const runtime = JSON.stringify(resolve("src/render/template-runtime.ts"));
await writeFile(
  "dist/build/shipped-templates.js",
  `import { PrecompiledTemplates } from ${runtime};\nconst specs = {\n` +
    Object.entries(specs)
      .map(([name, spec]) => `${JSON.stringify(name)}: ${spec},\n`)
      .join("") +
    "};\nexport async function shippedTemplates() {\n  return new PrecompiledTemplates(specs);\n}\n",
);
await writeFile(
  "dist/build/template-engine.js",
  `import { PrecompiledTemplates, precompiledEngine } from ${runtime};\n` +
    "export function templateEngine(templates) {\n" +
    "  if (templates instanceof PrecompiledTemplates) return precompiledEngine(templates);\n" +
    '  throw new Error("this bundle renders only the templates it was built with");\n}\n',
);
const precompiled = {
  name: "precompiled-templates",
  setup(b) {
    b.onResolve({ filter: /\/(shipped-templates|template-engine)\.js$/ }, (args) =>
      /src[\\/](adapters|render|app)/.test(args.importer)
        ? { path: resolve(`dist/build/${args.path.replace(/^.*\//, "")}`) }
        : undefined,
    );
  },
};

// yaml ships its code twice, as CommonJS for Node and as ES modules (for browsers, otherwise the
// same): the modules load without CommonJS wrappers, whose bodies V8 parses twice, and let a
// bundle leave out what it never calls. Only yaml's warning goes to process.emitWarning, as
// its Node build does.
const yamlModules = {
  name: "yaml-modules",
  setup(b) {
    const dist = realpathSync("node_modules/yaml/browser/dist"); // as esbuild names the importers
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: resolve(dist, "index.js") }));
    b.onResolve({ filter: /\/log\.js$/ }, (args) =>
      args.importer.startsWith(dist) ? { path: "yaml-log", namespace: "yaml-log" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "yaml-log" }, () => ({
      contents:
        "export function debug(logLevel, ...messages) {\n" +
        '  if (logLevel === "debug") console.log(...messages);\n}\n' +
        "export function warn(logLevel, warning) {\n" +
        '  if (logLevel === "debug" || logLevel === "warn") process.emitWarning(warning);\n}\n',
    }));
  },
};

// @actions/core imports node:crypto for one call, randomUUID (the delimiter of a file command's
// multi-line value): node:crypto is loaded when that call comes, not at every start (the actions
// write one-line outputs without a delimiter).
const coreWithLazyCrypto = {
  name: "core-with-lazy-crypto",
  setup(b) {
    b.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      args.importer.includes("@actions/core") ? { path: "crypto", namespace: "lazy-crypto" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-crypto" }, () => ({
      contents: 'export const randomUUID = () => require("node:crypto").randomUUID();\n',
    }));
  },
};

// @actions/core imports its OIDC client (and with it @actions/http-client and undici) for
// getIDToken alone; these modules do nothing when loaded, so a bundle that never asks for a
// token may leave them out.
const coreWithoutUnusedOidc = {
  name: "core-without-unused-oidc",
  setup(b) {
    b.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, async (args) => {
      if (!args.importer.includes("@actions/core") || args.pluginData === "inner") return undefined;
      const found = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "inner",
      });
      return { ...found, sideEffects: false };
    });
  },
};

if (!actionsOnly) {
  // Split into chunks so each command loads only what it uses (validate never loads the Azure SDK).
  await rm("dist/chunks", { recursive: true, force: true });
  await build({
    ...common,
    banner,
    plugins: [standaloneValidator, precompiled, coreWithoutUnusedOidc, coreWithLazyCrypto, yamlModules],
    entryPoints: { cli: "src/cli/main.ts" },
    outdir: "dist",
    // Minified (names kept) like the actions: parsing the source is much of a command's start-up.
    minify: true,
    keepNames: true,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
  });
  await withErrorsValidator("dist");
}

// The actions: GitHub runs them from the repository without installing anything, so each is
// committed, built from its entry with every dependency inside. The root action's bundle only
// picks one of the others. Each is minified (names kept), and split like the CLI: its entry loads
// what every run needs (dist/index.js), and what only some runs need (the GitHub API client for
// validate) is a chunk (dist/chunks/) imported when a run gets there.
const ACTIONS = ["validate", "plan", "deploy", "status", "promote"];
const actionsRoot = args["actions-out"] ?? "actions";
await Promise.all([
  ...ACTIONS.map(async (name) => {
    await rm(`${actionsRoot}/${name}/dist/chunks`, { recursive: true, force: true });
    await build({
      ...common,
      banner,
      plugins: [standaloneValidator, precompiled, coreWithoutUnusedOidc, coreWithLazyCrypto, yamlModules],
      entryPoints: { index: `src/action/entry/${name}.ts` },
      outdir: `${actionsRoot}/${name}/dist`,
      minify: true,
      keepNames: true,
      splitting: true,
      chunkNames: "chunks/[name]-[hash]",
    });
    await withErrorsValidator(`${actionsRoot}/${name}/dist`);
  }),
  build({
    ...common,
    banner,
    plugins: [precompiled, yamlModules],
    entryPoints: ["src/action/entry/root.ts"],
    outfile: `${actionsRoot}/dist/index.js`,
  }),
]);
if (actionsOnly) process.exit(0);

function replaceBetween(text, start, end, content, file) {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`${file} lacks the markers ${start} … ${end}`);
  return text.slice(0, from) + content + text.slice(to + end.length);
}

const metadata = async (path) => [
  path === "action.yml" ? "`action.yml` (root)" : `\`${path.replace(/\/action\.yml$/, "")}\``,
  parseYaml(await readFile(path, "utf8")),
];
const actions = await Promise.all(["action.yml", ...ACTIONS.map((name) => `actions/${name}/action.yml`)].map(metadata));

/** Rewrites a file only when its content changes, so a build leaves unchanged files untouched. */
async function writeIfChanged(file, update) {
  const before = await readFile(file, "utf8").catch(() => "");
  const after = update(before);
  if (after !== before) await writeFile(file, after);
}

await writeIfChanged("docs/environments.md", (text) =>
  replaceBetween(text, TABLE_START, TABLE_END, componentTableMarkdown(), "docs/environments.md"),
);
await writeIfChanged("docs/actions.md", (text) =>
  replaceBetween(text, ACTIONS_START, ACTIONS_END, actionTablesMarkdown(actions), "docs/actions.md"),
);
await writeIfChanged("docs/environment-file.md", () => environmentReferenceMarkdown(schema));
