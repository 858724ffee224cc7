// Federated credentials that let a Kubernetes service account act as a managed identity.
type Federation = {
  identityName: string
  namespace: string
  serviceAccount: string
}

param issuerUrl string
param federations Federation[]

resource identities 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = [for f in federations: {
  name: f.identityName
}]

// ARM rejects concurrent writes of federated credentials, so they are created one at a time.
@batchSize(1)
resource credentials 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2024-11-30' = [
  for (f, i) in federations: {
    parent: identities[i]
    name: 'aks-${f.namespace}-${f.serviceAccount}'
    properties: {
      issuer: issuerUrl
      subject: 'system:serviceaccount:${f.namespace}:${f.serviceAccount}'
      audiences: ['api://AzureADTokenExchange']
    }
  }
]
