// The single Azure Policy assignments (security.kubernetesPolicies) as the Bicep receives them:
// each definition's parameters computed from the toolkit's own facts, so the template only lays
// them out. The allowed-images regex is built from every image the platform runs (CodeMie's
// registry, the tree's Jobs, the pinned charts' defaults) plus the file's additions.
import { parseBytes, parseMillicores } from "../../config/quantity.js";
import { KEYCLOAK_DB_IMAGE, CODEMIE_REGISTRY } from "../../catalogue/platform.js";
import { JOB_IMAGE } from "../../catalogue/jobs.js";
import {
  CHART_IMAGES,
  HOST_PATH_EXCLUSIONS,
  KUBERNETES_POLICIES,
  KUBERNETES_POLICY_KEYS,
  READ_ONLY_ROOT_EXCLUSIONS,
  type KubernetesPolicy,
  type KubernetesPolicyKey,
} from "../../catalogue/kubernetes-policies.js";
import { POD_SECURITY_SYSTEM_NAMESPACES } from "../../catalogue/pod-security.js";
import { RELEASES } from "../../catalogue/releases.js";
import type { Environment, SecuritySettings } from "../../model/environment.js";

/** An image reference without its tag and digest. */
export function imageRepository(image: string): string {
  return image.replace(/@.*$/, "").replace(/:[^/:]*$/, "");
}

/** Every image repository the platform runs, whatever the environment enables (one regex per toolkit release). */
export function platformImageRepositories(): string[] {
  const codemie = RELEASES.flatMap((r) =>
    r.image && "codemie" in r.image ? [`${CODEMIE_REGISTRY.images}/${r.image.codemie}`] : [],
  );
  const own = [JOB_IMAGE.image, KEYCLOAK_DB_IMAGE].map(imageRepository);
  return [...new Set([...codemie, ...own, ...CHART_IMAGES.map((i) => i.repository)])].sort();
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A whole-string match of an allowed repository with any tag and digest, in the RE2 subset
 * Gatekeeper's re_match shares with JavaScript (no lookaround, no backreferences). A source ending
 * in "/" allows every repository below it.
 */
export function allowedImagesRegex(additional: readonly string[]): string {
  const sources = [...platformImageRepositories(), ...additional].map((s) =>
    s.endsWith("/") ? `${escapeRegex(s)}[a-z0-9]+(?:[._/-]+[a-z0-9]+)*` : escapeRegex(s),
  );
  return `^(?:${sources.join("|")})(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`;
}

/** The largest memory and CPU the environment sizes any workload with: a container asking for more is flagged. */
function largestSize(env: Environment): { cpuLimit: string; memoryLimit: string } {
  const sizes = env.components.filter((c) => c.enabled).flatMap((c) => (c.companion ? [c, c.companion] : [c]));
  const mib = Math.max(...sizes.map((s) => (parseBytes(s.memory) ?? 0) / 2 ** 20));
  const millicores = Math.max(...sizes.map((s) => parseMillicores(s.cpu) ?? 0));
  return { cpuLimit: `${millicores}m`, memoryLimit: `${Math.ceil(mib)}Mi` };
}

type Parameters = Record<string, { value: unknown }>;

/** Each definition's parameters besides effect and excludedNamespaces. */
function extraParameters(
  env: Environment,
  policies: SecuritySettings["kubernetesPolicies"],
): Partial<Record<KubernetesPolicyKey, Parameters>> {
  const limits = largestSize(env);
  return {
    allowedImages: { allowedContainerImagesRegex: { value: allowedImagesRegex(policies.additionalImages) } },
    // No host path anywhere outside the excluded namespaces.
    allowedHostPaths: { allowedHostPaths: { value: { paths: [] } } },
    allowedExternalIps: { allowedExternalIPs: { value: [] } },
    readOnlyRootFilesystem: {
      excludedContainers: { value: [...new Set(READ_ONLY_ROOT_EXCLUSIONS.map((e) => e.container))].sort() },
    },
    resourceLimits: { cpuLimit: { value: limits.cpuLimit }, memoryLimit: { value: limits.memoryLimit } },
    defaultNamespace: { namespaces: { value: ["default"] } },
    // Every Ingress of the platform serves network.ingress.host (the tree writes each host).
    ingressHosts: {
      allowedDomains: { value: [...new Set([env.network.ingress.host, ...policies.additionalIngressDomains])] },
    },
  };
}

export interface PolicyAssignment {
  /** Fixed per definition: Azure refuses to change an assignment's definition. */
  name: string;
  displayName: string;
  definitionId: string;
  /** The definition is the toolkit's own, in the subscription (else a built-in of the tenant). */
  custom: boolean;
  parameters: Parameters;
}

export function kubernetesPolicyAssignments(env: Environment, security: SecuritySettings): PolicyAssignment[] {
  const policies = security.kubernetesPolicies;
  if (!policies.enabled) return [];
  const extra = extraParameters(env, policies);
  const excluded = [...POD_SECURITY_SYSTEM_NAMESPACES, ...policies.excludedNamespaces];
  return KUBERNETES_POLICY_KEYS.map((key) => {
    const policy: KubernetesPolicy = KUBERNETES_POLICIES[key];
    const effect = policy.effects[policies.effects[key]];
    if (!effect) throw new Error(`security.kubernetesPolicies.effects.${key}: the definition allows no deny`);
    const namespaces =
      key === "allowedHostPaths" ? [...excluded, ...HOST_PATH_EXCLUSIONS.map((e) => e.namespace)] : excluded;
    return {
      name: `codemie-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      displayName: `[${env.names.aks}] ${policy.displayName}`.slice(0, 128),
      definitionId: policy.id,
      custom: policy.custom === true,
      parameters: {
        effect: { value: effect },
        ...(policy.target === "gatekeeper" ? { excludedNamespaces: { value: [...new Set(namespaces)] } } : {}),
        ...extra[key],
      },
    };
  });
}

/** The toolkit's own definition (bicep/modules/ingress-hosts-policy.bicep) when an assignment uses it. */
export function ingressHostsDefinition(
  assignments: readonly PolicyAssignment[],
): { name: string; displayName: string } | undefined {
  const { id, displayName } = KUBERNETES_POLICIES.ingressHosts;
  return assignments.some((a) => a.custom && a.definitionId === id) ? { name: id, displayName } : undefined;
}
