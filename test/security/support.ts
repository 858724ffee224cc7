// Hostile GitOps branches for the attack tests: commits holding symbolic links and submodules,
// pushed to a bare repository the way an attacker with push access to the GitOps repository would.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { emptyRepository, git } from "../engine/support/git-repos.js";

export type Entry = { file: string } | { link: string } | { submodule: string };

/** Commits exactly these entries (on top of the branch when it exists) and pushes them; returns the commit. */
export function pushEntries(remote: string, branch: string, entries: Record<string, Entry>): string {
  const work = emptyRepository("hostile-work-");
  try {
    if (git(remote, "for-each-ref", `refs/heads/${branch}`) !== "") {
      git(work.path, "fetch", "-q", remote, `refs/heads/${branch}`);
      git(work.path, "checkout", "-q", "--detach", "FETCH_HEAD");
    }
    for (const [path, entry] of Object.entries(entries)) {
      const target = join(work.path, path);
      if ("submodule" in entry) {
        git(work.path, "update-index", "--add", "--cacheinfo", `160000,${entry.submodule},${path}`);
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      if ("link" in entry) symlinkSync(entry.link, target);
      else writeFileSync(target, entry.file);
      git(work.path, "add", "--", path);
    }
    git(work.path, "commit", "-q", "-m", "hostile change");
    git(work.path, "push", "-q", remote, `HEAD:refs/heads/${branch}`);
    return git(work.path, "rev-parse", "HEAD");
  } finally {
    work.dispose();
  }
}
