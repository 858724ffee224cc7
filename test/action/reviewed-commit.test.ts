// The commit a redeploy may deploy (scripts/reviewed-commit.sh, the Validate step of
// reusable-deploy.yml), attacked with real git: a full clone as actions/checkout makes it
// (fetch-depth: 0) of a repository whose main was reviewed and whose branch was not. Only commits
// of the default branch pass, resolved once to their full id.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { git, tempDir, type TempDir } from "../engine/support/git-repos.js";
import { ROOT } from "../support/cli.js";

const SCRIPT = join(ROOT, "scripts/reviewed-commit.sh");

let origin: TempDir;
let clone: TempDir;
let outputs: TempDir;
const commits: Record<string, string> = {};

function commit(repo: string, message: string): string {
  writeFileSync(join(repo, "environments.txt"), `${message}\n`);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", message);
  return git(repo, "rev-parse", "HEAD");
}

beforeAll(() => {
  origin = tempDir("reviewed-origin-");
  git(origin.path, "init", "-q", "-b", "main");
  commits.old = commit(origin.path, "reviewed, older");
  commits.head = commit(origin.path, "reviewed, newest");
  git(origin.path, "checkout", "-q", "-b", "attack");
  commits.attack = commit(origin.path, "never reviewed");
  git(origin.path, "tag", "v-attack");
  git(origin.path, "checkout", "-q", "main");
  git(origin.path, "tag", "v-old", commits.old);
  clone = tempDir("reviewed-clone-");
  git(clone.path, "clone", "-q", origin.path, ".");
  outputs = tempDir("reviewed-outputs-");
});
afterAll(() => {
  for (const dir of [origin, clone, outputs]) dir.dispose();
});

function resolve(ref: string): { status: number | null; stdout: string; output: string } {
  const output = join(outputs.path, "output");
  writeFileSync(output, "");
  const run = spawnSync("bash", [SCRIPT], {
    cwd: clone.path,
    encoding: "utf8",
    env: { PATH: process.env.PATH, REF: ref, DEFAULT_BRANCH: "main", GITHUB_SHA: commits.head, GITHUB_OUTPUT: output },
  });
  return { status: run.status, stdout: run.stdout + run.stderr, output: readFileSync(output, "utf8") };
}

describe("accepted: commits of the default branch, resolved once to the full id", () => {
  test.each([
    ["a full commit id", () => commits.old!, () => commits.old!],
    ["a short commit id", () => commits.old!.slice(0, 8), () => commits.old!],
    ["a tag on main", () => "v-old", () => commits.old!],
    ["the branch itself", () => "main", () => commits.head!],
    ["nothing (the triggering commit)", () => "", () => commits.head!],
  ])("%s", (_, ref, sha) => {
    const run = resolve(ref());
    expect(run.status, run.stdout).toBe(0);
    expect(run.output).toBe(`commit=${sha()}\n`);
  });
});

describe("refused: anything not on the default branch", () => {
  test.each([
    ["a branch that was never merged", () => "attack"],
    ["a commit of that branch", () => commits.attack!],
    ["a tag on that branch", () => "v-attack"],
  ])("%s", (_, ref) => {
    const run = resolve(ref());
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `^::error::${ref()} \\(${commits.attack}\\) is not on main: only commits of the default branch deploy`,
        "m",
      ),
    );
    expect(run.output).toBe("");
  });

  test("a ref that is no name, and one that does not exist", () => {
    const injected = resolve("main\n::warning::injected");
    expect(injected.status).toBe(1);
    expect(injected.stdout).not.toMatch(/^::warning::injected/m);
    expect(injected.stdout).toContain("::error::the ref to deploy must be a commit, tag or branch name");
    expect(resolve("--output=/tmp/x").status).toBe(1);
    const missing = resolve("no-such-branch");
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain('::error::no commit, tag or branch "no-such-branch" in this repository');
  });
});
