// A repository's git history on disk for a journey: branch main, commits of whole files, the
// caller workflows it holds; and the events GitHub sends for it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "../../support/cli.js";
import { git, tempDir, type TempDir } from "../../engine/support/git-repos.js";
import type { ActionEvent } from "../../action/support/run-action.js";

export interface Repository extends TempDir {
  full: string;
  /** Writes the files and commits them on the current branch; returns the commit. */
  commit(files: Record<string, string>, message?: string): string;
  head(): string;
}

export function repository(full: string, files: Record<string, string>): Repository {
  const dir = tempDir("journey-origin-");
  git(dir.path, "init", "-q", "-b", "main");
  const repo: Repository = {
    ...dir,
    full,
    commit: (changed, message = "change") => {
      for (const [path, text] of Object.entries(changed)) {
        mkdirSync(dirname(join(dir.path, path)), { recursive: true });
        writeFileSync(join(dir.path, path), text);
      }
      git(dir.path, "add", "-A");
      git(dir.path, "commit", "-q", "-m", message);
      return repo.head();
    },
    head: () => git(dir.path, "rev-parse", "HEAD"),
  };
  repo.commit(files, "initial");
  return repo;
}

export const shipped = (name: string): string => readFileSync(join(ROOT, "environments", `${name}.yaml`), "utf8");
export const example = (file: string): string => readFileSync(join(ROOT, "docs/examples", file), "utf8");

/**
 * A production environment the Azure emulator can play: dev's file (same tenant and subscription)
 * marked `production: true`, with the system pool a production plan needs, and direct egress:
 * dev's public ingress cannot sit behind production's default egress firewall route.
 */
export const productionCopyOfDev = (): string =>
  shipped("dev")
    .replace(/^( {2}subscriptionId: .*)$/m, "$1\n  production: true")
    // Production turns the WAF on, and the WAF needs a subnet of its own.
    .replace(
      "    privateEndpoints: 10.42.2.0/27\n",
      "    privateEndpoints: 10.42.2.0/27\n    appGateway: 10.42.3.0/24\n",
    )
    .replace("network:\n", "network:\n  egressFirewall:\n    mode: none\n")
    .replace("aks:\n  nodePools:\n", "aks:\n  nodePools:\n    system:\n      maxCount: 3\n");

const payloadRepository = (full: string): Record<string, unknown> => ({
  name: full.split("/")[1],
  full_name: full,
  owner: { login: full.split("/")[0] },
  default_branch: "main",
});
const sender = { login: "octocat", type: "User" };

export function pullRequest(full: string, number: number, sha: string, headRepository = full): ActionEvent {
  return {
    name: "pull_request",
    sha,
    ref: `refs/pull/${number}/merge`,
    payload: {
      action: "synchronize",
      number,
      pull_request: {
        number,
        head: { ref: "change", sha, repo: { full_name: headRepository } },
        base: { ref: "main", sha: "b".repeat(40), repo: { full_name: full } },
      },
      repository: payloadRepository(full),
      sender,
    },
  };
}

export function push(full: string, before: string, after: string, forced = false): ActionEvent {
  return {
    name: "push",
    sha: after,
    ref: "refs/heads/main",
    payload: {
      ref: "refs/heads/main",
      before,
      after,
      forced,
      commits: [],
      repository: payloadRepository(full),
      sender,
    },
  };
}

export function dispatch(
  full: string,
  sha: string,
  inputs: Record<string, string>,
  ref = "refs/heads/main",
): ActionEvent {
  return { name: "workflow_dispatch", sha, ref, payload: { inputs, ref, repository: payloadRepository(full), sender } };
}

export function schedule(full: string, sha: string): ActionEvent {
  return {
    name: "schedule",
    sha,
    ref: "refs/heads/main",
    payload: { schedule: "17 5 * * *", repository: payloadRepository(full) },
  };
}
