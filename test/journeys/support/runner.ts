// A model of how GitHub runs a workflow, for walking user journeys end to end: the caller workflow
// of a repository, the reusable workflow it calls (this checkout's, or the toolkit's by
// `owner/name/path@ref`), its jobs in `needs` order with their `if:`, matrices, outputs and
// GitHub Environments, and each step for real: `actions/checkout` clones the repository's git
// repository (or links this checkout as the toolkit), `./toolkit/actions/X` runs the bundled action
// as its own process against the GitHub fake (support/run-action.ts), `run:` runs in bash.
//
// What GitHub refuses or withholds is modelled, not only what it does: a job naming a GitHub
// Environment that does not exist creates it unprotected; one whose deployment branches exclude the
// run's ref fails; one with required reviewers waits for `approve` (a rejection fails it); a matrix
// with no values fails; a fork's pull request gets no secrets, a read-only token and no OIDC token;
// a job without `id-token: write` gets no OIDC token. Each job's GITHUB_TOKEN is issued by the
// fake with exactly the permissions GitHub would give it (permissions.ts), and a called workflow
// asking more than its caller allows makes the run invalid before any job. Steps it does not know (any other action)
// throw, so a journey never passes on a guess. Jobs run one after another.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { LineCounter, parse, parseDocument, isMap, isScalar } from "yaml";
import { ROOT } from "../../support/cli.js";
import type { GitHubFake } from "../../github-fake/server.js";
import { runAction, type ActionEvent, type ActionName } from "../../action/support/run-action.js";
import type { Permissions } from "../../github-fake/permissions.js";
import { asString, condition, interpolate, type Contexts, type Status, type Value } from "./expressions.js";
import { grantOf } from "../../action/workflow-loader.js";
import { calledWorkflow, jobToken, type DefaultPermissions } from "./permissions.js";

export const TOOLKIT = "codemie/codemie-gitops";

interface Step {
  id?: string;
  name?: string;
  if?: unknown;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  "working-directory"?: string;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: unknown;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown> | "inherit";
  permissions?: Record<string, string> | string;
  environment?: string | { name?: string };
  concurrency?: string | { group?: string };
  strategy?: { matrix?: unknown };
  outputs?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  permissions?: Record<string, string> | string;
  on?: Record<
    string,
    {
      paths?: string[];
      inputs?: Record<string, { type?: string; default?: unknown; required?: boolean }>;
      secrets?: Record<string, unknown>;
    } | null
  >;
  jobs: Record<string, Job>;
}

export type Result = "success" | "failure" | "cancelled" | "skipped";

export interface StepRun {
  name: string;
  outcome: Result;
  /** The toolkit action it ran, if any. */
  action?: ActionName;
  inputs?: Record<string, string>;
  /** What a checkout fetched: repository@ref. */
  checkout?: string;
  stdout: string;
  summary?: string;
}

export interface JobRun {
  /** caller job / nested job. */
  id: string;
  name: string;
  matrix?: Record<string, Value>;
  environment?: string;
  concurrency?: string;
  result: Result;
  /** Why it failed before any step, in GitHub's words. */
  error?: string;
  steps: StepRun[];
  /** The secrets it could read (names only). */
  secrets: string[];
  idToken: boolean;
  /** What its GITHUB_TOKEN may do. */
  permissions?: Permissions;
}

export interface WorkflowRun {
  /** False when the event's path filter left the workflow unstarted. */
  started: boolean;
  jobs: JobRun[];
  approvals: { environment: string; job: string; approved: boolean }[];
  conclusion: Result;
  /** Why GitHub refused the workflow before any job, in its words. */
  error?: string;
  /** The jobs that ran (not skipped), in order. */
  ran(): JobRun[];
  job(name: RegExp | string): JobRun;
  /** The legs of a nested job, by its id in the called workflow. */
  legs(id: string): JobRun[];
}

export interface Journey {
  github: GitHubFake;
  /** The repository the run belongs to, and its git repository on disk (the default branch is main). */
  repository: string;
  origin: string;
  /** Its own workflow files by path, for `./.github/workflows/…` calls. */
  files?: Record<string, string>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** Variables of GitHub Environments, by environment. */
  environmentVars?: Record<string, Record<string, string>>;
  /** Extra environment of every action process (the Azure emulator, the GitOps remote). */
  env?: NodeJS.ProcessEnv;
  /** A reviewer's decision on a job waiting in a GitHub Environment with required reviewers. */
  approve?: (environment: string, job: string) => boolean;
  /** GitHub cancels this job while it waits for its concurrency group (a newer one replaced it). */
  replaced?: (job: string, group: string) => boolean;
  onLine?: (line: string) => unknown;
  /** The files the event changed, for the trigger's `paths` filter (unset: the filter is not applied). */
  changed?: string[];
  /** The repository's default GITHUB_TOKEN permissions (Settings → Actions); GitHub's default is restricted. */
  defaultPermissions?: DefaultPermissions;
  /** Called before a toolkit action runs, with the job's GitHub Environment (to script the emulator). */
  beforeAction?: (action: ActionName, environment: string | undefined, inputs: Record<string, string>) => void;
}

const TOOLKIT_WORKFLOWS = Object.fromEntries(
  ["reusable-plan.yml", "reusable-deploy.yml", "reusable-drift.yml"].map((f) => [
    `.github/workflows/${f}`,
    readFileSync(join(ROOT, ".github/workflows", f), "utf8"),
  ]),
);
const BICEP_BIN = join(ROOT, ".bicep", "bin");

const git = (cwd: string, ...args: string[]): string => {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
};

const aggregate = (results: Result[]): Result =>
  results.includes("failure")
    ? "failure"
    : results.includes("cancelled")
      ? "cancelled"
      : results.length > 0 && results.every((r) => r === "skipped")
        ? "skipped"
        : "success";

function matrixLegs(matrix: Value): Record<string, Value>[] {
  if (matrix === null || typeof matrix !== "object" || Array.isArray(matrix))
    throw new Error("matrix must be a mapping");
  let legs: Record<string, Value>[] = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    if (!Array.isArray(values)) throw new Error(`matrix ${key} is not a list`);
    legs = legs.flatMap((leg) => values.map((v) => ({ ...leg, [key]: v })));
  }
  return legs;
}

export async function runWorkflow(path: string, event: ActionEvent, journey: Journey): Promise<WorkflowRun> {
  const callerText = journey.files?.[path] ?? readFileSync(join(ROOT, path), "utf8");
  const caller = parse(callerText) as Workflow;
  const headRepo = (event.payload.pull_request as { head?: { repo?: { full_name?: string } } } | undefined)?.head?.repo
    ?.full_name;
  const fork = event.name === "pull_request" && headRepo !== journey.repository;
  const repoSecrets = fork ? {} : (journey.secrets ?? {});
  const github: Record<string, Value> = {
    repository: journey.repository,
    repository_owner: journey.repository.split("/")[0]!,
    sha: event.sha,
    ref: event.ref,
    event_name: event.name,
    event: event.payload as Value,
    run_id: "4242",
    run_attempt: "1",
  };
  // workflow_dispatch inputs, typed as the caller declares them.
  const dispatch = caller.on?.workflow_dispatch?.inputs ?? {};
  const given = (event.payload.inputs ?? {}) as Record<string, string>;
  const callerInputs = Object.fromEntries(
    Object.entries(dispatch).map(([k, spec]) => [k, typed((given[k] ?? spec.default ?? "") as Value, spec.type)]),
  );

  const run: WorkflowRun = {
    started: true,
    jobs: [],
    approvals: [],
    conclusion: "success",
    ran: () => run.jobs.filter((j) => j.result !== "skipped"),
    job: (name) => {
      const found = run.jobs.find((j) => (typeof name === "string" ? j.name === name : name.test(j.name)));
      if (!found) throw new Error(`no job ${String(name)} in the run: ${run.jobs.map((j) => j.name).join("; ")}`);
      return found;
    },
    legs: (id) => run.jobs.filter((j) => j.id.endsWith(`/${id}`)),
  };

  const paths = caller.on?.[event.name]?.paths;
  if (paths && journey.changed && !journey.changed.some((file) => paths.some((glob) => globPattern(glob).test(file)))) {
    run.started = false;
    run.conclusion = "skipped";
    return run;
  }

  // GitHub loads every called workflow and checks its permissions before starting any job.
  const policy = journey.defaultPermissions ?? "restricted";
  const calls = Object.entries(caller.jobs).map(([callerId, callerJob]) => {
    if (!callerJob.uses)
      throw new Error(`caller job ${callerId} runs steps; only calls of reusable workflows are modelled here`);
    const callee = resolve(callerJob.uses, journey);
    const local = callerJob.uses.startsWith("./");
    const ref = local ? `${journey.repository}/${callerJob.uses.slice(2)}@${event.sha}` : callerJob.uses;
    const sameOwner = ref.split("/")[0] === journey.repository.split("/")[0];
    const permissions = grantOf(callerJob.permissions) ?? grantOf(caller.permissions);
    const call = calledWorkflow(permissions, callee, policy, sameOwner);
    const at = position(callerText, callerId);
    const errors = call.errors.map(
      (e) => `${path} (Line: ${at.line}, Col: ${at.col}): Error calling workflow '${ref}'. ${e}`,
    );
    return { callerId, callerJob, callee, inherited: call.inherited, errors };
  });
  const invalid = calls.flatMap((c) => c.errors);
  if (invalid.length > 0) {
    run.conclusion = "failure";
    run.error = `The workflow is not valid. ${invalid.join(" ")}`;
    return run;
  }

  for (const { callerId, callerJob, callee, inherited } of calls) {
    const base: Contexts = {
      github,
      inputs: callerInputs,
      secrets: repoSecrets,
      vars: fork ? {} : (journey.vars ?? {}),
      env: {},
    };
    const declared = callee.on?.workflow_call ?? {};
    const withs = Object.fromEntries(
      Object.entries(callerJob.with ?? {}).map(([k, v]) => [k.toLowerCase(), interpolate(v, base, OK)]),
    );
    const inputs = Object.fromEntries(
      Object.entries(declared.inputs ?? {}).map(([k, spec]) => [
        k,
        typed((withs[k.toLowerCase()] ?? spec.default ?? "") as Value, spec.type),
      ]),
    );
    const secrets =
      callerJob.secrets === "inherit"
        ? repoSecrets
        : Object.fromEntries(
            Object.entries(callerJob.secrets ?? {})
              .map(([k, v]) => [k, asString(interpolate(v, base, OK))])
              .filter(([, v]) => v !== ""),
          );
    await runJobs(
      callerId,
      callee,
      { github, inputs, secrets, vars: base.vars!, env: {} },
      { event, journey, fork, inherited, policy },
      run,
    );
  }
  run.conclusion = aggregate(run.jobs.map((j) => j.result).filter((r) => r !== "skipped"));
  return run;
}

/** A path filter's glob: `**` any path, `*` any name within a directory. */
const globPattern = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .split("**")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
      .join(".*")}$`,
  );

const OK: Status = { success: true, failure: false, cancelled: false };

function typed(value: Value, type: string | undefined): Value {
  if (type === "boolean") return value === true || value === "true";
  if (type === "number") return Number(value);
  return value;
}

function resolve(uses: string, journey: Journey): Workflow {
  const local = /^\.\/(\.github\/workflows\/[\w.-]+)$/.exec(uses);
  const remote = /^([\w.-]+\/[\w.-]+)\/(\.github\/workflows\/[\w.-]+)@(.+)$/.exec(uses);
  let text: string | undefined;
  if (local) text = journey.repository === TOOLKIT ? TOOLKIT_WORKFLOWS[local[1]!] : journey.files?.[local[1]!];
  else if (remote?.[1] === TOOLKIT) text = TOOLKIT_WORKFLOWS[remote[2]!];
  if (text === undefined) throw new Error(`Unable to find reusable workflow ${uses}`);
  return parse(text) as Workflow;
}

/** Where a caller's job key is, 1-based, as GitHub's annotations give it. */
function position(text: string, jobId: string): { line: number; col: number } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const jobs = doc.get("jobs", true);
  const key = isMap(jobs) ? jobs.items.find((item) => isScalar(item.key) && item.key.value === jobId)?.key : undefined;
  const offset = isScalar(key) ? (key.range?.[0] ?? 0) : 0;
  const { line, col } = lines.linePos(offset);
  return { line, col };
}

interface RunContext {
  event: ActionEvent;
  journey: Journey;
  fork: boolean;
  /** The permissions the call hands its jobs (undefined: none declared), and the repository's default. */
  inherited: Permissions | undefined;
  policy: DefaultPermissions;
}

async function runJobs(
  prefix: string,
  workflow: Workflow,
  contexts: Contexts,
  ctx: RunContext,
  run: WorkflowRun,
): Promise<void> {
  const results = new Map<string, { result: Result; outputs: Record<string, Value> }>();
  const pending = Object.entries(workflow.jobs);
  while (pending.length > 0) {
    const index = pending.findIndex(([, job]) => needsOf(job).every((n) => results.has(n)));
    if (index < 0) throw new Error(`jobs ${pending.map(([id]) => id).join(", ")} need jobs that never run`);
    const [id, job] = pending.splice(index, 1)[0]!;
    const needs = Object.fromEntries(
      needsOf(job).map((n) => [n, { result: results.get(n)!.result, outputs: results.get(n)!.outputs }]),
    ) as Value;
    const needResults = needsOf(job).map((n) => results.get(n)!.result);
    const status: Status = {
      success: needResults.every((r) => r === "success"),
      failure: needResults.includes("failure"),
      cancelled: false,
    };
    const jobContexts: Contexts = { ...contexts, needs };
    const record = (partial: Partial<JobRun> & { result: Result }): JobRun => {
      const jobRun: JobRun = {
        id: `${prefix}/${id}`,
        name: asString(interpolate(job.name ?? id, { ...jobContexts, matrix: {} }, status)),
        steps: [],
        secrets: Object.keys(contexts.secrets as object),
        idToken: false,
        ...partial,
      };
      run.jobs.push(jobRun);
      return jobRun;
    };
    if (!condition(job.if, jobContexts, status)) {
      record({ result: "skipped" });
      results.set(id, { result: "skipped", outputs: {} });
      continue;
    }
    let legs: Record<string, Value>[] = [{}];
    if (job.strategy?.matrix !== undefined) {
      const matrix = job.strategy.matrix;
      legs = matrixLegs(
        typeof matrix === "string"
          ? interpolate(matrix, jobContexts, status)
          : Object.fromEntries(
              Object.entries(matrix as object).map(([k, v]) => [k, interpolate(v, jobContexts, status)]),
            ),
      );
      if (legs.length === 0) {
        record({
          result: "failure",
          error: `Error when evaluating 'strategy' for job '${id}'. Matrix vector does not contain any values`,
        });
        results.set(id, { result: "failure", outputs: {} });
        continue;
      }
    }
    const legResults: Result[] = [];
    let outputs: Record<string, Value> = {};
    for (const matrix of legs) {
      const legRun = await runLeg(id, job, { ...jobContexts, matrix }, ctx, run, record);
      legResults.push(legRun.result);
      outputs = { ...outputs, ...legRun.outputs };
    }
    results.set(id, { result: aggregate(legResults), outputs });
  }
}

const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];

async function runLeg(
  id: string,
  job: Job,
  contexts: Contexts,
  ctx: RunContext,
  run: WorkflowRun,
  record: (partial: Partial<JobRun> & { result: Result }) => JobRun,
): Promise<{ result: Result; outputs: Record<string, Value> }> {
  const { journey, event } = ctx;
  const name = asString(interpolate(job.name ?? id, contexts, OK));
  const environment =
    job.environment === undefined
      ? undefined
      : asString(
          interpolate(typeof job.environment === "string" ? job.environment : job.environment.name, contexts, OK),
        );
  const concurrency =
    job.concurrency === undefined
      ? undefined
      : asString(
          interpolate(typeof job.concurrency === "string" ? job.concurrency : job.concurrency.group, contexts, OK),
        );
  const permissions = jobToken(job.permissions, ctx.inherited, ctx.policy, ctx.fork);
  const idToken = permissions["id-token"] === "write";
  const base = {
    name,
    matrix: contexts.matrix as Record<string, Value>,
    ...(environment ? { environment } : {}),
    ...(concurrency ? { concurrency } : {}),
    idToken,
    permissions,
  };
  let vars = contexts.vars as Record<string, string>;

  if (environment) {
    const fake = journey.github.environments;
    // GitHub creates an environment a job names, without protection.
    if (![...fake.keys()].some((k) => k.toLowerCase() === environment.toLowerCase())) fake.set(environment, {});
    const settings = [...fake].find(([k]) => k.toLowerCase() === environment.toLowerCase())![1];
    if (settings.branchPolicy && event.ref !== "refs/heads/main") {
      record({
        ...base,
        result: "failure",
        error:
          `Branch "${event.ref.replace(/^refs\/heads\//, "")}" is not allowed to ` +
          `deploy to ${environment} due to environment protection rules.`,
      });
      return { result: "failure", outputs: {} };
    }
    if (settings.reviewers?.length) {
      const approved = journey.approve?.(environment, name) ?? true;
      run.approvals.push({ environment, job: name, approved });
      if (!approved) {
        record({
          ...base,
          result: "failure",
          error: "The deployment was rejected or didn't satisfy other protection rules.",
        });
        return { result: "failure", outputs: {} };
      }
    }
    vars = { ...vars, ...(ctx.fork ? {} : (journey.environmentVars?.[environment] ?? {})) };
  }
  if (concurrency && journey.replaced?.(name, concurrency)) {
    record({
      ...base,
      result: "cancelled",
      error: `Canceling since a higher priority waiting request for '${concurrency}' exists`,
    });
    return { result: "cancelled", outputs: {} };
  }

  // The job's own GITHUB_TOKEN, as github.token and every action's default github-token.
  const token = journey.github.issueToken(permissions);
  contexts = { ...contexts, github: { ...github(contexts), token } };
  const workspace = mkdtempSync(join(tmpdir(), "journey-job-"));
  const files = { output: join(workspace, ".output"), summary: join(workspace, ".summary") };
  const steps: Record<string, Value> = {};
  const stepRuns: StepRun[] = [];
  let failed = false;
  try {
    for (const [n, step] of (job.steps ?? []).entries()) {
      const stepContexts: Contexts = { ...contexts, vars, steps, runner: { os: "Linux", temp: workspace } };
      const status: Status = { success: !failed, failure: failed, cancelled: false };
      const stepName = asString(interpolate(step.name ?? step.uses ?? step.run ?? `step ${n}`, stepContexts, status));
      if (!condition(step.if, stepContexts, status)) {
        stepRuns.push({ name: stepName, outcome: "skipped", stdout: "" });
        continue;
      }
      const withs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, asString(interpolate(v, stepContexts, status))]),
      );
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, asString(interpolate(v, stepContexts, status))]),
      );
      const done = (
        outcome: Result,
        stdout: string,
        outputs: Record<string, string> = {},
        extra: Partial<StepRun> = {},
      ): void => {
        stepRuns.push({ name: stepName, outcome, stdout, ...extra });
        if (step.id) steps[step.id] = { outputs, outcome, conclusion: outcome };
        if (outcome === "failure") failed = true;
      };
      const uses = step.uses ?? "";
      const action = /^\.\/(?:toolkit\/)?actions\/(validate|plan|deploy|status)$/.exec(uses)?.[1] as
        | ActionName
        | undefined;
      if (uses.startsWith("actions/checkout@")) {
        const repository = withs.repository || (github(contexts).repository as string);
        const ref = withs.ref || (github(contexts).sha as string);
        const target = join(workspace, withs.path || ".");
        mkdirSync(dirname(target), { recursive: true });
        if (withs.path === "toolkit" && repository === TOOLKIT) symlinkSync(ROOT, target);
        else if (repository === journey.repository) {
          git(workspace, "clone", "-q", journey.origin, target);
          git(
            target,
            "checkout",
            "-q",
            "--detach",
            git(target, "rev-parse", "--verify", `${/^[0-9a-f]{40}$/.test(ref) ? ref : `origin/${ref}`}^{commit}`),
          );
        } else {
          done("failure", `Not Found: repository ${repository}`);
          continue;
        }
        done("success", "", {}, { checkout: `${repository}@${ref}` });
      } else if (uses.startsWith("actions/cache@") || uses.startsWith("actions/upload-artifact@")) {
        done("success", "");
      } else if (action) {
        const env: NodeJS.ProcessEnv = {
          ...journey.env,
          PATH: `${BICEP_BIN}:${process.env.PATH ?? ""}`,
          GITHUB_REPOSITORY: journey.repository,
          GITHUB_REPOSITORY_OWNER: journey.repository.split("/")[0],
          GITHUB_JOB: id,
        };
        if (!idToken) {
          delete env.ACTIONS_ID_TOKEN_REQUEST_URL;
          delete env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
        }
        journey.beforeAction?.(action, environment, withs);
        const result = await runAction(action, {
          cwd: workspace,
          inputs: { "github-token": token, ...withs },
          event,
          github: journey.github,
          env,
          ...(journey.onLine ? { onLine: journey.onLine } : {}),
        });
        done(result.status === 0 ? "success" : "failure", result.stdout, result.outputs, {
          action,
          inputs: withs,
          summary: result.summary,
        });
      } else if (step.run !== undefined) {
        writeFileSync(files.output, "");
        writeFileSync(files.summary, "");
        const script = asString(interpolate(step.run, stepContexts, status));
        const cwd = join(workspace, step["working-directory"] ?? ".");
        const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
          cwd,
          encoding: "utf8",
          env: {
            PATH: `${BICEP_BIN}:${process.env.PATH ?? ""}`,
            HOME: process.env.HOME,
            GITHUB_OUTPUT: files.output,
            GITHUB_STEP_SUMMARY: files.summary,
            GITHUB_SHA: event.sha,
            GITHUB_WORKSPACE: workspace,
            ...stepEnv,
          },
        });
        const outputs = Object.fromEntries(
          readFileSync(files.output, "utf8")
            .split("\n")
            .filter((l) => l.includes("="))
            .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
        );
        done(r.status === 0 ? "success" : "failure", r.stdout + r.stderr, outputs, {
          summary: readFileSync(files.summary, "utf8"),
        });
      } else throw new Error(`step "${stepName}" uses ${uses}, which the model does not run`);
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  const result: Result = failed ? "failure" : "success";
  const outputs = Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([k, v]) => [k, interpolate(v, { ...contexts, vars, steps }, OK)]),
  );
  record({ ...base, result, steps: stepRuns });
  return { result, outputs };
}

const github = (contexts: Contexts): Record<string, Value> => contexts.github as Record<string, Value>;
