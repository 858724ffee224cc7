// The VNet flow log, a child of the region's Network Watcher (by default NetworkWatcher_<region>
// in NetworkWatcherRG, which Azure creates): this module is deployed into the watcher's resource
// group, so the deploy identity needs write access there (docs/infrastructure.md).
import { Tags } from 'types.bicep'

param watcherName string
param name string
param location string
param tags Tags
param vnetId string
param storageId string
@description('User-assigned identity the flow log writes to the storage account with (the account has no shared keys).')
param identityId string
@description('Days the records are kept (at most 365).')
@minValue(1)
@maxValue(365)
param retentionDays int
@description('Traffic analytics into the workspace every 10 minutes.')
param trafficAnalytics bool
param workspaceId string

resource watcher 'Microsoft.Network/networkWatchers@2025-05-01' existing = {
  name: watcherName
}

resource flowLog 'Microsoft.Network/networkWatchers/flowLogs@2025-05-01' = {
  parent: watcher
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    targetResourceId: vnetId
    storageId: storageId
    enabled: true
    retentionPolicy: { enabled: true, days: retentionDays }
    format: { type: 'JSON', version: 2 }
    flowAnalyticsConfiguration: {
      networkWatcherFlowAnalyticsConfiguration: {
        enabled: trafficAnalytics
        workspaceResourceId: trafficAnalytics ? workspaceId : null
        trafficAnalyticsInterval: trafficAnalytics ? 10 : null
      }
    }
  }
}
