// The import graph of src/: every relative import, export-from and import() of each TypeScript
// file, resolved to the file it names, and the cycles in it (each named by its files in order).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { joinedRegExp } from "../support/regex.js";

export type ImportGraph = Map<string, string[]>;

/** `import … from "x"` or `export … from "x"`, `import("x")`, `import "x"`. */
const SPECIFIER = joinedRegExp(
  /(?:\bimport|\bexport)\s[^;]*?\sfrom\s*["']([^"']+)["']/,
  /|\bimport\s*\(\s*["']([^"']+)["']\s*\)/,
  /|\bimport\s+["']([^"']+)["']/g,
);

/** Files relative to `root`, e.g. "src/cli/main.ts"; only relative specifiers (packages are not part of the graph). */
export function importGraph(root: string, dir = "src"): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const file = relative(root, join(entry.parentPath, entry.name)).split("\\").join("/");
    const text = readFileSync(join(root, file), "utf8");
    const targets = [...text.matchAll(SPECIFIER)]
      .map((m) => m[1] ?? m[2] ?? m[3] ?? "")
      .filter((s) => s.startsWith("."))
      .map((s) =>
        relative(root, resolve(root, dirname(file), s.replace(/\.js$/, ".ts")))
          .split("\\")
          .join("/"),
      );
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The graph of the directories under src/ ("src/config" → "src/capacity"), self-edges left out. */
export function directoryGraph(graph: ImportGraph): ImportGraph {
  const top = (file: string): string => file.split("/").slice(0, 2).join("/");
  const dirs: ImportGraph = new Map();
  for (const [file, targets] of graph) {
    const from = top(file);
    const edges = new Set(dirs.get(from) ?? []);
    for (const target of targets) if (top(target) !== from) edges.add(top(target));
    dirs.set(from, [...edges].sort());
  }
  return dirs;
}

/** One cycle per strongly connected component, as a path that ends where it starts. */
export function cycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((component) => pathThrough(graph, new Set(component)));
}

/** A shortest path from the component's first member (in sorted order) back to itself. */
function pathThrough(graph: ImportGraph, members: ReadonlySet<string>): string[] {
  const start = [...members].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        // Walk back from v to the start (the one member without a predecessor), then close the loop.
        const path = [v];
        for (let at = previous.get(v); at !== undefined; at = previous.get(at)) path.unshift(at);
        return [...path, start];
      }
      if (previous.has(w)) continue;
      previous.set(w, v);
      queue.push(w);
    }
  }
  return [start, start];
}
