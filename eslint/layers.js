// A local ESLint rule: the directories of src/ depend on each other in one direction only. Each
// import (static, export-from or import()) with a relative specifier is resolved to the file it
// names, and the importing directory must list the target's directory (or the target file).
import { dirname, relative, resolve, sep } from "node:path";
import { cycles, importGraph } from "./import-graph.js";

/** What each directory of src/ may import, besides itself. "engine/ports.ts" names one file. */
export const LAYERS = {
  catalogue: [],
  model: ["catalogue"],
  config: ["catalogue", "model"],
  capacity: ["catalogue", "model", "config"],
  render: ["catalogue", "model", "config", "capacity"],
  // The monthly cost of an environment (pure): prices × the resolved model and capacity plan.
  cost: ["catalogue", "model", "config", "capacity", "render"],
  // Kubernetes objects as the charts render them (HelmReleases, schemas).
  kubernetes: ["catalogue", "model", "config", "capacity", "render"],
  engine: ["catalogue", "model", "config", "capacity", "render", "kubernetes", "cost"],
  // Adapters talk to the world and implement the engine's ports.
  adapters: ["catalogue", "model", "config", "render", "kubernetes", "engine/ports.ts"],
  app: ["catalogue", "model", "config", "capacity", "render", "kubernetes", "cost", "engine", "adapters"],
  // The faces map inputs onto use cases and format results; neither imports the other.
  cli: ["catalogue", "model", "config", "capacity", "render", "kubernetes", "cost", "engine", "adapters", "app"],
  action: ["catalogue", "model", "config", "capacity", "render", "kubernetes", "cost", "engine", "adapters", "app"],
  // Build-time generators of the docs' tables.
  docs: ["catalogue", "model", "config"],
};

/** "src/cli/main.ts" → ["cli", "cli/main.ts"]; undefined outside src/. */
function placeOf(root, file) {
  const path = relative(resolve(root, "src"), file).split(sep).join("/");
  if (path.startsWith("..") || !path.includes("/")) return undefined;
  return { layer: path.split("/")[0], path };
}

export const layersRule = {
  meta: {
    type: "problem",
    docs: {
      description:
        "src/ directories import each other in one direction (catalogue → model " +
        "→ config → capacity → render → kubernetes → engine → app → faces)",
    },
    schema: [],
    messages: {
      upward:
        "{{from}} may not import {{to}} ({{target}}): dependencies point " +
        "catalogue → model → config → capacity → render → kubernetes → engine → " +
        "app → faces, adapters implement engine/ports.ts. See " +
        "docs/architecture.md.",
      unknown: "src/{{from}} is not a known layer: add it to LAYERS in eslint/layers.js",
    },
  },
  create(context) {
    const root = context.cwd;
    const here = placeOf(root, context.filename);
    if (!here) return {};
    const allowed = LAYERS[here.layer];
    const check = (node, specifier) => {
      if (typeof specifier !== "string" || !specifier.startsWith(".")) return;
      if (!allowed) {
        context.report({ node, messageId: "unknown", data: { from: here.layer } });
        return;
      }
      const target = placeOf(root, resolve(dirname(context.filename), specifier.replace(/\.js$/, ".ts")));
      if (!target || target.layer === here.layer) return;
      if (allowed.includes(target.layer) || allowed.includes(target.path)) return;
      context.report({
        node,
        messageId: "upward",
        data: { from: `src/${here.layer}`, to: `src/${target.layer}`, target: specifier },
      });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
    };
  },
};

/** The cycles of src/'s import graph by file, read once per lint run (the rule below sees one file at a time). */
const cyclesByRoot = new Map();
function cyclesThrough(root) {
  if (!cyclesByRoot.has(root)) {
    const byFile = new Map();
    for (const cycle of cycles(importGraph(root))) for (const file of cycle) byFile.set(file, cycle);
    cyclesByRoot.set(root, byFile);
  }
  return cyclesByRoot.get(root);
}

/** No file of src/ imports itself through others: what the layer rule cannot see inside one directory. */
export const noCycleRule = {
  meta: {
    type: "problem",
    docs: { description: "no import cycle between the files of src/, relative imports included" },
    schema: [],
    messages: { cycle: "{{file}} is on an import cycle: {{cycle}}. Move what both sides need into a third file." },
  },
  create(context) {
    const root = context.cwd;
    const here = placeOf(root, context.filename);
    if (!here) return {};
    const file = `src/${here.path}`;
    return {
      Program: (node) => {
        const cycle = cyclesThrough(root).get(file);
        if (cycle) context.report({ node, messageId: "cycle", data: { file, cycle: cycle.join(" → ") } });
      },
    };
  },
};

export default { rules: { layers: layersRule, "no-cycle": noCycleRule } };
