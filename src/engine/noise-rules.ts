// What-if reports some property changes that a deployment will not make. Each rule names such a
// property and why it is noise; a property a rule matches is listed apart, never silently
// dropped. Paths are what-if's property paths, `[*]` standing for any array index; a rule also
// covers everything below its path.

export interface NoiseRule {
  id: string;
  /** Resource type, case-insensitive; absent: any type. */
  resourceType?: string;
  /** Absent: any property. */
  path?: string;
  /** What-if's propertyChangeType the rule is limited to. */
  propertyChangeType?: "Create" | "Delete" | "Modify" | "Array" | "NoEffect";
  /** A sibling property of the matched one that must have this value in the template's state. */
  whenSibling?: { name: string; equals: unknown };
  reason: string;
}

export const NOISE_RULES: readonly NoiseRule[] = [
  {
    id: "read-only",
    propertyChangeType: "NoEffect",
    reason: "ARM marks the property read-only (NoEffect): the service ignores the template's value.",
  },
  {
    id: "aks-autoscaled-count",
    resourceType: "Microsoft.ContainerService/managedClusters",
    path: "properties.agentPoolProfiles[*].count",
    whenSibling: { name: "enableAutoScaling", equals: true },
    reason:
      "The cluster autoscaler owns the node count of an autoscaled pool; the template's count only seeds a new pool.",
  },
  {
    id: "aks-pool-autoscaled-count",
    resourceType: "Microsoft.ContainerService/managedClusters/agentPools",
    path: "properties.count",
    whenSibling: { name: "enableAutoScaling", equals: true },
    reason:
      "The cluster autoscaler owns the node count of an autoscaled pool; the template's count only seeds a new pool.",
  },
  {
    id: "postgres-admin-password",
    resourceType: "Microsoft.DBforPostgreSQL/flexibleServers",
    path: "properties.administratorLoginPassword",
    reason:
      "Write-only: ARM never returns the password, so what-if always shows it " +
      "as set; the Key Vault secret it comes from is seeded once and never " +
      "replaced.",
  },
];
