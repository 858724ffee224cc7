// `vmSize: auto`: the cheapest size from `aks.autoSizing.families` on which every pod fits and
// the node count stays within the pool's configured bounds.
import { VM_SIZES } from "../catalogue/vm-sizes.js";
import type { PoolPlan } from "./types.js";
import { alwaysOnNodes, planPool, type PoolInput } from "./pool.js";

export interface AutoSizeResult {
  plan: PoolPlan;
  /** False when no candidate fits; `plan` is then the largest candidate, for the report. */
  fits: boolean;
}

/**
 * Cost is what runs all the time: always-on nodes (fixed count, or the autoscaler's floor, but
 * at least the nodes the pods and the spare need) times the hourly price. Ties go to fewer
 * nodes, then the family listed first, then fewer vCPUs, so the choice is deterministic.
 */
export function autoSize(input: PoolInput, families: readonly string[]): AutoSizeResult {
  // Candidates in the order the environment lists its families; rank is that position.
  const candidates = VM_SIZES.filter((vm) => families.includes(vm.family)).map((vm) => ({
    vm,
    rank: families.indexOf(vm.family),
  }));
  const autoCount = input.spec.count === "auto";
  let best: Scored | undefined;
  for (const { vm, rank } of candidates) {
    const plan = planPool(input, vm, { vmSize: true, count: autoCount });
    if (plan.unplaced.length > 0 || (!autoCount && plan.nodesNeeded > plan.maxCount)) continue;
    const cost = Math.max(alwaysOnNodes(plan), plan.nodesForPods + plan.spare) * vm.hourlyUsd;
    if (!best || cheaper({ plan, cost, rank }, best)) best = { plan, cost, rank };
  }
  if (best) return { plan: best.plan, fits: true };
  // The schema allows only catalogue families, at least one; the whole catalogue is the fallback.
  const largest = [...(candidates.length > 0 ? candidates.map((c) => c.vm) : VM_SIZES)]
    .sort((a, b) => a.vcpu - b.vcpu || a.memoryGiB - b.memoryGiB)
    .at(-1)!;
  return { plan: planPool(input, largest, { vmSize: true, count: autoCount }), fits: false };
}

type Scored = { plan: PoolPlan; cost: number; rank: number };

function cheaper(a: Scored, b: Scored): boolean {
  // Prices carry at most four decimals; compare in ten-thousandths of a dollar to avoid float noise.
  const ca = Math.round(a.cost * 1e4);
  const cb = Math.round(b.cost * 1e4);
  if (ca !== cb) return ca < cb;
  if (a.plan.nodesNeeded !== b.plan.nodesNeeded) return a.plan.nodesNeeded < b.plan.nodesNeeded;
  if (a.rank !== b.rank) return a.rank < b.rank;
  return a.plan.vcpu < b.plan.vcpu;
}
