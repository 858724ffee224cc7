// What the GitOps tree needs to know about one Helm release besides its chart: the Flux layer
// it installs in, the image it runs, how long Helm may take, what it waits for and how a failed
// install or upgrade is repaired. Table rows (components.ts), their companions and the platform
// add-ons (platform.ts) each carry these traits in their own descriptor; releases.ts lists them.

/** Flux Kustomization layers, applied in this order (each depends on the one before). */
export const LAYERS = ["infrastructure", "secrets", "data", "security", "applications", "observability", "llm-proxy"] as const;
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

export interface ReleaseTraits {
  layer: Layer;
  image?: ImageRef;
  /** Helm timeout (install, upgrade and the readiness wait); DEFAULT_TIMEOUT_MINUTES when absent. */
  timeoutMinutes?: number;
  /** The only install-order edges; everything else installs in parallel within its layer. */
  needs?: readonly Need[];
  /** Why the previous version cannot run on what this one leaves behind: a failed upgrade retries forward instead of rolling back. */
  rollbackUnsound?: string;
  /** Why a failed install must be uninstalled and installed again instead of retried as an upgrade. */
  reinstallOnFailedInstall?: string;
  /** Why chart hooks are skipped on upgrade. */
  skipUpgradeHooks?: string;
}

export const DEFAULT_TIMEOUT_MINUTES = 10;
