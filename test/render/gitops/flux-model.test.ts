// The Flux model against the shipped trees (they must reconcile under the extension's default
// flags) and against trees broken the ways a real AKS cluster refuses: each breakage must come
// back as the controller's own message, naming the object and the rule.
import { parseAllDocuments, stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import type { Environment } from "../../../src/model/environment.js";
import { fluxKustomizations } from "../../../src/render/bicep/flux-entry.js";
import { FLUX } from "../../../src/render/gitops/contract.js";
import { checkFluxTree, extensionFlags, type FluxViolation } from "../../../src/render/gitops/flux-model/check.js";
import { checkEnvironmentFlux } from "../../../src/render/gitops/flux-model/environment.js";
import { gitopsRoot } from "../../../src/render/gitops/render.js";
import type { RenderedTree } from "../../../src/render/tree.js";
import { ENV_NAMES, loadEnv, outputsManifest, render } from "./support.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(ENV_NAMES)("environments/%s.yaml", (name) => {
  it("reconciles on an empty cluster under the extension's default flags (multi-tenancy enforced)", async () => {
    const env = loadEnv(name);
    expect(env.gitops.multiTenancy.enforce).toBe(true);
    expect(checkEnvironmentFlux(env, await render(env))).toEqual([]);
  });
});

describe("a tree the controllers would refuse", () => {
  let env: Environment;
  let tree: RenderedTree;
  beforeAll(async () => {
    env = loadEnv("prod");
    tree = await render(env);
  });

  const path = (p: string) => `${gitopsRoot(env)}/${p}`;
  /** Rewrites the documents of one file of the tree. */
  const edit = (files: RenderedTree, p: string, change: (docs: Obj[]) => Obj[]): RenderedTree => {
    const out = new Map(files);
    const text = out.get(path(p));
    if (text === undefined) throw new Error(`no ${p}`);
    const docs = parseAllDocuments(text)
      .map((d) => d.toJS() as Obj)
      .filter((d) => d !== null);
    out.set(
      path(p),
      change(docs)
        .map((d) => `---\n${stringify(d)}`)
        .join(""),
    );
    return out;
  };
  const check = (files: RenderedTree, enforce = true, rootTimeoutSeconds?: number): FluxViolation[] => {
    const withOutputs = new Map(files).set(path(FLUX.outputsFile), outputsManifest(env));
    const kustomizations = fluxKustomizations(env).map((k) => ({
      ...k,
      wait: true,
      ...(rootTimeoutSeconds ? { timeoutSeconds: rootTimeoutSeconds } : {}),
    }));
    return checkFluxTree(
      withOutputs,
      { name: FLUX.sourceName, namespace: FLUX.namespace, kustomizations },
      extensionFlags(enforce, FLUX.applierServiceAccount),
    );
  };
  const rules = (violations: FluxViolation[]) => [...new Set(violations.map((v) => v.rule))].sort();

  it(
    "refuses a HelmRelease in its workload namespace: cross-namespace " +
      "source, no flux-applier there, values out of reach",
    () => {
      const moved = edit(tree, "applications/codemie-api/helmrelease.yaml", ([hr]) => [
        {
          ...hr,
          metadata: { ...hr!.metadata, namespace: "codemie" },
          spec: { ...hr!.spec, chartRef: { ...hr!.spec.chartRef, namespace: FLUX.namespace } },
        },
      ]);
      const violations = check(moved).filter((v) => v.object === "HelmRelease codemie/codemie-api");
      expect(violations.map((v) => v.message)).toEqual(
        expect.arrayContaining([
          "cross-namespace references are not allowed: cannot access OCIRepository flux-system/codemie",
          expect.stringContaining(
            "impersonates system:serviceaccount:codemie:flux-applier, which does not exist in namespace codemie",
          ),
          expect.stringContaining("could not resolve ConfigMap chart values reference 'codemie/codemie-api-values'"),
        ]),
      );
      expect(violations.find((v) => v.rule === "cross-namespace-ref")?.reason).toBe("AccessDenied");
      // The layer's health check now names a HelmRelease no layer applies.
      expect(
        check(moved).some(
          (v) => v.object === "Kustomization flux-system/codemie-applications" && v.rule === "health-check",
        ),
      ).toBe(true);
      // With enforcement off the source and the account are fine; the values and the unqualified
      // dependsOn still are not.
      expect(rules(check(moved, false).filter((v) => v.object === "HelmRelease codemie/codemie-api"))).toEqual([
        "depends-on",
        "values",
      ]);
    },
  );

  it("refuses a layer Kustomization whose source is in another namespace", () => {
    const broken = edit(tree, "layers.yaml", (docs) =>
      docs.map((k) =>
        k.metadata.name === "codemie-data"
          ? {
              ...k,
              metadata: { ...k.metadata, namespace: "elastic" },
              spec: { ...k.spec, sourceRef: { ...k.spec.sourceRef, namespace: FLUX.namespace } },
            }
          : k,
      ),
    );
    const messages = check(broken)
      .filter((v) => v.object === "Kustomization elastic/codemie-data")
      .map((v) => v.message);
    expect(messages).toContain(
      "can't access 'GitRepository/flux-system/codemie', cross-namespace references have been blocked",
    );
  });

  it("refuses a release that stalls for good after its remediation retries", () => {
    const broken = edit(tree, "data/elasticsearch/helmrelease.yaml", ([hr]) => [
      { ...hr, spec: { ...hr!.spec, install: { remediation: { retries: 3 } } } },
    ]);
    const stall = check(broken).filter((v) => v.rule === "stall");
    expect(stall.map((v) => v.object)).toEqual(["HelmRelease flux-system/elasticsearch"]);
    expect(stall[0]?.message).toContain("after 4 failed install(s) the release is Stalled until reset by hand");
  });

  it("refuses an authenticated source applied before its pull secret is Ready", () => {
    const [codemie] = parseAllDocuments(tree.get(path("databases/sources.yaml"))!)
      .map((d) => d.toJS() as Obj)
      .filter((d) => d.spec?.secretRef);
    const early = edit(
      edit(tree, "databases/sources.yaml", (docs) => docs.filter((d) => d.metadata.name !== codemie!.metadata.name)),
      "infrastructure/sources.yaml",
      (docs) => [...docs, codemie!],
    );
    const v = check(early).filter((x) => x.rule === "secret-order");
    expect(v.map((x) => x.object)).toEqual([`OCIRepository flux-system/${String(codemie!.metadata.name)}`]);
    expect(v[0]?.message).toContain(
      "is not Ready before Kustomization flux-system/codemie-infrastructure applies this",
    );
  });

  it("refuses a post-install Job reading a secret the tree never writes in its namespace", () => {
    const broken = edit(tree, "post-install/litellm-app-key/job.yaml", ([job]) => {
      const copy = structuredClone(job!);
      copy.spec.template.spec.containers[0].env.at(-1).valueFrom.secretKeyRef.name = "nowhere";
      return [copy];
    });
    const v = check(broken).filter((x) => x.rule === "secret-order");
    expect(v.map((x) => `${x.object}: ${x.message}`)).toEqual([
      "Job codemie/litellm-app-key: environment secret 'codemie/nowhere' is " +
        "never created: no Secret or ExternalSecret of the tree writes it",
    ]);
  });

  it("refuses a release that waits on one a later layer installs", () => {
    const broken = edit(tree, "infrastructure/ingress-nginx/helmrelease.yaml", ([hr]) => [
      { ...hr, spec: { ...hr!.spec, dependsOn: [{ name: "codemie-api" }] } },
    ]);
    const v = check(broken).filter((x) => x.rule === "depends-on");
    expect(v.map((x) => x.object)).toEqual(["HelmRelease flux-system/ingress-nginx"]);
    expect(v[0]?.message).toMatch(
      /^dependency 'flux-system\/codemie-api' is not ready: .*this layer waits on a later one$/,
    );
  });

  it("refuses custom resources applied before the release that installs their CRDs is Ready", () => {
    const store = edit(tree, "infrastructure/namespaces.yaml", (docs) => [
      ...docs,
      { apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: "early" }, spec: {} },
    ]);
    expect(check(store).find((v) => v.rule === "crd-order")?.message).toContain(
      'no matches for kind "ClusterSecretStore" in version "external-secrets.io/v1"',
    );
  });

  it("refuses objects in a namespace the configuration never creates", () => {
    const broken = edit(tree, "infrastructure/namespaces.yaml", (docs) =>
      docs.filter((d) => d.metadata.name !== "elastic"),
    );
    expect(
      check(broken)
        .filter((v) => v.rule === "namespace")
        .map((v) => v.message),
    ).toContain('namespaces "elastic" not found');
  });

  it("refuses a root that gives up before its layers can finish", () => {
    const v = check(tree, true, 3600).filter((x) => x.rule === "timeout");
    expect(v.map((x) => x.object)).toEqual(["Kustomization flux-system/codemie-root"]);
    expect(v[0]?.message).toMatch(
      /^waits at most 60m, but the Kustomizations it applies may take \d+m one after another/,
    );
  });

  it("refuses an outputs ConfigMap without the watch label", () => {
    const files = new Map(tree).set(
      path(FLUX.outputsFile),
      outputsManifest(env)
        .replace(/\n {4}reconcile\.fluxcd\.io\/watch: Enabled/, "")
        .replace(/\n {2}labels: \{\}/, ""),
    );
    const kustomizations = fluxKustomizations(env).map((k) => ({ ...k, wait: true }));
    const v = checkFluxTree(
      files,
      { name: FLUX.sourceName, namespace: FLUX.namespace, kustomizations },
      extensionFlags(true, FLUX.applierServiceAccount),
    );
    expect(v.map((x) => `${x.object}: ${x.rule}`)).toContain(
      `ConfigMap flux-system/${FLUX.outputsConfigMap}: substitution`,
    );
  });
});
