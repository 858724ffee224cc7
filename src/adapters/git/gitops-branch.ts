// The environment's GitOps branch, which Flux pulls. Every operation works in a private temporary
// clone (never in the user's checkout): the branch tip is fetched, the directory the toolkit owns
// is replaced by the rendered files, and the result is diffed (plan) or committed and pushed
// (deploy). Pushes are never forced: a branch that moved since the caller looked is refused.
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { git } from "./git.js";

export interface GitopsBranchOptions {
  /** URL or local path of the GitOps repository. */
  remote: string;
  branch: string;
  /** Directory of the branch the toolkit owns, replaced as a whole on every publish; "" owns the whole branch. */
  root: string;
  /** Token for an https remote; written to the temporary clone's config, never put on a command line. */
  token?: string;
  /** Limit for each network operation (ls-remote, fetch, push). Default 120 s. */
  networkTimeoutMs?: number;
}

export interface FileChange {
  path: string;
  change: "added" | "modified" | "deleted";
}

export interface TreeChanges {
  /** The branch tip compared against; undefined when the branch does not exist yet. */
  base: string | undefined;
  files: FileChange[];
  /** Unified diff of the changes. */
  patch: string;
}

export type PublishResult =
  | { status: "published"; commit: string; parent: string | undefined; files: FileChange[] }
  /** Nothing to commit: the tip already holds these files. */
  | { status: "unchanged"; commit: string };

export interface PublishRequest {
  message: string;
  /** The tip the caller planned against (undefined: the branch must not exist yet). */
  expectedParent: string | undefined;
  /** Files under the root kept as they are on the branch. */
  preserve?: readonly string[];
  /** Commit even when the tree is unchanged, so the message records a new source commit. */
  allowEmpty?: boolean;
}

/** The branch is not where the caller expected: someone else published in between. */
export class BranchMovedError extends Error {
  constructor(branch: string, expected: string | undefined, actual: string | undefined) {
    super(`${branch} moved from ${expected ?? "(absent)"} to ${actual ?? "(absent)"} since this run looked at it; refusing to overwrite it`);
    this.name = "BranchMovedError";
  }
}

const FALLBACK_IDENTITY = ["-c", "user.name=codemie-gitops", "-c", "user.email=codemie-gitops@users.noreply.github.com"];
const CHANGE: Record<string, FileChange["change"]> = { A: "added", M: "modified", D: "deleted", T: "modified" };

export class GitopsBranch {
  private readonly timeoutMs: number;

  constructor(private readonly options: GitopsBranchOptions) {
    if (options.remote.startsWith("-")) throw new Error(`invalid GitOps remote "${options.remote}"`);
    this.timeoutMs = options.networkTimeoutMs ?? 120_000;
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
   * not exist.
   */
  async readAtTip(path: string): Promise<{ tip: string; text: string | undefined } | undefined> {
    if (!isSafeRelativePath(path)) throw new Error(`refusing to read ${path}: not a path inside the branch`);
    return this.inClone(async (dir) => {
      const tip = await this.checkoutTip(dir, await this.remoteHead(dir));
      if (tip === undefined) return undefined;
      return { tip, text: await readFile(join(dir, path), "utf8").catch(() => undefined) };
    });
  }

  /** The branch tip and its commit message; undefined when the branch does not exist. */
  async tipCommit(): Promise<{ sha: string; message: string } | undefined> {
    return this.inClone(async (dir) => {
      const tip = await this.checkoutTip(dir, await this.remoteHead(dir));
      return tip === undefined ? undefined : { sha: tip, message: await git(["log", "-1", "--format=%B", tip], { cwd: dir }) };
    });
  }

  /** What publishing these files would change, without committing anything. */
  async preview(files: ReadonlyMap<string, string>, preserve: readonly string[] = []): Promise<TreeChanges> {
    return this.inClone(async (dir) => {
      const base = await this.checkoutTip(dir, await this.remoteHead(dir));
      await this.stage(dir, files, preserve);
      const [changed, patch] = await Promise.all([changes(dir), git(["diff", "--cached", "--no-renames", "--no-color"], { cwd: dir })]);
      return { base, files: changed, patch };
    });
  }

  async publish(files: ReadonlyMap<string, string>, request: PublishRequest): Promise<PublishResult> {
    return this.inClone(async (dir) => {
      const tip = await this.remoteHead(dir);
      if (tip !== request.expectedParent) throw new BranchMovedError(this.branch, request.expectedParent, tip);
      await this.checkoutTip(dir, tip);
      await this.stage(dir, files, request.preserve ?? []);
      const changed = await changes(dir);
      if (changed.length === 0 && !request.allowEmpty) {
        if (tip === undefined) throw new Error(`nothing to publish under ${this.options.root}/`);
        return { status: "unchanged", commit: tip };
      }
      // The user's own identity when git has one; CI runners usually have none.
      const identity = await git(["var", "GIT_COMMITTER_IDENT"], { cwd: dir }).then(() => [], () => FALLBACK_IDENTITY);
      await git([...identity, "commit", "-q", "--no-verify", ...(changed.length === 0 ? ["--allow-empty"] : []), "-m", request.message], { cwd: dir });
      const commit = (await git(["rev-parse", "HEAD"], { cwd: dir })).trim();
      try {
        await git(["push", "-q", "--no-verify", this.options.remote, `HEAD:refs/heads/${this.branch}`], { cwd: dir, timeoutMs: this.timeoutMs });
      } catch (error) {
        // A non-fast-forward refusal means someone pushed since the check above.
        const now = await this.remoteHead(dir).catch(() => tip);
        if (now !== tip) throw new BranchMovedError(this.branch, tip, now);
        throw error;
      }
      return { status: "published", commit, parent: tip, files: changed };
    });
  }

  private async inClone<T>(work: (dir: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), "codemie-gitops-branch-"));
    try {
      await git(["init", "-q", dir], { cwd: dir });
      if (this.options.token) await this.configureToken(dir, this.options.token);
      return await work(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** GitHub-style basic auth as an extra header, as actions/checkout configures it. */
  private async configureToken(dir: string, token: string): Promise<void> {
    const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
    await appendFile(join(dir, ".git", "config"), `[http]\n\textraheader = AUTHORIZATION: basic ${basic}\n`, { mode: 0o600 });
  }

  private async remoteHead(dir: string): Promise<string | undefined> {
    const out = await git(["ls-remote", this.options.remote, `refs/heads/${this.branch}`], { cwd: dir, timeoutMs: this.timeoutMs });
    return /^([0-9a-f]{40,64})\t/m.exec(out)?.[1];
  }

  private async checkoutTip(dir: string, tip: string | undefined): Promise<string | undefined> {
    if (tip === undefined) return undefined;
    await git(["fetch", "-q", "--depth=1", "--no-tags", this.options.remote, `refs/heads/${this.branch}`], { cwd: dir, timeoutMs: this.timeoutMs });
    const fetched = (await git(["rev-parse", "FETCH_HEAD"], { cwd: dir })).trim();
    if (fetched !== tip) throw new BranchMovedError(this.branch, tip, fetched);
    await git(["checkout", "-q", "--detach", fetched], { cwd: dir });
    return tip;
  }

  /** Replaces the owned root with the files (keeping the preserved ones) and stages everything. */
  private async stage(dir: string, files: ReadonlyMap<string, string>, preserve: readonly string[]): Promise<void> {
    const root = this.options.root.replace(/\/+$/, "");
    const prefix = root ? `${root}/` : "";
    const owned = (path: string): string => {
      if (!isSafeRelativePath(path) || !path.startsWith(prefix)) throw new Error(`refusing to publish ${path}: outside ${root}/`);
      return join(dir, path);
    };
    const kept = new Map<string, string>();
    for (const path of preserve) {
      if (files.has(path)) continue;
      const text = await readFile(owned(path), "utf8").catch(() => undefined);
      if (text !== undefined) kept.set(path, text);
    }
    if (root) await rm(join(dir, root), { recursive: true, force: true });
    else for (const entry of await readdir(dir)) if (entry !== ".git") await rm(join(dir, entry), { recursive: true, force: true });
    for (const [path, content] of [...files, ...kept]) {
      const target = owned(path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    await git(["add", "-A", "--", root || "."], { cwd: dir });
  }
}

function isSafeRelativePath(path: string): boolean {
  return path !== "" && !path.startsWith("/") && posix.normalize(path) === path && !path.split("/").some((s) => s === ".." || s === "." || s === ".git");
}

async function changes(dir: string): Promise<FileChange[]> {
  const out = await git(["diff", "--cached", "--name-status", "--no-renames", "-z"], { cwd: dir });
  const fields = out.split("\0").filter((f) => f !== "");
  const files: FileChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) files.push({ path: fields[i + 1] ?? "", change: CHANGE[fields[i] ?? ""] ?? "modified" });
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
