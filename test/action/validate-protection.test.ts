// Before a deploy, the validate action checks the two GitHub Environments of every production
// environment to act on (read from the GitHub fake, in GitHub's response shape): NAME, which its
// Azure credential trusts, limited to the default branch and never waiting; NAME-approval, with
// required reviewers. A job naming a missing one would have GitHub create it unprotected.
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { GitHubFake } from "../github-fake/server.js";
import { workflowDispatchEvent } from "./support/events.js";
import { runAction, type ActionRun } from "./support/run-action.js";
import { checkout, type Checkout } from "./support/workspace.js";

let github: GitHubFake;
let ws: Checkout;
beforeAll(async () => {
  github = await GitHubFake.start();
  ws = checkout(["dev", "prod"]);
});
afterAll(async () => {
  ws.dispose();
  await github.stop();
});
beforeEach(() => {
  github.environments.clear();
  github.requests.length = 0;
});

const validate = (inputs: Record<string, string> = { "protected-production": "true" }): Promise<ActionRun> =>
  runAction("validate", {
    cwd: ws.path,
    inputs: { environments: "dev prod", ...inputs },
    event: workflowDispatchEvent(ws.sha, { environment: "prod" }),
    github,
  });

const PRODUCTION_LINE = 11;

// What a production environment's two GitHub Environments look like when set up as
// docs/github-actions.md says: prod limited to the default branch, prod-approval with reviewers.
const SET_UP = (): void => {
  github.environments.set("prod", { branchPolicy: true });
  github.environments.set("prod-approval", { reviewers: ["release-manager"], branchPolicy: true });
};

test("a production environment without its GitHub Environments fails validation, on its production line", async () => {
  const run = await validate();

  expect(run.status).toBe(1);
  expect(run.stdout).toContain(
    `::error file=environments/prod.yaml,line=${PRODUCTION_LINE}` +
      `,col=1::GitHub Environment "prod" does not exist: a deploy would create ` +
      `it without protection; create it and limit its deployment branches to ` +
      `the default branch (Settings → Environments)`,
  );
  expect(run.stdout).toContain(
    `::error file=environments/prod.yaml,line=${PRODUCTION_LINE}` +
      `,col=1::GitHub Environment "prod-approval" does not exist: the approval ` +
      `job would create it without reviewers and prod would deploy unreviewed; ` +
      `create it with required reviewers (Settings → Environments)`,
  );
  expect(run.outputs).toMatchObject({
    valid: "false",
    errors: "2",
    environments: '["dev","prod"]',
    production: '["prod"]',
  });
  // Only production environments are looked up.
  expect(github.requestsTo("GET", /\/environments\//).map((r) => r.path)).toEqual([
    "/repos/acme/codemie-platform/environments/prod",
    "/repos/acme/codemie-platform/environments/prod-approval",
  ]);
});

test("set up as documented it passes; each way of getting it wrong fails, saying what to change", async () => {
  SET_UP();
  const good = await validate();
  expect(good.status).toBe(0);
  expect(good.outputs).toMatchObject({ valid: "true", errors: "0", production: '["prod"]' });

  // Any branch could claim prod's federated credential.
  github.environments.set("prod", {});
  const open = await validate();
  expect(open.status).toBe(1);
  expect(open.stdout).toContain(
    'GitHub Environment "prod" does not limit its deployment branches: a ' +
      "workflow on any branch could sign in to Azure as prod's deploy identity",
  );

  // Reviewers on prod itself: the deploy job would wait holding the concurrency group.
  github.environments.set("prod", { branchPolicy: true, reviewers: ["release-manager"], waitTimer: 5 });
  const waiting = await validate();
  expect(waiting.status).toBe(1);
  expect(waiting.stdout).toContain(
    'GitHub Environment "prod" has wait_timer, required_reviewers: the ' +
      "deploy job would wait inside prod's concurrency group, holding back " +
      "every later deploy and rollback of prod; move them to GitHub " +
      'Environment "prod-approval"',
  );

  // An approval environment that approves nothing (a wait timer is no reviewer).
  SET_UP();
  github.environments.set("prod-approval", { waitTimer: 10 });
  const unreviewed = await validate();
  expect(unreviewed.status).toBe(1);
  expect(unreviewed.stdout).toContain(
    'GitHub Environment "prod-approval" has no required reviewers: prod ' +
      "would deploy unreviewed; add required reviewers",
  );
  expect(unreviewed.outputs).toMatchObject({ valid: "false", errors: "1" });
});

test("a token that may not read environments fails, saying which permission is missing", async () => {
  github.faults.push({ method: "GET", path: /\/environments\/prod$/, status: 403, times: 1 });
  const run = await validate();
  expect(run.status).toBe(1);
  expect(run.stdout).toContain('cannot read GitHub Environment "prod" (Resource not accessible by integration');
  expect(run.stdout).toContain("the job needs actions: read");

  // prod reads, prod-approval does not: the message names prod-approval, the one that failed.
  SET_UP();
  github.faults.push({ method: "GET", path: /\/environments\/prod-approval$/, status: 403, times: 1 });
  const approval = await validate();
  expect(approval.status).toBe(1);
  expect(approval.stdout).toContain(
    'cannot read GitHub Environment "prod-approval" (Resource not accessible by integration',
  );
  expect(approval.stdout).not.toContain('cannot read GitHub Environment "prod"');
});

test("off by default: a plan's or CI's validate asks nothing", async () => {
  const run = await validate({});
  expect(run.status).toBe(0);
  expect(run.outputs).toMatchObject({ valid: "true", production: '["prod"]' });
  expect(github.requestsTo("GET", /\/environments\//)).toHaveLength(0);
});
