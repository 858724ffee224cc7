// What the GitOps tree needs to know about one Helm release besides its chart: the Flux layer
// it installs in, the image it runs, how long Helm may take, what it waits for and how a failed
// install or upgrade is repaired. Table rows (components.ts), their companions and the platform
// add-ons (platform.ts) each carry these traits in their own descriptor; releases.ts lists them.

/**
 * Flux Kustomization layers, applied in this order (each depends on the one before). `post-install`
 * holds only Jobs (catalogue/jobs.ts) that configure what the layers before it installed.
 */
export const LAYERS = [
  "infrastructure",
  "secrets",
  /** The PostgreSQL roles Job (database-roles.ts): no release, only the Job the applications' logins need. */
  "databases",
  "data",
  "security",
  "applications",
  "observability",
  "llm-proxy",
  "post-install",
] as const;
export type Layer = (typeof LAYERS)[number];

/** Where a release's chart comes from. `codemie` charts live in CodeMie's OCI registry. */
export interface ChartRef {
  source: "codemie" | "upstream";
  /** Chart name inside its repository. */
  name: string;
  /** Repository URL for upstream charts; CodeMie charts use the release's OCI registry. */
  repository?: string;
  /** Name of the Flux HelmRepository for an https repository (releases of one repository share it). */
  repositoryName?: string;
  /** Pinned chart version; CodeMie charts follow the CodeMie release instead. */
  version?: string;
}

/**
 * The image a release runs when the chart's default is not used: one of CodeMie's own images
 * (tagged with the environment's CodeMie release) or a tag pinned over an upstream chart's default.
 */
export type ImageRef = { codemie: string } | { upstreamTag: string };

/** An install-order edge: the release cannot install before `on` (a release id) is Ready. */
export interface Need {
  on: string;
  why: string;
}

/** Built-in role definition IDs (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
export const ROLE_IDS = {
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  "Cognitive Services OpenAI User": "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
} as const;

/**
 * The managed identity a release's service account reaches Azure with (AKS workload identity):
 * the Bicep federates it with the service account, the tree annotates the account with its
 * client ID through the substitution variable named here.
 */
export interface ReleaseIdentity {
  serviceAccount: string;
  /** Key of ConfigMap codemie-infra-outputs carrying the identity's client ID. */
  clientIdVariable: string;
  /** Azure built-in roles granted, by target resource. */
  roles: readonly { target: "keyVault" | "storage" | "openai"; role: keyof typeof ROLE_IDS }[];
}

export interface ReleaseTraits {
  layer: Layer;
  identity?: ReleaseIdentity;
  image?: ImageRef;
  /** Helm timeout (install, upgrade and the readiness wait); DEFAULT_TIMEOUT_MINUTES when absent. */
  timeoutMinutes?: number;
  /** The only install-order edges; everything else installs in parallel within its layer. */
  needs?: readonly Need[];
  /**
   * Why the previous version cannot run on what this one leaves behind: a failed upgrade retries forward instead of
   * rolling back.
   */
  rollbackUnsound?: string;
  /** Why a failed install must be uninstalled and installed again instead of retried as an upgrade. */
  reinstallOnFailedInstall?: string;
  /** Why chart hooks are skipped on upgrade. */
  skipUpgradeHooks?: string;
}

export const DEFAULT_TIMEOUT_MINUTES = 10;
