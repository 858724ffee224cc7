// Checks on what the charts render for an environment, each finding tied to the environment
// file's field it comes from: schema validity (strict), the capacity planner's figures on
// every container, scheduling onto the planned pool, Elasticsearch's spread, probes, and
// ingresses behind oauth2-proxy. Pure: it reads rendered objects and the plans.
import { ADDONS } from "../catalogue/platform.js";
import { UNPROBED_CONTAINERS, UNSIZED_HOOKS } from "../catalogue/chart-exceptions.js";
import { PUBLIC_INGRESSES } from "../catalogue/ingresses.js";
import { PLATFORM_DEPLOYMENTS } from "../capacity/cluster-addons.js";
import { limitOf } from "../capacity/limits.js";
import type { CapacityPlan } from "../capacity/plan.js";
import {
  DAEMONSET_TOLERATIONS,
  HARD_ANTI_AFFINITY,
  TOPOLOGY_KEYS,
  WORKLOADS_NODE_SELECTOR,
} from "../capacity/scheduling.js";
import { formatBytes, formatMillicores } from "../config/quantity.js";
import type { Environment } from "../model/environment.js";
import { authAnnotations } from "../render/gitops/values.js";
import type { ReleasePlan } from "../render/gitops/plan.js";
import type { Manifest } from "./helm-release.js";
import {
  allContainers,
  containerLimit,
  containerRequest,
  isSidecar,
  longRunning,
  podRequest,
  podTemplates,
  type Amount,
  type PodTemplate,
} from "./pods.js";
import { CustomResourceSchemas, validateManifest } from "./schema.js";
import { checkValueKeys, type ChartFacts } from "./values-keys.js";

export interface Finding {
  severity: "error" | "warning";
  /** Field of the environment file the finding belongs to ([] for the file itself). */
  path: (string | number)[];
  message: string;
}

export interface CheckedRelease {
  plan: ReleasePlan;
  objects: Manifest[];
  /** Undefined when the chart was not available. */
  chart?: {
    origin: string;
    from: string;
    version: string;
    actualVersion?: string;
    removedDependencies?: Array<{ name: string; condition?: string }>;
  };
  values: Record<string, unknown>;
  /** The chart's defaults and templates, when it was available. */
  facts?: ChartFacts;
  /** Helm refused to template the release. */
  error?: string;
  /** The environment file's own values for this release and where the file writes them. */
  overrides?: { path: readonly string[]; values: Readonly<Record<string, unknown>> };
}

/** What the planner counted for one pod-running workload of a release. */
interface Expected {
  name: string;
  replicas?: number;
  request: Amount;
  /** Limits of the pod (src/capacity/limits.ts); undefined: only limits >= requests is checked. */
  limit?: Amount;
}

const AUTH_URL = authAnnotations().find((a) => a.key.endsWith("/auth-url"))!;

/** Namespaces whose Pod Security admission enforces "restricted", from the objects the tree applies. */
export function restrictedNamespaces(objects: readonly Manifest[]): Set<string> {
  const labels = (o: Manifest) => (o.metadata?.labels ?? {}) as Record<string, string>;
  return new Set(
    objects
      .filter((o) => o.kind === "Namespace" && labels(o)["pod-security.kubernetes.io/enforce"] === "restricted")
      .map((o) => String(o.metadata?.name)),
  );
}

export function checkReleases(
  env: Environment,
  capacity: CapacityPlan,
  releases: readonly CheckedRelease[],
  restricted: ReadonlySet<string> = new Set(),
): Finding[] {
  const crds = new CustomResourceSchemas(
    releases.flatMap((r) => r.objects.filter((o) => o.kind === "CustomResourceDefinition")),
  );
  const findings: Finding[] = [];
  for (const r of releases) {
    const at = releasePath(r.plan);
    const report = (severity: Finding["severity"], message: string) =>
      findings.push({ severity, path: at, message: `${r.plan.release}: ${message}` });
    if (!r.chart) {
      report(
        "warning",
        `not verified: chart not available (neither in the chart cache, the ` +
          `mirror CODEMIE_CHART_MIRROR nor its repository)`,
      );
      continue;
    }
    if (r.chart.origin === "stand-in")
      report(
        "warning",
        `verified against ${r.chart.from} (chart version ${r.chart.actualVersion}` +
          `), the nearest public source of pinned version ${r.chart.version}`,
      );
    if (r.error) report("error", r.error);
    if (r.facts) {
      for (const k of checkValueKeys(r.values, r.facts)) {
        const own = r.overrides && has(r.overrides.values, k.path);
        const where = own ? [...r.overrides!.path, ...k.path] : at;
        findings.push({
          severity: r.chart.origin === "stand-in" && !own ? "warning" : "error",
          path: where,
          message: `${r.plan.release}: values: ${k.message}`,
        });
      }
    }
    for (const dep of r.chart.removedDependencies ?? []) {
      if (dep.condition && valueAt(r.values, dep.condition) === true)
        report("error", `values enable ${dep.condition}, but the chart's dependency ${dep.name} is not available`);
    }
    for (const o of r.objects) {
      for (const e of validateManifest(o, crds)) report("error", `${String(o.kind)} ${String(o.metadata?.name)}: ${e}`);
    }
    checkPods(env, capacity, r, report);
    if (restricted.has(r.plan.namespace)) for (const t of podTemplates(r.objects)) checkRestricted(t, report);
    checkIngresses(r, report);
  }
  const surge = checkSurgeRoom(capacity, releases);
  if (surge) findings.push({ severity: "error", path: [], message: surge });
  return findings;
}

/**
 * Jobs, CronJobs and hooks run during an install or upgrade, beside the long-running pods the
 * planner packs. The planner keeps one surge node per pool for exactly that moment; this proves
 * they fit there all at once, even while the pool's largest pod surges onto the same node. When
 * they do not, the finding says by how much: a chart upgrade that adds a Job changes the plan.
 */
function checkSurgeRoom(capacity: CapacityPlan, releases: readonly CheckedRelease[]): string | undefined {
  const pool = capacity.nodePools.find((p) => p.name === "workloads");
  if (!pool || pool.surge < 1) return undefined;
  const short = releases.flatMap((r) =>
    podTemplates(r.objects)
      .filter((t) => !longRunning(t) && t.kind !== "DaemonSet")
      .map((t) => ({ r, t })),
  );
  const need = short.reduce<Amount>(
    (sum, { t }) => {
      const pod = podRequest(t.spec);
      const n = t.parallelism ?? 1;
      return { millicores: sum.millicores + pod.millicores * n, bytes: sum.bytes + pod.bytes * n };
    },
    { millicores: 0, bytes: 0 },
  );
  const pods = [
    ...capacity.components.flatMap((c) => c.workloads.filter((w) => w.pool === "workloads").map((w) => w.request)),
    ...pool.addOns,
  ];
  const largest = {
    millicores: Math.max(0, ...pods.map((p) => p.millicores)),
    bytes: Math.max(0, ...pods.map((p) => p.bytes)),
  };
  const room = {
    millicores: pool.allocatable.millicores - pool.daemonSets.millicores - largest.millicores,
    bytes: pool.allocatable.bytes - pool.daemonSets.bytes - largest.bytes,
  };
  if (need.millicores <= room.millicores && need.bytes <= room.bytes) return undefined;
  const names = short.map(({ r, t }) => `${r.plan.release}/${t.name}`).join(", ");
  return (
    `the Jobs and hooks the charts run (${names}) request ${fmt(need)} ` +
    `together; the surge node the capacity planner keeps on the workloads ` +
    `pool (${pool.vmSize}) leaves ${fmt(room)} beside its largest pod, so an ` +
    `install or upgrade could leave them pending: size them down or choose a ` +
    `larger VM size`
  );
}

/** True when the environment file's own values write this key path. */
function has(values: unknown, path: readonly string[]): boolean {
  let cur = values;
  for (const k of path) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, k)) return false;
    cur = (cur as Record<string, unknown>)[k];
  }
  return true;
}

function releasePath(plan: ReleasePlan): (string | number)[] {
  return plan.component ? ["components", plan.component] : [];
}

function valueAt(values: unknown, dotted: string): unknown {
  return dotted
    .split(".")
    .reduce<unknown>(
      (v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      values,
    );
}

/** The workloads the planner counted for a release: a table row (or its companion), or an add-on's pods. */
function expectedOf(capacity: CapacityPlan, plan: ReleasePlan): Expected[] | undefined {
  const addon = ADDONS.find((a) => a.key === plan.id);
  if (addon) {
    return addon.capacityNames.map((name) => {
      const d = PLATFORM_DEPLOYMENTS.find((p) => p.name === name);
      if (!d) throw new Error(`the capacity planner does not count ${name}`);
      return { name, replicas: d.replicas, request: d.request, limit: limitOf(d.request) };
    });
  }
  const c = capacity.components.find((x) => x.component === plan.component);
  if (!c) return undefined;
  const key = plan.companion ?? plan.component;
  return c.workloads
    .filter((w) => w.workload === key)
    .map((w) => ({
      name: w.workload,
      ...(w.kind === "DaemonSet" ? {} : { replicas: w.replicas }),
      request: w.request,
      limit: w.limit,
    }));
}

const fmt = (a: Amount): string => `cpu ${formatMillicores(a.millicores)}, memory ${formatBytes(a.bytes)}`;

function checkPods(
  env: Environment,
  capacity: CapacityPlan,
  r: CheckedRelease,
  report: (s: Finding["severity"], m: string) => void,
): void {
  const templates = podTemplates(r.objects);
  const expected = expectedOf(capacity, r.plan) ?? [];
  const running = templates.filter(longRunning);
  const addon = ADDONS.some((a) => a.key === r.plan.id);
  const matched = new Map<PodTemplate, Expected>();
  if (addon) {
    for (const e of expected) {
      const t = running.find((x) => x.name === e.name);
      if (t) matched.set(t, e);
      else report("error", `the capacity planner counts pod ${e.name}, but the chart renders no workload of that name`);
    }
  } else if (expected.length === 1 && running.length === 1) {
    matched.set(running[0]!, expected[0]!);
  }
  for (const t of running) {
    if (!matched.has(t))
      report(
        "error",
        `${t.kind} ${t.name} is not counted by the capacity planner (` +
          (addon
            ? "add-on pods: src/capacity/cluster-addons.ts"
            : `it counts ${expected.length} workload(s) for this release`) +
          `)`,
      );
  }

  for (const t of templates) {
    const what = `${t.hook ? `hook ${t.kind}` : t.kind} ${t.name}`;
    const unsized =
      t.kind === "Job" ? UNSIZED_HOOKS.find((h) => h.release === r.plan.release && h.name === t.name) : undefined;
    if (unsized) {
      report("warning", `${what} is not sized or placed: ${unsized.reason}`);
      continue;
    }
    for (const { container, init } of allContainers(t.spec)) {
      const c =
        `${what} ` +
        `${init ? (isSidecar(container) ? "sidecar" : "init container") : "container"}` +
        ` ${container.name}`;
      const req = container.resources?.requests ?? {};
      const lim = container.resources?.limits ?? {};
      if (req.cpu == null || req.memory == null)
        report(
          "error",
          `${c} has no ${req.cpu == null ? "CPU" : "memory"} request, so the ` +
            `capacity planner cannot count it; set its resources in the release's ` +
            `values`,
        );
      if (lim.memory == null) report("error", `${c} has no memory limit; set one equal to its memory request`);
      if (lim.cpu == null)
        report(
          "error",
          `${c} has no CPU limit, which the resource-limits policy refuses; set the one ` +
            `src/capacity/limits.ts derives from its request`,
        );
      const rq = containerRequest(container);
      const lm = containerLimit(container);
      if (lim.cpu != null && lm.millicores < rq.millicores)
        report(
          "error",
          `${c} limits CPU to ${formatMillicores(lm.millicores)}, below its request ${formatMillicores(rq.millicores)}`,
        );
      if (lim.memory != null && lm.bytes < rq.bytes)
        report("error", `${c} limits memory to ${formatBytes(lm.bytes)}, below its request ${formatBytes(rq.bytes)}`);
      if (
        longRunning(t) &&
        (!init || isSidecar(container)) &&
        !container.readinessProbe &&
        !container.livenessProbe &&
        !container.startupProbe
      ) {
        const known = UNPROBED_CONTAINERS.find(
          (u) => u.release === r.plan.release && u.name === `${t.name}/${container.name}`,
        );
        if (known) report("warning", `${c} has no probe: ${known.reason}`);
        else
          report(
            "error",
            `${c} has no probe at all: Kubernetes cannot tell when it serves or ` +
              `hangs (keep the chart's health endpoints on)`,
          );
      }
    }
    checkPlacement(t, what, report);
    const e = matched.get(t);
    if (!e) continue;
    if (e.replicas !== undefined && t.kind !== "DaemonSet" && (t.replicas ?? 1) !== e.replicas)
      report("error", `${what} runs ${t.replicas ?? 1} replica(s); the capacity planner counted ${e.replicas}`);
    const got = podRequest(t.spec);
    if (got.millicores !== e.request.millicores || got.bytes !== e.request.bytes)
      report("error", `${what} requests ${fmt(got)} per pod; the capacity planner counted ${fmt(e.request)}`);
    const limit = podRequest(t.spec, containerLimit);
    if (e.limit && limit.bytes !== e.limit.bytes)
      report(
        "error",
        `${what} limits memory to ${formatBytes(limit.bytes)} per pod; the capacity ` +
          `planner counted ${formatBytes(e.limit.bytes)}`,
      );
    if (e.limit && limit.millicores !== e.limit.millicores)
      report(
        "error",
        `${what} limits CPU to ${formatMillicores(limit.millicores)} per pod; the capacity ` +
          `planner counted ${formatMillicores(e.limit.millicores)}`,
      );
    if (HARD_ANTI_AFFINITY.has(e.name)) checkSpread(env, t, what, report);
  }
}

/** DaemonSets tolerate the system pool's taint; every other pod selects the workloads pool. */
function checkPlacement(t: PodTemplate, what: string, report: (s: Finding["severity"], m: string) => void): void {
  if (t.kind === "DaemonSet") {
    for (const need of DAEMONSET_TOLERATIONS) {
      const ok = (t.spec.tolerations ?? []).some(
        (x) =>
          (x.key === need.key || (x.key === undefined && x.operator === "Exists")) &&
          (x.operator === "Exists" || x.operator === need.operator) &&
          (x.effect === undefined || x.effect === need.effect),
      );
      if (!ok)
        report(
          "error",
          `${what} does not tolerate ${need.key}:${need.effect}, so it cannot run ` +
            `on the system pool the planner counts it on`,
        );
    }
    return;
  }
  const terms = t.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const [k, v] of Object.entries(WORKLOADS_NODE_SELECTOR)) {
    const byAffinity =
      terms.length > 0 &&
      terms.every((term) =>
        (term.matchExpressions ?? []).some(
          (e) => e.key === k && e.operator === "In" && e.values?.length === 1 && e.values[0] === v,
        ),
      );
    if (t.spec.nodeSelector?.[k] !== v && !byAffinity)
      report(
        "error",
        `${what} does not select the workloads pool (nodeSelector ${k}: ${v}), where the capacity planner placed it`,
      );
  }
}

function checkSpread(
  env: Environment,
  t: PodTemplate,
  what: string,
  report: (s: Finding["severity"], m: string) => void,
): void {
  const required = t.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  if (!required.some((x) => x.topologyKey === TOPOLOGY_KEYS.node))
    report(
      "error",
      `${what} has no required pod anti-affinity on ${TOPOLOGY_KEYS.node}; the ` +
        `planner placed its pods on distinct nodes`,
    );
  if (
    env.aks.zones.length > 1 &&
    !(t.spec.topologySpreadConstraints ?? []).some(
      (x) => x.topologyKey === TOPOLOGY_KEYS.zone && x.maxSkew === 1 && x.whenUnsatisfiable === "DoNotSchedule",
    )
  ) {
    report(
      "error",
      `${what} has no zone topology spread (maxSkew 1, DoNotSchedule) across ${env.aks.zones.join(", ")}`,
    );
  }
}

function checkIngresses(r: CheckedRelease, report: (s: Finding["severity"], m: string) => void): void {
  for (const o of r.objects) {
    if (o.kind !== "Ingress") continue;
    const name = String(o.metadata?.name);
    const annotations = (o.metadata?.annotations ?? {}) as Record<string, unknown>;
    if (annotations[AUTH_URL.key] === AUTH_URL.value) continue;
    if (PUBLIC_INGRESSES.some((p) => p.release === r.plan.release && p.ingress === name)) continue;
    report(
      "error",
      `Ingress ${name} is not behind oauth2-proxy (no ${AUTH_URL.key}) and not ` +
        `on the catalogue's list of public ingresses (src/catalogue/ingresses.ts)`,
    );
  }
}

/** The Pod Security "restricted" profile's container rules that a chart's values decide. */
function checkRestricted(t: PodTemplate, report: (s: Finding["severity"], m: string) => void): void {
  const pod = t.spec.securityContext ?? {};
  const what = `${t.kind} ${t.name}`;
  for (const { container } of allContainers(t.spec)) {
    const sc = container.securityContext ?? {};
    const problems: string[] = [];
    if (sc.allowPrivilegeEscalation !== false) problems.push("allowPrivilegeEscalation is not false");
    if (!((sc.capabilities as { drop?: string[] } | undefined)?.drop ?? []).includes("ALL"))
      problems.push("capabilities do not drop ALL");
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push("runAsNonRoot is not true");
    const seccomp = ((sc.seccompProfile ?? pod.seccompProfile) as { type?: string } | undefined)?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") problems.push("seccompProfile is not RuntimeDefault");
    if (sc.privileged === true) problems.push("it is privileged");
    if (problems.length > 0)
      report(
        "error",
        `${what} container ${container.name} runs in a namespace enforcing Pod ` +
          `Security "restricted", which refuses it: ${problems.join(", ")}`,
      );
  }
}
