// The environment's own egress firewall (network.egressFirewall.mode managed): an Azure Firewall
// in AzureFirewallSubnet with a zone-redundant public IP, and a Firewall Policy that allows only
// the platform's egress (src/render/bicep/egress-firewall.ts generates the rules from the same
// allow-list as bicep/egress-fqdns.txt). The node subnets' default route points at it
// (network.bicep); AKS waits for this module, so its nodes boot with their egress allowed.
import { Tags } from 'types.bicep'

param name string
param policyName string
param publicIpName string
param location string
param tags Tags
param zones string[]
param subnetId string
param sku 'Standard' | 'Premium'
@description('Deny in production: traffic to known-malicious addresses is dropped, not only logged.')
param threatIntelMode 'Alert' | 'Deny'
@description('The node subnets: the only sources the rules allow.')
param sources string[]

type ApplicationRule = {
  name: string
  description: string
  fqdns: string[]
  fqdnTags: string[]
}

type NetworkRule = {
  name: string
  description: string
  protocols: ('TCP' | 'UDP')[]
  addresses: string[]
  fqdns: string[]
  ports: string[]
}

param applicationRules ApplicationRule[]
param networkRules NetworkRule[]
param workspaceId string
@description('CanNotDelete lock (production): removing the firewall would cut or open the egress path.')
param lock bool

resource publicIp 'Microsoft.Network/publicIPAddresses@2025-05-01' = {
  name: publicIpName
  location: location
  tags: tags
  sku: { name: 'Standard' }
  zones: zones
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource policy 'Microsoft.Network/firewallPolicies@2025-05-01' = {
  name: policyName
  location: location
  tags: tags
  properties: {
    sku: { tier: sku }
    threatIntelMode: threatIntelMode
    // Premium's intrusion detection and prevention, in the same mode as threat intelligence.
    intrusionDetection: sku == 'Premium' ? { mode: threatIntelMode } : null
    // Network rules may name FQDNs (the SSH GitOps host): the firewall resolves them itself.
    dnsSettings: { enableProxy: true }
  }
}

resource rules 'Microsoft.Network/firewallPolicies/ruleCollectionGroups@2025-05-01' = {
  parent: policy
  name: 'codemie-egress'
  properties: {
    priority: 200
    ruleCollections: [
      {
        ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
        name: 'network'
        priority: 100
        action: { type: 'Allow' }
        rules: [
          for rule in networkRules: {
            ruleType: 'NetworkRule'
            name: rule.name
            description: rule.description
            ipProtocols: rule.protocols
            sourceAddresses: sources
            destinationAddresses: rule.addresses
            destinationFqdns: rule.fqdns
            destinationPorts: rule.ports
          }
        ]
      }
      {
        ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
        name: 'application'
        priority: 200
        action: { type: 'Allow' }
        rules: [
          for rule in applicationRules: {
            ruleType: 'ApplicationRule'
            name: rule.name
            description: rule.description
            protocols: [{ protocolType: 'Https', port: 443 }]
            sourceAddresses: sources
            targetFqdns: rule.fqdns
            fqdnTags: rule.fqdnTags
          }
        ]
      }
    ]
  }
}

resource firewall 'Microsoft.Network/azureFirewalls@2025-05-01' = {
  name: name
  location: location
  tags: tags
  zones: zones
  properties: {
    sku: { name: 'AZFW_VNet', tier: sku }
    firewallPolicy: { id: policy.id }
    ipConfigurations: [
      {
        name: 'egress'
        properties: {
          subnet: { id: subnetId }
          publicIPAddress: { id: publicIp.id }
        }
      }
    ]
  }
  // A policy's rules cannot change while its firewall updates: the rules are written first.
  dependsOn: [rules]
}

// Every rule hit and denial, in resource-specific tables (AZFWApplicationRule, AZFWNetworkRule...).
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: firewall
  properties: {
    workspaceId: workspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

resource deleteLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock) {
  name: 'codemie-do-not-delete'
  scope: firewall
  properties: { level: 'CanNotDelete', notes: 'All node egress passes through it; remove the lock deliberately.' }
}

output privateIp string = firewall.properties.ipConfigurations[0].properties.privateIPAddress
output publicIp string = publicIp.properties.ipAddress
