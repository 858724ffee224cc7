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
    gitRepository: {
      url: repositoryUrl
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
