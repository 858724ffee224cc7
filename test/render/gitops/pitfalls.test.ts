// The values that matter and the pitfalls the official guide leaves to operators
// (../shared/reference/codemie-platform.md §2–§4), checked on the rendered values.
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { COMPONENTS } from "../../../src/catalogue/components.js";
import { ADDONS, CODEMIE_REGISTRY } from "../../../src/catalogue/platform.js";
import { WRITABLE_PATHS } from "../../../src/catalogue/writable-paths.js";
import { WORKLOADS_NODE_SELECTOR, SYSTEM_POOL_TAINT } from "../../../src/capacity/scheduling.js";
import type { Environment } from "../../../src/model/environment.js";
import { planGitops } from "../../../src/render/gitops/plan.js";
import { at, docs, file, loadEnv, render, substituted, valuesOf, type Doc } from "./support.js";

function withComponent(env: Environment, key: string, patch: Partial<Environment["components"][number]>): Environment {
  const copy = structuredClone(env);
  copy.components = copy.components.map((c) => (c.key === key ? { ...c, ...patch } : c));
  return copy;
}

function helmRelease(tree: Map<string, string>, env: Environment, layer: string, release: string): Doc {
  return docs(substituted(env, file(tree, env, `${layer}/${release}/helmrelease.yaml`)))[0] as Doc;
}

function envVars(values: Doc): Map<string, unknown> {
  return new Map(
    (at(values, "extraEnv") as Array<{ name: string; value?: unknown; valueFrom?: unknown }>).map((e) => [
      e.name,
      e.value ?? e.valueFrom,
    ]),
  );
}

describe("CodeMie API", () => {
  it(
    "replaces the chart's GCP-flavoured env and volumes entirely and sets " + "the callback URL to the public host",
    async () => {
      const env = loadEnv("prod");
      const values = valuesOf(await render(env), env, "applications", "codemie-api");
      expect(at(values, "customEnv")).toEqual([]);
      // Only the emptyDirs of its read-only root (the chart's GCP secret and ConfigMap volumes are gone).
      const volumes = yaml.load(at(values, "extraVolumes") as string) as Array<{ name: string; emptyDir?: object }>;
      expect(volumes.map((v) => v.name)).toEqual(WRITABLE_PATHS.api.map((w) => w.volume));
      expect(volumes.every((v) => v.emptyDir)).toBe(true);
      expect(yaml.load(at(values, "extraVolumeMounts") as string)).toEqual(
        WRITABLE_PATHS.api.map((w) => ({ name: w.volume, mountPath: w.mountPath })),
      );
      const vars = envVars(values);
      expect(vars.get("CALLBACK_API_BASE_URL")).toBe("https://codemie.ai.example.com");
      const text = JSON.stringify(values);
      for (const gcp of [
        "secret-azure-openai-api-key",
        "codemie-api-search-secrets",
        "aws-secrets",
        "google-service-account",
        "GOOGLE_APPLICATION_CREDENTIALS",
      ])
        expect(text).not.toContain(gcp);
      expect(vars.get("ENCRYPTION_TYPE")).toBe("azure");
      expect(vars.get("AZURE_KEY_VAULT_URL")).toBe("dummy-key-vault-uri");
      expect(vars.get("AZURE_STORAGE_ACCOUNT_NAME")).toBe("dummy-storage-account-name");
      expect(at(values, "serviceAccount.annotations")).toEqual({
        "azure.workload.identity/client-id": "dummy-api-client-id",
      });
    },
  );

  it("allows 40 minutes for database migrations (startup probe) and gives Helm longer than that", async () => {
    const env = loadEnv("prod");
    const tree = await render(env);
    const values = valuesOf(tree, env, "applications", "codemie-api");
    const probe = at(values, "startupProbe") as {
      periodSeconds: number;
      failureThreshold: number;
      initialDelaySeconds: number;
    };
    expect(probe.periodSeconds * probe.failureThreshold).toBe(2400);
    const timeout = String(at(helmRelease(tree, env, "applications", "codemie-api"), "spec.timeout"));
    expect(Number(timeout.replace(/m$/, "")) * 60).toBeGreaterThan(2400 + probe.initialDelaySeconds);
  });

  it("sets MCP_CONNECT_BUCKETS_COUNT to MCP Connect's replicas, overrides included", async () => {
    for (const replicas of [1, 3]) {
      const env = withComponent(loadEnv("prod"), "mcpConnect", { replicas });
      const tree = await render(env);
      expect(envVars(valuesOf(tree, env, "applications", "codemie-api")).get("MCP_CONNECT_BUCKETS_COUNT")).toBe(
        String(replicas),
      );
      expect(at(valuesOf(tree, env, "applications", "codemie-mcp-connect-service"), "replicaCount")).toBe(replicas);
    }
    const without = withComponent(loadEnv("prod"), "mcpConnect", { enabled: false });
    const vars = envVars(valuesOf(await render(without), without, "applications", "codemie-api"));
    expect(vars.get("MCP_CONNECT_ENABLED")).toBe("false");
    expect(vars.has("MCP_CONNECT_BUCKETS_COUNT")).toBe(false);
  });
});

describe("ingress", () => {
  it("puts /, /code-assistant-api, /oauth2, /keycloak and /kibana on the one host, with TLS", async () => {
    const env = loadEnv("prod");
    const tree = await render(env);
    const host = env.network.ingress.host;
    const ui = valuesOf(tree, env, "applications", "codemie-ui");
    const api = valuesOf(tree, env, "applications", "codemie-api");
    const oauth = valuesOf(tree, env, "security", "oauth2-proxy");
    const keycloak = valuesOf(tree, env, "security", "keycloak");
    const kibana = valuesOf(tree, env, "observability", "kibana");
    expect([at(ui, "ingress.host"), at(ui, "ingress.path")]).toEqual([host, "/(.*)"]);
    expect([at(api, "ingress.host"), at(api, "ingress.path")]).toEqual([host, "/code-assistant-api/(.*)"]);
    expect([at(oauth, "ingress.hosts"), at(oauth, "ingress.path")]).toEqual([[host], "/oauth2"]);
    const kcRules = at(keycloak, "ingress.rules") as Array<{ host: string; paths: Array<{ path: string }> }>;
    expect(kcRules.every((r) => r.host === host && r.paths.every((p) => p.path.startsWith("/keycloak/")))).toBe(true);
    expect(at(keycloak, "http.relativePath")).toBe("/keycloak");
    expect(at(kibana, "ingress.hosts")).toEqual([{ host, paths: [{ path: "/kibana" }] }]);
    for (const v of [ui, api, oauth, kibana])
      expect(at(v, "ingress.tls")).toEqual([{ secretName: "codemie-tls", hosts: [host] }]);
    expect(at(ui, "viteApiUrl")).toBe(`https://${host}/code-assistant-api`);
  });

  it("sends the UI and the API through oauth2-proxy (annotations no longer chart defaults since 2.29)", async () => {
    const env = loadEnv("dev");
    const tree = await render(env);
    for (const release of ["codemie-ui", "codemie-api"]) {
      const annotations = at(valuesOf(tree, env, "applications", release), "ingress.annotations") as Record<
        string,
        string
      >;
      expect(annotations["nginx.ingress.kubernetes.io/auth-url"]).toBe(
        "http://oauth2-proxy.oauth2-proxy.svc.cluster.local:80/oauth2/auth",
      );
      expect(annotations["nginx.ingress.kubernetes.io/auth-signin"]).toBe(
        "https://$host/oauth2/start?rd=$escaped_request_uri",
      );
      expect(annotations["nginx.ingress.kubernetes.io/auth-response-headers"]).toBe(
        "X-Auth-Request-Access-Token,Authorization",
      );
    }
  });

  it("drops TLS everywhere when the environment serves plain HTTP", async () => {
    const env = structuredClone(loadEnv("prod"));
    env.network.ingress.tls = false;
    const tree = await render(env);
    for (const [layer, release] of [
      ["applications", "codemie-ui"],
      ["applications", "codemie-api"],
      ["security", "oauth2-proxy"],
      ["security", "keycloak"],
      ["observability", "kibana"],
    ] as const) {
      expect(at(valuesOf(tree, env, layer, release), "ingress.tls"), release).toEqual([]);
    }
    expect(file(tree, env, "secrets/external-secrets.yaml")).not.toContain("kubernetes.io/tls");
    const api = envVars(valuesOf(tree, env, "applications", "codemie-api"));
    expect(api.get("CALLBACK_API_BASE_URL")).toBe("http://codemie.ai.example.com");
  });

  it("puts ingress-nginx behind an internal load balancer when asked", async () => {
    const prod = loadEnv("prod");
    const dev = loadEnv("dev");
    const annotations = async (env: Environment) =>
      at(
        valuesOf(await render(env), env, "infrastructure", "ingress-nginx"),
        "controller.service.annotations",
      ) as Record<string, string>;
    expect((await annotations(prod))["service.beta.kubernetes.io/azure-load-balancer-internal"]).toBe("true");
    expect((await annotations(dev))["service.beta.kubernetes.io/azure-load-balancer-internal"]).toBeUndefined();
  });
});

describe("Elasticsearch", () => {
  it(
    "keeps production volumes (Retain), sizes them from the table and " + "spreads pods across nodes and zones",
    async () => {
      const env = loadEnv("prod");
      const tree = await render(env);
      const values = valuesOf(tree, env, "data", "elasticsearch");
      expect(at(values, "volumeClaimTemplate.resources.requests.storage")).toBe("200Gi");
      expect(at(values, "volumeClaimTemplate.storageClassName")).toBe("codemie-premium");
      expect(at(values, "antiAffinity")).toBe("hard");
      expect(at(values, "esJavaOpts")).toBe("-Xms8192m -Xmx8192m");
      const sc = docs(file(tree, env, "infrastructure/storage-class.yaml"))[0];
      expect(at(sc, "reclaimPolicy")).toBe("Retain");
      const patch = String(
        at(helmRelease(tree, env, "data", "elasticsearch"), "spec.postRenderers.0.kustomize.patches.0.patch"),
      );
      expect(patch).toContain("topology.kubernetes.io/zone");
    },
  );

  it("uses Delete volumes outside production and the small profile's 50Gi", async () => {
    const env = loadEnv("dev");
    const tree = await render(env);
    expect(at(docs(file(tree, env, "infrastructure/storage-class.yaml"))[0], "reclaimPolicy")).toBe("Delete");
    expect(at(valuesOf(tree, env, "data", "elasticsearch"), "volumeClaimTemplate.resources.requests.storage")).toBe(
      "50Gi",
    );
  });
});

describe("Keycloak", () => {
  it("runs its database in the cluster (the table's + DB) when the environment keeps it there", async () => {
    const env = loadEnv("dev");
    expect(env.keycloakDatabase).toBe("inCluster");
    const tree = await render(env);
    const objects = docs(substituted(env, file(tree, env, "security/keycloak-db.yaml")));
    const sts = objects.find((d) => d.kind === "StatefulSet") as Doc;
    const keycloak = env.components.find((c) => c.key === "keycloak");
    expect(at(sts, "spec.volumeClaimTemplates.0.spec.resources.requests.storage")).toBe(keycloak?.companion?.storage);
    expect(at(sts, "spec.template.spec.containers.0.resources.requests")).toEqual({
      cpu: keycloak?.companion?.cpu,
      memory: keycloak?.companion?.memory,
    });
    expect(at(valuesOf(tree, env, "security", "keycloak"), "database.hostname")).toBe(
      "keycloak-db.security.svc.cluster.local",
    );
  });

  it("uses the managed PostgreSQL server when the environment says so", async () => {
    const env = loadEnv("staging");
    expect(env.keycloakDatabase).toBe("managed");
    const tree = await render(env);
    expect([...tree.keys()].some((p) => p.endsWith("keycloak-db.yaml"))).toBe(false);
    expect(at(valuesOf(tree, env, "security", "keycloak"), "database.hostname")).toBe("dummy-postgres-host");
    expect(
      planGitops(env)
        .layers.find((l) => l.layer === "security")
        ?.healthChecks.some((h) => h.kind === "StatefulSet"),
    ).toBe(false);
  });

  it("installs the Keycloak operator's CRDs before Keycloak and oauth2-proxy's Keycloak objects after both", () => {
    const plan = planGitops(loadEnv("prod"));
    const order = plan.releases.map((r) => r.release);
    expect(order.indexOf("keycloak-operator")).toBeLessThan(order.indexOf("keycloak"));
    expect(order.indexOf("keycloak")).toBeLessThan(order.indexOf("oauth2-proxy"));
  });
});

describe("observability", () => {
  it("has Fluent Bit's required span_id/trace_id record_modifier filter and runs it on every node", async () => {
    const env = loadEnv("prod");
    const values = valuesOf(await render(env), env, "observability", "fluent-bit");
    const filters = String(at(values, "config.filters"));
    expect(filters).toMatch(/Name\s+record_modifier[\s\S]*Remove_key\s+span_id[\s\S]*Remove_key\s+trace_id/);
    expect(at(values, "tolerations")).toEqual([
      { key: SYSTEM_POOL_TAINT.key, operator: "Exists", effect: SYSTEM_POOL_TAINT.effect },
    ]);
    expect(String(at(values, "config.outputs"))).toContain("HTTP_Passwd         ${ES_SUPERUSER_PASSWORD}");
  });

  it("skips Kibana's token hook on upgrades (it fails when re-run)", async () => {
    const env = loadEnv("prod");
    const hr = helmRelease(await render(env), env, "observability", "kibana");
    expect(at(hr, "spec.upgrade.disableHooks")).toBe(true);
  });
});

describe("MCP Connect", () => {
  it("runs in its own namespace under Pod Security restricted", async () => {
    const env = loadEnv("prod");
    const ns = docs(file(await render(env), env, "infrastructure/namespaces.yaml")).find(
      (d) => at(d, "metadata.name") === "codemie-mcp-connect-service",
    );
    expect(at(ns, "metadata.labels")).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted" });
    const mcp = COMPONENTS.find((c) => c.key === "mcpConnect");
    expect(mcp && "namespace" in mcp ? mcp.namespace : undefined).toBe("codemie-mcp-connect-service");
  });
});

describe("versions and placement", () => {
  it("pins CodeMie's charts and images to the environment's CodeMie release", async () => {
    const env = structuredClone(loadEnv("prod"));
    env.codemieVersion = "2.99.1";
    const tree = await render(env);
    // Authenticated sources are applied in the layer after the one that waits for their pull secret.
    const sources = docs(file(tree, env, "databases/sources.yaml"));
    const codemie = sources.filter(
      (d) => d.kind === "OCIRepository" && String(at(d, "spec.url")).startsWith(CODEMIE_REGISTRY.charts),
    );
    expect(codemie.length).toBe(5);
    for (const s of codemie) {
      expect(at(s, "spec.ref.tag")).toBe("2.99.1");
      expect(at(s, "spec.secretRef.name")).toBe(CODEMIE_REGISTRY.pullSecret);
    }
    for (const [layer, release] of [
      ["applications", "codemie-api"],
      ["applications", "codemie-ui"],
      ["applications", "codemie-mcp-connect-service"],
      ["applications", "codemie-nats-auth-callout"],
    ] as const) {
      const values = valuesOf(tree, env, layer, release);
      expect(at(values, "image.tag"), release).toBe("2.99.1");
      expect(String(at(values, "image.repository"))).toContain(CODEMIE_REGISTRY.images);
      expect(at(values, "imagePullSecrets"), release).toEqual([{ name: CODEMIE_REGISTRY.pullSecret }]);
    }
  });

  it("pins every upstream chart to the catalogue's version", async () => {
    const env = loadEnv("prod");
    const tree = await render(env);
    const plan = planGitops(env);
    const charts = [
      ...ADDONS.map((a) => a.chart),
      ...COMPONENTS.flatMap((c) => ("chart" in c ? [c.chart] : [])),
    ].filter((c) => c.source === "upstream");
    for (const r of plan.releases) {
      if (r.chart.kind !== "HelmRepository") continue;
      const hr = helmRelease(tree, env, r.layer, r.release);
      const chart = charts.find((c) => c.name === at(hr, "spec.chart.spec.chart"));
      expect(at(hr, "spec.chart.spec.version"), r.release).toBe(chart?.version);
    }
  });

  it("schedules every pod of ours on the workloads pool the capacity planner sized", async () => {
    const env = loadEnv("prod");
    const tree = await render(env);
    for (const r of planGitops(env).releases) {
      if (r.id === "fluentBit") continue;
      const values = valuesOf(tree, env, r.layer, r.release);
      const selector =
        at(values, "nodeSelector") ??
        at(values, "controller.nodeSelector") ??
        at(values, "podTemplate.merge.spec.nodeSelector");
      expect(selector, r.release).toEqual(WORKLOADS_NODE_SELECTOR);
    }
  });

  it("sets a read-only root file system where the chart takes it, but where an exclusion says why not", async () => {
    const env = loadEnv("prod");
    const tree = await render(env);
    for (const [layer, release] of [
      ["applications", "codemie-api"],
      ["applications", "codemie-ui"],
      ["applications", "codemie-nats-auth-callout"],
      ["applications", "codemie-mcp-connect-service"],
      ["security", "keycloak"],
      ["data", "elasticsearch"],
      ["observability", "kibana"],
      ["observability", "fluent-bit"],
    ] as const) {
      expect(at(valuesOf(tree, env, layer, release), "securityContext.readOnlyRootFilesystem"), release).toBe(true);
    }
    // LiteLLM writes beside its packages at startup, Mermaid's headless browser to /tmp (READ_ONLY_ROOT_EXCLUSIONS).
    expect(at(valuesOf(tree, env, "llm-proxy", "litellm"), "securityContext.readOnlyRootFilesystem")).toBe(false);
    const mermaid = valuesOf(tree, env, "applications", "mermaid-server");
    expect(at(mermaid, "securityContext.readOnlyRootFilesystem")).toBe(false);
  });
});
