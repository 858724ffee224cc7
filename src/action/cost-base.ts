// On a pull request, the plan prices the change against the base branch's version of the file
// (the merge commit's first parent, which reusable-plan.yml checks out with fetch-depth: 2).
import { warning } from "@actions/core";
import { baseFromGit, type CostBase } from "../app/cost.js";
import { pullRequestOf, type GitHubRun } from "./github.js";

export async function pullRequestCostBase(run: GitHubRun, cwd: string, file: string): Promise<CostBase | undefined> {
  const baseSha = pullRequestOf(run)?.baseSha;
  if (!baseSha) return undefined;
  try {
    return await baseFromGit(cwd, baseSha, file);
  } catch (error) {
    warning(
      `no cost delta: cannot read ${file} at the base commit ` +
        `${baseSha.slice(0, 7)} (` +
        `${error instanceof Error ? error.message : String(error)}); check out ` +
        `with fetch-depth: 2`,
    );
    return undefined;
  }
}
