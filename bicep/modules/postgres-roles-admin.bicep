// The PostgreSQL roles Job's identity as an Entra administrator of the server: the Job signs in
// as it (workload identity), never with the password, and creates each application's own role.
// A module of its own: the administrator's name is the identity's object ID, known only once the
// identity exists, so what-if cannot predict this module; the server's module stays predictable.
param serverName string
@description('Object (principal) ID of the roles Job\'s user-assigned identity.')
param principalId string
@description('Name of that identity: the PostgreSQL role the Job logs in as.')
param principalName string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' existing = {
  name: serverName
}

resource rolesJob 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2025-08-01' = {
  parent: server
  name: principalId
  properties: { principalType: 'ServicePrincipal', principalName: principalName, tenantId: tenant().tenantId }
}
