// A deploy must own only its own directory of its own branch. validate (the CLI as a process, in a
// real checkout) refuses the root as gitops.path, the branch holding the environments or the
// default branch, two environments sharing (or nesting) one directory, and tag keys that collide
// ignoring case or with the built-in tags: each at the line of each file it concerns.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { git, tempDir, type TempDir } from "../engine/support/git-repos.js";
import { ROOT, runCli } from "../support/cli.js";

const REPO = "https://github.com/acme/codemie-platform";
const shipped = (name: string): string => readFileSync(join(ROOT, "environments", `${name}.yaml`), "utf8");
let ws: TempDir;

beforeEach(() => {
  ws = tempDir("cross-file-");
  mkdirSync(join(ws.path, "environments"));
  git(ws.path, "init", "-q", "-b", "main");
  git(ws.path, "remote", "add", "origin", `${REPO}.git`);
});
afterEach(() => ws.dispose());

/** The shipped file with its gitops: block replaced. */
function write(name: string, gitops: string, base = shipped(name)): void {
  writeFileSync(
    join(ws.path, "environments", `${name}.yaml`),
    `${base.replace(/\ngitops:\n( {2}.*\n?)*/, "\n")}gitops:\n${gitops}`,
  );
}

const lineOf = (name: string, text: string): number =>
  readFileSync(join(ws.path, "environments", `${name}.yaml`), "utf8")
    .split("\n")
    .findIndex((l) => l.includes(text)) + 1;

describe("validate across environment files", () => {
  test('gitops.path "." (the whole branch) is refused', () => {
    write("dev", `  repository: ${REPO}\n  branch: gitops/dev\n  path: "."\n`);

    const run = runCli(["validate"], ws.path);

    expect(run.stderr).toContain(
      `environments/dev.yaml:${lineOf("dev", "path:")}:9: error: gitops.path "." is the root of the branch`,
    );
    expect(run.status).toBe(1);
  });

  test("the branch holding the environments is refused, and so is the default branch", () => {
    write("dev", `  repository: ${REPO}\n  branch: main\n`);
    git(ws.path, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk");
    write("staging", `  repository: ${REPO}\n  branch: trunk\n`);

    const run = runCli(["validate"], ws.path);

    expect(run.stderr).toContain(
      `environments/dev.yaml:${lineOf("dev", "branch:")}:11: error: ` +
        `gitops.branch "main" is the branch holding the environment files`,
    );
    expect(run.stderr).toContain(
      `environments/staging.yaml:${lineOf("staging", "branch:")}:11: error: ` +
        `gitops.branch "trunk" is the repository's default branch`,
    );
    expect(run.status).toBe(1);
  });

  test("the same branch in another repository is not this repository's", () => {
    write("dev", `  repository: https://github.com/acme/other-gitops\n  branch: main\n`);
    const run = runCli(["validate"], ws.path);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  test("two environments owning one directory of one branch: reported at both files' lines", () => {
    write("staging", `  repository: ${REPO}\n  branch: gitops/shared\n  path: clusters/prod\n`);
    write("prod", `  repository: ${REPO}.git\n  branch: gitops/shared\n  path: clusters/prod\n`);

    const run = runCli(["validate"], ws.path);

    const staging = `environments/staging.yaml:${lineOf("staging", "path:")}:9`;
    const prod = `environments/prod.yaml:${lineOf("prod", "path:")}:9`;
    expect(run.stderr).toContain(
      `${prod}: error: environments prod and staging own the same directory ` +
        `clusters/prod/ of branch gitops/shared in ${REPO}.git (see ${staging})`,
    );
    expect(run.stderr).toContain(
      `${staging}: error: environments prod and staging own the same directory ` +
        `clusters/prod/ of branch gitops/shared in ${REPO}.git (see ${prod})`,
    );
    expect(run.status).toBe(1);
  });

  test("a nested directory is refused too, even when only one file is validated", () => {
    write("staging", `  repository: ${REPO}\n  branch: gitops/shared\n  path: clusters\n`);
    write("prod", `  repository: ${REPO}\n  branch: gitops/shared\n  path: clusters/prod\n`);

    const run = runCli(["validate", "--env", "staging"], ws.path);

    expect(run.stderr).toContain(
      "error: environments staging and prod own nested directories (clusters/ and clusters/prod/)",
    );
    expect(run.stderr).not.toMatch(/^environments\/prod\.yaml:/m);
    expect(run.status).toBe(1);
  });

  test("tag keys equal ignoring case, or equal to a built-in tag, are refused", () => {
    const prod = shipped("prod").replace(
      "    owner: platform-team\n",
      "    owner: platform-team\n    Owner: someone-else\n    Managed-By: me\n",
    );
    write("prod", `  repository: ${REPO}\n`, prod);

    const run = runCli(["validate", "--env", "prod"], ws.path);

    expect(run.stderr).toContain(
      `environments/prod.yaml:${lineOf("prod", "Owner:")}:5: error: tag ` +
        `"Owner" is the same tag as "owner" (Azure tag names ignore case)`,
    );
    expect(run.stderr).toContain(
      `environments/prod.yaml:${lineOf("prod", "Managed-By:")}:5: error: tag ` +
        `"Managed-By" is set by the toolkit on every resource`,
    );
    expect(run.status).toBe(1);
  });

  test("the shipped environments pass", () => {
    for (const name of ["dev", "staging", "prod"])
      writeFileSync(join(ws.path, "environments", `${name}.yaml`), shipped(name));
    const run = runCli(["validate"], ws.path);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});

describe("promotion gates across environment files", () => {
  const gate = (name: string, after: string): void =>
    writeFileSync(join(ws.path, "environments", `${name}.yaml`), `${shipped(name)}promotion:\n  after: ${after}\n`);
  const at = (name: string): string => `environments/${name}.yaml:${lineOf(name, "after:")}:10`;

  test(
    "promotion.after naming the environment itself, or no environment of the " + "repository, is refused at its line",
    () => {
      gate("prod", "prod");
      gate("staging", "qa");
      write("dev", `  repository: ${REPO}\n  branch: gitops/dev\n`);

      const run = runCli(["validate"], ws.path);

      expect(run.stderr).toContain(`${at("prod")}: error: promotion.after "prod" is this environment itself`);
      expect(run.stderr).toContain(
        `${at("staging")}: error: promotion.after "qa" is not an environment of ` +
          `this repository (no valid environments/qa.yaml); use one of: dev, prod`,
      );
      expect(run.status).toBe(1);
    },
  );

  test("gates that form a cycle are refused; a chain is not", () => {
    gate("staging", "dev");
    gate("prod", "staging");
    write("dev", `  repository: ${REPO}\n  branch: gitops/dev\n`);
    expect(runCli(["validate"], ws.path)).toMatchObject({ status: 0, stderr: "" });

    gate("dev", "prod");
    const run = runCli(["validate"], ws.path);

    expect(run.stderr).toContain(`${at("dev")}: error: promotion gates form a cycle (dev → prod → staging → dev)`);
    expect(run.status).toBe(1);
  });
});
