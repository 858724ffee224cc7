// The planner on three environments whose figures are worked out by hand below: production
// on its default pools (fits with N+1), the small profile, and broken copies of production.
import { describe, expect, it } from "vitest";
import { planCapacity } from "../../src/capacity/plan.js";
import { edited, load, MiB, shipped } from "./environments.js";

// Per node on every pool (README "Capacity planning"): AKS DaemonSets kube-proxy 100m/0,
// azure-cns 40m/250Mi, azure-ip-masq-agent 100m/50Mi, cloud-node-manager 50m/50Mi,
// csi-azuredisk-node 30m/60Mi, csi-azurefile-node 30m/60Mi = 350m/470Mi; Fluent Bit 100m/128Mi.
const DAEMONSETS = { millicores: 450, bytes: 598 * MiB };
// System pool add-ons: coredns 2x100m/70Mi, coredns-autoscaler 20m/10Mi, konnectivity-agent
// 2x20m/20Mi, its autoscaler 20m/10Mi, metrics-server 2x156m/138Mi, workload identity webhook
// 2x100m/20Mi = 792m/516Mi.
const SYSTEM_ADDONS = { millicores: 792, bytes: 516 * MiB };
// Workloads pool platform pods: ingress-nginx 2x100m/90Mi, Flux 50+100+100+100+10+5 m /
// 64x4+60+30 Mi, external-secrets 50+10+10 m / 64+32+32 Mi, keycloak-operator 50m/192Mi = 685m/846Mi.
const PLATFORM = { millicores: 685, bytes: 846 * MiB };

describe("production on its default pools", () => {
  const { env, capacity, diagnostics } = load("prod");
  const [system, workloads] = capacity!.nodePools;

  it("fits, with no finding", () => {
    expect(env).toBeDefined();
    expect(diagnostics).toEqual([]);
    expect(capacity!.fits).toBe(true);
  });

  it("system pool: Standard_D4ds_v5, 1 node for the add-ons + 1 surge + 1 spare = 3, configured 3..3", () => {
    // 4 vCPU: 4000 - 140 kube-reserved = 3860m. 16 GiB = 16384 MiB; 3.5% hidden → 15810;
    // kube-reserved min(20 x 110 + 50, 25% x 16384) = 2250; eviction 100 → 13460 MiB.
    expect(system).toMatchObject({
      name: "system",
      mode: "System",
      vmSize: "Standard_D4ds_v5",
      allocatable: { millicores: 3860, bytes: 13460 * MiB },
      daemonSets: DAEMONSETS,
      requested: SYSTEM_ADDONS,
      nodesForPods: 1,
      surge: 1,
      spare: 1,
      nodesNeeded: 3,
      minCount: 3,
      maxCount: 3,
      taints: ["CriticalAddonsOnly=true:NoSchedule"],
      labels: { "codemie-gitops.dev/pool": "system" },
      zones: ["1", "2", "3"],
      maxPods: 110,
    });
  });

  it("workloads pool: Standard_E8ds_v5, 4 nodes for pods + 1 surge + 1 spare = 6, configured 6..9", () => {
    // 8 vCPU: 8000 - 180 = 7820m. 64 GiB = 65536 MiB → 63242 visible - 2250 - 100 = 60892 MiB.
    // CodeMie (the table): API 2x4000m/8Gi, UI 100m/128Mi, ES 2x4000m/16Gi, Kibana 1000m/1Gi,
    // Mermaid 1000m/512Mi, Keycloak 2000m/4Gi + DB 250m/512Mi, oauth2-proxy 100m/128Mi,
    // NATS 1000m/512Mi + callout 100m/128Mi, MCP 500m/1Gi, LLM proxy 1000m/1Gi = 23050m/58240Mi.
    // Room per node 7820 - 450 = 7370m, so CPU alone needs ceil(23735 / 7370) = 4 nodes.
    expect(workloads).toMatchObject({
      name: "workloads",
      mode: "User",
      vmSize: "Standard_E8ds_v5",
      allocatable: { millicores: 7820, bytes: 60892 * MiB },
      daemonSets: DAEMONSETS,
      requested: { millicores: 23050 + PLATFORM.millicores, bytes: 58240 * MiB + PLATFORM.bytes },
      nodesForPods: 4,
      surge: 1,
      spare: 1,
      nodesNeeded: 6,
      minCount: 6,
      maxCount: 9,
      taints: [],
      labels: { "codemie-gitops.dev/pool": "workloads" },
    });
    expect(workloads!.fixedCount).toBeUndefined();
    expect(workloads!.unplaced).toEqual([]);
  });

  it("puts the Elasticsearch pods on distinct nodes in distinct zones, and no node over its room", () => {
    const es = capacity!.components.find((c) => c.component === "elasticsearch")!.workloads[0]!;
    expect(es.antiAffinity).toBe("elasticsearch");
    expect(new Set(es.pods.map((p) => p.node)).size).toBe(2);
    expect(new Set(es.pods.map((p) => p.zone)).size).toBe(2);
    for (const n of workloads!.nodes) {
      expect(n.requested.millicores).toBeLessThanOrEqual(7370);
      expect(n.requested.bytes).toBeLessThanOrEqual(60892 * MiB - DAEMONSETS.bytes);
    }
  });

  it("N+1: the pods of the fullest node fit the spare, which is an empty node", () => {
    const fullest = Math.max(...workloads!.nodes.map((n) => n.requested.millicores));
    expect(workloads!.nodes).toHaveLength(workloads!.nodesForPods);
    expect(fullest).toBeLessThanOrEqual(workloads!.allocatable.millicores - DAEMONSETS.millicores);
  });

  it("lists every component, with table requests, memory limit = request, CPU limit twice it", () => {
    const api = capacity!.components.find((c) => c.component === "api")!;
    expect(api.workloads[0]).toMatchObject({
      kind: "Deployment",
      pool: "workloads",
      replicas: 2,
      request: { millicores: 4000, bytes: 8192 * MiB },
      limit: { millicores: 8000, bytes: 8192 * MiB },
    });
    // A small request gets the one-CPU floor.
    const ui = capacity!.components.find((c) => c.component === "ui")!;
    expect(ui.workloads[0]!.limit).toEqual({ millicores: 1000, bytes: 128 * MiB });
    const fluentBit = capacity!.components.find((c) => c.component === "fluentBit")!.workloads[0]!;
    expect(fluentBit).toMatchObject({ kind: "DaemonSet", pool: "every", replicas: 3 + 6 });
    const keycloak = capacity!.components.find((c) => c.component === "keycloak")!;
    expect(keycloak.workloads.map((w) => w.workload)).toEqual(["keycloak", "keycloakDb"]);
    expect(keycloak.workloads[1]!.storageBytes).toBe(1024 * MiB);
  });
});

describe("small profile (staging: two API pods, Keycloak on the managed server)", () => {
  const { capacity, diagnostics } = load("staging");
  const [system, workloads] = capacity!.nodePools;

  it("fits without a spare node (not production)", () => {
    expect(diagnostics).toEqual([]);
    expect(capacity!.fits).toBe(true);
  });

  it("system pool: Standard_D2ds_v5, 1 + 1 surge = 2, configured 1..2", () => {
    // 2 vCPU: 2000 - 100 = 1900m. 8 GiB = 8192 MiB → 7905 visible; kube-reserved 25% = 2048
    // (less than 2250); 7905 - 2048 - 100 = 5757 MiB (an AKS node of this size reports 5791).
    expect(system).toMatchObject({
      vmSize: "Standard_D2ds_v5",
      allocatable: { millicores: 1900, bytes: 5757 * MiB },
      nodesForPods: 1,
      surge: 1,
      spare: 0,
      nodesNeeded: 2,
      minCount: 1,
      maxCount: 2,
    });
  });

  it("workloads pool: Standard_D8ds_v5, 2 nodes for pods + 1 surge = 3, configured 2..3", () => {
    // 32 GiB = 32768 MiB → 31621 visible - 2250 - 100 = 29271 MiB.
    // Small sizes: API 2x2000m/4Gi, UI 100m/128Mi, ES 2x1000m/4Gi, Kibana 500m/1Gi, Mermaid
    // 250m/256Mi, Keycloak 500m/1Gi (DB on the managed server), oauth2-proxy 100m/128Mi, NATS
    // 250m/256Mi + callout 100m/128Mi, MCP 250m/512Mi, LLM proxy 500m/1Gi = 8550m/20864Mi.
    // Two nodes: the ES replicas need two, and 9235m fits 2 x 7370m.
    expect(workloads).toMatchObject({
      vmSize: "Standard_D8ds_v5",
      allocatable: { millicores: 7820, bytes: 29271 * MiB },
      requested: { millicores: 8550 + PLATFORM.millicores, bytes: 20864 * MiB + PLATFORM.bytes },
      nodesForPods: 2,
      surge: 1,
      spare: 0,
      nodesNeeded: 3,
      minCount: 2,
      maxCount: 3,
    });
    expect(capacity!.components.find((c) => c.component === "keycloak")!.workloads.map((w) => w.workload)).toEqual([
      "keycloak",
    ]);
  });
});

describe("deliberately broken copies of production", () => {
  const prod = shipped("prod");

  it("an autoscaler maximum below the needed count is an error at maxCount", () => {
    const text = edited(prod, [[["aks", "nodePools", "workloads"], { minCount: 3, maxCount: 5 }]]);
    const { env, capacity, diagnostics } = load("prod", text);
    expect(env).toBeUndefined();
    expect(capacity!.fits).toBe(false);
    const line = text.split("\n").findIndex((l) => l.includes("maxCount: 5")) + 1;
    expect(diagnostics.map((d) => `${d.line}: ${d.severity}: ${d.message}`)).toEqual([
      `${line}: error: aks.nodePools.workloads.maxCount 5 is below the 6 nodes ` +
        `the plan needs (4 for pods + 1 surge + 1 spare for N+1); raise it to 6 ` +
        `or choose a larger vmSize`,
    ]);
  });

  it("a fixed count that is too low is an error at count", () => {
    const text = edited(prod, [[["aks", "nodePools", "workloads", "count"], 5]]);
    const { diagnostics } = load("prod", text);
    expect(diagnostics.map((d) => d.message)).toEqual([
      "aks.nodePools.workloads.count 5 is below the 6 nodes the plan needs (4 " +
        "for pods + 1 surge + 1 spare for N+1); set it to 6 or choose a larger " +
        "vmSize",
    ]);
  });

  it("heavy over-provisioning is a warning with the figure, and the environment stays valid", () => {
    const text = edited(prod, [[["aks", "nodePools", "workloads"], { minCount: 12, maxCount: 12 }]]);
    const { env, diagnostics } = load("prod", text);
    expect(env).toBeDefined();
    // 6 idle x $0.576/h x 730 h = $2,522.88.
    expect(diagnostics.map((d) => `${d.severity}: ${d.message}`)).toEqual([
      "warning: aks.nodePools.workloads.minCount 12 keeps 12 nodes running " +
        "where the plan needs 6 (4 for pods + 1 surge + 1 spare for N+1): 6 idle " +
        "Standard_E8ds_v5 nodes, 100% over, about $2,523 a month at East US list " +
        "price",
    ]);
  });

  it("a VM size outside the catalogue cannot be proven and says what it knows", () => {
    const { diagnostics } = load(
      "prod",
      edited(prod, [[["aks", "nodePools", "workloads", "vmSize"], "Standard_E8ds_v4"]]),
    );
    expect(diagnostics.map((d) => d.message)).toEqual([
      'aks.nodePools.workloads.vmSize "Standard_E8ds_v4" is not in the ' +
        "planner's VM catalogue (Dsv5, Ddsv5, Dasv5, Esv5, Edsv5, Fsv2 at 2-32 " +
        "vCPU), so its capacity cannot be proven; did you mean " +
        '"Standard_E8ds_v5"?',
    ]);
  });

  it("points at the pool's vmSize when the pod's size comes from the profile, not the file", () => {
    // Standard_E4ds_v5: 4000 - 140 - 450 = 3410m of room; the API and ES pods ask 4000m.
    const text = edited(prod, [[["aks", "nodePools", "workloads", "vmSize"], "Standard_E4ds_v5"]]);
    const { diagnostics } = load("prod", text);
    const vmSizeLine = text.split("\n").findIndex((l) => l.includes("vmSize: Standard_E4ds_v5")) + 1;
    expect(diagnostics.map((d) => [d.line, d.path])).toEqual([
      [vmSizeLine, "components.api.cpu"],
      [vmSizeLine, "components.elasticsearch.cpu"],
    ]);
    expect(diagnostics[0]!.message).toBe(
      "CodeMie API pod api-0 requests 4 CPU, but a Standard_E4ds_v5 node (4 " +
        "vCPU, 32 GiB) in pool workloads allocates 3.86 CPU to pods after AKS " +
        "reservations and 3.41 CPU after DaemonSets; use a larger " +
        "aks.nodePools.workloads.vmSize or lower components.api.cpu",
    );
  });
});

describe("count: auto on a small subnet", () => {
  it("checks the subnet against the planned count, which the schema-level check could not see", () => {
    // Ten 2000m API pods on Standard_D4ds_v5 (3410m of room): one per node, so 10 nodes for
    // pods + 1 surge = 11, and the subnet must also hold an upgrade surge node and the load
    // balancer: 13 addresses, more than a /28's 11.
    const text = edited(shipped("staging"), [
      [["network", "subnets", "workloads"], "10.41.4.0/28"],
      [["aks", "nodePools"], { workloads: { vmSize: "Standard_D4ds_v5", count: "auto" } }],
      [["components", "api", "replicas"], 10],
    ]);
    const { capacity, diagnostics } = load("staging", text);
    expect(capacity!.nodePools[1]).toMatchObject({ nodesForPods: 10, nodesNeeded: 11, fixedCount: 11 });
    expect(diagnostics.map((d) => `${d.path}: ${d.message}`)).toEqual([
      "network.subnets.workloads: network.subnets.workloads 10.41.4.0/28 has " +
        "11 usable addresses (Azure reserves 5); the planned 11 nodes, one " +
        "upgrade surge node and the internal load balancer need 13",
    ]);
  });
});

describe("determinism", () => {
  it("the same environment gives an identical plan", () => {
    const a = load("prod");
    const b = load("prod");
    expect(JSON.stringify(b.capacity)).toBe(JSON.stringify(a.capacity));
    expect(JSON.stringify(planCapacity(a.env!))).toBe(JSON.stringify(planCapacity(a.env!)));
  });

  it("does not depend on the order of the components in the model", () => {
    const { env } = load("prod");
    const reversed = { ...env!, components: [...env!.components].reverse() };
    const nodes = (p: ReturnType<typeof planCapacity>) =>
      p.nodePools.map((pool) => pool.nodes.map((n) => [...n.pods].sort()));
    expect(nodes(planCapacity(reversed))).toEqual(nodes(planCapacity(env!)));
  });
});
