// The model of how GitHub runs a workflow (journeys/runner.ts) refuses and withholds what GitHub
// does, and reads expressions as GitHub does; otherwise a journey could pass where GitHub fails.
import { afterAll, beforeAll, expect, test } from "vitest";
import { GitHubFake } from "../github-fake/server.js";
import { condition, evaluate } from "./journeys/expressions.js";
import { dispatch, pullRequest, repository, type Repository } from "./journeys/repository.js";
import { runWorkflow, type Journey } from "./journeys/runner.js";

const OK = { success: true, failure: false, cancelled: false };
const FAILED = { success: false, failure: true, cancelled: false };

test("expressions: operands returned by || and &&, loose equality, case-insensitive names, GitHub's implied success()", () => {
  const contexts = {
    vars: { IDS: '{"dev":"a1"}' },
    secrets: {},
    needs: { build: { result: "success", outputs: { list: '["dev"]' } } },
    matrix: { environment: "dev" },
  };
  expect(evaluate("fromJSON(vars.IDS || secrets.IDS || '{}')[matrix.environment]", contexts, OK)).toBe("a1");
  expect(evaluate("fromJSON(vars.NONE || secrets.NONE || '{}')[matrix.environment]", contexts, OK)).toBe(null);
  expect(evaluate("needs.build.outputs.list != '[]' && needs.BUILD.result == 'SUCCESS'", contexts, OK)).toBe(true);
  expect(evaluate("1 == '1' && !('' || null)", contexts, OK)).toBe(true);
  expect(evaluate("format('{0}-{1}', 'a', matrix.environment)", contexts, OK)).toBe("a-dev");
  expect(condition("${{ needs.build.result == 'success' }}", contexts, FAILED)).toBe(false);
  expect(condition("${{ always() && needs.build.result == 'success' }}", contexts, FAILED)).toBe(true);
  expect(() => evaluate("hashFiles('x')", contexts, OK)).toThrow("function hashFiles() is not modelled");
  expect(() => evaluate("needs.build.result === 'x'", contexts, OK)).toThrow();
});

const REUSABLE = `on:
  workflow_call:
    inputs:
      environment: { type: string, required: true }
    secrets:
      TOKEN: { required: false }
jobs:
  list:
    runs-on: ubuntu-latest
    outputs:
      none: \${{ steps.none.outputs.value }}
    steps:
      - id: none
        run: echo 'value=[]' >>"$GITHUB_OUTPUT"
  empty:
    needs: list
    runs-on: ubuntu-latest
    strategy:
      matrix:
        environment: \${{ fromJSON(needs.list.outputs.none) }}
    steps: [{ run: "true" }]
  deploy:
    runs-on: ubuntu-latest
    environment: \${{ inputs.environment }}
    permissions: { contents: read }
    steps:
      - run: echo "token-passed=$HAS_TOKEN"
        env:
          HAS_TOKEN: \${{ secrets.TOKEN != '' }}
`;
const CALLER = `on: [workflow_dispatch, pull_request]
jobs:
  call:
    uses: ./.github/workflows/reusable.yml
    with: { environment: "\${{ github.event.inputs.environment || 'qa' }}" }
    secrets: { TOKEN: "\${{ secrets.TOKEN }}" }
`;

let github: GitHubFake;
let origin: Repository;
beforeAll(async () => {
  github = await GitHubFake.start();
  origin = repository("acme/codemie-platform", { "README.md": "x\n" });
});
afterAll(async () => {
  origin.dispose();
  await github.stop();
});
const journey: () => Journey = () => ({
  github,
  repository: "acme/codemie-platform",
  origin: origin.path,
  files: { ".github/workflows/caller.yml": CALLER, ".github/workflows/reusable.yml": REUSABLE },
  secrets: { TOKEN: "s3cret" },
});

test("GitHub's refusals: an empty matrix fails its job; a branch outside the environment's deployment branches cannot deploy", async () => {
  github.environments.set("prod", { branchPolicy: true });
  const run = await runWorkflow(
    ".github/workflows/caller.yml",
    dispatch("acme/codemie-platform", origin.head(), { environment: "prod" }, "refs/heads/feature"),
    journey(),
  );

  expect(run.legs("empty")[0]).toMatchObject({
    result: "failure",
    error: expect.stringContaining("Matrix vector does not contain any values"),
  });
  expect(run.legs("deploy")[0]).toMatchObject({
    result: "failure",
    error: 'Branch "feature" is not allowed to deploy to prod due to environment protection rules.',
  });
  expect(run.conclusion).toBe("failure");
});

test("an environment a job names that does not exist is created, unprotected; a fork gets no secret and no OIDC token", async () => {
  const own = await runWorkflow(
    ".github/workflows/caller.yml",
    dispatch("acme/codemie-platform", origin.head(), {}),
    journey(),
  );
  expect(github.environments.get("qa")).toEqual({});
  expect(own.legs("deploy")[0]!.steps[0]!.stdout).toBe("token-passed=true\n");

  const fork = await runWorkflow(
    ".github/workflows/caller.yml",
    pullRequest("acme/codemie-platform", 5, origin.head(), "mallory/codemie-platform"),
    journey(),
  );
  expect(fork.legs("deploy")[0]).toMatchObject({ secrets: [], idToken: false });
  expect(fork.legs("deploy")[0]!.steps[0]!.stdout).toBe("token-passed=false\n");
});
