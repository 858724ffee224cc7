// What an environment asks of Azure, derived from the model, the capacity plan and the compiled
// templates: node pools at their largest, the resource providers, the operator's secrets.
import type { CapacityPlan } from "../../capacity/plan.js";
import { GITOPS_CREDENTIALS } from "../../catalogue/gitops-credentials.js";
import type { VaultSecret } from "../../catalogue/secrets.js";
import type { Environment, PoolName } from "../../model/environment.js";
import { vaultSecrets } from "../../render/gitops/contract.js";

export type FieldPath = (string | number)[];

export interface PoolNeed {
  name: PoolName;
  vmSize: string;
  /** vCPUs per node, from the catalogue (Azure's SKU list wins when it says). */
  vcpu: number;
  maxCount: number;
  /** Extra nodes during a rolling upgrade (aks.bicep's maxSurge). */
  surge: number;
}

export interface OperatorSecretNeed {
  name: string;
  purpose: string;
  /** The field that makes the tree need it. */
  path: FieldPath;
}

export interface PreflightNeeds {
  pools: PoolNeed[];
  /** Provider namespaces the templates deploy, e.g. "Microsoft.ContainerService". */
  providers: string[];
  operatorSecrets: OperatorSecretNeed[];
}

export function preflightNeeds(
  env: Environment,
  capacity: CapacityPlan,
  templates: readonly unknown[],
): PreflightNeeds {
  return {
    pools: capacity.nodePools.map((p) => ({
      name: p.name,
      vmSize: p.vmSize,
      vcpu: p.vcpu,
      maxCount: p.maxCount,
      surge: p.surge,
    })),
    providers: templateProviders(templates),
    operatorSecrets: [
      ...vaultSecrets(env)
        .filter((s) => s.seed === "operator")
        .map((s) => ({ name: s.name, purpose: s.purpose, path: secretField(s) })),
      ...(env.gitops.auth === "https"
        ? [
            {
              name: GITOPS_CREDENTIALS.https.secret,
              purpose: GITOPS_CREDENTIALS.https.purpose,
              path: ["gitops", "auth"],
            },
          ]
        : []),
    ],
  };
}

function secretField(s: VaultSecret): FieldPath {
  if (s.tls) return ["network", "ingress", "tlsSecretName"];
  if (s.component) return ["components", s.component, "enabled"];
  return ["codemie", "version"];
}

/**
 * Every resource type's namespace in the templates and their nested deployments, Microsoft.Resources aside (always
 * registered).
 */
export function templateProviders(templates: readonly unknown[]): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (typeof record.type === "string" && /^[A-Za-z]+\.[A-Za-z.]+\/\w/.test(record.type) && record.existing !== true) {
      found.add(record.type.split("/")[0]!);
    }
    for (const value of Object.values(record)) visit(value);
  };
  for (const template of templates) visit((template as { resources?: unknown }).resources);
  found.delete("Microsoft.Resources");
  return [...found].sort((a, b) => a.localeCompare(b));
}
