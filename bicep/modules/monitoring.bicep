// Log Analytics workspace that every diagnostic setting sends to.
import { Tags } from 'types.bicep'

param name string
param location string
param tags Tags
param retentionDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionDays
  }
}

output workspaceId string = workspace.id
