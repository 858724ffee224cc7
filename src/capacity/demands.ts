// What the environment asks of the cluster: one demand per CodeMie pod (requests as resolved
// from the table, the profile and the file), the per-node DaemonSet load, and the add-on pods.
import { component } from "../catalogue/components.js";
import type { Environment, ResolvedComponent, WorkloadSize } from "../model/environment.js";
import { parseBytes, parseMillicores } from "../config/quantity.js";
import { AKS_DAEMONSETS, type AddOn } from "./cluster-addons.js";
import type { Item } from "./bin-packing.js";
import type { PodDemand } from "./types.js";
import type { Resources } from "./resources.js";
import { HARD_ANTI_AFFINITY } from "./scheduling.js";

export function requestOf(w: WorkloadSize): Resources {
  return { millicores: parseMillicores(w.cpu) ?? 0, bytes: parseBytes(w.memory) ?? 0 };
}

/** The component's own workload and its companion ("+ DB"), when it has one. */
export function workloadsOf(c: ResolvedComponent): WorkloadSize[] {
  return c.companion ? [c, c.companion] : [c];
}

/** Every pod of every enabled component except DaemonSets, in catalogue order. */
export function podDemands(env: Environment): PodDemand[] {
  const out: PodDemand[] = [];
  for (const c of env.components) {
    if (!c.enabled || c.kind === "DaemonSet") continue;
    for (const w of workloadsOf(c)) {
      const need = requestOf(w);
      for (let index = 0; index < w.replicas; index++) {
        const d: PodDemand = {
          component: c.key,
          workload: w.key,
          index,
          millicores: need.millicores,
          bytes: need.bytes,
        };
        if (HARD_ANTI_AFFINITY.has(w.key)) d.antiAffinity = w.key;
        out.push(d);
      }
    }
  }
  return out;
}

export function podName(d: PodDemand): string {
  return `${d.workload}-${d.index}`;
}

/** The DaemonSets on every node: AKS's own plus Fluent Bit when enabled. */
export function daemonSets(env: Environment): AddOn[] {
  const fluentBit = env.components.find((c) => c.kind === "DaemonSet" && c.enabled);
  if (!fluentBit) return [...AKS_DAEMONSETS];
  return [
    ...AKS_DAEMONSETS,
    {
      name: component(fluentBit.key).release ?? fluentBit.key,
      replicas: 1,
      request: requestOf(fluentBit),
      source: "resource table",
    },
  ];
}

export function addOnItems(addOns: readonly AddOn[]): Item[] {
  return addOns.flatMap((a) =>
    Array.from({ length: a.replicas }, (_, i) => ({ id: `${a.name}-${i}`, need: a.request })),
  );
}

export function demandItems(demands: readonly PodDemand[]): Item[] {
  return demands.map((d) => {
    const item: Item = { id: podName(d), need: { millicores: d.millicores, bytes: d.bytes } };
    if (d.antiAffinity) item.antiAffinity = d.antiAffinity;
    return item;
  });
}
