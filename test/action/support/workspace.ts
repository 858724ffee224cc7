// A scratch checkout holding environment files (optionally changed after the commit), as the
// actions see GITHUB_WORKSPACE.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../support/cli.js";
import { copyOfTemplate, git, type TempDir } from "../../engine/support/git-repos.js";

export interface Checkout extends TempDir {
  sha: string;
}

/**
 * `environments`: shipped names to copy; `under`: a subdirectory holding environments/ (a monorepo);
 * `toolkit`: the checkout is codemie-gitops itself (it holds the actions at its root).
 */
export function checkout(environments: string[], options: { under?: string; toolkit?: boolean } = {}): Checkout {
  const key = JSON.stringify([environments, options.under, options.toolkit]);
  // Committed once per process for each shape; each checkout is a copy (the same commit).
  const dir = copyOfTemplate(`checkout:${key}`, "action-workspace-", (path) => {
    const base = join(path, options.under ?? "");
    mkdirSync(join(base, "environments"), { recursive: true });
    for (const name of environments)
      copyFileSync(join(ROOT, "environments", `${name}.yaml`), join(base, "environments", `${name}.yaml`));
    if (options.toolkit) {
      mkdirSync(join(path, "actions/validate"), { recursive: true });
      copyFileSync(join(ROOT, "actions/validate/action.yml"), join(path, "actions/validate/action.yml"));
    }
    git(path, "init", "-q");
    git(path, "add", "-A");
    git(path, "commit", "-q", "-m", "environments");
    shas.set(key, git(path, "rev-parse", "HEAD"));
  });
  return { ...dir, sha: shas.get(key)! };
}

const shas = new Map<string, string>();

/** Replaces a file and commits it; returns the new commit. */
export function commitFile(repo: string, path: string, text: string): string {
  writeFileSync(join(repo, path), text);
  git(repo, "commit", "-q", "-am", `edit ${path}`);
  return git(repo, "rev-parse", "HEAD");
}
