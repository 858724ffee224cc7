// Scheduling constants shared by the capacity planner and the renderers: the planner assumes
// exactly these labels, taints and limits, so the Bicep node pools and the GitOps pod specs
// must use these values, never restate them.
import type { PoolName } from "../model/environment.js";

/** Node label on every pool; CodeMie pods select the workloads pool with it. */
export const POOL_LABEL_KEY = "codemie-gitops.dev/pool";

export function poolLabels(pool: PoolName): Record<string, string> {
  return { [POOL_LABEL_KEY]: pool };
}

/** nodeSelector of every CodeMie pod (and the platform pods of cluster-addons.ts). */
export const WORKLOADS_NODE_SELECTOR: Readonly<Record<string, string>> = poolLabels("workloads");

export interface Taint {
  key: string;
  value: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** AKS's documented taint for a dedicated system pool: only pods tolerating it (AKS add-ons) run there. */
export const SYSTEM_POOL_TAINT: Taint = { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" };

/** The form AKS's `nodeTaints` takes: "key=value:Effect". */
export function taintString(t: Taint): string {
  return `${t.key}=${t.value}:${t.effect}`;
}

export function poolTaints(pool: PoolName): Taint[] {
  return pool === "system" ? [SYSTEM_POOL_TAINT] : [];
}

/** Tolerations a node-level DaemonSet of ours (Fluent Bit) needs to run on every pool. */
export const DAEMONSET_TOLERATIONS = [
  { key: SYSTEM_POOL_TAINT.key, operator: "Exists", effect: SYSTEM_POOL_TAINT.effect },
] as const;

/**
 * Pods per node, set as the agent pools' `maxPods`. AKS's kube-reserved memory grows with it
 * (20 MB per pod), so it is part of the allocatable arithmetic. 110 is the Kubernetes default
 * and far above the ~30 pods a CodeMie node runs; Azure CNI overlay would default to 250.
 */
export const MAX_PODS_PER_NODE = 110;

/**
 * Workloads whose pods the GitOps renderer spreads with *required* pod anti-affinity on
 * `kubernetes.io/hostname` (and a zone topology spread with maxSkew 1 when zones are set), so
 * the planner places them on distinct nodes. Elasticsearch: two copies of a shard on one node
 * would not survive that node. Keycloak and its DB, and the API replicas, may share a node.
 */
export const HARD_ANTI_AFFINITY: ReadonlySet<string> = new Set(["elasticsearch"]);

export const TOPOLOGY_KEYS = { node: "kubernetes.io/hostname", zone: "topology.kubernetes.io/zone" } as const;
