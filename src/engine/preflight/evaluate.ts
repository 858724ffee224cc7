// The preflight's judgement: what the environment needs against what Azure has, as findings at
// the environment field to change. Pure; every message names what Azure has and what would work.
import { VM_SIZES } from "../../catalogue/vm-sizes.js";
import type { Environment } from "../../model/environment.js";
import { flowLogName, vnetId } from "../../model/resource-ids.js";
import { checkCertificate, checkGatewayCertificate } from "./certificate.js";
import type { KubernetesVersionFacts, PostgresFacts, PreflightFacts, Usage, VmSkuFacts } from "./facts.js";
import type { Finding } from "./finding.js";
import type { FieldPath, PoolNeed, PreflightNeeds } from "./needs.js";

/** Quota use after the deploy above this share is worth a warning. */
export const QUOTA_WARNING_SHARE = 0.8;

const same = (a: string | undefined, b: string | undefined): boolean =>
  (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
const list = (items: readonly string[], none = "none"): string => (items.length === 0 ? none : items.join(", "));
const pct = (n: number): string => `${Math.round(n * 100)}%`;
/** "Standard EDSv5 Family vCPUs" → "Standard EDSv5 Family". */
const quotaName = (u: Usage): string => u.label.replace(/ vCPUs$/, "");

export function evaluatePreflight(env: Environment, needs: PreflightNeeds, facts: PreflightFacts): Finding[] {
  return [
    ...checkProviders(needs, facts),
    ...checkVmSizes(env, needs, facts),
    ...checkVcpuQuota(env, needs, facts),
    ...checkKubernetesVersion(env, facts.kubernetesVersions),
    ...checkPostgres(env, facts.postgres),
    ...checkOpenAi(env, facts),
    ...checkNetworkWatcher(env, facts),
    ...checkOperatorSecrets(env, needs, facts.vault),
  ];
}

function checkProviders(needs: PreflightNeeds, facts: PreflightFacts): Finding[] {
  return needs.providers.flatMap((namespace) => {
    const state = facts.providers[namespace] ?? "NotRegistered";
    if (same(state, "Registered")) return [];
    return [
      {
        severity: "error" as const,
        path: ["azure", "subscriptionId"],
        message:
          `resource provider ${namespace} is ${state} in subscription ` +
          `${facts.subscriptionId}, and the templates deploy its resources; ` +
          `register it (az provider register --namespace ${namespace} ` +
          `--subscription ${facts.subscriptionId}) and run again`,
      },
    ];
  });
}

const skuOf = (facts: PreflightFacts, vmSize: string): VmSkuFacts | undefined =>
  facts.compute.skus.find((s) => same(s.name, vmSize));
const blockedForSubscription = (s: VmSkuFacts): boolean => s.restrictions.some((r) => r.type === "Location");
const blockedZones = (s: VmSkuFacts): Set<string> =>
  new Set(s.restrictions.filter((r) => r.type === "Zone").flatMap((r) => r.zones));

/** Catalogue sizes this subscription may use in the region (and requested zones), for "choose …" hints. */
function usableSizes(facts: PreflightFacts, zones: readonly string[], vcpu?: number): string[] {
  return VM_SIZES.filter((size) => vcpu === undefined || size.vcpu === vcpu)
    .filter((size) => {
      const sku = skuOf(facts, size.name);
      if (!sku || blockedForSubscription(sku)) return false;
      const blocked = blockedZones(sku);
      return zones.every((z) => sku.zones.includes(z) && !blocked.has(z));
    })
    .map((s) => s.name);
}

function checkVmSizes(env: Environment, needs: PreflightNeeds, facts: PreflightFacts): Finding[] {
  const out: Finding[] = [];
  const zones = env.aks.zones;
  for (const pool of needs.pools) {
    const field: FieldPath = ["aks", "nodePools", pool.name, "vmSize"];
    const sku = skuOf(facts, pool.vmSize);
    const alternatives = `choose one of ${list(usableSizes(facts, zones, pool.vcpu).slice(0, 6))}`;
    if (!sku) {
      out.push({
        severity: "error",
        path: field,
        message: `VM size ${pool.vmSize} of the ${pool.name} pool is not offered in ${facts.location}; ${alternatives}`,
      });
      continue;
    }
    const location = sku.restrictions.find((r) => r.type === "Location");
    if (location) {
      out.push({
        severity: "error",
        path: field,
        message:
          `VM size ${pool.vmSize} of the ${pool.name} pool is restricted for ` +
          `subscription ${facts.subscriptionId} in ${facts.location} (` +
          `${location.reasonCode ?? "restricted"}); ${alternatives}, or ask Azure ` +
          `support to lift the restriction`,
      });
      continue;
    }
    const blocked = blockedZones(sku);
    const missing = zones.filter((z) => !sku.zones.includes(z) || blocked.has(z));
    if (missing.length > 0) {
      const offered = sku.zones.filter((z) => !blocked.has(z)).sort();
      out.push({
        severity: "error",
        path: ["aks", "zones"],
        message:
          `VM size ${pool.vmSize} of the ${pool.name} pool is not available to ` +
          `this subscription in zone ${list(missing)} of ${facts.location} ` +
          `(available in zones ${list(offered)}); set aks.zones to ` +
          `${offered.length > 0 ? `[${offered.join(", ")}]` : "[]"} or ` +
          `${alternatives}`,
      });
    }
  }
  return out;
}

/** vCPUs per node: Azure's SKU list when it says, else the catalogue's. */
const vcpuOf = (facts: PreflightFacts, vmSize: string, fallback: number): number =>
  skuOf(facts, vmSize)?.vcpus ?? fallback;

function checkVcpuQuota(env: Environment, needs: PreflightNeeds, facts: PreflightFacts): Finding[] {
  const usage = (name: string | undefined): Usage | undefined => facts.compute.usages.find((u) => same(u.name, name));
  const running = (match: (vmSize: string) => boolean): number =>
    facts.runningNodes.filter((n) => match(n.vmSize)).reduce((sum, n) => sum + n.count * vcpuOf(facts, n.vmSize, 0), 0);
  const nodes = (p: PoolNeed): number => p.maxCount + p.surge;
  const vcpus = (p: PoolNeed): number => nodes(p) * vcpuOf(facts, p.vmSize, p.vcpu);
  const describe = (pools: PoolNeed[]): string =>
    pools
      .map(
        (p) =>
          `the ${p.name} pool needs ${vcpus(p)} at ${nodes(p)} nodes (${p.maxCount}` +
          ` at most plus ${p.surge} upgrade surge)`,
      )
      .join(" and ");

  const groups: { quota: Usage; pools: PoolNeed[]; freed: number }[] = [];
  const families = new Map<string, PoolNeed[]>();
  for (const pool of needs.pools) {
    const family = skuOf(facts, pool.vmSize)?.family;
    if (family) families.set(family.toLowerCase(), [...(families.get(family.toLowerCase()) ?? []), pool]);
  }
  for (const [family, pools] of families) {
    const quota = usage(family);
    if (quota) groups.push({ quota, pools, freed: running((size) => same(skuOf(facts, size)?.family, family)) });
  }
  const total = usage("cores");
  if (total) groups.push({ quota: total, pools: needs.pools, freed: running(() => true) });

  const out: Finding[] = [];
  for (const { quota, pools, freed } of groups) {
    const need = pools.reduce((sum, p) => sum + vcpus(p), 0);
    // The cluster's own nodes are in `current` today and are replaced, not added to.
    const others = Math.max(0, quota.current - freed);
    const largest = pools.reduce((a, b) => (vcpus(b) > vcpus(a) ? b : a));
    const field: FieldPath = ["aks", "nodePools", largest.name, "maxCount"];
    const head = `quota ${quota.limit} vCPUs of ${quotaName(quota)} in ${facts.location}, ${quota.current} in use`;
    if (others + need > quota.limit) {
      const room = quota.limit - others - (need - vcpus(largest));
      const perNode = vcpuOf(facts, largest.vmSize, largest.vcpu);
      const fitsMax = Math.floor(room / perNode) - largest.surge;
      const lower = fitsMax >= 1 ? `, or lower aks.nodePools.${largest.name}.maxCount to ${fitsMax}` : "";
      out.push({
        severity: "error",
        path: field,
        message:
          `${head}${freed > 0 ? ` (${freed} by this cluster)` : ""}, ` +
          `${describe(pools)}; ask for a quota increase of ${quotaName(quota)} in ` +
          `${facts.location} to at least ${others + need}${lower}, or choose a VM ` +
          `size of another family`,
      });
    } else if (quota.limit > 0 && (others + need) / quota.limit > QUOTA_WARNING_SHARE) {
      out.push({
        severity: "warning",
        path: field,
        message:
          `${head}: after this deploy ${others + need} of ${quota.limit} (` +
          `${pct((others + need) / quota.limit)}) would be taken at the pools' ` +
          `maximum; ask for more ${quotaName(quota)} quota before scaling further`,
      });
    }
  }
  return out;
}

function checkKubernetesVersion(env: Environment, versions: KubernetesVersionFacts[]): Finding[] {
  const wanted = env.aks.kubernetesVersion;
  const minor = wanted.split(".").slice(0, 2).join(".");
  const field: FieldPath = ["aks", "kubernetesVersion"];
  const official = versions
    .filter((v) => v.supportPlans.includes("KubernetesOfficial") && !v.preview)
    .map((v) => v.version);
  const choose = `choose one of ${list(official)}`;
  const found = versions.find((v) => v.version === minor);
  const location = env.azure.location;
  if (!found)
    return [
      {
        severity: "error",
        path: field,
        message: `Kubernetes ${minor} is not offered by AKS in ${location}; ${choose}`,
      },
    ];
  const out: Finding[] = [];
  if (!found.supportPlans.includes("KubernetesOfficial")) {
    out.push({
      severity: "error",
      path: field,
      message:
        `Kubernetes ${minor} is offered in ${location} only with AKS Long Term ` +
        `Support, which needs the Premium tier; this environment's cluster uses ` +
        `the ${env.production ? "Standard" : "Free"} tier; ${choose}`,
    });
  } else if (wanted !== minor && !found.patches.includes(wanted)) {
    out.push({
      severity: "error",
      path: field,
      message:
        `Kubernetes ${wanted} is not offered by AKS in ${location}; patches of ` +
        `${minor} offered: ${list(found.patches)}; or write ${minor} to take the ` +
        `latest`,
    });
  }
  if (found.preview)
    out.push({
      severity: "warning",
      path: field,
      message: `Kubernetes ${minor} is a preview in ${location}, without support; ${choose} for production`,
    });
  return out;
}

function checkPostgres(env: Environment, facts: PostgresFacts | undefined): Finding[] {
  const { postgres, azure } = env;
  const at = (field: string): FieldPath => ["postgres", field];
  if (!facts)
    return [
      {
        severity: "error",
        path: ["postgres"],
        message:
          `Azure Database for PostgreSQL flexible server reports no capabilities ` +
          `in ${azure.location}; choose another azure.location`,
      },
    ];
  if (facts.restricted) {
    return [
      {
        severity: "error",
        path: ["azure", "location"],
        message:
          `subscription ${azure.subscriptionId} may not create PostgreSQL flexible ` +
          `servers in ${azure.location}${facts.reason ? ` (${facts.reason})` : ""}` +
          `; ask Azure support for access or choose another azure.location`,
      },
    ];
  }
  const out: Finding[] = [];
  if (!facts.versions.includes(postgres.version)) {
    out.push({
      severity: "error",
      path: at("version"),
      message:
        `PostgreSQL ${postgres.version} is not offered in ${azure.location}; ` +
        `choose one of ${list(facts.versions)}`,
    });
  }
  const edition = facts.editions.find((e) => same(e.name, postgres.tier));
  if (!edition) {
    out.push({
      severity: "error",
      path: at("tier"),
      message:
        `PostgreSQL tier ${postgres.tier} is not offered in ${azure.location}; ` +
        `choose one of ${list(facts.editions.map((e) => e.name))}`,
    });
    return out;
  }
  const sku = edition.skus.find((s) => same(s.name, postgres.sku));
  if (!sku) {
    out.push({
      severity: "error",
      path: at("sku"),
      message:
        `PostgreSQL SKU ${postgres.sku} is not offered in the ${edition.name} ` +
        `tier in ${azure.location}; choose one of ` +
        `${list(edition.skus.map((s) => s.name))}`,
    });
  }
  if (!edition.storageMb.includes(postgres.storageGb * 1024)) {
    const sizes = edition.storageMb.map((mb) => String(mb / 1024));
    out.push({
      severity: "error",
      path: at("storageGb"),
      message:
        `PostgreSQL storage of ${postgres.storageGb} GB is not offered in the ` +
        `${edition.name} tier in ${azure.location}; choose one of ${list(sizes)} ` +
        `(GB)`,
    });
  }
  const ha = postgres.highAvailability;
  if (ha !== "Disabled" && sku && !sku.haModes.includes(ha)) {
    out.push({
      severity: "error",
      path: at("highAvailability"),
      message:
        `PostgreSQL SKU ${sku.name} offers high availability ${list(sku.haModes)}` +
        ` in ${azure.location}, not ${ha}; choose ` +
        `${[...sku.haModes, "Disabled"].join(" or ")}`,
    });
  } else if (ha === "ZoneRedundant" && !facts.zoneRedundantHa) {
    out.push({
      severity: "error",
      path: at("highAvailability"),
      message:
        `zone-redundant high availability of PostgreSQL is not offered in ` +
        `${azure.location}; choose SameZone or Disabled`,
    });
  }
  return out;
}

function checkOpenAi(env: Environment, facts: PreflightFacts): Finding[] {
  const oai = facts.openai;
  if (!env.openai.enabled || !oai) return [];
  const out: Finding[] = [];
  const demand = new Map<string, { usage: Usage | undefined; need: number; freed: number; first: number }>();
  env.openai.deployments.forEach((d, i) => {
    const at = (field: string): FieldPath => ["openai", "deployments", i, field];
    const models = oai.models.filter((m) => same(m.name, d.model));
    if (models.length === 0) {
      const names = [...new Set(oai.models.map((m) => m.name))].sort();
      out.push({
        severity: "error",
        path: at("model"),
        message: `Azure OpenAI model ${d.model} is not offered in ${oai.location}; choose one of ${list(names)}`,
      });
      return;
    }
    const model = models.find((m) => m.version === d.version);
    if (!model) {
      out.push({
        severity: "error",
        path: at("version"),
        message:
          `Azure OpenAI model ${d.model} version ${d.version} is not offered in ` +
          `${oai.location}; choose one of ${list(models.map((m) => m.version))}`,
      });
      return;
    }
    const sku = model.skus.find((s) => same(s.name, d.sku));
    if (!sku) {
      out.push({
        severity: "error",
        path: at("sku"),
        message:
          `Azure OpenAI model ${d.model} ${d.version} is not offered with SKU ` +
          `${d.sku} in ${oai.location}; choose one of ` +
          `${list(model.skus.map((s) => s.name))}`,
      });
      return;
    }
    const usageName = sku.usageName ?? `OpenAI.${sku.name}.${model.name}`;
    const entry = demand.get(usageName.toLowerCase()) ?? {
      usage: oai.usages.find((u) => same(u.name, usageName)),
      need: 0,
      freed: 0,
      first: i,
    };
    entry.need += d.capacity;
    // A deployment being updated in place already holds its capacity.
    entry.freed += oai.deployed
      .filter((x) => same(x.name, d.name) && same(x.sku, d.sku) && same(x.model, d.model))
      .reduce((s, x) => s + x.capacity, 0);
    demand.set(usageName.toLowerCase(), entry);
  });
  for (const { usage, need, freed, first } of demand.values()) {
    if (!usage) continue;
    const after = Math.max(0, usage.current - freed) + need;
    const head = `quota ${usage.limit} of ${usage.label} in ${oai.location}, ${usage.current} in use`;
    const field: FieldPath = ["openai", "deployments", first, "capacity"];
    if (after > usage.limit) {
      out.push({
        severity: "error",
        path: field,
        message:
          `${head}, this environment's deployments need ${need}; lower ` +
          `openai.deployments[].capacity to fit ${usage.limit - (after - need)} or ` +
          `ask for a quota increase to at least ${after}`,
      });
    } else if (usage.limit > 0 && after / usage.limit > QUOTA_WARNING_SHARE) {
      out.push({
        severity: "warning",
        path: field,
        message: `${head}: after this deploy ${after} of ${usage.limit} (${pct(after / usage.limit)}) would be taken`,
      });
    }
  }
  return out;
}

/**
 * VNet flow logs are created under the region's Network Watcher, in a resource group the toolkit
 * does not own: it must exist, the deploy identity must reach it, and no other flow log may
 * already cover the VNet (Azure keeps one per target).
 */
function checkNetworkWatcher(env: Environment, facts: PreflightFacts): Finding[] {
  const watcher = facts.networkWatcher;
  if (!watcher) return [];
  const { resourceGroup, name } = env.network.networkWatcher;
  const where = `Network Watcher ${name} in resource group ${resourceGroup}`;
  const off = "or set security.flowLogs.enabled: false";
  if (watcher.status === "missing")
    return [
      {
        severity: "error",
        path: ["network", "networkWatcher"],
        message:
          `${where} does not exist, and the VNet flow log (security.flowLogs) is ` +
          `created under it; enable Network Watcher for ${facts.location} (az ` +
          `network watcher configure -g ${resourceGroup} -l ${facts.location} ` +
          `--enabled true), set network.networkWatcher to the region's watcher, ` +
          `${off}`,
      },
    ];
  if (watcher.status === "forbidden")
    return [
      {
        severity: "error",
        path: ["network", "networkWatcher"],
        message:
          `the deploy identity cannot read ${where} (${watcher.message}), and the ` +
          `deploy creates the VNet flow log there; grant it Network Contributor on ` +
          `resource group ${resourceGroup} (or Contributor on the subscription), ` +
          `${off}`,
      },
    ];
  const ours = flowLogName(env);
  const vnet = vnetId(env).toLowerCase();
  return watcher.flowLogs
    .filter((l) => l.targetResourceId.toLowerCase() === vnet && l.name.toLowerCase() !== ours.toLowerCase())
    .map((l) => ({
      severity: "error" as const,
      path: ["security", "flowLogs"],
      message:
        `flow log ${l.name} of ${where} already covers VNet ${env.names.vnet}, ` +
        `and Azure keeps one flow log per VNet; set security.flowLogs.enabled: ` +
        `false to keep that one, or delete it to let the deploy create ${ours}`,
    }));
}

/** Exported for the re-check once the bootstrap deployment has created the vault. */
export function checkOperatorSecrets(
  env: Environment,
  needs: PreflightNeeds,
  vault: PreflightFacts["vault"],
): Finding[] {
  if (!vault.exists) return [];
  const name = env.names.keyVault;
  const missing = needs.operatorSecrets
    .filter((s) => !vault.present.some((p) => same(p, s.name)))
    .map((s) => ({
      severity: "error" as const,
      path: s.path,
      message:
        `Key Vault ${name} has no secret ${s.name} (${s.purpose}), which the ` +
        `GitOps tree reads; upload it (az keyvault secret set --vault-name ` +
        `${name} --name ${s.name} --file FILE) and run again`,
    }));
  return [...missing, ...checkCertificate(env, vault.certificate), ...checkGatewayCertificate(env, vault)];
}
