// The capacity planner: from a resolved environment to node pools that provably hold every
// pod, with the reasons as positioned diagnostics. Pure and deterministic: the same
// environment always gives the same plan. README "Capacity planning" states the rules.
import { VM_SIZES, vmSize } from "../catalogue/vm-sizes.js";
import { dotted, hasErrors, sortDiagnostics, type Diagnostic } from "../config/diagnostics.js";
import { parseBytes } from "../config/quantity.js";
import { closest } from "../config/spelling.js";
import type { Environment, PoolName, ResolvedComponent, WorkloadSize } from "../model/environment.js";
import { autoSize } from "./auto-size.js";
import { checkAutoSizeFailure, checkCounts, checkData, checkOversizedPods, type Report } from "./checks.js";
import { AKS_SYSTEM_DEPLOYMENTS, PLATFORM_DEPLOYMENTS } from "./cluster-addons.js";
import { sizeElasticsearch, sizePostgres, type DataSizing } from "./data-sizing.js";
import { addOnItems, daemonSets, demandItems, podDemands, podName, requestOf, workloadsOf } from "./demands.js";
import { planPool, type PoolInput } from "./pool.js";
import { limitOf } from "./limits.js";
import { scale, sum } from "./resources.js";
import type { CapacityPlan, ComponentPlan, Locate, PodDemand, PoolPlan, WorkloadPlan } from "./types.js";

export type { DataSizing } from "./data-sizing.js";

export type { CapacityPlan, ComponentPlan, Locate, PodDemand, PoolPlan, WorkloadPlan } from "./types.js";

const POOLS: readonly PoolName[] = ["system", "workloads"];

export function planCapacity(env: Environment, locate: Locate = () => ({ line: 1, column: 1 })): CapacityPlan {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (severity, path, message, near = []) => {
    const at = [path, ...near].map(locate).find((p) => p !== undefined) ?? { line: 1, column: 1 };
    diagnostics.push({ file: env.file, line: at.line, column: at.column, severity, path: dotted(path), message });
  };
  const demands = podDemands(env);
  const perNode = daemonSets(env);
  const nodePools: PoolPlan[] = [];
  for (const name of POOLS) {
    const spec = env.aks.nodePools[name];
    const addOns = name === "system" ? AKS_SYSTEM_DEPLOYMENTS : PLATFORM_DEPLOYMENTS;
    const input: PoolInput = {
      name,
      spec,
      items: [...(name === "workloads" ? demandItems(demands) : []), ...addOnItems(addOns)],
      addOns,
      daemonSets: perNode,
      zones: env.aks.zones,
      production: env.production,
    };
    if (spec.vmSize === "auto") {
      const { plan, fits } = autoSize(input, env.aks.autoSizing.families);
      nodePools.push(plan);
      if (!fits) checkAutoSizeFailure(env, plan, report);
      else checkCounts(env, plan, spec, report);
      continue;
    }
    const vm = vmSize(spec.vmSize);
    if (!vm) {
      const guess = closest(
        spec.vmSize,
        VM_SIZES.map((s) => s.name),
      );
      report(
        "error",
        ["aks", "nodePools", name, "vmSize"],
        `aks.nodePools.${name}.vmSize "${spec.vmSize}" is not in the planner's ` +
          `VM catalogue (Dsv5, Ddsv5, Dasv5, Esv5, Edsv5, Fsv2 at 2-32 vCPU), so ` +
          `its capacity cannot be proven` +
          `${guess ? `; did you mean "${guess}"?` : ""}`,
      );
      continue;
    }
    const plan = planPool(input, vm, { vmSize: false, count: spec.count === "auto" });
    nodePools.push(plan);
    checkOversizedPods(env, plan, demands, report);
    if (plan.unplaced.length === 0) checkCounts(env, plan, spec, report);
  }
  const data: DataSizing = { postgres: sizePostgres(env) };
  const es = sizeElasticsearch(env);
  if (es) data.elasticsearch = es;
  checkData(env, data, report);
  const sorted = sortDiagnostics(diagnostics);
  return {
    nodePools,
    components: componentPlans(env, demands, nodePools),
    fits: !hasErrors(sorted),
    diagnostics: sorted,
    data,
  };
}

function componentPlans(env: Environment, demands: readonly PodDemand[], pools: readonly PoolPlan[]): ComponentPlan[] {
  const workloads = pools.find((p) => p.name === "workloads");
  const nodeOf = new Map<string, number>();
  workloads?.nodes.forEach((n, i) => n.pods.forEach((pod) => nodeOf.set(pod, i)));
  const everyNode = pools.reduce((n, p) => n + p.nodesNeeded, 0);
  return env.components.map((c) => {
    const plans = c.enabled ? workloadsOf(c).map((w) => workloadPlan(c, w, demands, nodeOf, workloads, everyNode)) : [];
    return {
      component: c.key,
      displayName: c.displayName,
      enabled: c.enabled,
      workloads: plans,
      requested: sum(plans.map((w) => scale(w.request, w.replicas))),
    };
  });
}

function workloadPlan(
  c: ResolvedComponent,
  w: WorkloadSize,
  demands: readonly PodDemand[],
  nodeOf: ReadonlyMap<string, number>,
  workloads: PoolPlan | undefined,
  everyNode: number,
): WorkloadPlan {
  const request = requestOf(w);
  const daemon = w.kind === "DaemonSet";
  const mine = demands.filter((d) => d.component === c.key && d.workload === w.key);
  const plan: WorkloadPlan = {
    workload: w.key,
    displayName: w.displayName,
    kind: w.kind,
    pool: daemon ? "every" : "workloads",
    replicas: daemon ? everyNode : w.replicas,
    request,
    limit: limitOf(request),
    pods: mine.map((d) => {
      const name = podName(d);
      const node = nodeOf.get(name);
      const zone = node === undefined ? undefined : workloads?.nodes[node]?.zone;
      return { name, ...(node === undefined ? {} : { node }), ...(zone ? { zone } : {}) };
    }),
  };
  if (w.storage) plan.storageBytes = parseBytes(w.storage) ?? 0;
  if (mine[0]?.antiAffinity) plan.antiAffinity = mine[0].antiAffinity;
  return plan;
}
