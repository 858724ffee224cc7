// User-assigned identities: the AKS control plane (it manages the VNet's subnets and the NAT
// gateway) and one per workload that reaches Azure.
import { Tags } from 'types.bicep'

param location string
param tags Tags
param controlPlaneName string
param workloadNames string[]
param vnetName string

resource controlPlane 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: controlPlaneName
  location: location
  tags: tags
}

resource workloads 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = [for name in workloadNames: {
  name: name
  location: location
  tags: tags
}]

resource vnet 'Microsoft.Network/virtualNetworks@2025-05-01' existing = {
  name: vnetName
}

// Network Contributor on the VNet, so AKS can join nodes and load balancers to its subnets.
var networkContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4d97b98b-1d4f-4787-a291-c67834d212e7')

resource networkRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vnet.id, controlPlane.id, networkContributor)
  scope: vnet
  properties: {
    principalId: controlPlane.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: networkContributor
  }
}

output controlPlaneId string = controlPlane.id
output workloadIds string[] = [for (name, i) in workloadNames: workloads[i].id]
output workloadClientIds string[] = [for (name, i) in workloadNames: workloads[i].properties.clientId]
output workloadPrincipalIds string[] = [for (name, i) in workloadNames: workloads[i].properties.principalId]
