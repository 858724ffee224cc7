// What Azure says about a subscription and region, as plain data: the preflight reads it (the
// adapter in src/adapters/azure/preflight-reads.ts) and judges it (evaluate.ts) separately, so
// the judgement is testable from data alone.

/** One quota counter (Compute vCPUs or an Azure OpenAI model's tokens-per-minute units). */
export interface Usage {
  /** Machine name, e.g. "standardEDSv5Family", "cores", "OpenAI.GlobalStandard.gpt-4o". */
  name: string;
  /** Azure's wording, e.g. "Standard EDSv5 Family vCPUs". */
  label: string;
  current: number;
  limit: number;
}

export interface SkuRestriction {
  type: "Location" | "Zone";
  /** e.g. "NotAvailableForSubscription", "QuotaId". */
  reasonCode?: string;
  /** Zones a Zone restriction applies to. */
  zones: string[];
}

export interface VmSkuFacts {
  name: string;
  /** Quota family, e.g. "standardEDSv5Family". */
  family?: string;
  vcpus?: number;
  /** Zones the size is offered in, in this region. */
  zones: string[];
  restrictions: SkuRestriction[];
}

export interface KubernetesVersionFacts {
  /** Minor version, e.g. "1.33". */
  version: string;
  /** "KubernetesOfficial", "AKSLongTermSupport". */
  supportPlans: string[];
  patches: string[];
  preview: boolean;
}

export interface PostgresEditionFacts {
  /** Burstable, GeneralPurpose, MemoryOptimized. */
  name: string;
  skus: { name: string; haModes: string[] }[];
  storageMb: number[];
}

export interface PostgresFacts {
  /** The subscription may not create servers in this region. */
  restricted: boolean;
  reason?: string;
  zoneRedundantHa: boolean;
  versions: string[];
  editions: PostgresEditionFacts[];
}

export interface OpenAiModelFacts {
  name: string;
  version: string;
  skus: { name: string; usageName?: string }[];
}

export interface OpenAiFacts {
  location: string;
  models: OpenAiModelFacts[];
  usages: Usage[];
  /** This environment's existing deployments: their capacity is already counted in `usages`. */
  deployed: { name: string; sku: string; model: string; capacity: number }[];
}

/**
 * The region's Network Watcher, which the VNet flow log is created under, in a resource group the
 * toolkit does not own: present when the environment deploys flow logs.
 */
export type NetworkWatcherFacts =
  | { status: "exists"; flowLogs: { name: string; targetResourceId: string }[] }
  | { status: "missing" }
  /** ARM refused the read (HTTP 403): the deploy identity has no access to the watcher's resource group. */
  | { status: "forbidden"; message: string };

export interface PreflightFacts {
  location: string;
  subscriptionId: string;
  compute: { usages: Usage[]; skus: VmSkuFacts[] };
  /** Nodes the environment's cluster runs today (already counted in the usages); empty before the first deploy. */
  runningNodes: { vmSize: string; count: number }[];
  kubernetesVersions: KubernetesVersionFacts[];
  /** Undefined when Azure reports no capability for the region. */
  postgres?: PostgresFacts;
  /** Present when the environment deploys Azure OpenAI. */
  openai?: OpenAiFacts;
  /** Registration state by provider namespace, for the namespaces the templates use. */
  providers: Record<string, string>;
  networkWatcher?: NetworkWatcherFacts;
  /** The Key Vault and which of the operator secrets it holds; exists false before the first deploy. */
  vault: VaultFacts;
}

export interface VaultFacts {
  exists: boolean;
  present: string[];
  /** The ingress certificate's content, when the environment serves TLS and the secret exists. */
  certificate?: CertificateRead;
  /**
   * The WAF listener's certificate (network.ingress.waf.certificateName), when the WAF is on: whether its secret
   * exists and its content type, as the management plane reports them (never the value).
   */
  gatewayCertificate?: { present: boolean; contentType?: string };
}

/** Reading the certificate's secret needs a data-plane right the deploy identity may lack. */
export type CertificateRead = { status: "read"; facts: CertificateFacts } | { status: "unreadable"; reason: string };

export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** subjectAltName DNS entries. */
  dnsNames: string[];
  /** ISO dates. */
  notBefore: string;
  notAfter: string;
}

/**
 * Where the chain in the secret leads: to a public root (Node's store, Mozilla's list), to a self-signed certificate
 * in the secret that is no public root (a private CA, or a self-signed leaf), nowhere (an issuer is missing), or a
 * certificate is not followed by its issuer.
 */
export type ChainFacts =
  | { status: "public" }
  | { status: "private"; root: string }
  | { status: "incomplete"; missing: string }
  | { status: "misordered"; index: number; expected: string };

/** What ESO will copy into the cluster's TLS secrets, as facts; the key itself never leaves the adapter. */
export interface CertificateFacts {
  secretName: string;
  contentType?: string;
  /** When the secret was read (ISO): validity is judged against it. */
  readAt: string;
  /** The CERTIFICATE blocks in order; the first is the one ingress-nginx serves as the leaf. */
  certificates: CertificateSummary[];
  /** PEM types of the key blocks found: "PRIVATE KEY" (what ESO's template picks), "RSA PRIVATE KEY", ... */
  keyTypes: string[];
  /** The PRIVATE KEY block belongs to the first certificate. */
  keyMatchesLeaf: boolean;
  /** The name of the leaf that covers the ingress host (SAN only, one-label wildcards), if any. */
  hostMatch?: string;
  chain: ChainFacts;
}
