// A model of what GitHub checks when it loads a workflow that calls reusable workflows, before any
// job runs (actions/runner, src/Sdk/WorkflowParser: ReusableWorkflowsLoader, PermissionsHelper,
// WorkflowTemplateConverter). A violation fails the whole run with "Invalid workflow file", so the
// messages are GitHub's own, word for word:
//
// - every permission a called workflow (its root `permissions`, then each job's) requests must fit
//   in what the calling job grants, whatever the job's `if:` says. The calling job grants its own
//   `permissions`, else its workflow's, else the repository's default policy; a scope left out of
//   an explicit grant is `none`;
// - every required input and secret of `on.workflow_call` is passed, and nothing undeclared is
//   (secrets: inherit passes everything and is not checked), names compared ignoring case;
// - and rules of this toolkit's own: each checkout of the toolkit (path `toolkit`) fetches the
//   repository and commit the reusable workflow was called at, so its actions and templates are
//   the ones that belong to that workflow; and approvals do not block the queue (queueErrors).
import { LineCounter, parseDocument, type Node } from "yaml";

export type Level = "none" | "read" | "write";

/** GitHub's scopes in the order it reports violations (Permissions.ComparisonKeyMapping). */
export const SCOPES = [
  "actions",
  "artifact-metadata",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "issues",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "statuses",
  "security-events",
  "id-token",
  "models",
  "workflows",
] as const;
export type Scope = (typeof SCOPES)[number];
/** Every scope's level: what a token carries once `permissions:` is read. */
export type Grant = Record<Scope, Level>;
/** The repository's default GITHUB_TOKEN policy (Settings → Actions → Workflow permissions). */
export type DefaultPolicy = "restricted" | "permissive";

export const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };

/** A workflow file as GitHub fetches it: its text, the repository it lives in and the commit. */
export interface WorkflowSource {
  path: string;
  text: string;
  repository: string;
  ref: string;
}

export interface LoadContext {
  /** The caller's `github` context: the repository and commit the run is for. */
  github: { repository: string; sha: string };
  /** Finds a called workflow: `./.github/workflows/x.yml` or `owner/name/.github/workflows/x.yml@ref`. */
  resolve: (uses: string, caller: WorkflowSource) => WorkflowSource | undefined;
  /**
   * The repository's default GITHUB_TOKEN policy when a caller states no permissions: "restricted"
   * (contents and packages read; GitHub's default for new repositories) or "permissive" (write).
   */
  defaultPolicy?: DefaultPolicy;
}

interface Parsed {
  source: WorkflowSource;
  data: Record<string, unknown>;
  /** "(Line: L, Col: C)" of the node at a path. */
  at: (path: (string | number)[], key?: boolean) => string;
}

function parse(source: WorkflowSource): Parsed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter });
  const at = (path: (string | number)[], key = false): string => {
    let node: Node | null | undefined;
    if (key) {
      const parent = doc.getIn(path.slice(0, -1), true) as { items?: { key: Node; value: Node }[] } | undefined;
      node = parent?.items?.find((p) => (p.key as { value?: unknown }).value === path.at(-1))?.key;
    } else node = doc.getIn(path, true) as Node | undefined;
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return `(Line: ${line}, Col: ${col})`;
  };
  return { source, data: (doc.toJS() ?? {}) as Record<string, unknown>, at };
}

export const allAt = (level: Level): Grant => Object.fromEntries(SCOPES.map((s) => [s, level])) as Grant;

const isLevel = (value: unknown): value is Level => value === "none" || value === "read" || value === "write";

/**
 * A `permissions` value as GitHub reads it (a mapping sets the scopes it names and every other one to none);
 * undefined when none is stated. GitHub refuses an unknown scope or level, and so does this.
 */
export function grantOf(value: unknown): Grant | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "read-all") return allAt("read");
  if (value === "write-all") return allAt("write");
  if (typeof value !== "object" || Array.isArray(value))
    throw new Error(`permissions: ${JSON.stringify(value)} is not read-all, write-all or a mapping of scopes`);
  const grant = allAt("none");
  for (const [scope, level] of Object.entries(value)) {
    if (!SCOPES.includes(scope as Scope)) throw new Error(`Unexpected value '${scope}' in permissions`);
    if (!isLevel(level)) throw new Error(`Unexpected value '${String(level)}' for permissions ${scope}`);
    grant[scope as Scope] = level;
  }
  return grant;
}

/** The token of a job that nothing declares permissions for (restricted: contents and packages read). */
export const repositoryDefault = (policy: DefaultPolicy): Grant =>
  policy === "restricted"
    ? { ...allAt("none"), contents: "read", packages: "read" }
    : { ...allAt("write"), "id-token": "none" };

/** What a called workflow may ask for when its caller declares nothing: id-token only within the same owner. */
export const undeclaredCallerMax = (policy: DefaultPolicy, sameOwner: boolean): Grant =>
  policy === "restricted" ? repositoryDefault(policy) : { ...allAt("write"), "id-token": sameOwner ? "write" : "none" };

function violations(requested: Grant, allowed: Grant): { requested: string; allowed: string } | undefined {
  const over = SCOPES.filter((s) => RANK[requested[s]] > RANK[allowed[s]]);
  if (over.length === 0) return undefined;
  return {
    requested: over.map((s) => `${s}: ${requested[s]}`).join(", "),
    allowed: over.map((s) => `${s}: ${allowed[s]}`).join(", "),
  };
}

/**
 * GitHub's words for each permission a called workflow (its root `permissions`, then each job's) asks beyond what
 * its calling job grants (`max`), whatever the jobs' `if:` say.
 */
export function permissionErrors(
  callee: { permissions?: unknown; jobs?: Record<string, { permissions?: unknown }> },
  max: Grant,
): string[] {
  const errors: string[] = [];
  const root = grantOf(callee.permissions);
  const over = root && violations(root, max);
  if (over) errors.push(`The workflow is requesting '${over.requested}', but is only allowed '${over.allowed}'.`);
  for (const [id, job] of Object.entries(callee.jobs ?? {})) {
    const requested = grantOf(job.permissions);
    const beyond = requested && violations(requested, max);
    if (beyond)
      errors.push(
        `The nested job '${id}' is requesting '${beyond.requested}', but is only allowed '${beyond.allowed}'.`,
      );
  }
  return errors;
}

const lower = (record: Record<string, unknown> | undefined): Map<string, string> =>
  new Map(Object.keys(record ?? {}).map((k) => [k.toLowerCase(), k]));

/**
 * Evaluates the few expressions a toolkit checkout uses: a literal, `${{ inputs.x }}`,
 * `${{ github.repository }}`, `${{ github.sha }}`, and `a || b`. Undefined when it cannot tell.
 */
function evaluate(value: unknown, inputs: Record<string, unknown>, github: LoadContext["github"]): string | undefined {
  if (typeof value !== "string") return value === undefined ? undefined : String(value);
  const whole = /^\$\{\{\s*(.+?)\s*\}\}$/.exec(value);
  if (!whole) return value.includes("${{") ? undefined : value;
  for (const operand of whole[1]!.split(/\s*\|\|\s*/)) {
    const name = /^(inputs|github)\.([\w-]+)$/.exec(operand);
    if (!name) return undefined;
    const got =
      name[1] === "inputs" ? evaluate(inputs[name[2]!], {}, github) : (github as Record<string, string>)[name[2]!];
    if (got === undefined) return undefined;
    if (got !== "") return got;
  }
  return "";
}

interface NestedJob {
  permissions?: unknown;
  needs?: string | string[];
  if?: string;
  environment?: string | { name?: string };
  concurrency?: string | { group?: string };
  strategy?: unknown;
  steps?: { uses?: string; with?: Record<string, unknown> }[];
}

/** The GitHub Environment whose reviewers approve a deploy (src/app/github-environments.ts). */
const APPROVAL = /-approval$/;

/**
 * Approvals that do not block the queue. GitHub keeps at most one running and one waiting job per
 * concurrency group, and a job waiting for its environment's reviewers already holds its group:
 * - a job waiting for approval (environment `*-approval`) holds no concurrency group;
 * - a job that holds a group and deploys production environments (its matrix is drawn from an
 *   output named `production`) needs an approval job, so it enters the group only once approved;
 * - a job in a concurrency group is followed by a job that runs `always()` and reports it when
 *   GitHub cancelled it (a newer job replaced it while it waited), so no deploy is dropped silently.
 */
function queueErrors(jobs: Record<string, NestedJob>): string[] {
  const errors: string[] = [];
  const environmentOf = (job: NestedJob): string | undefined =>
    typeof job.environment === "string" ? job.environment : job.environment?.name;
  const groupOf = (job: NestedJob): string | undefined =>
    typeof job.concurrency === "string" ? job.concurrency : job.concurrency?.group;
  const needsOf = (job: NestedJob): string[] =>
    job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
  for (const [id, job] of Object.entries(jobs)) {
    const environment = environmentOf(job);
    const group = groupOf(job);
    if (group === undefined) continue;
    if (environment && APPROVAL.test(environment)) {
      errors.push(
        `The nested job '${id}' waits for approval in environment '${environment}` +
          `' inside concurrency group '${group}': every later job of the group ` +
          `queues behind the approval.`,
      );
      continue;
    }
    const production = /\.outputs\.production\b/.test(JSON.stringify(job.strategy ?? {}));
    if (
      environment &&
      production &&
      !needsOf(job).some((need) => APPROVAL.test(environmentOf(jobs[need] ?? {}) ?? ""))
    ) {
      errors.push(
        `The nested job '${id}' deploys production environments in concurrency ` +
          `group '${group}' without an approval job before it: it would wait for ` +
          `reviewers inside the group.`,
      );
    }
    const reported = Object.values(jobs).some(
      (other) =>
        needsOf(other).includes(id) &&
        /\balways\(\)/.test(other.if ?? "") &&
        (other.if ?? "").includes(`needs.${id}.result == 'cancelled'`),
    );
    if (!reported)
      errors.push(
        `The nested job '${id}' is in concurrency group '${group}', but no job ` +
          `reports it when GitHub cancels it while it waits (a newer job of the ` +
          `group replaces a waiting one).`,
      );
  }
  return errors;
}

interface CallerJob {
  id: string;
  uses: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown> | "inherit";
  permissions?: unknown;
}

/** The errors GitHub reports loading `source`, each prefixed with the file and position it names. */
export function loadWorkflow(source: WorkflowSource, context: LoadContext): string[] {
  return loadCaller(parse(source), context, undefined);
}

function loadCaller(caller: Parsed, context: LoadContext, inheritedMax: Grant | undefined): string[] {
  const errors: string[] = [];
  const jobs = (caller.data.jobs ?? {}) as Record<string, CallerJob>;
  const workflowGrant = grantOf(caller.data.permissions);
  for (const [id, job] of Object.entries(jobs)) {
    if (typeof job.uses !== "string" || !job.uses.includes(".github/workflows/")) continue;
    const file = caller.source.path;
    const where = (path: (string | number)[], key = false): string => `${file} ${caller.at(path, key)}`;
    const called = context.resolve(job.uses, caller.source);
    if (!called) {
      errors.push(`${where(["jobs", id, "uses"])}: Unable to find reusable workflow`);
      continue;
    }
    const ref = `${called.repository}/${called.path}@${called.ref}`;
    const callee = parse(called);
    const trigger = (callee.data.on ?? {}) as Record<string, unknown>;
    const callable =
      typeof trigger === "string"
        ? trigger === "workflow_call"
        : Array.isArray(trigger)
          ? trigger.includes("workflow_call")
          : "workflow_call" in trigger;
    if (!callable) {
      errors.push(`${where(["jobs", id, "uses"])}: workflow_call key is not defined in the referenced workflow.`);
      continue;
    }
    const declared = (typeof trigger === "object" && !Array.isArray(trigger) ? (trigger.workflow_call ?? {}) : {}) as {
      inputs?: Record<string, { required?: boolean; default?: unknown }>;
      secrets?: Record<string, { required?: boolean } | null>;
    };

    // Inputs and secrets (WorkflowTemplateConverter.ConvertToWorkflowJobInputs, ValidateWorkflowJobSecrets).
    const given = lower(job.with);
    for (const [name, spec] of Object.entries(declared.inputs ?? {})) {
      if (spec?.required && !given.has(name.toLowerCase()))
        errors.push(`${where(["jobs", id, "uses"])}: Input ${name} is required, but not provided while calling.`);
    }
    const declaredInputs = lower(declared.inputs);
    for (const name of Object.keys(job.with ?? {})) {
      if (!declaredInputs.has(name.toLowerCase()))
        errors.push(
          `${where(["jobs", id, "with", name])}: Invalid input, ${name} is not defined in the referenced workflow.`,
        );
    }
    if (job.secrets !== "inherit") {
      const passed = lower(job.secrets);
      for (const [name, spec] of Object.entries(declared.secrets ?? {})) {
        if (spec?.required && !passed.has(name.toLowerCase()))
          errors.push(`${where(["jobs", id, "uses"])}: Secret ${name} is required, but not provided while calling.`);
      }
      const declaredSecrets = lower(declared.secrets ?? undefined);
      for (const name of Object.keys(job.secrets ?? {})) {
        if (!declaredSecrets.has(name.toLowerCase()))
          errors.push(
            `${where(["jobs", id, "secrets", name])}: Invalid secret, ${name} is not ` +
              `defined in the referenced workflow.`,
          );
      }
    }

    // Permissions (ReusableWorkflowsLoader → ConvertToReferencedWorkflow → PermissionsHelper).
    const explicit = grantOf(job.permissions) ?? workflowGrant ?? inheritedMax;
    const sameOwner = called.repository.split("/")[0] === context.github.repository.split("/")[0];
    const max = explicit ?? undeclaredCallerMax(context.defaultPolicy ?? "restricted", sameOwner);
    const prefix = `${where(["jobs", id], true)}: Error calling workflow '${ref}'.`;
    const root = grantOf(callee.data.permissions);
    const calleeJobs = (callee.data.jobs ?? {}) as Record<string, NestedJob>;
    errors.push(
      ...permissionErrors({ permissions: callee.data.permissions, jobs: calleeJobs }, max).map((e) => `${prefix} ${e}`),
    );

    // The toolkit checkout: this repository's rule, not GitHub's.
    const inputs = Object.fromEntries(
      Object.entries(declared.inputs ?? {}).map(([name, spec]) => [name, job.with?.[name] ?? spec?.default ?? ""]),
    );
    const calledAt = { repository: called.repository, sha: called.ref };
    for (const [nestedId, nested] of Object.entries(calleeJobs)) {
      for (const step of nested.steps ?? []) {
        if (!step.uses?.startsWith("actions/checkout@") || step.with?.path !== "toolkit") continue;
        const repository = evaluate(step.with.repository ?? "${{ github.repository }}", inputs, context.github);
        const toolkitRef = evaluate(step.with.ref ?? "${{ github.sha }}", inputs, context.github);
        if (repository !== calledAt.repository || toolkitRef !== calledAt.sha) {
          errors.push(
            `${prefix} The nested job '${nestedId}' checks out the toolkit at '` +
              `${repository ?? "?"}@${toolkitRef ?? "?"}', but the workflow was called ` +
              `at '${calledAt.repository}@${calledAt.sha}'.`,
          );
        }
      }
    }

    errors.push(...queueErrors(calleeJobs).map((error) => `${prefix} ${error}`));

    // Nested calls: the called workflow's jobs may call further, within what they were given.
    errors.push(...loadCaller(callee, context, root ?? max));
  }
  return errors;
}
