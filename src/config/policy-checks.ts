// The single Azure Policy rules (security.kubernetesPolicies) against the rest of the file: the
// add-on that enforces them, and a deny that would refuse the toolkit's own workloads.
import { AUDIT_IN_PRODUCTION, type KubernetesPolicyKey } from "../catalogue/kubernetes-policies.js";
import type { Environment } from "../model/environment.js";
import { publicLoadBalancer } from "./app-gateway.js";
import type { Report, Valid } from "./report.js";

const POLICIES = ["security", "kubernetesPolicies"];

export function checkKubernetesPolicies(env: Environment, report: Report, ok: Valid): void {
  const policies = env.security?.kubernetesPolicies;
  if (!policies?.enabled || !ok(["security"])) return;
  if (!env.security?.azurePolicy)
    report(
      "error",
      [...POLICIES, "enabled"],
      "security.kubernetesPolicies needs the Azure Policy add-on that enforces them; " +
        "set security.azurePolicy: true, or security.kubernetesPolicies.enabled: false",
    );
  const effect = (key: KubernetesPolicyKey) => [...POLICIES, "effects", key];
  if (policies.effects.internalLoadBalancers === "deny" && publicLoadBalancer(env) && ok(["network", "ingress"]))
    report(
      "error",
      effect("internalLoadBalancers"),
      "internalLoadBalancers: deny would refuse the public ingress's LoadBalancer Service; " +
        "set it to audit, network.ingress.internal: true, or a WAF in front (network.ingress.waf)",
    );
  if (policies.effects.httpsIngress === "deny" && !env.network.ingress.tls && ok(["network", "ingress"]))
    report(
      "error",
      effect("httpsIngress"),
      "httpsIngress: deny would refuse every Ingress of an ingress without TLS; " +
        "set it to audit, or network.ingress.tls: true",
    );
  // The tree runs every container read-only; a file's own Helm values merge last and can undo it.
  if (policies.effects.readOnlyRootFilesystem === "deny")
    for (const { path, values } of Object.values(env.helmValues ?? {}))
      for (const at of writableRoots(values, path))
        report(
          "warning",
          at,
          "readOnlyRootFilesystem: false here is refused by security.kubernetesPolicies.effects." +
            "readOnlyRootFilesystem: deny; mount an emptyDir where the image writes instead",
        );
  for (const [key, why] of Object.entries(AUDIT_IN_PRODUCTION) as [KubernetesPolicyKey, string][])
    if (policies.effects[key] === "deny")
      report(
        "warning",
        effect(key),
        `${key}: deny refuses the platform's own pods unless security.kubernetesPolicies.excludedNamespaces ` +
          `covers them: ${why}`,
      );
}

/** Where Helm values turn a read-only root file system off (readOnlyRootFilesystem: false), at any depth. */
function writableRoots(value: unknown, path: readonly (string | number)[]): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => writableRoots(v, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === "readOnlyRootFilesystem" && v === false ? [[...path, k]] : writableRoots(v, [...path, k]),
  );
}
