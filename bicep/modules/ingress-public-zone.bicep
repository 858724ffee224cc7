// A public DNS zone for the ingress host, created in the environment's resource group. Its
// parent zone must delegate to the name servers this module outputs.
import { Tags } from 'types.bicep'

param zoneName string
param tags Tags

resource zone 'Microsoft.Network/dnsZones@2018-05-01' = {
  name: zoneName
  location: 'global'
  tags: tags
  properties: { zoneType: 'Public' }
}

output nameServers string[] = zone.properties.nameServers
