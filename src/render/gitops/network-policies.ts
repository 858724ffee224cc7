// Default-deny NetworkPolicies for every namespace of the tree, with the allows of the flow
// catalogue (src/catalogue/network-flows.ts) and nothing else: each namespace denies all ingress
// and egress, then admits its own pods, DNS, and the flows that start or end in it. Policies
// select namespaces, not pods: the charts label their pods differently from release to release,
// and a namespace is the unit the catalogue knows. Rendered only when the cluster enforces them
// (security.networkPolicy other than none): objects an engine ignores would only look like a control.
import { component } from "../../catalogue/components.js";
import { ROLES_JOB } from "../../catalogue/database-roles.js";
import { JOBS, type JobKey } from "../../catalogue/jobs.js";
import { FLOWS, type External, type Flow, type Workload } from "../../catalogue/network-flows.js";
import { ADDONS } from "../../catalogue/platform.js";
import type { Environment } from "../../model/environment.js";
import { securitySettings } from "../../model/resolve.js";
import { isEnabled } from "./contract.js";
import { enabledJobs } from "./jobs.js";

export type Peer =
  | { namespace: string }
  /** CoreDNS in kube-system. */
  | { dns: true }
  | { cidr: string; except: string[] };

export interface PolicyRule {
  why: string;
  /** Empty: from or to anywhere. */
  peers: Peer[];
  ports: { protocol: "TCP" | "UDP"; port: number }[];
}

export interface NamespacePolicies {
  namespace: string;
  ingress: PolicyRule[];
  egress: PolicyRule[];
}

/** The file under the infrastructure layer, beside the namespaces it applies to. */
export const NETWORK_POLICIES_FILE = "network-policies.yaml";

/** Workloads that always run, each in its namespace: the add-ons and the PostgreSQL roles Job. */
const FIXED_NAMESPACES = new Map<string, string>([
  ...ADDONS.map((a): [string, string] => [a.key, a.namespace]),
  [ROLES_JOB.key, ROLES_JOB.namespace],
]);
const JOB_KEYS = new Set<string>(JOBS.map((j) => j.key));

/** The workload's namespace, or undefined when the environment does not run it. */
function namespaceOf(env: Environment, workload: Workload): string | undefined {
  const fixed = FIXED_NAMESPACES.get(workload);
  if (fixed) return fixed;
  if (JOB_KEYS.has(workload)) return enabledJobs(env).find((j) => j.key === workload)?.namespace;
  const key = workload as Exclude<Workload, (typeof ADDONS)[number]["key"] | JobKey | typeof ROLES_JOB.key>;
  return isEnabled(env, key) ? component(key).namespace : undefined;
}

const EXTERNAL = new Set<string>(["postgres", "privateEndpoints", "outside443"]);
const isExternal = (to: Flow["to"]): to is External => EXTERNAL.has(to);

function externalPeer(env: Environment, to: External): Peer {
  if (to === "postgres") return { cidr: env.network.subnets.postgres, except: [] };
  if (to === "privateEndpoints") return { cidr: env.network.subnets.privateEndpoints, except: [] };
  // Outside the pods: the pod CIDR is carved out, so 443 never opens a way to another namespace.
  return { cidr: "0.0.0.0/0", except: [env.network.podCidr] };
}

const tcp = (ports: readonly number[]) => ports.map((port) => ({ protocol: "TCP" as const, port }));

export function networkPolicies(env: Environment, namespaces: readonly string[]): NamespacePolicies[] {
  if ((env.security ?? securitySettings(env.production, {})).networkPolicy === "none") return [];
  const byNamespace = new Map<string, NamespacePolicies>(
    namespaces.map((namespace) => [
      namespace,
      {
        namespace,
        ingress: [{ why: "pods of the namespace talk to each other", peers: [{ namespace }], ports: [] }],
        egress: [
          { why: "pods of the namespace talk to each other", peers: [{ namespace }], ports: [] },
          {
            why: "DNS",
            peers: [{ dns: true }],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      },
    ]),
  );
  const at = (namespace: string | undefined) => (namespace === undefined ? undefined : byNamespace.get(namespace));
  for (const flow of FLOWS) {
    if (flow.managedKeycloakDatabase && env.keycloakDatabase !== "managed") continue;
    const to = isExternal(flow.to) ? undefined : namespaceOf(env, flow.to);
    if (flow.from === "anywhere") {
      at(to)?.ingress.push({ why: flow.why, peers: [], ports: tcp(flow.ports) });
      continue;
    }
    const from = namespaceOf(env, flow.from);
    const source = at(from);
    if (!source || from === undefined) continue;
    if (isExternal(flow.to)) {
      source.egress.push({ why: flow.why, peers: [externalPeer(env, flow.to)], ports: tcp(flow.ports) });
      continue;
    }
    const target = at(to);
    // Same namespace: already open; a disabled target: nothing to reach.
    if (!target || to === from || to === undefined) continue;
    source.egress.push({ why: flow.why, peers: [{ namespace: to }], ports: tcp(flow.ports) });
    target.ingress.push({ why: flow.why, peers: [{ namespace: from }], ports: tcp(flow.ports) });
  }
  return [...byNamespace.values()];
}

/** The template's context: peers spelled out for YAML. */
export function networkPoliciesContext(policies: readonly NamespacePolicies[]): object {
  const peer = (p: Peer) =>
    "namespace" in p
      ? { namespace: p.namespace, dns: false, cidr: null }
      : "dns" in p
        ? { namespace: null, dns: true, cidr: null }
        : { namespace: null, dns: false, cidr: { cidr: p.cidr, except: p.except } };
  const rules = (list: readonly PolicyRule[]) =>
    list.map((r) => ({ why: r.why, peers: r.peers.map(peer), ports: r.ports }));
  return {
    policies: policies.map((p) => ({
      namespace: p.namespace,
      sections: [
        { ingress: true, rules: rules(p.ingress) },
        { ingress: false, rules: rules(p.egress) },
      ],
    })),
  };
}
