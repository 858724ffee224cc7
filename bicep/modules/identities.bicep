// User-assigned identities: the AKS control plane (it joins nodes and load balancers to the node
// subnets) and one per workload that reaches Azure.
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

  resource systemSubnet 'subnets' existing = {
    name: 'snet-system'
  }

  resource workloadsSubnet 'subnets' existing = {
    name: 'snet-workloads'
  }
}

// Network Contributor on the two node subnets only (not the VNet): AKS joins nodes and internal
// load balancers to them and needs nothing of the PostgreSQL or private-endpoint subnets.
var networkContributor = subscriptionResourceId(
  'Microsoft.Authorization/roleDefinitions',
  '4d97b98b-1d4f-4787-a291-c67834d212e7'
)

resource systemSubnetRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vnet::systemSubnet.id, controlPlane.id, networkContributor)
  scope: vnet::systemSubnet
  properties: {
    principalId: controlPlane.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: networkContributor
  }
}

resource workloadsSubnetRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vnet::workloadsSubnet.id, controlPlane.id, networkContributor)
  scope: vnet::workloadsSubnet
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
