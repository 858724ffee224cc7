// `codemie-gitops capacity --env NAME [--json]`: the capacity plan as terminal tables, or as
// JSON for tools. Exit 1 when the environment does not fit (or does not load).
import { UsageError } from "../adapters/environment-files.js";
import { environmentCapacity } from "../app/capacity.js";
import { workspaceFiles } from "../app/environment-files.js";
import type { CapacityPlan, PoolPlan } from "../capacity/plan.js";
import { utilisation } from "../capacity/pool.js";
import { CPU_LIMIT } from "../capacity/limits.js";
import { formatDiagnostic } from "../config/diagnostics.js";
import { formatBytes } from "../config/quantity.js";
import type { Io } from "./io.js";

export interface CapacityOptions {
  env?: string;
  files: string[];
  json: boolean;
}

export async function capacityCommand(opts: CapacityOptions, io: Io): Promise<number> {
  if (opts.env === undefined && opts.files.length !== 1)
    throw new UsageError("capacity plans one environment: give --env NAME or one FILE");
  const files = workspaceFiles(io.cwd);
  const { file, capacity, diagnostics, fits } = await environmentCapacity(
    opts.env !== undefined ? files.pathOf(opts.env) : io.resolve(opts.files[0]!),
    files,
  );
  if (opts.json) {
    io.out(
      JSON.stringify(
        {
          components: capacity?.components ?? [],
          nodePools: capacity?.nodePools ?? [],
          fits,
          diagnostics,
          ...(capacity ? { data: capacity.data } : {}),
        },
        null,
        2,
      ),
    );
  } else {
    for (const d of diagnostics) io.err(formatDiagnostic(d));
    if (capacity) io.out(report(file, capacity));
  }
  return fits ? 0 : 1;
}

function report(file: string, plan: CapacityPlan): string {
  const lines = [
    `${file}: ${plan.fits ? "fits" : "does NOT fit"}`,
    "",
    "Node pools",
    ...table(poolRows(plan.nodePools)),
  ];
  for (const p of plan.nodePools) {
    lines.push(
      "",
      `${p.name}: per node ${cpu(p.allocatable.millicores)} CPU / ` +
        `${formatBytes(p.allocatable.bytes)} allocatable, DaemonSets ` +
        `${cpu(p.daemonSets.millicores)} / ${formatBytes(p.daemonSets.bytes)} (` +
        `${p.daemonSetPods.map((d) => d.name).join(", ")})`,
    );
    p.nodes.forEach((n, i) => lines.push(`  node ${i}${n.zone ? ` (zone ${n.zone})` : ""}: ${n.pods.join(", ")}`));
    for (let i = p.nodes.length; i < p.nodesNeeded; i++)
      lines.push(
        `  node ${i}` +
          `${p.zones.length ? ` (zone ${p.zones[i % p.zones.length]})` : ""}: ` +
          `empty (${i < p.nodesForPods + p.surge ? "surge" : "spare"})`,
      );
    if (p.unplaced.length) lines.push(`  fits no node: ${p.unplaced.join(", ")}`);
  }
  const cpuLimit = `CPU limit = ${CPU_LIMIT.perRequest} × request, at least ${cpu(CPU_LIMIT.floorMillicores)}`;
  lines.push("", `Components (requests; memory limit = request, ${cpuLimit})`, ...table(componentRows(plan)));
  lines.push("", "Data", ...dataLines(plan));
  return lines.join("\n");
}

function poolRows(pools: readonly PoolPlan[]): string[][] {
  const rows = [
    ["POOL", "VM SIZE", "NODES NEEDED", "CONFIGURED", "CPU REQUESTED / ALLOCATABLE", "MEMORY REQUESTED / ALLOCATABLE"],
  ];
  for (const p of pools) {
    const u = utilisation(p);
    rows.push([
      p.name,
      `${p.vmSize}${p.autoSized.vmSize ? " (auto)" : ""} ${p.vcpu} vCPU ${p.memoryGiB} GiB`,
      `${p.nodesNeeded} = ${p.nodesForPods} + ${p.surge} surge${p.spare ? ` + ${p.spare} spare` : ""}`,
      p.fixedCount !== undefined
        ? `${p.fixedCount} fixed${p.autoSized.count ? " (auto)" : ""}`
        : `${p.minCount}-${p.maxCount} autoscaled`,
      `${bar(u.requested.millicores, u.allocatable.millicores)} ` +
        `${cpu(u.requested.millicores)} / ${cpu(u.allocatable.millicores)}`,
      `${bar(u.requested.bytes, u.allocatable.bytes)} ${gib(u.requested.bytes)} / ${gib(u.allocatable.bytes)}`,
    ]);
  }
  return rows;
}

function componentRows(plan: CapacityPlan): string[][] {
  const rows = [["COMPONENT", "WORKLOAD", "KIND", "PODS", "CPU/POD", "MEMORY/POD", "STORAGE/POD", "NODES"]];
  for (const c of plan.components) {
    if (!c.enabled) {
      rows.push([c.displayName, "disabled", "", "", "", "", "", ""]);
      continue;
    }
    for (const w of c.workloads) {
      const nodes =
        w.kind === "DaemonSet"
          ? "every node"
          : w.pods.map((p) => (p.node === undefined ? "none" : String(p.node))).join(", ");
      rows.push([
        c.displayName,
        w.displayName,
        w.kind,
        String(w.replicas),
        cpu(w.request.millicores),
        formatBytes(w.request.bytes),
        w.storageBytes ? formatBytes(w.storageBytes) : "–",
        nodes,
      ]);
    }
  }
  return rows;
}

function dataLines(plan: CapacityPlan): string[] {
  const es = plan.data.elasticsearch;
  const pg = plan.data.postgres;
  return [
    es
      ? `  Elasticsearch: ${es.perPodGiB}Gi per pod needed, ${es.configuredGiB}` +
        `Gi configured: (${es.datasourceGiB} GiB datasources + ${es.logGiBPerDay}` +
        ` GiB/day x ${es.logRetentionDays} days of logs) x ${es.copies} copies x ` +
        `1.25 headroom / ${es.pods} pods`
      : "  Elasticsearch: no usage.datasourceGb or usage.logGbPerDay given; storage not estimated",
    `  PostgreSQL: ${pg.tier} ${pg.sku}, ${pg.storageGb} GiB recommended for ` +
      `${pg.users} users (${pg.usersFrom}), databases ` +
      `${pg.databases.join(", ")}; configured ${pg.configured.tier} ` +
      `${pg.configured.sku}, ${pg.configured.storageGb} GiB`,
  ];
}

const BAR_WIDTH = 20;

/** "[██████░░░░]  55%": the share of `total` that `used` takes. */
function bar(used: number, total: number): string {
  const share = total > 0 ? used / total : 1;
  const filled = Math.min(BAR_WIDTH, Math.round(share * BAR_WIDTH));
  return `[${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${String(Math.round(share * 100)).padStart(3)}%`;
}

function cpu(millicores: number): string {
  return String(+(millicores / 1000).toFixed(2));
}

function gib(bytes: number): string {
  return `${+(bytes / 2 ** 30).toFixed(1)}Gi`;
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
}
