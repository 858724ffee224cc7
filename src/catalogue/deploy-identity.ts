// The Azure roles the deploy identity needs on each environment's subscription, short of Owner:
// Contributor writes every resource but no Microsoft.Authorization/* (its NotActions), so the
// workload identities' role assignments and the Azure Policy assignments and definition each need
// a role of their own (docs/github-actions.md).
export interface DeployRole {
  /** The built-in role's name, as `az role assignment create --role` takes it. */
  role: string;
  /** What of the deploy needs it. */
  grants: string;
  /** The write actions the deploy needs from it and Contributor lacks. */
  actions: readonly string[];
}

export const DEPLOY_IDENTITY_ROLES: readonly DeployRole[] = [
  { role: "Contributor", grants: "the resource group and every resource in it", actions: [] },
  {
    role: "Role Based Access Control Administrator",
    grants: "the role assignments of the cluster's and the workloads' identities",
    actions: ["Microsoft.Authorization/roleAssignments/write"],
  },
  {
    role: "Resource Policy Contributor",
    grants: "the Kubernetes policy assignments and the toolkit's Ingress-hosts policy definition",
    actions: ["Microsoft.Authorization/policyAssignments/write", "Microsoft.Authorization/policyDefinitions/write"],
  },
];
