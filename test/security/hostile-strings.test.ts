// Property: whatever strings a pull request puts in an environment file, rendering it and writing
// the output (the real pipeline and the real all-or-nothing writer) creates, changes or deletes
// nothing outside the output directory. Hostile strings go into every string field of the shipped
// files, and into tag names; an output directory holding a file of the user's is never replaced.
import fc from "fast-check";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { writeTreeAtomically } from "../../src/adapters/output-tree.js";
import { readToolkit } from "../../src/adapters/templates.js";
import { renderSources, type Toolkit } from "../../src/app/render-environment.js";
import { tempDir, type TempDir } from "../engine/support/git-repos.js";
import { ROOT } from "../support/cli.js";

const HOSTILE = [
  "../../../../tmp/owned",
  "/etc/passwd",
  "..",
  ".",
  "clusters/../../..",
  "a/../../b",
  ".git/config",
  "x\u0000y",
  "line\nbreak: true",
  "${{ secrets.GITOPS_TOKEN }}",
  "$(touch /tmp/pwned)",
  "`id`",
  "'; DROP --",
  '"}]); x',
  "<script>alert(1)</script>",
  "```\n</details>",
  "\u202e\u2028",
  "C:\\Windows\\system32",
  "~/.ssh/id_rsa",
  "https://evil.example/x",
  "a".repeat(300),
];

let toolkit: Toolkit;
let sandbox: TempDir;
let rendered = 0;
beforeAll(async () => {
  toolkit = await readToolkit(ROOT);
  sandbox = tempDir("hostile-render-");
});
afterAll(() => sandbox.dispose());

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Paths (as key lists) of every string leaf of a parsed document. */
function stringLeaves(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string") return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

function setAt(doc: Json, path: (string | number)[], text: string): void {
  let node = doc as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path[path.length - 1]!] = text;
}

/** Every file and directory under `dir` with its content, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => [
      join(e.parentPath, e.name),
      e.isFile() ? readFileSync(join(e.parentPath, e.name), "utf8") : "dir",
    ]),
  );
}

const sources = Object.fromEntries(
  ["dev", "staging", "prod"].map((n) => [
    n,
    parse(readFileSync(join(ROOT, "environments", `${n}.yaml`), "utf8")) as Json,
  ]),
);
const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);
const edit = fc.constantFrom("dev", "staging", "prod").chain((name) => {
  const leaves = stringLeaves(sources[name]!);
  return fc.record({
    name: fc.constant(name),
    changes: fc.array(fc.record({ leaf: fc.constantFrom(...leaves), text: hostile }), { minLength: 0, maxLength: 2 }),
    tag: fc.option(fc.record({ key: hostile, value: hostile }), { nil: undefined, freq: 2 }),
    /** The output directory already holds a file of the user's: it must survive. */
    occupied: fc.boolean(),
  });
});

test("no hostile string makes render touch anything outside its output directory", async () => {
  await fc.assert(
    fc.asyncProperty(edit, async ({ name, changes, tag, occupied }) => {
      const work = join(sandbox.path, "work");
      rmSync(work, { recursive: true, force: true });
      mkdirSync(join(work, "environments"), { recursive: true });
      writeFileSync(join(work, "canary.txt"), "untouched\n");
      mkdirSync(join(work, "sibling"));
      writeFileSync(join(work, "sibling", "keep.yaml"), "keep\n");
      const doc = structuredClone(sources[name]!) as Record<string, Json>;
      for (const { leaf, text } of changes) setAt(doc, leaf, text);
      if (tag) {
        const azure = doc.azure as Record<string, Json>;
        azure.tags = { ...((azure.tags as Record<string, Json> | undefined) ?? {}), [tag.key]: tag.value };
      }
      const file = `environments/${name}.yaml`;
      writeFileSync(join(work, file), stringify(doc));
      const outDir = join(work, "out", name);
      if (occupied) {
        mkdirSync(outDir, { recursive: true });
        writeFileSync(join(outDir, "mine.txt"), "the user's\n");
      }
      const before = snapshot(work);

      const outcome = renderSources(file, readFileSync(join(work, file), "utf8"), toolkit);
      if (outcome.tree) {
        for (const path of outcome.tree.keys())
          expect(posix.normalize(path) === path && !path.startsWith("/") && !path.split("/").includes(".."), path).toBe(
            true,
          );
        const written = writeTreeAtomically(outDir, outcome.tree, name);
        if (occupied)
          await expect(written).rejects.toThrow("is not empty and is not an output of codemie-gitops render");
        else await written;
        rendered += 1;
      }
      if (occupied) {
        expect(snapshot(work)).toEqual(before);
        return;
      }

      const after = snapshot(work);
      const outside = (snap: Record<string, string>): Record<string, string> =>
        Object.fromEntries(Object.entries(snap).filter(([p]) => p !== join(work, "out") && !p.startsWith(`${outDir}`)));
      expect(outside(after)).toEqual(outside(before));
      if (outcome.tree)
        expect(Object.keys(after).filter((p) => p.startsWith(`${outDir}/`)).length).toBeGreaterThan(outcome.tree.size);
    }),
    { numRuns: 60 },
  );
  // The property is only worth something if hostile files did render and write.
  expect(rendered).toBeGreaterThan(5);
}, 300_000);
