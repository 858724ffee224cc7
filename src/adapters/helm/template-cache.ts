// A content-addressed cache of `helm template` output, so that plans, deploys and chart checks
// that template the same chart with the same values (every run, every test file) start Helm once.
// The key covers everything the output depends on: every file of the chart (its content, not
// only its name and version), the exact values, the flags of the call (release name, namespace,
// kube version, API versions, CRDs), the HELM_* environment and the Helm binary itself; the value
// is the text Helm printed. Post-renderers run on that text afterwards, so they are not in the
// key. Failures are never cached. Entries are written to a temporary file and renamed into place,
// so concurrent runs never read half an entry; the least recently used go past a size bound.
//
// Location: CODEMIE_HELM_CACHE (a directory, or "off"), else $XDG_CACHE_HOME/codemie-gitops/helm,
// else ~/.cache/codemie-gitops/helm. Bound: CODEMIE_HELM_CACHE_MAX_MB (default 200).
import { createHash } from "node:crypto";
import { chartDigest } from "./chart-digest.js";
import { binaryIdentity, cacheDirFromEnv, maxBytesFromEnv, openEntryStore, type EntryStore } from "../disk-cache.js";

export const HELM_CACHE_DIR_ENV = "CODEMIE_HELM_CACHE";
export const HELM_CACHE_MAX_MB_ENV = "CODEMIE_HELM_CACHE_MAX_MB";
const DEFAULT_MAX_MB = 200;
/** Bumped when the entry format or what a key covers changes. */
const FORMAT = 1;

/** Helm's output by key. */
export type TemplateCache = EntryStore<string>;

/** The cache the environment configures; undefined when turned off. */
export function templateCacheFromEnv(env: NodeJS.ProcessEnv = process.env): TemplateCache | undefined {
  const dir = cacheDirFromEnv(env, HELM_CACHE_DIR_ENV, "helm");
  return dir === undefined
    ? undefined
    : openTemplateCache(dir, maxBytesFromEnv(env, HELM_CACHE_MAX_MB_ENV, DEFAULT_MAX_MB));
}

export function openTemplateCache(dir: string, maxBytes: number): TemplateCache {
  return openEntryStore(dir, maxBytes, {
    format: FORMAT,
    field: "text",
    valid: (v): v is string => typeof v === "string",
  });
}

/** What one `helm template` call is given; `args` without the values file's (temporary) path. */
export interface TemplateCall {
  helm: string;
  chartDir: string;
  args: readonly string[];
  /** The values file's exact content. */
  values: string;
}

/** The key of one `helm template` call. */
export async function templateKey(call: TemplateCall, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const helmEnv = Object.entries(env)
    .filter(([name]) => name.startsWith("HELM_"))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ format: FORMAT, helm: await binaryIdentity(call.helm), args: call.args, helmEnv }));
  hash.update(`\0values\0${createHash("sha256").update(call.values).digest("hex")}`);
  hash.update(`\0chart\0${await chartDigest(call.chartDir)}`);
  return hash.digest("hex");
}
