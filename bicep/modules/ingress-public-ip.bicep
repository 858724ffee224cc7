// The public ingress's fixed address, in the environment's resource group so that it outlives a
// re-created cluster (AKS deletes what it created in its node resource group) and the DNS record
// stays true. AKS's cloud provider reads it by name (annotation azure-pip-name) and joins it to
// the cluster's load balancer: the control plane identity gets Network Contributor on this one
// address, not on the resource group.
import { Tags } from 'types.bicep'

param name string
param location string
param tags Tags
param controlPlaneName string
@description('CanNotDelete lock (production): the address is what the DNS record and allow-lists point at.')
param lock bool

resource ip 'Microsoft.Network/publicIPAddresses@2025-05-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource controlPlane 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: controlPlaneName
}

var networkContributor = subscriptionResourceId(
  'Microsoft.Authorization/roleDefinitions',
  '4d97b98b-1d4f-4787-a291-c67834d212e7'
)

resource joinRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ip.id, controlPlane.id, networkContributor)
  scope: ip
  properties: {
    principalId: controlPlane.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: networkContributor
  }
}

resource deleteLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock) {
  name: 'codemie-do-not-delete'
  scope: ip
  properties: {
    level: 'CanNotDelete'
    notes: 'The DNS record of the CodeMie host points here; remove the lock deliberately before deleting.'
  }
}

output id string = ip.id
output address string = ip.properties.ipAddress
