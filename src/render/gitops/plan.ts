// The GitOps plan of an environment: which releases exist (enabled table rows, their
// companions and the platform add-ons), in which Flux layer, in which install order, from
// which chart source, and what each layer health-checks. Pure data; render.ts lays it out.
import { COMPONENTS, type ChartRef, type ComponentKey } from "../../catalogue/components.js";
import {
  ADDONS,
  CODEMIE_REGISTRY,
  COMPANION_RELEASES,
  COMPONENT_LAYERS,
  HELM_REPOSITORY_NAMES,
  LAYERS,
  type Layer,
} from "../../catalogue/platform.js";
import type { Environment } from "../../model/environment.js";
import { FLUX, isEnabled } from "./contract.js";
import { externalSecrets, SECRET_STORE, type ExternalSecretSpec } from "./secrets.js";
import { TOPOLOGY, hardAntiAffinity, zoneSpread, type KeyValue } from "./scheduling.js";
import * as values from "./values.js";

export type ChartSource =
  | { kind: "HelmRepository"; source: string; chart: string; version: string }
  | { kind: "OCIRepository"; source: string };

export interface ReleasePlan {
  /** Component key, companion key or add-on key. */
  id: string;
  /** The table row whose sizes the release carries (a companion's parent row included). */
  component?: ComponentKey;
  /** For a companion: its key within the row. */
  companion?: string;
  release: string;
  namespace: string;
  layer: Layer;
  order: number;
  chart: ChartSource;
  /** Helm timeout (install, upgrade and the readiness wait). */
  timeout: string;
  /** Skip chart hooks on upgrade (Kibana's token job fails when re-run). */
  disableUpgradeHooks: boolean;
  values: values.ValuesPlan;
  /** Releases (by release name) that must be Ready first, each with the reason it is needed. */
  dependsOn: Array<{ name: string; why: string }>;
  /** What a failed install does: retry as an upgrade, or uninstall and install again. */
  install: FailurePolicy;
  /** What a failed upgrade does: roll back and try again, or retry forward. */
  upgrade: FailurePolicy;
  /** A topology spread the chart cannot express, added by a Flux post-renderer. */
  spread?: { kind: string; name: string; topologyKey: string; labels: KeyValue[] };
}

/** How helm-controller reacts to a failed install or upgrade; never a retry limit, so no release stalls for good. */
export type FailurePolicy = { strategy: "RetryOnFailure"; why?: string } | { strategy: "RemediateOnFailure"; why: string };

export interface OciSource {
  name: string;
  url: string;
  tag: string;
  secretRef?: string;
  /** Layer that applies it: public sources with the infrastructure, authenticated ones after their secret. */
  layer: Layer;
}

export interface HelmSource {
  name: string;
  url: string;
}

export interface HealthCheck {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** A CEL health check of kustomize-controller (spec.healthCheckExprs) for a kind kstatus cannot judge. */
export interface HealthCheckExpr {
  apiVersion: string;
  kind: string;
  current: string;
  failed: string;
}

export interface LayerPlan {
  layer: Layer;
  name: string;
  releases: ReleasePlan[];
  healthChecks: HealthCheck[];
  healthCheckExprs: HealthCheckExpr[];
  timeout: string;
  dependsOn?: string;
}

export interface GitopsPlan {
  /** Enabled releases in install order. */
  releases: ReleasePlan[];
  /** Layers that have something to apply, in apply order. */
  layers: LayerPlan[];
  /** Workload namespaces the tree creates (the HelmReleases themselves live in FLUX.namespace). */
  namespaces: string[];
  helmRepositories: HelmSource[];
  ociRepositories: OciSource[];
  externalSecrets: ExternalSecretSpec[];
  /** The in-cluster Keycloak database, when the environment keeps it in the cluster. */
  keycloakDb?: object;
}

const TIMEOUT_MINUTES: Readonly<Record<string, number>> = {
  elasticsearch: 20,
  keycloak: 15,
  kibana: 15,
  // The startup probe allows API_MIGRATION_SECONDS for Alembic; Helm waits for readiness on top.
  api: Math.ceil(values.API_MIGRATION_SECONDS / 60) + 5,
};
const DEFAULT_TIMEOUT_MINUTES = 10;

/**
 * The only install-order edges between releases: the ones a release cannot install without.
 * Everything else installs in parallel within its layer (layers still apply in order), so one
 * slow release never holds back unrelated ones.
 */
const NEEDS: Readonly<Record<string, ReadonlyArray<{ on: string; why: string }>>> = {
  oauth2Proxy: [
    { on: "keycloakOperator", why: "its realm, client and roles are objects of the Keycloak operator's CRDs" },
    { on: "keycloak", why: "the operator creates the realm in a running Keycloak" },
  ],
  api: [{ on: "oauth2Proxy", why: "the API signs users in through realm codemie-prod, which the oauth2-proxy release registers" }],
  natsAuthCallout: [{ on: "nats", why: "the auth callout service connects to NATS" }],
  kibana: [{ on: "elasticsearch", why: "Kibana's install hook creates its service token in Elasticsearch" }],
};

/**
 * Releases whose previous version cannot run on what the new one leaves behind, so a failed
 * upgrade is retried forward instead of rolled back (every other release rolls back, then retries).
 */
const ROLLBACK_UNSOUND: Readonly<Record<string, string>> = {
  elasticsearch: "an older Elasticsearch cannot open data a newer one has written",
  keycloak: "Keycloak migrates its database on start; the previous version cannot run on it",
  api: "the API runs Alembic migrations on start; the previous version cannot run on the new schema",
  kibana: "Kibana migrates its saved objects on start",
  llmProxy: "LiteLLM migrates its database on start",
};

/** Releases whose install-only hooks a retry-as-upgrade would skip: a failed install is uninstalled and installed again. */
const INSTALL_BY_REINSTALL: Readonly<Record<string, string>> = {
  kibana: "its pre-install hook creates Kibana's Elasticsearch token and upgrades skip hooks, so a failed install is uninstalled and installed again",
};

function installPolicy(id: string): FailurePolicy {
  const why = INSTALL_BY_REINSTALL[id];
  return why ? { strategy: "RemediateOnFailure", why } : { strategy: "RetryOnFailure" };
}

function upgradePolicy(id: string): FailurePolicy {
  const why = ROLLBACK_UNSOUND[id];
  return why ? { strategy: "RetryOnFailure", why } : { strategy: "RemediateOnFailure", why: "a rollback restores the last release that worked" };
}

function valuesOf(env: Environment, id: string): values.ValuesPlan {
  switch (id) {
    case "externalSecrets": return values.externalSecretsValues(env);
    case "ingressNginx": return values.ingressNginxValues(env);
    case "keycloakOperator": return values.keycloakOperatorValues();
    case "elasticsearch": return values.elasticsearchValues(env);
    case "keycloak": return values.keycloakValues(env);
    case "oauth2Proxy": return values.oauth2ProxyValues(env);
    case "nats": return values.natsValues(env);
    case "natsAuthCallout": return values.natsAuthCalloutValues(env);
    case "mcpConnect": return values.mcpConnectValues(env);
    case "mermaid": return values.mermaidValues(env);
    case "ui": return values.uiValues(env);
    case "api": return values.apiValues(env);
    case "kibana": return values.kibanaValues(env);
    case "fluentBit": return values.fluentBitValues(env);
    case "llmProxy": return values.llmProxyValues(env);
    default: throw new Error(`no Helm values for release ${id}`);
  }
}

function chartSource(chart: ChartRef, env: Environment): ChartSource {
  if (chart.source === "codemie") return { kind: "OCIRepository", source: chart.name };
  const repository = chart.repository ?? "";
  if (repository.startsWith("oci://")) return { kind: "OCIRepository", source: chart.name };
  const name = HELM_REPOSITORY_NAMES[repository];
  if (!name || !chart.version) throw new Error(`${env.file}: no Flux HelmRepository name or version for chart ${chart.name} (${repository})`);
  return { kind: "HelmRepository", source: name, chart: chart.name, version: chart.version };
}

function minutes(id: string): number {
  return TIMEOUT_MINUTES[id] ?? DEFAULT_TIMEOUT_MINUTES;
}

// The render, the Flux entry of the Bicep and the Flux check each ask for the plan of the same
// environment; it depends on the environment alone (and nobody mutates either), so it is made
// once per environment object.
const plans = new WeakMap<Environment, GitopsPlan>();

export function planGitops(env: Environment): GitopsPlan {
  let plan = plans.get(env);
  if (!plan) plans.set(env, (plan = makeGitopsPlan(env)));
  return plan;
}

function makeGitopsPlan(env: Environment): GitopsPlan {
  const releases: ReleasePlan[] = [];
  const add = (r: Omit<ReleasePlan, "timeout" | "disableUpgradeHooks" | "values" | "dependsOn" | "install" | "upgrade">) => {
    releases.push({
      ...r,
      timeout: `${minutes(r.id)}m`,
      disableUpgradeHooks: r.id === "kibana",
      values: valuesOf(env, r.id),
      dependsOn: [],
      install: installPolicy(r.id),
      upgrade: upgradePolicy(r.id),
    });
  };

  for (const a of ADDONS) {
    add({ id: a.key, release: a.release, namespace: a.namespace, layer: a.layer, order: a.order, chart: chartSource(a.chart, env) });
  }
  for (const c of COMPONENTS) {
    if (c.kind === "managed" || !isEnabled(env, c.key)) continue;
    const namespace = c.namespace as string;
    add({ id: c.key, component: c.key, release: c.release as string, namespace, layer: COMPONENT_LAYERS[c.key], order: c.order, chart: chartSource(c.chart as ChartRef, env) });
    for (const [key, companion] of Object.entries(COMPANION_RELEASES)) {
      if (companion.parent !== c.key) continue;
      add({ id: key, component: c.key, companion: key, release: companion.release, namespace, layer: COMPONENT_LAYERS[c.key], order: c.order + companion.orderOffset, chart: chartSource(companion.chart, env) });
    }
  }
  releases.sort((a, b) => a.order - b.order);
  for (const r of releases) {
    for (const need of NEEDS[r.id] ?? []) {
      const on = releases.find((x) => x.id === need.on);
      if (on) r.dependsOn.push({ name: on.release, why: need.why });
    }
  }
  const es = releases.find((r) => r.id === "elasticsearch");
  if (es && hardAntiAffinity("elasticsearch") && zoneSpread(env)) {
    // Elastic's chart has anti-affinity by host but no topology spread: add the zone spread the planner assumed.
    es.spread = { kind: "StatefulSet", name: "elasticsearch-master", topologyKey: TOPOLOGY.zone, labels: [{ key: "app", value: "elasticsearch-master" }] };
  }

  const secrets = externalSecrets(env);
  const keycloakDb = values.keycloakDbContext(env);
  const layers: LayerPlan[] = [];
  for (const layer of LAYERS) {
    const own = releases.filter((r) => r.layer === layer);
    const checks: HealthCheck[] = own.map((r) => ({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", name: r.release, namespace: FLUX.namespace }));
    let timeout = own.reduce((sum, r) => sum + minutes(r.id), 0);
    const exprs: HealthCheckExpr[] = [];
    if (layer === "secrets") {
      exprs.push(readyExpr("ClusterSecretStore"), readyExpr("ExternalSecret"));
      checks.push({ apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", name: SECRET_STORE });
      for (const s of secrets) checks.push({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: s.name, namespace: s.namespace });
      timeout = 5;
    }
    if (layer === "security" && keycloakDb) {
      checks.unshift({ apiVersion: "apps/v1", kind: "StatefulSet", name: "keycloak-db", namespace: (keycloakDb as { namespace: string }).namespace });
      timeout += 5;
    }
    if (checks.length === 0) continue;
    const previous = layers[layers.length - 1];
    layers.push({ layer, name: `${FLUX.layerPrefix}${layer}`, releases: own, healthChecks: checks, healthCheckExprs: exprs, timeout: `${timeout}m`, ...(previous ? { dependsOn: previous.name } : {}) });
  }

  // Sources that pull with a secret ESO writes are applied one layer after the secrets layer
  // health-checked that secret, so source-controller never backs off on a missing secret.
  const secretsAt = layers.findIndex((l) => l.layer === "secrets");
  const afterSecrets = layers[secretsAt + 1]?.layer ?? "infrastructure";
  const helmRepositories = new Map<string, HelmSource>();
  const ociRepositories = new Map<string, OciSource>();
  for (const r of releases) {
    const chart = chartOf(r);
    if (r.chart.kind === "HelmRepository") {
      helmRepositories.set(r.chart.source, { name: r.chart.source, url: chart.repository as string });
    } else if (chart.source === "codemie") {
      ociRepositories.set(r.chart.source, { name: r.chart.source, url: `${CODEMIE_REGISTRY.charts}/${chart.name}`, tag: env.codemieVersion, secretRef: CODEMIE_REGISTRY.pullSecret, layer: afterSecrets });
    } else {
      ociRepositories.set(r.chart.source, { name: r.chart.source, url: `${chart.repository as string}/${chart.name}`, tag: chart.version as string, layer: "infrastructure" });
    }
  }

  const namespaces = [...new Set(releases.map((r) => r.namespace))].sort();
  const plan: GitopsPlan = {
    releases,
    layers,
    namespaces,
    helmRepositories: [...helmRepositories.values()].sort((a, b) => cmp(a.name, b.name)),
    ociRepositories: [...ociRepositories.values()].sort((a, b) => cmp(a.name, b.name)),
    externalSecrets: secrets,
  };
  if (keycloakDb) plan.keycloakDb = keycloakDb;
  return plan;
}

/**
 * ESO objects are healthy once ESO reports them Ready. kstatus alone calls an object without
 * status Current, so an ExternalSecret would pass before ESO ever looked at it; with these
 * expressions an object without status fails to evaluate and counts as not ready yet.
 */
function readyExpr(kind: "ClusterSecretStore" | "ExternalSecret"): HealthCheckExpr {
  return {
    apiVersion: "external-secrets.io/v1",
    kind,
    current: "status.conditions.exists(e, e.type == 'Ready' && e.status == 'True')",
    failed: "status.conditions.exists(e, e.type == 'Ready' && e.status == 'False')",
  };
}

/**
 * How long the root Kustomization (the fluxConfiguration's, with wait on) may wait: the layers
 * apply one after another, so it is their timeouts added up, plus the root's own apply.
 */
export function rootTimeoutMinutes(plan: GitopsPlan): number {
  return plan.layers.reduce((sum, l) => sum + parseInt(l.timeout, 10), 0) + ROOT_APPLY_MINUTES;
}
const ROOT_APPLY_MINUTES = 5;

/** The catalogue chart of a planned release. */
export function chartOf(r: ReleasePlan): ChartRef {
  const addon = ADDONS.find((a) => a.key === r.id);
  if (addon) return addon.chart;
  if (r.companion) return COMPANION_RELEASES[r.companion as keyof typeof COMPANION_RELEASES].chart;
  const c = COMPONENTS.find((x) => x.key === r.id);
  if (!c || !("chart" in c)) throw new Error(`no chart for release ${r.id}`);
  return c.chart;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
