// A scratch checkout holding environment files (optionally changed after the commit), as the
// actions see GITHUB_WORKSPACE.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../support/cli.js";
import { git, tempDir, type TempDir } from "../../engine/support/git-repos.js";

export interface Checkout extends TempDir {
  sha: string;
}

/**
 * `environments`: shipped names to copy; `under`: a subdirectory holding environments/ (a monorepo);
 * `toolkit`: the checkout is codemie-gitops itself (it holds the actions at its root).
 */
export function checkout(environments: string[], options: { under?: string; toolkit?: boolean } = {}): Checkout {
  const dir = tempDir("action-workspace-");
  const base = join(dir.path, options.under ?? "");
  mkdirSync(join(base, "environments"), { recursive: true });
  for (const name of environments)
    copyFileSync(join(ROOT, "environments", `${name}.yaml`), join(base, "environments", `${name}.yaml`));
  if (options.toolkit) {
    mkdirSync(join(dir.path, "actions/validate"), { recursive: true });
    copyFileSync(join(ROOT, "actions/validate/action.yml"), join(dir.path, "actions/validate/action.yml"));
  }
  git(dir.path, "init", "-q");
  git(dir.path, "add", "-A");
  git(dir.path, "commit", "-q", "-m", "environments");
  return { ...dir, sha: git(dir.path, "rev-parse", "HEAD") };
}

/** Replaces a file and commits it; returns the new commit. */
export function commitFile(repo: string, path: string, text: string): string {
  writeFileSync(join(repo, path), text);
  git(repo, "commit", "-q", "-am", `edit ${path}`);
  return git(repo, "rev-parse", "HEAD");
}
