// Log Analytics workspace that every diagnostic setting sends to.
import { Tags } from 'types.bicep'

param name string
param location string
param tags Tags
param retentionDays int
@description('CanNotDelete lock (production): the audit trail outlives mistakes.')
param lock bool

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionDays
  }
}

resource deleteLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock) {
  name: 'codemie-do-not-delete'
  scope: workspace
  properties: { level: 'CanNotDelete', notes: 'Holds the audit logs; remove the lock deliberately before deleting.' }
}

output workspaceId string = workspace.id
