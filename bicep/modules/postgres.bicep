// Azure Database for PostgreSQL Flexible Server on a delegated subnet with private DNS,
// the extension allow-list CodeMie's migrations need, and its databases.
import { Tags } from 'types.bicep'

param name string
param location string
param tags Tags
param version '14' | '15' | '16' | '17'
param tier 'Burstable' | 'GeneralPurpose' | 'MemoryOptimized'
param sku string
param storageGb int
param highAvailability 'Disabled' | 'SameZone' | 'ZoneRedundant'
param backupRetentionDays int
param geoRedundantBackup bool
param delegatedSubnetId string
param privateDnsZoneId string
param databases string[]
param extensions string[]
param administratorLogin string
param lock bool
param workspaceId string
@secure()
param administratorPassword string
@description('Entra ID group administering the server with Entra sign-in; empty objectId for none.')
param entraAdminGroup { objectId: string, name: string }

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: sku, tier: tier }
  properties: {
    version: version
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    authConfig: { passwordAuth: 'Enabled', activeDirectoryAuth: 'Enabled' }
    storage: { storageSizeGB: storageGb, autoGrow: 'Enabled' }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: geoRedundantBackup ? 'Enabled' : 'Disabled'
    }
    highAvailability: { mode: highAvailability }
    network: {
      delegatedSubnetResourceId: delegatedSubnetId
      privateDnsZoneArmResourceId: privateDnsZoneId
      publicNetworkAccess: 'Disabled'
    }
  }
}

// CodeMie's migrations run `create extension pg_trgm`; Azure only allows listed extensions.
resource allowList 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {
  parent: server
  name: 'azure.extensions'
  properties: { value: join(extensions, ','), source: 'user-override' }
}

// TLS 1.2 or later on every connection, and every connection, disconnection and DDL statement
// in the audit log (the server sends its logs to Log Analytics below). A server accepts one
// parameter change at a time.
var serverParameters = [
  { name: 'require_secure_transport', value: 'on' }
  { name: 'ssl_min_protocol_version', value: 'TLSv1.2' }
  { name: 'log_statement', value: 'ddl' }
  { name: 'log_connections', value: 'on' }
  { name: 'log_disconnections', value: 'on' }
]

@batchSize(1)
resource hardening 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = [for p in serverParameters: {
  parent: server
  name: p.name
  properties: { value: p.value, source: 'user-override' }
  dependsOn: [allowList]
}]

@batchSize(1)
resource dbs 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01' = [for db in databases: {
  parent: server
  name: db
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
  dependsOn: [hardening]
}]

var entraAdminSet = !empty(entraAdminGroup.objectId)
// People administer the server as themselves through an Entra group, not with the password.
resource entraAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2025-08-01' = if (entraAdminSet) {
  parent: server
  name: empty(entraAdminGroup.objectId) ? 'none' : entraAdminGroup.objectId
  properties: { principalType: 'Group', principalName: entraAdminGroup.name, tenantId: tenant().tenantId }
  dependsOn: [dbs]
}

resource deleteLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock) {
  name: 'codemie-do-not-delete'
  scope: server
  properties: { level: 'CanNotDelete', notes: 'Holds CodeMie data; remove the lock deliberately before deleting.' }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: server
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

output host string = server.properties.fullyQualifiedDomainName
output administratorLogin string = server.properties.administratorLogin
