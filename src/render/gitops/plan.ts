// The GitOps plan of an environment: which releases exist (enabled table rows, their
// companions and the platform add-ons), in which Flux layer, in which install order, from
// which chart source, and what each layer health-checks. Pure data; render.ts lays it out.
import type { ComponentKey } from "../../catalogue/components.js";
import { ROLES_JOB } from "../../catalogue/database-roles.js";
import { CODEMIE_REGISTRY } from "../../catalogue/platform.js";
import { LAYERS, type ChartRef, type Layer } from "../../catalogue/release.js";
import {
  RELEASES,
  releaseDescriptor,
  timeoutMinutes,
  type ReleaseDescriptor,
  type ReleaseId,
} from "../../catalogue/releases.js";
import type { Environment } from "../../model/environment.js";
import type { JobDescriptor } from "../../catalogue/jobs.js";
import { FLUX, isEnabled } from "./contract.js";
import { postgresRolesContext, ROLES_JOB_MINUTES } from "./postgres-roles.js";
import { readOnlyRootPatches, type PodPatch } from "./read-only-root.js";
import { jobsInLayer } from "./jobs.js";
import { externalSecrets, SECRET_STORE, type ExternalSecretSpec } from "./secrets.js";
import { TOPOLOGY, hardAntiAffinity, zoneSpread, type KeyValue } from "./scheduling.js";
import * as values from "./values.js";

export type ChartSource =
  | { kind: "HelmRepository"; source: string; chart: string; version: string }
  | { kind: "OCIRepository"; source: string };

export interface ReleasePlan {
  /** Component key, companion key or add-on key. */
  id: ReleaseId;
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
  /** What the chart cannot set for read-only root file systems, added by the same post-renderer. */
  readOnlyRoot: PodPatch[];
}

/** How helm-controller reacts to a failed install or upgrade; never a retry limit, so no release stalls for good. */
export type FailurePolicy =
  | { strategy: "RetryOnFailure"; why?: string }
  | { strategy: "RemediateOnFailure"; why: string };

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
  /** Post-install Jobs it applies and health-checks (catalogue/jobs.ts). */
  jobs: JobDescriptor[];
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
  /** The PostgreSQL roles Job (layer "databases"), the context of its template. */
  postgresRoles: object;
}

function installPolicy(r: ReleaseDescriptor): FailurePolicy {
  const why = r.reinstallOnFailedInstall;
  return why ? { strategy: "RemediateOnFailure", why } : { strategy: "RetryOnFailure" };
}

function upgradePolicy(r: ReleaseDescriptor): FailurePolicy {
  const why = r.rollbackUnsound;
  return why
    ? { strategy: "RetryOnFailure", why }
    : { strategy: "RemediateOnFailure", why: "a rollback restores the last release that worked" };
}

function chartSource(chart: ChartRef, env: Environment): ChartSource {
  if (chart.source === "codemie") return { kind: "OCIRepository", source: chart.name };
  const repository = chart.repository ?? "";
  if (repository.startsWith("oci://")) return { kind: "OCIRepository", source: chart.name };
  const name = chart.repositoryName;
  if (!name || !chart.version)
    throw new Error(`${env.file}: no Flux HelmRepository name or version for chart ${chart.name} (${repository})`);
  return { kind: "HelmRepository", source: name, chart: chart.name, version: chart.version };
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
  for (const r of RELEASES) {
    if (r.component && !isEnabled(env, r.component)) continue;
    releases.push({
      id: r.id,
      ...(r.component ? { component: r.component } : {}),
      ...(r.companion ? { companion: r.companion } : {}),
      release: r.release,
      namespace: r.namespace,
      layer: r.layer,
      order: r.order,
      chart: chartSource(r.chart, env),
      timeout: `${timeoutMinutes(r.id)}m`,
      disableUpgradeHooks: r.skipUpgradeHooks !== undefined,
      values: values.VALUES_BUILDERS[r.id](env),
      dependsOn: [],
      install: installPolicy(r),
      upgrade: upgradePolicy(r),
      readOnlyRoot: readOnlyRootPatches(r.id),
    });
  }
  releases.sort((a, b) => a.order - b.order);
  for (const r of releases) {
    for (const need of releaseDescriptor(r.id).needs ?? []) {
      const on = releases.find((x) => x.id === need.on);
      if (on) r.dependsOn.push({ name: on.release, why: need.why });
    }
  }
  const es = releases.find((r) => r.id === "elasticsearch");
  if (es && hardAntiAffinity("elasticsearch") && zoneSpread(env)) {
    // Elastic's chart has anti-affinity by host but no topology spread: add the zone spread the planner assumed.
    es.spread = {
      kind: "StatefulSet",
      name: "elasticsearch-master",
      topologyKey: TOPOLOGY.zone,
      labels: [{ key: "app", value: "elasticsearch-master" }],
    };
  }

  const secrets = externalSecrets(env);
  const keycloakDb = values.keycloakDbContext(env);
  const layers: LayerPlan[] = [];
  for (const layer of LAYERS) {
    const own = releases.filter((r) => r.layer === layer);
    const checks: HealthCheck[] = own.map((r) => ({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      name: r.release,
      namespace: FLUX.namespace,
    }));
    let timeout = own.reduce((sum, r) => sum + timeoutMinutes(r.id), 0);
    const exprs: HealthCheckExpr[] = [];
    if (layer === "secrets") {
      exprs.push(readyExpr("ClusterSecretStore"), readyExpr("ExternalSecret"));
      checks.push({ apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", name: SECRET_STORE });
      for (const s of secrets)
        checks.push({
          apiVersion: "external-secrets.io/v1",
          kind: "ExternalSecret",
          name: s.name,
          namespace: s.namespace,
        });
      timeout = 5;
    }
    if (layer === "databases") {
      // kstatus calls a Job Current once it completed, Failed once it gave up.
      checks.push({ apiVersion: "batch/v1", kind: "Job", name: ROLES_JOB.name, namespace: ROLES_JOB.namespace });
      timeout = ROLES_JOB_MINUTES + 5;
    }
    if (layer === "security" && keycloakDb) {
      checks.unshift({
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        name: "keycloak-db",
        namespace: (keycloakDb as { namespace: string }).namespace,
      });
      timeout += 5;
    }
    // A Job is healthy once Complete (kstatus). Jobs start with the layer and run beside its releases,
    // so the layer waits for the longer of the two.
    const jobs = jobsInLayer(env, layer);
    for (const j of jobs) checks.push({ apiVersion: "batch/v1", kind: "Job", name: j.name, namespace: j.namespace });
    if (jobs.length > 0) timeout = Math.max(timeout, Math.ceil(Math.max(...jobs.map((j) => j.deadlineSeconds)) / 60));
    if (checks.length === 0) continue;
    const previous = layers[layers.length - 1];
    layers.push({
      layer,
      name: `${FLUX.layerPrefix}${layer}`,
      releases: own,
      jobs,
      healthChecks: checks,
      healthCheckExprs: exprs,
      timeout: `${timeout}m`,
      ...(previous ? { dependsOn: previous.name } : {}),
    });
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
      ociRepositories.set(r.chart.source, {
        name: r.chart.source,
        url: `${CODEMIE_REGISTRY.charts}/${chart.name}`,
        tag: env.codemieVersion,
        secretRef: CODEMIE_REGISTRY.pullSecret,
        layer: afterSecrets,
      });
    } else {
      ociRepositories.set(r.chart.source, {
        name: r.chart.source,
        url: `${chart.repository as string}/${chart.name}`,
        tag: chart.version as string,
        layer: "infrastructure",
      });
    }
  }

  const namespaces = [...new Set([...releases.map((r) => r.namespace), ROLES_JOB.namespace])].sort();
  const plan: GitopsPlan = {
    releases,
    layers,
    namespaces,
    helmRepositories: [...helmRepositories.values()].sort((a, b) => cmp(a.name, b.name)),
    ociRepositories: [...ociRepositories.values()].sort((a, b) => cmp(a.name, b.name)),
    externalSecrets: secrets,
    postgresRoles: postgresRolesContext(env),
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
  return releaseDescriptor(r.id).chart;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
