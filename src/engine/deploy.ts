// `deploy`, in the order the product promises: refuse if a run of this environment is still
// going; bootstrap the resource group and Key Vault; seed missing secrets; deploy the
// infrastructure; only then publish the GitOps tree with the deploy outputs; and finish only
// when Flux reports that commit Compliant. Every step reports what it did; nothing is called
// done that was not. A redeploy may skip the infrastructure: no ARM deployment at all, and the
// tree is published with the infra-outputs.yaml the last full deploy left on the branch.
import type { CapacityPlan } from "../capacity/plan.js";
import { formatDiagnostic, hasErrors } from "../config/diagnostics.js";
import type { Environment } from "../model/environment.js";
import type { RenderedTree } from "../render/tree.js";
import { authorizationHints, formatArmError } from "./arm-error-text.js";
import { day2Parameters } from "./day2.js";
import { assessDay2, day2Expectations, refusalLines } from "./day2-read.js";
import { nonCompliantObjects, objectLine, syncedCommit, type FluxView } from "./flux.js";
import { fluxWaitLimitMs, waitForFlux } from "./flux-wait.js";
import {
  infraOutputsManifest,
  infraOutputsPath,
  isPlaceholderOutputs,
  missingOutputs,
  unfilledVariables,
  type DeployOutputs,
} from "./infra-outputs.js";
import { checkCommitOrder, type OrderMode } from "./commit-order.js";
import { deploymentNames, deploymentPrefix, describeSource, KEY_VAULT_API_VERSION, keyVaultId } from "./names.js";
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
  type SitePorts,
  type SourceHistory,
} from "./ports.js";
import { deploymentRequests, gitopsFiles } from "./rendered.js";
import { preflightNeeds, type PreflightNeeds } from "./preflight/needs.js";
import {
  recheckOperatorSecrets,
  runPreflight,
  type Locate,
  type PreflightReads,
  type PreflightReport,
} from "./preflight/run.js";
import { newSecretValue, secretsToSeed } from "./secret-values.js";
import { deployKeyTitle, generateDeployKey, registrationSteps, type DeployKeyRegistry } from "./deploy-key.js";
import { checkSite, delegationLines, fixedAddress, outputAddress } from "./site.js";
import { releaseTrailers } from "./promotion.js";
import { GITOPS_CREDENTIALS } from "../catalogue/gitops-credentials.js";

export interface DeployInput {
  env: Environment;
  /** The loader's capacity plan of `env` (planned once per environment; preflight reads its quota needs). */
  capacity: CapacityPlan;
  /** The compiled tree: bicep/*.json plus the GitOps files. */
  tree: RenderedTree;
  source: SourceCommit;
  /** Deploy nothing to Azure; republish the branch's current infra-outputs.yaml with the tree. */
  skipInfrastructure?: boolean;
  /** "newer-only" (a push) deploys nothing when the source is older than the deployed commit; default "any". */
  order?: OrderMode;
  /** Positions preflight findings in the environment file; line 1 when absent. */
  locate?: Locate;
  /** The toolkit's commit, recorded with the release on the GitOps branch (for promotion gates). */
  toolkit?: string;
}

export interface DeployPorts {
  arm: DeployArm;
  /** What Azure offers, read before the first write (quota, SKUs, versions, providers, operator secrets). */
  preflight: PreflightReads;
  gitops: Publisher;
  clock: Clock;
  log: Log;
  /** The source repository's history, to deploy in commit order; without it, no order is checked. */
  history?: SourceHistory;
  /** The public site, for the smoke check after Flux reports Compliant; without it, no smoke check. */
  site?: SitePorts;
  /** Registers Flux's SSH deploy key on the GitOps repository; without it, the deploy prints the manual step. */
  deployKeys?: DeployKeyRegistry;
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

export type DeployStage =
  | "contract"
  | "refused"
  | "preflight"
  | "gitops"
  | "bootstrap"
  | "secrets"
  | "main"
  | "publish"
  | "flux"
  | "smoke";

/**
 * `deployment` is the main ARM deployment's name, undefined when the infrastructure was skipped;
 * `flux` is Flux's last state the run read (absent when it never got to wait for Flux);
 * `superseded`: nothing was deployed because the environment already runs this newer source commit.
 */
export type DeployResult =
  | { ok: true; deployment: string | undefined; commit: string; flux: FluxView; superseded?: undefined }
  | { ok: true; deployment: undefined; commit: string; flux?: undefined; superseded: string }
  | { ok: false; stage: DeployStage; flux?: FluxView };

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function deployEnvironment(
  input: DeployInput,
  ports: DeployPorts,
  control: DeployControl,
): Promise<DeployResult> {
  const { env, tree, source } = input;
  const { arm, gitops, log } = ports;
  const names = deploymentNames(env, source);
  const requests = deploymentRequests(env, tree);
  const fail = (stage: DeployStage, line?: string): DeployResult => {
    if (line) log.error(`error: ${line}`);
    return { ok: false, stage };
  };
  const skip = input.skipInfrastructure === true;
  if (skip)
    log.info(
      `Deploying ${env.name} from ${describeSource(source)} without the ` +
        `infrastructure (skipped): no ARM deployment, the GitOps tree only`,
    );
  else {
    log.info(
      `Deploying ${env.name} from ${describeSource(source)} to subscription ` +
        `${env.azure.subscriptionId} (${env.azure.location})`,
    );
    const missing = missingOutputs(env, requests.main.template);
    if (missing.length > 0)
      return fail(
        "contract",
        `main.bicep lacks the output(s) ${missing.join(", ")} the GitOps tree ` +
          `needs (ConfigMap of deploy outputs); nothing was deployed`,
      );
  }

  // The branch records each deploy's source commit: a new one is recorded even when the tree is unchanged.
  let recordAnew = false;
  if (ports.history) {
    let verdict;
    try {
      verdict = await checkCommitOrder(env.name, source, input.order ?? "any", { gitops, history: ports.history, log });
    } catch (error) {
      return fail("gitops", `cannot read GitOps branch ${gitops.branch}: ${messageOf(error)}`);
    }
    if (!verdict.proceed) {
      log.info(
        `Nothing deployed: ${source.sha.slice(0, 7)} is older than ` +
          `${verdict.deployed.slice(0, 7)}, which ${env.name} already runs (GitOps ` +
          `${verdict.tip.slice(0, 7)}); a newer commit is not taken back. To roll ` +
          `back, redeploy it by hand`,
      );
      return { ok: true, deployment: undefined, commit: verdict.tip, superseded: verdict.deployed };
    }
    recordAnew = verdict.recorded !== undefined && verdict.recorded !== source.sha;
  }

  // Checked even when skipping: a running deployment could change the outputs being republished.
  try {
    const running = await arm.findRunningDeployment(deploymentPrefix(env));
    if (running) {
      const since = running.timestamp ? ` since ${running.timestamp.toISOString()}` : "";
      return fail(
        "refused",
        `deployment ${running.name} of ${env.name} is ` +
          `${running.provisioningState}${since}; wait for it to end (or cancel it) ` +
          `and run again`,
      );
    }
  } catch (error) {
    return fail("refused", `cannot list the subscription's deployments: ${messageOf(error)}`);
  }

  // Refuse before the first write what Azure would refuse later; a redeploy without the
  // infrastructure still needs the operator's secrets before Flux reads them.
  const needs = preflightNeeds(env, input.capacity, [requests.bootstrap.template, requests.main.template]);
  const checked = skip
    ? await recheckOperatorSecrets(env, needs, ports.preflight, input.locate)
    : await preflight(env, needs, ports, input.locate);
  if (!reportPreflight(checked, log, skip ? "nothing was published" : "nothing was changed in Azure"))
    return fail("preflight");
  const secretsChecked = checked.status === "checked" && checked.secretsChecked;

  let base: string | undefined;
  // The ConfigMap to publish: rendered from the new outputs, or the branch's as it is.
  let infraOutputs: () => string;
  let mainOutputs: DeployOutputs | undefined;
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
      log.info(
        `GitOps branch ${gitops.branch}: ` +
          `${base ? `at ${base.slice(0, 7)}` : "does not exist yet; the first publish creates it"}`,
      );
    } catch (error) {
      return fail("gitops", `cannot read GitOps branch ${gitops.branch}: ${messageOf(error)}`);
    }

    // Day 2, before the first write: what exists may forbid or adjust what this deploy asks.
    try {
      const day2 = await assessDay2(tree, arm);
      if (day2.refusals.length > 0) {
        for (const line of refusalLines(env.file, day2)) log.error(line);
        return fail(
          "refused",
          `${day2.refusals.length} change(s) cannot be made to the deployed resources; nothing was deployed`,
        );
      }
      const storage = day2.postgresStorage;
      if (storage.deployGb > storage.configuredGb) {
        log.info(
          `PostgreSQL storage: the server has grown to ${storage.deployGb} GiB ` +
            `(the file asks ${storage.configuredGb}); deploying ${storage.deployGb} ` +
            `GiB, since Azure never shrinks a disk`,
        );
      }
      for (const kept of day2.kept ?? []) log.error(`${env.file}: warning: ${kept.field}: ${kept.message}`);
      Object.assign(requests.main.parameters, day2Parameters(day2));
    } catch (error) {
      return fail(
        "refused",
        `cannot read the deployed resources to check what a redeploy may change: ` +
          `${messageOf(error)}; nothing was deployed`,
      );
    }

    if (!(await runDeployment("bootstrap", names.bootstrap, requests.bootstrap, ports, control)))
      return fail("bootstrap");
    if (!(await seedSecrets(env, ports, control))) return fail("secrets");
    if (!secretsChecked) {
      // First deploy: the vault exists only now, so the operator's secrets are checked here.
      const recheck = await recheckOperatorSecrets(env, needs, ports.preflight, input.locate);
      if (
        !reportPreflight(
          recheck,
          log,
          `the bootstrap deployment created Key Vault ${env.names.keyVault}; ` +
            `upload the secret(s) above and run deploy again`,
        )
      )
        return fail("secrets");
    }
    const outputs = await runDeployment("main", names.main, requests.main, ports, control);
    if (!outputs) return fail("main");
    mainOutputs = outputs;
    infraOutputs = () => infraOutputsManifest(env, outputs, day2Expectations(tree).cluster.pools);
  }

  const done = skip ? "with the infrastructure skipped" : "after the infrastructure deployment";
  const stopped = stopReason(control.signal);
  if (stopped) return fail("publish", `${stopped.message} ${done}; nothing was published to ${gitops.branch}`);
  let commit: string;
  try {
    const files = gitopsFiles(tree);
    files.set(infraOutputsPath(env), infraOutputs());
    const deployed = skip
      ? `none (infrastructure skipped; ${infraOutputsPath(env)} kept from ${base ?? ""})`
      : names.main;
    const message =
      `Deploy ${env.name} from ${describeSource(source)}\n\nRendered by ` +
      `codemie-gitops from ${env.file} at source commit ${source.sha}` +
      `${source.dirty ? " with uncommitted changes" : ""}.\nARM deployment: ` +
      `${deployed}\n\n${releaseTrailers(env.codemieVersion, input.toolkit)}`;
    const published = await gitops.publish(files, {
      message,
      expectedParent: base,
      ...(recordAnew ? { allowEmpty: true } : {}),
    });
    commit = published.commit;
    if (published.status === "published")
      log.info(`Published ${commit.slice(0, 7)} to ${gitops.branch} (${published.files.length} file(s) changed)`);
    else log.info(`GitOps branch ${gitops.branch} already holds this tree at ${commit.slice(0, 7)}; nothing to commit`);
  } catch (error) {
    const hint =
      error instanceof BranchMovedError
        ? "; another run published meanwhile: run deploy again to publish on top of it"
        : "";
    return fail(
      "publish",
      `${skip ? "" : "the infrastructure is deployed but "}publishing to ` +
        `${gitops.branch} failed: ${messageOf(error)}${hint}`,
    );
  }

  log.info(`Waiting for Flux to apply ${commit.slice(0, 7)}`);
  let waited;
  const { limitMs, firstDeployHint } = fluxWaitLimitMs(env, {
    explicitMs: control.fluxTimeoutMs,
    firstDeploy: base === undefined,
  });
  const waitSignal = limitMs !== undefined && control.fluxSignal ? control.fluxSignal(limitMs) : control.signal;
  const minutes = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / 60_000)}m`);
  if (limitMs !== undefined) log.info(`Flux may take up to ${minutes(limitMs)} (--flux-timeout)`);
  if (firstDeployHint !== undefined)
    log.info(
      `A first install may take up to ${minutes(firstDeployHint)} (the layers' ` +
        `timeouts one after another); give --flux-timeout ` +
        `${minutes(firstDeployHint)} to wait for all of it`,
    );
  try {
    waited = await waitForFlux(env, commit, {
      arm,
      clock: ports.clock,
      log,
      signal: waitSignal,
      intervalMs: control.fluxIntervalMs,
    });
  } catch (error) {
    return fail("flux", `cannot read the Flux configuration: ${messageOf(error)}`);
  }
  if (!waited.reconciled) {
    reportFluxFailure(log, commit, waited.view, stopReason(waitSignal)?.message ?? "stopped");
    return { ok: false, stage: "flux", ...(waited.view ? { flux: waited.view } : {}) };
  }
  if (ports.site) {
    const site = await checkSite(env, outputAddress(mainOutputs) ?? fixedAddress(env), ports.site, log);
    for (const line of delegationLines(env, mainOutputs)) log.info(line);
    if (site.smoke === "failed") return { ok: false, stage: "smoke", flux: waited.view };
  }
  if (skip)
    log.info(
      `Deployed ${env.name}: infrastructure skipped (no ARM deployment) and ` +
        `Flux reports ${commit.slice(0, 7)} Compliant`,
    );
  else
    log.info(
      `Deployed ${env.name}: ARM deployment ${names.main} succeeded and Flux reports ${commit.slice(0, 7)} Compliant`,
    );
  return { ok: true, deployment: skip ? undefined : names.main, commit, flux: waited.view };
}

async function preflight(
  env: Environment,
  needs: PreflightNeeds,
  ports: DeployPorts,
  locate: Locate | undefined,
): Promise<PreflightReport> {
  ports.log.info(
    `preflight: quota, VM sizes, Kubernetes, PostgreSQL` +
      `${env.openai.enabled ? ", Azure OpenAI" : ""}, resource providers and ` +
      `operator secrets in ${env.azure.location}`,
  );
  const report = await runPreflight(env, needs, ports.preflight, locate);
  if (report.status === "checked" && !report.secretsChecked) {
    ports.log.info(
      `preflight: Key Vault ${env.names.keyVault} does not exist yet; the ` +
        `operator's secrets are checked once the bootstrap deployment created it`,
    );
  }
  return report;
}

/** Prints the findings; false when the run must stop. */
function reportPreflight(report: PreflightReport, log: Log, consequence: string): boolean {
  if (report.status === "error") {
    log.error(`error: ${report.message}; ${consequence}`);
    return false;
  }
  for (const note of report.notes) log.info(`preflight: ${note}`);
  for (const d of report.diagnostics) log.error(formatDiagnostic(d));
  if (!hasErrors(report.diagnostics)) return true;
  const count = report.diagnostics.filter((d) => d.severity === "error").length;
  log.error(`error: preflight found ${count} problem(s) Azure would refuse; ${consequence}`);
  return false;
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
  if (!read)
    return {
      ok: false,
      line: `GitOps branch ${gitops.branch} does not exist: nothing published yet; run a full deploy first`,
    };
  if (read.text === undefined)
    return {
      ok: false,
      line: `GitOps branch ${gitops.branch} has no ${path}: nothing published yet; run a full deploy first`,
    };
  if (isPlaceholderOutputs(read.text))
    return {
      ok: false,
      line:
        `${path} on ${gitops.branch} is a placeholder written by render, not a ` +
        `deployment's outputs; run a full deploy`,
    };
  const unfilled = unfilledVariables(env, read.text);
  if (unfilled.length > 0)
    return {
      ok: false,
      line: `${path} on ${gitops.branch} lacks ${unfilled.join(", ")}, which the tree now needs; run a full deploy`,
    };
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
  return env.gitops.auth === "ssh" ? seedDeployKey(env, ports) : true;
}

/** Flux's SSH deploy key: generated once into Key Vault, never replaced; only its public half is ever shown. */
async function seedDeployKey(env: Environment, ports: DeployPorts): Promise<boolean> {
  const vault = keyVaultId(env);
  const name = GITOPS_CREDENTIALS.ssh.secret;
  const key = generateDeployKey(`flux-${env.name}@codemie-gitops`);
  try {
    const result = await ports.arm.putKeyVaultSecretIfMissing(vault, name, key.privateKey, key.publicKey);
    // The secret's content type carries the public key, readable without the right to read secrets.
    const secret = (await ports.arm.getJson(`${vault}/secrets/${name}`, KEY_VAULT_API_VERSION)) as
      | { properties?: { contentType?: string } }
      | undefined;
    const publicKey = secret?.properties?.contentType ?? "(unknown: the secret has no content type)";
    ports.log.info(`  ${name}: ${result === "created" ? "created" : "exists, kept"}; public key: ${publicKey}`);
    if (secret?.properties?.contentType) await registerDeployKey(env, publicKey, ports);
    return true;
  } catch (error) {
    ports.log.error(`error: cannot seed Key Vault secret ${name}: ${messageOf(error)}`);
    return false;
  }
}

/**
 * Through the GitHub API when the token may; otherwise the manual step. Never fails the deploy: Flux's wait says
 * whether the key works.
 */
async function registerDeployKey(env: Environment, publicKey: string, ports: DeployPorts): Promise<void> {
  const title = deployKeyTitle(env.name);
  const manual = (headline: string): void => {
    ports.log.info(headline);
    for (const step of registrationSteps(env.gitops.repository, publicKey, title)) ports.log.info(`    ${step}`);
  };
  if (!ports.deployKeys)
    return manual(`  register it as a read-only deploy key of ${env.gitops.repository} before Flux reads the branch:`);
  let registration;
  try {
    registration = await ports.deployKeys.register(env.gitops.repository, publicKey, title);
  } catch (error) {
    registration = { state: "manual" as const, reason: messageOf(error) };
  }
  switch (registration.state) {
    case "registered":
      return ports.log.info(
        `  registered it as the read-only deploy key "${title}" of ${registration.slug} through the GitHub API`,
      );
    case "present":
      if (registration.readOnly)
        return ports.log.info(`  it is a read-only deploy key of ${registration.slug} already`);
      return manual(
        `  warning: it is a deploy key of ${registration.slug} WITH write ` +
          `access; Flux only reads: delete it there and add it again read-only:`,
      );
    case "manual":
      return manual(
        `  notice: the deploy key was not registered through the GitHub API (` +
          `${registration.reason}); register it as a read-only deploy key of ` +
          `${env.gitops.repository} before Flux reads the branch:`,
      );
  }
}

/** Runs one ARM deployment to its end; the outputs on success, undefined after reporting why not. */
async function runDeployment(
  what: string,
  name: string,
  request: DeploymentRequest,
  ports: DeployPorts,
  control: DeployControl,
): Promise<DeployOutputs | undefined> {
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
    log.error(
      accepted ? `  ARM accepted the cancellation of ${name}` : `  ${name} had already ended; nothing to cancel`,
    );
  } catch (error) {
    if (httpStatusOf(error) === 404) log.error(`  ${name} was never created; nothing to cancel`);
    else
      log.error(
        `  could not cancel ${name}: ${messageOf(error)}; cancel it in the portal or with az deployment sub cancel`,
      );
  }
}

function reportDeploymentFailure(log: Log, what: string, report: DeploymentErrorReport, correlationId?: string): void {
  log.error(`error: ${what} failed${correlationId ? ` (correlation id ${correlationId})` : ""}`);
  if (report.error) {
    for (const line of formatArmError(report.error, 1)) log.error(line);
    for (const hint of authorizationHints(report.error)) log.error(`  ${hint}`);
  }
  if (report.failedOperations.length === 0) return;
  log.error("  failed resources:");
  for (const op of report.failedOperations) {
    log.error(
      `    ${op.resourceType ?? "resource"} ` +
        `${op.resourceName ?? op.resourceId ?? "?"}` +
        `${op.statusCode ? ` (${op.statusCode})` : ""}`,
    );
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
  if (synced !== commit.toLowerCase())
    log.error(`  Flux has synced ${view.sourceSyncedCommitId ?? "nothing"}, not ${commit.slice(0, 7)}`);
  if (view.errorMessage) log.error(`  ${view.errorMessage}`);
  const bad = nonCompliantObjects(view);
  if (bad.length === 0) return;
  log.error("  non-compliant objects:");
  for (const o of bad) log.error(`    ${objectLine(o)}`);
}
