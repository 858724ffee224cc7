// What a test can script: how simulated operations unfold and which faults to inject.

export interface ArmErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorBody[];
}

export interface FailedOperationScript {
  resourceType: string;
  resourceName: string;
  /** HTTP status name ARM reports for the resource operation, e.g. "BadRequest". */
  statusCode: string;
  error: ArmErrorBody;
}

export interface DeploymentScript {
  /** Operation-status reads answered with Running before the terminal answer. */
  runningPolls: number;
  /** Retry-After (seconds) sent with every Running answer. */
  retryAfterSeconds?: number;
  /** Makes the deployment end Failed with this error and these failed resource operations. */
  failure?: { error: ArmErrorBody; failedOperations: FailedOperationScript[] };
  /** Outputs to report instead of the ones derived from the template. */
  outputs?: Record<string, unknown>;
}

export interface WhatIfScript {
  /** Polls answered 202 before the result. */
  pendingPolls: number;
  retryAfterSeconds?: number;
  /** Makes ARM answer HTTP 200 with status Failed, as it does for what-if errors. */
  failure?: ArmErrorBody;
  /** Changes to report instead of one Create per template resource. */
  changes?: unknown[];
}

export type FluxScript = {
  /** GETs that report Non-Compliant once Flux has a new commit, before it turns Compliant. */
  nonCompliantReads: number;
  kustomizations: string[];
} & (
  | {
      /** sourceSyncedCommitId, "branch/sha". */
      commit: string;
      /**
       * The GitOps repository (path or URL) holding that commit: when given, Flux reads the tree
       * at the commit and refuses what the extension's controllers would (see flux-tree.ts).
       */
      repository?: string;
    }
  | {
      /**
       * A git repository (path or URL) to follow as Flux does: each GET reports the tip of the
       * branch the deployed fluxConfiguration names, and the configuration exists only once a
       * deployment created it.
       */
      repository: string;
    }
);

export type FaultResponse = { status: number; retryAfter?: number | string } | "drop";

export interface Fault {
  method?: string;
  /** Case-insensitive substring of the path, or a pattern tested on path + query. */
  path?: string | RegExp;
  /** Matching requests to let through before the fault fires. */
  skip?: number;
  /** How many matching requests the fault answers (default 1). */
  times?: number;
  respond: FaultResponse;
}

export interface Scenario {
  /** expires_in of access tokens. MSAL treats anything under 300 s as due for renewal. */
  accessTokenLifetimeSeconds: number;
  idTokenLifetimeSeconds: number;
  /** Fails PUT, validate and what-if with HTTP 400, as ARM's preflight does. */
  preflightError?: ArmErrorBody;
  deployment: DeploymentScript;
  whatIf: WhatIfScript;
  /** By configuration name; "*" answers for any name. */
  flux: Record<string, FluxScript>;
  /** Page size of the subscription deployment list. */
  listPageSize: number;
  faults: Fault[];
  /**
   * Resources that exist in Azure, by resource ID, as their GET returns them (e.g. a PostgreSQL
   * server auto-grown to 64 GiB, a cluster whose pool runs another VM size). Deployments that would
   * change them in ways Azure refuses fail as Azure fails them.
   */
  resources: Record<string, Record<string, unknown>>;
  /**
   * Actions the deploy identity's roles do not grant, e.g. Microsoft.Authorization/policyDefinitions/write
   * for a Contributor: a deployment writing such a resource is refused in preflight (PUT and validate).
   */
  deniedActions: string[];
}

export type ScenarioPatch = Partial<Omit<Scenario, "deployment" | "whatIf">> & {
  deployment?: Partial<DeploymentScript>;
  whatIf?: Partial<WhatIfScript>;
};

export function defaultScenario(): Scenario {
  return {
    accessTokenLifetimeSeconds: 3599,
    idTokenLifetimeSeconds: 300,
    deployment: { runningPolls: 1 },
    whatIf: { pendingPolls: 1 },
    flux: {},
    listPageSize: 100,
    faults: [],
    resources: {},
    deniedActions: [],
  };
}

/** Applies a patch; faults, flux scripts and resources accumulate, everything else replaces. */
export function applyPatch(scenario: Scenario, patch: ScenarioPatch): Scenario {
  return {
    ...scenario,
    ...patch,
    deployment: { ...scenario.deployment, ...patch.deployment },
    whatIf: { ...scenario.whatIf, ...patch.whatIf },
    flux: { ...scenario.flux, ...patch.flux },
    faults: [...scenario.faults, ...(patch.faults ?? [])],
    resources: { ...scenario.resources, ...patch.resources },
  };
}
