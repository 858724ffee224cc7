// So that one run reports every independent error: the document with every value the schema
// rejects taken out (the resolver then applies its default) and every missing required value
// given a typed placeholder, plus the list of those paths. A check that reads one of them is
// skipped, because whatever it found would be an echo of the schema error, not a new problem.
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";

export type Path = readonly (string | number)[];

export interface Repaired {
  document: Record<string, unknown>;
  /** Paths whose written value was invalid or missing. */
  invalid: Path[];
}

/** The rounds a document needs: a removed required value comes back as a placeholder, whose object may need its own. */
const MAX_ROUNDS = 8;

export function repairDocument(data: Record<string, unknown>, validate: ValidateFunction): Repaired {
  const document = structuredClone(data);
  const invalid: Path[] = [];
  const placeholders = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS && !validate(document); round++) {
    let changed = false;
    for (const e of validate.errors ?? []) {
      const path = pathOf(e);
      // A placeholder is known to be wrong; only what it lacks to have the right shape is added.
      const underPlaceholder = [...placeholders].some((p) => isPrefix(p.split("\u0000"), path.map(String)));
      if (underPlaceholder && e.keyword !== "required") continue;
      if (e.keyword === "additionalProperties") {
        // An unknown key influences nothing: drop it, taint nothing.
        changed = remove(document, path) || changed;
        continue;
      }
      if (e.keyword === "required") {
        const schema = ((e.parentSchema as { properties?: Record<string, { type?: string }> }).properties ?? {})[
          path[path.length - 1] as string
        ];
        set(document, path, placeholder(schema?.type));
        placeholders.add(path.join("\u0000"));
        invalid.push(path);
        changed = true;
        continue;
      }
      // A bad array item takes its whole array: removing one item would shift its siblings' positions.
      const at = typeof path[path.length - 1] === "number" ? path.slice(0, -1) : path;
      invalid.push(path);
      changed = remove(document, at) || changed;
    }
    if (!changed) break;
  }
  return { document, invalid };
}

/** Whether a check reading `path` may run: nothing at, above or below it was invalid. */
export function validityOf(invalid: readonly Path[]): (path: Path) => boolean {
  const bad = invalid.map((p) => p.map(String));
  return (path) => {
    const p = path.map(String);
    return !bad.some((b) => isPrefix(b, p) || isPrefix(p, b));
  };
}

/** The instance path an error is about; for unknown keys and names, the offending key itself. */
export function pathOf(e: ErrorObject): (string | number)[] {
  const parts = e.instancePath === "" ? [] : e.instancePath.slice(1).split("/").map(unescape);
  if (e.keyword === "additionalProperties") parts.push((e.params as { additionalProperty: string }).additionalProperty);
  if (e.keyword === "propertyNames") parts.push((e.params as { propertyName: string }).propertyName);
  if (e.keyword === "required") parts.push((e.params as { missingProperty: string }).missingProperty);
  return parts;
}

function unescape(segment: string): string | number {
  const s = segment.replace(/~1/g, "/").replace(/~0/g, "~");
  return /^[0-9]+$/.test(s) ? Number(s) : s;
}

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}

function placeholder(type: string | undefined): unknown {
  switch (type) {
    case "object":
      return {};
    case "array":
      return [];
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    default:
      return "";
  }
}

function parentOf(document: Record<string, unknown>, path: Path): Record<string | number, unknown> | undefined {
  let node: unknown = document;
  for (const seg of path.slice(0, -1)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node !== null && typeof node === "object" ? (node as Record<string | number, unknown>) : undefined;
}

function remove(document: Record<string, unknown>, path: Path): boolean {
  const parent = parentOf(document, path);
  const key = path[path.length - 1];
  if (!parent || key === undefined || !Object.hasOwn(parent, key)) return false;
  delete parent[key];
  return true;
}

function set(document: Record<string, unknown>, path: Path, value: unknown): void {
  const parent = parentOf(document, path);
  if (parent) parent[path[path.length - 1]!] = value;
}
