// Shipped environment files and edited copies of them, loaded the way `validate` loads them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { loadEnvironment, type LoadResult } from "../../src/app/load.js";

const root = join(import.meta.dirname, "../..");

export function shipped(name: string): string {
  return readFileSync(join(root, "environments", `${name}.yaml`), "utf8");
}

/** The file with each `path → value` set (undefined deletes), formatting otherwise kept. */
export function edited(text: string, edits: [path: (string | number)[], value: unknown][]): string {
  const doc = parseDocument(text);
  for (const [path, value] of edits) {
    if (value === undefined) doc.deleteIn(path);
    else doc.setIn(path, value);
  }
  return doc.toString();
}

export function load(name: string, text = shipped(name)): LoadResult {
  return loadEnvironment(`environments/${name}.yaml`, text, name);
}

export const MiB = 2 ** 20;
