// Finds and reads environment files on disk. Paths are reported relative to the working
// directory so diagnostics read like compiler output (environments/prod.yaml:12:5: ...).
// An environment file arrives by pull request, so it is read as hostile: it must be a regular
// file reached without a symbolic link, and no more than the size limit (plus one byte, to tell
// "too large") is ever read, so a link to /dev/zero, a FIFO or a device cannot hang, exhaust or
// leak anything.
import { constants, existsSync, lstatSync, type Stats } from "node:fs";
import { lstat, open, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { LIMITS } from "../config/yaml-source.js";

export const ENVIRONMENTS_DIR = "environments";
const EXTENSIONS = [".yaml", ".yml"];

export interface EnvironmentFile {
  /** Path as shown to the user. */
  file: string;
  text: string;
}

export class UsageError extends Error {}

/** An environment file that is not a plain file: reported like a diagnostic (file:1:1: error: ...), exit 1. */
export class EnvironmentFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}:1:1: error: ${reason}`);
    this.name = "EnvironmentFileError";
  }
}

const nameOf = (file: string): string => file.replace(/\.ya?ml$/, "");

export async function listEnvironmentFiles(root: string): Promise<string[]> {
  const dir = join(root, ENVIRONMENTS_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new UsageError(`no ${ENVIRONMENTS_DIR}/ directory in ${root}; run from the repository root or pass files`);
  }
  const files = names.filter((n) => /\.ya?ml$/.test(n)).sort();
  const seen = new Map<string, string>();
  for (const name of files) {
    const other = seen.get(nameOf(name));
    if (other)
      throw new UsageError(
        `${ENVIRONMENTS_DIR}/${other} and ${ENVIRONMENTS_DIR}/${name} are the same environment; keep one of them`,
      );
    seen.set(nameOf(name), name);
  }
  return files.map((n) => join(dir, n));
}

/** environments/NAME.yaml, or NAME.yml when only that exists: both spellings are the same environment everywhere. */
export function environmentPath(root: string, name: string): string {
  const [yaml, yml] = EXTENSIONS.map((ext) => join(root, ENVIRONMENTS_DIR, `${name}${ext}`)) as [string, string];
  const present = (path: string): boolean => existsSync(path) || isLink(path);
  if (present(yaml) && present(yml))
    throw new UsageError(
      `${ENVIRONMENTS_DIR}/${name}.yaml and ${ENVIRONMENTS_DIR}/${name}.yml are the same environment; keep one of them`,
    );
  return present(yml) ? yml : yaml;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function kind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a named pipe";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

/** Directories between the root and the file must not be links: a committed link could lead anywhere. */
async function refuseLinkedDirectories(path: string, root: string, file: string): Promise<void> {
  const inside = relative(root, path);
  if (inside.startsWith("..") || inside === "" || inside.startsWith(sep)) return;
  const parts = inside.split(sep).slice(0, -1);
  for (let i = 1; i <= parts.length; i += 1) {
    const dir = join(root, ...parts.slice(0, i));
    const stats = await lstat(dir).catch(() => undefined);
    if (stats?.isSymbolicLink())
      throw new EnvironmentFileError(
        file,
        `${relative(root, dir)} is a symbolic link; environment files are read ` +
          `only from plain directories of the repository`,
      );
  }
}

export async function readEnvironmentFile(path: string, root: string): Promise<EnvironmentFile> {
  const file = relative(root, path) || path;
  await refuseLinkedDirectories(path, root, file);
  let handle;
  try {
    // O_NOFOLLOW: a link is refused, not read through; O_NONBLOCK: opening a FIFO cannot hang.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UsageError(`${file}: no such file`);
    if (code === "ELOOP")
      throw new EnvironmentFileError(
        file,
        "is a symbolic link; an environment file must be a regular file in the repository",
      );
    throw new EnvironmentFileError(file, `cannot be read (${code ?? "unknown error"})`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile())
      throw new EnvironmentFileError(file, `is ${kind(stats)}; an environment file must be a regular file`);
    // One byte past the limit is enough for the parser to say "too large".
    const buffer = Buffer.alloc(LIMITS.maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    return { file, text: buffer.subarray(0, length).toString("utf8") };
  } finally {
    await handle.close();
  }
}
