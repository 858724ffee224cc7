// Optional Azure OpenAI account with model deployments, without keys (Entra ID only).
import { Grant, Tags } from 'types.bicep'

type ModelDeployment = {
  name: string
  model: string
  version: string
  capacity: int
  sku: string
}

param name string
param location string
param tags Tags
param publicNetworkAccess bool
param deployments ModelDeployment[]
param roleAssignments Grant[]
param workspaceId string
@description('CanNotDelete lock (production).')
param lock bool

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: { name: 'S0' }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAcls: { defaultAction: publicNetworkAccess ? 'Allow' : 'Deny' }
    // The account calls nothing outside Azure OpenAI itself.
    restrictOutboundNetworkAccess: true
    allowedFqdnList: []
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'audit', enabled: true }]
  }
}

resource deleteLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock) {
  name: 'codemie-do-not-delete'
  scope: account
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds the model deployments; remove the lock deliberately before deleting.'
  }
}

// Deployments of one account must be created one at a time.
@batchSize(1)
resource models 'Microsoft.CognitiveServices/accounts/deployments@2025-06-01' = [for d in deployments: {
  parent: account
  name: d.name
  sku: { name: d.sku, capacity: d.capacity }
  properties: {
    model: { format: 'OpenAI', name: d.model, version: d.version }
  }
}]


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
output endpoint string = account.properties.endpoint
output deploymentNames string[] = [for (d, i) in deployments: models[i].name]
output name string = account.name
