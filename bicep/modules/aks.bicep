// The AKS cluster: Entra ID with Azure RBAC, OIDC issuer and workload identity, Azure CNI
// overlay behind the NAT gateway, node pools as sized by the capacity planner. Container logs go
// to Elasticsearch through Fluent Bit, so no Container Insights agent runs (the planner counts
// none); control-plane logs go to Log Analytics through the diagnostic setting below.
import { Tags } from 'types.bicep'

type NodePool = {
  name: string
  mode: 'System' | 'User'
  vmSize: string
  maxPods: int
  enableAutoScaling: bool
  count: int
  minCount: int?
  maxCount: int?
  zones: string[]
  labels: { *: string }
  taints: string[]
  subnet: 'system' | 'workloads'
}

param name string
param location string
param tags Tags
param kubernetesVersion string
param nodeResourceGroup string
param tier 'Free' | 'Standard'
param controlPlaneIdentityId string
param tenantId string
param adminGroupObjectIds string[]
param privateCluster bool
param podCidr string
param serviceCidr string
param dnsServiceIp string
param upgradeChannel 'none' | 'patch' | 'stable' | 'rapid' | 'node-image'
param maintenanceWindow {
  day: string
  startHour: int
  durationHours: int
}
param nodePools NodePool[]
param vnetName string
param workspaceId string

resource cluster 'Microsoft.ContainerService/managedClusters@2025-07-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Base', tier: tier }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${controlPlaneIdentityId}': {} }
  }
  properties: {
    kubernetesVersion: kubernetesVersion
    dnsPrefix: name
    nodeResourceGroup: nodeResourceGroup
    enableRBAC: true
    disableLocalAccounts: true
    aadProfile: {
      managed: true
      enableAzureRBAC: true
      tenantID: tenantId
      adminGroupObjectIDs: adminGroupObjectIds
    }
    apiServerAccessProfile: {
      enablePrivateCluster: privateCluster
      privateDNSZone: privateCluster ? 'system' : null
    }
    oidcIssuerProfile: { enabled: true }
    securityProfile: { workloadIdentity: { enabled: true } }
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      podCidr: podCidr
      serviceCidr: serviceCidr
      dnsServiceIP: dnsServiceIp
      outboundType: 'userAssignedNATGateway'
      loadBalancerSku: 'standard'
    }
    autoUpgradeProfile: {
      upgradeChannel: upgradeChannel
      nodeOSUpgradeChannel: 'NodeImage'
    }
    agentPoolProfiles: [for pool in nodePools: {
      name: pool.name
      mode: pool.mode
      type: 'VirtualMachineScaleSets'
      vmSize: pool.vmSize
      maxPods: pool.maxPods
      osType: 'Linux'
      osSKU: 'AzureLinux'
      count: pool.count
      enableAutoScaling: pool.enableAutoScaling
      minCount: pool.?minCount
      maxCount: pool.?maxCount
      availabilityZones: pool.zones
      nodeLabels: pool.labels
      nodeTaints: pool.taints
      vnetSubnetID: resourceId('Microsoft.Network/virtualNetworks/subnets', vnetName, 'snet-${pool.subnet}')
      upgradeSettings: { maxSurge: '1' }
    }]
  }
}

resource upgradeWindow 'Microsoft.ContainerService/managedClusters/maintenanceConfigurations@2025-07-01' = {
  parent: cluster
  name: 'aksManagedAutoUpgradeSchedule'
  properties: {
    maintenanceWindow: {
      schedule: { weekly: { intervalWeeks: 1, dayOfWeek: maintenanceWindow.day } }
      durationHours: maintenanceWindow.durationHours
      startTime: '${padLeft(string(maintenanceWindow.startHour), 2, '0')}:00'
      utcOffset: '+00:00'
    }
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: cluster
  properties: {
    workspaceId: workspaceId
    logs: [
      { category: 'kube-audit-admin', enabled: true }
      { category: 'guard', enabled: true }
    ]
  }
}

output name string = cluster.name
output oidcIssuerUrl string = cluster.properties.oidcIssuerProfile.issuerURL
