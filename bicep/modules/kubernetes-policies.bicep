// aks-baseline's single Azure Policy definitions (src/catalogue/kubernetes-policies.ts), built-in or the
// toolkit's own, assigned on the cluster itself like the pod security initiative, so they govern this
// cluster and nothing else.
type Assignment = {
  @description('Fixed per definition: Azure refuses to change an assignment\'s definition.')
  name: string
  displayName: string
  @description('Built-in policy definition GUID, or the name of the toolkit\'s definition in the subscription.')
  definitionId: string
  @description('The definition is the toolkit\'s own (ingress-hosts-policy.bicep), in this subscription.')
  custom: bool
  @description('The definition\'s parameters, each as { value: ... }.')
  parameters: resourceInput<'Microsoft.Authorization/policyAssignments@2025-03-01'>.properties.parameters
}

param clusterName string
param assignments Assignment[]

resource cluster 'Microsoft.ContainerService/managedClusters@2025-07-01' existing = {
  name: clusterName
}

resource policies 'Microsoft.Authorization/policyAssignments@2025-03-01' = [for a in assignments: {
  name: a.name
  scope: cluster
  properties: {
    displayName: a.displayName
    policyDefinitionId: a.custom
      ? subscriptionResourceId('Microsoft.Authorization/policyDefinitions', a.definitionId)
      : tenantResourceId('Microsoft.Authorization/policyDefinitions', a.definitionId)
    parameters: a.parameters
  }
}]
