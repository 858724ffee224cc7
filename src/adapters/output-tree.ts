// Writes a rendered tree to disk all-or-nothing: files go to a sibling temporary directory
// that replaces the target in one rename, so a failed run never leaves a half-written DIR.
import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { RenderedTree } from "../render/tree.js";

export async function writeTreeAtomically(outDir: string, tree: RenderedTree): Promise<void> {
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = `${outDir}.tmp-${stamp}`;
  const previous = `${outDir}.old-${stamp}`;
  try {
    for (const [path, content] of tree) {
      const target = join(staging, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    await mkdir(dirname(outDir), { recursive: true });
    const hadPrevious = await rename(outDir, previous).then(() => true, (e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return false;
      throw e;
    });
    await rename(staging, outDir);
    if (hadPrevious) await rm(previous, { recursive: true, force: true });
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}

export interface TreeDifference {
  missing: string[];
  changed: string[];
  extra: string[];
}

/** Compares DIR with a rendered tree: what `render --check` reports. */
export async function compareTree(outDir: string, tree: RenderedTree): Promise<TreeDifference> {
  const onDisk = new Set(await listFiles(outDir));
  const diff: TreeDifference = { missing: [], changed: [], extra: [] };
  for (const [path, content] of tree) {
    if (!onDisk.has(path)) diff.missing.push(path);
    else if ((await readFile(join(outDir, path), "utf8")) !== content) diff.changed.push(path);
    onDisk.delete(path);
  }
  diff.extra = [...onDisk].sort();
  return diff;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"));
}
