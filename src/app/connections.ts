// How a run reaches Azure and the GitOps branch: the cloud flags, the ARM connection signed in
// with the run's credential, the environment's GitOps branch, and the tuning knobs tests use.
// The faces map their inputs (CLI flags, action inputs) onto these; the use cases take the
// resulting Connections, so a test can hand in its own.
import { ArmClient } from "../adapters/azure/arm.js";
import { resolveCloud, type CloudName } from "../adapters/azure/cloud.js";
import { createRunCredential } from "../adapters/azure/credentials.js";
import { UsageError } from "../adapters/environment-files.js";
import { trustedGitopsHosts } from "../adapters/git/credentials.js";
import { GitopsBranch } from "../adapters/git/gitops-branch.js";
import { siteFromEnvironment } from "../adapters/site.js";
import type { Arm, GitopsBranchPort, SitePorts } from "../engine/ports.js";
import type { Environment } from "../model/environment.js";
import { gitopsRoot } from "../render/gitops/render.js";

export interface AzureFlags {
  cloud?: string;
  armEndpoint?: string;
  authorityHost?: string;
}

/** What a run talks to, per environment. */
export interface Connections {
  arm(target: Environment): Arm;
  /** The environment's GitOps branch; `networkTimeoutMs` bounds each fetch and push. */
  gitops(target: Environment, networkTimeoutMs?: number): GitopsBranchPort;
  /** The environment's public site, for the smoke check; absent: no smoke check. */
  site?(target: Environment): SitePorts;
}

const CLOUDS: readonly CloudName[] = ["public", "usgov", "china"];

/** Tuning for tests and impatient people: CODEMIE_POLL_INTERVAL_MS, CODEMIE_RETRY_DELAY_MS. */
function envMs(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0)
    throw new UsageError(`${name} must be a whole number of milliseconds, not "${raw}"`);
  return ms;
}

export function pollIntervalMs(env: NodeJS.ProcessEnv, fallback: number): number {
  return envMs(env, "CODEMIE_POLL_INTERVAL_MS") ?? fallback;
}

export function connectArm(flags: AzureFlags, target: Environment, env: NodeJS.ProcessEnv = process.env): ArmClient {
  if (flags.cloud !== undefined && !CLOUDS.includes(flags.cloud as CloudName))
    throw new UsageError(`--cloud must be one of ${CLOUDS.join(", ")}, not "${flags.cloud}"`);
  // The environment file's azure.cloud names the cloud; a flag may only repeat it.
  if (flags.cloud !== undefined && flags.cloud !== target.azure.cloud)
    throw new UsageError(
      `--cloud ${flags.cloud} contradicts azure.cloud: ${target.azure.cloud} ` +
        `in ${target.file}; drop the flag or correct the file`,
    );
  let cloud;
  try {
    cloud = resolveCloud(
      { cloud: target.azure.cloud, armEndpoint: flags.armEndpoint, authorityHost: flags.authorityHost },
      env,
    );
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // AZURE_TENANT_ID names the app registration's tenant when set; the environment's tenant otherwise.
  const { credential } = createRunCredential({ cloud, env, tenantId: env.AZURE_TENANT_ID ?? target.azure.tenantId });
  const retryDelayInMs = envMs(env, "CODEMIE_RETRY_DELAY_MS");
  return new ArmClient({
    credential,
    subscriptionId: target.azure.subscriptionId,
    cloud,
    pollIntervalMs: pollIntervalMs(env, 5000),
    ...(retryDelayInMs === undefined ? {} : { retry: { retryDelayInMs } }),
  });
}

/**
 * The environment's GitOps branch; --gitops-remote / CODEMIE_GITOPS_REMOTE point it at another clone (a mirror, a local
 * path).
 */
export function gitopsBranch(
  target: Environment,
  remote: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  networkTimeoutMs?: number,
): GitopsBranch {
  return new GitopsBranch({
    remote: remote ?? env.CODEMIE_GITOPS_REMOTE ?? target.gitops.repository,
    branch: target.gitops.branch,
    root: gitopsRoot(target),
    ...(env.CODEMIE_GITOPS_TOKEN ? { token: env.CODEMIE_GITOPS_TOKEN, trustedHosts: trustedGitopsHosts(env) } : {}),
    ...(networkTimeoutMs ? { networkTimeoutMs } : {}),
  });
}

/**
 * The real connections: Azure per the flags and the process environment, the GitOps branch at `gitopsRemote` if given.
 */
export function azureConnections(
  flags: AzureFlags,
  gitopsRemote: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Connections {
  return {
    arm: (target) => connectArm(flags, target, env),
    gitops: (target, networkTimeoutMs) => gitopsBranch(target, gitopsRemote, env, networkTimeoutMs),
    site: () => siteFromEnvironment(env),
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90s", "45m", "1h", "500ms"; a bare number is seconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} takes a duration such as 90s, 45m or 1h, not "${text}"`);
  const ms = Math.round(Number(match[1]) * (UNITS[match[2] ?? "s"] ?? 1000));
  if (ms <= 0) throw new UsageError(`${flag} must be longer than zero`);
  return ms;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkSubscription(id: string | undefined): string | undefined {
  if (id !== undefined && !GUID.test(id))
    throw new UsageError(`--subscription takes a subscription id (a GUID), not "${id}"`);
  return id;
}
