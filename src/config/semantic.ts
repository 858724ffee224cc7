// Checks the schema cannot express: address plans, derived Azure names, and combinations
// that Azure or Kubernetes would reject (or accept and regret) at deploy time.
import type { Environment } from "../model/environment.js";
import { checkNames } from "../model/names.js";
import { contains, containsIp, overlaps, parseCidr, parseIp, usableAzureAddresses, type Cidr } from "./cidr.js";
import { dotted, type Diagnostic } from "./diagnostics.js";
import { checkIngress } from "./ingress-checks.js";
import { checkKubernetesPolicies } from "./policy-checks.js";
import { checkWaf } from "./waf-checks.js";
import { checkEgress } from "./egress-checks.js";
import { parseBytes, parseMillicores } from "./quantity.js";
import { checkGitopsAuth } from "./gitops-checks.js";
import { checkRegions } from "./region-checks.js";
import type { Path } from "./repair.js";
import type { Report, Valid } from "./report.js";
import type { YamlSource } from "./yaml-source.js";

/** Nodes added during a rolling node-image upgrade (AKS default max surge is one node). */
const UPGRADE_SURGE_NODES = 1;

/** `valid` skips the checks that read a field the schema rejected: they would only echo its error. */
export function checkSemantics(
  env: Environment,
  source: YamlSource,
  valid: (path: Path) => boolean = () => true,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report: Report = (severity, path, message, prefer = "value") =>
    out.push({ file: source.file, ...source.locate(path, prefer), severity, path: dotted(path), message });
  const ok: Valid = (...paths) => paths.every(valid);
  checkNetwork(env, report, ok);
  checkIngress(env, report, ok);
  checkKubernetesPolicies(env, report, ok);
  checkWaf(env, report, ok);
  checkEgress(env, source, report, ok);
  if (ok(["azure", "namePrefix"], ["azure", "subscriptionId"], ["azure", "resourceGroup"]))
    checkNamesOf(env, source, report);
  checkPools(env, source, report, ok);
  checkPostgres(env, report, ok);
  checkComponents(env, report, ok);
  checkPosture(env, report, ok);
  checkRegions(env, source, report, ok);
  checkGitopsAuth(env, report, ok);
  return out;
}

function checkNetwork(env: Environment, report: Report, ok: Valid): void {
  const n = env.network;
  const parsed = new Map<string, Cidr>();
  const fields: [string, (string | number)[]][] = [
    [n.vnetCidr, ["network", "vnetCidr"]],
    ...Object.entries(n.subnets).map(([k, v]): [string, (string | number)[]] => [v, ["network", "subnets", k]]),
    [n.podCidr, ["network", "podCidr"]],
    [n.serviceCidr, ["network", "serviceCidr"]],
  ];
  for (const [text, path] of fields) {
    if (!ok(path)) continue;
    const c = parseCidr(text);
    if (typeof c === "string") report("error", path, `${path.join(".")} ${c}`);
    else parsed.set(path.join("."), c);
  }
  const vnet = parsed.get("network.vnetCidr");
  const subnets = Object.keys(n.subnets).map(
    (k) => [`network.subnets.${k}`, parsed.get(`network.subnets.${k}`)] as const,
  );
  subnets.forEach(([path, c], i) => {
    if (!c) return;
    if (vnet && !contains(vnet, c))
      report("error", path.split("."), `${path} ${c.text} lies outside network.vnetCidr ${vnet.text}`);
    for (const [otherPath, other] of subnets.slice(0, i)) {
      if (other && overlaps(c, other))
        report("error", path.split("."), `${path} ${c.text} overlaps ${otherPath} ${other.text}`);
    }
  });
  const pod = parsed.get("network.podCidr");
  const svc = parsed.get("network.serviceCidr");
  if (vnet && pod && overlaps(vnet, pod))
    report(
      "error",
      ["network", "podCidr"],
      `network.podCidr ${pod.text} overlaps network.vnetCidr ${vnet.text}; CNI overlay pods need their own range`,
    );
  if (vnet && svc && overlaps(vnet, svc))
    report(
      "error",
      ["network", "serviceCidr"],
      `network.serviceCidr ${svc.text} overlaps network.vnetCidr ${vnet.text}`,
    );
  if (pod && svc && overlaps(pod, svc))
    report("error", ["network", "serviceCidr"], `network.serviceCidr ${svc.text} overlaps network.podCidr ${pod.text}`);
  const dns = ok(["network", "dnsServiceIp"]) ? parseIp(n.dnsServiceIp) : -1;
  if (dns === undefined)
    report("error", ["network", "dnsServiceIp"], `network.dnsServiceIp "${n.dnsServiceIp}" is not an IPv4 address`);
  else if (dns >= 0 && svc && (!containsIp(svc, dns) || dns === svc.start))
    report(
      "error",
      ["network", "dnsServiceIp"],
      `network.dnsServiceIp ${n.dnsServiceIp} must be inside network.serviceCidr ${svc.text} and not its first address`,
    );

  const needs: [string, number, string, boolean][] = [
    [
      "system",
      maxNodes(env, "system") + UPGRADE_SURGE_NODES,
      "system pool nodes at maximum plus one upgrade surge node",
      ok(["aks", "nodePools", "system"]),
    ],
    [
      "workloads",
      maxNodes(env, "workloads") + UPGRADE_SURGE_NODES + 1,
      "workload pool nodes at maximum, one upgrade surge node and the internal load balancer",
      ok(["aks", "nodePools", "workloads"]),
    ],
    ["postgres", 11, "PostgreSQL Flexible Server (Azure asks for at least a /28)", true],
    [
      "privateEndpoints",
      2 + (env.openai.enabled ? 1 : 0),
      "private endpoints for Key Vault, Storage" + (env.openai.enabled ? " and OpenAI" : ""),
      ok(["openai", "enabled"]),
    ],
  ];
  for (const [name, need, what, inputsValid] of needs) {
    const c = parsed.get(`network.subnets.${name}`);
    if (!inputsValid) continue;
    if (c && usableAzureAddresses(c) < need) {
      report(
        "error",
        ["network", "subnets", name],
        `network.subnets.${name} ${c.text} has ${usableAzureAddresses(c)} usable ` +
          `addresses (Azure reserves 5); it needs ${need} for ${what}`,
      );
    }
  }
}

function maxNodes(env: Environment, pool: "system" | "workloads"): number {
  const p = env.aks.nodePools[pool];
  return typeof p.count === "number" ? p.count : p.maxCount;
}

function checkNamesOf(env: Environment, source: YamlSource, report: Report): void {
  const fromPrefix = source.data.azure && (source.data.azure as Record<string, unknown>).namePrefix !== undefined;
  for (const p of checkNames(env.names)) {
    if (p.field === "resourceGroup") {
      report("error", ["azure", "resourceGroup"], p.message);
      continue;
    }
    const fix = `shorten azure.namePrefix ("${env.azure.namePrefix}") or the environment name ("${env.name}")`;
    report(
      "error",
      fromPrefix ? ["azure", "namePrefix"] : ["azure"],
      `${p.message}; ${fix}`,
      fromPrefix ? "value" : "key",
    );
  }
}

function checkPools(env: Environment, source: YamlSource, report: Report, ok: Valid): void {
  for (const [name, pool] of Object.entries(env.aks.nodePools)) {
    if (!ok(["aks", "nodePools", name])) continue;
    const raw =
      (
        (source.data.aks as Record<string, unknown> | undefined)?.nodePools as
          | Record<string, Record<string, unknown>>
          | undefined
      )?.[name] ?? {};
    const path = ["aks", "nodePools", name];
    if (raw.count !== undefined && (raw.minCount !== undefined || raw.maxCount !== undefined)) {
      report(
        "error",
        [...path, "count"],
        `aks.nodePools.${name} sets both count and minCount/maxCount; use count ` +
          `for a fixed size or minCount/maxCount for the autoscaler`,
        "key",
      );
    }
    if (pool.minCount > pool.maxCount) {
      report(
        "error",
        [...path, "minCount"],
        `aks.nodePools.${name}.minCount ${pool.minCount} is above maxCount ${pool.maxCount}`,
      );
    }
  }
}

function checkPostgres(env: Environment, report: Report, ok: Valid): void {
  const pg = env.postgres;
  const family: Record<typeof pg.tier, RegExp> = {
    Burstable: /^Standard_B/,
    GeneralPurpose: /^Standard_D/,
    MemoryOptimized: /^Standard_E/,
  };
  const tier = ["postgres", "tier"];
  const ha = ["postgres", "highAvailability"];
  if (ok(tier, ["postgres", "sku"]) && !family[pg.tier].test(pg.sku)) {
    const expected = { Burstable: "Standard_B*", GeneralPurpose: "Standard_D*", MemoryOptimized: "Standard_E*" }[
      pg.tier
    ];
    report(
      "error",
      ["postgres", "sku"],
      `postgres.sku "${pg.sku}" does not belong to tier ${pg.tier}; that tier takes ${expected} SKUs`,
    );
  }
  if (ok(ha, tier) && pg.highAvailability !== "Disabled" && pg.tier === "Burstable") {
    report(
      "error",
      ["postgres", "highAvailability"],
      `postgres.highAvailability ${pg.highAvailability} is not available on ` +
        `the Burstable tier; use GeneralPurpose or MemoryOptimized, or Disabled`,
    );
  }
  if (ok(ha, ["aks", "zones"]) && pg.highAvailability === "ZoneRedundant" && env.aks.zones.length < 2) {
    report(
      "error",
      ["postgres", "highAvailability"],
      `postgres.highAvailability ZoneRedundant needs a region with ` +
        `availability zones, but aks.zones lists ${env.aks.zones.length}; use ` +
        `SameZone or list the zones`,
    );
  }
}

function checkComponents(env: Environment, report: Report, ok: Valid): void {
  for (const c of env.components) {
    for (const w of [c, ...(c.companion ? [c.companion] : [])]) {
      const path = w === c ? ["components", c.key] : ["components", c.key, "companion"];
      if (!ok([...path, "memory"], [...path, "cpu"], ["profile"])) continue;
      const bytes = parseBytes(w.memory) ?? 0;
      if (bytes < 32 * 2 ** 20) {
        report(
          "error",
          [...path, "memory"],
          `${path.join(".")}.memory "${w.memory}" is ${bytes} bytes, too small for ` +
            `any pod; did you mean "${w.memory}Gi" or "${w.memory}Mi"?`,
        );
      }
      if ((parseMillicores(w.cpu) ?? 0) < 10) {
        report(
          "error",
          [...path, "cpu"],
          `${path.join(".")}.cpu "${w.cpu}" is below 10m; give each pod at least "10m"`,
        );
      }
    }
  }
  const es = env.components.find((c) => c.key === "elasticsearch");
  if (
    ok(["azure", "production"], ["components", "elasticsearch", "replicas"], ["profile"]) &&
    env.production &&
    es &&
    es.replicas < 2
  ) {
    report(
      "warning",
      ["components", "elasticsearch", "replicas"],
      `components.elasticsearch.replicas is ${es.replicas}; a production ` +
        `search cluster needs 2 or more so shard replicas survive a node loss`,
    );
  }
}

function checkPosture(env: Environment, report: Report, ok: Valid): void {
  const openai = ok(["openai", "enabled"], ["openai", "deployments"]);
  if (openai && env.openai.enabled && env.openai.deployments.length === 0) {
    report(
      "warning",
      ["openai", "deployments"],
      "openai.enabled is true but openai.deployments is empty; the account would serve no model",
      "key",
    );
  }
  if (openai && !env.openai.enabled && env.openai.deployments.length > 0) {
    report(
      "warning",
      ["openai", "enabled"],
      "openai.deployments are listed but openai.enabled is false; nothing will be created",
    );
  }
  const security = env.security;
  if (security?.podSecurity.enabled && !security.azurePolicy && ok(["security"]))
    report(
      "error",
      ["security", "podSecurity", "enabled"],
      "security.podSecurity needs the Azure Policy add-on that enforces it; " +
        "set security.azurePolicy: true, or security.podSecurity.enabled: false",
    );
  if (!ok(["azure", "production"]) || !env.production) return;
  if (ok(["postgres", "highAvailability"], ["profile"]) && env.postgres.highAvailability === "Disabled") {
    report(
      "warning",
      ["postgres", "highAvailability"],
      "azure.production is true but postgres.highAvailability is Disabled; a zone outage would stop CodeMie",
    );
  }
  if (ok(["network", "privateCluster"]) && !env.network.privateCluster)
    report("warning", ["network", "privateCluster"], "azure.production is true but the cluster API server is public");
  if (ok(["network", "ingress", "tls"]) && !env.network.ingress.tls)
    report("warning", ["network", "ingress", "tls"], "azure.production is true but ingress serves plain HTTP");
}
