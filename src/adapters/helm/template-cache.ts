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
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, realpath, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, relative } from "node:path";

export const HELM_CACHE_DIR_ENV = "CODEMIE_HELM_CACHE";
export const HELM_CACHE_MAX_MB_ENV = "CODEMIE_HELM_CACHE_MAX_MB";
const DEFAULT_MAX_MB = 200;
/** Bumped when the entry format or what a key covers changes. */
const FORMAT = 1;

export interface TemplateCache {
  readonly dir: string;
  get(key: string): Promise<string | undefined>;
  put(key: string, text: string): Promise<void>;
}

/** The cache the environment configures; undefined when turned off. */
export function templateCacheFromEnv(env: NodeJS.ProcessEnv = process.env): TemplateCache | undefined {
  const configured = env[HELM_CACHE_DIR_ENV];
  if (configured === "off") return undefined;
  const dir = configured || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "codemie-gitops", "helm");
  const mb = Number(env[HELM_CACHE_MAX_MB_ENV]);
  return openTemplateCache(dir, Number.isFinite(mb) && mb > 0 ? mb * 2 ** 20 : DEFAULT_MAX_MB * 2 ** 20);
}

export function openTemplateCache(dir: string, maxBytes: number): TemplateCache {
  return {
    dir,
    async get(key) {
      const file = join(dir, `${key}.json`);
      let entry: unknown;
      try {
        entry = JSON.parse(await readFile(file, "utf8"));
      } catch {
        return undefined; // absent, or unreadable (truncated, corrupt): template and overwrite
      }
      if (!isEntry(entry, key)) return undefined;
      // Touched on use, so eviction takes the least recently used.
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      return entry.text;
    },
    async put(key, text) {
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
        await writeFile(temp, JSON.stringify({ format: FORMAT, key, text }), { mode: 0o600 });
        await rename(temp, join(dir, `${key}.json`));
        await evict(dir, maxBytes);
      } catch {
        // A cache that cannot be written costs only speed.
      }
    },
  };
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

/**
 * Which Helm templates, without starting it: the resolved binary's path, size and modification
 * time, which change with every version installed.
 */
async function binaryIdentity(executable: string): Promise<string> {
  const path = await realpath(executable);
  const s = await stat(path);
  return `${path}:${s.size}:${s.mtimeMs}`;
}

/** Every file under the chart directory (subcharts included), by path relative to it and content. */
async function chartDigest(dir: string): Promise<string> {
  const root = await realpath(dir);
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      const s = e.isSymbolicLink() ? await stat(path) : e;
      if (s.isDirectory()) await walk(path);
      else if (s.isFile()) files.push(path);
    }
  };
  await walk(root);
  const hash = createHash("sha256");
  for (const path of files.sort()) {
    const content = createHash("sha256")
      .update(await readFile(path))
      .digest("hex");
    hash.update(`\0${relative(root, path)}\0${content}`);
  }
  return hash.digest("hex");
}

function isEntry(entry: unknown, key: string): entry is { text: string } {
  if (typeof entry !== "object" || entry === null) return false;
  const e = entry as { format?: unknown; key?: unknown; text?: unknown };
  return e.format === FORMAT && e.key === key && typeof e.text === "string";
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
