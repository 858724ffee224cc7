// User journeys on pull requests, walked through the workflows as GitHub runs them
// (support/runner.ts) with the real bundled actions against the GitHub fake: a pull request's plan
// in an adopting repository (docs/examples/codemie-plan.yml calling the toolkit's reusable
// workflow), the same from a fork, and a toolkit change in codemie-gitops itself.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bareRemote, GIT_IDENTITY, git, type TempDir } from "../engine/support/git-repos.js";
import { ROOT } from "../support/cli.js";
import { GitHubFake } from "../github-fake/server.js";
import { example, pullRequest, repository, shipped, type Repository } from "./support/repository.js";
import { runWorkflow, TOOLKIT, type Journey } from "./support/runner.js";

const ADOPTER = "acme/codemie-platform";
const PLAN = ".github/workflows/codemie-plan.yml";
const marker = (env: string): string => `<!-- codemie-gitops:plan:${env} -->`;

let gitops: TempDir;
beforeAll(() => {
  gitops = bareRemote();
});
afterAll(() => gitops.dispose());

describe("in an adopting repository", () => {
  let github: GitHubFake;
  let origin: Repository;
  beforeAll(async () => {
    github = await GitHubFake.start();
    origin = repository(ADOPTER, {
      "environments/dev.yaml": shipped("dev"),
      "environments/staging.yaml": shipped("staging"),
      [PLAN]: example("codemie-plan.yml"),
    });
  });
  afterAll(async () => {
    origin.dispose();
    await github.stop();
  });
  afterEach(() => {
    git(origin.path, "checkout", "-q", "main");
  });

  const journey = (): Journey => ({
    github,
    repository: ADOPTER,
    origin: origin.path,
    files: { [PLAN]: example("codemie-plan.yml") },
    secrets: { GITOPS_TOKEN: "ghp_gitops_token_secret" },
    env: { ...GIT_IDENTITY, CODEMIE_GITOPS_REMOTE: gitops.path },
  });

  test("PR plan: the pull request changing dev gets one plan comment, updated in place by the next push", async () => {
    git(origin.path, "checkout", "-q", "-b", "change-dev");
    const first = origin.commit({ "environments/dev.yaml": `${shipped("dev")}# first push\n` });
    github.addPullRequest(7, ["environments/dev.yaml"]);

    const run = await runWorkflow(PLAN, pullRequest(ADOPTER, 7, first), {
      ...journey(),
      changed: ["environments/dev.yaml"],
    });

    expect(run.conclusion).toBe("success");
    expect(run.ran().map((j) => j.name)).toEqual(["Validate", "Plan dev"]);
    expect(run.legs("plan-fork").map((j) => j.result)).toEqual(["skipped"]);
    // The adopter's run checks the toolkit out of codemie-gitops, at the commit the workflow is pinned to.
    expect(
      run
        .job("Plan dev")
        .steps.map((s) => s.checkout)
        .filter(Boolean),
    ).toEqual([`${ADOPTER}@${first}`, `${TOOLKIT}@TOOLKIT_SHA`]);
    const comments = github.commentsOn(7).filter((c) => c.body.startsWith(marker("dev")));
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("## Plan: `dev`");
    expect(github.commentsOn(7).some((c) => c.body.includes(marker("staging")))).toBe(false);

    const second = origin.commit({ "environments/dev.yaml": `${shipped("dev")}# second push\n` });
    const again = await runWorkflow(PLAN, pullRequest(ADOPTER, 7, second), journey());

    expect(again.conclusion).toBe("success");
    const after = github.commentsOn(7).filter((c) => c.body.startsWith(marker("dev")));
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(comments[0]!.id);
    expect(after[0]!.body).toContain(second.slice(0, 7));
    expect(github.requestsTo("PATCH", /\/issues\/comments\/\d+$/)).toHaveLength(1);
  }, 240_000);

  test("fork PR: the offline plan in the job summary; no secret, no OIDC token, no write to GitHub", async () => {
    git(origin.path, "checkout", "-q", "-b", "from-a-fork");
    const head = origin.commit({ "environments/staging.yaml": `${shipped("staging")}# from a fork\n` });
    github.addPullRequest(8, ["environments/staging.yaml"]);
    const before = github.requests.length;

    const run = await runWorkflow(PLAN, pullRequest(ADOPTER, 8, head, "mallory/codemie-platform"), journey());

    expect(run.conclusion).toBe("success");
    expect(run.ran().map((j) => j.name)).toEqual(["Validate", "Plan staging (offline)"]);
    expect(run.legs("plan").map((j) => j.result)).toEqual(["skipped"]);
    const fork = run.job("Plan staging (offline)");
    expect(fork.secrets).toEqual([]);
    expect(fork.idToken).toBe(false);
    const plan = fork.steps.find((s) => s.action === "plan")!;
    expect(plan.inputs!["azure-client-id"] ?? "").toBe("");
    expect(plan.summary).toContain("## Plan: `staging`");
    const requests = github.requests.slice(before);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.readOnly === true && r.method === "GET")).toBe(true);
    expect(github.commentsOn(8)).toEqual([]);
  }, 240_000);

  test(
    "permissions: without pull-requests: read, Validate cannot list a " +
      "private repository's pull request files; it says so and every " +
      "environment is planned",
    async () => {
      git(origin.path, "checkout", "-q", "-b", "no-pr-scope");
      const head = origin.commit({ "environments/dev.yaml": `${shipped("dev")}# unscoped\n` });
      github.addPullRequest(10, ["environments/dev.yaml"]);
      // The shipped reusable workflow with the one permission its Validate job reads the pull request with taken out.
      const reusable = readFileSync(join(ROOT, ".github/workflows/reusable-plan.yml"), "utf8");
      const unscoped = reusable.replace("      pull-requests: read # list the files a pull request changed\n", "");
      expect(unscoped).not.toBe(reusable);
      const caller = example("codemie-plan.yml").replace(
        "codemie/codemie-gitops/.github/workflows/reusable-plan.yml@TOOLKIT_SHA",
        "./.github/workflows/reusable-plan.yml",
      );
      const before = github.requests.length;

      const run = await runWorkflow(PLAN, pullRequest(ADOPTER, 10, head), {
        ...journey(),
        files: { [PLAN]: caller, ".github/workflows/reusable-plan.yml": unscoped },
      });

      expect(run.job("Validate").permissions).toMatchObject({ contents: "read", "pull-requests": "none" });
      expect(
        github.requests
          .slice(before)
          // (GET /user is refused to every workflow token: the plan comment's author is found otherwise.)
          .filter((r) => r.status === 403 && r.path !== "/user")
          .map((r) => `${r.method} ${r.path}`),
      ).toEqual([`GET /repos/${ADOPTER}/pulls/10/files`]);
      expect(run.job("Validate").steps.find((s) => s.action === "validate")!.stdout).toContain(
        "cannot list the changed files (Resource not accessible by integration",
      );
      // Only dev changed, but without the list staging is planned too.
      expect(run.ran().map((j) => j.name)).toEqual(["Validate", "Plan dev", "Plan staging"]);
    },
    240_000,
  );

  test(
    "adoption: the repository's own code, package.json and workflows start " +
      "no plan, and would plan nothing if started",
    async () => {
      git(origin.path, "checkout", "-q", "-b", "own-code");
      const head = origin.commit({ "src/index.ts": "export {};\n", "package.json": "{}\n" });
      const changed = ["src/index.ts", "package.json", PLAN];
      github.addPullRequest(9, changed);

      // The example's path filter: GitHub does not start the workflow at all.
      const filtered = await runWorkflow(PLAN, pullRequest(ADOPTER, 9, head), { ...journey(), changed });
      expect(filtered).toMatchObject({ started: false, jobs: [] });

      // Started anyway (a filter widened by the adopter): the validate job finds no environment affected.
      const run = await runWorkflow(PLAN, pullRequest(ADOPTER, 9, head), journey());

      expect(run.conclusion).toBe("success");
      expect(run.ran().map((j) => j.name)).toEqual(["Validate"]);
      expect(github.commentsOn(9)).toEqual([]);
    },
    120_000,
  );
});

describe("in codemie-gitops itself", () => {
  let github: GitHubFake;
  let origin: Repository;
  const PLAN_YML = ".github/workflows/plan.yml";
  beforeAll(async () => {
    github = await GitHubFake.start({ owner: "codemie", repo: "codemie-gitops" });
    origin = repository(TOOLKIT, {
      "environments/dev.yaml": shipped("dev"),
      "environments/staging.yaml": shipped("staging"),
      // What makes a checkout the toolkit's own (src/action/validate.ts).
      "actions/validate/action.yml": "name: validate\n",
    });
  });
  afterAll(async () => {
    origin.dispose();
    await github.stop();
  });

  test("toolkit change: a pull request changing a Bicep module plans every environment", async () => {
    git(origin.path, "checkout", "-q", "-b", "module-change");
    const head = origin.commit({ "bicep/modules/aks.bicep": "// changed\n" });
    github.addPullRequest(3, ["bicep/modules/aks.bicep"]);

    const run = await runWorkflow(PLAN_YML, pullRequest(TOOLKIT, 3, head), {
      github,
      repository: TOOLKIT,
      origin: origin.path,
      changed: ["bicep/modules/aks.bicep"],
      env: { ...GIT_IDENTITY, CODEMIE_GITOPS_REMOTE: gitops.path },
    });

    expect(run.conclusion).toBe("success");
    expect(run.ran().map((j) => j.name)).toEqual(["Validate", "Plan dev", "Plan staging"]);
    // This repository plans with the pull request's own toolkit.
    expect(
      run
        .job("Plan dev")
        .steps.map((s) => s.checkout)
        .filter(Boolean),
    ).toEqual([`${TOOLKIT}@${head}`, `${TOOLKIT}@${head}`]);
    expect(
      github
        .commentsOn(3)
        .map((c) => c.body.split("\n")[0])
        .sort(),
    ).toEqual([marker("dev"), marker("staging")]);
  }, 240_000);
});
