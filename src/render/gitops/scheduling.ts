// Where pods land, as the capacity planner assumed when it sized the pools: every pod of
// ours selects the workloads pool; DaemonSets tolerate the system pool's taint; workloads the
// planner spreads get required anti-affinity (and a zone spread when zones are set); add-ons
// get the requests the planner counted for them. Nothing here restates a planner figure.
import { PLATFORM_DEPLOYMENTS } from "../../capacity/cluster-addons.js";
import { sized, type Sized } from "../../capacity/limits.js";
import {
  DAEMONSET_TOLERATIONS,
  HARD_ANTI_AFFINITY,
  TOPOLOGY_KEYS,
  WORKLOADS_NODE_SELECTOR,
} from "../../capacity/scheduling.js";
import { formatBytes, formatMillicores } from "../../config/quantity.js";
import type { Environment } from "../../model/environment.js";

export interface KeyValue {
  key: string;
  value: string;
}

export interface Toleration {
  key: string;
  operator: string;
  effect: string;
}

/** nodeSelector of every pod we render (sorted). */
export function workloadsNodeSelector(): KeyValue[] {
  return Object.entries(WORKLOADS_NODE_SELECTOR)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }));
}

/** Tolerations of a DaemonSet that must run on every node, system pool included. */
export function daemonSetTolerations(): Toleration[] {
  return DAEMONSET_TOLERATIONS.map((t) => ({ key: t.key, operator: t.operator, effect: t.effect }));
}

/** True when the planner placed this workload's pods on distinct nodes. */
export function hardAntiAffinity(workload: string): boolean {
  return HARD_ANTI_AFFINITY.has(workload);
}

/** Zone spread (maxSkew 1) applies when the cluster spans more than one zone. */
export function zoneSpread(env: Environment): boolean {
  return env.aks.zones.length > 1;
}

export const TOPOLOGY = TOPOLOGY_KEYS;

export interface AddonSize extends Sized {
  replicas: number;
}

/** Replicas, requests and limits of an add-on pod as the capacity planner counts it. */
export function addonSize(name: string): AddonSize {
  const a = PLATFORM_DEPLOYMENTS.find((d) => d.name === name);
  if (!a) throw new Error(`the capacity planner does not count add-on pod "${name}" (src/capacity/cluster-addons.ts)`);
  const request = { cpu: formatMillicores(a.request.millicores), memory: formatBytes(a.request.bytes) };
  return { replicas: a.replicas, ...sized(request) };
}
