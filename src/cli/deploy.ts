// `codemie-gitops deploy --env NAME`: infrastructure, then the GitOps tree, then Flux. Exit 0
// only when the ARM deployments succeeded and Flux reports the published commit Compliant.
// `--skip-infrastructure` publishes the tree with the branch's current deploy outputs instead.
// Before the first write, the gates the action enforces (src/app/deploy-gates.ts): the promotion
// gate, read from GitHub deployments with --repo and GITHUB_TOKEN, else from the followed
// environment's GitOps branch and Flux; and, with --reviewed-plan, the plan reviewed.
import { UsageError } from "../adapters/environment-files.js";
import { isAncestor, readSourceCommit } from "../adapters/git/source-commit.js";
import { githubClient } from "../adapters/github/client.js";
import { azureConnections, pollIntervalMs, type AzureFlags, type Connections } from "../app/connections.js";
import { ACCEPT, checkDeployGates, type GateRequest } from "../app/deploy-gates.js";
import { NO_SOURCE, prepareDeploy, runDeploy, type DeployPorts, type DeployRequest } from "../app/deploy.js";
import { workspaceFiles } from "../app/environment-files.js";
import { gitHubPromotionRecords, publishedPromotionRecords } from "../app/promotion-records.js";
import { INTERRUPTED } from "../app/run-signal.js";
import { packageToolchain } from "../app/toolchain.js";
import { systemClock } from "../engine/ports.js";
import { parseCompactDigest } from "../engine/review-digest.js";
import { reportFailures } from "./failures.js";
import type { Io } from "./io.js";
import { printPrepared } from "./prepared.js";

export interface DeployOptions extends AzureFlags {
  env: string;
  subscription?: string;
  gitopsRemote?: string;
  timeoutMs: number;
  /** Limit for the Flux wait alone (--flux-timeout). */
  fluxTimeoutMs?: number;
  skipInfrastructure?: boolean;
  /** The compact digest a plan printed (--reviewed-plan): the deploy is held to it. */
  reviewedPlan?: string;
  /** --accept-unreviewed-changes: deploy despite a difference from the reviewed plan, printing it. */
  acceptUnreviewedChanges?: boolean;
  /** --repo OWNER/NAME: read the promotion gate from this repository's GitHub deployments (GITHUB_TOKEN). */
  repo?: string;
}

function reviewOf(opts: DeployOptions): GateRequest["review"] {
  if (opts.reviewedPlan === undefined) {
    if (opts.acceptUnreviewedChanges) throw new UsageError(`--${ACCEPT} goes with --reviewed-plan DIGEST`);
    return undefined;
  }
  const reviewed = parseCompactDigest(opts.reviewedPlan);
  if (!reviewed)
    throw new UsageError(
      "--reviewed-plan takes the digest a plan prints (Reviewed-plan digest: rp2.ENV.…, also in the plan comment)",
    );
  if (reviewed.environment !== opts.env)
    throw new UsageError(`--reviewed-plan is a plan of ${reviewed.environment}, not of ${opts.env}`);
  return { reviewed, where: `as --reviewed-plan ${opts.reviewedPlan.trim()}` };
}

function gitHubRepo(repo: string): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})$/.exec(repo);
  if (!m) throw new UsageError(`--repo takes OWNER/NAME, not "${repo}"`);
  return { owner: m[1]!, repo: m[2]! };
}

/**
 * What a caller in the same process hands in instead of what the flags and the process's variables
 * build: the engine's tests run this very function against the emulator without a CLI process.
 */
export interface DeployWiring {
  connections?: Connections;
  env?: NodeJS.ProcessEnv;
}

export async function deployCommand(opts: DeployOptions, io: Io, wiring: DeployWiring = {}): Promise<number> {
  const env = wiring.env ?? process.env;
  const review = reviewOf(opts);
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (opts.repo !== undefined && !token)
    throw new UsageError("--repo reads the GitHub deployments with GITHUB_TOKEN (or GH_TOKEN), which is not set");
  const github =
    opts.repo !== undefined && token ? { client: await githubClient(token), repo: gitHubRepo(opts.repo) } : undefined;
  return reportFailures(io, async () => {
    const request: DeployRequest = {
      name: opts.env,
      ...(opts.subscription ? { subscription: opts.subscription } : {}),
      skipInfrastructure: opts.skipInfrastructure === true,
      timeoutMs: opts.timeoutMs,
      ...(opts.fluxTimeoutMs ? { fluxTimeoutMs: opts.fluxTimeoutMs } : {}),
      fluxIntervalMs: pollIntervalMs(env, 15_000),
    };
    const files = workspaceFiles(io.cwd);
    const connections = wiring.connections ?? azureConnections(opts, opts.gitopsRemote);
    const log = { info: io.out, error: io.err };
    const ports: DeployPorts = {
      files,
      toolchain: packageToolchain,
      readSource: () => readSourceCommit(io.cwd, env),
      history: { isAncestor: (a, b) => isAncestor(io.cwd, a, b) },
      connections,
      clock: systemClock,
      log,
      onInterrupt: () => io.err(INTERRUPTED),
    };
    const start = await prepareDeploy(request, ports);
    if (!start.source) {
      io.err(`error: ${NO_SOURCE}`);
      return 1;
    }
    printPrepared(start.prepared, io);
    if (!start.ok) return 1;
    const gates = await checkDeployGates(
      start,
      {
        ...(review ? { review } : {}),
        accept: opts.acceptUnreviewedChanges === true,
        acceptHint: `deploy again with --${ACCEPT}`,
        skipInfrastructure: request.skipInfrastructure,
        timeoutMs: request.timeoutMs,
      },
      {
        connections,
        log,
        onInterrupt: ports.onInterrupt,
        promotionRecords: github
          ? gitHubPromotionRecords(github.client, github.repo)
          : publishedPromotionRecords(files, connections),
      },
    );
    if (!gates.ok) return 1;
    const { result } = await runDeploy(start, request, ports);
    return result.ok ? 0 : 1;
  });
}
