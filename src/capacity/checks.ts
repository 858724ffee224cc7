// The planner's findings as positioned diagnostics: pods no node can hold, pools whose counts
// are too low or far too high, and storage or database sizes below the usage figures.
import { formatBytes } from "../config/quantity.js";
import { parseCidr, usableAzureAddresses } from "../config/cidr.js";
import type { Severity } from "../config/diagnostics.js";
import type { Environment, NodePoolSpec } from "../model/environment.js";
import { skuVCores, type DataSizing } from "./data-sizing.js";
import { podName, workloadsOf } from "./demands.js";
import type { PodDemand, PoolPlan } from "./types.js";
import { alwaysOnNodes } from "./pool.js";

export type Path = (string | number)[];

/** `near`: where to point instead when `path` is not written in the file (it came from a default). */
export type Report = (severity: Severity, path: Path, message: string, near?: Path[]) => void;

/** Hours in an average month, for list-price figures. */
const HOURS_PER_MONTH = 730;

function cores(millicores: number): string {
  return `${+(millicores / 1000).toFixed(2)} CPU`;
}

function vmText(p: PoolPlan): string {
  return `a ${p.vmSize} node (${p.vcpu} vCPU, ${p.memoryGiB} GiB) in pool ${p.name}`;
}

function breakdown(p: PoolPlan): string {
  return `${p.nodesForPods} for pods + ${p.surge} surge${p.spare ? ` + ${p.spare} spare for N+1` : ""}`;
}

/** One error per workload whose pod is larger than what a node of the pool leaves for pods. */
export function checkOversizedPods(env: Environment, p: PoolPlan, demands: readonly PodDemand[], report: Report): void {
  const unplaced = new Set(p.unplaced);
  const room = {
    millicores: p.allocatable.millicores - p.daemonSets.millicores,
    bytes: p.allocatable.bytes - p.daemonSets.bytes,
  };
  const done = new Set<string>();
  for (const d of demands) {
    if (!unplaced.has(podName(d)) || done.has(d.workload)) continue;
    done.add(d.workload);
    const c = env.components.find((x) => x.key === d.component)!;
    const w = workloadsOf(c).find((x) => x.key === d.workload)!;
    // Name each dimension that does not fit: what the pod asks, what a node allocates, what is left.
    const over: [ask: string, allocatable: string, left: string][] = [];
    if (d.bytes > room.bytes)
      over.push([
        `${formatBytes(d.bytes)} memory`,
        `${formatBytes(p.allocatable.bytes)} memory`,
        formatBytes(room.bytes),
      ]);
    if (d.millicores > room.millicores)
      over.push([cores(d.millicores), cores(p.allocatable.millicores), cores(room.millicores)]);
    const field = [
      ...(w === c ? ["components", c.key] : ["components", c.key, "companion"]),
      d.bytes > room.bytes ? "memory" : "cpu",
    ];
    const list = (i: 0 | 1 | 2) => over.map((o) => o[i]).join(" and ");
    report(
      "error",
      field,
      `${w.displayName} pod ${podName(d)} requests ${list(0)}, but ${vmText(p)}` +
        ` allocates ${list(1)} to pods after AKS reservations and ${list(2)} ` +
        `after DaemonSets; use a larger aks.nodePools.${p.name}.vmSize or lower ` +
        `${field.join(".")}`,
      [["aks", "nodePools", p.name, "vmSize"], ["profile"]],
    );
  }
  for (const a of p.addOns) {
    if (!unplaced.has(`${a.name}-0`)) continue;
    report(
      "error",
      ["aks", "nodePools", p.name, "vmSize"],
      `add-on pod ${a.name} requests ${formatBytes(a.bytes)} memory and ` +
        `${cores(a.millicores)}, more than ${vmText(p)} leaves after AKS ` +
        `reservations and DaemonSets (${formatBytes(room.bytes)}, ` +
        `${cores(room.millicores)}); use a larger aks.nodePools.${p.name}.vmSize`,
      [["profile"]],
    );
  }
}

export function checkAutoSizeFailure(env: Environment, p: PoolPlan, report: Report): void {
  const families = env.aks.autoSizing.families.join(", ");
  const why =
    p.unplaced.length > 0
      ? `pod ${p.unplaced[0]} does not fit even the largest, ${p.vmSize}`
      : `every size needs more than maxCount ${p.maxCount} nodes (the largest, ` +
        `${p.vmSize}, needs ${p.nodesNeeded}: ${breakdown(p)})`;
  report(
    "error",
    ["aks", "nodePools", p.name, "vmSize"],
    `aks.nodePools.${p.name}.vmSize is auto but no size of aks.autoSizing.families (${families}) fits: ${why}`,
  );
}

/** Counts against what the plan needs: too few is an error, far too many a warning. */
export function checkCounts(env: Environment, p: PoolPlan, spec: NodePoolSpec, report: Report): void {
  const path = ["aks", "nodePools", p.name];
  const name = `aks.nodePools.${p.name}`;
  if (typeof spec.count === "number" && spec.count < p.nodesNeeded) {
    report(
      "error",
      [...path, "count"],
      `${name}.count ${spec.count} is below the ${p.nodesNeeded} nodes the ` +
        `plan needs (${breakdown(p)}); set it to ${p.nodesNeeded} or choose a ` +
        `larger vmSize`,
    );
  }
  if (spec.count === undefined && spec.maxCount < p.nodesNeeded) {
    report(
      "error",
      [...path, "maxCount"],
      `${name}.maxCount ${spec.maxCount} is below the ${p.nodesNeeded} nodes ` +
        `the plan needs (${breakdown(p)}); raise it to ${p.nodesNeeded} or ` +
        `choose a larger vmSize`,
      [[...path, "vmSize"], path, ["profile"]],
    );
  }
  const on = alwaysOnNodes(p);
  const idle = on - p.nodesNeeded;
  if (spec.count !== "auto" && idle >= 2 && on * 2 > p.nodesNeeded * 3) {
    const field = spec.count === undefined ? "minCount" : "count";
    const monthly = Math.round(idle * p.hourlyUsd * HOURS_PER_MONTH).toLocaleString("en-US");
    report(
      "warning",
      [...path, field],
      `${name}.${field} ${on} keeps ${on} nodes running where the plan needs ` +
        `${p.nodesNeeded} (${breakdown(p)}): ${idle} idle ${p.vmSize} nodes, ` +
        `${Math.round((idle / p.nodesNeeded) * 100)}% over, about $${monthly} a ` +
        `month at East US list price`,
      [[...path, "vmSize"], path, ["profile"]],
    );
  }
  if (spec.count === "auto") checkSubnet(env, p, report);
}

/** With `count: auto` the schema-level subnet check saw maxCount, not the planned count. */
function checkSubnet(env: Environment, p: PoolPlan, report: Report): void {
  const cidr = parseCidr(env.network.subnets[p.name]);
  if (typeof cidr === "string") return; // reported by the semantic checks
  const need = p.nodesNeeded + 1 + (p.name === "workloads" ? 1 : 0);
  if (usableAzureAddresses(cidr) < need) {
    report(
      "error",
      ["network", "subnets", p.name],
      `network.subnets.${p.name} ${cidr.text} has ${usableAzureAddresses(cidr)}` +
        ` usable addresses (Azure reserves 5); the planned ${p.nodesNeeded} ` +
        `nodes, one upgrade surge node` +
        `${p.name === "workloads" ? " and the internal load balancer" : ""} need ` +
        `${need}`,
    );
  }
}

export function checkData(env: Environment, data: DataSizing, report: Report): void {
  const es = data.elasticsearch;
  if (es && es.configuredGiB < es.perPodGiB) {
    const storage = env.components.find((c) => c.key === "elasticsearch")!.storage;
    report(
      "warning",
      ["components", "elasticsearch", "storage"],
      `components.elasticsearch.storage ${storage} is below the ${es.perPodGiB}` +
        `Gi per pod the usage figures need: (${es.datasourceGiB} GiB of ` +
        `datasource indices + ${es.logGiBPerDay} GiB/day of logs x ` +
        `${es.logRetentionDays} days) x ${es.copies} copies x 1.25 headroom / ` +
        `${es.pods} pods; raise it to ${es.perPodGiB}Gi`,
      [["usage"]],
    );
  }
  const pg = data.postgres;
  const who =
    `${pg.users} concurrent users` +
    `${pg.usersFrom === "profile" ? ` (the ${env.profile} profile's figure; set usage.users)` : ""}`;
  if (pg.configured.storageGb < pg.storageGb) {
    report(
      "warning",
      ["postgres", "storageGb"],
      `postgres.storageGb ${pg.configured.storageGb} is below the ` +
        `${pg.storageGb} GiB recommended for ${who}` +
        `${pg.databases.includes("keycloak") ? " and Keycloak's database" : ""} ` +
        `(30 GiB per 500 users, at least 30, rounded up to an Azure storage size)`,
      [["postgres"], ["usage", "users"], ["profile"]],
    );
  }
  if (pg.configured.tier === "Burstable" && pg.tier !== "Burstable") {
    report(
      "warning",
      ["postgres", "tier"],
      `postgres.tier Burstable is below the GeneralPurpose tier recommended ` +
        `for ${who} with ${pg.databases.length} databases on the server (` +
        `${pg.databases.join(", ")}); Burstable suits up to 100 users and one ` +
        `other database, e.g. use ${pg.sku}`,
      [["postgres"], ["usage", "users"], ["profile"]],
    );
  } else if ((skuVCores(pg.configured.sku) ?? Infinity) < pg.vCores) {
    report(
      "warning",
      ["postgres", "sku"],
      `postgres.sku ${pg.configured.sku} has ${skuVCores(pg.configured.sku)} ` +
        `vCores; ${who} need ${pg.vCores} (2 per 250 users), e.g. ${pg.sku}`,
      [["postgres"], ["usage", "users"], ["profile"]],
    );
  }
}
