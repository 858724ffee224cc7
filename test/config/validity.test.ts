// The bundles validate in two parts (scripts/build.js): a lean check, generated from the schema without its
// annotations, that gives the verdict alone, and the verbose validator, a file beside the bundle's chunks loaded on
// the first invalid file. Both must agree with ajv compiling the schema itself (what the sources and tests run), on
// valid files and on random edits of them: the lean check says valid exactly when ajv does, and the loaded
// validator reports the same errors.
import { build } from "esbuild";
import fc from "fast-check";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { parse } from "yaml";
import { environmentValidator } from "../../src/config/validator.js";
import { tempDir, type TempDir } from "../engine/support/git-repos.js";
import { ROOT } from "../support/cli.js";

interface Bundled {
  environmentValidity(): (data: unknown) => boolean;
  environmentValidator(): typeof reference;
}

const reference = environmentValidator();
const seeds = ["dev", "staging", "prod"].map(
  (n) => parse(readFileSync(join(ROOT, "environments", `${n}.yaml`), "utf8")) as Record<string, unknown>,
);
let dir: TempDir;
let bundled: Bundled;

beforeAll(async () => {
  dir = tempDir("validity-");
  const outfile = join(dir.path, "validator.mjs");
  await build({
    entryPoints: [join(ROOT, "dist/build/validator-standalone.js")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    logLevel: "warning",
    banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
  });
  copyFileSync(join(ROOT, "dist/build/environment-errors.cjs"), join(dir.path, "environment-errors.cjs"));
  bundled = (await import(outfile)) as Bundled;
}, 60_000);
afterAll(() => dir.dispose());

/** Every path to a value in the document. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (value !== null && typeof value === "object")
    return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return [at];
}

const values = fc.oneof(
  fc.constantFrom("", "x", "-1", "10.0.0.0/8", "a".repeat(300), "🙂", "Production", 0, -1, 1.5, 1e9, true, null),
  fc.constantFrom([], {}, ["x"], [1, 1], { description: "x" }, { cpu: "1", memory: "1Gi" }),
  fc.string({ maxLength: 8 }),
  fc.integer(),
);

/** One edit: a value replaced, a key removed, or an unknown key added. */
const edited = fc
  .record({ seed: fc.nat(seeds.length - 1), pick: fc.nat(), kind: fc.nat(2), value: values, key: fc.string() })
  .map(({ seed, pick, kind, value, key }) => {
    const doc = structuredClone(seeds[seed]!);
    const all = paths(doc).filter((p) => p.length > 0);
    const path = all[pick % all.length]!;
    const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], doc) as Record<
      string | number,
      unknown
    >;
    const last = path[path.length - 1]!;
    if (kind === 0) parent[last] = value;
    else if (kind === 1 && !Array.isArray(parent)) delete parent[last];
    else if (!Array.isArray(parent)) parent[key] = value;
    return doc;
  });

const errorsOf = (validate: typeof reference, doc: unknown): unknown[] => {
  validate(doc);
  return (validate.errors ?? []).map((e) => ({ ...e, schema: undefined, parentSchema: undefined }));
};

test("the shipped environments are valid for the lean check", () => {
  for (const doc of seeds) expect(bundled.environmentValidity()(doc)).toBe(true);
});

test("the lean check gives ajv's verdict, and the loaded validator its errors, on random edits", () => {
  let invalid = 0;
  fc.assert(
    fc.property(edited, (doc) => {
      const verdict = reference(doc);
      if (!verdict) invalid++;
      expect(bundled.environmentValidity()(doc)).toBe(verdict);
      expect(errorsOf(bundled.environmentValidator(), doc)).toEqual(errorsOf(reference, doc));
    }),
    { numRuns: 400 },
  );
  // The edits reach both verdicts, or the comparison proves little.
  expect(invalid).toBeGreaterThan(100);
});
