// The capacity plan's shapes, shared by the planner's parts (demands, pools, checks, auto-sizing)
// and its readers; in a module of their own so the parts do not import the planner.
import type { ComponentKey } from "../catalogue/components.js";
import type { Diagnostic } from "../config/diagnostics.js";
import type { PoolName } from "../model/environment.js";
import type { DataSizing } from "./data-sizing.js";
import type { Resources } from "./resources.js";

export interface PodDemand {
  component: ComponentKey;
  /** The component's key, or its companion's ("keycloakDb"). */
  workload: string;
  index: number;
  millicores: number;
  bytes: number;
  /** Group key: pods of one group run on distinct nodes. */
  antiAffinity?: string;
}

export interface PoolPlan {
  name: PoolName;
  /** AKS agent pool mode. */
  mode: "System" | "User";
  /** Resolved, never "auto". */
  vmSize: string;
  vcpu: number;
  memoryGiB: number;
  hourlyUsd: number;
  autoSized: { vmSize: boolean; count: boolean };
  /** The agent pool's maxPods; kube-reserved memory depends on it. */
  maxPods: number;
  /** Per node, after AKS's reservations. */
  allocatable: Resources;
  /** Per node: the DaemonSets below. */
  daemonSets: Resources;
  daemonSetPods: ({ name: string } & Resources)[];
  /** Add-on Deployments placed on this pool, request per pod. */
  addOns: ({ name: string; replicas: number } & Resources)[];
  /** Requests of every pod placed on the pool (DaemonSets excluded). */
  requested: Resources;
  /** The packing: which pods each node holds. */
  nodes: { zone?: string; pods: string[]; requested: Resources }[];
  /** Pods no node of this size can hold (each is an error). */
  unplaced: string[];
  nodesForPods: number;
  surge: number;
  /** N+1: one in production environments. */
  spare: number;
  /** nodesForPods + surge + spare. */
  nodesNeeded: number;
  /** What the Bicep renderer sets: autoscaler bounds, or the fixed count in both. */
  minCount: number;
  maxCount: number;
  fixedCount?: number;
  zones: string[];
  labels: Record<string, string>;
  /** "key=value:Effect". */
  taints: string[];
}

export interface WorkloadPlan {
  workload: string;
  displayName: string;
  kind: "Deployment" | "StatefulSet" | "DaemonSet";
  /** DaemonSets run on every node of every pool. */
  pool: PoolName | "every";
  /** Pods; for a DaemonSet, the nodes it runs on when every pool is at its needed count. */
  replicas: number;
  /** Requests of one pod (the table's figures). */
  request: Resources;
  /** Limits of one pod as rendered: memory equal to the request, CPU from the request (limits.ts). */
  limit: Resources;
  storageBytes?: number;
  antiAffinity?: string;
  /** Where each pod lands: index into the pool's `nodes`, absent when it fits no node. */
  pods: { name: string; node?: number; zone?: string }[];
}

export interface ComponentPlan {
  component: ComponentKey;
  displayName: string;
  enabled: boolean;
  workloads: WorkloadPlan[];
  /** All pods of the component together. */
  requested: Resources;
}

export interface CapacityPlan {
  /** System then workloads; a pool whose VM size is not in the catalogue is left out (an error). */
  nodePools: PoolPlan[];
  components: ComponentPlan[];
  fits: boolean;
  diagnostics: Diagnostic[];
  data: DataSizing;
}

/** Position of a field in the environment file; undefined when the file does not write it. */
export type Locate = (path: (string | number)[]) => { line: number; column: number } | undefined;
