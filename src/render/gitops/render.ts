// Renders the GitOps tree of an environment: Helm values and Flux objects under
// `<gitops.path>/` (default `clusters/<env>/`), laid out by the templates in helm-values/.
// Pure: the caller passes the template renderer and writes the returned tree.
//
//   <root>/kustomization.yaml      what the fluxConfiguration applies: the deploy outputs
//                                  (infra-outputs.yaml, written by the deploy step) and layers.yaml
//   <root>/layers.yaml             one Flux Kustomization per layer, each depending on the last
//   <root>/<layer>/kustomization.yaml + kustomizeconfig.yaml
//   <root>/<layer>/<release>/helmrelease.yaml + values.yaml (values in a generated ConfigMap)
//   <root>/infrastructure/{namespaces,storage-class,sources}.yaml
//   <root>/secrets/{cluster-secret-store,external-secrets}.yaml
//   <root>/databases/postgres-roles.yaml (the PostgreSQL roles Job, before any application)
//   <root>/security/keycloak-db.yaml (in-cluster Keycloak database only)
//   <root>/<layer>/<job>/job.yaml + run.sh (+ data files): post-install Jobs, script in a generated ConfigMap
import { component } from "../../catalogue/components.js";
import { STORAGE_CLASS } from "../../catalogue/platform.js";
import type { Environment } from "../../model/environment.js";
import type { RenderTemplate } from "../engine.js";
import { renderKept } from "../memo.js";
import { generatedHeader, type RenderedTree } from "../tree.js";
import { FLUX, substitutionVariables } from "./contract.js";
import { encodeData, fluxLiteral, substitutionVariablesIn } from "./flux.js";
import { jobConfigMap, jobContext, jobDataContext } from "./jobs.js";
import { planGitops, type GitopsPlan, type LayerPlan, type ReleasePlan } from "./plan.js";
import { NETWORK_POLICIES_FILE, networkPolicies, networkPoliciesContext } from "./network-policies.js";
import { SECRET_STORE, secretStore } from "./secrets.js";
import { environmentValues } from "./values.js";

export { FLUX, substitutionVariables, vaultSecrets } from "./contract.js";
export { planGitops } from "./plan.js";

/** MCP Connect's own namespace runs under Pod Security "restricted" (CodeMie 2.35+). */
const RESTRICTED_NAMESPACE = component("mcpConnect").namespace;
const RESTRICTED_LABELS = [
  { key: "pod-security.kubernetes.io/audit", value: "restricted" },
  { key: "pod-security.kubernetes.io/enforce", value: "restricted" },
  { key: "pod-security.kubernetes.io/enforce-version", value: "latest" },
  { key: "pod-security.kubernetes.io/warn", value: "restricted" },
];

/** Directory of the tree inside the GitOps repository (and of the rendered output). */
export function gitopsRoot(env: Environment): string {
  return env.gitops.path
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

export function renderGitops(env: Environment, render: RenderTemplate): RenderedTree {
  const plan = planGitops(env);
  const root = gitopsRoot(env);
  // eslint-disable-next-line no-control-regex
  const header = generatedHeader(fluxLiteral(env.file).replace(/[\u0000-\u001f\u007f]/g, "?"), "#");
  const files: Array<[string, string]> = [];
  const add = (path: string, body: string) =>
    files.push([root ? `${root}/${path}` : path, `${header}\n${body.endsWith("\n") ? body : `${body}\n`}`]);
  const emit = (path: string, template: string, context: object) => {
    const { encoded, plain } = encodeData(context);
    add(path, plain ? renderKept(render, template, encoded, JSON.stringify(encoded)) : render(template, encoded));
  };
  // A script or data file is text for another language: Flux must hand it over unchanged, so all of it is escaped.
  const emitLiteral = (path: string, template: string, context: object) =>
    add(path, fluxLiteral(render(template, context)));

  // The root: the deploy outputs (written by the deploy step) and the layer Kustomizations.
  emit("kustomization.yaml", "helm-values/flux/kustomization.yaml.hbs", {
    resources: [FLUX.outputsFile, "layers.yaml"],
    generators: [],
  });
  emit("layers.yaml", "helm-values/flux/layers.yaml.hbs", {
    layers: plan.layers.map((l) => layerContext(l, root)),
  });

  for (const layer of plan.layers) {
    const resources: string[] = [];
    const generators: Array<{ name: string; namespace: string; files: string[] }> = [];
    if (layer.layer === "infrastructure") {
      emit(`${layer.layer}/namespaces.yaml`, "helm-values/flux/namespaces.yaml.hbs", {
        namespaces: plan.namespaces.map((name) => ({
          name,
          labels: name === RESTRICTED_NAMESPACE ? RESTRICTED_LABELS : [],
        })),
      });
      emit(`${layer.layer}/storage-class.yaml`, "helm-values/flux/storage-class.yaml.hbs", {
        name: STORAGE_CLASS,
        reclaimPolicy: env.production ? "Retain" : "Delete",
      });
      resources.push("namespaces.yaml", "storage-class.yaml");
      const policies = networkPolicies(env, plan.namespaces);
      if (policies.length > 0) {
        emit(
          `${layer.layer}/${NETWORK_POLICIES_FILE}`,
          "helm-values/flux/network-policies.yaml.hbs",
          networkPoliciesContext(policies),
        );
        resources.push(NETWORK_POLICIES_FILE);
      }
    }
    const oci = plan.ociRepositories.filter((o) => o.layer === layer.layer);
    const helm = layer.layer === "infrastructure" ? plan.helmRepositories : [];
    if (oci.length + helm.length > 0) {
      emit(`${layer.layer}/sources.yaml`, "helm-values/flux/sources.yaml.hbs", {
        namespace: FLUX.namespace,
        helmRepositories: helm,
        ociRepositories: oci.map((o) => ({ ...o, secretRef: o.secretRef ?? "" })),
      });
      resources.push("sources.yaml");
    }
    if (layer.layer === "secrets") {
      emit(
        `${layer.layer}/cluster-secret-store.yaml`,
        "helm-values/flux/cluster-secret-store.yaml.hbs",
        secretStore(env),
      );
      emit(`${layer.layer}/external-secrets.yaml`, "helm-values/flux/external-secrets.yaml.hbs", {
        secrets: plan.externalSecrets.map((s) => ({ ...s, type: s.type ?? "", template: s.template ?? [] })),
        store: SECRET_STORE,
      });
      resources.push("cluster-secret-store.yaml", "external-secrets.yaml");
    }
    if (layer.layer === "databases") {
      emit(`${layer.layer}/postgres-roles.yaml`, "helm-values/flux/postgres-roles.yaml.hbs", plan.postgresRoles);
      resources.push("postgres-roles.yaml");
    }
    if (layer.layer === "security" && plan.keycloakDb) {
      emit(`${layer.layer}/keycloak-db.yaml`, "helm-values/flux/keycloak-db.yaml.hbs", plan.keycloakDb);
      resources.push("keycloak-db.yaml");
    }
    for (const r of layer.releases) {
      const dir = `${layer.layer}/${r.release}`;
      emit(`${dir}/helmrelease.yaml`, "helm-values/flux/helmrelease.yaml.hbs", {
        ...releaseContext(r),
        values: environmentValues(env, r.id) ?? null,
      });
      emit(`${dir}/values.yaml`, r.values.template, r.values.context);
      resources.push(`${r.release}/helmrelease.yaml`);
      generators.push({
        name: valuesConfigMap(r),
        namespace: FLUX.namespace,
        files: [`values.yaml=${r.release}/values.yaml`],
      });
    }
    for (const job of layer.jobs) {
      const dir = `${layer.layer}/${job.name}`;
      emit(`${dir}/job.yaml`, "helm-values/flux/job.yaml.hbs", jobContext(job));
      emitLiteral(`${dir}/run.sh`, job.script, {});
      const data = Object.entries(job.data ?? {});
      for (const [file, template] of data) emitLiteral(`${dir}/${file}`, template, jobDataContext());
      resources.push(`${job.name}/job.yaml`);
      generators.push({
        name: jobConfigMap(job),
        namespace: job.namespace,
        files: [`run.sh=${job.name}/run.sh`, ...data.map(([file]) => `${file}=${job.name}/${file}`)],
      });
    }
    emit(`${layer.layer}/kustomization.yaml`, "helm-values/flux/kustomization.yaml.hbs", { resources, generators });
    if (generators.length > 0)
      emit(`${layer.layer}/kustomizeconfig.yaml`, "helm-values/flux/kustomizeconfig.yaml.hbs", {});
  }

  const allowed = new Set<string>(substitutionVariables(env).map((v) => v.name));
  for (const [path, content] of files) {
    for (const name of substitutionVariablesIn(content)) {
      if (!allowed.has(name))
        throw new Error(`${path}: references substitution variable \${${name}} that ${env.file} does not provide`);
    }
  }
  return new Map(files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function valuesConfigMap(r: ReleasePlan): string {
  return `${r.release}-values`;
}

// The HelmRelease, its values and its chart source all live in FLUX.namespace, the only
// namespace whose objects helm-controller may reference under --no-cross-namespace-refs and the
// one where the extension's flux-applier account (impersonated by default) exists; the release
// itself is installed into, and its Helm storage kept in, the workload namespace.
function releaseContext(r: ReleasePlan): object {
  return {
    name: r.release,
    namespace: FLUX.namespace,
    targetNamespace: r.namespace,
    chart:
      r.chart.kind === "HelmRepository"
        ? { name: r.chart.chart, version: r.chart.version, source: r.chart.source }
        : null,
    chartRef: r.chart.kind === "OCIRepository" ? { name: r.chart.source } : null,
    dependsOn: r.dependsOn.map((d) => ({ name: d.name })),
    timeout: r.timeout,
    retryInterval: RETRY_INTERVAL,
    installRetry: r.install.strategy === "RetryOnFailure",
    upgradeRetry: r.upgrade.strategy === "RetryOnFailure",
    disableUpgradeHooks: r.disableUpgradeHooks,
    valuesConfigMap: valuesConfigMap(r),
    postRender: r.spread !== undefined || r.readOnlyRoot.length > 0,
    spread: r.spread ?? null,
    readOnlyRoot: r.readOnlyRoot,
    driftIgnore: DRIFT_IGNORE,
  };
}

/** Pause between retries of a failed install or upgrade (helm-controller's default is 5m). */
const RETRY_INTERVAL = "3m";

/**
 * Fields that controllers write into released objects after Helm applied them (webhook CA
 * bundles injected by cert controllers and admission patch jobs), which drift detection ignores.
 */
const DRIFT_IGNORE = [
  { kind: "ValidatingWebhookConfiguration", paths: [0, 1, 2].map((i) => `/webhooks/${i}/clientConfig/caBundle`) },
  { kind: "MutatingWebhookConfiguration", paths: [0, 1, 2].map((i) => `/webhooks/${i}/clientConfig/caBundle`) },
  { kind: "CustomResourceDefinition", paths: ["/spec/conversion/webhook/clientConfig/caBundle"] },
];

function layerContext(l: LayerPlan, root: string): object {
  return {
    name: l.name,
    namespace: FLUX.namespace,
    path: root ? `./${root}/${l.layer}` : `./${l.layer}`,
    source: FLUX.sourceName,
    timeout: l.timeout,
    dependsOn: l.dependsOn ? [l.dependsOn] : [],
    outputs: FLUX.outputsConfigMap,
    healthChecks: l.healthChecks.map((h) => ({ ...h, namespace: h.namespace ?? "" })),
    healthCheckExprs: l.healthCheckExprs,
  };
}

export type { GitopsPlan };
