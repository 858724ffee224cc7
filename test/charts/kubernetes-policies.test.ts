// What the single Azure Policy rules would say about the platform's own workloads: every shipped
// environment rendered through the real Helm on the real charts (the mirror) and the tree's own
// manifests, checked against each rule production denies, so a deny never refuses CodeMie; and
// each rule production only audits is shown to be broken by the charts today (when one is not,
// the test says production should deny it).
import { describe, expect, it } from "vitest";
import { parseBytes } from "../../src/config/quantity.js";
import {
  AUDIT_IN_PRODUCTION,
  CHART_IMAGES,
  HOST_PATH_EXCLUSIONS,
  HTTPS_ONLY_ANNOTATION,
  READ_ONLY_ROOT_EXCLUSIONS,
  type KubernetesPolicyKey,
} from "../../src/catalogue/kubernetes-policies.js";
import { WRITABLE_PATHS } from "../../src/catalogue/writable-paths.js";
import { POD_SECURITY_SYSTEM_NAMESPACES } from "../../src/catalogue/pod-security.js";
import type { Manifest } from "../../src/kubernetes/helm-release.js";
import { allContainers, podTemplates, type PodTemplate } from "../../src/kubernetes/pods.js";
import { securitySettings } from "../../src/model/resolve.js";
import {
  allowedImagesRegex,
  imageRepository,
  kubernetesPolicyAssignments,
} from "../../src/render/bicep/kubernetes-policies.js";
import { KUBERNETES_POLICIES } from "../../src/catalogue/kubernetes-policies.js";
import { ENV_NAMES } from "../render/gitops/support.js";
import { ingressHostViolations, type IngressSpec } from "../support/ingress-hosts-rule.js";
import { rendered } from "./support.js";

const SLOW = 300_000;

interface Placed {
  release: string;
  namespace: string | undefined;
  object: Manifest;
}

/** Every object the cluster would hold, in the namespace it would land in (undefined: none given). */
async function placed(name: string): Promise<{ objects: Placed[]; env: Awaited<ReturnType<typeof rendered>>["env"] }> {
  const { env, k8s } = await rendered(name);
  const objects = [
    ...k8s.releases.flatMap((r) =>
      r.objects.map((o) => ({
        release: r.release.name,
        namespace: typeof o.metadata?.namespace === "string" ? o.metadata.namespace : r.release.targetNamespace,
        object: o,
      })),
    ),
    ...k8s.gitops.map((o) => ({
      release: "gitops",
      namespace: typeof o.metadata?.namespace === "string" ? o.metadata.namespace : undefined,
      object: o,
    })),
  ];
  return { env, objects };
}

const pods = (objects: Placed[]): Array<PodTemplate & { release: string; at: string | undefined }> =>
  objects.flatMap((p) => podTemplates([p.object]).map((t) => ({ ...t, release: p.release, at: p.namespace })));

const SYSTEM = new Set<string>(POD_SECURITY_SYSTEM_NAMESPACES);
const imageOf = (c: unknown) => (c as { image?: string }).image ?? "";
const annotations = (o: Manifest) => (o.metadata?.annotations ?? {}) as Record<string, string>;

describe.each(ENV_NAMES)("%s: the rules production denies pass", (name) => {
  it("no platform pod runs in a namespace the rules skip, and none in default", { timeout: SLOW }, async () => {
    const { objects } = await placed(name);
    const all = pods(objects);
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((p) => p.at === undefined || SYSTEM.has(p.at) || p.at === "default").map((p) => p.name)).toEqual(
      [],
    );
    // The default-namespace rule also covers Services and ServiceAccounts.
    const inDefault = objects.filter(
      (p) => ["Service", "ServiceAccount"].includes(String(p.object.kind)) && (p.namespace ?? "default") === "default",
    );
    expect(inDefault.map((p) => `${p.release}: ${p.object.kind} ${p.object.metadata?.name}`)).toEqual([]);
  });

  it("every container image matches the allowed-images regex", { timeout: SLOW }, async () => {
    const { objects } = await placed(name);
    const regex = new RegExp(allowedImagesRegex([]));
    const images = pods(objects).flatMap((p) => allContainers(p.spec).map((c) => imageOf(c.container)));
    expect(images.length).toBeGreaterThan(10);
    expect(images.filter((i) => !regex.test(i))).toEqual([]);
  });

  it("no hostPath outside the reasoned exclusions, no external IPs", { timeout: SLOW }, async () => {
    const { objects } = await placed(name);
    const excluded = new Set(HOST_PATH_EXCLUSIONS.map((e) => e.namespace));
    const hostPaths = pods(objects).flatMap(
      (p) =>
        (p.spec as { volumes?: Array<{ hostPath?: { path: string } }> }).volumes
          ?.filter((v) => v.hostPath)
          .map((v) => ({ at: p.at, path: v.hostPath!.path })) ?? [],
    );
    expect(hostPaths.filter((h) => !excluded.has(h.at ?? ""))).toEqual([]);
    // Each exclusion is needed: its namespace does mount host paths.
    for (const namespace of excluded)
      expect(
        hostPaths.some((h) => h.at === namespace),
        namespace,
      ).toBe(true);
    const services = objects.filter((p) => p.object.kind === "Service");
    expect(services.filter((s) => (s.object.spec as { externalIPs?: unknown[] }).externalIPs?.length)).toEqual([]);
  });

  it("every Ingress is HTTPS only where the ingress serves TLS", { timeout: SLOW }, async () => {
    const { env, objects } = await placed(name);
    const ingresses = objects.filter((p) => p.object.kind === "Ingress");
    expect(ingresses.length).toBeGreaterThan(5);
    // The Gatekeeper template's https_complete: a tls entry and the allow-http annotation.
    const httpsOnly = (p: Placed) =>
      ((p.object.spec as { tls?: unknown[] }).tls?.length ?? 0) > 0 &&
      annotations(p.object)[HTTPS_ONLY_ANNOTATION.key] === HTTPS_ONLY_ANNOTATION.value;
    expect(
      ingresses.filter((p) => httpsOnly(p) !== env.network.ingress.tls).map((p) => p.object.metadata?.name),
    ).toEqual([]);
  });

  it("every Ingress names only the approved domains, and a hostile host would not", { timeout: SLOW }, async () => {
    const { env, objects } = await placed(name);
    const rule = kubernetesPolicyAssignments(env, env.security ?? securitySettings(env.production, {})).find(
      (a) => a.definitionId === KUBERNETES_POLICIES.ingressHosts.id,
    );
    // Outside production without the add-on nothing is assigned: the rule the file would get then.
    const domains = (rule?.parameters.allowedDomains?.value as string[] | undefined) ?? [env.network.ingress.host];
    const ingresses = objects.filter((p) => p.object.kind === "Ingress");
    expect(ingresses.length).toBeGreaterThan(5);
    const spec = (p: Placed) => p.object.spec as IngressSpec;
    expect(
      ingresses.flatMap((p) => ingressHostViolations(spec(p), domains).map((v) => `${p.object.metadata?.name}: ${v}`)),
    ).toEqual([]);
    // The same Ingresses with a look-alike host (no "." before the domain) are each refused.
    const hostile = (p: Placed) =>
      JSON.parse(
        JSON.stringify(spec(p)).replaceAll(`"${env.network.ingress.host}"`, `"evil${env.network.ingress.host}"`),
      );
    expect(ingresses.filter((p) => ingressHostViolations(hostile(p), domains).length === 0)).toEqual([]);
  });

  it("load balancers are internal exactly where the ingress is", { timeout: SLOW }, async () => {
    const { env, objects } = await placed(name);
    const balancers = objects.filter(
      (p) => p.object.kind === "Service" && (p.object.spec as { type?: string }).type === "LoadBalancer",
    );
    expect(balancers.length).toBeGreaterThan(0);
    const internal = (p: Placed) =>
      annotations(p.object)["service.beta.kubernetes.io/azure-load-balancer-internal"] === "true";
    expect(balancers.every(internal)).toBe(env.network.ingress.internal);
    const effects = (env.security ?? securitySettings(env.production, {})).kubernetesPolicies.effects;
    if (!env.network.ingress.internal) expect(effects.internalLoadBalancers).toBe("audit");
  });
});

// The read-only root rule as its Gatekeeper template states it (Azure/azure-policy
// built-in-references/Kubernetes/read-only-root-filesystem/template.yaml): every container and init
// container without securityContext.readOnlyRootFilesystem == true is a violation; the definition's
// v3 template (ReadOnlyRootFileSystem.json) skips containers named in excludedContainers and pods in
// excludedNamespaces. The exclusions are read from the assignment the Bicep receives.
const readOnlyRoot = (p: { spec: PodTemplate["spec"] }) =>
  allContainers(p.spec).filter((c) => c.container.securityContext?.readOnlyRootFilesystem !== true);

describe.each(ENV_NAMES)("%s: every container runs with a read-only root file system", (name) => {
  it("as the rule states it, but for the reasoned exclusions", { timeout: SLOW }, async () => {
    const { env, objects } = await placed(name);
    const security = env.security ?? securitySettings(env.production, {});
    const assignment = kubernetesPolicyAssignments(env, {
      ...security,
      kubernetesPolicies: {
        ...security.kubernetesPolicies,
        enabled: true,
      },
    }).find((a) => a.definitionId === KUBERNETES_POLICIES.readOnlyRootFilesystem.id)!;
    const excludedContainers = new Set(assignment.parameters.excludedContainers!.value as string[]);
    const excludedNamespaces = new Set(assignment.parameters.excludedNamespaces!.value as string[]);
    expect([...excludedContainers].sort()).toEqual(
      [...new Set(READ_ONLY_ROOT_EXCLUSIONS.map((e) => e.container))].sort(),
    );
    const checked = pods(objects).filter((p) => !excludedNamespaces.has(p.at ?? "default"));
    expect(checked.length).toBeGreaterThan(10);
    const violations = checked.flatMap((p) =>
      readOnlyRoot(p)
        .filter((c) => !excludedContainers.has(c.container.name))
        .map((c) => `${p.release}/${p.name}/${c.container.name}`),
    );
    expect(violations).toEqual([]);
    if (env.production) expect(security.kubernetesPolicies.effects.readOnlyRootFilesystem).toBe("deny");
  });

  it("each exclusion names a container of its release, and no other", { timeout: SLOW }, async () => {
    const { objects } = await placed(name);
    const all = pods(objects).flatMap((p) => allContainers(p.spec).map((c) => ({ release: p.release, c })));
    for (const e of READ_ONLY_ROOT_EXCLUSIONS)
      expect(
        all.filter((x) => x.c.container.name === e.container && x.release !== e.release).map((x) => x.release),
        e.container,
      ).toEqual([]);
  });

  it("releases the mirror has no chart for set a read-only root in their values", { timeout: SLOW }, async () => {
    const { k8s } = await rendered(name);
    const unrendered = k8s.releases.filter((r) => !r.chart);
    for (const r of unrendered)
      expect(
        (r.release.values as { securityContext?: { readOnlyRootFilesystem?: boolean } }).securityContext
          ?.readOnlyRootFilesystem,
        r.release.name,
      ).toBe(true);
    // Only CodeMie's two charts without a public source (docs/security-baseline.md says so).
    expect(
      unrendered.map((r) => r.release.name).filter((n) => !["mermaid-server", "codemie-nats-auth-callout"].includes(n)),
    ).toEqual([]);
  });
});

describe("read-only root file systems on the real charts", () => {
  // The container each list of writable-paths.ts is for.
  const owners: Record<keyof typeof WRITABLE_PATHS, { release: string; container: string }> = {
    api: { release: "codemie-api", container: "codemie" },
    ui: { release: "codemie-ui", container: "codemie-ui" },
    mcpConnect: { release: "codemie-mcp-connect-service", container: "codemie-mcp-connect-service" },
    elasticsearch: { release: "elasticsearch", container: "elasticsearch" },
    kibana: { release: "kibana", container: "kibana" },
    keycloak: { release: "keycloak", container: "keycloak" },
    keycloakDb: { release: "gitops", container: "postgres" },
  };

  it("each image's writable paths are emptyDirs mounted in its container", { timeout: SLOW }, async () => {
    const { objects } = await placed("prod");
    for (const [key, owner] of Object.entries(owners)) {
      const pod = pods(objects).find(
        (p) => p.release === owner.release && p.spec.containers?.some((c) => c.name === owner.container),
      );
      expect(pod, key).toBeDefined();
      const volumes = (pod!.spec as { volumes?: Array<{ name: string; emptyDir?: object }> }).volumes ?? [];
      const container = pod!.spec.containers!.find((c) => c.name === owner.container) as {
        volumeMounts?: Array<{ name: string; mountPath: string }>;
      };
      for (const w of WRITABLE_PATHS[key as keyof typeof WRITABLE_PATHS]) {
        expect(container.volumeMounts, `${key} ${w.mountPath}`).toContainEqual(
          expect.objectContaining({ name: w.volume, mountPath: w.mountPath }),
        );
        expect(volumes.find((v) => v.name === w.volume)?.emptyDir, `${key} ${w.volume}`).toBeDefined();
      }
    }
  });

  it("every exclusion is needed: its container does write its root file system", { timeout: SLOW }, async () => {
    const seen = new Set<string>();
    for (const name of ENV_NAMES)
      for (const p of pods((await placed(name)).objects))
        for (const c of readOnlyRoot(p)) seen.add(`${p.release} ${c.container.name}`);
    expect(READ_ONLY_ROOT_EXCLUSIONS.filter((e) => !seen.has(`${e.release} ${e.container}`))).toEqual([]);
  });
});

describe("the rules production audits are broken by the charts today", () => {
  const broken: Partial<Record<KubernetesPolicyKey, (objects: Placed[]) => string[]>> = {
    resourceLimits: (objects) =>
      pods(objects).flatMap((p) =>
        allContainers(p.spec)
          .filter((c) => c.container.resources?.limits?.cpu === undefined)
          .map((c) => `${p.release}/${c.container.name}`),
      ),
  };

  it.each(Object.keys(AUDIT_IN_PRODUCTION) as KubernetesPolicyKey[])("%s", { timeout: SLOW }, async (key) => {
    const { env, objects } = await placed("prod");
    expect(env.security!.kubernetesPolicies.effects[key]).toBe("audit");
    // When this list is empty the reason no longer holds: production should deny this rule.
    expect(broken[key]!(objects).length, `${key}: ${AUDIT_IN_PRODUCTION[key]}`).toBeGreaterThan(0);
  });

  it("memory limits stay within the resource-limits rule's bound", { timeout: SLOW }, async () => {
    const { env, objects } = await placed("prod");
    const rule = kubernetesPolicyAssignments(env, env.security!).find(
      (a) => a.definitionId === KUBERNETES_POLICIES.resourceLimits.id,
    )!;
    const bound = parseBytes(rule.parameters.memoryLimit!.value as string)!;
    const over = pods(objects).flatMap((p) =>
      allContainers(p.spec)
        .filter((c) => (parseBytes(String(c.container.resources?.limits?.memory ?? "0")) ?? 0) > bound)
        .map((c) => `${p.release}/${c.container.name}`),
    );
    expect(over).toEqual([]);
  });
});

describe("the allowed images are the platform's, nothing else", () => {
  it("each chart image of the catalogue is one the real charts run", { timeout: SLOW }, async () => {
    const seen = new Set<string>();
    for (const name of ENV_NAMES)
      for (const p of pods((await placed(name)).objects))
        for (const c of allContainers(p.spec)) seen.add(`${p.release} ${imageRepository(imageOf(c.container))}`);
    expect(CHART_IMAGES.filter((i) => !seen.has(`${i.release} ${i.repository}`))).toEqual([]);
  });

  it("an image from an unlisted registry or repository is flagged", () => {
    const regex = new RegExp(allowedImagesRegex([]));
    expect(regex.test("quay.io/keycloak/keycloak:26.5.5")).toBe(true);
    expect(regex.test("nats:2.11.0-alpine")).toBe(true);
    for (const image of [
      "evil.example.com/codemie:2.57.2",
      "quay.io/keycloak/keycloak-evil:1",
      "quay.io/keycloak/keycloak:1 ",
      "natsx:2.11.0",
      "nats:2.11.0/evil",
      "docker.io/curlimages/curl:8.11.1@sha256:short",
      "europe-west3-docker.pkg.dev/or2-msq-epmd-edp-anthos-t1iylu/codemie-clients-releases/other:1",
    ])
      expect(regex.test(image), image).toBe(false);
  });
});
