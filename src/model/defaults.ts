// What an environment file may leave out, written once: the schema shows these as its defaults
// (so editors offer them) and the resolver fills them in. Defaults that depend on the profile
// (node pools, the PostgreSQL size, component sizing) live in catalogue/profiles.ts; those derived
// from other fields (resource names, the GitOps branch and path) in the resolver.
export const DEFAULTS = {
  profile: "production",
  codemieVersion: "2.57.2",
  azure: { cloud: "public", namePrefix: "codemie", production: false },
  network: {
    podCidr: "192.168.0.0/16",
    serviceCidr: "172.16.0.0/16",
    dnsServiceIp: "172.16.0.10",
    privateCluster: true,
    // Where Azure creates a region's Network Watcher when it enables one automatically.
    networkWatcherResourceGroup: "NetworkWatcherRG",
    ingress: {
      tls: true,
      tlsSecretName: "codemie-tls",
      internal: true,
      dns: { mode: "azure" },
      // Application Gateway WAF_v2 in front of the ingress: on in production, off elsewhere (a
      // gateway costs hundreds of dollars a month before traffic). Its listener's certificate is
      // a PKCS#12 twin of the PEM one, which the gateway cannot read.
      waf: {
        enabled: { production: true, otherwise: false },
        mode: "Prevention",
        certificateName: "codemie-gateway-tls",
        minCapacity: 2,
        maxCapacity: 10,
      },
    },
    // Production inspects egress with an Azure Firewall of its own unless the file names a hub
    // firewall's address (or opts out: docs/infrastructure.md, "Egress firewall").
    egressFirewall: { mode: "none", productionMode: "managed", sku: "Standard" },
  },
  aks: {
    kubernetesVersion: "1.34",
    upgradeChannel: "patch",
    maintenanceWindow: { day: "Sunday", startHour: 1, durationHours: 4 },
    zones: ["1", "2", "3"],
    autoSizingFamilies: ["Ddsv5", "Edsv5"],
  },
  flowLogs: { trafficAnalytics: false, maxRetentionDays: 365 },
  podSecurity: { standard: "baseline", effect: "audit" },
  kubernetesPolicies: {
    // Every rule audits outside production; production denies these (docs/security-baseline.md says why
    // the others audit). internalLoadBalancers denies only where the ingress is internal, httpsIngress
    // only where it serves TLS.
    effect: "audit",
    productionDeny: [
      "httpsIngress",
      "ingressHosts",
      "allowedImages",
      "allowedHostPaths",
      "readOnlyRootFilesystem",
      "allowedExternalIps",
      "internalLoadBalancers",
      "defaultNamespace",
      "localAuthDisabled",
    ],
  },
  postgres: { version: "16", backupRetentionDays: 14, geoRedundantBackup: false },
  keyVault: { softDeleteRetentionDays: 90, purgeProtection: true },
  openai: { enabled: false },
  keycloakDatabase: "inCluster",
  firstAdmin: { username: "codemie-admin" },
  gitops: { auth: "none" },
} as const;
