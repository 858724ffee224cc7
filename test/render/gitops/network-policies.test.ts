// The default-deny NetworkPolicies of the GitOps tree, read back from the rendered YAML: every
// namespace denies by default, and what is allowed is exactly the flow catalogue's list, with
// ports, for the components the environment runs. The real schemas and kustomize build check the
// objects in tree.test.ts; this file checks what they allow.
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/catalogue/network-flows.js";
import type { Environment } from "../../../src/model/environment.js";
import { NETWORK_POLICIES_FILE } from "../../../src/render/gitops/network-policies.js";
import { planGitops } from "../../../src/render/gitops/plan.js";
import { gitopsRoot } from "../../../src/render/gitops/render.js";
import { validateYamlStream } from "../../support/k8s-validate.js";
import { loadEnv, render } from "./support.js";

interface Peer {
  namespaceSelector?: { matchLabels: Record<string, string> };
  podSelector?: { matchLabels: Record<string, string> };
  ipBlock?: { cidr: string; except?: string[] };
}
interface Rule {
  ports?: { protocol: string; port: number }[];
  from?: Peer[];
  to?: Peer[];
}
interface Policy {
  kind: string;
  metadata: { name: string; namespace: string };
  spec: { podSelector: object; policyTypes: string[]; ingress?: Rule[]; egress?: Rule[] };
}

async function policiesOf(env: Environment): Promise<{ text: string | undefined; policies: Policy[] }> {
  const tree = await render(env);
  const text = tree.get(`${gitopsRoot(env)}/infrastructure/${NETWORK_POLICIES_FILE}`);
  return { text, policies: text ? (yaml.loadAll(text) as Policy[]).filter(Boolean) : [] };
}

const nsOf = (p: Peer) => p.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"];
const ports = (r: Rule) => (r.ports ?? []).map((p) => `${p.protocol}/${p.port}`).sort();
/** One line per allowed flow: direction, peer and ports. */
function allows(policy: Policy): string[] {
  const peer = (p: Peer) =>
    p.ipBlock
      ? `cidr:${p.ipBlock.cidr}${p.ipBlock.except ? `-${p.ipBlock.except.join(",")}` : ""}`
      : p.podSelector
        ? `${nsOf(p) ?? ""}:${JSON.stringify(p.podSelector.matchLabels)}`
        : (nsOf(p) ?? "anywhere");
  const line = (dir: string, r: Rule, peers: Peer[] | undefined) =>
    (peers ?? [{}]).map((p) => `${dir} ${peer(p)} ${ports(r).join(",") || "all"}`);
  return [
    ...(policy.spec.ingress ?? []).flatMap((r) => line("in", r, r.from)),
    ...(policy.spec.egress ?? []).flatMap((r) => line("out", r, r.to)),
  ];
}

const prod = loadEnv("prod");

describe("NetworkPolicies: default deny and the catalogue's flows", async () => {
  const { text, policies } = await policiesOf(prod);
  const allowed = (namespace: string) =>
    allows(policies.find((p) => p.metadata.namespace === namespace && p.metadata.name === "codemie-allowed-flows")!);

  it(
    "production (Cilium): every namespace of the tree denies ingress and " +
      "egress by default, and the objects pass the Kubernetes schemas",
    () => {
      expect(prod.security?.networkPolicy).toBe("cilium");
      const namespaces = planGitops(prod).namespaces;
      for (const namespace of namespaces) {
        const deny = policies.find((p) => p.metadata.namespace === namespace && p.metadata.name === "default-deny");
        expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
      }
      expect(new Set(policies.map((p) => p.metadata.namespace))).toEqual(new Set(namespaces));
      expect(validateYamlStream(text!, "network-policies.yaml")).toEqual([]);
    },
  );

  it(
    "the API (and the litellm-app-key Job beside it) reach PostgreSQL, " +
      "Elasticsearch, the LLM proxy and Keycloak, and nothing else inside the " +
      "cluster",
    () => {
      const out = allowed("codemie").filter((l) => l.startsWith("out "));
      expect(out).toEqual([
        "out codemie all",
        'out kube-system:{"k8s-app":"kube-dns"} TCP/53,UDP/53',
        `out cidr:${prod.network.subnets.postgres} TCP/5432`,
        "out elastic TCP/9200",
        "out litellm TCP/4000",
        "out security TCP/8080",
        "out codemie-mcp-connect-service TCP/3000",
        "out ingress-nginx TCP/443",
        `out cidr:${prod.network.subnets.privateEndpoints} TCP/443`,
        `out cidr:0.0.0.0/0-${prod.network.podCidr} TCP/443`,
        "out litellm TCP/4000",
      ]);
    },
  );

  it(
    "the PostgreSQL roles Job reaches exactly the PostgreSQL subnet and " +
      "Entra ID (443 outside the pods), and nothing reaches it",
    () => {
      expect(allowed("codemie-db-roles")).toEqual([
        "in codemie-db-roles all",
        "out codemie-db-roles all",
        'out kube-system:{"k8s-app":"kube-dns"} TCP/53,UDP/53',
        `out cidr:${prod.network.subnets.postgres} TCP/5432`,
        `out cidr:0.0.0.0/0-${prod.network.podCidr} TCP/443`,
      ]);
    },
  );

  it(
    "each side of a flow admits it: oauth2-proxy → Keycloak, Fluent Bit → " +
      "Elasticsearch, ingress → UI/API/Keycloak",
    () => {
      expect(allowed("oauth2-proxy")).toContain("out security TCP/8080");
      expect(allowed("security")).toContain("in oauth2-proxy TCP/8080");
      expect(allowed("fluentbit")).toContain("out elastic TCP/9200");
      expect(allowed("elastic")).toEqual(expect.arrayContaining(["in fluentbit TCP/9200", "in codemie TCP/9200"]));
      expect(allowed("codemie").filter((l) => l.startsWith("in ingress-nginx"))).toEqual([
        "in ingress-nginx TCP/8080",
        "in ingress-nginx TCP/8080",
      ]);
      expect(allowed("security")).toContain("in ingress-nginx TCP/8080");
      expect(allowed("ingress-nginx")).toEqual(
        expect.arrayContaining([
          "in anywhere TCP/443,TCP/80",
          "out codemie TCP/8080",
          "out security TCP/8080",
          "out oauth2-proxy TCP/4180",
        ]),
      );
    },
  );

  it("every namespace resolves DNS, and no rule opens another namespace on all ports", () => {
    for (const p of policies.filter((x) => x.metadata.name === "codemie-allowed-flows")) {
      expect(allowed(p.metadata.namespace)).toContain('out kube-system:{"k8s-app":"kube-dns"} TCP/53,UDP/53');
      const open = allows(p).filter((l) => l.endsWith(" all"));
      expect(open).toEqual([`in ${p.metadata.namespace} all`, `out ${p.metadata.namespace} all`]);
    }
  });

  it(
    "only the workloads with a database reach the PostgreSQL subnet; only " +
      "the ingress and the webhooks accept traffic from anywhere",
    () => {
      const toPostgres = policies
        .filter((p) => allows(p).some((l) => l.includes(`cidr:${prod.network.subnets.postgres}`)))
        .map((p) => p.metadata.namespace);
      expect(toPostgres.sort()).toEqual(
        prod.keycloakDatabase === "managed"
          ? ["codemie", "codemie-db-roles", "litellm", "security"]
          : ["codemie", "codemie-db-roles", "litellm"],
      );
      const fromAnywhere = policies.flatMap((p) =>
        allows(p)
          .filter((l) => l.startsWith("in anywhere"))
          .map((l) => `${p.metadata.namespace} ${l}`),
      );
      expect(fromAnywhere.sort()).toEqual([
        "external-secrets in anywhere TCP/10250",
        "ingress-nginx in anywhere TCP/443,TCP/80",
        "ingress-nginx in anywhere TCP/8443",
      ]);
    },
  );

  it("every flow between two namespaces is allowed on both sides, with the same ports", () => {
    const peerLine = /^(in|out) ([a-z0-9-]+) (TCP\/\d+(?:,TCP\/\d+)*)$/;
    const edges = (dir: "in" | "out") =>
      policies
        .filter((p) => p.metadata.name === "codemie-allowed-flows")
        .flatMap((p) =>
          allows(p).flatMap((l) => {
            const m = peerLine.exec(l);
            if (!m || m[1] !== dir || m[2] === p.metadata.namespace || m[2] === "anywhere") return [];
            return [
              dir === "out" ? `${p.metadata.namespace}->${m[2]} ${m[3]}` : `${m[2]!}->${p.metadata.namespace} ${m[3]}`,
            ];
          }),
        )
        .sort();
    expect(edges("out")).toEqual(edges("in"));
    const workloadFlows = FLOWS.filter(
      (f) => f.from !== "anywhere" && !["postgres", "privateEndpoints", "outside443"].includes(f.to),
    );
    expect(edges("out").length).toBeGreaterThan(10);
    expect(edges("out").length).toBeLessThanOrEqual(workloadFlows.length);
  });
});

describe("NetworkPolicies follow the environment", () => {
  it("no engine (dev: networkPolicy none): no policies rendered, since nothing would enforce them", async () => {
    const dev = loadEnv("dev");
    expect(dev.security?.networkPolicy).toBe("none");
    expect((await policiesOf(dev)).text).toBeUndefined();
  });

  it("a disabled component leaves no allow behind: without the LLM proxy nothing reaches litellm", async () => {
    const env: Environment = {
      ...prod,
      components: prod.components.map((c) => (c.key === "llmProxy" ? { ...c, enabled: false } : c)),
    };
    const { policies } = await policiesOf(env);
    expect(policies.some((p) => p.metadata.namespace === "litellm")).toBe(false);
    expect(policies.flatMap(allows).filter((l) => l.includes("litellm"))).toEqual([]);
  });
});
