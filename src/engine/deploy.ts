// `deploy`, in the order the product promises: refuse if a run of this environment is still
// going; bootstrap the resource group and Key Vault; seed missing secrets; deploy the
// infrastructure; only then publish the GitOps tree with the deploy outputs; and finish only
// when Flux reports that commit Compliant. Every step reports what it did; nothing is called
// done that was not. A redeploy may skip the infrastructure: no ARM deployment at all, and the
// tree is published with the infra-outputs.yaml the last full deploy left on the branch.
import type { Environment } from "../model/environment.js";
import type { RenderedTree } from "../render/tree.js";
import { formatArmError } from "./arm-error-text.js";
import { nonCompliantObjects, objectLine, syncedCommit, type FluxView } from "./flux.js";
import { fluxWaitLimitMs, waitForFlux } from "./flux-wait.js";
import { infraOutputsManifest, infraOutputsPath, missingOutputs, unfilledVariables, type DeployOutputs } from "./infra-outputs.js";
import { deploymentNames, deploymentPrefix, describeSource, keyVaultId } from "./names.js";
import {
  BranchMovedError,
  httpStatusOf,
  stopReason,
  type Clock,
  type DeployArm,
  type DeploymentErrorReport,
  type DeploymentRequest,
  type Log,
  type OperationProgress,
  type Publisher,
  type SourceCommit,
} from "./ports.js";
import { deploymentRequests, gitopsFiles } from "./rendered.js";
import { newSecretValue, secretsToSeed } from "./secret-values.js";

export interface DeployInput {
  env: Environment;
  /** The compiled tree: bicep/*.json plus the GitOps files. */
  tree: RenderedTree;
  source: SourceCommit;
  /** Deploy nothing to Azure; republish the branch's current infra-outputs.yaml with the tree. */
  skipInfrastructure?: boolean;
}

export interface DeployPorts {
  arm: DeployArm;
  gitops: Publisher;
  clock: Clock;
  log: Log;
}

export interface DeployControl {
  /** Aborts with a RunStopped reason on timeout or Ctrl-C. */
  signal: AbortSignal;
  fluxIntervalMs: number;
  /** A limit of its own for the Flux wait (see fluxWaitLimitMs); without it `signal` bounds the wait. */
  fluxTimeoutMs?: number;
  /** A signal that aborts after `ms` or on Ctrl-C, but not on `signal`'s deadline. */
  fluxSignal?: (ms: number) => AbortSignal;
}

export type DeployStage = "contract" | "refused" | "gitops" | "bootstrap" | "secrets" | "main" | "publish" | "flux";

/**
 * `deployment` is the main ARM deployment's name, undefined when the infrastructure was skipped;
 * `flux` is Flux's last state the run read (absent when it never got to wait for Flux).
 */
export type DeployResult = { ok: true; deployment: string | undefined; commit: string; flux: FluxView } | { ok: false; stage: DeployStage; flux?: FluxView };

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function deployEnvironment(input: DeployInput, ports: DeployPorts, control: DeployControl): Promise<DeployResult> {
  const { env, tree, source } = input;
  const { arm, gitops, log } = ports;
  const names = deploymentNames(env, source);
  const requests = deploymentRequests(env, tree);
  const fail = (stage: DeployStage, line?: string): DeployResult => {
    if (line) log.error(`error: ${line}`);
    return { ok: false, stage };
  };
  const skip = input.skipInfrastructure === true;
  if (skip) log.info(`Deploying ${env.name} from ${describeSource(source)} without the infrastructure (skipped): no ARM deployment, the GitOps tree only`);
  else {
    log.info(`Deploying ${env.name} from ${describeSource(source)} to subscription ${env.azure.subscriptionId} (${env.azure.location})`);
    const missing = missingOutputs(env, requests.main.template);
    if (missing.length > 0) return fail("contract", `main.bicep lacks the output(s) ${missing.join(", ")} the GitOps tree needs (ConfigMap of deploy outputs); nothing was deployed`);
  }

  // Checked even when skipping: a running deployment could change the outputs being republished.
  try {
    const running = await arm.findRunningDeployment(deploymentPrefix(env));
    if (running) {
      const since = running.timestamp ? ` since ${running.timestamp.toISOString()}` : "";
      return fail("refused", `deployment ${running.name} of ${env.name} is ${running.provisioningState}${since}; wait for it to end (or cancel it) and run again`);
    }
  } catch (error) {
    return fail("refused", `cannot list the subscription's deployments: ${messageOf(error)}`);
  }

  let base: string | undefined;
  // The ConfigMap to publish: rendered from the new outputs, or the branch's as it is.
  let infraOutputs: () => string;
  if (skip) {
    const published = await publishedOutputs(env, gitops, log);
    if (!published.ok) return fail("gitops", published.line);
    base = published.tip;
    infraOutputs = () => published.text;
  } else {
    // Read before touching Azure: an unreachable GitOps repository should stop the run early, and
    // this tip is the parent the publish step insists on.
    try {
      base = await gitops.head();
      log.info(`GitOps branch ${gitops.branch}: ${base ? `at ${base.slice(0, 7)}` : "does not exist yet; the first publish creates it"}`);
    } catch (error) {
      return fail("gitops", `cannot read GitOps branch ${gitops.branch}: ${messageOf(error)}`);
    }

    if (!(await runDeployment("bootstrap", names.bootstrap, requests.bootstrap, ports, control))) return fail("bootstrap");
    if (!(await seedSecrets(env, ports, control))) return fail("secrets");
    const outputs = await runDeployment("main", names.main, requests.main, ports, control);
    if (!outputs) return fail("main");
    infraOutputs = () => infraOutputsManifest(env, outputs);
  }

  const done = skip ? "with the infrastructure skipped" : "after the infrastructure deployment";
  const stopped = stopReason(control.signal);
  if (stopped) return fail("publish", `${stopped.message} ${done}; nothing was published to ${gitops.branch}`);
  let commit: string;
  try {
    const files = gitopsFiles(tree);
    files.set(infraOutputsPath(env), infraOutputs());
    const deployed = skip ? `none (infrastructure skipped; ${infraOutputsPath(env)} kept from ${base ?? ""})` : names.main;
    const message = `Deploy ${env.name} from ${describeSource(source)}\n\nRendered by codemie-gitops from ${env.file} at source commit ${source.sha}${source.dirty ? " with uncommitted changes" : ""}.\nARM deployment: ${deployed}\n`;
    const published = await gitops.publish(files, { message, expectedParent: base });
    commit = published.commit;
    if (published.status === "published") log.info(`Published ${commit.slice(0, 7)} to ${gitops.branch} (${published.files.length} file(s) changed)`);
    else log.info(`GitOps branch ${gitops.branch} already holds this tree at ${commit.slice(0, 7)}; nothing to commit`);
  } catch (error) {
    const hint = error instanceof BranchMovedError ? "; another run published meanwhile: run deploy again to publish on top of it" : "";
    return fail("publish", `${skip ? "" : "the infrastructure is deployed but "}publishing to ${gitops.branch} failed: ${messageOf(error)}${hint}`);
  }

  log.info(`Waiting for Flux to apply ${commit.slice(0, 7)}`);
  let waited;
  const { limitMs, firstDeployHint } = fluxWaitLimitMs(env, { explicitMs: control.fluxTimeoutMs, firstDeploy: base === undefined });
  const waitSignal = limitMs !== undefined && control.fluxSignal ? control.fluxSignal(limitMs) : control.signal;
  const minutes = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / 60_000)}m`);
  if (limitMs !== undefined) log.info(`Flux may take up to ${minutes(limitMs)} (--flux-timeout)`);
  if (firstDeployHint !== undefined) log.info(`A first install may take up to ${minutes(firstDeployHint)} (the layers' timeouts one after another); give --flux-timeout ${minutes(firstDeployHint)} to wait for all of it`);
  try {
    waited = await waitForFlux(env, commit, { arm, clock: ports.clock, log, signal: waitSignal, intervalMs: control.fluxIntervalMs });
  } catch (error) {
    return fail("flux", `cannot read the Flux configuration: ${messageOf(error)}`);
  }
  if (!waited.reconciled) {
    reportFluxFailure(log, commit, waited.view, stopReason(waitSignal)?.message ?? "stopped");
    return { ok: false, stage: "flux", ...(waited.view ? { flux: waited.view } : {}) };
  }
  if (skip) log.info(`Deployed ${env.name}: infrastructure skipped (no ARM deployment) and Flux reports ${commit.slice(0, 7)} Compliant`);
  else log.info(`Deployed ${env.name}: ARM deployment ${names.main} succeeded and Flux reports ${commit.slice(0, 7)} Compliant`);
  return { ok: true, deployment: skip ? undefined : names.main, commit, flux: waited.view };
}

type PublishedOutputs = { ok: true; tip: string; text: string } | { ok: false; line: string };

/** The branch tip and the infra-outputs.yaml it holds, for a deploy that skips the infrastructure. */
async function publishedOutputs(env: Environment, gitops: Publisher, log: Log): Promise<PublishedOutputs> {
  const path = infraOutputsPath(env);
  let read;
  try {
    read = await gitops.readAtTip(path);
  } catch (error) {
    return { ok: false, line: `cannot read GitOps branch ${gitops.branch}: ${messageOf(error)}` };
  }
  if (!read) return { ok: false, line: `GitOps branch ${gitops.branch} does not exist: nothing published yet; run a full deploy first` };
  if (read.text === undefined) return { ok: false, line: `GitOps branch ${gitops.branch} has no ${path}: nothing published yet; run a full deploy first` };
  const unfilled = unfilledVariables(env, read.text);
  if (unfilled.length > 0) return { ok: false, line: `${path} on ${gitops.branch} lacks ${unfilled.join(", ")}, which the tree now needs; run a full deploy` };
  log.info(`GitOps branch ${gitops.branch}: at ${read.tip.slice(0, 7)}; infrastructure skipped, keeping its ${path}`);
  return { ok: true, tip: read.tip, text: read.text };
}

async function seedSecrets(env: Environment, ports: DeployPorts, control: DeployControl): Promise<boolean> {
  const vault = keyVaultId(env);
  ports.log.info(`secrets: seeding missing secrets in Key Vault ${env.names.keyVault}`);
  for (const name of secretsToSeed(env)) {
    const stopped = stopReason(control.signal);
    if (stopped) {
      ports.log.error(`error: ${stopped.message} while seeding secrets`);
      return false;
    }
    try {
      const result = await ports.arm.putKeyVaultSecretIfMissing(vault, name, newSecretValue(name));
      ports.log.info(`  ${name}: ${result === "created" ? "created" : "exists, kept"}`);
    } catch (error) {
      ports.log.error(`error: cannot seed Key Vault secret ${name}: ${messageOf(error)}`);
      return false;
    }
  }
  return true;
}

/** Runs one ARM deployment to its end; the outputs on success, undefined after reporting why not. */
async function runDeployment(what: string, name: string, request: DeploymentRequest, ports: DeployPorts, control: DeployControl): Promise<DeployOutputs | undefined> {
  const { arm, log } = ports;
  const before = stopReason(control.signal);
  if (before) {
    log.error(`error: ${before.message} before the ${what} deployment started`);
    return undefined;
  }
  log.info(`${what}: ARM deployment ${name}`);
  const states = new Map<string, string>();
  const onProgress = (operations: OperationProgress[]): void => {
    for (const op of operations) {
      if (!op.resourceName) continue;
      const key = `${op.resourceType ?? "resource"} ${op.resourceName}`;
      const state = op.provisioningState ?? "Unknown";
      if (states.get(key) !== state) log.info(`  ${what}: ${state} ${key}`);
      states.set(key, state);
    }
  };
  try {
    const outcome = await arm.deployAtSubscription(name, request, { signal: control.signal, onProgress });
    switch (outcome.provisioningState) {
      case "Succeeded":
        log.info(`${what}: succeeded${outcome.duration ? ` in ${outcome.duration}` : ""}`);
        return outcome.outputs;
      case "Failed":
        reportDeploymentFailure(log, `${what} deployment ${name}`, outcome.report, outcome.correlationId);
        return undefined;
      case "Canceled":
        log.error(`error: ${what} deployment ${name} was cancelled by someone else`);
        return undefined;
    }
  } catch (error) {
    const stopped = stopReason(control.signal);
    if (!stopped) {
      log.error(`error: ${what} deployment ${name}: ${messageOf(error)}`);
      return undefined;
    }
    log.error(`error: ${stopped.message} during the ${what} deployment; cancelling ARM deployment ${name}`);
    await cancel(arm, name, log);
    return undefined;
  }
}

async function cancel(arm: DeployArm, name: string, log: Log): Promise<void> {
  try {
    const accepted = await arm.cancelDeployment(name);
    log.error(accepted ? `  ARM accepted the cancellation of ${name}` : `  ${name} had already ended; nothing to cancel`);
  } catch (error) {
    if (httpStatusOf(error) === 404) log.error(`  ${name} was never created; nothing to cancel`);
    else log.error(`  could not cancel ${name}: ${messageOf(error)}; cancel it in the portal or with az deployment sub cancel`);
  }
}

function reportDeploymentFailure(log: Log, what: string, report: DeploymentErrorReport, correlationId?: string): void {
  log.error(`error: ${what} failed${correlationId ? ` (correlation id ${correlationId})` : ""}`);
  if (report.error) for (const line of formatArmError(report.error, 1)) log.error(line);
  if (report.failedOperations.length === 0) return;
  log.error("  failed resources:");
  for (const op of report.failedOperations) {
    log.error(`    ${op.resourceType ?? "resource"} ${op.resourceName ?? op.resourceId ?? "?"}${op.statusCode ? ` (${op.statusCode})` : ""}`);
    if (op.error) for (const line of formatArmError(op.error, 3)) log.error(line);
  }
}

function reportFluxFailure(log: Log, commit: string, view: FluxView | undefined, why: string): void {
  log.error(`error: Flux did not report ${commit.slice(0, 7)} Compliant: ${why}`);
  if (!view) {
    log.error("  the fluxConfiguration was never found");
    return;
  }
  const synced = syncedCommit(view);
  if (synced !== commit.toLowerCase()) log.error(`  Flux has synced ${view.sourceSyncedCommitId ?? "nothing"}, not ${commit.slice(0, 7)}`);
  if (view.errorMessage) log.error(`  ${view.errorMessage}`);
  const bad = nonCompliantObjects(view);
  if (bad.length === 0) return;
  log.error("  non-compliant objects:");
  for (const o of bad) log.error(`    ${objectLine(o)}`);
}
