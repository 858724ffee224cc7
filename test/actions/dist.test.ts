// The committed bundles are exactly what the sources build to (GitHub runs them as committed),
// each small enough to load fast. CI's check-dist workflow makes the same comparison with git.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { tempDir, type TempDir } from "../engine/support/git-repos.js";
import { ROOT } from "../support/cli.js";

const BUNDLES = ["validate/dist/index.js", "plan/dist/index.js", "deploy/dist/index.js", "status/dist/index.js", "dist/index.js"];

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

test.each(BUNDLES)("actions/%s stays under 5 MB", (bundle) => {
  expect(statSync(join(ROOT, "actions", bundle)).size).toBeLessThan(5 * 1024 * 1024);
});
