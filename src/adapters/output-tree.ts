// Writes a rendered tree to disk all-or-nothing: files go to a sibling temporary directory
// that replaces the target in one rename, so a failed run never leaves a half-written DIR.
// DIR is replaced only when it is the tool's own: absent, empty, or a previous output of the
// same environment (a marker file names the tool, the environment and every file it wrote)
// holding nothing else. Anything else (a checkout, a file, a link, a user's own file inside a
// previous output) is refused before anything moves.
import { lstat, mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { RenderedTree } from "../render/tree.js";
import { UsageError } from "./environment-files.js";

export const OUTPUT_MARKER = ".codemie-gitops-output";
const MARKER_HEADER = "codemie-gitops render output";

function markerText(environment: string, tree: RenderedTree): string {
  return [
    `${MARKER_HEADER}`,
    `environment: ${environment}`,
    "files:",
    ...[...tree.keys()].sort().map((p) => `  ${p}`),
    "",
  ].join("\n");
}

function parseMarker(text: string): { environment: string; files: Set<string> } | undefined {
  const lines = text.split("\n");
  const environment = /^environment: (.*)$/.exec(lines[1] ?? "")?.[1];
  if (lines[0] !== MARKER_HEADER || environment === undefined || lines[2] !== "files:") return undefined;
  return {
    environment,
    files: new Set(
      lines
        .slice(3)
        .filter((l) => l.startsWith("  "))
        .map((l) => l.slice(2)),
    ),
  };
}

/**
 * Throws unless DIR may be replaced: absent, an empty directory, or this environment's previous output and nothing
 * else.
 */
export async function assertOwnedOutput(outDir: string, shown: string, environment: string): Promise<void> {
  const stats = await lstat(outDir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    throw e;
  });
  if (stats === undefined) return;
  if (stats.isSymbolicLink())
    throw new UsageError(`${shown} is a symbolic link; render writes only to a directory of its own`);
  if (!stats.isDirectory())
    throw new UsageError(`${shown} exists and is not a directory; render never replaces a file`);
  const entries = await readdir(outDir, { recursive: true, withFileTypes: true });
  if (entries.length === 0) return;
  const marker = await lstat(join(outDir, OUTPUT_MARKER)).catch(() => undefined);
  const owned = marker?.isFile() ? parseMarker(await readFile(join(outDir, OUTPUT_MARKER), "utf8")) : undefined;
  if (!owned)
    throw new UsageError(
      `${shown} is not empty and is not an output of codemie-gitops render (no ` +
        `${OUTPUT_MARKER}); choose a new or empty directory`,
    );
  if (owned.environment !== environment)
    throw new UsageError(
      `${shown} holds the output of environment "${owned.environment}", not "${environment}"; choose another directory`,
    );
  for (const entry of entries) {
    const path = relative(outDir, join(entry.parentPath, entry.name)).split("\\").join("/");
    if (entry.isDirectory() || path === OUTPUT_MARKER) continue;
    if (!entry.isFile() || !owned.files.has(path))
      throw new UsageError(
        `${shown}/${path} was not written by codemie-gitops render; move it away or choose another directory`,
      );
  }
}

export async function writeTreeAtomically(
  outDir: string,
  tree: RenderedTree,
  environment: string,
  shown = outDir,
): Promise<void> {
  await assertOwnedOutput(outDir, shown, environment);
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = `${outDir}.tmp-${stamp}`;
  const previous = `${outDir}.old-${stamp}`;
  await mkdir(dirname(outDir), { recursive: true });
  // Fails if the name is taken: the staging directory is always this run's own.
  await mkdir(staging);
  try {
    for (const [path, content] of tree) {
      const target = join(staging, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content, { flag: "wx" });
    }
    await writeFile(join(staging, OUTPUT_MARKER), markerText(environment, tree), { flag: "wx" });
    const hadPrevious = await rename(outDir, previous).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") return false;
        throw e;
      },
    );
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

/** Compares DIR with a rendered tree: what `render --check` reports. Links are never followed. */
export async function compareTree(outDir: string, tree: RenderedTree): Promise<TreeDifference> {
  const onDisk = new Set(await listFiles(outDir));
  const diff: TreeDifference = { missing: [], changed: [], extra: [] };
  for (const [path, content] of tree) {
    if (!onDisk.has(path)) diff.missing.push(path);
    else if ((await readFile(join(outDir, path), "utf8")) !== content) diff.changed.push(path);
    onDisk.delete(path);
  }
  onDisk.delete(OUTPUT_MARKER);
  diff.extra = [...onDisk].sort();
  return diff;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"));
}
