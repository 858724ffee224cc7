// Storage account for CodeMie's files (FILES_STORAGE_TYPE=azure): Entra ID access only,
// no shared keys, no anonymous blobs, reached through a private endpoint when private.
import { Grant, Tags } from 'types.bicep'

param name string
param location string
param tags Tags
param publicNetworkAccess bool
param lock bool
param roleAssignments Grant[]
@description('Double encryption at the infrastructure layer; fixed when the account is created.')
param infrastructureEncryption bool
param workspaceId string

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
    publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: publicNetworkAccess ? 'Allow' : 'Deny'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: infrastructureEncryption
      services: { blob: { enabled: true, keyType: 'Account' } }
    }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 14 }
    containerDeleteRetentionPolicy: { enabled: true, days: 14 }
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobs
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'audit', enabled: true }]
  }
}

resource deleteLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock) {
  name: 'codemie-do-not-delete'
  scope: account
  properties: { level: 'CanNotDelete', notes: 'Holds CodeMie files; remove the lock deliberately before deleting.' }
}


// Role assignments named from (scope, identity resource ID, role): re-runs update, never collide.
resource grants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for g in roleAssignments: {
  name: guid(account.id, g.identityId, g.roleDefinitionGuid)
  scope: account
  properties: {
    principalId: g.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', g.roleDefinitionGuid)
  }
}]

output id string = account.id
output name string = account.name
output blobServiceName string = blobs.name
