// The AKS-managed Flux extension and the configuration that points it at this environment's
// rendered manifests. Multi-tenancy stays enforced (the extension's secure default): the
// controllers refuse cross-namespace references and act as the flux-applier account of the
// configuration's namespace, and the rendered tree keeps every Flux object there.
type Kustomization = {
  name: string
  path: string
  dependsOn: string[]
  // The layers it applies one after another, so their waits add up.
  @description('How long the kustomization waits for what it applied to be Ready.')
  timeoutSeconds: int
}

param clusterName string
param repositoryUrl string
param branch string
param kustomizations Kustomization[]
@description('False only when the environment file opts out with a reason (gitops.multiTenancyOptOut).')
param enforceMultiTenancy bool = true
@description('The environment file\'s reason for opting out, kept in the deployment history beside the setting.')
param multiTenancyOptOutReason string = ''
@description('Production: deleting or renaming the configuration would uninstall the platform, so it is locked.')
param lock bool = false

// Flux's read-only credential for a private repository (docs/enterprise.md); ARM keeps
// configurationProtectedSettings write-only, base64 values as it expects.
@secure()
@description('OpenSSH private key of the read-only deploy key; empty unless gitops.auth is ssh.')
param sshPrivateKey string = ''

@description('User name sent with httpsKey.')
param httpsUser string = ''

@secure()
@description('Read-only token; empty unless gitops.auth is https.')
param httpsKey string = ''

var protectedSettings = !empty(sshPrivateKey)
  ? { sshPrivateKey: base64(sshPrivateKey) }
  : !empty(httpsKey) ? { httpsUser: base64(httpsUser), httpsKey: base64(httpsKey) } : {}

@description('known_hosts for an SSH repository; empty for HTTPS.')
param sshKnownHosts string = ''

resource cluster 'Microsoft.ContainerService/managedClusters@2025-07-01' existing = {
  name: clusterName
}

resource extension 'Microsoft.KubernetesConfiguration/extensions@2025-03-01' = {
  name: 'flux'
  scope: cluster
  properties: {
    extensionType: 'microsoft.flux'
    autoUpgradeMinorVersion: true
    releaseTrain: 'Stable'
    configurationSettings: {
      'multiTenancy.enforce': string(enforceMultiTenancy)
      'source-controller.enabled': 'true'
      'kustomize-controller.enabled': 'true'
      'helm-controller.enabled': 'true'
      'notification-controller.enabled': 'true'
      'image-automation-controller.enabled': 'false'
      'image-reflector-controller.enabled': 'false'
    }
  }
}

resource configuration 'Microsoft.KubernetesConfiguration/fluxConfigurations@2025-04-01' = {
  name: 'codemie'
  scope: cluster
  dependsOn: [extension]
  properties: {
    scope: 'cluster'
    namespace: 'flux-system'
    sourceKind: 'GitRepository'
    suspend: false
    configurationProtectedSettings: protectedSettings
    gitRepository: {
      url: repositoryUrl
      sshKnownHosts: empty(sshKnownHosts) ? any(null) : base64(sshKnownHosts)
      repositoryRef: { branch: branch }
      syncIntervalInSeconds: 120
      timeoutInSeconds: 600
    }
    kustomizations: toObject(kustomizations, k => k.name, k => {
      path: k.path
      dependsOn: k.dependsOn
      prune: true
      // Waits for every layer Kustomization to be Ready, so Compliant means installed.
      wait: true
      syncIntervalInSeconds: 300
      retryIntervalInSeconds: 120
      timeoutInSeconds: k.timeoutSeconds
    })
  }
}

resource deleteLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock) {
  name: 'codemie-do-not-delete'
  scope: configuration
  properties: {
    level: 'CanNotDelete'
    notes: 'Deleting or renaming this Flux configuration uninstalls CodeMie; remove the lock deliberately first.'
  }
}

output name string = configuration.name
output multiTenancy string = enforceMultiTenancy ? 'enforced' : 'not enforced: ${multiTenancyOptOutReason}'
