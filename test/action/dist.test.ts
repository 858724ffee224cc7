// The committed bundles are exactly what the sources build to (GitHub runs them as committed),
// each small enough to load fast. CI's check-dist workflow makes the same comparison with git.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { tempDir, type TempDir } from "../engine/support/git-repos.js";
import { ROOT } from "../support/cli.js";

const BUNDLES = [
  "validate/dist/index.js",
  "plan/dist/index.js",
  "deploy/dist/index.js",
  "status/dist/index.js",
  "promote/dist/index.js",
  "dist/index.js",
];

let fresh: TempDir;
beforeAll(() => {
  fresh = tempDir("actions-build-");
  execFileSync(process.execPath, ["scripts/build.js", "--actions-out", fresh.path], { cwd: ROOT, stdio: "pipe" });
}, 120_000);
afterAll(() => fresh.dispose());

test.each(BUNDLES)("actions/%s matches a fresh build (run npm run build and commit it if not)", (bundle) => {
  const committed = readFileSync(join(ROOT, "actions", bundle), "utf8");
  const built = readFileSync(join(fresh.path, bundle), "utf8");
  expect(committed === built).toBe(true);
});

/** The chunks a split bundle loads on demand, beside its entry (none for a single-file bundle). */
function chunksOf(actionsRoot: string, bundle: string): string[] {
  const dir = join(actionsRoot, bundle, "..", "chunks");
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

test.each(BUNDLES)("actions/%s: its chunks match a fresh build, none missing and none stale", (bundle) => {
  const built = chunksOf(fresh.path, bundle);
  expect(chunksOf(join(ROOT, "actions"), bundle)).toEqual(built);
  for (const chunk of built) {
    const path = join(bundle, "..", "chunks", chunk);
    expect(
      readFileSync(join(ROOT, "actions", path), "utf8") === readFileSync(join(fresh.path, path), "utf8"),
      path,
    ).toBe(true);
  }
});

test.each(BUNDLES)("actions/%s stays under 5 MB", (bundle) => {
  expect(statSync(join(ROOT, "actions", bundle)).size).toBeLessThan(5 * 1024 * 1024);
});

test(
  "the validate action's entry loads neither Octokit nor undici: the " +
    "GitHub client is a chunk imported when a run calls the API",
  () => {
    const dist = join(ROOT, "actions/validate/dist");
    const entry = readFileSync(join(dist, "index.js"), "utf8");
    const staticChunks = [...entry.matchAll(/from\s*"\.\/(chunks\/[^"]+)"/g)].map((m) => m[1]!);
    const loadedAtStart = [entry, ...staticChunks.map((c) => readFileSync(join(dist, c), "utf8"))].join("\n");
    expect(loadedAtStart).not.toMatch(/octokit|undici/i);
    const lazy = [...entry.matchAll(/import\(\s*"\.\/(chunks\/[^"]+)"\s*\)/g)].map((m) =>
      readFileSync(join(dist, m[1]!), "utf8"),
    );
    expect(lazy.some((text) => /octokit/i.test(text) && /undici/i.test(text))).toBe(true);
  },
);

test.each(["plan", "deploy"])(
  "actions/%s carries the templates precompiled by the build and no Handlebars parser or compiler",
  (name) => {
    const dist = join(fresh.path, name, "dist");
    const code = [
      join(dist, "index.js"),
      ...chunksOf(fresh.path, `${name}/dist/index.js`).map((c) => join(dist, "chunks", c)),
    ]
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    expect(code).toContain('"helm-values/api.yaml.hbs":{');
    expect(code).toContain('compiler:[8,">= 4.3.0"]');
    expect(code).not.toMatch(/Parse error on line|Handlebars AST to Handlebars\.precompile|print values with/);
  },
);
