// Key Vault with RBAC authorization, soft delete and purge protection, reached through a
// private endpoint; it holds CodeMie's envelope-encryption key and every generated secret.
import { Grant, Tags } from 'types.bicep'

param name string
param location string
param tags Tags
param tenantId string
param softDeleteRetentionDays int
param purgeProtection bool
param publicNetworkAccess bool
param keyName string
// ARM creates a key only if none of that name exists and never changes an existing one: a new spec
// needs a new key name.
@description('Type and size of the encryption key.')
param keySpec {
  kty: 'RSA' | 'RSA-HSM'
  keySize: 2048 | 3072 | 4096
}
param lock bool
param workspaceId string
param roleAssignments Grant[]

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionDays
    enablePurgeProtection: purgeProtection ? true : null
    // ARM resolves the deployment's Key Vault parameter references (the PostgreSQL password).
    enabledForTemplateDeployment: true
    publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: publicNetworkAccess ? 'Allow' : 'Deny'
    }
  }
}

// Create-if-not-exists: ARM leaves an existing key as it is, so keySpec is immutable per key name
// (the deploy refuses a changed spec, see src/engine/day2.ts).
resource encryptionKey 'Microsoft.KeyVault/vaults/keys@2025-05-01' = {
  parent: vault
  name: keyName
  properties: {
    kty: keySpec.kty
    keySize: keySpec.keySize
    keyOps: ['wrapKey', 'unwrapKey']
  }
}

resource deleteLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock) {
  name: 'codemie-do-not-delete'
  scope: vault
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds CodeMie secrets and keys; remove the lock deliberately before deleting.'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [{ category: 'AuditEvent', enabled: true }]
  }
}


// Role assignments named from (scope, identity resource ID, role): re-runs update, never collide.
resource grants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for g in roleAssignments: {
  name: guid(vault.id, g.identityId, g.roleDefinitionGuid)
  scope: vault
  properties: {
    principalId: g.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', g.roleDefinitionGuid)
  }
}]

output id string = vault.id
output uri string = vault.properties.vaultUri
output keyName string = encryptionKey.name
output name string = vault.name
