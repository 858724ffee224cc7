// The AKS-managed Flux extension and the configuration that points it at this environment's
// rendered manifests: infrastructure is reconciled before applications.
type Kustomization = {
  name: string
  path: string
  dependsOn: string[]
}

param clusterName string
param repositoryUrl string
param branch string
param kustomizations Kustomization[]

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

resource extension 'Microsoft.KubernetesConfiguration/extensions@2024-11-01' = {
  name: 'flux'
  scope: cluster
  properties: {
    extensionType: 'microsoft.flux'
    autoUpgradeMinorVersion: true
    releaseTrain: 'Stable'
    configurationSettings: {
      'source-controller.enabled': 'true'
      'kustomize-controller.enabled': 'true'
      'helm-controller.enabled': 'true'
      'notification-controller.enabled': 'true'
      'image-automation-controller.enabled': 'false'
      'image-reflector-controller.enabled': 'false'
    }
  }
}

resource configuration 'Microsoft.KubernetesConfiguration/fluxConfigurations@2024-11-01' = {
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
      wait: true
      syncIntervalInSeconds: 300
      retryIntervalInSeconds: 120
      // The root waits for every layer Kustomization to be Ready, so Compliant means installed.
      timeoutInSeconds: 3600
    })
  }
}

output name string = configuration.name
