// Azure Policy's built-in pod security initiatives, assigned at the cluster's scope and enforced by
// the Azure Policy add-on (Gatekeeper). The ids are Microsoft's built-in policy set definitions,
// listed in learn.microsoft.com/azure/governance/policy/samples/built-in-initiatives ("Kubernetes")
// and linked from learn.microsoft.com/azure/aks/use-psa; mspnp/aks-baseline assigns the restricted
// one (workload-team/modules/policies.bicep).

export type PodSecurityStandard = "baseline" | "restricted";
export type PodSecurityEffect = "audit" | "deny";

export const POD_SECURITY_INITIATIVES: Record<PodSecurityStandard, { id: string; displayName: string }> = {
  baseline: {
    id: "a8640138-9b0a-4a28-b8cb-1666c838647d",
    displayName: "Kubernetes cluster pod security baseline standards for Linux-based workloads",
  },
  restricted: {
    id: "42b8ef37-b724-4e24-bbc8-7a7708edfe00",
    displayName: "Kubernetes cluster pod security restricted standards for Linux-based workloads",
  },
};

/**
 * Namespaces AKS and its extensions own (system pods that need host access by design), excluded
 * from every assignment: kube-system (CNI, Cilium, CSI, Defender), gatekeeper-system (the add-on
 * itself), azure-arc and azure-extensions-usage-system (extension agents), flux-system (the Flux
 * extension).
 */
export const POD_SECURITY_SYSTEM_NAMESPACES = [
  "kube-system",
  "gatekeeper-system",
  "azure-arc",
  "azure-extensions-usage-system",
  "flux-system",
] as const;
