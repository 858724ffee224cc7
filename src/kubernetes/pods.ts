// The pods a set of rendered manifests would run: every pod template (Deployments, StatefulSets,
// DaemonSets, Jobs, CronJobs, bare Pods), whether it is a Helm hook, and each pod's effective
// request and limit as the scheduler computes them (regular containers and restartable init
// containers add up; a plain init container counts only while it runs alone).
import { parseBytes, parseMillicores } from "../config/quantity.js";
import type { Manifest } from "./helm-release.js";

export type PodKind = "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "Pod";

export interface Container {
  name: string;
  resources?: { requests?: Record<string, unknown> | null; limits?: Record<string, unknown> | null };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  startupProbe?: unknown;
  restartPolicy?: string;
  securityContext?: Record<string, unknown>;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  nodeSelector?: Record<string, string>;
  tolerations?: Array<{ key?: string; operator?: string; value?: string; effect?: string }>;
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: {
        nodeSelectorTerms?: Array<{ matchExpressions?: Array<{ key?: string; operator?: string; values?: string[] }> }>;
      };
    };
    podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: Array<{ topologyKey?: string }> };
  };
  topologySpreadConstraints?: Array<{ topologyKey?: string; maxSkew?: number; whenUnsatisfiable?: string }>;
  securityContext?: Record<string, unknown>;
}

export interface PodTemplate {
  kind: PodKind;
  name: string;
  namespace?: string;
  replicas?: number;
  /** A Job's pods running at once (spec.parallelism, default 1). */
  parallelism?: number;
  /** The helm.sh/hook annotation, when the object is a hook. */
  hook?: string;
  spec: PodSpec;
}

export interface Amount {
  millicores: number;
  bytes: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export function podTemplates(objects: readonly Manifest[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const o of objects) {
    const kind = o.kind as PodKind;
    const spec = isObject(o.spec) ? o.spec : {};
    let pod: unknown;
    if (kind === "Pod") pod = spec;
    else if (kind === "CronJob")
      pod = (spec.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined)?.spec?.template?.spec;
    else if (["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(kind))
      pod = (spec.template as { spec?: unknown } | undefined)?.spec;
    if (!isObject(pod)) continue;
    const annotations = isObject(o.metadata?.annotations) ? o.metadata.annotations : {};
    const t: PodTemplate = { kind, name: String(o.metadata?.name ?? ""), spec: pod as PodSpec };
    if (typeof o.metadata?.namespace === "string") t.namespace = o.metadata.namespace;
    if (typeof spec.replicas === "number") t.replicas = spec.replicas;
    if (kind === "Job" && typeof spec.parallelism === "number") t.parallelism = spec.parallelism;
    if (typeof annotations["helm.sh/hook"] === "string") t.hook = annotations["helm.sh/hook"];
    out.push(t);
  }
  return out;
}

/** Runs for as long as the release is installed (not a Job, not a hook). */
export function longRunning(t: PodTemplate): boolean {
  return !t.hook && (t.kind === "Deployment" || t.kind === "StatefulSet" || t.kind === "DaemonSet");
}

/** Sidecars: init containers with restartPolicy Always run beside the pod's containers. */
export function isSidecar(c: Container): boolean {
  return c.restartPolicy === "Always";
}

function amount(list: Record<string, unknown> | null | undefined): Amount {
  const cpu = list?.cpu;
  const memory = list?.memory;
  return {
    millicores: typeof cpu === "string" || typeof cpu === "number" ? (parseMillicores(cpu) ?? 0) : 0,
    bytes: typeof memory === "string" || typeof memory === "number" ? (parseBytes(String(memory)) ?? 0) : 0,
  };
}

export function containerRequest(c: Container): Amount {
  return amount(c.resources?.requests);
}

export function containerLimit(c: Container): Amount {
  return amount(c.resources?.limits);
}

/**
 * The pod's effective request: max(sum of containers and sidecars, each init container with the sidecars started before
 * it).
 */
export function podRequest(spec: PodSpec, of: (c: Container) => Amount = containerRequest): Amount {
  const add = (a: Amount, b: Amount): Amount => ({ millicores: a.millicores + b.millicores, bytes: a.bytes + b.bytes });
  let sidecars: Amount = { millicores: 0, bytes: 0 };
  let initPeak: Amount = { millicores: 0, bytes: 0 };
  for (const c of spec.initContainers ?? []) {
    if (isSidecar(c)) {
      sidecars = add(sidecars, of(c));
      continue;
    }
    const during = add(sidecars, of(c));
    initPeak = {
      millicores: Math.max(initPeak.millicores, during.millicores),
      bytes: Math.max(initPeak.bytes, during.bytes),
    };
  }
  const running = (spec.containers ?? []).map(of).reduce(add, sidecars);
  return {
    millicores: Math.max(running.millicores, initPeak.millicores),
    bytes: Math.max(running.bytes, initPeak.bytes),
  };
}

/** Every container of the pod, init containers first. */
export function allContainers(spec: PodSpec): Array<{ container: Container; init: boolean }> {
  return [
    ...(spec.initContainers ?? []).map((c) => ({ container: c, init: true })),
    ...(spec.containers ?? []).map((c) => ({ container: c, init: false })),
  ];
}
