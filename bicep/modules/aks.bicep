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
@description('userDefinedRouting when egress goes through a hub firewall (the node subnets\' route table), else NAT.')
param outboundType 'userAssignedNATGateway' | 'userDefinedRouting'
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
@description('NetworkPolicy enforcement: cilium (Azure CNI powered by Cilium), azure (Network Policy Manager) or none.')
param networkPolicy 'cilium' | 'azure' | 'none'
@description('Azure Policy add-on, so policy assignments audit and deny workloads.')
param azurePolicy bool
@description('Defender for Containers sensor, reporting to the workspace.')
param defender bool
@description('Also collect cluster-autoscaler and kube-controller-manager logs (the audit logs are always collected).')
param operationalLogs bool
// initiativeId: a built-in policy set GUID from src/catalogue/pod-security.ts, empty for none.
@description('Azure Policy\'s pod security initiative, its effect and the namespaces it skips.')
param podSecurity {
  standard: 'baseline' | 'restricted'
  initiativeId: string
  effect: 'audit' | 'deny'
  excludedNamespaces: string[]
}
@description('Forbid Run Command (kubectl through ARM with the caller\'s Azure rights).')
param disableRunCommand bool
@description('CIDRs allowed to reach a public API server; empty: any address (Entra ID still required).')
param authorizedIpRanges string[]

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
      disableRunCommand: disableRunCommand
      authorizedIPRanges: authorizedIpRanges
    }
    addonProfiles: {
      azurepolicy: { enabled: azurePolicy }
    }
    oidcIssuerProfile: { enabled: true }
    securityProfile: {
      workloadIdentity: { enabled: true }
      // Removes unused images from the nodes weekly (stale images carry stale CVEs).
      imageCleaner: { enabled: true, intervalHours: 120 }
      defender: {
        logAnalyticsWorkspaceResourceId: defender ? workspaceId : null
        securityMonitoring: { enabled: defender }
      }
    }
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      podCidr: podCidr
      serviceCidr: serviceCidr
      dnsServiceIP: dnsServiceIp
      outboundType: outboundType
      loadBalancerSku: 'standard'
      // Cilium is one-way: AKS upgrades an Azure dataplane to Cilium in place, never back.
      networkDataplane: networkPolicy == 'cilium' ? 'cilium' : 'azure'
      networkPolicy: networkPolicy
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

// Node images (security patches of the node OS) roll out in the same weekly window.
resource nodeOsWindow 'Microsoft.ContainerService/managedClusters/maintenanceConfigurations@2025-07-01' = {
  parent: cluster
  name: 'aksManagedNodeOSUpgradeSchedule'
  properties: {
    maintenanceWindow: {
      schedule: { weekly: { intervalWeeks: 1, dayOfWeek: maintenanceWindow.day } }
      durationHours: maintenanceWindow.durationHours
      startTime: '${padLeft(string(maintenanceWindow.startHour), 2, '0')}:00'
      utcOffset: '+00:00'
    }
  }
  // One configuration change of the cluster at a time.
  dependsOn: [upgradeWindow]
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: cluster
  properties: {
    workspaceId: workspaceId
    // The AKS baseline's categories: audit (always) and the autoscaler's and controller manager's
    // decisions. kube-scheduler and kube-apiserver stay off: high volume, little value outside triage.
    logs: concat(
      [
        { category: 'kube-audit-admin', enabled: true }
        { category: 'guard', enabled: true }
      ],
      operationalLogs
        ? [
            { category: 'cluster-autoscaler', enabled: true }
            { category: 'kube-controller-manager', enabled: true }
          ]
        : []
    )
  }
}

// Assigned on the cluster itself, so it governs this cluster and nothing else in the subscription.
var podSecurityAssigned = !empty(podSecurity.initiativeId)
// Named by standard: Azure refuses to change an assignment's definition (InvalidPolicyDefinitionIdUpdate),
// so another standard is another assignment.
resource podSecurityAssignment 'Microsoft.Authorization/policyAssignments@2025-03-01' = if (podSecurityAssigned) {
  name: 'codemie-pod-security-${podSecurity.standard}'
  scope: cluster
  properties: {
    displayName: '[${name}] Pod Security Standard ${podSecurity.standard}'
    policyDefinitionId: tenantResourceId('Microsoft.Authorization/policySetDefinitions', podSecurity.initiativeId)
    parameters: {
      effect: { value: podSecurity.effect }
      excludedNamespaces: { value: podSecurity.excludedNamespaces }
    }
  }
}

output name string = cluster.name
output oidcIssuerUrl string = cluster.properties.oidcIssuerProfile.issuerURL
