// User journeys after the merge, walked through an adopting repository's caller workflows
// (docs/examples) and the toolkit's reusable workflows as GitHub runs them (support/runner.ts),
// with the bundled actions against the GitHub fake, the Azure emulator and a GitOps remote: a
// merge deploys dev, then asks prod-approval's reviewers, then deploys prod; an older merge's
// run finishing last deploys nothing; a redeploy of it rolls back, and one of a commit off the default branch
// is refused; a redeploy GitHub replaced while it waited is reported as not done; drift stays
// green while nothing differs and fails when it could not look.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { loadEnvironment } from "../../src/app/load.js";
import type { Environment } from "../../src/model/environment.js";
import type { AzureEmulator } from "../emulator/emulator.js";
import { bareRemote, branchTip, git, type TempDir } from "../engine/support/git-repos.js";
import { cliEnv, dev, DEV_OUTPUTS, startEmulator } from "../engine/support/harness.js";
import { GitHubFake } from "../github-fake/server.js";
import { ROOT } from "../support/cli.js";
import { uploadOperatorSecrets } from "../engine/preflight/support/operator-secrets.js";
import {
  dispatch,
  example,
  productionCopyOfDev,
  push,
  repository,
  schedule,
  shipped,
  type Repository,
} from "./support/repository.js";
import { runWorkflow, TOOLKIT, type Journey, type WorkflowRun } from "./support/runner.js";

const ADOPTER = "acme/codemie-platform";
const DEPLOY = ".github/workflows/codemie-deploy.yml";
const REDEPLOY = ".github/workflows/codemie-redeploy.yml";
const DRIFT = ".github/workflows/codemie-drift.yml";
const FILES = {
  [DEPLOY]: example("codemie-deploy.yml"),
  [REDEPLOY]: example("codemie-redeploy.yml"),
  [DRIFT]: example("codemie-drift.yml"),
};

let github: GitHubFake;
let emulator: AzureEmulator;
let origin: Repository;
let gitops: TempDir;
let prod: Environment;
const approvals: string[] = [];

/** What main.bicep's outputs look like after a deployment of `env` (dev's, under env's names). */
const outputsOf = (env: Environment): typeof DEV_OUTPUTS => ({
  ...DEV_OUTPUTS,
  resourceGroup: env.names.resourceGroup,
  clusterName: env.names.aks,
  keyVaultUri: `https://${env.names.keyVault}.vault.azure.net/`,
  postgresHost: `${env.names.postgres}.postgres.database.azure.com`,
  storageAccountName: env.names.storageAccount,
});

beforeAll(async () => {
  [github, emulator] = await Promise.all([GitHubFake.start(), startEmulator()]);
  prod = loadEnvironment("environments/prod.yaml", productionCopyOfDev()).env!;
  // The operator's secrets are in each vault, as the preflight requires before a deploy.
  uploadOperatorSecrets(emulator, dev);
  uploadOperatorSecrets(emulator, prod);
  gitops = bareRemote();
  origin = repository(ADOPTER, {
    "environments/dev.yaml": shipped("dev"),
    "environments/prod.yaml": productionCopyOfDev(),
    ...FILES,
  });
  // The GitHub Environments as docs/github-actions.md tells an adopter to create them.
  github.environments.set("dev", { branchPolicy: true });
  github.environments.set("prod", { branchPolicy: true });
  github.environments.set("prod-approval", { reviewers: ["release-manager"], branchPolicy: true });
});
afterAll(async () => {
  origin.dispose();
  gitops.dispose();
  await Promise.all([github.stop(), emulator.stop()]);
});

const journey = (extra: Partial<Journey> = {}): Journey => ({
  github,
  repository: ADOPTER,
  origin: origin.path,
  files: FILES,
  secrets: { GITOPS_TOKEN: "ghp_gitops_token_secret" },
  vars: { CODEMIE_PLAN_CLIENT_IDS: JSON.stringify({ dev: emulator.identity.clientId }) },
  environmentVars: {
    dev: { AZURE_CLIENT_ID: emulator.identity.clientId },
    prod: { AZURE_CLIENT_ID: emulator.identity.clientId },
  },
  env: cliEnv(emulator, { CODEMIE_GITOPS_REMOTE: gitops.path }),
  approve: (environment, job) => {
    approvals.push(`${environment}: ${job}`);
    return true;
  },
  beforeAction: (action, _environment, inputs) => {
    if (action === "deploy")
      emulator.script({
        deployment: { runningPolls: 0, outputs: outputsOf(inputs.environment === "prod" ? prod : dev) },
      });
  },
  // Flux reconciles whatever the deploy published.
  onLine: (line) => {
    const branch = /^(?:Published [0-9a-f]{7} to (\S+)|GitOps branch (\S+) already holds)/.exec(line);
    const name = branch?.[1] ?? branch?.[2];
    if (name)
      emulator.script({
        flux: {
          codemie: {
            nonCompliantReads: 0,
            commit: `${name}@sha1:${branchTip(gitops.path, name) ?? ""}`,
            kustomizations: ["infrastructure", "apps"],
          },
        },
      });
  },
  ...extra,
});

const recorded = (branch: string): string => git(gitops.path, "log", "-1", "--format=%B", branch);
const deployStep = (run: WorkflowRun, job: string): string =>
  run.job(job).steps.find((s) => s.action === "deploy")!.stdout;

let first: string;
let second: string;

test("merge deploy: dev first, then prod's reviewers approve the commit they see, then prod deploys", async () => {
  const before = origin.head();
  first = origin.commit({
    "environments/dev.yaml": `${shipped("dev")}# merged\n`,
    "environments/prod.yaml": `${productionCopyOfDev()}# merged\n`,
  });
  github.addComparison(before, first, ["environments/dev.yaml", "environments/prod.yaml"]);

  const run = await runWorkflow(DEPLOY, push(ADOPTER, before, first), journey());

  expect(run.ran().map((j) => `${j.name}: ${j.result}`)).toEqual([
    "Validate: success",
    `Deploy dev at ${first}: success`,
    `Approve prod at ${first}: success`,
    `Deploy prod at ${first} (production): success`,
  ]);
  expect(run.conclusion).toBe("success");
  // The reviewers approved in prod-approval, outside the deploy's concurrency group; the deploy job signed in from
  // prod.
  expect(approvals).toEqual([`prod-approval: Approve prod at ${first}`]);
  expect(run.job(`Approve prod at ${first}`)).toMatchObject({ environment: "prod-approval", idToken: false });
  expect(run.job(`Approve prod at ${first}`).concurrency).toBeUndefined();
  expect(run.job(/^Deploy prod/)).toMatchObject({
    environment: "prod",
    concurrency: "codemie-deploy-prod",
    idToken: true,
  });
  expect(
    github.deployments.map((d) => `${d.environment}@${d.ref}: ${d.statuses.map((s) => s.state).join(" → ")}`),
  ).toEqual([`dev@${first}: in_progress → success`, `prod@${first}: in_progress → success`]);
  expect(recorded(dev.gitops.branch)).toContain(`at source commit ${first}`);
  expect(recorded(prod.gitops.branch)).toContain(`at source commit ${first}`);
  // Each job's token carried the shipped workflows' permissions, and they covered every call: the deploy jobs read
  // the merged pull request (pull-requests: read) in this private repository. (GET /user is refused to every
  // workflow token by design.)
  expect(github.requests.filter((r) => r.status === 403 && r.path !== "/user")).toEqual([]);
  expect(github.requestsTo("GET", /\/commits\/[0-9a-f]{40}\/pulls$/).map((r) => r.status)).toEqual([200, 200]);
  expect(run.job(/^Deploy prod/).permissions).toMatchObject({ deployments: "write", "pull-requests": "read" });
}, 600_000);

test(
  "an older commit's run finishing last deploys nothing, with a notice; a " + "redeploy of it rolls back, saying so",
  async () => {
    // Two merges that change dev only, in quick succession: the newer one's run finishes first.
    second = origin.commit({ "environments/dev.yaml": `${shipped("dev")}# merged again\n` });
    const third = origin.commit({ "environments/dev.yaml": `${shipped("dev")}# merged a third time\n` });
    github.addComparison(first, second, ["environments/dev.yaml"]);
    github.addComparison(second, third, ["environments/dev.yaml"]);
    const newer = await runWorkflow(DEPLOY, push(ADOPTER, second, third), journey());
    expect(newer.ran().map((j) => j.name)).toEqual(["Validate", `Deploy dev at ${third}`]);
    expect(recorded(dev.gitops.branch)).toContain(`at source commit ${third}`);
    const tip = branchTip(gitops.path, dev.gitops.branch);

    // The older merge's run finishes last: only dev runs, and it deploys nothing (no ARM write at all).
    const armWrites = (): number => emulator.armRequests().filter((r) => r.method !== "GET").length;
    const writes = armWrites();
    const deployments = github.deployments.length;
    const late = await runWorkflow(DEPLOY, push(ADOPTER, first, second), journey());
    expect(late.conclusion).toBe("success");
    expect(late.ran().map((j) => j.name)).toEqual(["Validate", `Deploy dev at ${second}`]);
    const step = late.job(`Deploy dev at ${second}`).steps.find((s) => s.action === "deploy")!;
    expect(step.stderr).toBe("");
    expect(step.stdout).toContain(
      `::notice::dev: nothing deployed; ${second.slice(0, 7)} is older than ` +
        `${third.slice(0, 7)}, which dev already runs`,
    );
    expect(step.stdout).toContain(
      `Nothing deployed: ${second.slice(0, 7)} is older than ${third.slice(0, 7)}, which dev already runs`,
    );
    expect(armWrites()).toBe(writes);
    expect(branchTip(gitops.path, dev.gitops.branch)).toBe(tip);
    expect(step.outputs).toMatchObject({ "deployment-name": "", "published-commit": "" });
    expect(step.summary).toContain(
      `## Deploy: \`dev\` ⏭️ not deployed: it already runs the newer \`${third.slice(0, 7)}\``,
    );
    expect(
      github.deployments.slice(deployments).map((d) => `${d.environment}@${d.ref}: ${d.statuses.map((s) => s.state)}`),
    ).toEqual([`dev@${second}: in_progress,inactive`]);

    // Rollback by hand: the ref is resolved once to the full commit the job names show.
    const rollback = await runWorkflow(
      REDEPLOY,
      dispatch(ADOPTER, origin.head(), { environment: "dev", ref: second.slice(0, 10) }),
      journey(),
    );
    expect(rollback.ran().map((j) => `${j.name}: ${j.result}`)).toEqual([
      "Validate: success",
      `Deploy dev at ${second}: success`,
    ]);
    expect(deployStep(rollback, `Deploy dev at ${second}`)).toContain(
      `Rolling back dev: ${second.slice(0, 7)} is older than ${third.slice(0, 7)}, which it was last deployed from`,
    );
    expect(recorded(dev.gitops.branch)).toContain(`at source commit ${second}`);
    // It ran the toolkit of the workflow that is deployed (the pinned toolkit), not the rolled-back commit's.
    expect(
      rollback
        .job(`Deploy dev at ${second}`)
        .steps.map((s) => s.checkout)
        .filter(Boolean),
    ).toEqual([`${ADOPTER}@${second}`, `${TOOLKIT}@TOOLKIT_SHA`]);
  },
  600_000,
);

test("a redeploy of a commit that is not on the default branch is refused before any job that signs in", async () => {
  git(origin.path, "checkout", "-q", "-b", "unreviewed");
  const unreviewed = origin.commit({ "environments/dev.yaml": `${shipped("dev")}# never reviewed\n` });
  git(origin.path, "checkout", "-q", "main");
  const deploymentsBefore = github.deployments.length;

  const run = await runWorkflow(
    REDEPLOY,
    dispatch(ADOPTER, origin.head(), { environment: "dev", ref: "unreviewed" }),
    journey(),
  );

  expect(run.conclusion).toBe("failure");
  expect(run.ran().map((j) => `${j.name}: ${j.result}`)).toEqual(["Validate: failure"]);
  expect(run.job("Validate").steps.find((s) => s.name.startsWith("Resolve the commit"))!.stdout).toContain(
    `::error::unreviewed (${unreviewed}) is not on main: only commits of the default branch deploy`,
  );
  expect(github.deployments.length).toBe(deploymentsBefore);
}, 300_000);

test(
  "a redeploy GitHub replaced while it waited for the concurrency group " +
    "fails the run saying so; a replaced push deploy warns",
  async () => {
    const replaced = journey({ replaced: (job) => job.startsWith("Deploy dev") });
    const redeploy = await runWorkflow(
      REDEPLOY,
      dispatch(ADOPTER, origin.head(), { environment: "dev", ref: second }),
      replaced,
    );
    expect(redeploy.ran().map((j) => `${j.name}: ${j.result}`)).toEqual([
      "Validate: success",
      `Deploy dev at ${second}: cancelled`,
      "Deploys that did not run: failure",
    ]);
    expect(redeploy.job("Deploys that did not run").steps[0]!.stdout).toContain(
      `::error::The deploy of ["dev"] at ${second} was cancelled before it ` +
        `finished (non-production: cancelled, production: skipped): by hand, or ` +
        `GitHub replaced it while it waited for its concurrency group ` +
        `codemie-deploy-NAME`,
    );
    expect(redeploy.job("Deploys that did not run").steps[0]!.stdout).toContain(
      `${second} is not deployed: run this workflow again to deploy it.`,
    );
    expect(redeploy.conclusion).toBe("failure");

    github.addComparison(first, second, ["environments/dev.yaml"]);
    const pushed = await runWorkflow(DEPLOY, push(ADOPTER, first, second), replaced);
    expect(pushed.job("Deploys that did not run").result).toBe("success");
    expect(pushed.job("Deploys that did not run").steps[0]!.stdout).toContain("::warning::The deploy of");
  },
  300_000,
);

test(
  "drift: green and no issue while Azure and the GitOps branch match the " +
    "files; a failed run when it could not look",
  async () => {
    const aks =
      `/subscriptions/${dev.azure.subscriptionId}/resourceGroups/` +
      `${dev.names.resourceGroup}` +
      `/providers/Microsoft.ContainerService/managedClusters/${dev.names.aks}`;
    // dev runs the second commit's files (the rollback above); the schedule plans the default branch's tip.
    const head = origin.commit(
      { "environments/dev.yaml": `${shipped("dev")}# merged again\n` },
      "back to what dev runs",
    );
    emulator.script({ whatIf: { pendingPolls: 0, changes: [{ resourceId: aks, changeType: "NoChange" }] } });

    const clean = await runWorkflow(DRIFT, schedule(ADOPTER, head), journey());

    expect(clean.ran().map((j) => `${j.name}: ${j.result}`)).toEqual([
      "Validate: success",
      "Drift dev: success",
      "Drift prod: success",
    ]);
    expect(clean.job("Drift dev").idToken).toBe(true);
    expect(github.issues.filter((i) => i.labels.includes("codemie-drift"))).toEqual([]);

    const blind = await runWorkflow(
      DRIFT,
      schedule(ADOPTER, head),
      journey({ env: cliEnv(emulator, { CODEMIE_GITOPS_REMOTE: `${gitops.path}-gone` }) }),
    );

    expect(blind.conclusion).toBe("failure");
    expect(blind.job("Drift dev").result).toBe("failure");
    expect(blind.job("Drift dev").steps.find((s) => s.action === "plan")!.stdout).toContain(
      "cannot tell whether dev drifted",
    );
    expect(github.issues.filter((i) => i.labels.includes("codemie-drift"))).toEqual([]);
  },
  600_000,
);

test(
  "permissions: a deploy job without pull-requests: read cannot read the " +
    "merged pull request of a private repository and deploys nothing",
  async () => {
    // The shipped reusable deploy workflow with the permission its deploy jobs read the pull request with taken out.
    const reusable = readFileSync(join(ROOT, ".github/workflows/reusable-deploy.yml"), "utf8");
    const unscoped = reusable.replaceAll(
      "      pull-requests: read # the merged pull request's plan comment: the reviewed plan the deploy is held to\n",
      "",
    );
    expect(unscoped).not.toBe(reusable);
    const caller = example("codemie-deploy.yml").replace(
      "codemie/codemie-gitops/.github/workflows/reusable-deploy.yml@TOOLKIT_SHA",
      "./.github/workflows/reusable-deploy.yml",
    );
    const before = origin.head();
    const merged = origin.commit({ "environments/dev.yaml": `${shipped("dev")}# merged without the scope\n` });
    github.addComparison(before, merged, ["environments/dev.yaml"]);
    github.mergePullRequest(31, merged);
    const tip = branchTip(gitops.path, dev.gitops.branch);
    const requestsBefore = github.requests.length;

    const run = await runWorkflow(
      DEPLOY,
      push(ADOPTER, before, merged),
      journey({ files: { ...FILES, [DEPLOY]: caller, ".github/workflows/reusable-deploy.yml": unscoped } }),
    );

    expect(run.job(`Deploy dev at ${merged}`)).toMatchObject({
      result: "failure",
      permissions: expect.objectContaining({ deployments: "write", "pull-requests": "none" }),
    });
    expect(deployStep(run, `Deploy dev at ${merged}`)).toContain("Resource not accessible by integration");
    expect(
      github.requests
        .slice(requestsBefore)
        .filter((r) => r.status === 403 && r.path !== "/user")
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([`GET /repos/${ADOPTER}/commits/${merged}/pulls`]);
    expect(branchTip(gitops.path, dev.gitops.branch)).toBe(tip);
    expect(run.conclusion).toBe("failure");
  },
  600_000,
);
