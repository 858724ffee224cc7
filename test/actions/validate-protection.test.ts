// Before a deploy, the validate action checks that every production environment to act on has a
// GitHub Environment with protection rules (read from the GitHub fake, in GitHub's response shape):
// a deploy job naming a missing one would have GitHub create it unprotected.
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
  runAction("validate", { cwd: ws.path, inputs: { environments: "dev prod", ...inputs }, event: workflowDispatchEvent(ws.sha, { environment: "prod" }), github });

const PRODUCTION_LINE = 11;

test("a production environment without a GitHub Environment fails validation, on its production line", async () => {
  const run = await validate();

  expect(run.status).toBe(1);
  expect(run.stdout).toContain(
    `::error file=environments/prod.yaml,line=${PRODUCTION_LINE},col=1::GitHub Environment "prod" does not exist: a deploy would create it without protection; create it with required reviewers first (Settings → Environments)`,
  );
  expect(run.outputs).toMatchObject({ valid: "false", errors: "1", environments: '["dev","prod"]', production: '["prod"]' });
  // Only production environments are looked up.
  expect(github.requestsTo("GET", /\/environments\//).map((r) => r.path)).toEqual(["/repos/acme/codemie-platform/environments/prod"]);
});

test("one without protection rules fails too; one with required reviewers passes", async () => {
  github.environments.set("prod", {});
  const bare = await validate();
  expect(bare.status).toBe(1);
  expect(bare.stdout).toContain('::error file=environments/prod.yaml,line=11,col=1::GitHub Environment "prod" has no protection rules');

  github.environments.set("prod", { reviewers: ["release-manager"], branchPolicy: true });
  const protectedRun = await validate();
  expect(protectedRun.status).toBe(0);
  expect(protectedRun.outputs).toMatchObject({ valid: "true", errors: "0", production: '["prod"]' });
});

test("a token that may not read environments fails, saying which permission is missing", async () => {
  github.faults.push({ method: "GET", path: /\/environments\/prod$/, status: 403, times: 1 });
  const run = await validate();
  expect(run.status).toBe(1);
  expect(run.stdout).toContain('cannot read GitHub Environment "prod" (Resource not accessible by integration');
  expect(run.stdout).toContain("the job needs actions: read");
});

test("off by default: a plan's or CI's validate asks nothing", async () => {
  const run = await validate({});
  expect(run.status).toBe(0);
  expect(run.outputs).toMatchObject({ valid: "true", production: '["prod"]' });
  expect(github.requestsTo("GET", /\/environments\//)).toHaveLength(0);
});
