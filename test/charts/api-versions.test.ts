// `.Capabilities`: Helm is told the environment's Kubernetes version and every API version the
// cluster serves once the tree is applied (Flux's kinds, the CRDs keycloak-operator and
// external-secrets install), so a chart that gates a template on a CRD renders it as it would in
// the cluster. A chart whose template asks about a CRD another release renders is templated again.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { locateHelm } from "../../src/adapters/helm/locate.js";
import { templateReleases, type ChartedRelease } from "../../src/app/render-kubernetes.js";
import { capabilityQuestions } from "../../src/kubernetes/api-versions.js";
import type { ReleaseInput } from "../../src/kubernetes/helm-release.js";
import { rendered, ROOT } from "./support.js";

const SLOW = 300_000;

/** A one-template chart written for the test: it asks Helm what the cluster serves. */
function probeChart(template: string): string {
  const dir = mkdtempSync(join(tmpdir(), "probe-chart-"));
  writeFileSync(join(dir, "Chart.yaml"), "apiVersion: v2\nname: probe\nversion: 0.1.0\n");
  mkdirSync(join(dir, "templates"));
  writeFileSync(join(dir, "templates", "probe.yaml"), template);
  return dir;
}

const release = (name: string): ReleaseInput => ({
  name,
  namespace: "flux-system",
  releaseName: name,
  targetNamespace: "probe",
  chart: { name: "probe", version: "0.1.0", repository: "https://charts.invalid" },
  values: {},
  includeCrds: true,
  postRenderers: [],
});

describe("capabilities", () => {
  it(
    "tells Helm the CRD versions earlier layers install and the API versions the tree applies",
    { timeout: SLOW },
    async () => {
      const { k8s } = await rendered("prod");
      expect(k8s.apiVersions).toEqual(
        expect.arrayContaining([
          "external-secrets.io/v1",
          "external-secrets.io/v1/ExternalSecret",
          "external-secrets.io/v1/ClusterSecretStore",
          "v1.edp.epam.com/v1/KeycloakRealm",
          "helm.toolkit.fluxcd.io/v2/HelmRelease",
        ]),
      );
    },
  );

  it(
    "passes --api-versions and --kube-version through to the templates, and " +
      "templates again a chart asking about a CRD another release renders",
    { timeout: SLOW },
    async () => {
      const helm = await locateHelm(ROOT);
      const asking = probeChart(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  " +
          'kube: "{{ .Capabilities.KubeVersion.Version }}"\n  flux: "{{ ' +
          '.Capabilities.APIVersions.Has "helm.toolkit.fluxcd.io/v2" }}"\n  ' +
          'widget: "{{ .Capabilities.APIVersions.Has "example.com/v1alpha1/Widget" ' +
          '}}"\n',
      );
      const crd = probeChart(
        "apiVersion: apiextensions.k8s.io/v1\nkind: " +
          "CustomResourceDefinition\nmetadata:\n  name: " +
          "widgets.example.com\nspec:\n  group: example.com\n  names: { kind: " +
          "Widget, plural: widgets }\n  scope: Namespaced\n  versions:\n    - { " +
          "name: v1alpha1, served: true, storage: true, schema: { openAPIV3Schema: " +
          "{ type: object } } }\n",
      );
      const charted = (name: string, dir: string): ChartedRelease => ({
        release: release(name),
        chart: { name: "probe", version: "0.1.0", origin: "mirror", from: "test", dir },
        facts: { defaults: {}, templates: "" },
      });
      const facts = { defaults: {}, templates: 'APIVersions.Has "example.com/v1alpha1/Widget"' };
      const hr = { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "x" } };
      const out = await templateReleases([{ ...charted("asking", asking), facts }, charted("crd", crd)], {
        helm: helm.path,
        kubeVersion: "1.33",
        gitops: [hr],
      });
      expect(out.releases[0]!.objects[0]!.data).toEqual({ kube: "v1.33.0", flux: "true", widget: "true" });
      expect(out.apiVersions).toEqual([
        "example.com/v1alpha1",
        "example.com/v1alpha1/Widget",
        "helm.toolkit.fluxcd.io/v2",
        "helm.toolkit.fluxcd.io/v2/HelmRelease",
      ]);
    },
  );

  it("reads which API versions a chart's templates ask about", () => {
    expect(
      capabilityQuestions(
        '{{ if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}{{ if ' +
          '(.Capabilities.APIVersions.Has "policy/v1") }}',
      ),
    ).toEqual({ literals: new Set(["monitoring.coreos.com/v1", "policy/v1"]), computed: false });
    expect(capabilityQuestions("{{ if .Capabilities.APIVersions.Has $v }}").computed).toBe(true);
    expect(capabilityQuestions("{{ range .Capabilities.APIVersions }}").computed).toBe(true);
  });
});
