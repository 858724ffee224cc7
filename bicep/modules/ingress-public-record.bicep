// The ingress host's A record in a public zone: an alias of the public IP resource, so the
// record follows the address without holding a copy of it.
param zoneName string
param recordName string
param publicIpId string

resource zone 'Microsoft.Network/dnsZones@2018-05-01' existing = {
  name: zoneName
}

resource record 'Microsoft.Network/dnsZones/A@2018-05-01' = {
  parent: zone
  name: recordName
  properties: {
    TTL: 300
    targetResource: { id: publicIpId }
  }
}
