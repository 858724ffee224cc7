// Where VNet flow logs are written: a storage account of their own (no CodeMie identity holds a
// role on it, so a compromised workload cannot rewrite the network's record), without shared
// keys, and the identity the flow log writes with. Network Watcher is a trusted Azure service:
// the account denies every network except trusted services.
import { Tags } from 'types.bicep'

param name string
param identityName string
param location string
param tags Tags
@description('CanNotDelete lock (production), as on the environment\'s other audit stores.')
param lock bool
param blobDataContributorGuid string

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Enabled so the trusted-services bypass applies; every network is denied by the ACL.
    publicNetworkAccess: 'Enabled'
    networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny' }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
      services: { blob: { enabled: true, keyType: 'Account' } }
    }
  }
}

resource writer 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: tags
}

resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, writer.id, blobDataContributorGuid)
  scope: account
  properties: {
    principalId: writer.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributorGuid)
  }
}

resource deleteLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock) {
  name: 'codemie-do-not-delete'
  scope: account
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds the VNet flow logs; remove the lock deliberately before deleting.'
  }
}

output id string = account.id
output identityId string = writer.id
