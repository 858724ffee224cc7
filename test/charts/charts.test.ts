// The shipped environments rendered through the real Helm (v4) on the real charts (the mirror
// at the pinned versions, nearest public versions for CodeMie's charts and LiteLLM), checked
// against the Kubernetes schemas and the capacity plan. Each finding of issue 13 has its test
// here: today's values produced it, the fixed values do not, and the check still catches it.
import { describe, expect, it } from "vitest";
import { verifyKubernetes } from "../../src/app/verify-kubernetes.js";
import { planCapacity } from "../../src/capacity/plan.js";
import { checkReleases, restrictedNamespaces, type CheckedRelease } from "../../src/kubernetes/checks.js";
import type { Manifest } from "../../src/kubernetes/helm-release.js";
import { validateManifest } from "../../src/kubernetes/schema.js";
import { planGitops } from "../../src/render/gitops/plan.js";
import { ENV_NAMES } from "../render/gitops/support.js";
import { renderedTree, ROOT, testCache } from "./support.js";
import { joinedRegExp } from "../support/regex.js";

const SLOW = 300_000;

/** Each environment verified once per file: the real Helm renders each of its releases once. */
const verifications = new Map<string, ReturnType<typeof verifyKubernetes>>();
function verified(name: string): ReturnType<typeof verifyKubernetes> {
  let v = verifications.get(name);
  if (!v) {
    v = renderedTree(name).then(({ env, tree }) =>
      verifyKubernetes(env, planCapacity(env), tree, () => undefined, { repoRoot: ROOT, cache: testCache() }),
    );
    verifications.set(name, v);
  }
  return v;
}

/** prod and what Helm rendered of it, from its verification (the same renderKubernetes call). */
async function rendered(name: "prod") {
  const [{ env }, { render }] = await Promise.all([renderedTree(name), verified(name)]);
  return { env, k8s: render };
}

/** The prod releases as the checks see them, for mutation tests. */
async function prodReleases(): Promise<{
  env: Awaited<ReturnType<typeof rendered>>["env"];
  releases: CheckedRelease[];
}> {
  const { env, k8s } = await rendered("prod");
  const plans = planGitops(env).releases;
  const releases = k8s.releases.map((r) => ({
    plan: plans.find((p) => p.release === r.release.name)!,
    objects: structuredClone(r.objects),
    values: r.release.values,
    ...(r.chart ? { chart: r.chart } : {}),
  }));
  return { env, releases };
}

function object(releases: CheckedRelease[], release: string, kind: string, name: string): Manifest {
  const o = releases
    .find((r) => r.plan.release === release)
    ?.objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in ${release}`);
  return o;
}

const podSpec = (o: Manifest) =>
  (o.spec as { template: { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } } }).template
    .spec;

describe.each(ENV_NAMES)("%s through the real charts", (name) => {
  it(
    "has no schema error and no capacity mismatch; unavailable charts are reported, never passed",
    { timeout: SLOW },
    async () => {
      const { render, diagnostics } = await verified(name);
      expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
      const unavailable = render.releases.filter((r) => !r.chart).map((r) => r.release.name);
      for (const release of unavailable)
        expect(diagnostics.map((d) => d.message)).toContain(
          `${release}: not verified: chart not available (neither in the chart ` +
            `cache, the mirror CODEMIE_CHART_MIRROR nor its repository)`,
        );
      expect(render.releases.filter((r) => r.chart).every((r) => r.objects.length > 0)).toBe(true);
      expect(render.helmVersion).toMatch(/^v4\./);
    },
  );
});

describe("findings of issue 13, fixed and still caught", () => {
  it("renders no literal null quantity, and a null CPU limit is a schema error", { timeout: SLOW }, async () => {
    const { k8s } = await rendered("prod");
    expect(JSON.stringify(k8s.releases.map((r) => r.objects))).not.toMatch(/"cpu":null/);
    const bad = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "c", image: "i", resources: { limits: { cpu: null, memory: "1Gi" } } }] },
    };
    expect(validateManifest(bad)).toEqual([
      "/spec/containers/0/resources/limits/cpu: is null; the API server " +
        "decodes a null quantity as 0 (a 0 limit is below any request), so write " +
        "the quantity or leave the key out",
    ]);
  });

  it("keeps Keycloak's probes", { timeout: SLOW }, async () => {
    const { releases } = await prodReleases();
    const keycloak = podSpec(object(releases, "keycloak", "StatefulSet", "keycloakx")).containers[0]!;
    expect(
      Object.keys(keycloak)
        .filter((k) => k.endsWith("Probe"))
        .sort(),
    ).toEqual(["livenessProbe", "readinessProbe", "startupProbe"]);
  });

  it(
    "puts the codemie chart's /openapi.json ingress behind oauth2-proxy and lists the public ones with a reason",
    { timeout: SLOW },
    async () => {
      const { env, releases } = await prodReleases();
      const swagger = object(releases, "codemie-api", "Ingress", "codemie-swagger");
      expect((swagger.metadata?.annotations as Record<string, string>)["nginx.ingress.kubernetes.io/auth-url"]).toMatch(
        /oauth2-proxy/,
      );
      delete (swagger.metadata?.annotations as Record<string, string>)["nginx.ingress.kubernetes.io/auth-url"];
      expect(checkReleases(env, planCapacity(env), releases).map((f) => f.message)).toContain(
        "codemie-api: Ingress codemie-swagger is not behind oauth2-proxy (no " +
          "nginx.ingress.kubernetes.io/auth-url) and not on the catalogue's list " +
          "of public ingresses (src/catalogue/ingresses.ts)",
      );
    },
  );

  it("sizes and places LiteLLM's migrations Job", { timeout: SLOW }, async () => {
    const { env, releases } = await prodReleases();
    const job = object(releases, "litellm", "Job", "litellm-migrations");
    expect(podSpec(job).containers[0]!.resources).toEqual({
      requests: { cpu: "250m", memory: "512Mi" },
      limits: { memory: "512Mi" },
    });
    delete podSpec(job).affinity;
    delete podSpec(job).containers[0]!.resources;
    const messages = checkReleases(env, planCapacity(env), releases).map((f) => f.message);
    expect(messages).toContain(
      "litellm: Job litellm-migrations container prisma-migrations has no CPU " +
        "request, so the capacity planner cannot count it; set its resources in " +
        "the release's values",
    );
    expect(messages).toContain(
      "litellm: Job litellm-migrations does not select the workloads pool " +
        "(nodeSelector codemie-gitops.dev/pool: workloads), where the capacity " +
        "planner placed it",
    );
  });

  it(
    "proves the Jobs and hooks fit the surge node the planner keeps, and catches a Job that does not",
    { timeout: SLOW },
    async () => {
      const { env, releases } = await prodReleases();
      const capacity = planCapacity(env);
      expect(checkReleases(env, capacity, releases).filter((f) => f.message.includes("Jobs and hooks"))).toEqual([]);
      const job = podSpec(object(releases, "litellm", "Job", "litellm-migrations"));
      job.containers[0]!.resources = { requests: { cpu: "64", memory: "512Mi" }, limits: { memory: "512Mi" } };
      const surge = checkReleases(env, capacity, releases).filter((f) => f.message.includes("Jobs and hooks"));
      expect(surge).toEqual([
        {
          severity: "error",
          path: [],
          message: expect.stringMatching(
            joinedRegExp(
              /^the Jobs and hooks the charts run \(.*litellm\/litellm-migrations.*\) request cpu 64020m, memory /,
              /576Mi together; the surge node the capacity planner keeps on the workloads pool \(Standard_\w+\) /,
              /leaves cpu .* beside its largest pod/,
            ),
          ),
        },
      ]);
    },
  );

  it("sizes keycloak-operator at its chart's 192Mi memory", { timeout: SLOW }, async () => {
    const { releases } = await prodReleases();
    expect(
      podSpec(object(releases, "keycloak-operator", "Deployment", "keycloak-operator")).containers[0]!.resources,
    ).toEqual({ requests: { cpu: "50m", memory: "192Mi" }, limits: { memory: "192Mi" } });
  });

  it(
    "catches a pod that requests other figures than the planner counted, and a replica count it did not plan",
    { timeout: SLOW },
    async () => {
      const { env, releases } = await prodReleases();
      const api = object(releases, "codemie-api", "Deployment", "codemie");
      (podSpec(api).containers[0]!.resources as { requests: Record<string, string> }).requests.memory = "6Gi";
      (api.spec as { replicas: number }).replicas = 3;
      const messages = checkReleases(env, planCapacity(env), releases).map((f) => f.message);
      expect(messages).toContain(
        "codemie-api: Deployment codemie requests cpu 4, memory 6Gi per pod; the " +
          "capacity planner counted cpu 4, memory 8Gi",
      );
      expect(messages).toContain("codemie-api: Deployment codemie runs 3 replica(s); the capacity planner counted 2");
    },
  );

  it("counts a sidecar a chart adds: the pod's request grows past the plan", { timeout: SLOW }, async () => {
    const { env, releases } = await prodReleases();
    const ui = podSpec(object(releases, "codemie-ui", "Deployment", "codemie-ui"));
    ui.initContainers = [
      {
        name: "proxy",
        image: "x",
        restartPolicy: "Always",
        readinessProbe: { tcpSocket: { port: 1 } },
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "64Mi" } },
      },
    ];
    expect(checkReleases(env, planCapacity(env), releases).map((f) => f.message)).toContain(
      "codemie-ui: Deployment codemie-ui requests cpu 150m, memory 192Mi per " +
        "pod; the capacity planner counted cpu 100m, memory 128Mi",
    );
  });

  it(
    "requires Elasticsearch's host anti-affinity and zone spread, and the workloads pool for every pod",
    { timeout: SLOW },
    async () => {
      const { env, releases } = await prodReleases();
      const es = podSpec(object(releases, "elasticsearch", "StatefulSet", "elasticsearch-master"));
      expect(es.topologySpreadConstraints).toEqual([
        expect.objectContaining({
          topologyKey: "topology.kubernetes.io/zone",
          maxSkew: 1,
          whenUnsatisfiable: "DoNotSchedule",
        }),
      ]);
      delete es.topologySpreadConstraints;
      delete es.affinity;
      delete es.nodeSelector;
      const messages = checkReleases(env, planCapacity(env), releases).map((f) => f.message);
      expect(messages).toContain(
        "elasticsearch: StatefulSet elasticsearch-master has no required pod " +
          "anti-affinity on kubernetes.io/hostname; the planner placed its pods on " +
          "distinct nodes",
      );
      expect(messages).toContain(
        `elasticsearch: StatefulSet elasticsearch-master has no zone topology ` +
          `spread (maxSkew 1, DoNotSchedule) across ${env.aks.zones.join(", ")}`,
      );
      expect(messages).toContain(
        "elasticsearch: StatefulSet elasticsearch-master does not select the " +
          "workloads pool (nodeSelector codemie-gitops.dev/pool: workloads), where " +
          "the capacity planner placed it",
      );
    },
  );

  it(
    "refuses a long-running container without any probe and a limit below the request",
    { timeout: SLOW },
    async () => {
      const { env, releases } = await prodReleases();
      const proxy = podSpec(object(releases, "oauth2-proxy", "Deployment", "oauth2-proxy")).containers[0]!;
      delete proxy.readinessProbe;
      delete proxy.livenessProbe;
      (proxy.resources as { limits: Record<string, string> }).limits.memory = "64Mi";
      const messages = checkReleases(env, planCapacity(env), releases).map((f) => f.message);
      expect(messages).toContain(
        "oauth2-proxy: Deployment oauth2-proxy container oauth2-proxy has no " +
          "probe at all: Kubernetes cannot tell when it serves or hangs (keep the " +
          "chart's health endpoints on)",
      );
      expect(messages).toContain(
        "oauth2-proxy: Deployment oauth2-proxy container oauth2-proxy limits memory to 64Mi, below its request 128Mi",
      );
    },
  );

  it(
    "refuses a pod that Pod Security restricted would reject in MCP Connect's namespace",
    { timeout: SLOW },
    async () => {
      const { env, releases } = await prodReleases();
      const { k8s } = await rendered("prod");
      const restricted = restrictedNamespaces(k8s.gitops);
      expect([...restricted]).toEqual(["codemie-mcp-connect-service"]);
      expect(
        checkReleases(env, planCapacity(env), releases, restricted).filter((f) => f.message.includes("restricted")),
      ).toEqual([]);
      const mcp = podSpec(object(releases, "codemie-mcp-connect-service", "StatefulSet", "codemie-mcp-connect-service"))
        .containers[0]!;
      (mcp.securityContext as Record<string, unknown>).allowPrivilegeEscalation = true;
      expect(checkReleases(env, planCapacity(env), releases, restricted).map((f) => f.message)).toContain(
        "codemie-mcp-connect-service: StatefulSet codemie-mcp-connect-service " +
          "container codemie-mcp-connect-service runs in a namespace enforcing Pod " +
          'Security "restricted", which refuses it: allowPrivilegeEscalation is ' +
          "not false",
      );
    },
  );
});
