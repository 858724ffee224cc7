import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUPPORTED_KINDS, validateManifest, validateYamlStream } from "../support/k8s-validate.js";
import { findKustomizeTool, kustomizeBuild } from "../support/kustomize.js";

function helmRelease(): Record<string, unknown> {
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name: "codemie", namespace: "codemie", labels: { "app.kubernetes.io/part-of": "codemie" } },
    spec: {
      interval: "10m",
      timeout: "15m",
      releaseName: "codemie",
      chartRef: { kind: "OCIRepository", name: "codemie-chart", namespace: "flux-system" },
      dependsOn: [{ name: "ingress-nginx", namespace: "ingress-nginx" }, { name: "external-secrets" }],
      install: { createNamespace: false, remediation: { retries: 3 } },
      upgrade: { cleanupOnFail: true, remediation: { retries: 3, remediateLastFailure: true, strategy: "rollback" } },
      valuesFrom: [
        { kind: "ConfigMap", name: "codemie-values", valuesKey: "values.yaml" },
        { kind: "ConfigMap", name: "codemie-env-values", valuesKey: "values.yaml", optional: true },
      ],
      // Free-form (x-kubernetes-preserve-unknown-fields): anything goes.
      values: { ingress: { enabled: true, hosts: [{ host: "codemie.example.com", paths: ["/"] }] }, replicaCount: 2 },
    },
  };
}

function spec(obj: Record<string, unknown>): Record<string, unknown> {
  return obj.spec as Record<string, unknown>;
}

describe("validateManifest", () => {
  it("accepts a HelmRelease v2 with chartRef, valuesFrom, dependsOn and install/upgrade remediation", () => {
    expect(validateManifest(helmRelease())).toEqual([]);
  });

  it("rejects a misspelt HelmRelease field and names the field it meant", () => {
    const hr = helmRelease();
    const s = spec(hr);
    s.intervall = s.interval;
    delete s.interval;
    const errors = validateManifest(hr);
    expect(errors).toContain('/spec/intervall: unknown field "intervall" (did you mean "interval"?)');
    expect(errors).toContain('/spec: missing required field "interval"');
  });

  it("rejects an unknown field nested in a list item", () => {
    const hr = helmRelease();
    (spec(hr).valuesFrom as Array<Record<string, unknown>>)[0] = { kind: "ConfigMap", nmae: "codemie-values" };
    const errors = validateManifest(hr);
    expect(errors).toContain('/spec/valuesFrom/0/nmae: unknown field "nmae" (did you mean "name"?)');
    expect(errors).toContain('/spec/valuesFrom/0: missing required field "name"');
  });

  it("rejects wrong types and values outside an enum", () => {
    const hr = helmRelease();
    spec(hr).install = { remediation: { retries: "three" } };
    spec(hr).chartRef = { kind: "GitRepository", name: "codemie-chart" };
    const errors = validateManifest(hr);
    expect(errors).toContain("/spec/install/remediation/retries: must be integer");
    expect(errors).toContain('/spec/chartRef/kind: must be one of "OCIRepository", "HelmChart", "ExternalArtifact"');
  });

  it("rejects kinds and API versions it has no schema for, pointing at the served version", () => {
    expect(validateManifest({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })).toEqual([
      'unsupported apiVersion/kind "example.com/v1" Widget: no offline schema ' +
        "is registered for it in src/kubernetes/schema.ts",
    ]);
    const [retired] = validateManifest({
      apiVersion: "source.toolkit.fluxcd.io/v1beta2",
      kind: "OCIRepository",
      metadata: { name: "c" },
      spec: {},
    });
    expect(retired).toMatch(/removed from AKS microsoft\.flux 1\.23\.0.*use "source\.toolkit\.fluxcd\.io\/v1"/);
    const [eso] = validateManifest({
      apiVersion: "external-secrets.io/v1beta1",
      kind: "ExternalSecret",
      metadata: { name: "s" },
    });
    expect(eso).toMatch(/not served since External Secrets Operator 0\.17\.0; use "external-secrets\.io\/v1"/);
    expect(validateManifest({ kind: "ConfigMap" })).toEqual(["/apiVersion: required string is missing"]);
    expect(validateManifest("kind: ConfigMap")).toEqual(["manifest must be a mapping, got a string"]);
  });

  it("accepts a Flux Kustomization v1 with dependsOn, healthChecks and wait", () => {
    const ks = {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "codemie", namespace: "flux-system" },
      spec: {
        interval: "10m",
        retryInterval: "1m",
        timeout: "10m",
        path: "./clusters/dev/codemie",
        prune: true,
        wait: true,
        dependsOn: [{ name: "infrastructure" }],
        sourceRef: { kind: "GitRepository", name: "flux-system" },
        healthChecks: [
          { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", name: "codemie", namespace: "codemie" },
        ],
      },
    };
    expect(validateManifest(ks)).toEqual([]);
    delete (ks.spec as Record<string, unknown>).prune;
    expect(validateManifest(ks)).toEqual(['/spec: missing required field "prune"']);
  });

  it("rejects an ExternalSecret whose data item lacks remoteRef", () => {
    const es = {
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "codemie-db", namespace: "codemie" },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { kind: "ClusterSecretStore", name: "azure-key-vault" },
        target: { name: "codemie-db", creationPolicy: "Owner" },
        data: [{ secretKey: "password", remoteRef: { key: "codemie-db-password" } }],
      },
    };
    expect(validateManifest(es)).toEqual([]);
    delete (es.spec.data[0] as Record<string, unknown>).remoteRef;
    expect(validateManifest(es)).toEqual(['/spec/data/0: missing required field "remoteRef"']);
  });

  it("checks object names as the API server does", () => {
    expect(validateManifest({ apiVersion: "v1", kind: "Namespace", metadata: { name: "codemie.dev" } })).toEqual([
      '/metadata/name: "codemie.dev" is not a valid RFC 1123 label ' +
        "(lower-case alphanumerics and '-', at most 63 characters)",
    ]);
    expect(
      validateManifest({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "codemie" }, data: {} }),
    ).toEqual(["/metadata/name: required (generateName is not usable with GitOps apply)"]);
  });

  it.each(SUPPORTED_KINDS.map((k) => [`${k.apiVersion} ${k.kind}`, k] as const))(
    "%s: unknown top-level fields are caught",
    (_, k) => {
      const errors = validateManifest({
        apiVersion: k.apiVersion,
        kind: k.kind,
        metadata: { name: "x", labelz: {} },
        bogus: 1,
      });
      expect(errors).toContain('/bogus: unknown field "bogus"');
      expect(errors).toContain('/metadata/labelz: unknown field "labelz" (did you mean "labels"?)');
    },
  );
});

describe("validateYamlStream", () => {
  it("validates every document, labels errors and skips kustomization.yaml documents", () => {
    const text = [
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [ns.yaml]",
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: codemie",
      "",
      "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: " +
        "premium-retain\nprovisioner: disk.csi.azure.com\nreclaimPolicyy: Retain",
    ].join("\n---\n");
    expect(validateYamlStream(text, "clusters/dev/base.yaml")).toEqual([
      "clusters/dev/base.yaml#3 StorageClass/premium-retain: /reclaimPolicyy: " +
        'unknown field "reclaimPolicyy" (did you mean "reclaimPolicy"?)',
    ]);
  });

  it("reports YAML that does not parse, including duplicate keys", () => {
    const [error] = validateYamlStream("apiVersion: v1\nkind: Namespace\nkind: ConfigMap\n", "dup.yaml");
    expect(error).toMatch(/^dup\.yaml: YAML does not parse: duplicated mapping key/);
  });
});

describe("kustomizeBuild", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "codemie-kustomize-"));
    await mkdir(path.join(dir, "namespace"));
    await writeFile(
      path.join(dir, "namespace", "kustomization.yaml"),
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace.yaml\n",
    );
    await writeFile(
      path.join(dir, "namespace", "namespace.yaml"),
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: codemie\n",
    );
    await writeFile(path.join(dir, "values.yaml"), "replicaCount: 2\n");
    await writeFile(path.join(dir, "helmrelease.yaml"), yaml.dump(helmRelease()));
    // The pattern Flux documents for values generated by kustomize: a nameReference so that the
    // HelmRelease's valuesFrom follows the hashed ConfigMap name.
    await writeFile(
      path.join(dir, "kustomizeconfig.yaml"),
      "nameReference:\n  - kind: ConfigMap\n    version: v1\n    fieldSpecs:\n " +
        "     - path: spec/valuesFrom/name\n        kind: HelmRelease\n",
    );
    await writeFile(
      path.join(dir, "kustomization.yaml"),
      [
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "namespace: codemie",
        "resources:",
        "  - namespace",
        "  - helmrelease.yaml",
        "configMapGenerator:",
        "  - name: codemie-values",
        "    files:",
        "      - values.yaml",
        "configurations:",
        "  - kustomizeconfig.yaml",
        "",
      ].join("\n"),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finds kubectl (or kustomize) with kustomize v5+, or fails saying how to install it", async () => {
    const tool = await findKustomizeTool();
    expect(tool.description).toMatch(/kustomize v?5\./);
  });

  it("builds a directory with a configMapGenerator into valid manifests with a hashed ConfigMap name", async () => {
    const out = await kustomizeBuild(dir);
    const docs = yaml.loadAll(out) as Array<{
      kind: string;
      metadata: { name: string; namespace?: string };
      data?: Record<string, string>;
      spec?: Record<string, unknown>;
    }>;
    const configMap = docs.find((d) => d.kind === "ConfigMap");
    expect(configMap?.metadata.name).toMatch(/^codemie-values-[a-z0-9]{10}$/);
    expect(configMap?.metadata.namespace).toBe("codemie");
    expect(configMap?.data?.["values.yaml"]).toBe("replicaCount: 2\n");
    const release = docs.find((d) => d.kind === "HelmRelease");
    const valuesFrom = release?.spec?.valuesFrom as Array<{ name: string }>;
    expect(valuesFrom.map((v) => v.name)).toEqual([configMap?.metadata.name, "codemie-env-values"]);
    expect(docs.map((d) => d.kind).sort()).toEqual(["ConfigMap", "HelmRelease", "Namespace"]);
    expect(validateYamlStream(out, "kustomize build")).toEqual([]);
  });

  it("rejects with kustomize's own message when the build fails", async () => {
    const broken = await mkdtemp(path.join(os.tmpdir(), "codemie-kustomize-broken-"));
    try {
      await writeFile(
        path.join(broken, "kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - missing.yaml\n",
      );
      await expect(kustomizeBuild(broken)).rejects.toThrow(/missing\.yaml/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
