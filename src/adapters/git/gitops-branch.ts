// The environment's GitOps branch, which Flux pulls. Every operation works in a private temporary
// repository (never in the user's checkout) and only through git plumbing: the branch tip is
// fetched into the object store and read into the index, the directory the toolkit owns is
// replaced there by the rendered files, and the result is diffed (plan) or committed and pushed
// (deploy). Nothing is ever checked out, so no path of the fetched tree is followed on disk: the
// branch is remote content, and a symbolic link or submodule at or above the owned directory, or
// at a preserved file, is refused before anything is staged. Pushes are never forced: a branch
// that moved since the caller looked is refused.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import {
  BranchMovedError,
  type FileChange,
  type GitopsBranchPort,
  type PublishedTree,
  type PublishRequest,
  type PublishResult,
  type TreeChanges,
} from "../../engine/ports.js";
import { configEnvironment, tokenConfig } from "./credentials.js";
import { git } from "./git.js";

export interface GitopsBranchOptions {
  /** URL or local path of the GitOps repository. */
  remote: string;
  branch: string;
  /** Directory of the branch the toolkit owns, replaced as a whole on every publish; "" owns the whole branch. */
  root: string;
  /** Token for an https remote; handed to git in its environment, never on a command line or in a file. */
  token?: string;
  /** Hosts (host[:port]) the token may be sent to; see trustedGitopsHosts. Default: github.com. */
  trustedHosts?: readonly string[];
  /** Limit for each network operation (ls-remote, fetch, push). Default 120 s. */
  networkTimeoutMs?: number;
}

const FALLBACK_IDENTITY = [
  "-c",
  "user.name=codemie-gitops",
  "-c",
  "user.email=codemie-gitops@users.noreply.github.com",
];
const CHANGE: Record<string, FileChange["change"]> = { A: "added", M: "modified", D: "deleted", T: "modified" };
const REGULAR = new Set(["100644", "100755"]);
const DIFF = ["--no-renames", "--no-color", "--no-ext-diff", "--no-textconv"];

/** The fetched branch holds something the toolkit will not follow or overwrite. */
export class UnsafeBranchError extends Error {
  constructor(branch: string, path: string, what: string) {
    super(
      `refusing to use ${branch}: ${path} is ${what} on the branch, and the ` +
        `toolkit follows no link or submodule of a GitOps branch; replace it ` +
        `with a plain directory or file`,
    );
    this.name = "UnsafeBranchError";
  }
}

interface TreeEntry {
  mode: string;
  object: string;
}

/** The engine's GitOps branch port over git. */
export class GitopsBranch implements GitopsBranchPort {
  private readonly timeoutMs: number;
  /** Carries the scoped token header; empty without a token or for a non-https remote. */
  private readonly gitEnv: NodeJS.ProcessEnv;

  constructor(private readonly options: GitopsBranchOptions) {
    if (options.remote.startsWith("-")) throw new Error(`invalid GitOps remote "${options.remote}"`);
    this.timeoutMs = options.networkTimeoutMs ?? 120_000;
    // Throws for an untrusted host here, before any git command could send the token anywhere.
    this.gitEnv = {
      GIT_LITERAL_PATHSPECS: "1",
      ...configEnvironment(tokenConfig(options.remote, options.token, options.trustedHosts ?? ["github.com"])),
    };
  }

  get branch(): string {
    return this.options.branch;
  }

  /** The branch tip, or undefined when the branch does not exist. */
  async head(): Promise<string | undefined> {
    return this.inClone((dir) => this.remoteHead(dir));
  }

  /**
   * The branch tip and one file of it (undefined when the tip lacks it), read from the same
   * fetch so a publish can name exactly that tip as its parent; undefined when the branch does
   * not exist. A link or submodule in the file's place is refused, never read through.
   */
  async readAtTip(path: string): Promise<{ tip: string; text: string | undefined } | undefined> {
    if (!isSafeRelativePath(path)) throw new Error(`refusing to read ${path}: not a path inside the branch`);
    return this.inClone(async (dir) => {
      const tip = await this.fetchTip(dir, await this.remoteHead(dir));
      if (tip === undefined) return undefined;
      const entry = await this.plainFile(dir, tip, path, await this.along(dir, tip, [path]));
      return { tip, text: entry ? await this.run(["cat-file", "blob", entry.object], dir) : undefined };
    });
  }

  /** What publishing these files would change, without committing anything. */
  async tipCommit(): Promise<{ sha: string; message: string } | undefined> {
    return this.inClone(async (dir) => {
      const tip = await this.fetchTip(dir, await this.remoteHead(dir));
      return tip === undefined
        ? undefined
        : { sha: tip, message: await this.run(["log", "-1", "--format=%B", tip], dir) };
    });
  }

  /** With `published`, also the branch's files under the owned root, read from the objects (never checked out). */
  async preview(
    files: ReadonlyMap<string, string>,
    preserve: readonly string[] = [],
    options: { published?: boolean } = {},
  ): Promise<TreeChanges> {
    return this.inClone(async (dir) => {
      const base = await this.fetchTip(dir, await this.remoteHead(dir));
      await this.stage(dir, base, files, preserve);
      const against = base === undefined ? [] : [base];
      const [changed, patch, published] = await Promise.all([
        this.changes(dir, base),
        this.run(["diff", "--cached", ...DIFF, ...against, "--"], dir),
        options.published ? this.publishedTree(dir, base) : Promise.resolve(undefined),
      ]);
      return { base, files: changed, patch, ...(published ? { published } : {}) };
    });
  }

  /** The regular files under the owned root at the tip; a link, submodule or odd path there is listed, never read. */
  private async publishedTree(dir: string, tip: string | undefined): Promise<PublishedTree> {
    const files = new Map<string, string>();
    const refused: string[] = [];
    if (tip === undefined) return { files, refused };
    const root = this.options.root.replace(/\/+$/, "");
    const listed = await this.along(dir, tip, root ? [root] : []);
    if (root && !(await this.plainParents(dir, tip, root, listed))) return { files, refused };
    const blobs: Array<{ path: string; object: string }> = [];
    for (const [path, { mode, object }] of listed) {
      // The listing also holds the directories on the way and below: those are not files.
      if (isTree(mode) || (root && path !== root && !path.startsWith(`${root}/`))) continue;
      if (REGULAR.has(mode) && isSafeRelativePath(path)) blobs.push({ path, object });
      else refused.push(path);
    }
    for (let i = 0; i < blobs.length; i += 16) {
      const batch = blobs.slice(i, i + 16);
      const texts = await Promise.all(batch.map((b) => this.run(["cat-file", "blob", b.object], dir)));
      batch.forEach((b, j) => files.set(b.path, texts[j]!));
    }
    return { files, refused };
  }

  async publish(files: ReadonlyMap<string, string>, request: PublishRequest): Promise<PublishResult> {
    return this.inClone(async (dir) => {
      const tip = await this.remoteHead(dir);
      if (tip !== request.expectedParent) throw new BranchMovedError(this.branch, request.expectedParent, tip);
      await this.fetchTip(dir, tip);
      await this.stage(dir, tip, files, request.preserve ?? []);
      const changed = await this.changes(dir, tip);
      if (changed.length === 0 && !request.allowEmpty) {
        if (tip === undefined) throw new Error(`nothing to publish under ${this.options.root}/`);
        return { status: "unchanged", commit: tip };
      }
      // The user's own identity when git has one; CI runners usually have none.
      const identity = await this.run(["var", "GIT_COMMITTER_IDENT"], dir).then(
        () => [],
        () => FALLBACK_IDENTITY,
      );
      const tree = (await this.run(["write-tree"], dir)).trim();
      const parent = tip === undefined ? [] : ["-p", tip];
      const commit = (await this.run([...identity, "commit-tree", tree, ...parent, "-m", request.message], dir)).trim();
      try {
        await this.run(
          ["push", "-q", "--no-verify", this.options.remote, `${commit}:refs/heads/${this.branch}`],
          dir,
          this.timeoutMs,
        );
      } catch (error) {
        // A non-fast-forward refusal means someone pushed since the check above.
        const now = await this.remoteHead(dir).catch(() => tip);
        if (now !== tip) throw new BranchMovedError(this.branch, tip, now);
        throw error;
      }
      return { status: "published", commit, parent: tip, files: changed };
    });
  }

  private run(args: readonly string[], cwd: string, timeoutMs?: number): Promise<string> {
    return git(args, { cwd, env: this.gitEnv, ...(timeoutMs ? { timeoutMs } : {}) });
  }

  /** A fresh repository in a private (0700) temporary directory, removed afterwards. */
  private async inClone<T>(work: (dir: string) => Promise<T>): Promise<T> {
    const home = await mkdtemp(join(tmpdir(), "codemie-gitops-branch-"));
    const dir = join(home, "repo");
    try {
      await mkdir(dir, { mode: 0o700 });
      await this.run(["init", "-q", dir], home);
      return await work(dir);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }

  private async remoteHead(dir: string): Promise<string | undefined> {
    const out = await this.run(["ls-remote", this.options.remote, `refs/heads/${this.branch}`], dir, this.timeoutMs);
    return /^([0-9a-f]{40,64})\t/m.exec(out)?.[1];
  }

  /** Fetches the tip into the object store only: nothing of it reaches the file system as files. */
  private async fetchTip(dir: string, tip: string | undefined): Promise<string | undefined> {
    if (tip === undefined) return undefined;
    await this.run(
      [
        "fetch",
        "-q",
        "--depth=1",
        "--no-tags",
        "--no-recurse-submodules",
        this.options.remote,
        `refs/heads/${this.branch}`,
      ],
      dir,
      this.timeoutMs,
    );
    const fetched = (await this.run(["rev-parse", "--verify", "FETCH_HEAD^{commit}"], dir)).trim();
    if (fetched !== tip) throw new BranchMovedError(this.branch, tip, fetched);
    return tip;
  }

  /** The tip's entry at a path, without following anything; undefined when absent. */
  private async entry(dir: string, tip: string, path: string): Promise<TreeEntry | undefined> {
    const out = await this.run(["ls-tree", "-z", tip, "--", path], dir);
    const match = /^(\d+) \w+ ([0-9a-f]+)\t(.*)$/s.exec(out.split("\0")[0] ?? "");
    return match && match[3] === path ? { mode: match[1]!, object: match[2]! } : undefined;
  }

  /**
   * The tip's entries at the paths (all of the tip without any), keyed by path, from one ls-tree:
   * each path itself, the directories on the way to it and everything below it. Nothing is
   * followed: a path below a link or submodule is not there, and neither is the link (`entry`).
   */
  private async along(dir: string, tip: string, paths: readonly string[]): Promise<Map<string, TreeEntry>> {
    const out = await this.run(["ls-tree", "-r", "-t", "-z", "--full-tree", tip, "--", ...paths], dir);
    const entries = new Map<string, TreeEntry>();
    for (const record of out.split("\0")) {
      const match = /^(\d+) \w+ ([0-9a-f]+)\t(.*)$/s.exec(record);
      if (match) entries.set(match[3]!, { mode: match[1]!, object: match[2]! });
    }
    return entries;
  }

  /**
   * Every directory above `path` is a plain directory, or absent (then so is everything below).
   * `listed` is `along` of `path`: a directory it lacks is absent or not a directory, which one
   * `entry` tells.
   */
  private async plainParents(
    dir: string,
    tip: string,
    path: string,
    listed: ReadonlyMap<string, TreeEntry>,
  ): Promise<boolean> {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i += 1) {
      const prefix = parts.slice(0, i).join("/");
      const found = listed.get(prefix) ?? (await this.entry(dir, tip, prefix));
      if (found === undefined) return false;
      if (!isTree(found.mode)) throw new UnsafeBranchError(this.branch, prefix, describe(found.mode));
    }
    return true;
  }

  /** The regular file at `path`, undefined when absent; a link or submodule there or above is refused. */
  private async plainFile(
    dir: string,
    tip: string,
    path: string,
    listed: ReadonlyMap<string, TreeEntry>,
  ): Promise<TreeEntry | undefined> {
    if (!(await this.plainParents(dir, tip, path, listed))) return undefined;
    const found = listed.get(path);
    if (found !== undefined && !REGULAR.has(found.mode))
      throw new UnsafeBranchError(this.branch, path, describe(found.mode));
    return found;
  }

  /** Replaces the owned root with the files (keeping the preserved ones) in the index. */
  private async stage(
    dir: string,
    tip: string | undefined,
    files: ReadonlyMap<string, string>,
    preserve: readonly string[],
  ): Promise<void> {
    const root = this.options.root.replace(/\/+$/, "");
    const prefix = root ? `${root}/` : "";
    const owned = (path: string): string => {
      if (!isSafeRelativePath(path) || !path.startsWith(prefix))
        throw new Error(`refusing to publish ${path}: outside ${root}/`);
      return path;
    };
    for (const path of files.keys()) owned(path);
    const kept: string[] = [];
    if (tip !== undefined) {
      const preserved = preserve.filter((path) => !files.has(path)).map(owned);
      const wanted = root ? [root, ...preserved] : preserved;
      const listed = wanted.length > 0 ? await this.along(dir, tip, wanted) : new Map<string, TreeEntry>();
      if (root && (await this.plainParents(dir, tip, root, listed))) {
        const at = listed.get(root);
        if (at !== undefined && !isTree(at.mode)) throw new UnsafeBranchError(this.branch, root, describe(at.mode));
      }
      for (const path of preserved) {
        const entry = await this.plainFile(dir, tip, path, listed);
        if (entry) kept.push(`${entry.mode} ${entry.object}\t${path}`);
      }
      await this.run(["read-tree", tip], dir);
      if (root) await this.run(["rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", root], dir);
      else await this.run(["read-tree", "--empty"], dir);
    }
    const blobs = await this.writeBlobs(dir, [...files.values()]);
    const lines = [...files.keys()].map((path, i) => `100644 ${blobs[i]}\t${path}`);
    await this.runWithInput(
      ["update-index", "--add", "-z", "--index-info"],
      dir,
      [...lines, ...kept].map((l) => `${l}\0`).join(""),
    );
  }

  /** Stores contents as blobs; they pass through a scratch directory this run created, beside the repository. */
  private async writeBlobs(dir: string, contents: readonly string[]): Promise<string[]> {
    if (contents.length === 0) return [];
    const scratch = join(dir, "..", "blobs");
    await mkdir(scratch, { mode: 0o700 });
    const paths = contents.map((_, i) => join(scratch, String(i)));
    await Promise.all(contents.map((content, i) => writeFile(paths[i]!, content, { flag: "wx" })));
    const out = await this.runWithInput(
      ["hash-object", "-w", "--no-filters", "--stdin-paths"],
      dir,
      `${paths.join("\n")}\n`,
    );
    await rm(scratch, { recursive: true, force: true });
    return out.trim().split("\n");
  }

  private runWithInput(args: readonly string[], cwd: string, input: string): Promise<string> {
    return git(args, { cwd, env: this.gitEnv, input });
  }

  private async changes(dir: string, base: string | undefined): Promise<FileChange[]> {
    const against = base === undefined ? [] : [base];
    const out = await this.run(["diff", "--cached", "--name-status", ...DIFF, "-z", ...against, "--"], dir);
    const fields = out.split("\0").filter((f) => f !== "");
    const files: FileChange[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2)
      files.push({ path: fields[i + 1] ?? "", change: CHANGE[fields[i] ?? ""] ?? "modified" });
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }
}

function isTree(mode: string): boolean {
  return mode === "40000" || mode === "040000";
}

function describe(mode: string): string {
  if (mode === "120000") return "a symbolic link";
  if (mode === "160000") return "a submodule";
  return mode.startsWith("10") ? "a file, not a directory" : `an entry of mode ${mode}`;
}

function isSafeRelativePath(path: string): boolean {
  return (
    path !== "" &&
    !path.startsWith("/") &&
    posix.normalize(path) === path &&
    !path.split("/").some((s) => s === ".." || s === "." || s === ".git")
  );
}
