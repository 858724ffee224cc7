// Golden files: the rendered GitOps tree of every shipped environment, committed under
// test/golden/<env>/, so every change to rendered output shows up in review. After an
// intended change, refresh them with:
//
//   UPDATE_GOLDEN=1 npx vitest run test/render/gitops/golden.test.ts
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_NAMES, ROOT, loadEnv, render } from "./support.js";

const UPDATE = process.env.UPDATE_GOLDEN === "1";

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

describe.each(ENV_NAMES)("golden tree of environments/%s.yaml", (name) => {
  const dir = join(ROOT, "test/golden", name);

  it("matches test/golden (UPDATE_GOLDEN=1 rewrites it)", async () => {
    const tree = await render(loadEnv(name));
    if (UPDATE) {
      await rm(dir, { recursive: true, force: true });
      for (const [path, content] of tree) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
    }
    const onDisk = await listFiles(dir);
    const rendered = [...tree.keys()].sort();
    const missing = rendered.filter((p) => !onDisk.includes(p));
    const extra = onDisk.filter((p) => !tree.has(p));
    expect(
      { missing, extra },
      `file list of test/golden/${name} differs; run UPDATE_GOLDEN=1 npx ` +
        `vitest run test/render/gitops/golden.test.ts and review the diff`,
    ).toEqual({ missing: [], extra: [] });
    for (const path of rendered) {
      const golden = await readFile(join(dir, path), "utf8");
      // vitest prints a line diff of the first file that differs.
      expect(
        tree.get(path),
        `test/golden/${name}/${path} is stale; run UPDATE_GOLDEN=1 npx vitest ` +
          `run test/render/gitops/golden.test.ts and review the diff`,
      ).toBe(golden);
    }
  });
});
