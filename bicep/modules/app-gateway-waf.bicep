// Application Gateway WAF_v2 in front of ingress-nginx (network.ingress.waf), as the AKS baseline
// puts one before its internal ingress: a WAF policy with Microsoft's default rule set and the bot
// rules, TLS 1.2 at least on the listener, HTTP redirected to HTTPS, and TLS again to the ingress's
// internal load balancer, which serves the same host name. The listener's certificate stays in the
// environment's Key Vault; the gateway reads it with an identity of its own that may read that one
// secret and nothing else. src/config/app-gateway.ts explains the frontends.
import { Tags } from 'types.bicep'

param location string
param tags Tags
param gatewayName string
param policyName string
param publicIpName string
param identityName string
param zones string[]
param subnetId string
@description('Listen on the public frontend (true) or on privateFrontendIp (false).')
param publicListener bool
@description('Fixed address of the private frontend, in the gateway\'s subnet.')
param privateFrontendIp string
@description('The host the listener answers for, also the host name sent to the ingress (SNI and Host).')
param host string
@description('The internal load balancer address of ingress-nginx.')
param backendIp string
param keyVaultName string
@description('Key Vault certificate (PKCS#12 content type) the listener serves.')
param certificateName string
@allowed(['Prevention', 'Detection'])
param mode string
param minCapacity int
param maxCapacity int
@description('Upload limit in MiB and backend timeout in seconds: what ingress-nginx allows.')
param fileUploadLimitMb int
param requestTimeoutSeconds int
param workspaceId string
@description('CanNotDelete lock (production) on the gateway and its address.')
param lock bool
@description('Key Vault Secrets User (src/catalogue/release.ts ROLE_IDS).')
param readerRoleGuid string

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName

  resource certificateSecret 'secrets' existing = {
    name: certificateName
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: tags
}

// Key Vault Secrets User on the certificate's secret only: a certificate's key is read as its secret.
var secretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleGuid)

resource readCertificate 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault::certificateSecret.id, identity.id, secretsUser)
  scope: vault::certificateSecret
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: secretsUser
  }
}

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

resource policy 'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies@2025-05-01' = {
  name: policyName
  location: location
  tags: tags
  properties: {
    policySettings: {
      state: 'Enabled'
      mode: mode
      requestBodyCheck: true
      maxRequestBodySizeInKb: 2000
      fileUploadLimitInMb: fileUploadLimitMb
    }
    managedRules: {
      managedRuleSets: [
        { ruleSetType: 'Microsoft_DefaultRuleSet', ruleSetVersion: '2.1' }
        { ruleSetType: 'Microsoft_BotManagerRuleSet', ruleSetVersion: '1.0' }
      ]
    }
  }
}

var frontend = publicListener ? 'public' : 'private'
var backendSettingsType = 'Microsoft.Network/applicationGateways/backendHttpSettingsCollection'

resource gateway 'Microsoft.Network/applicationGateways@2025-05-01' = {
  name: gatewayName
  location: location
  tags: tags
  zones: zones
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    sku: { name: 'WAF_v2', tier: 'WAF_v2' }
    autoscaleConfiguration: { minCapacity: minCapacity, maxCapacity: maxCapacity }
    enableHttp2: true
    firewallPolicy: { id: policy.id }
    sslPolicy: { policyType: 'Predefined', policyName: 'AppGwSslPolicy20220101S' }
    gatewayIPConfigurations: [{ name: 'gateway', properties: { subnet: { id: subnetId } } }]
    sslCertificates: [
      // Versionless: the gateway picks up a renewed certificate from Key Vault by itself.
      { name: 'listener', properties: { keyVaultSecretId: '${vault.properties.vaultUri}secrets/${certificateName}' } }
    ]
    // v2 always has a public frontend; without a listener on it, it answers nothing.
    frontendIPConfigurations: [
      { name: 'public', properties: { publicIPAddress: { id: publicIp.id } } }
      {
        name: 'private'
        properties: {
          privateIPAllocationMethod: 'Static'
          privateIPAddress: privateFrontendIp
          subnet: { id: subnetId }
        }
      }
    ]
    frontendPorts: [
      { name: 'http', properties: { port: 80 } }
      { name: 'https', properties: { port: 443 } }
    ]
    backendAddressPools: [{ name: 'ingress', properties: { backendAddresses: [{ ipAddress: backendIp }] } }]
    probes: [
      {
        name: 'ingress'
        properties: {
          protocol: 'Https'
          host: host
          path: '/'
          interval: 30
          timeout: 30
          unhealthyThreshold: 3
          pickHostNameFromBackendHttpSettings: false
          match: { statusCodes: ['200-399'] }
        }
      }
    ]
    backendHttpSettingsCollection: [
      {
        name: 'ingress-tls'
        properties: {
          protocol: 'Https'
          port: 443
          hostName: host
          pickHostNameFromBackendAddress: false
          cookieBasedAffinity: 'Disabled'
          requestTimeout: requestTimeoutSeconds
          probe: { id: resourceId('Microsoft.Network/applicationGateways/probes', gatewayName, 'ingress') }
        }
      }
    ]
    httpListeners: [
      {
        name: 'http'
        properties: {
          protocol: 'Http'
          hostName: host
          frontendIPConfiguration: {
            id: resourceId('Microsoft.Network/applicationGateways/frontendIPConfigurations', gatewayName, frontend)
          }
          frontendPort: { id: resourceId('Microsoft.Network/applicationGateways/frontendPorts', gatewayName, 'http') }
        }
      }
      {
        name: 'https'
        properties: {
          protocol: 'Https'
          hostName: host
          requireServerNameIndication: true
          frontendIPConfiguration: {
            id: resourceId('Microsoft.Network/applicationGateways/frontendIPConfigurations', gatewayName, frontend)
          }
          frontendPort: { id: resourceId('Microsoft.Network/applicationGateways/frontendPorts', gatewayName, 'https') }
          sslCertificate: {
            id: resourceId('Microsoft.Network/applicationGateways/sslCertificates', gatewayName, 'listener')
          }
        }
      }
    ]
    redirectConfigurations: [
      {
        name: 'http-to-https'
        properties: {
          redirectType: 'Permanent'
          targetListener: {
            id: resourceId('Microsoft.Network/applicationGateways/httpListeners', gatewayName, 'https')
          }
          includePath: true
          includeQueryString: true
        }
      }
    ]
    requestRoutingRules: [
      {
        name: 'http-to-https'
        properties: {
          ruleType: 'Basic'
          priority: 100
          httpListener: { id: resourceId('Microsoft.Network/applicationGateways/httpListeners', gatewayName, 'http') }
          redirectConfiguration: {
            id: resourceId('Microsoft.Network/applicationGateways/redirectConfigurations', gatewayName, 'http-to-https')
          }
        }
      }
      {
        name: 'https-to-ingress'
        properties: {
          ruleType: 'Basic'
          priority: 200
          httpListener: { id: resourceId('Microsoft.Network/applicationGateways/httpListeners', gatewayName, 'https') }
          backendAddressPool: {
            id: resourceId('Microsoft.Network/applicationGateways/backendAddressPools', gatewayName, 'ingress')
          }
          backendHttpSettings: {
            id: resourceId(backendSettingsType, gatewayName, 'ingress-tls')
          }
        }
      }
    ]
  }
  // The identity must be able to read the certificate when the gateway is created.
  dependsOn: [readCertificate]
}

// Every request the WAF matched or blocked, and the access log, for the audit trail.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: gateway
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

resource gatewayLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock) {
  name: 'codemie-do-not-delete'
  scope: gateway
  properties: { level: 'CanNotDelete', notes: 'The WAF in front of CodeMie; remove the lock deliberately first.' }
}

resource publicIpLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock) {
  name: 'codemie-do-not-delete'
  scope: publicIp
  properties: { level: 'CanNotDelete', notes: 'The WAF\'s address; remove the lock deliberately before deleting.' }
}

output id string = gateway.id
output publicIpId string = publicIp.id
@description('Where the host\'s record points: the listener\'s frontend.')
output address string = publicListener ? publicIp.properties.ipAddress : privateFrontendIp
