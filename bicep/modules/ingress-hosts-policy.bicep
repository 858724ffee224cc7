// The toolkit's own Azure Policy definition, after mspnp/aks-baseline's custom
// K8sCustomIngressTlsHostsHaveDefinedDomainSuffix (workload-team/modules/policy-*.bicep): an Ingress may name
// only approved domains or their subdomains. Stricter than aks-baseline's: its rego accepts any host that ends
// with a suffix (evilcontoso.com for contoso.com) and reads spec.tls only; this one reads the tls hosts and
// the rules' hosts, and refuses a rule or default backend without a host (it answers for every name).
// A definition lives in the subscription, shared by the environments deployed there: its content depends
// on nothing of one environment (the domains are the assignment's parameter). Azure refuses an update that
// removes a parameter, changes its type, or adds one without a default value: keep these three as they are.
targetScope = 'subscription'

@description('The definition\'s name, fixed by the toolkit (src/catalogue/kubernetes-policies.ts).')
param name string

@description('Its display name, fixed by the toolkit too.')
param displayName string

// Gatekeeper's ConstraintTemplate (Rego v0, as the add-on's templates.gatekeeper.sh/v1beta1 runs it).
var constraintTemplate = '''
apiVersion: templates.gatekeeper.sh/v1beta1
kind: ConstraintTemplate
metadata:
  name: k8scodemieingresshosts
spec:
  crd:
    spec:
      names:
        kind: K8sCodemieIngressHosts
      validation:
        openAPIV3Schema:
          type: object
          properties:
            allowedDomains:
              type: array
              items:
                type: string
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8scodemieingresshosts

        hosts[host] {
          host := input.review.object.spec.tls[_].hosts[_]
        }

        hosts[host] {
          host := input.review.object.spec.rules[_].host
        }

        approved(host) {
          lower(host) == lower(input.parameters.allowedDomains[_])
        }

        approved(host) {
          endswith(lower(host), concat("", [".", lower(input.parameters.allowedDomains[_])]))
        }

        violation[{"msg": msg}] {
          host := hosts[_]
          not approved(host)
          msg := sprintf("Ingress host %v is not an approved domain or under one: %v", [
            host, input.parameters.allowedDomains,
          ])
        }

        violation[{"msg": msg}] {
          rule := input.review.object.spec.rules[_]
          not rule.host
          msg := "an Ingress rule without a host answers for every host name"
        }

        violation[{"msg": msg}] {
          input.review.object.spec.defaultBackend
          msg := "an Ingress default backend answers for every host name"
        }
'''

resource definition 'Microsoft.Authorization/policyDefinitions@2025-03-01' = {
  name: name
  properties: {
    policyType: 'Custom'
    mode: 'Microsoft.Kubernetes.Data'
    displayName: displayName
    description: 'Every Ingress host (tls and rules) is an approved domain or under one; none may be left out.'
    metadata: { category: 'Kubernetes', source: 'codemie-gitops' }
    policyRule: {
      if: {
        field: 'type'
        in: ['Microsoft.ContainerService/managedClusters']
      }
      then: {
        effect: '[parameters(\'effect\')]'
        details: {
          templateInfo: { sourceType: 'Base64Encoded', content: base64(constraintTemplate) }
          apiGroups: ['networking.k8s.io']
          kinds: ['Ingress']
          excludedNamespaces: '[parameters(\'excludedNamespaces\')]'
          values: { allowedDomains: '[parameters(\'allowedDomains\')]' }
        }
      }
    }
    parameters: {
      effect: {
        type: 'String'
        metadata: { displayName: 'Effect', description: 'audit flags, deny refuses at admission, disabled stops.' }
        allowedValues: ['audit', 'deny', 'disabled']
        defaultValue: 'audit'
      }
      excludedNamespaces: {
        type: 'Array'
        metadata: { displayName: 'Namespace exclusions', description: 'Namespaces the rule skips.' }
        defaultValue: ['kube-system', 'gatekeeper-system', 'azure-arc']
      }
      allowedDomains: {
        type: 'Array'
        metadata: {
          displayName: 'Approved domains'
          description: 'An Ingress host must equal one of them or be a subdomain of one.'
        }
      }
    }
  }
}

output id string = definition.id
