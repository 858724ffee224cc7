// The model of how GitHub runs a workflow (support/runner.ts) refuses and withholds what GitHub
// does, and reads expressions as GitHub does; otherwise a journey could pass where GitHub fails.
import { afterAll, beforeAll, expect, test } from "vitest";
import { allAt, type Permissions } from "../github-fake/permissions.js";
import { GitHubFake } from "../github-fake/server.js";
import { condition, evaluate } from "./support/expressions.js";
import { dispatch, pullRequest, repository, type Repository } from "./support/repository.js";
import { runWorkflow, type Journey } from "./support/runner.js";

const OK = { success: true, failure: false, cancelled: false };
const FAILED = { success: false, failure: true, cancelled: false };

test(
  "expressions: operands returned by || and &&, loose equality, " +
    "case-insensitive names, GitHub's implied success()",
  () => {
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
  },
);

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

test(
  "GitHub's refusals: an empty matrix fails its job; a branch outside the " +
    "environment's deployment branches cannot deploy",
  async () => {
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
  },
);

test(
  "an environment a job names that does not exist is created, unprotected; " +
    "a fork gets no secret and no OIDC token",
  async () => {
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
  },
);

// GITHUB_TOKEN permissions, as GitHub computes them for the jobs of a called workflow.
const NARROW = `on: { workflow_call: {} }
jobs:
  inherits:
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
  none:
    runs-on: ubuntu-latest
    permissions: {}
    steps: [{ run: "true" }]
  own:
    runs-on: ubuntu-latest
    permissions: { issues: read }
    steps: [{ run: "true" }]
`;
const WIDE = `on: { workflow_call: {} }
permissions: read-all
jobs:
  inherits:
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
  signs-in:
    runs-on: ubuntu-latest
    permissions: { contents: write, id-token: write }
    steps: [{ run: "true" }]
`;
const SCOPED_CALLER = `on: [workflow_dispatch, pull_request]
permissions: { contents: read, issues: write }
jobs:
  narrow:
    uses: ./.github/workflows/narrow.yml
  wide:
    uses: ./.github/workflows/wide.yml
    permissions: write-all
`;
const UNDECLARED_CALLER = `on: [workflow_dispatch]
jobs:
  narrow:
    uses: ./.github/workflows/narrow-undeclared.yml
`;
const scoped = (): Journey => ({
  ...journey(),
  files: {
    ".github/workflows/caller.yml": SCOPED_CALLER,
    ".github/workflows/undeclared.yml": UNDECLARED_CALLER,
    ".github/workflows/narrow.yml": NARROW,
    ".github/workflows/narrow-undeclared.yml": NARROW.replace(/ {4}permissions: .*\n/g, ""),
    ".github/workflows/wide.yml": WIDE,
  },
});
/** The scopes a job's token has, none left out. */
const token = (scopes: Partial<Permissions>): Permissions => ({ ...allAt("none"), ...scopes });

test(
  "each job's token: its own permissions, else its called workflow's, else " +
    "its caller's; {} is none; read-all/write-all; a fork's reads only",
  async () => {
    const run = await runWorkflow(
      ".github/workflows/caller.yml",
      dispatch("acme/codemie-platform", origin.head(), {}),
      scoped(),
    );

    expect(run.conclusion).toBe("success");
    // The caller job takes its workflow's permissions and hands them to nested jobs that declare none.
    expect(run.legs("inherits")[0]!.permissions).toEqual(token({ contents: "read", issues: "write" }));
    expect(run.legs("none")[0]!.permissions).toEqual(allAt("none"));
    expect(run.legs("own")[0]!.permissions).toEqual(token({ issues: "read" }));
    // write-all allows the called workflow's read-all root, which its jobs take unless they ask for more.
    expect(run.legs("inherits")[1]!.permissions).toEqual(allAt("read"));
    expect(run.legs("signs-in")[0]).toMatchObject({
      permissions: token({ contents: "write", "id-token": "write" }),
      idToken: true,
    });

    const fork = await runWorkflow(
      ".github/workflows/caller.yml",
      pullRequest("acme/codemie-platform", 6, origin.head(), "mallory/codemie-platform"),
      scoped(),
    );
    expect(fork.legs("inherits")[0]!.permissions).toEqual(token({ contents: "read", issues: "read" }));
    expect(fork.legs("signs-in")[0]).toMatchObject({ permissions: token({ contents: "read" }), idToken: false });

    // Nothing declared anywhere: the repository's default, restricted unless its settings say permissive.
    const undeclared = await runWorkflow(
      ".github/workflows/undeclared.yml",
      dispatch("acme/codemie-platform", origin.head(), {}),
      scoped(),
    );
    expect(undeclared.legs("own")[0]!.permissions).toEqual(token({ contents: "read", packages: "read" }));
    const permissive = await runWorkflow(
      ".github/workflows/undeclared.yml",
      dispatch("acme/codemie-platform", origin.head(), {}),
      { ...scoped(), defaultPermissions: "permissive" },
    );
    expect(permissive.legs("own")[0]!.permissions).toEqual({ ...allAt("write"), "id-token": "none" });
  },
);

test(
  "a called workflow asking more than its caller allows makes the run " + "invalid before any job, in GitHub's words",
  async () => {
    const caller = `on: [workflow_dispatch]
permissions: {}
jobs:
  plan:
    uses: ./.github/workflows/narrow.yml
    permissions: { contents: read }
  deploy:
    uses: ./.github/workflows/asks.yml
    permissions: { contents: read }
`;
    // Checked whatever the job's if: GitHub validates every nested job when it loads the workflow.
    const asks = `on: { workflow_call: {} }
jobs:
  deploy:
    if: false
    runs-on: ubuntu-latest
    permissions: { contents: write, pull-requests: write }
    steps: [{ run: "true" }]
`;
    const head = origin.head();
    const run = await runWorkflow(".github/workflows/invalid.yml", dispatch("acme/codemie-platform", head, {}), {
      ...scoped(),
      files: { ...scoped().files, ".github/workflows/invalid.yml": caller, ".github/workflows/asks.yml": asks },
    });

    expect(run).toMatchObject({ conclusion: "failure", jobs: [] });
    expect(run.error).toBe(
      "The workflow is not valid. " +
        (`.github/workflows/invalid.yml (Line: 4, Col: 3): Error calling workflow ` +
          `'acme/codemie-platform/.github/workflows/narrow.yml@${head}'. The ` +
          `nested job 'own' is requesting 'issues: read', but is only allowed ` +
          `'issues: none'. `) +
        (`.github/workflows/invalid.yml (Line: 7, Col: 3): Error calling workflow ` +
          `'acme/codemie-platform/.github/workflows/asks.yml@${head}'. The nested ` +
          `job 'deploy' is requesting 'contents: write, pull-requests: write', but ` +
          `is only allowed 'contents: read, pull-requests: none'.`),
    );

    // A caller declaring nothing allows the repository's default: an OIDC token is not in it.
    const undeclared = await runWorkflow(
      ".github/workflows/undeclared.yml",
      dispatch("acme/codemie-platform", head, {}),
      {
        ...scoped(),
        files: { ...scoped().files, ".github/workflows/narrow-undeclared.yml": WIDE },
      },
    );
    expect(undeclared.error).toContain(
      "The nested job 'signs-in' is requesting 'contents: write, id-token: " +
        "write', but is only allowed 'contents: read, id-token: none'.",
    );
    expect(undeclared.jobs).toEqual([]);
  },
);
