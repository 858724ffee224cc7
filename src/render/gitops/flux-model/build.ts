// What a Flux Kustomization applies from a directory of the tree, built the way kustomize does
// for the subset of kustomization.yaml the renderer writes (resources, configMapGenerator,
// configurations). Anything else is reported, not guessed at: the model must never call a
// tree fine that it did not understand.
// js-yaml: several times faster than `yaml` on these files, and positions are not needed here.
import yaml from "js-yaml";
import { loadAllByShape } from "./shaped-parse.js";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Built {
  objects: K8sObject[];
  /** Why the build fails, in kustomize's words where it has them. */
  problems: string[];
}

const KNOWN_FIELDS = new Set(["apiVersion", "kind", "resources", "configMapGenerator", "configurations"]);

/** Normalises "./a/b/", "a//b" to "a/b" ("" for the repository root). */
export function normalPath(path: string): string {
  return path
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

const join = (dir: string, entry: string): string => normalPath(dir ? `${dir}/${entry}` : entry);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseObjects(text: string, path: string, problems: string[]): K8sObject[] {
  let docs: readonly unknown[];
  try {
    docs = parsedDocuments(text);
  } catch (error) {
    problems.push(`${path}: ${(error as Error).message.split("\n")[0] ?? "invalid YAML"}`);
    return [];
  }
  const out: K8sObject[] = [];
  for (const value of docs) {
    if (value === null || value === undefined) continue;
    const meta = isRecord(value) ? value.metadata : undefined;
    if (
      !isRecord(value) ||
      typeof value.apiVersion !== "string" ||
      typeof value.kind !== "string" ||
      !isRecord(meta) ||
      typeof meta.name !== "string"
    ) {
      problems.push(`${path}: missing apiVersion, kind or metadata.name`);
      continue;
    }
    out.push(value as K8sObject);
  }
  return out;
}

// Most files of a tree are the same text in every environment but for their generated-by header
// line, and a run that renders many environments would parse them again for each; of the others,
// most documents are the same (one NetworkPolicy of many names an address range). Parses are kept
// by document: the text of a file after a leading comment line (a comment changes no value), cut
// before each line that starts with a `---` document marker, which always ends a document. A text
// that fails to parse is not kept and is parsed again as a whole, so its error keeps its own line
// numbers. Parses are frozen so no caller can change what another receives, up to a bound on the
// text held.
const parsed = new Map<string, readonly unknown[]>();
const PARSED_MAX_CHARS = 16 * 2 ** 20;
let parsedChars = 0;

const DOCUMENT_START = /^---(?=[ \t\n]|$)/gm;
// Where a cut could fall elsewhere than between documents: directives (they belong to the document
// after them), `...` document ends, line breaks other than \n (^ also matches after \r, \u2028 and
// \u2029), byte order marks.
const NOT_CUT = ["\n%", "\n...", "\r", "\u2028", "\u2029", "\ufeff"];
const cuttable = (body: string): boolean =>
  !body.startsWith("%") && !body.startsWith("...") && NOT_CUT.every((s) => !body.includes(s));

function parsedDocuments(text: string): readonly unknown[] {
  const body = text.startsWith("#") ? text.slice(text.indexOf("\n") + 1 || text.length) : text;
  // One document (no marker after the first line), or a text not to cut: kept whole.
  if (!body.includes("\n---") || !cuttable(body)) return parsedDocument(body, text);
  const starts = [0, ...Array.from(body.matchAll(DOCUMENT_START), (m) => m.index).filter((i) => i > 0)];
  if (starts.length === 1) return parsedDocument(body, text);
  const docs: unknown[] = [];
  for (let i = 0; i < starts.length; i++) {
    const part = body.slice(starts[i], starts[i + 1]);
    try {
      docs.push(...parsedDocument(part, part));
    } catch {
      return yaml.loadAll(text); // throws the error at the file's own line, or parses where a part did not
    }
  }
  return docs;
}

/** The documents of `text`, kept under `key` (the text without what changes no value). */
function parsedDocument(key: string, text: string): readonly unknown[] {
  const known = parsed.get(key);
  if (known) return known;
  const docs = deepFreeze(loadAllByShape(text) ?? yaml.loadAll(text));
  // Emptied when full, not trimmed oldest first: a Map iterated from its start walks every entry
  // deleted since its last rehash, which made each insertion slower the longer a run went on.
  if (parsedChars + key.length > PARSED_MAX_CHARS) {
    parsed.clear();
    parsedChars = 0;
  }
  parsed.set(key, docs);
  parsedChars += key.length;
  return docs;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Builds `dir` of `files` (paths relative to the repository root). */
export function buildDirectory(
  files: ReadonlyMap<string, string>,
  dir: string,
  seen: ReadonlySet<string> = new Set(),
): Built {
  const problems: string[] = [];
  const objects: K8sObject[] = [];
  const kustomizationPath = join(dir, "kustomization.yaml");
  const text = files.get(kustomizationPath);
  if (text === undefined)
    return { objects, problems: [`kustomization path not found: ${dir || "."} has no kustomization.yaml`] };
  if (seen.has(dir)) return { objects, problems: [`${kustomizationPath}: cycle in resources`] };
  let k: unknown;
  try {
    k = yaml.load(text);
  } catch (error) {
    return {
      objects,
      problems: [`${kustomizationPath}: ${(error as Error).message.split("\n")[0] ?? "invalid YAML"}`],
    };
  }
  if (!isRecord(k)) return { objects, problems: [`${kustomizationPath}: not a mapping`] };
  for (const key of Object.keys(k))
    if (!KNOWN_FIELDS.has(key))
      problems.push(`${kustomizationPath}: field ${key} is outside what the model understands`);

  for (const entry of (k.resources as unknown[] | undefined) ?? []) {
    const path = join(dir, String(entry));
    const file = files.get(path);
    if (file !== undefined) objects.push(...parseObjects(file, path, problems));
    else if (files.has(join(path, "kustomization.yaml"))) {
      const sub = buildDirectory(files, path, new Set([...seen, dir]));
      objects.push(...sub.objects);
      problems.push(...sub.problems);
    } else problems.push(`accumulating resources from '${String(entry)}': ${path} does not exist`);
  }
  for (const g of (k.configMapGenerator as unknown[] | undefined) ?? []) {
    if (!isRecord(g) || typeof g.name !== "string") {
      problems.push(`${kustomizationPath}: configMapGenerator entry without a name`);
      continue;
    }
    const data: Record<string, string> = {};
    for (const spec of (g.files as unknown[] | undefined) ?? []) {
      const [key, source] = String(spec).includes("=")
        ? String(spec).split("=", 2)
        : [String(spec).split("/").pop(), String(spec)];
      const content = files.get(join(dir, source ?? ""));
      if (content === undefined)
        problems.push(
          `${kustomizationPath}: configMapGenerator ${g.name} reads ${String(source)}, which does not exist`,
        );
      else data[key ?? ""] = content;
    }
    const metadata = { name: g.name, ...(typeof g.namespace === "string" ? { namespace: g.namespace } : {}) };
    objects.push({ apiVersion: "v1", kind: "ConfigMap", metadata, data });
  }
  return { objects, problems };
}
