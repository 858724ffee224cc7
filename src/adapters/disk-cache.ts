// What the content-addressed caches (Bicep compilations, Helm templates) share: where they live,
// their size bound, entries written to a temporary file and renamed into place (so concurrent runs
// never read half an entry), any unreadable or foreign entry read as a miss, the least recently
// used evicted past the bound, and a tool binary named by what changes with each version installed.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, realpath, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** `<dirVar>` (a directory, or "off"), else $XDG_CACHE_HOME/codemie-gitops/<name>, else ~/.cache/…; undefined: off. */
export function cacheDirFromEnv(env: NodeJS.ProcessEnv, dirVar: string, name: string): string | undefined {
  const configured = env[dirVar];
  if (configured === "off") return undefined;
  return configured || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "codemie-gitops", name);
}

/** The bound `<mbVar>` sets in megabytes, else `defaultMb`. */
export function maxBytesFromEnv(env: NodeJS.ProcessEnv, mbVar: string, defaultMb: number): number {
  const mb = Number(env[mbVar]);
  return (Number.isFinite(mb) && mb > 0 ? mb : defaultMb) * 2 ** 20;
}

export interface EntryStore<T> {
  readonly dir: string;
  get(key: string): Promise<T | undefined>;
  put(key: string, value: T): Promise<void>;
}

/**
 * Entries `<dir>/<key>.json` holding `{ format, key, [field]: value }`; an entry of another format
 * or key, or whose value `valid` refuses, is a miss (and is overwritten by the next put).
 */
export function openEntryStore<T>(
  dir: string,
  maxBytes: number,
  shape: { format: number; field: string; valid: (value: unknown) => value is T },
): EntryStore<T> {
  return {
    dir,
    async get(key) {
      const file = join(dir, `${key}.json`);
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
      } catch {
        return undefined; // absent, or unreadable (truncated, corrupt): compute and overwrite
      }
      if (typeof entry !== "object" || entry === null || entry.format !== shape.format || entry.key !== key)
        return undefined;
      const value = entry[shape.field];
      if (!shape.valid(value)) return undefined;
      // Touched on use, so eviction takes the least recently used.
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      return value;
    },
    async put(key, value) {
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
        await writeFile(temp, JSON.stringify({ format: shape.format, key, [shape.field]: value }), { mode: 0o600 });
        await rename(temp, join(dir, `${key}.json`));
        await evict(dir, maxBytes);
      } catch {
        // A cache that cannot be written costs only speed.
      }
    },
  };
}

/**
 * Which tool runs, without starting it (the start is often what a cache saves): the resolved
 * binary's path, size and modification time, which change with every version installed.
 */
export async function binaryIdentity(executable: string): Promise<string> {
  const path = await realpath(executable);
  const s = await stat(path);
  return `${path}:${s.size}:${s.mtimeMs}`;
}

/** A temporary file this old was left by a run that died before renaming it. */
const ABANDONED_MS = 10 * 60_000;

async function evict(dir: string, maxBytes: number): Promise<void> {
  const all = await Promise.all(
    (await readdir(dir)).map(async (name) => {
      const s = await stat(join(dir, name)).catch(() => undefined);
      return { name, size: s?.size ?? 0, used: s?.mtimeMs ?? 0 };
    }),
  );
  for (const t of all.filter((e) => e.name.startsWith(".tmp-") && Date.now() - e.used > ABANDONED_MS))
    await rm(join(dir, t.name), { force: true });
  const entries = all.filter((e) => e.name.endsWith(".json"));
  let total = entries.reduce((sum, e) => sum + e.size, 0);
  for (const e of entries.sort((a, b) => a.used - b.used)) {
    if (total <= maxBytes) break;
    await rm(join(dir, e.name), { force: true });
    total -= e.size;
  }
}
