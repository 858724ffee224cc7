// Storage and database sizing from the environment's optional `usage` figures. Each rule of
// thumb names its source; where no source gives a figure, the rule says it is ours.
import { PROFILES } from "../catalogue/profiles.js";
import { parseBytes } from "../config/quantity.js";
import type { Environment } from "../model/environment.js";
import { postgresDatabases } from "../model/postgres-databases.js";
import { GiB } from "./resources.js";

export interface ElasticsearchSizing {
  pods: number;
  /** Copies of each shard: the primary plus one replica when there is a second pod to hold it. */
  copies: number;
  datasourceGiB: number;
  logGiBPerDay: number;
  logRetentionDays: number;
  /** Primary data: datasources plus retained logs. */
  primaryGiB: number;
  /** Primary x copies x headroom, over all pods. */
  totalGiB: number;
  perPodGiB: number;
  configuredGiB: number;
}

export interface PostgresSizing {
  users: number;
  usersFrom: "usage.users" | "profile";
  /** Databases sharing the server. */
  databases: string[];
  tier: "Burstable" | "GeneralPurpose";
  sku: string;
  vCores: number;
  storageGb: number;
  configured: { tier: string; sku: string; storageGb: number };
}

export interface DataSizing {
  /** Absent when the environment gives neither datasource nor log volume. */
  elasticsearch?: ElasticsearchSizing;
  postgres: PostgresSizing;
}

/**
 * Elastic's sizing rule for logs and metrics ("Benchmarking and sizing your Elasticsearch
 * cluster for logs and metrics", elastic.co blog): total = raw per day x days retained x
 * (replicas + 1), storage = total x (1 + 0.15 disk watermark + 0.1 margin of error).
 */
export const ES_HEADROOM = 1.25;
/** When `logGbPerDay` is given without a retention. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

export function sizeElasticsearch(env: Environment): ElasticsearchSizing | undefined {
  const { datasourceGb, logGbPerDay } = env.usage;
  const es = env.components.find((c) => c.key === "elasticsearch");
  if (!es || (datasourceGb === undefined && logGbPerDay === undefined)) return undefined;
  const logRetentionDays = env.usage.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  // datasourceGb is the size of the datasource indices (vectors included), as Kibana's index
  // management shows it; logs are indexed at about their raw size (Elastic's rule above).
  const primaryGiB = (datasourceGb ?? 0) + (logGbPerDay ?? 0) * logRetentionDays;
  const pods = Math.max(1, es.replicas);
  const copies = pods > 1 ? 2 : 1; // the chart's one replica per shard; a lone pod cannot hold one
  const totalGiB = primaryGiB * copies * ES_HEADROOM;
  return {
    pods,
    copies,
    datasourceGiB: datasourceGb ?? 0,
    logGiBPerDay: logGbPerDay ?? 0,
    logRetentionDays,
    primaryGiB,
    totalGiB,
    perPodGiB: Math.ceil(totalGiB / pods),
    configuredGiB: (parseBytes(es.storage ?? "0") ?? 0) / GiB,
  };
}

/** Azure Database for PostgreSQL Flexible Server storage sizes (GiB). */
const PG_STORAGE_SIZES = [32, 64, 128, 256, 512, 1024, 2048, 4096];
const PG_VCORES = [2, 4, 8, 16, 32, 48, 64];

/**
 * - Storage: 30 GiB per 500 concurrent users, never below 30: the low end of the table's
 *   "30-50 GB" for its 500-user profile (codemie-platform.md §4.3); auto-grow covers the rest.
 *   Plus 1 GiB when Keycloak's database shares the server (the table's "Keycloak + DB: 1 GB").
 *   Rounded up to an Azure storage size.
 * - Compute: 2 vCores per 250 users, so the table's 500 users get the production profile's
 *   4-vCore General Purpose server. Our rule: no source gives a per-user figure (§1.3: "tier
 *   and version are not stated").
 * - Tier: Burstable (B2ms) only up to 100 users with at most one other database on the server
 *   (Keycloak §2.3, LiteLLM §2.6 each create their own database and connection pool there);
 *   Burstable CPU credits do not sustain several always-on pools. Our rule.
 */
export function sizePostgres(env: Environment): PostgresSizing {
  const users = env.usage.users ?? PROFILES[env.profile].users;
  const databases = postgresDatabases(env);
  const burstable = users <= 100 && databases.length <= 2;
  const perUsers = 2 * Math.ceil(users / 250);
  const vCores = burstable ? 2 : (PG_VCORES.find((v) => v >= perUsers) ?? PG_VCORES.at(-1)!);
  const dataGiB = 30 * Math.max(1, users / 500) + (env.keycloakDatabase === "managed" ? 1 : 0);
  return {
    users,
    usersFrom: env.usage.users === undefined ? "profile" : "usage.users",
    databases,
    tier: burstable ? "Burstable" : "GeneralPurpose",
    sku: burstable ? "Standard_B2ms" : `Standard_D${vCores}ds_v5`,
    vCores,
    storageGb: PG_STORAGE_SIZES.find((s) => s >= dataGiB) ?? PG_STORAGE_SIZES.at(-1)!,
    configured: { tier: env.postgres.tier, sku: env.postgres.sku, storageGb: env.postgres.storageGb },
  };
}

/** vCores of a Flexible Server SKU name: Standard_B2ms → 2, Standard_D4ds_v5 → 4. */
export function skuVCores(sku: string): number | undefined {
  const m = /^Standard_[A-Za-z]+?(\d+)/.exec(sku);
  return m ? Number(m[1]) : undefined;
}
