// What-if changes as ARM sends them (WhatIfOperationResult.properties.changes, api-version
// 2025-03-01, resultFormat FullResourcePayloads): nested array deltas with children, numbers,
// booleans, null, created and deleted array items, NoEffect read-only properties.
const sub = "/subscriptions/33333333-3333-4333-8333-333333333333";
const rg = `${sub}/resourceGroups/rg-codemie-prod`;
export const AKS_ID = `${rg}/providers/Microsoft.ContainerService/managedClusters/aks-codemie-prod`;
export const PSQL_ID = `${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-codemie-prod`;

const pool = (name: string, vmSize: string, count: number, autoscale: boolean) => ({
  name,
  vmSize,
  count,
  enableAutoScaling: autoscale,
  ...(autoscale ? { minCount: 2, maxCount: 6 } : {}),
  osDiskSizeGB: 128,
  mode: name === "system" ? "System" : "User",
  nodeTaints: null,
});

export const AKS_MODIFY = {
  resourceId: AKS_ID,
  changeType: "Modify",
  before: {
    apiVersion: "2024-09-01",
    id: AKS_ID,
    name: "aks-codemie-prod",
    type: "Microsoft.ContainerService/managedClusters",
    location: "westeurope",
    properties: {
      kubernetesVersion: "1.30.6",
      agentPoolProfiles: [pool("system", "Standard_D4ds_v5", 3, true), pool("workloads", "Standard_D4ds_v5", 6, false)],
      powerState: { code: "Running" },
    },
  },
  after: {
    apiVersion: "2024-09-01",
    id: AKS_ID,
    name: "aks-codemie-prod",
    type: "Microsoft.ContainerService/managedClusters",
    location: "westeurope",
    properties: {
      kubernetesVersion: "1.31.2",
      agentPoolProfiles: [
        pool("system", "Standard_D4ds_v5", 2, true),
        pool("workloads", "Standard_E8ds_v5", 7, false),
        pool("es", "Standard_E4ds_v5", 3, false),
      ],
      disableLocalAccounts: true,
    },
  },
  delta: [
    {
      path: "properties.agentPoolProfiles",
      propertyChangeType: "Array",
      children: [
        {
          path: "0",
          propertyChangeType: "Modify",
          children: [{ path: "count", propertyChangeType: "Modify", before: 3, after: 2 }],
        },
        {
          path: "1",
          propertyChangeType: "Modify",
          children: [
            { path: "vmSize", propertyChangeType: "Modify", before: "Standard_D4ds_v5", after: "Standard_E8ds_v5" },
            { path: "count", propertyChangeType: "Modify", before: 6, after: 7 },
            { path: "nodeLabels", propertyChangeType: "Create", after: { "codemie.ai/pool": "workloads" } },
          ],
        },
        { path: "2", propertyChangeType: "Create", after: pool("es", "Standard_E4ds_v5", 3, false) },
      ],
    },
    { path: "properties.kubernetesVersion", propertyChangeType: "Modify", before: "1.30.6", after: "1.31.2" },
    { path: "properties.disableLocalAccounts", propertyChangeType: "Modify", before: false, after: true },
    {
      path: "properties.nodeResourceGroupProfile",
      propertyChangeType: "Delete",
      before: { restrictionLevel: "Unrestricted" },
    },
    {
      path: "properties.networkProfile.outboundType",
      propertyChangeType: "Modify",
      before: null,
      after: "managedNATGateway",
    },
    { path: "properties.powerState.code", propertyChangeType: "NoEffect", before: "Running" },
    { path: "tags.owners", propertyChangeType: "Array", before: ["a", "b"], after: ["a", "b", "c"] },
  ],
};

export const PSQL_MODIFY = {
  resourceId: PSQL_ID,
  changeType: "Modify",
  before: { properties: { storage: { storageSizeGB: 128 }, highAvailability: { mode: "Disabled" } } },
  after: {
    properties: {
      storage: { storageSizeGB: 256 },
      highAvailability: { mode: "ZoneRedundant" },
      administratorLoginPassword: "THROWAWAY-Secret-123",
    },
  },
  delta: [
    { path: "properties.storage.storageSizeGB", propertyChangeType: "Modify", before: 128, after: 256 },
    {
      path: "properties.highAvailability.mode",
      propertyChangeType: "Modify",
      before: "Disabled",
      after: "ZoneRedundant",
    },
    { path: "properties.administratorLoginPassword", propertyChangeType: "Create", after: "THROWAWAY-Secret-123" },
    {
      path: "properties.authConfig.token",
      propertyChangeType: "Modify",
      before: "old",
      after: "THROWAWAY-Secret-123-suffix",
    },
  ],
};

export const REAL_WHAT_IF_CHANGES = [
  AKS_MODIFY,
  PSQL_MODIFY,
  {
    resourceId: `${rg}/providers/Microsoft.Network/natGateways/ng`,
    changeType: "NoChange",
    before: { sku: { name: "Standard" } },
    after: { sku: { name: "Standard" } },
  },
];
