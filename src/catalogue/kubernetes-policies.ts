// The single built-in Azure Policy definitions mspnp/aks-baseline assigns beside the pod security
// initiative (workload-team/modules/policies.bicep at commit 0b468aa858bb9ca568f2967b90c08252e45cd84c),
// each assigned on the cluster like POD_SECURITY_INITIATIVES. Ids, parameters and the effects each
// definition allows are read from the definitions in Azure/azure-policy (`source`, under
// built-in-policies/policyDefinitions/); the effect spellings are the definitions' allowedValues,
// which differ by definition ("deny" or "Deny"; some allow Audit only).
// Besides them, aks-baseline's custom "ingress TLS hosts must have defined domain suffix" rule, as a
// custom definition of the toolkit's own (bicep/modules/ingress-hosts-policy.bicep) at the subscription.

export type KubernetesPolicyEffect = "audit" | "deny";

export interface KubernetesPolicy {
  /** Built-in policy definition GUID, or the name of the toolkit's custom definition (custom: true). */
  id: string;
  /**
   * The toolkit's own definition, created at the subscription (a tenant's built-ins cannot express the
   * rule); environments sharing a subscription share it, its content fixed by the toolkit.
   */
  custom?: true;
  displayName: string;
  /** The definition's file in Azure/azure-policy, under built-in-policies/policyDefinitions/ (custom: here). */
  source: string;
  /**
   * gatekeeper: a Microsoft.Kubernetes.Data definition the add-on enforces at admission (it takes
   * excludedNamespaces); cluster: an Azure Resource Manager rule on the managed cluster itself.
   */
  target: "gatekeeper" | "cluster";
  /** The definition's spelling of each effect it allows (absent: not allowed). */
  effects: { audit: string; deny?: string };
  /** What aks-baseline assigns. */
  aksBaseline: KubernetesPolicyEffect;
}

export const KUBERNETES_POLICIES = {
  httpsIngress: {
    id: "1a5b4dca-0b6f-4cf5-907c-56316bc1bf3d",
    displayName: "Kubernetes clusters should be accessible only over HTTPS",
    source: "Kubernetes/IngressHttpsOnly.json",
    target: "gatekeeper",
    effects: { audit: "audit", deny: "deny" },
    aksBaseline: "deny",
  },
  ingressHosts: {
    // aks-baseline's K8sCustomIngressTlsHostsHaveDefinedDomainSuffix, stricter: its rego takes any host
    // ending with the suffix (evilcontoso.com for contoso.com) and reads only spec.tls; this one wants
    // the domain or a subdomain of it, in the tls hosts and the rules, and refuses a rule without a host.
    id: "codemie-ingress-hosts",
    custom: true,
    displayName: "Kubernetes cluster Ingress hosts should be approved domains or their subdomains",
    source: "bicep/modules/ingress-hosts-policy.bicep",
    target: "gatekeeper",
    effects: { audit: "audit", deny: "deny" },
    aksBaseline: "deny",
  },
  internalLoadBalancers: {
    id: "3fc4dc25-5baf-40d8-9b05-7fe74c1bc64e",
    displayName: "Kubernetes clusters should use internal load balancers",
    source: "Kubernetes/LoadbalancerNoPublicIPs.json",
    target: "gatekeeper",
    effects: { audit: "audit", deny: "deny" },
    aksBaseline: "deny",
  },
  readOnlyRootFilesystem: {
    id: "df49d893-a74c-421d-bc95-c663042e5b80",
    displayName: "Kubernetes cluster containers should run with a read only root file system",
    source: "Kubernetes/ReadOnlyRootFileSystem.json",
    target: "gatekeeper",
    effects: { audit: "audit", deny: "deny" },
    aksBaseline: "deny",
  },
  resourceLimits: {
    id: "e345eecc-fa47-480f-9e88-67dcc122b164",
    displayName: "Kubernetes cluster containers CPU and memory resource limits should not exceed the specified limits",
    source: "Kubernetes/ContainerResourceLimits.json",
    target: "gatekeeper",
    effects: { audit: "audit", deny: "deny" },
    aksBaseline: "deny",
  },
  allowedImages: {
    id: "febd0533-8e55-448f-b837-bd0e06f16469",
    displayName: "Kubernetes cluster containers should only use allowed images",
    source: "Kubernetes/ContainerAllowedImages.json",
    target: "gatekeeper",
    effects: { audit: "audit", deny: "deny" },
    aksBaseline: "deny",
  },
  allowedHostPaths: {
    id: "098fc59e-46c7-4d99-9b16-64990e543d75",
    displayName: "Kubernetes cluster pod hostPath volumes should only use allowed host paths",
    source: "Kubernetes/AllowedHostPaths.json",
    target: "gatekeeper",
    effects: { audit: "audit", deny: "deny" },
    aksBaseline: "deny",
  },
  allowedExternalIps: {
    id: "d46c275d-1680-448d-b2ec-e495a3b6cc89",
    displayName: "Kubernetes cluster services should only use allowed external IPs",
    source: "Kubernetes/AllowedExternalIPs.json",
    target: "gatekeeper",
    effects: { audit: "audit", deny: "deny" },
    aksBaseline: "deny",
  },
  endpointEditPermissions: {
    id: "1ddac26b-ed48-4c30-8cc5-3a68c79b8001",
    displayName:
      "Kubernetes clusters should not allow endpoint edit permissions of ClusterRole/system:aggregate-to-edit",
    source: "Kubernetes/BlockEndpointEditDefaultRole.json",
    target: "gatekeeper",
    effects: { audit: "Audit" },
    aksBaseline: "audit",
  },
  defaultNamespace: {
    id: "9f061a12-e40d-4183-a00e-171812443373",
    displayName: "Kubernetes clusters should not use the default namespace",
    source: "Kubernetes/BlockDefaultNamespace.json",
    target: "gatekeeper",
    effects: { audit: "audit", deny: "deny" },
    aksBaseline: "audit",
  },
  defenderProfile: {
    id: "a1840de2-8088-4ea8-b153-b4c723e9cb01",
    displayName: "Azure Kubernetes Service clusters should have Defender profile enabled",
    source: "Kubernetes/ASC_Azure_Defender_Kubernetes_AKS_SecurityProfile_Audit.json",
    target: "cluster",
    effects: { audit: "Audit" },
    aksBaseline: "audit",
  },
  entraIdIntegration: {
    id: "450d2877-ebea-41e8-b00c-e286317d21bf",
    displayName: "Azure Kubernetes Service Clusters should enable Microsoft Entra ID integration",
    source: "Kubernetes/AKS_AAD_Integration_Audit.json",
    target: "cluster",
    effects: { audit: "Audit" },
    aksBaseline: "audit",
  },
  localAuthDisabled: {
    id: "993c2fcd-2b29-49d2-9eb0-df2c3a730c32",
    displayName: "Azure Kubernetes Service Clusters should have local authentication methods disabled",
    source: "Kubernetes/AKS_DisableLocalAccounts_Deny.json",
    target: "cluster",
    effects: { audit: "Audit", deny: "Deny" },
    aksBaseline: "deny",
  },
  azurePolicyAddOn: {
    id: "0a15ec92-a229-4763-bb14-0ea34a568f8d",
    displayName: "Azure Policy Add-on for Kubernetes service (AKS) should be installed and enabled on your clusters",
    source: "Kubernetes/AKS_AzurePolicyAddOn_Audit.json",
    target: "cluster",
    effects: { audit: "Audit" },
    aksBaseline: "audit",
  },
  authorizedIpRanges: {
    id: "0e246bcf-5f6f-4f87-bc6f-775d4712c7ea",
    displayName: "Authorized IP ranges should be defined on Kubernetes Services",
    source: "Security Center/ASC_EnableIpRanges_KubernetesService_Audit.json",
    target: "cluster",
    effects: { audit: "Audit" },
    aksBaseline: "audit",
  },
  kubernetesVersion: {
    id: "fb893a29-21bb-418c-a157-e99480ec364c",
    displayName: "Kubernetes Services should be upgraded to a non-vulnerable Kubernetes version",
    source: "Security Center/ASC_UpgradeVersion_KubernetesService_Audit.json",
    target: "cluster",
    effects: { audit: "Audit" },
    aksBaseline: "audit",
  },
  rbac: {
    id: "ac4a19c2-fa67-49b4-8ae5-0b2e78c49457",
    displayName: "Role-Based Access Control (RBAC) should be used on Kubernetes Services",
    source: "Security Center/ASC_EnableRBAC_KubernetesService_Audit.json",
    target: "cluster",
    effects: { audit: "Audit" },
    aksBaseline: "audit",
  },
  managedIdentities: {
    id: "da6e2401-19da-4532-9141-fb8fbde08431",
    displayName: "Azure Kubernetes Service Clusters should use managed identities",
    source: "Kubernetes/AKS_MSI_Audit.json",
    target: "cluster",
    effects: { audit: "Audit" },
    aksBaseline: "audit",
  },
} as const satisfies Record<string, KubernetesPolicy>;

export type KubernetesPolicyKey = keyof typeof KUBERNETES_POLICIES;

export const KUBERNETES_POLICY_KEYS = Object.keys(KUBERNETES_POLICIES) as KubernetesPolicyKey[];

/** The effects a policy's definition allows, in the environment file's spelling. */
export function allowedEffects(key: KubernetesPolicyKey): KubernetesPolicyEffect[] {
  const effects: KubernetesPolicy["effects"] = KUBERNETES_POLICIES[key].effects;
  return effects.deny ? ["audit", "deny"] : ["audit"];
}

/**
 * What the HTTPS-only rule asks of every Ingress besides a tls entry (its Gatekeeper template,
 * Azure/azure-policy built-in-references/Kubernetes/ingress-https-only/template.yaml). ingress-nginx
 * ignores it (it redirects HTTP to HTTPS for an Ingress with TLS); the tree writes it wherever TLS is on.
 */
export const HTTPS_ONLY_ANNOTATION = { key: "kubernetes.io/ingress.allow-http", value: "false" } as const;

/**
 * Where production keeps audit although aks-baseline denies: the toolkit's own workloads would be
 * refused (the rules as their Gatekeeper templates in Azure/azure-policy
 * built-in-references/Kubernetes/ state them: container-resource-limits flags a container without a
 * CPU limit). test/charts/kubernetes-policies.test.ts renders the real charts and fails when a reason
 * no longer holds (then production should deny).
 */
export const AUDIT_IN_PRODUCTION: Partial<Record<KubernetesPolicyKey, string>> = {
  resourceLimits:
    "the toolkit sets memory limits but no CPU limits (CPU limits throttle; requests reserve), and " +
    "Elastic's Kibana hook Jobs take no resources setting; the rule requires both limits",
};

/**
 * Namespaces excluded from the host-path rule besides AKS's system namespaces, each with its reason:
 * the rule cannot tell a log collector from an escape.
 */
export const HOST_PATH_EXCLUSIONS: readonly { namespace: string; reason: string }[] = [
  {
    namespace: "fluentbit",
    reason:
      "Fluent Bit reads the nodes' container logs through hostPath /var/log (writable: it keeps " +
      "its tail position database there), /var/lib/docker/containers and /etc/machine-id",
  },
];

/** The ingress-nginx controller's container, named by the tree so the exclusion below matches it alone. */
export const INGRESS_CONTROLLER_CONTAINER = "ingress-nginx-controller";

/**
 * Containers the read-only root rule skips (its excludedContainers parameter, matched by container
 * name in every namespace), each with its reason: the image must write where no emptyDir can go.
 * Every other container of the tree runs read-only with emptyDirs (writable-paths.ts);
 * test/charts/kubernetes-policies.test.ts checks both on the real charts.
 */
export const READ_ONLY_ROOT_EXCLUSIONS: readonly { container: string; release: string; reason: string }[] = [
  {
    container: INGRESS_CONTROLLER_CONTAINER,
    release: "ingress-nginx",
    reason:
      "the controller rewrites /etc/nginx/nginx.conf and /etc/nginx/lua/cfg.json beside files the " +
      "image ships there, and writes certificates under /etc/ingress-controller; its maintainers " +
      "do not support a read-only root (kubernetes/ingress-nginx#9504, #12911, #7050)",
  },
  {
    container: "litellm",
    release: "litellm",
    reason:
      "prisma generate, run at startup, writes site-packages/prisma/schema.prisma inside the image, " +
      "where an emptyDir would hide the package; LITELLM_MIGRATION_DIR does not move it " +
      "(BerriAI/litellm#13369, #26918; the note on securityContext in litellm-helm's values.yaml)",
  },
  {
    container: "prisma-migrations",
    release: "litellm",
    reason: "the migrations Job runs the same prisma generate (BerriAI/litellm#13369 is this Job)",
  },
  {
    container: "create-kibana-token",
    release: "kibana",
    reason:
      "Elastic's Kibana chart (8.5.1) gives its hook Jobs no securityContext setting, and " +
      "helm-controller's Helm 3 does not post-render hooks (helm/helm#7891)",
  },
  {
    container: "clean-kibana-token",
    release: "kibana",
    reason: "the same chart's post-delete hook Job, as create-kibana-token",
  },
];

/**
 * Image repositories the pinned upstream charts run by default, as the rendered pod specs spell them
 * (an image without a registry is Docker Hub's; the rule matches the string as written). CodeMie's
 * own images and the tree's Job images come from their catalogue entries instead. Checked against
 * the real charts' rendered output by test/charts/kubernetes-policies.test.ts.
 */
export const CHART_IMAGES: readonly { release: string; repository: string }[] = [
  { release: "elasticsearch", repository: "docker.elastic.co/elasticsearch/elasticsearch" },
  { release: "kibana", repository: "docker.elastic.co/kibana/kibana" },
  { release: "keycloak", repository: "quay.io/keycloak/keycloak" },
  { release: "keycloak", repository: "docker.io/busybox" },
  { release: "keycloak-operator", repository: "epamedp/keycloak-operator" },
  { release: "oauth2-proxy", repository: "quay.io/oauth2-proxy/oauth2-proxy" },
  { release: "codemie-nats", repository: "nats" },
  { release: "fluent-bit", repository: "cr.fluentbit.io/fluent/fluent-bit" },
  { release: "external-secrets", repository: "oci.external-secrets.io/external-secrets/external-secrets" },
  { release: "ingress-nginx", repository: "registry.k8s.io/ingress-nginx/controller" },
  { release: "ingress-nginx", repository: "registry.k8s.io/ingress-nginx/kube-webhook-certgen" },
  { release: "litellm", repository: "ghcr.io/berriai/litellm-database" },
];
