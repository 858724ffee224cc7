// A model of the AKS Flux extension's controllers (Flux 2.7: kustomize-controller 1.7,
// helm-controller 1.4) evaluating a GitOps tree on an empty cluster. It walks the first
// reconcile the way the controllers would: the configuration's kustomizations first, then every
// Kustomization they apply once its dependsOn are Ready, and reports what would keep a
// Kustomization or HelmRelease from ever becoming Ready, in the controllers' own words where
// they have them. The rules come from the flags the extension starts the controllers with:
// `--no-cross-namespace-refs` and `--default-service-account=flux-applier`, an account that
// exists only in the configuration's namespace.
import { buildDirectory, normalPath, type K8sObject } from "./build.js";

export interface ControllerFlags {
  /** Refuse every reference to another namespace (multi-tenancy enforced). */
  noCrossNamespaceRefs: boolean;
  /** Account impersonated when an object names none, looked up in the object's own namespace. */
  defaultServiceAccount?: string;
}

/** The controllers' flags as the extension sets them (`multiTenancy.enforce`, true by default). */
export function extensionFlags(enforce: boolean, applier: string): ControllerFlags {
  return enforce ? { noCrossNamespaceRefs: true, defaultServiceAccount: applier } : { noCrossNamespaceRefs: false };
}

/** The fluxConfigurations resource: what the extension creates before anything of the tree. */
export interface FluxConfigurationModel {
  name: string;
  namespace: string;
  kustomizations: Array<{ name: string; path: string; dependsOn: string[]; timeoutSeconds: number; wait: boolean }>;
}

export type FluxRule =
  | "build"
  | "cross-namespace-ref"
  | "service-account"
  | "source"
  | "values"
  | "depends-on"
  | "substitution"
  | "health-check"
  | "namespace"
  | "crd-order"
  | "secret-order"
  | "secret-store"
  | "timeout"
  | "stall"
  | "duplicate";

export interface FluxViolation {
  /** "Kind namespace/name" of the object that would not become Ready. */
  object: string;
  rule: FluxRule;
  message: string;
  /** Condition reason the controller sets, where it has one (AccessDenied, DependencyNotReady...). */
  reason?: string;
}

const BUILT_IN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "policy",
  "autoscaling",
  "storage.k8s.io",
  "rbac.authorization.k8s.io",
  "networking.k8s.io",
  "scheduling.k8s.io",
  "apiextensions.k8s.io",
  "admissionregistration.k8s.io",
  "coordination.k8s.io",
]);
/** CRDs the extension itself installs. */
const FLUX_GROUPS = [
  "source.toolkit.fluxcd.io",
  "kustomize.toolkit.fluxcd.io",
  "helm.toolkit.fluxcd.io",
  "notification.toolkit.fluxcd.io",
];
/** API groups whose CRDs a chart installs (chart name → groups); their objects need that release Ready first. */
const CRD_CHARTS: Readonly<Record<string, readonly string[]>> = {
  "external-secrets": ["external-secrets.io", "generators.external-secrets.io"],
  "keycloak-operator": ["v1.edp.epam.com"],
};
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "StorageClass",
  "ClusterSecretStore",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "PersistentVolume",
  "PriorityClass",
]);
const EXISTING_NAMESPACES = ["default", "kube-system", "kube-public"];

/** kustomize-controller reconciles the Kustomizations substituting from an object so labelled as soon as it changes. */
const WATCH_LABEL = "reconcile.fluxcd.io/watch";
const KUSTOMIZATION = "Kustomization";
const HELM_RELEASE = "HelmRelease";

const groupOf = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");
const nsOf = (o: K8sObject): string | undefined =>
  CLUSTER_SCOPED.has(o.kind) ? undefined : (o.metadata.namespace ?? "default");
const keyOf = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind} ${namespace ? `${namespace}/` : ""}${name}`;
const objectKey = (o: K8sObject): string => keyOf(o.kind, nsOf(o), o.metadata.name);
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.map(rec) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Minutes of a Go duration ("1h30m", "45m", "90s"). */
export function durationMinutes(text: string | undefined, fallback: number): number {
  if (!text) return fallback;
  let minutes = 0;
  for (const [, n, unit] of text.matchAll(/([0-9.]+)(ms|s|m|h)/g))
    minutes += Number(n) * ({ ms: 1 / 60000, s: 1 / 60, m: 1, h: 60 }[unit as "ms"] ?? 0);
  return minutes;
}

interface KState {
  object: K8sObject;
  /** The Kustomization that applied it (undefined for the configuration's own). */
  appliedBy?: string;
  dependsOn: string[];
  /** Objects applied, by key. */
  applied: Map<string, K8sObject>;
  /** Keys of objects this Kustomization holds until Ready (health checks, or all with wait). */
  checked: Set<string>;
  timeoutMinutes: number;
}

/** Evaluates `files` (the GitOps branch: path → text) as the extension would reconcile it. */
export function checkFluxTree(
  files: ReadonlyMap<string, string>,
  config: FluxConfigurationModel,
  flags: ControllerFlags,
): FluxViolation[] {
  const out: FluxViolation[] = [];
  const violate = (object: string, rule: FluxRule, message: string, reason?: string) =>
    out.push({ object, rule, message, ...(reason ? { reason } : {}) });
  const kustomizations = new Map<string, KState>();
  const where = new Map<string, string>(); // object key → Kustomization name that applied it

  const kName = (name: string, namespace: string) => keyOf(KUSTOMIZATION, namespace, name);
  for (const k of config.kustomizations) {
    const name = `${config.name}-${k.name}`;
    const object: K8sObject = {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: KUSTOMIZATION,
      metadata: { name, namespace: config.namespace },
      spec: {
        path: k.path,
        sourceRef: { kind: "GitRepository", name: config.name },
        wait: k.wait,
        timeout: `${k.timeoutSeconds}s`,
        dependsOn: k.dependsOn.map((d) => ({ name: `${config.name}-${d}` })),
      },
    };
    kustomizations.set(kName(name, config.namespace), stateOf(object, undefined));
  }

  // What exists before the tree: the configuration's namespace and source, the applier account.
  const preexisting = new Map<string, K8sObject>();
  const put = (o: K8sObject) => preexisting.set(objectKey(o), o);
  for (const ns of [...EXISTING_NAMESPACES, config.namespace])
    put({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  put({
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata: { name: config.name, namespace: config.namespace },
  });
  if (flags.defaultServiceAccount)
    put({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: flags.defaultServiceAccount, namespace: config.namespace },
    });

  // A Kustomization's dependsOn and applier are fixed when it is first seen, so both closures are
  // computed once each (asked only for Kustomizations the walk has reached).
  /** The first ExternalSecret applied (in the walk's order) writing each Secret, [namespace, name] → [key, by]. */
  let producers: Map<string, [string, string]> | undefined;
  const readyMemo = new Map<string, Set<string>>();
  const appliedMemo = new Map<string, Set<string>>();
  /** Kustomizations Ready before `k` starts (its dependsOn, transitively). */
  const readyBefore = (k: string): Set<string> => {
    let acc = readyMemo.get(k);
    if (acc) return acc;
    acc = new Set<string>();
    const visit = (x: string) => {
      for (const d of kustomizations.get(x)?.dependsOn ?? []) if (!acc!.has(d)) visit((acc!.add(d), d));
    };
    visit(k);
    readyMemo.set(k, acc);
    return acc;
  };
  /**
   * Kustomizations whose objects exist when `k` applies: what is Ready before it, and whatever applied it (or them).
   */
  const appliedBefore = (k: string): Set<string> => {
    let acc = appliedMemo.get(k);
    if (acc) return acc;
    acc = new Set<string>();
    const visit = (x: string) => {
      for (const y of [...readyBefore(x), kustomizations.get(x)?.appliedBy].filter((v): v is string => v !== undefined))
        if (!acc!.has(y)) visit((acc!.add(y), y));
    };
    visit(k);
    appliedMemo.set(k, acc);
    return acc;
  };
  const exists = (key: string, k: string): boolean => {
    if (preexisting.has(key)) return true;
    const by = where.get(key);
    return by !== undefined && (by === k || appliedBefore(k).has(by));
  };
  /** Whether an object is Ready before `k` applies: held by a Kustomization that is Ready before it. */
  const readyFor = (key: string, k: string): boolean => {
    if (preexisting.has(key)) return true;
    return [...readyBefore(k)].some((d) => kustomizations.get(d)?.checked.has(key));
  };
  const availableGroups = (k: string): Set<string> => {
    const groups = new Set<string>([...BUILT_IN_GROUPS, ...FLUX_GROUPS]);
    for (const d of readyBefore(k)) {
      for (const key of kustomizations.get(d)?.checked ?? []) {
        const o = kustomizations.get(d)?.applied.get(key);
        if (o?.kind === HELM_RELEASE) for (const g of CRD_CHARTS[chartName(o, d) ?? ""] ?? []) groups.add(g);
      }
    }
    return groups;
  };
  const chartName = (hr: K8sObject, k: string): string | undefined => {
    const spec = rec(hr.spec);
    const chart = str(rec(rec(spec.chart).spec).chart);
    if (chart) return chart;
    const ref = rec(spec.chartRef);
    const source = findObject(keyOf(str(ref.kind) ?? "", str(ref.namespace) ?? nsOf(hr), str(ref.name) ?? ""), k);
    return str(rec(source?.spec).url)?.split("/").pop();
  };
  const findObject = (key: string, k: string): K8sObject | undefined => {
    if (preexisting.has(key)) return preexisting.get(key);
    const by = where.get(key);
    return by && (by === k || appliedBefore(k).has(by)) ? kustomizations.get(by)?.applied.get(key) : undefined;
  };

  // The walk: apply each Kustomization once everything it depends on is Ready.
  // Everything is applied first; then each object is judged against the whole walk, since what
  // a layer references may only be known once later layers are built.
  const done = new Set<string>();
  for (;;) {
    const next = [...kustomizations.keys()].find(
      (k) => !done.has(k) && (kustomizations.get(k)?.dependsOn ?? []).every((d) => done.has(d)),
    );
    if (next === undefined) break;
    done.add(next);
    applyKustomization(next);
  }
  for (const k of done) judgeKustomization(k);
  for (const [k, state] of kustomizations) {
    if (done.has(k)) continue;
    // The controller resolves the source before it looks at dependencies.
    checkSourceRef(k, state);
    const missing = state.dependsOn.filter((d) => !kustomizations.has(d));
    const waiting = state.dependsOn.filter((d) => !done.has(d) && kustomizations.has(d));
    for (const d of missing)
      violate(k, "depends-on", `dependency '${d.replace(/^Kustomization /, "")}' not found`, "DependencyNotReady");
    if (waiting.length > 0)
      violate(
        k,
        "depends-on",
        `dependency '${waiting[0]!.replace(/^Kustomization /, "")}' is not ` +
          `ready: the layers wait on each other in a cycle`,
        "DependencyNotReady",
      );
  }
  for (const [k, state] of kustomizations) if (!state.appliedBy) checkRootTimeout(k, state);

  return out.sort((a, b) => a.object.localeCompare(b.object) || a.message.localeCompare(b.message));

  function stateOf(object: K8sObject, appliedBy: string | undefined): KState {
    const spec = rec(object.spec);
    const ns = nsOf(object) ?? "";
    return {
      object,
      ...(appliedBy ? { appliedBy } : {}),
      dependsOn: list(spec.dependsOn).map((d) => kName(str(d.name) ?? "", str(d.namespace) ?? ns)),
      applied: new Map(),
      checked: new Set(),
      timeoutMinutes: durationMinutes(str(spec.timeout) ?? str(spec.interval), 5),
    };
  }

  function applyKustomization(k: string): void {
    const state = kustomizations.get(k)!;
    const spec = rec(state.object.spec);
    const ns = nsOf(state.object) ?? "";
    checkSourceRef(k, state);
    checkAccount(k, state.object, k);
    for (const s of list(rec(spec.postBuild).substituteFrom)) {
      const key = keyOf(str(s.kind) ?? "ConfigMap", ns, str(s.name) ?? "");
      if (s.optional !== true && !exists(key, k))
        violate(
          k,
          "substitution",
          `substitute from '${str(s.kind) ?? ""}/${str(s.name) ?? ""}' error: ` +
            `${(str(s.kind) ?? "").toLowerCase()}s "${str(s.name) ?? ""}" not found`,
          "BuildFailed",
        );
      else if (findObject(key, k) && findObject(key, k)?.metadata.labels?.[WATCH_LABEL] !== "Enabled") {
        violate(
          key,
          "substitution",
          `lacks label ${WATCH_LABEL}: Enabled, so a changed value reaches ${k} only at its next interval`,
        );
      }
    }
    const built = buildDirectory(files, normalPath(str(spec.path) ?? ""));
    for (const p of built.problems) violate(k, "build", p, "BuildFailed");

    const groups = availableGroups(k);
    const creates = new Set(built.objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
    for (const o of built.objects) {
      const key = objectKey(o);
      if (where.has(key) || preexisting.has(key)) {
        violate(key, "duplicate", `applied by ${where.get(key) ?? "the extension"} and again by ${k}`);
        continue;
      }
      if (!groups.has(groupOf(o.apiVersion))) {
        violate(
          key,
          "crd-order",
          `${o.kind}/${nsOf(o) ? `${nsOf(o)}/` : ""}${o.metadata.name} dry-run ` +
            `failed: no matches for kind "${o.kind}" in version "${o.apiVersion}" ` +
            `(applied by ${k} before a release installing its CRDs is Ready)`,
          "ReconciliationFailed",
        );
      }
      const objectNs = nsOf(o);
      if (objectNs && !creates.has(objectNs) && !exists(keyOf("Namespace", undefined, objectNs), k))
        violate(key, "namespace", `namespaces "${objectNs}" not found (applied by ${k})`, "ReconciliationFailed");
      where.set(key, k);
      state.applied.set(key, o);
      if (o.kind === KUSTOMIZATION) kustomizations.set(key, stateOf(o, k));
    }

    const checks =
      spec.wait === true
        ? [...state.applied.keys()]
        : list(spec.healthChecks).map((h) =>
            keyOf(
              str(h.kind) ?? "",
              CLUSTER_SCOPED.has(str(h.kind) ?? "") ? undefined : (str(h.namespace) ?? ns),
              str(h.name) ?? "",
            ),
          );
    for (const c of checks) state.checked.add(c);
  }

  function checkSourceRef(k: string, state: KState): void {
    const ns = nsOf(state.object) ?? "";
    const source = rec(rec(state.object.spec).sourceRef);
    const sourceNs = str(source.namespace) ?? ns;
    const sourceKey = keyOf(str(source.kind) ?? "GitRepository", sourceNs, str(source.name) ?? "");
    if (flags.noCrossNamespaceRefs && sourceNs !== ns) {
      violate(
        k,
        "cross-namespace-ref",
        `can't access '${str(source.kind) ?? ""}/${sourceNs}/` +
          `${str(source.name) ?? ""}', cross-namespace references have been blocked`,
        "AccessDenied",
      );
    } else if (!exists(sourceKey, k)) violate(k, "source", `Source '${sourceKey}' not found`, "ArtifactFailed");
  }

  function judgeKustomization(k: string): void {
    const state = kustomizations.get(k)!;
    for (const c of state.checked) {
      if (!state.applied.has(c) && !exists(c, k))
        violate(
          k,
          "health-check",
          `health check of ${c} can never pass: no Kustomization applies it`,
          "HealthCheckFailed",
        );
    }
    for (const o of state.applied.values()) {
      if (o.kind === HELM_RELEASE) checkRelease(o, k);
      if (o.kind === "HelmRepository" || o.kind === "OCIRepository") checkSourceSecret(o, k);
      if (o.kind === "ExternalSecret") checkExternalSecret(o, k);
      if (o.kind === "StatefulSet" || o.kind === "Deployment" || o.kind === "Job") checkWorkloadSecrets(o, k);
    }
    checkLayerTimeout(k, state);
  }

  function checkAccount(owner: string, o: K8sObject, k: string): void {
    const account = str(rec(o.spec).serviceAccountName) ?? flags.defaultServiceAccount;
    const ns = nsOf(o) ?? "";
    if (account && !exists(keyOf("ServiceAccount", ns, account), k)) {
      violate(
        owner,
        "service-account",
        `impersonates system:serviceaccount:${ns}:${account}, which does not ` +
          `exist in namespace ${ns}: every action is forbidden (the extension ` +
          `creates ${account} in ${config.namespace} only)`,
        "ReconciliationFailed",
      );
    }
  }

  function crossNamespace(owner: string, kind: string, ownNs: string, refNs: string, name: string): boolean {
    if (!flags.noCrossNamespaceRefs || refNs === ownNs) return false;
    violate(
      owner,
      "cross-namespace-ref",
      `cross-namespace references are not allowed: cannot access ${kind} ${refNs}/${name}`,
      "AccessDenied",
    );
    return true;
  }

  function checkRelease(hr: K8sObject, k: string): void {
    const key = objectKey(hr);
    const ns = nsOf(hr) ?? "";
    const spec = rec(hr.spec);
    checkAccount(key, hr, k);
    const chart = rec(rec(spec.chart).spec);
    const ref = str(rec(chart.sourceRef).name) ? rec(chart.sourceRef) : rec(spec.chartRef);
    const refNs = str(ref.namespace) ?? ns;
    // A chart template is fetched through a HelmChart the controller creates beside the source.
    const viaChart = str(rec(chart.sourceRef).name) !== undefined;
    if (
      !crossNamespace(
        key,
        viaChart ? "HelmChart" : (str(ref.kind) ?? ""),
        ns,
        refNs,
        viaChart ? `${ns}-${hr.metadata.name}` : (str(ref.name) ?? ""),
      )
    ) {
      const sourceKey = keyOf(str(ref.kind) ?? "", refNs, str(ref.name) ?? "");
      if (!exists(sourceKey, k))
        violate(key, "source", `${sourceKey} is not applied before (or with) ${k}`, "ArtifactFailed");
    }
    for (const target of [str(spec.targetNamespace), str(spec.storageNamespace)]) {
      if (target && !exists(keyOf("Namespace", undefined, target), k))
        violate(key, "namespace", `namespaces "${target}" not found`, "InstallFailed");
    }
    for (const v of list(spec.valuesFrom)) {
      const vKey = keyOf(str(v.kind) ?? "ConfigMap", ns, str(v.name) ?? "");
      if (v.optional !== true && !exists(vKey, k))
        violate(
          key,
          "values",
          `could not resolve ${str(v.kind) ?? ""} chart values reference '${ns}/` +
            `${str(v.name) ?? ""}' with key '${str(v.valuesKey) ?? "values.yaml"}': ` +
            `not found`,
          "InitFailed",
        );
    }
    for (const d of list(spec.dependsOn)) {
      const dNs = str(d.namespace) ?? ns;
      const dKey = keyOf(HELM_RELEASE, dNs, str(d.name) ?? "");
      const by = where.get(dKey);
      if (by === undefined)
        violate(key, "depends-on", `dependency '${dNs}/${str(d.name) ?? ""}' not found`, "DependencyNotReady");
      else if (by !== k && !readyBefore(k).has(by) && !appliedBefore(k).has(by)) {
        violate(
          key,
          "depends-on",
          `dependency '${dNs}/${str(d.name) ?? ""}' is not ready: it is applied by ` +
            `${by}, which is not Ready before ${k}, so this layer waits on a later ` +
            `one`,
          "DependencyNotReady",
        );
      }
    }
    for (const action of ["install", "upgrade"] as const) {
      const policy = rec(spec[action]);
      const remediation = rec(policy.remediation);
      const retries = typeof remediation.retries === "number" ? remediation.retries : 0;
      if (str(rec(policy.strategy).name) === "RetryOnFailure" || retries < 0) continue;
      violate(
        key,
        "stall",
        `${action}.remediation.retries is ${retries}: after ${retries + 1} ` +
          `failed ${action}(s) the release is Stalled until reset by hand; use ` +
          `${action}.strategy RetryOnFailure or unlimited retries (-1)`,
        "RetriesExceeded",
      );
    }
  }

  function producerOf(secretNs: string, secret: string): [string, string] | undefined {
    // Asked only once the walk is done, so `where` is complete: indexed once, not scanned per reference.
    if (!producers) {
      producers = new Map();
      for (const [key, by] of where) {
        if (!key.startsWith("ExternalSecret ")) continue;
        const es = kustomizations.get(by)?.applied.get(key);
        if (!es) continue;
        const target = JSON.stringify([nsOf(es), str(rec(rec(es.spec).target).name) ?? es.metadata.name]);
        if (!producers.has(target)) producers.set(target, [key, by]);
      }
    }
    return producers.get(JSON.stringify([secretNs, secret]));
  }

  function checkSecretReady(owner: string, secretNs: string, secret: string, k: string, use: string): void {
    const producer = producerOf(secretNs, secret);
    if (!producer) {
      if (!exists(keyOf("Secret", secretNs, secret), k))
        violate(
          owner,
          "secret-order",
          `${use} secret '${secretNs}/${secret}' is never created: no Secret or ExternalSecret of the tree writes it`,
          "AuthenticationFailed",
        );
      return;
    }
    if (!readyFor(producer[0], k)) {
      violate(
        owner,
        "secret-order",
        `${use} secret '${secretNs}/${secret}' is written by ${producer[0]}, ` +
          `which is not Ready before ${k} applies this: move it to a layer after ` +
          `${producer[1]}`,
        "AuthenticationFailed",
      );
    }
  }

  function checkSourceSecret(source: K8sObject, k: string): void {
    const secret = str(rec(rec(source.spec).secretRef).name);
    if (secret) checkSecretReady(objectKey(source), nsOf(source) ?? "", secret, k, "pull");
  }

  function checkWorkloadSecrets(workload: K8sObject, k: string): void {
    const pod = rec(rec(rec(workload.spec).template).spec);
    for (const c of list(pod.containers)) {
      for (const e of list(c.env)) {
        const ref = rec(rec(e.valueFrom).secretKeyRef);
        if (str(ref.name) && ref.optional !== true)
          checkSecretReady(objectKey(workload), nsOf(workload) ?? "", str(ref.name)!, k, "environment");
      }
    }
  }

  function checkExternalSecret(es: K8sObject, k: string): void {
    const store = rec(rec(es.spec).secretStoreRef);
    if (str(store.kind) !== "ClusterSecretStore") return;
    const storeObject = findObject(keyOf("ClusterSecretStore", undefined, str(store.name) ?? ""), k);
    if (!storeObject) {
      violate(
        objectKey(es),
        "secret-store",
        `could not get ClusterSecretStore "${str(store.name) ?? ""}": not applied before or with ${k}`,
        "SecretSyncedError",
      );
      return;
    }
    const allowed = list(rec(storeObject.spec).conditions).flatMap((c) =>
      Array.isArray(c.namespaces) ? (c.namespaces as string[]) : [],
    );
    const conditioned = list(rec(storeObject.spec).conditions).length > 0;
    if (conditioned && !allowed.includes(nsOf(es) ?? "")) {
      violate(
        objectKey(es),
        "secret-store",
        `using cluster store "${str(store.name) ?? ""}" is not allowed from ` +
          `namespace "${nsOf(es) ?? ""}": denied by spec.condition`,
        "SecretSyncedError",
      );
    }
  }

  function checkLayerTimeout(k: string, state: KState): void {
    // Releases of a layer install in parallel except along their dependsOn; the layer waits for the longest chain.
    const releases = [...state.checked]
      .map((c) => state.applied.get(c))
      .filter((o): o is K8sObject => o?.kind === HELM_RELEASE);
    const byKey = new Map(releases.map((r) => [objectKey(r), r]));
    const memo = new Map<string, number>();
    const chain = (r: K8sObject, seen: Set<string>): number => {
      const key = objectKey(r);
      if (memo.has(key)) return memo.get(key)!;
      if (seen.has(key)) return 0;
      const deps = list(rec(r.spec).dependsOn)
        .map((d) => byKey.get(keyOf(HELM_RELEASE, str(d.namespace) ?? nsOf(r), str(d.name) ?? "")))
        .filter((x): x is K8sObject => x !== undefined);
      const own = durationMinutes(str(rec(r.spec).timeout), 5);
      const total = own + Math.max(0, ...deps.map((d) => chain(d, new Set([...seen, key]))));
      memo.set(key, total);
      return total;
    };
    const needed = Math.max(0, ...releases.map((r) => chain(r, new Set())));
    if (needed > state.timeoutMinutes)
      violate(
        k,
        "timeout",
        `waits at most ${state.timeoutMinutes}m for its health checks, but its ` +
          `releases may take ${needed}m one after another`,
        "HealthCheckFailed",
      );
  }

  function checkRootTimeout(k: string, state: KState): void {
    if (rec(state.object.spec).wait !== true) return;
    // What the root waits for: the Kustomizations below it, one after another along their dependsOn.
    const below = [...kustomizations.entries()].filter(([x]) => x !== k && appliedBefore(x).has(k));
    const memo = new Map<string, number>();
    const path = (x: string, seen: Set<string>): number => {
      if (memo.has(x)) return memo.get(x)!;
      if (seen.has(x)) return 0;
      const s = kustomizations.get(x);
      const total =
        (s?.timeoutMinutes ?? 0) +
        Math.max(
          0,
          ...(s?.dependsOn ?? [])
            .filter((d) => below.some(([b]) => b === d))
            .map((d) => path(d, new Set([...seen, x]))),
        );
      memo.set(x, total);
      return total;
    };
    const needed = Math.max(0, ...below.map(([x]) => path(x, new Set())));
    if (needed > state.timeoutMinutes) {
      violate(
        k,
        "timeout",
        `waits at most ${Math.round(state.timeoutMinutes)}m, but the ` +
          `Kustomizations it applies may take ${needed}m one after another: a ` +
          `first deploy that succeeds would be reported as failed`,
        "HealthCheckFailed",
      );
    }
  }
}
