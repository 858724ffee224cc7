// Spoke network: one subnet per role, an NSG on every subnet with the inbound rules the toolkit
// computes (src/render/bicep/network-rules.ts), and NAT gateway egress with a static public IP
// (external systems allow-list that one address).
import { Tags } from 'types.bicep'

param location string
param tags Tags
param vnetName string
param natGatewayName string
param natPublicIpName string
param addressSpace string
param subnets {
  system: string
  workloads: string
  postgres: string
  privateEndpoints: string
  @description('The Application Gateway WAF\'s subnet; empty: none. Kept while set: a gateway may be in it.')
  appGateway: string
}
param zones string[]

@description('Firewall address all node egress is routed to (a hub\'s or the managed one); empty: the NAT gateway.')
param egressFirewallIp string

@description('AzureFirewallSubnet of the managed egress firewall; empty: none.')
param firewallSubnet string

var viaFirewall = !empty(egressFirewallIp)

type SecurityRule = resourceInput<'Microsoft.Network/networkSecurityGroups@2025-05-01'>.properties.securityRules[*]

param workspaceId string

@description('Inbound rules of each subnet\'s NSG.')
param securityRules {
  system: SecurityRule[]
  workloads: SecurityRule[]
  postgres: SecurityRule[]
  privateEndpoints: SecurityRule[]
  appGateway: SecurityRule[]
}

var hasGatewaySubnet = !empty(subnets.appGateway)

resource natIp 'Microsoft.Network/publicIPAddresses@2025-05-01' = {
  name: natPublicIpName
  location: location
  tags: tags
  sku: { name: 'Standard' }
  zones: zones
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource nat 'Microsoft.Network/natGateways@2025-05-01' = {
  name: natGatewayName
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    idleTimeoutInMinutes: 10
    publicIpAddresses: [{ id: natIp.id }]
  }
}

// Egress through a firewall: the default route of the node subnets points at it, and the NAT
// gateway (kept, so its address stays the environment's) is not attached.
resource egressRoutes 'Microsoft.Network/routeTables@2025-05-01' = if (viaFirewall) {
  name: 'rt-${vnetName}-egress'
  location: location
  tags: tags
  properties: {
    routes: [
      {
        name: 'default-via-firewall'
        properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: egressFirewallIp }
      }
    ]
  }
}

// One NSG per subnet, written out: a resource loop makes the compiled dependsOn order vary
// between Bicep compilations, and the compiled template must be byte-stable for review.
resource systemNsg 'Microsoft.Network/networkSecurityGroups@2025-05-01' = {
  name: 'nsg-${vnetName}-system'
  location: location
  tags: tags
  properties: { securityRules: securityRules.system }
}

resource workloadsNsg 'Microsoft.Network/networkSecurityGroups@2025-05-01' = {
  name: 'nsg-${vnetName}-workloads'
  location: location
  tags: tags
  properties: { securityRules: securityRules.workloads }
}

resource postgresNsg 'Microsoft.Network/networkSecurityGroups@2025-05-01' = {
  name: 'nsg-${vnetName}-postgres'
  location: location
  tags: tags
  properties: { securityRules: securityRules.postgres }
}

resource privateEndpointsNsg 'Microsoft.Network/networkSecurityGroups@2025-05-01' = {
  name: 'nsg-${vnetName}-private-endpoints'
  location: location
  tags: tags
  properties: { securityRules: securityRules.privateEndpoints }
}

resource appGatewayNsg 'Microsoft.Network/networkSecurityGroups@2025-05-01' = if (hasGatewaySubnet) {
  name: 'nsg-${vnetName}-app-gateway'
  location: location
  tags: tags
  properties: { securityRules: securityRules.appGateway }
}

// Appended after the others, so that existing subnets keep their place in the array.
var gatewaySubnets = hasGatewaySubnet
  ? [
      {
        name: 'snet-app-gateway'
        properties: {
          addressPrefix: subnets.appGateway
          networkSecurityGroup: { id: appGatewayNsg.id }
        }
      }
    ]
  : []

// AzureFirewallSubnet joins them once given, and stays: a firewall in it could not be removed.
var firewallSubnets = empty(firewallSubnet)
  ? []
  : [
      {
        // Azure's fixed name; the firewall needs no NSG (Azure refuses one on this subnet).
        name: 'AzureFirewallSubnet'
        properties: { addressPrefix: firewallSubnet }
      }
    ]

// The four subnets every environment has, in their fixed order (the outputs index them).
var baseSubnets = [
      {
        name: 'snet-system'
        properties: {
          addressPrefix: subnets.system
          networkSecurityGroup: { id: systemNsg.id }
          natGateway: viaFirewall ? null : { id: nat.id }
          routeTable: viaFirewall ? { id: egressRoutes.id } : null
        }
      }
      {
        name: 'snet-workloads'
        properties: {
          addressPrefix: subnets.workloads
          networkSecurityGroup: { id: workloadsNsg.id }
          natGateway: viaFirewall ? null : { id: nat.id }
          routeTable: viaFirewall ? { id: egressRoutes.id } : null
        }
      }
      {
        name: 'snet-postgres'
        properties: {
          addressPrefix: subnets.postgres
          networkSecurityGroup: { id: postgresNsg.id }
          // No NAT gateway here: no implicit internet egress either.
          defaultOutboundAccess: false
          delegations: [
            {
              name: 'postgres'
              properties: { serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers' }
            }
          ]
        }
      }
      {
        name: 'snet-private-endpoints'
        properties: {
          addressPrefix: subnets.privateEndpoints
          networkSecurityGroup: { id: privateEndpointsNsg.id }
          // Makes the subnet's NSG apply to the private endpoints.
          privateEndpointNetworkPolicies: 'Enabled'
          defaultOutboundAccess: false
        }
      }
]

resource vnet 'Microsoft.Network/virtualNetworks@2025-05-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressSpace] }
    // Subnets given later are appended, and stay: a gateway or firewall in one could not be removed.
    subnets: concat(baseSubnets, gatewaySubnets, firewallSubnets)
  }
}

// Rule hits and events of every NSG, for the audit trail (written out, as the NSGs are).
resource systemNsgDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: systemNsg
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

resource workloadsNsgDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: workloadsNsg
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

resource postgresNsgDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: postgresNsg
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

resource privateEndpointsNsgDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: privateEndpointsNsg
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

resource appGatewayNsgDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (hasGatewaySubnet) {
  name: 'to-log-analytics'
  scope: appGatewayNsg
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

output vnetId string = vnet.id
output systemSubnetId string = vnet.properties.subnets[0].id
output workloadsSubnetId string = vnet.properties.subnets[1].id
output postgresSubnetId string = vnet.properties.subnets[2].id
output privateEndpointSubnetId string = vnet.properties.subnets[3].id
output egressIp string = natIp.properties.ipAddress
output firewallSubnetId string = empty(firewallSubnet) ? '' : '${vnet.id}/subnets/AzureFirewallSubnet'
output vnetName string = vnet.name
output appGatewaySubnetId string = hasGatewaySubnet
  ? resourceId('Microsoft.Network/virtualNetworks/subnets', vnetName, 'snet-app-gateway')
  : ''
