// Use case `deploy`, in two steps so a face can act in between (the deploy action records a
// GitHub deployment): `prepareDeploy` finds the source commit and renders and compiles the
// environment; `runDeploy` deploys it and returns everything a face reports: the engine's result,
// the deployment's name, and Flux's state as the run last read it.
import { azurePreflightReads } from "../adapters/azure/preflight-reads.js";
import { toolkitCommit } from "../adapters/git/toolkit-commit.js";
import type { OrderMode } from "../engine/commit-order.js";
import { deployEnvironment, type DeployResult } from "../engine/deploy.js";
import type { DeployKeyRegistry } from "../engine/deploy-key.js";
import { syncedCommit, type FluxView } from "../engine/flux.js";
import { readFlux } from "../engine/flux-wait.js";
import { deploymentNames } from "../engine/names.js";
import type { Clock, Log, SourceCommit, SourceHistory } from "../engine/ports.js";
import type { Environment } from "../model/environment.js";
import type { RenderedTree } from "../render/tree.js";
import type { Connections } from "./connections.js";
import { prepareNamed, type EnvironmentRef, type Prepared, type PreparePorts } from "./prepare.js";
import { deadline, withRunSignal } from "./run-signal.js";

export interface DeployRequest extends EnvironmentRef {
  /** No ARM deployment: publish the tree with the deploy outputs already on the GitOps branch. */
  skipInfrastructure: boolean;
  /** Limit for Azure and Flux; rendering is local and done before it starts. */
  timeoutMs: number;
  /**
   * Limit for the wait for Flux alone, counted from the publish (then `timeoutMs` bounds the rest).
   * Unset: `timeoutMs` bounds the wait too (a first deploy prints what its layers may take).
   */
  fluxTimeoutMs?: number;
  fluxIntervalMs: number;
  /** Read Flux once after a run that stopped before waiting for it (for a report of the state it left). */
  fluxAfterFailure?: boolean;
  /** "newer-only" (a push) deploys nothing, successfully, when the commit is older than the deployed one. */
  order?: OrderMode;
}

export interface DeployPorts extends PreparePorts {
  /** The commit being deployed; undefined outside a checkout without GITHUB_SHA. */
  readSource(): Promise<SourceCommit | undefined>;
  connections: Connections;
  clock: Clock;
  /** The source repository's history, for the commit-order check. */
  history?: SourceHistory;
  /** Progress and failures as the engine reports them. */
  log: Log;
  onInterrupt(): void;
  /** Registers Flux's SSH deploy key on the GitOps repository (the deploy action's GitHub token). */
  deployKeys?: DeployKeyRegistry;
}

export type DeployStart =
  /** Not even a commit to deploy from. */
  | { ok: false; source?: undefined }
  | { ok: false; source: SourceCommit; prepared: Prepared & { ok: false } }
  | {
      ok: true;
      source: SourceCommit;
      env: Environment;
      tree: RenderedTree;
      prepared: Prepared & { ok: true };
      /** The main ARM deployment's name; "" when the infrastructure is skipped. */ deployment: string;
    };

export const NO_SOURCE = "cannot tell which commit is being deployed: run inside a git checkout (or set GITHUB_SHA)";

export async function prepareDeploy(request: DeployRequest, ports: DeployPorts): Promise<DeployStart> {
  const source = await ports.readSource();
  if (!source) return { ok: false };
  const prepared = await prepareNamed(request, ports);
  if (!prepared.ok) return { ok: false, source, prepared };
  const deployment = request.skipInfrastructure ? "" : deploymentNames(prepared.env, source).main;
  return { ok: true, source, env: prepared.env, tree: prepared.tree, prepared, deployment };
}

export interface DeployOutcome {
  result: DeployResult;
  /**
   * Flux after the run: as the wait last read it, or (fluxAfterFailure) read once when the run stopped before waiting.
   */
  flux?: FluxView;
  /** Why Flux could not be read after a run that stopped before waiting. */
  fluxError?: string;
  /** The GitOps commit Flux reports Compliant; "" unless the deploy succeeded. */
  published: string;
}

export async function runDeploy(
  start: DeployStart & { ok: true },
  request: DeployRequest,
  ports: DeployPorts,
): Promise<DeployOutcome> {
  const { env, tree, source } = start;
  const arm = ports.connections.arm(env);
  const gitops = ports.connections.gitops(env);
  const toolkit = await toolkitCommit();
  const result = await withRunSignal(request.timeoutMs, ports.onInterrupt, (signal, run) =>
    deployEnvironment(
      {
        env,
        capacity: start.prepared.capacity,
        tree,
        source,
        skipInfrastructure: request.skipInfrastructure,
        locate: start.prepared.locate,
        toolkit,
        ...(request.order ? { order: request.order } : {}),
      },
      {
        arm,
        preflight: azurePreflightReads(arm),
        gitops,
        clock: ports.clock,
        log: ports.log,
        ...(ports.history ? { history: ports.history } : {}),
        ...(ports.deployKeys ? { deployKeys: ports.deployKeys } : {}),
        ...(ports.connections.site ? { site: ports.connections.site(env) } : {}),
      },
      {
        signal,
        fluxIntervalMs: request.fluxIntervalMs,
        ...(request.fluxTimeoutMs ? { fluxTimeoutMs: request.fluxTimeoutMs } : {}),
        fluxSignal: (ms) => deadline(ms, run.interrupted, "flux-timeout"),
      },
      // The branch keeps a scratch repository between its operations until then.
    ).finally(() => gitops.close?.()),
  );
  if (result.ok)
    return result.flux
      ? { result, flux: result.flux, published: syncedCommit(result.flux) ?? "" }
      : { result, published: "" };
  if (result.flux || !request.fluxAfterFailure)
    return { result, ...(result.flux ? { flux: result.flux } : {}), published: "" };
  try {
    const flux = await readFlux(arm, env);
    return { result, ...(flux ? { flux } : {}), published: "" };
  } catch (error) {
    return { result, fluxError: error instanceof Error ? error.message : String(error), published: "" };
  }
}
