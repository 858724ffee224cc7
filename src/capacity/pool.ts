// Plans one node pool on one VM size: allocatable per node, DaemonSet load, placement of its
// pods, and the node count it needs with rolling-update surge and the N+1 spare.
import type { VmSize } from "../catalogue/vm-sizes.js";
import type { NodePoolSpec, PoolName } from "../model/environment.js";
import { pack, type Item } from "./bin-packing.js";
import type { AddOn } from "./cluster-addons.js";
import type { PoolPlan } from "./types.js";
import { nodeReservation } from "./reservations.js";
import { fits, scale, sum, type Resources } from "./resources.js";
import { MAX_PODS_PER_NODE, poolLabels, poolTaints, taintString } from "./scheduling.js";

/**
 * One node of headroom so a rolling update always has somewhere to start the new pod before
 * the old one stops (maxSurge 1; a drain during a node-image upgrade is the same case).
 */
export const SURGE_NODES = 1;

/** Production environments keep one spare node so losing any node leaves room for its pods (N+1). */
export function spareNodes(production: boolean): number {
  return production ? 1 : 0;
}

export interface PoolInput {
  name: PoolName;
  spec: NodePoolSpec;
  /** Pods to place (CodeMie pods and add-on Deployments). */
  items: Item[];
  /** Add-on Deployments among `items`, listed for the report. */
  addOns: readonly AddOn[];
  daemonSets: readonly AddOn[];
  zones: readonly string[];
  production: boolean;
}

export function planPool(input: PoolInput, vm: VmSize, autoSized: PoolPlan["autoSized"]): PoolPlan {
  const { allocatable } = nodeReservation(vm);
  const daemonSets = sum(input.daemonSets.map((d) => d.request));
  const room: Resources = {
    millicores: Math.max(0, allocatable.millicores - daemonSets.millicores),
    bytes: Math.max(0, allocatable.bytes - daemonSets.bytes),
  };
  const bins = pack(input.items, room, input.zones);
  const unplaced = input.items.filter((i) => !fits(i.need, room)).map((i) => i.id);
  const nodesForPods = Math.max(1, bins.length);
  const spare = spareNodes(input.production);
  const nodesNeeded = nodesForPods + SURGE_NODES + spare;
  const { count } = input.spec;
  const fixedCount = count === "auto" ? nodesNeeded : count;
  const plan: PoolPlan = {
    name: input.name,
    mode: input.name === "system" ? "System" : "User",
    vmSize: vm.name,
    vcpu: vm.vcpu,
    memoryGiB: vm.memoryGiB,
    hourlyUsd: vm.hourlyUsd,
    autoSized,
    maxPods: MAX_PODS_PER_NODE,
    allocatable,
    daemonSets,
    daemonSetPods: input.daemonSets.map((d) => ({ name: d.name, ...d.request })),
    addOns: input.addOns.map((a) => ({ name: a.name, replicas: a.replicas, ...a.request })),
    requested: sum(input.items.filter((i) => fits(i.need, room)).map((i) => i.need)),
    nodes: bins.map((b) => ({
      ...(b.zone ? { zone: b.zone } : {}),
      pods: b.items,
      requested: { millicores: room.millicores - b.free.millicores, bytes: room.bytes - b.free.bytes },
    })),
    unplaced,
    nodesForPods,
    surge: SURGE_NODES,
    spare,
    nodesNeeded,
    minCount: fixedCount ?? input.spec.minCount,
    maxCount: fixedCount ?? input.spec.maxCount,
    zones: [...input.zones],
    labels: poolLabels(input.name),
    taints: poolTaints(input.name).map(taintString),
  };
  if (fixedCount !== undefined) plan.fixedCount = fixedCount;
  return plan;
}

/** Nodes that run all the time: the fixed count, or the autoscaler's floor. */
export function alwaysOnNodes(p: PoolPlan): number {
  return p.fixedCount ?? p.minCount;
}

/** Requests of everything on the planned nodes, DaemonSets included, against what they allocate. */
export function utilisation(p: PoolPlan): { requested: Resources; allocatable: Resources } {
  return {
    requested: sum([p.requested, scale(p.daemonSets, p.nodesNeeded)]),
    allocatable: scale(p.allocatable, p.nodesNeeded),
  };
}
