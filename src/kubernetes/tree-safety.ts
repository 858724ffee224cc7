// What kustomize may be run on. The published GitOps branch is attacker-controlled: before its
// tree is built, every kustomization in it must use only what our renderer writes (local
// resources, ConfigMap generators, name-reference configurations), each path inside the tree
// and present in it. So kustomize reads no file outside the temporary copy, fetches no remote
// base, runs no generator, transformer, plugin or Helm chart. Pure: it reads the files as text.
import { posix } from "node:path";
import { parseAllDocuments } from "yaml";

const TOP_LEVEL = new Set([
  "apiVersion",
  "kind",
  "metadata",
  "resources",
  "configMapGenerator",
  "configurations",
  "generatorOptions",
  "namespace",
]);
const GENERATOR = new Set(["name", "namespace", "files", "literals", "behavior", "options"]);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** A relative path inside the tree: no absolute path, no `..` out of it, no URL. */
export function insideTree(from: string, ref: string): string | undefined {
  if (ref === "" || ref.startsWith("/") || ref.includes("://") || ref.includes("\\") || ref.includes("\0"))
    return undefined;
  const joined = posix.normalize(posix.join(from, ref));
  return joined === "." || joined.startsWith("../") || joined === ".." || joined.split("/").includes(".git")
    ? undefined
    : joined;
}

function present(files: ReadonlyMap<string, string>, path: string): "file" | "dir" | undefined {
  if (files.has(path)) return "file";
  const prefix = `${path}/`;
  for (const f of files.keys()) if (f.startsWith(prefix)) return "dir";
  return undefined;
}

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/**
 * Why kustomize must not build these directories of the tree, or undefined when every
 * kustomization it would read (theirs, and those of the directories they list) is one it may build.
 */
export function unsafeKustomization(files: ReadonlyMap<string, string>, dirs: readonly string[]): string | undefined {
  const queue = [...dirs];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    const found = KUSTOMIZATION_FILES.map((f) => posix.join(dir, f)).filter((f) => files.has(f));
    if (found.length !== 1) return `${dir}/ has ${found.length === 0 ? "no" : "more than one"} kustomization file`;
    const path = found[0]!;
    const docs = parseAllDocuments(files.get(path)!);
    if (docs.length !== 1 || docs[0]!.errors.length > 0) return `${path} is not one YAML document`;
    const k = docs[0]!.toJS() as unknown;
    if (!isObject(k)) return `${path} is not a mapping`;
    for (const field of Object.keys(k))
      if (!TOP_LEVEL.has(field)) return `${path} uses ${field}, which the toolkit never writes`;
    const refs: Array<{ ref: unknown; kind: "file" | "any" }> = [];
    for (const r of asList(k.resources)) refs.push({ ref: r, kind: "any" });
    for (const r of asList(k.configurations)) refs.push({ ref: r, kind: "file" });
    for (const g of asList(k.configMapGenerator)) {
      if (!isObject(g)) return `${path}: configMapGenerator entries must be mappings`;
      for (const field of Object.keys(g))
        if (!GENERATOR.has(field)) return `${path}: configMapGenerator uses ${field}, which the toolkit never writes`;
      for (const f of asList(g.files))
        refs.push({ ref: typeof f === "string" ? f.slice(f.indexOf("=") + 1) : f, kind: "file" });
    }
    for (const { ref, kind } of refs) {
      if (typeof ref !== "string") return `${path} lists a path that is not a string`;
      const target = insideTree(dir, ref);
      const what = target === undefined ? undefined : present(files, target);
      if (!what || (kind === "file" && what !== "file"))
        return (
          `${path} refers to ${JSON.stringify(ref)}, which is not a ` +
          `${kind === "file" ? "file" : "file or directory"} of the tree`
        );
      if (what === "dir") queue.push(target!);
    }
  }
  return undefined;
}

/** A layer's `spec.path` as a directory of the tree, or undefined when it points anywhere else. */
export function layerDirectory(files: ReadonlyMap<string, string>, path: string): string | undefined {
  const dir = insideTree(".", path);
  return dir !== undefined && present(files, dir) === "dir" ? dir : undefined;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}
