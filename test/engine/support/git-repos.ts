// Throwaway git repositories for the engine tests: a bare "GitOps remote" and a source checkout.
// Identities come from the environment (never the machine's global config).
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.test",
  GIT_COMMITTER_NAME: "Test Committer",
  GIT_COMMITTER_EMAIL: "committer@example.test",
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...GIT_IDENTITY },
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

export interface TempDir {
  path: string;
  dispose(): void;
}

export function tempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

const templates = new Map<string, string>();

/**
 * A fresh copy of a repository that `build` makes once per process (per key): a test gets its own
 * repository to change without starting git to make it (a worker starts hundreds otherwise, and
 * starting a process from a worker of several hundred MB costs more than git's own work).
 */
export function copyOfTemplate(key: string, prefix: string, build: (dir: string) => void): TempDir {
  let template = templates.get(key);
  if (template === undefined) {
    template = mkdtempSync(join(tmpdir(), "repo-template-"));
    build(template);
    if (templates.size === 0)
      process.once("exit", () => {
        for (const dir of templates.values()) rmSync(dir, { recursive: true, force: true });
      });
    templates.set(key, template);
  }
  const copy = tempDir(prefix);
  cpSync(template, copy.path, { recursive: true, preserveTimestamps: true });
  return copy;
}

/** A bare repository standing in for the GitOps repository. */
export function bareRemote(): TempDir {
  return copyOfTemplate("bare", "gitops-remote-", (dir) => git(dir, "init", "-q", "--bare"));
}

export function branchTip(remote: string, branch: string): string | undefined {
  const out = git(remote, "for-each-ref", "--format=%(objectname)", `refs/heads/${branch}`);
  return out === "" ? undefined : out;
}

export function commitCount(remote: string, branch: string): number {
  return branchTip(remote, branch) ? Number(git(remote, "rev-list", "--count", `refs/heads/${branch}`)) : 0;
}

export function fileAt(remote: string, branch: string, path: string): string | undefined {
  try {
    return execFileSync("git", ["show", `refs/heads/${branch}:${path}`], {
      cwd: remote,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
}

export function filesAt(remote: string, branch: string): string[] {
  return git(remote, "ls-tree", "-r", "--name-only", `refs/heads/${branch}`)
    .split("\n")
    .filter((l) => l !== "");
}

/** Everything a branch holds, messages and file contents of every commit, as one string. */
export function branchHistoryText(remote: string, branch: string): string {
  return branchTip(remote, branch) ? git(remote, "log", "-p", "--format=%H%n%B", `refs/heads/${branch}`) : "";
}

/** Commits files to a branch of the remote from a scratch clone, as another person would. */
export function pushFiles(
  remote: string,
  branch: string,
  files: Record<string, string>,
  message = "outside change",
): string {
  const work = tempDir("gitops-work-");
  try {
    git(work.path, "init", "-q");
    if (branchTip(remote, branch)) {
      git(work.path, "fetch", "-q", remote, `refs/heads/${branch}`);
      git(work.path, "checkout", "-q", "--detach", "FETCH_HEAD");
    }
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(work.path, path)), { recursive: true });
      writeFileSync(join(work.path, path), content);
    }
    git(work.path, "add", "-A");
    git(work.path, "commit", "-q", "-m", message);
    git(work.path, "push", "-q", remote, `HEAD:refs/heads/${branch}`);
    return git(work.path, "rev-parse", "HEAD");
  } finally {
    work.dispose();
  }
}
