// A content-addressed cache of Bicep compilations, so that a plan, render or deploy whose Bicep
// did not change never starts the compiler (about 4 s of .NET start-up cold). The key covers
// everything the output depends on: every file the compiler sees (the rendered Bicep, the
// modules, bicepconfig.json) and the Bicep CLI itself; the value is the ARM JSON and the
// diagnostics. Entries are written to a temporary file and renamed into place, so concurrent
// runs never read half an entry; the oldest entries are evicted past a size bound.
//
// Location: CODEMIE_BICEP_CACHE (a directory, or "off"), else $XDG_CACHE_HOME/codemie-gitops/bicep,
// else ~/.cache/codemie-gitops/bicep. Bound: CODEMIE_BICEP_CACHE_MAX_MB (default 200).
import { createHash } from "node:crypto";
import { binaryIdentity, cacheDirFromEnv, maxBytesFromEnv, openEntryStore, type EntryStore } from "../disk-cache.js";
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

export type CompileCache = EntryStore<CachedResult[]>;

/** The cache the environment configures; undefined when turned off. */
export function compileCacheFromEnv(env: NodeJS.ProcessEnv = process.env): CompileCache | undefined {
  const dir = cacheDirFromEnv(env, CACHE_DIR_ENV, "bicep");
  return dir === undefined ? undefined : openCompileCache(dir, maxBytesFromEnv(env, CACHE_MAX_MB_ENV, DEFAULT_MAX_MB));
}

export function openCompileCache(dir: string, maxBytes: number): CompileCache {
  return openEntryStore(dir, maxBytes, { format: FORMAT, field: "results", valid: isResults });
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
  hash.update(JSON.stringify({ format: FORMAT, bicep: await binaryIdentity(executable), entries }));
  for (const path of [...files.keys()].sort()) {
    hash.update(`\0${path}\0${createHash("sha256").update(files.get(path)!).digest("hex")}`);
  }
  return hash.digest("hex");
}

function isResults(results: unknown): results is CachedResult[] {
  return (
    Array.isArray(results) &&
    results.every((r) => typeof r === "object" && r !== null && Array.isArray((r as CachedResult).diagnostics))
  );
}
