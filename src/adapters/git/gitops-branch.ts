// The environment's GitOps branch, which Flux pulls. Every operation works in a private temporary
// repository (never in the user's checkout), one per branch object, kept until close() so a run
// makes it and fetches each tip once; it works only through git plumbing: the branch tip is
// fetched into the object store and listed, the directory the toolkit owns is replaced by the
// rendered files in an index of the operation's own, and the result is diffed (plan) or committed
// and pushed (deploy). Nothing is ever checked out, so no path of the fetched tree is followed on
// disk: the branch is remote content, and a symbolic link or submodule at or above the owned
// directory, or at a preserved file, is refused before anything is staged. Pushes are never
// forced: a branch that moved since the caller looked is refused.
import { rmSync } from "node:fs";
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
import { git, gitBytes, GitError } from "./git.js";

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
  /** Where the scratch repository is made. Default: the system's temporary directory. */
  scratchParent?: string;
}

const FALLBACK_IDENTITY = [
  "-c",
  "user.name=codemie-gitops",
  "-c",
  "user.email=codemie-gitops@users.noreply.github.com",
];
// What git says when it knows no identity to commit as.
const NO_IDENTITY = /identity unknown|tell me who you are|unable to auto-detect email|empty ident name/i;
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

/** The scratch repository as one operation sees it. */
interface Repo {
  /** The repository (nothing is ever checked out into it). */
  dir: string;
  /** A private directory of this operation, removed afterwards. */
  own: string;
  /** git's environment: the token header and this operation's own index. */
  env: NodeJS.ProcessEnv;
}

/** The engine's GitOps branch port over git. */
export class GitopsBranch implements GitopsBranchPort {
  private readonly timeoutMs: number;
  /** Carries the scoped token header; empty without a token or for a non-https remote. */
  private readonly gitEnv: NodeJS.ProcessEnv;
  /** The scratch repository, made by the first operation and kept until close(). */
  private repository: Promise<{ home: string; dir: string }> | undefined;
  /** Operations run one at a time: they share the repository and its FETCH_HEAD. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Tips whose commit is already in the scratch repository's object store. */
  private readonly fetched = new Set<string>();
  private readonly listings = new Map<string, Promise<ReadonlyMap<string, TreeEntry>>>();
  private operations = 0;

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
    return this.inClone((repo) => this.remoteHead(repo));
  }

  /**
   * The branch tip and one file of it (undefined when the tip lacks it), read from the same
   * fetch so a publish can name exactly that tip as its parent; undefined when the branch does
   * not exist. A link or submodule in the file's place is refused, never read through.
   */
  async readAtTip(path: string): Promise<{ tip: string; text: string | undefined } | undefined> {
    if (!isSafeRelativePath(path)) throw new Error(`refusing to read ${path}: not a path inside the branch`);
    return this.inClone(async (repo) => {
      const tip = await this.fetchTip(repo, await this.remoteHead(repo));
      if (tip === undefined) return undefined;
      const entry = this.plainFile(path, await this.listing(repo, tip));
      return { tip, text: entry ? (await this.blobs(repo, [entry.object]))[0] : undefined };
    });
  }

  /** The tip and its commit message; undefined when the branch does not exist. */
  async tipCommit(): Promise<{ sha: string; message: string } | undefined> {
    return this.inClone(async (repo) => {
      const tip = await this.fetchTip(repo, await this.remoteHead(repo));
      return tip === undefined
        ? undefined
        : { sha: tip, message: await this.run(["log", "-1", "--format=%B", tip], repo) };
    });
  }

  /** With `published`, also the branch's files under the owned root, read from the objects (never checked out). */
  async preview(
    files: ReadonlyMap<string, string>,
    preserve: readonly string[] = [],
    options: { published?: boolean } = {},
  ): Promise<TreeChanges> {
    return this.inClone(async (repo) => {
      const base = await this.fetchTip(repo, await this.remoteHead(repo));
      const listed = base === undefined ? new Map<string, TreeEntry>() : await this.listing(repo, base);
      await this.stage(repo, base, listed, files, preserve);
      const against = base === undefined ? [] : [base];
      const [changed, patch, published] = await Promise.all([
        this.changes(repo, base),
        this.run(["diff", "--cached", ...DIFF, ...against, "--"], repo),
        options.published ? this.publishedTree(repo, listed) : Promise.resolve(undefined),
      ]);
      return { base, files: changed, patch, ...(published ? { published } : {}) };
    });
  }

  /** The regular files under the owned root at the tip; a link, submodule or odd path there is listed, never read. */
  private async publishedTree(repo: Repo, listed: ReadonlyMap<string, TreeEntry>): Promise<PublishedTree> {
    const files = new Map<string, string>();
    const refused: string[] = [];
    const root = this.options.root.replace(/\/+$/, "");
    if (root && !this.plainParents(root, listed)) return { files, refused };
    const blobs: Array<{ path: string; object: string }> = [];
    for (const [path, { mode, object }] of listed) {
      // The listing also holds the directories and everything outside the root: those are not its files.
      if (isTree(mode) || (root && path !== root && !path.startsWith(`${root}/`))) continue;
      if (REGULAR.has(mode) && isSafeRelativePath(path)) blobs.push({ path, object });
      else refused.push(path);
    }
    const texts = await this.blobs(
      repo,
      blobs.map((b) => b.object),
    );
    blobs.forEach((b, i) => files.set(b.path, texts[i]!));
    return { files, refused };
  }

  async publish(files: ReadonlyMap<string, string>, request: PublishRequest): Promise<PublishResult> {
    return this.inClone(async (repo) => {
      const tip = await this.remoteHead(repo);
      if (tip !== request.expectedParent) throw new BranchMovedError(this.branch, request.expectedParent, tip);
      await this.fetchTip(repo, tip);
      const listed = tip === undefined ? new Map<string, TreeEntry>() : await this.listing(repo, tip);
      await this.stage(repo, tip, listed, files, request.preserve ?? []);
      const changed = await this.changes(repo, tip);
      if (changed.length === 0 && !request.allowEmpty) {
        if (tip === undefined) throw new Error(`nothing to publish under ${this.options.root}/`);
        return { status: "unchanged", commit: tip };
      }
      const tree = (await this.run(["write-tree"], repo)).trim();
      const commit = await this.commitTree(repo, tree, tip, request.message);
      try {
        await this.run(
          ["push", "-q", "--no-verify", this.options.remote, `${commit}:refs/heads/${this.branch}`],
          repo,
          this.timeoutMs,
        );
      } catch (error) {
        // A non-fast-forward refusal means someone pushed since the check above.
        const now = await this.remoteHead(repo).catch(() => tip);
        if (now !== tip) throw new BranchMovedError(this.branch, tip, now);
        throw error;
      }
      return { status: "published", commit, parent: tip, files: changed };
    });
  }

  /** Removes the scratch repository; a later operation makes a new one. */
  async close(): Promise<void> {
    await this.queue;
    const repository = this.repository;
    this.repository = undefined;
    this.fetched.clear();
    this.listings.clear();
    const home = await repository?.then(
      (r) => r.home,
      () => undefined,
    );
    if (home === undefined) return;
    await rm(home, { recursive: true, force: true });
    scratchHomes.delete(home);
  }

  /** The user's own identity when git has one; CI runners usually have none, and git says so. */
  private async commitTree(repo: Repo, tree: string, parent: string | undefined, message: string): Promise<string> {
    const args = ["commit-tree", tree, ...(parent === undefined ? [] : ["-p", parent]), "-m", message];
    const commit = await this.run(args, repo).catch((error: unknown) => {
      if (!(error instanceof GitError) || !NO_IDENTITY.test(error.stderr)) throw error;
      return this.run([...FALLBACK_IDENTITY, ...args], repo);
    });
    return commit.trim();
  }

  private run(args: readonly string[], repo: Pick<Repo, "dir" | "env">, timeoutMs?: number): Promise<string> {
    return git(args, { cwd: repo.dir, env: repo.env, ...(timeoutMs ? { timeoutMs } : {}) });
  }

  /**
   * Runs `work` with the scratch repository, after any operation still running. Each operation
   * has an index and a directory of its own, removed afterwards; the objects fetched stay.
   */
  private inClone<T>(work: (repo: Repo) => Promise<T>): Promise<T> {
    const turn = this.queue.then(async () => {
      const { home, dir } = await this.scratch();
      this.operations += 1;
      const own = join(home, `operation-${this.operations}`);
      await mkdir(own, { mode: 0o700 });
      try {
        return await work({ dir, own, env: { ...this.gitEnv, GIT_INDEX_FILE: join(own, "index") } });
      } finally {
        await rm(own, { recursive: true, force: true });
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** A fresh repository in a private (0700) temporary directory, made once. */
  private scratch(): Promise<{ home: string; dir: string }> {
    this.repository ??= (async () => {
      const home = await mkdtemp(join(this.options.scratchParent ?? tmpdir(), "codemie-gitops-branch-"));
      scratchHomes.add(home);
      removeScratchAtExit();
      const dir = join(home, "repo");
      await mkdir(dir, { mode: 0o700 });
      await this.run(["init", "-q", dir], { dir: home, env: this.gitEnv });
      return { home, dir };
    })();
    const made = this.repository;
    made.catch(() => {
      if (this.repository === made) this.repository = undefined;
    });
    return made;
  }

  private async remoteHead(repo: Repo): Promise<string | undefined> {
    const out = await this.run(["ls-remote", this.options.remote, `refs/heads/${this.branch}`], repo, this.timeoutMs);
    return /^([0-9a-f]{40,64})\t/m.exec(out)?.[1];
  }

  /** Fetches the tip into the object store only: nothing of it reaches the file system as files. */
  private async fetchTip(repo: Repo, tip: string | undefined): Promise<string | undefined> {
    if (tip === undefined || this.fetched.has(tip)) return tip;
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
      repo,
      this.timeoutMs,
    );
    const fetched = (await this.run(["rev-parse", "--verify", "FETCH_HEAD^{commit}"], repo)).trim();
    if (fetched !== tip) throw new BranchMovedError(this.branch, tip, fetched);
    this.fetched.add(tip);
    return tip;
  }

  /**
   * Every entry of the tip, keyed by path, from one ls-tree: files, links, submodules and the
   * directories themselves. Nothing is followed: a path below a link or submodule is not there,
   * the link or submodule is.
   */
  private listing(repo: Repo, tip: string): Promise<ReadonlyMap<string, TreeEntry>> {
    // A commit's tree never changes: listed once per run.
    let listed = this.listings.get(tip);
    if (!listed) {
      listed = this.run(["ls-tree", "-r", "-t", "-z", "--full-tree", tip], repo).then((out) => {
        const entries = new Map<string, TreeEntry>();
        for (const record of out.split("\0")) {
          const match = /^(\d+) \w+ ([0-9a-f]+)\t(.*)$/s.exec(record);
          if (match) entries.set(match[3]!, { mode: match[1]!, object: match[2]! });
        }
        return entries;
      });
      const pending = listed;
      this.listings.set(tip, pending);
      pending.catch(() => this.listings.delete(tip));
    }
    return listed;
  }

  /**
   * Every directory above `path` is a plain directory, or absent (then so is everything below).
   * `listed` is the whole tip, so a directory it lacks is absent.
   */
  private plainParents(path: string, listed: ReadonlyMap<string, TreeEntry>): boolean {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i += 1) {
      const prefix = parts.slice(0, i).join("/");
      const found = listed.get(prefix);
      if (found === undefined) return false;
      if (!isTree(found.mode)) throw new UnsafeBranchError(this.branch, prefix, describe(found.mode));
    }
    return true;
  }

  /** The regular file at `path`, undefined when absent; a link or submodule there or above is refused. */
  private plainFile(path: string, listed: ReadonlyMap<string, TreeEntry>): TreeEntry | undefined {
    if (!this.plainParents(path, listed)) return undefined;
    const found = listed.get(path);
    if (found !== undefined && !REGULAR.has(found.mode))
      throw new UnsafeBranchError(this.branch, path, describe(found.mode));
    return found;
  }

  /**
   * Fills the operation's index with the tip (`listed`) minus the owned root, plus the files and
   * the preserved ones, in one update-index. Entries outside the root are copied as entries
   * (links and submodules included), never followed.
   */
  private async stage(
    repo: Repo,
    tip: string | undefined,
    listed: ReadonlyMap<string, TreeEntry>,
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
    const lines: string[] = [];
    if (tip !== undefined) {
      const preserved = preserve.filter((path) => !files.has(path)).map(owned);
      if (root && this.plainParents(root, listed)) {
        const at = listed.get(root);
        if (at !== undefined && !isTree(at.mode)) throw new UnsafeBranchError(this.branch, root, describe(at.mode));
      }
      for (const path of preserved) {
        const entry = this.plainFile(path, listed);
        if (entry) lines.push(`${entry.mode} ${entry.object}\t${path}`);
      }
      if (root)
        for (const [path, { mode, object }] of listed)
          if (!isTree(mode) && path !== root && !path.startsWith(prefix)) lines.push(`${mode} ${object}\t${path}`);
    }
    const blobs = await this.writeBlobs(repo, [...files.values()]);
    [...files.keys()].forEach((path, i) => lines.push(`100644 ${blobs[i]}\t${path}`));
    await this.runWithInput(["update-index", "--add", "-z", "--index-info"], repo, lines.map((l) => `${l}\0`).join(""));
  }

  /** Stores contents as blobs; they pass through the operation's own directory. */
  private async writeBlobs(repo: Repo, contents: readonly string[]): Promise<string[]> {
    if (contents.length === 0) return [];
    const paths = contents.map((_, i) => join(repo.own, `blob-${i}`));
    await Promise.all(contents.map((content, i) => writeFile(paths[i]!, content, { flag: "wx" })));
    const out = await this.runWithInput(
      ["hash-object", "-w", "--no-filters", "--stdin-paths"],
      repo,
      `${paths.join("\n")}\n`,
    );
    return out.trim().split("\n");
  }

  /** The blobs' texts, in order, from one `cat-file --batch`; anything but a blob is refused. */
  private async blobs(repo: Repo, objects: readonly string[]): Promise<string[]> {
    if (objects.length === 0) return [];
    const out = await gitBytes(["cat-file", "--batch"], {
      cwd: repo.dir,
      env: repo.env,
      input: objects.map((o) => `${o}\n`).join(""),
    });
    const texts: string[] = [];
    let at = 0;
    for (const object of objects) {
      const end = out.indexOf(0x0a, at);
      const header = /^([0-9a-f]+) (\w+) (\d+)$/.exec(out.toString("utf8", at, end < 0 ? out.length : end));
      if (!header || header[1] !== object || header[2] !== "blob")
        throw new Error(`cannot read object ${object} of ${this.branch} as a file`);
      const start = end + 1;
      const size = Number(header[3]);
      texts.push(out.toString("utf8", start, start + size));
      at = start + size + 1;
    }
    return texts;
  }

  private runWithInput(args: readonly string[], repo: Repo, input: string): Promise<string> {
    return git(args, { cwd: repo.dir, env: repo.env, input });
  }

  private async changes(repo: Repo, base: string | undefined): Promise<FileChange[]> {
    const against = base === undefined ? [] : [base];
    const out = await this.run(["diff", "--cached", "--name-status", ...DIFF, "-z", ...against, "--"], repo);
    const fields = out.split("\0").filter((f) => f !== "");
    const files: FileChange[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2)
      files.push({ path: fields[i + 1] ?? "", change: CHANGE[fields[i] ?? ""] ?? "modified" });
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }
}

/** Scratch repositories of this process not yet closed, removed when it exits. */
const scratchHomes = new Set<string>();
let exitHook = false;

function removeScratchAtExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.on("exit", () => {
    for (const home of scratchHomes) rmSync(home, { recursive: true, force: true });
  });
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
