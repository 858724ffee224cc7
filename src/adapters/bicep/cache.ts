// A content-addressed cache of Bicep compilations, so that a plan, render or deploy whose Bicep
// did not change never starts the compiler (about 4 s of .NET start-up cold). The key covers
// everything the output depends on: every file the compiler sees (the rendered Bicep, the
// modules, bicepconfig.json) and the Bicep CLI itself; the value is the ARM JSON and the
// diagnostics. Entries are written to a temporary file and renamed into place, so concurrent
// runs never read half an entry; the oldest entries are evicted past a size bound.
//
// Location: CODEMIE_BICEP_CACHE (a directory, or "off"), else $XDG_CACHE_HOME/codemie-gitops/bicep,
// else ~/.cache/codemie-gitops/bicep. Bound: CODEMIE_BICEP_CACHE_MAX_MB (default 200).
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, realpath, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ArmTemplate } from "./compile.js";
import type { BicepDiagnostic } from "./diagnostics.js";

export const CACHE_DIR_ENV = "CODEMIE_BICEP_CACHE";
export const CACHE_MAX_MB_ENV = "CODEMIE_BICEP_CACHE_MAX_MB";
const DEFAULT_MAX_MB = 200;
/** Bumped when the entry format or what a key covers changes. */
const FORMAT = 1;

/** One compiled entry file: its ARM template (undefined when the build failed) and diagnostics. */
export interface CachedResult {
  template: ArmTemplate | undefined;
  diagnostics: BicepDiagnostic[];
}

export interface CompileCache {
  readonly dir: string;
  get(key: string): Promise<CachedResult[] | undefined>;
  put(key: string, results: CachedResult[]): Promise<void>;
}

/** The cache the environment configures; undefined when turned off. */
export function compileCacheFromEnv(env: NodeJS.ProcessEnv = process.env): CompileCache | undefined {
  const configured = env[CACHE_DIR_ENV];
  if (configured === "off") return undefined;
  const dir =
    configured || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "codemie-gitops", "bicep");
  const mb = Number(env[CACHE_MAX_MB_ENV]);
  return openCompileCache(dir, Number.isFinite(mb) && mb > 0 ? mb * 2 ** 20 : DEFAULT_MAX_MB * 2 ** 20);
}

export function openCompileCache(dir: string, maxBytes: number): CompileCache {
  return {
    dir,
    async get(key) {
      const file = join(dir, `${key}.json`);
      let entry: unknown;
      try {
        entry = JSON.parse(await readFile(file, "utf8"));
      } catch {
        return undefined; // absent, or unreadable: compile and overwrite
      }
      if (!isEntry(entry, key)) return undefined;
      // Touched on use, so eviction takes the least recently used.
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      return entry.results;
    },
    async put(key, results) {
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
        await writeFile(temp, JSON.stringify({ format: FORMAT, key, results }), { mode: 0o600 });
        await rename(temp, join(dir, `${key}.json`));
        await evict(dir, maxBytes);
      } catch {
        // A cache that cannot be written costs only speed.
      }
    },
  };
}

/**
 * The key of compiling `entries` among `files` (path → content, as written for the compiler)
 * with the Bicep CLI at `executable`.
 */
export async function compileKey(
  files: ReadonlyMap<string, string>,
  entries: readonly string[],
  executable: string,
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ format: FORMAT, bicep: await bicepIdentity(executable), entries }));
  for (const path of [...files.keys()].sort()) {
    hash.update(`\0${path}\0${createHash("sha256").update(files.get(path)!).digest("hex")}`);
  }
  return hash.digest("hex");
}

/**
 * Which Bicep CLI compiles, without starting it (the start is what the cache saves): the
 * resolved binary's path, size and modification time, which change with every version installed.
 */
async function bicepIdentity(executable: string): Promise<string> {
  const path = await realpath(executable);
  const s = await stat(path);
  return `${path}:${s.size}:${s.mtimeMs}`;
}

function isEntry(entry: unknown, key: string): entry is { results: CachedResult[] } {
  if (typeof entry !== "object" || entry === null) return false;
  const e = entry as { format?: unknown; key?: unknown; results?: unknown };
  return (
    e.format === FORMAT &&
    e.key === key &&
    Array.isArray(e.results) &&
    e.results.every((r) => typeof r === "object" && r !== null && Array.isArray((r as CachedResult).diagnostics))
  );
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
