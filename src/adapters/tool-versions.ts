// What a tool prints of its version, remembered per binary between runs: asking starts the tool
// (kubectl about 0.17 s of CPU, Helm 0.14 s), and every plan asked both. The key is the binary as
// the file system shows it (real path, device, inode, size, change and modification times), so a
// binary replaced, rebuilt or touched is asked again; only an answer is kept, never a failure.
// Location: CODEMIE_TOOL_CACHE (a directory, or "off"), else $XDG_CACHE_HOME/codemie-gitops/tools,
// else ~/.cache/codemie-gitops/tools; at most MAX_ENTRIES files. A cache that cannot be read or
// written costs only speed.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";
import { cacheDirFromEnv } from "./disk-cache.js";
import { isExecutableFile } from "./executable.js";

export const TOOL_CACHE_ENV = "CODEMIE_TOOL_CACHE";
const MAX_ENTRIES = 64;

/**
 * `ask()`'s answer for `command` run with `args`, from the cache when this binary answered before.
 * `command` is a path or a name looked up on PATH as execFile does; when it resolves to no
 * executable file the tool is asked every time.
 */
export async function rememberedVersion(
  command: string,
  args: readonly string[],
  ask: () => Promise<string>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const dir = cacheDirFromEnv(env, TOOL_CACHE_ENV, "tools");
  const identity = dir === undefined ? undefined : await binaryIdentity(command, env).catch(() => undefined);
  if (dir === undefined || identity === undefined) return ask();
  const key = `${identity}\0${args.join("\0")}`;
  const file = join(dir, `${createHash("sha256").update(key).digest("hex")}.json`);
  const entry = await readFile(file, "utf8").then(
    (text) => JSON.parse(text) as unknown,
    () => undefined,
  );
  if (isEntry(entry) && entry.key === key) return entry.output;
  const output = await ask();
  await store(dir, file, { key, output }).catch(() => undefined);
  return output;
}

async function binaryIdentity(command: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dirs = (env.PATH ?? "").split(delimiter);
  // A relative PATH entry depends on the working directory: such a lookup is not remembered.
  if (!command.includes("/") && dirs.some((d) => !isAbsolute(d))) return undefined;
  const found = command.includes("/") ? command : dirs.map((d) => join(d, command)).find((p) => isExecutableFile(p));
  if (found === undefined || !isExecutableFile(found)) return undefined;
  const path = await realpath(found);
  const s = await stat(path, { bigint: true });
  return [path, s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join(":");
}

/** Written whole under a temporary name and renamed, so a concurrent reader sees all or nothing. */
async function store(dir: string, file: string, entry: { key: string; output: string }): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const names = (await readdir(dir)).filter((n) => n.endsWith(".json"));
  if (names.length >= MAX_ENTRIES) {
    // Binaries come and go (test copies, upgrades): the oldest answers go first.
    const dated = await Promise.all(
      names.map(async (n) => ({
        n,
        t: await stat(join(dir, n)).then(
          (s) => s.mtimeMs,
          () => 0,
        ),
      })),
    );
    dated.sort((a, b) => a.t - b.t);
    const surplus = dated.slice(0, names.length - MAX_ENTRIES + 1);
    await Promise.all(surplus.map(({ n }) => rm(join(dir, n), { force: true })));
  }
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, JSON.stringify(entry), { mode: 0o600 });
  await rename(temporary, file);
}

function isEntry(entry: unknown): entry is { key: string; output: string } {
  return (
    typeof entry === "object" &&
    entry !== null &&
    typeof (entry as { key?: unknown }).key === "string" &&
    typeof (entry as { output?: unknown }).output === "string"
  );
}
