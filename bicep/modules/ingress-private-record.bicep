// The ingress host's A record in a private zone linked to the spoke VNet, so that browsers in
// peered networks and CodeMie's own pods (the API calls Keycloak at the public host) resolve it.
// An existing zone gets a link to this VNet too: without one the VNet does not see the zone.
import { Tags } from 'types.bicep'

param zoneName string
param recordName string
param address string
param vnetId string
param vnetName string
@description('Link the zone to the VNet here; false when the zone was created with its link by private-dns-zone.bicep.')
param linkVnet bool
param tags Tags

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' existing = {
  name: zoneName
}

resource link 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = if (linkVnet) {
  parent: zone
  name: vnetName
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: { id: vnetId }
  }
}

resource record 'Microsoft.Network/privateDnsZones/A@2024-06-01' = {
  parent: zone
  name: recordName
  properties: {
    ttl: 300
    aRecords: [{ ipv4Address: address }]
  }
}
