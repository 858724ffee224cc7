// `plan`: what a deploy would change, without changing anything. Always: the capacity summary
// and the rendered GitOps tree compared with what the environment's branch holds (when it can
// be reached). With Azure access: ARM what-if of the main template at subscription scope.
import type { CapacityPlan } from "../capacity/plan.js";
import type { KubernetesDiff } from "../kubernetes/object-diff.js";
import type { CostReport } from "../cost/cost-format.js";
import type { ReviewDigest } from "./review-digest.js";
import type { PromotionGate } from "./promotion.js";
import type { Environment } from "../model/environment.js";
import type { RenderedTree } from "../render/tree.js";
import { day2Parameters, type Day2Kept, type Day2Refusal, type PostgresStorage } from "./day2.js";
import { publishedPoolRefusals, publishedPools } from "./day2-published.js";
import { assessDay2, day2Expectations } from "./day2-read.js";
import { infraOutputsPath } from "./infra-outputs.js";
import { deploymentPrefix } from "./names.js";
import type { ArmErrorDetail, FileChange, FluxArm, GitopsBranchPort, Previewer, WhatIfArm } from "./ports.js";
import { preflightNeeds } from "./preflight/needs.js";
import { runPreflight, type Locate, type PreflightReads, type PreflightReport } from "./preflight/run.js";
import { deploymentRequests, gitopsFiles } from "./rendered.js";
import { password } from "./secret-values.js";
import { summarizeWhatIf, type WhatIfSummary } from "./what-if.js";

export interface CapacityPool {
  name: string;
  vmSize: string;
  vcpu: number;
  memoryGiB: number;
  nodesNeeded: number;
  minCount: number;
  maxCount: number;
  autoscaled: boolean;
  /** Pods placed on the pool plus its DaemonSets on every needed node. */
  requested: { vcpu: number; memoryGiB: number };
  /** Allocatable on the needed nodes, after AKS's reservations. */
  allocatable: { vcpu: number; memoryGiB: number };
  hourlyUsdPerNode: number;
}

export interface CapacitySummary {
  profile: string;
  fits: boolean;
  pools: CapacityPool[];
}

export type GitopsComparison =
  | { status: "compared"; branch: string; base?: string; files: FileChange[]; patch: string }
  | { status: "unavailable"; branch: string; reason: string; renderedFiles: number }
  /** The caller asked for no comparison (plan --offline). */
  | { status: "skipped"; branch: string; renderedFiles: number };

export type WhatIfReport =
  | { status: "succeeded"; summary: WhatIfSummary }
  /** ARM ran the what-if and reported an error (HTTP 200 with status Failed, or a preflight 400). */
  | { status: "failed"; error: ArmErrorDetail }
  /** ARM could not be asked (sign-in, network, permissions). */
  | { status: "error"; message: string };

/** What the deployed resources allow a redeploy to change (read with --azure only). */
export type Day2PlanReport =
  | { status: "checked"; postgresStorage: PostgresStorage; refusals: Day2Refusal[]; kept?: Day2Kept[] }
  /** Without Azure: the node pools compared with those the last deploy published on the GitOps branch. */
  | { status: "published"; commit: string; refusals: Day2Refusal[] }
  | { status: "error"; message: string };

export interface PlanReport {
  environment: string;
  file: string;
  subscriptionId: string;
  location: string;
  capacity: CapacitySummary;
  gitops: GitopsComparison;
  whatIf?: WhatIfReport;
  day2?: Day2PlanReport;
  /** What deploy's preflight would refuse or warn about (with Azure access). */
  preflight?: PreflightReport;
  /** The Kubernetes objects the change adds, changes and removes (src/app/kubernetes-diff.ts). */
  kubernetes?: KubernetesDiff;
  /** The monthly cost and its change from the base branch (added by the plan use case). */
  cost?: CostReport;
  /** What the reviewer sees, as the deploy on merge checks it (added by the plan use case). */
  review?: ReviewDigest;
  /** Why the review digest holds no hash of the Kubernetes objects. */
  reviewObjectsError?: string;
  /** The promotion gate's state (read by the plan action from GitHub deployments). */
  promotion?: PromotionGate;
}

export interface PlanInput {
  env: Environment;
  tree: RenderedTree;
  capacity: CapacityPlan;
  locate?: Locate;
}

export interface PlanPorts {
  /** Absent: the GitOps branch is not read (plan --offline). */
  gitops?: Previewer & Pick<GitopsBranchPort, "readAtTip">;
  /** Absent: offline plan, no what-if and no day-2 check. */
  arm?: WhatIfArm & FluxArm;
  /** Absent: offline plan, no preflight. */
  preflight?: PreflightReads;
}

const GiB = 2 ** 30;
const round = (n: number): number => Math.round(n * 10) / 10;

export function summarizeCapacity(env: Environment, capacity: CapacityPlan): CapacitySummary {
  return {
    profile: env.profile,
    fits: capacity.fits,
    pools: capacity.nodePools.map((p) => ({
      name: p.name,
      vmSize: p.vmSize,
      vcpu: p.vcpu,
      memoryGiB: p.memoryGiB,
      nodesNeeded: p.nodesNeeded,
      minCount: p.minCount,
      maxCount: p.maxCount,
      autoscaled: p.fixedCount === undefined,
      requested: {
        vcpu: round((p.requested.millicores + p.daemonSets.millicores * p.nodesNeeded) / 1000),
        memoryGiB: round((p.requested.bytes + p.daemonSets.bytes * p.nodesNeeded) / GiB),
      },
      allocatable: {
        vcpu: round((p.allocatable.millicores * p.nodesNeeded) / 1000),
        memoryGiB: round((p.allocatable.bytes * p.nodesNeeded) / GiB),
      },
      hourlyUsdPerNode: p.hourlyUsd,
    })),
  };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function compareGitops(env: Environment, tree: RenderedTree, gitops: Previewer): Promise<GitopsComparison> {
  const files = gitopsFiles(tree);
  try {
    // The outputs ConfigMap is written at deploy time from ARM's outputs: keep the published one.
    const changes = await gitops.preview(files, [infraOutputsPath(env)]);
    return {
      status: "compared",
      branch: gitops.branch,
      ...(changes.base ? { base: changes.base } : {}),
      files: changes.files,
      patch: changes.patch,
    };
  } catch (error) {
    return { status: "unavailable", branch: gitops.branch, reason: messageOf(error), renderedFiles: files.size };
  }
}

async function day2(tree: RenderedTree, arm: FluxArm): Promise<Day2PlanReport> {
  try {
    const report = await assessDay2(tree, arm);
    return { status: "checked", ...report };
  } catch (error) {
    return { status: "error", message: messageOf(error) };
  }
}

/** Offline day 2: the pool changes AKS would refuse, against the pools the last deploy recorded on the branch. */
async function publishedDay2(
  env: Environment,
  tree: RenderedTree,
  gitops: Pick<GitopsBranchPort, "readAtTip">,
): Promise<Day2PlanReport | undefined> {
  try {
    const read = await gitops.readAtTip(infraOutputsPath(env));
    const pools = read?.text === undefined ? undefined : publishedPools(read.text);
    if (!read || !pools) return undefined;
    return {
      status: "published",
      commit: read.tip,
      refusals: publishedPoolRefusals(day2Expectations(tree).cluster.pools, pools),
    };
  } catch {
    // The comparison of the tree reports an unreachable branch; day 2 then stays "not checked".
    return undefined;
  }
}

async function whatIf(
  env: Environment,
  tree: RenderedTree,
  arm: WhatIfArm,
  day2Report: Day2PlanReport,
  signal: AbortSignal | undefined,
): Promise<WhatIfReport> {
  const { main } = deploymentRequests(env, tree);
  // Asked with the storage the deploy would ask for (never less than the server's).
  if (day2Report.status === "checked") Object.assign(main.parameters, day2Parameters(day2Report));
  // A plan must not need the right to read secrets, and the vault may not exist yet: Key Vault
  // references are replaced by throwaway values, which the summary hides wherever they appear.
  const throwaway: string[] = [];
  const parameters = Object.fromEntries(
    Object.entries(main.parameters).map(([name, p]) => {
      if (!p.reference) return [name, p];
      const value = password();
      throwaway.push(value);
      return [name, { value }];
    }),
  );
  try {
    const outcome = await arm.whatIfAtSubscription(
      `${deploymentPrefix(env)}plan`,
      { ...main, parameters },
      signal ? { signal } : {},
    );
    if (outcome.status === "Failed") return { status: "failed", error: outcome.error };
    return {
      status: "succeeded",
      summary: summarizeWhatIf(outcome.changes, outcome.potentialChanges, undefined, throwaway),
    };
  } catch (error) {
    return { status: "error", message: messageOf(error) };
  }
}

/** What Azure would change: the deployed resources read for day 2 (the what-if asks with their storage), a what-if. */
export async function azureChanges(
  env: Environment,
  tree: RenderedTree,
  arm: WhatIfArm & FluxArm,
  signal?: AbortSignal,
): Promise<{ day2: Day2PlanReport; whatIf: WhatIfReport }> {
  const day2Report = await day2(tree, arm);
  return { day2: day2Report, whatIf: await whatIf(env, tree, arm, day2Report, signal) };
}

export async function planEnvironment(input: PlanInput, ports: PlanPorts, signal?: AbortSignal): Promise<PlanReport> {
  const { env, tree } = input;
  const arm = ports.arm;
  const azure = async (): Promise<{ day2: Day2PlanReport; whatIf: WhatIfReport } | undefined> =>
    arm ? azureChanges(env, tree, arm, signal) : undefined;
  const requests = deploymentRequests(env, tree);
  const needs = preflightNeeds(env, input.capacity, [requests.bootstrap.template, requests.main.template]);
  const offlineDay2 = !arm && ports.gitops ? publishedDay2(env, tree, ports.gitops) : Promise.resolve(undefined);
  const [gitops, azureReport, preflight, published] = await Promise.all([
    ports.gitops
      ? compareGitops(env, tree, ports.gitops)
      : Promise.resolve<GitopsComparison>({
          status: "skipped",
          branch: env.gitops.branch,
          renderedFiles: gitopsFiles(tree).size,
        }),
    azure(),
    ports.preflight ? runPreflight(env, needs, ports.preflight, input.locate) : Promise.resolve(undefined),
    offlineDay2,
  ]);
  return {
    environment: env.name,
    file: env.file,
    subscriptionId: env.azure.subscriptionId,
    location: env.azure.location,
    capacity: summarizeCapacity(env, input.capacity),
    gitops,
    ...(azureReport ? { whatIf: azureReport.whatIf, day2: azureReport.day2 } : published ? { day2: published } : {}),
    ...(preflight ? { preflight } : {}),
  };
}
