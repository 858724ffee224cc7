// The monthly cost of an environment from its resolved model and capacity plan: node pools at the
// planned count and at the autoscaler's maximum, OS disks, persistent volumes by storage class,
// PostgreSQL (compute, storage, HA standby, geo-redundant backup), NAT gateway and public IPs, the
// Application Gateway WAF and the managed Azure Firewall, the AKS tier, and the Azure OpenAI
// deployments (billed per token, listed at no cost). List prices (price-list.ts) times the region's
// factor, 730 hours a month. Usage-billed meters (traffic, tokens, log ingestion) are named, not guessed.
import type { CapacityPlan, PoolPlan } from "../capacity/plan.js";
import { STORAGE_CLASS } from "../catalogue/platform.js";
import { VM_SIZES } from "../catalogue/vm-sizes.js";
import { skuVCores } from "../capacity/data-sizing.js";
import type { Environment } from "../model/environment.js";
import { PRICE_LIST, type PriceList } from "./price-list.js";
import { behindGateway, publicLoadBalancer } from "../config/app-gateway.js";
import { wafOf } from "../model/resolve.js";

export const HOURS_PER_MONTH = 730;
/** AKS's default OS disk when the node has no room for an ephemeral one. */
const OS_DISK_GIB = 128;
/** The StorageClasses the tree creates, and the disk SKU each provisions. */
const STORAGE_CLASS_SKUS: Record<string, "Premium_LRS"> = { [STORAGE_CLASS]: "Premium_LRS" };
/** Capacity units an Application Gateway v2 instance reserves (Azure's "understanding pricing"). */
const CAPACITY_UNITS_PER_INSTANCE = 10;

export type CostCategory = "compute" | "storage" | "database" | "network" | "cluster" | "ai";

export interface CostLine {
  /** Stable across versions of the file, to compare a base with a head. */
  key: string;
  category: CostCategory;
  /** "workloads pool", "Elasticsearch data disks". */
  label: string;
  quantity: number;
  /** What one unit is: "Standard_E8ds_v5 node", "P20 disk (512 GiB, codemie-premium)". */
  unit: string;
  /** USD a month per unit, region factor applied. */
  unitMonthly: number;
  monthly: number;
  /** Lines that grow with the autoscaler: the quantity and cost at every pool's maximum. */
  atMaximum?: { quantity: number; monthly: number };
  note?: string;
}

export interface CostEstimate {
  environment: string;
  region: string;
  regionFactor: number;
  /** Why the factor is what it is (a region without a recorded factor gets the base region's prices). */
  regionNote?: string;
  currency: "USD";
  prices: { source: string; retrieved: string; baseRegion: string };
  lines: CostLine[];
  monthly: number;
  monthlyAtMaximum: number;
  /** Costs that depend on usage and are not in the total. */
  notEstimated: string[];
}

const cents = (n: number): number => Math.round(n * 100) / 100;
/** Per-GiB prices are fractions of a cent apart: kept to four places so quantity × unit adds up. */
const unitPrice = (n: number): number => Math.round(n * 10_000) / 10_000;

function line(
  key: string,
  category: CostCategory,
  label: string,
  quantity: number,
  unit: string,
  unitMonthly: number,
  extra: Partial<CostLine> = {},
): CostLine {
  return {
    key,
    category,
    label,
    quantity,
    unit,
    unitMonthly: unitPrice(unitMonthly),
    monthly: cents(quantity * unitMonthly),
    ...extra,
  };
}

/** The node count the pool runs at: the fixed count, or what the planner needs within the autoscaler's bounds. */
export function plannedCount(p: PoolPlan): number {
  return p.fixedCount ?? Math.min(p.maxCount, Math.max(p.minCount, p.nodesNeeded));
}

/**
 * AKS puts the OS disk on the VM's temp disk (free) when it holds the default size; Ddsv5/Edsv5 with 4+ vCPU do (150
 * GiB+).
 */
function ephemeralOs(vmSize: string): boolean {
  const vm = VM_SIZES.find((v) => v.name === vmSize);
  return vm !== undefined && (vm.family === "Ddsv5" || vm.family === "Edsv5") && vm.vcpu >= 4;
}

function premiumTier(prices: PriceList, gib: number): { tier: string; gib: number; usd: number } {
  const tiers = prices.premiumSsdMonthly;
  return tiers.find((t) => t.gib >= gib) ?? tiers[tiers.length - 1]!;
}

function poolLines(capacity: CapacityPlan, prices: PriceList, factor: number): CostLine[] {
  const lines: CostLine[] = [];
  for (const p of capacity.nodePools) {
    const planned = plannedCount(p);
    const nodeMonthly = p.hourlyUsd * HOURS_PER_MONTH * factor;
    // Only a pool the autoscaler can grow beyond its planned count has a maximum worth showing.
    const autoscaled = p.fixedCount === undefined && p.maxCount > planned;
    lines.push(
      line(`pool:${p.name}`, "compute", `${p.name} pool`, planned, p.vmSize, nodeMonthly, {
        ...(autoscaled ? { atMaximum: { quantity: p.maxCount, monthly: cents(p.maxCount * nodeMonthly) } } : {}),
        ...(autoscaled ? { note: `autoscaling ${p.minCount}-${p.maxCount}` } : {}),
      }),
    );
    if (!ephemeralOs(p.vmSize)) {
      const disk = premiumTier(prices, OS_DISK_GIB);
      const unitMonthly = disk.usd * factor;
      lines.push(
        line(
          `osdisk:${p.name}`,
          "storage",
          `${p.name} pool OS disks`,
          planned,
          `${disk.tier} disk (${OS_DISK_GIB} GiB)`,
          unitMonthly,
          autoscaled ? { atMaximum: { quantity: p.maxCount, monthly: cents(p.maxCount * unitMonthly) } } : {},
        ),
      );
    }
  }
  return lines;
}

function volumeLines(capacity: CapacityPlan, prices: PriceList, factor: number): CostLine[] {
  const lines: CostLine[] = [];
  for (const component of capacity.components.filter((c) => c.enabled)) {
    for (const w of component.workloads) {
      if (!w.storageBytes || w.replicas === 0) continue;
      const gib = Math.ceil(w.storageBytes / 2 ** 30);
      const sku = STORAGE_CLASS_SKUS[STORAGE_CLASS];
      const disk = premiumTier(prices, gib);
      lines.push(
        line(
          `pvc:${w.workload}`,
          "storage",
          `${w.displayName} volumes`,
          w.replicas,
          `${disk.tier} disk (${gib} GiB, ${STORAGE_CLASS}, ${sku})`,
          disk.usd * factor,
        ),
      );
    }
  }
  return lines;
}

function postgresLines(env: Environment, prices: PriceList, factor: number): CostLine[] {
  const pg = env.postgres;
  const hourly =
    pg.tier === "Burstable"
      ? prices.postgres.burstableHourly[pg.sku]
      : (skuVCores(pg.sku) ?? 0) * prices.postgres.vCoreHourly[pg.tier];
  const compute = (hourly ?? 0) * HOURS_PER_MONTH * factor;
  const storage = prices.postgres.storageGibMonthly * factor;
  const lines = [
    line(
      "postgres:compute",
      "database",
      "PostgreSQL compute",
      1,
      `${pg.sku} (${pg.tier})`,
      compute,
      hourly === undefined ? { note: `no price recorded for ${pg.sku}` } : {},
    ),
    line("postgres:storage", "database", "PostgreSQL storage", pg.storageGb, "GiB", storage),
  ];
  if (pg.highAvailability !== "Disabled") {
    lines.push(
      line(
        "postgres:ha-compute",
        "database",
        `PostgreSQL HA standby (${pg.highAvailability})`,
        1,
        `${pg.sku} (${pg.tier})`,
        compute,
      ),
      line("postgres:ha-storage", "database", "PostgreSQL HA standby storage", pg.storageGb, "GiB", storage),
    );
  }
  // Backups up to the provisioned size are free; a geo-redundant copy of them is not.
  if (pg.geoRedundantBackup)
    lines.push(
      line(
        "postgres:geo-backup",
        "database",
        `PostgreSQL geo-redundant backup (${pg.backupRetentionDays} days)`,
        pg.storageGb,
        "GiB",
        prices.postgres.geoBackupGibMonthly * factor,
      ),
    );
  return lines;
}

function networkLines(env: Environment, prices: PriceList, factor: number): CostLine[] {
  const ip = prices.network.publicIpStaticHourly * HOURS_PER_MONTH * factor;
  const lines = [
    line(
      "nat:gateway",
      "network",
      "NAT gateway",
      1,
      "gateway",
      prices.network.natGatewayHourly * HOURS_PER_MONTH * factor,
      { note: "plus $0.045 per GB processed" },
    ),
    line("nat:ip", "network", "NAT gateway public IP", 1, "Standard static IPv4", ip),
  ];
  // Behind the WAF ingress-nginx's load balancer is internal; the gateway has a public IP of its own
  // even with internal listeners (config/app-gateway.ts).
  if (publicLoadBalancer(env))
    lines.push(line("ingress:ip", "network", "Ingress public IP", 1, "Standard static IPv4", ip));
  if (behindGateway(env)) lines.push(...gatewayLines(env, prices, factor), gatewayIp(ip));
  const firewall = env.network.egressFirewall;
  if (firewall.mode === "managed")
    lines.push(
      line(
        "firewall",
        "network",
        `Azure Firewall (${firewall.sku})`,
        1,
        "firewall",
        prices.firewallHourly[firewall.sku] * HOURS_PER_MONTH * factor,
        { note: "plus data processed per GB" },
      ),
      line("firewall:ip", "network", "Azure Firewall public IP", 1, "Standard static IPv4", ip),
    );
  return lines;
}

const gatewayIp = (ip: number): CostLine =>
  line("waf:ip", "network", "Application Gateway public IP", 1, "Standard static IPv4", ip);

/** WAF_v2: the gateway's fixed hours, and the capacity units its autoscale minimum reserves (10 per instance). */
function gatewayLines(env: Environment, prices: PriceList, factor: number): CostLine[] {
  const waf = wafOf(env);
  const unitMonthly = prices.appGatewayWaf.capacityUnitHourly * HOURS_PER_MONTH * factor;
  const reserved = waf.minCapacity * CAPACITY_UNITS_PER_INSTANCE;
  const atMost = waf.maxCapacity * CAPACITY_UNITS_PER_INSTANCE;
  return [
    line(
      "waf:gateway",
      "network",
      "Application Gateway WAF_v2",
      1,
      "gateway",
      prices.appGatewayWaf.fixedHourly * HOURS_PER_MONTH * factor,
    ),
    line("waf:capacity", "network", "Application Gateway capacity units", reserved, "capacity unit", unitMonthly, {
      note: `reserved by ${waf.minCapacity} instance(s); autoscaling ${waf.minCapacity}-${waf.maxCapacity}`,
      ...(atMost > reserved ? { atMaximum: { quantity: atMost, monthly: cents(atMost * unitMonthly) } } : {}),
    }),
  ];
}

/** Standard deployments are billed per token: listed with their quota so the reviewer sees them, priced at nothing. */
function openAiLines(env: Environment): CostLine[] {
  if (!env.openai.enabled) return [];
  return env.openai.deployments.map((d) =>
    line(`openai:${d.name}`, "ai", `Azure OpenAI ${d.name}`, d.capacity, `thousand tokens/minute quota (${d.sku})`, 0, {
      note: "billed per token: not estimated",
    }),
  );
}

export function estimateCost(env: Environment, capacity: CapacityPlan, prices: PriceList = PRICE_LIST): CostEstimate {
  const region = env.azure.location.toLowerCase();
  const recorded = (prices.regionFactors as Record<string, number>)[region];
  const factor = recorded ?? 1;
  const lines = [
    ...poolLines(capacity, prices, factor),
    ...(env.production
      ? [
          line(
            "aks:tier",
            "cluster",
            "AKS Standard tier",
            1,
            "cluster",
            prices.aksStandardTierHourly * HOURS_PER_MONTH * factor,
          ),
        ]
      : []),
    ...volumeLines(capacity, prices, factor),
    ...postgresLines(env, prices, factor),
    ...networkLines(env, prices, factor),
    ...openAiLines(env),
  ];
  const monthly = cents(lines.reduce((sum, l) => sum + l.monthly, 0));
  const monthlyAtMaximum = cents(lines.reduce((sum, l) => sum + (l.atMaximum?.monthly ?? l.monthly), 0));
  return {
    environment: env.name,
    region,
    regionFactor: factor,
    ...(recorded === undefined ? { regionNote: `no factor recorded for ${region}: ${prices.baseRegion} prices` } : {}),
    currency: "USD",
    prices: { source: prices.source, retrieved: prices.retrieved, baseRegion: prices.baseRegion },
    lines,
    monthly,
    monthlyAtMaximum,
    notEstimated: [
      "NAT gateway and load balancer traffic (per GB)",
      ...(env.network.egressFirewall.mode === "managed" ? ["Azure Firewall data processed (per GB)"] : []),
      ...(behindGateway(env) ? ["Application Gateway capacity units used beyond the reserved ones (per hour)"] : []),
      "Log Analytics ingestion and retention (per GB)",
      ...(env.openai.enabled ? ["Azure OpenAI tokens of Standard deployments"] : []),
      "Key Vault and Storage operations",
    ],
  };
}
