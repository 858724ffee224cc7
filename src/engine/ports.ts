// What the engine needs from the outside world, as narrow interfaces the engine owns: the ARM
// adapter (src/adapters/azure) and the GitOps branch adapter (src/adapters/git) implement them,
// the faces pass those in, tests may pass their own. The engine never reads files, spawns or
// opens sockets, and imports no adapter.
import { setTimeout as sleep } from "node:timers/promises";
import type { WhatIfChangeInput } from "./what-if.js";

// The preflight's port: what it reads from Azure, as data (src/adapters/azure/preflight-reads.ts implements it).
export type {
  CertificateFacts,
  CertificateRead,
  CertificateSummary,
  ChainFacts,
  KubernetesVersionFacts,
  NetworkWatcherFacts,
  OpenAiFacts,
  PostgresFacts,
  PreflightFacts,
  Usage,
  VaultFacts,
  VmSkuFacts,
} from "./preflight/facts.js";
export type { PreflightNeeds } from "./preflight/needs.js";
export type { PreflightReads } from "./preflight/run.js";

/** The commit a run deploys from: it names the ARM deployments and the GitOps commit. */
export interface SourceCommit {
  sha: string;
  /** The working tree has changes the commit does not hold. */
  dirty: boolean;
}

// ---- ARM -------------------------------------------------------------------------------------

/** An ARM error body, normalised: code, message and the nested details. */
export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
  details: ArmErrorDetail[];
}

/** A template parameter as in an ARM parameters file: a value, or a Key Vault reference. */
export interface DeploymentParameter {
  value?: unknown;
  reference?: { keyVault: { id: string }; secretName: string; secretVersion?: string };
}

export interface DeploymentRequest {
  location: string;
  template: Record<string, unknown>;
  parameters: Record<string, DeploymentParameter>;
  tags?: Record<string, string>;
}

export type WhatIfOutcome =
  | { status: "Succeeded"; changes: WhatIfChangeInput[]; potentialChanges: WhatIfChangeInput[] }
  | { status: "Failed"; error: ArmErrorDetail };

export interface FailedOperation {
  resourceType?: string;
  resourceName?: string;
  resourceId?: string;
  statusCode?: string;
  error?: ArmErrorDetail;
}

export interface DeploymentErrorReport {
  error?: ArmErrorDetail;
  failedOperations: FailedOperation[];
}

export type DeploymentOutcome =
  | { provisioningState: "Succeeded"; outputs: Record<string, unknown>; correlationId?: string; duration?: string }
  | { provisioningState: "Failed"; report: DeploymentErrorReport; correlationId?: string }
  | { provisioningState: "Canceled" };

export interface OperationProgress {
  resourceType?: string;
  resourceName?: string;
  provisioningState?: string;
  statusCode?: string;
}

export interface DeployOptions {
  /** Called after each poll while the deployment runs, with its resource operations so far. */
  onProgress?: (operations: OperationProgress[]) => void;
  signal?: AbortSignal;
}

export interface RunningDeployment {
  name: string;
  provisioningState: string;
  timestamp?: Date;
}

/**
 * Azure Resource Manager at subscription scope. A request that failed for good rejects with an
 * error carrying the HTTP `statusCode` (see httpStatusOf).
 */
export interface Arm {
  whatIfAtSubscription(
    name: string,
    request: DeploymentRequest,
    options?: { signal?: AbortSignal },
  ): Promise<WhatIfOutcome>;
  deployAtSubscription(name: string, request: DeploymentRequest, options?: DeployOptions): Promise<DeploymentOutcome>;
  /** False when the deployment had already ended. */
  cancelDeployment(name: string): Promise<boolean>;
  findRunningDeployment(prefix: string): Promise<RunningDeployment | undefined>;
  /** `contentType` is readable without the right to read values (the deploy key's public half). */
  putKeyVaultSecretIfMissing(
    vaultId: string,
    secretName: string,
    value: string,
    contentType?: string,
  ): Promise<"created" | "exists">;
  /** The resource's JSON, undefined when it does not exist. */
  getJson(path: string, apiVersion: string): Promise<unknown>;
  /**
   * A secret's value on the Key Vault data plane (`vaultUri` as ARM reports it), undefined when it does not exist;
   * throws (with statusCode) when the vault refuses: 403 without Key Vault Secrets User, or from outside its network.
   */
  readKeyVaultSecret?(vaultUri: string, name: string): Promise<{ value: string; contentType?: string } | undefined>;
}

export type DeployArm = Pick<
  Arm,
  "deployAtSubscription" | "cancelDeployment" | "findRunningDeployment" | "putKeyVaultSecretIfMissing" | "getJson"
>;
export type WhatIfArm = Pick<Arm, "whatIfAtSubscription">;
export type FluxArm = Pick<Arm, "getJson">;

/** The HTTP status a port's error carries, if any (ARM answers 404 for what was never created). */
export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

// ---- The GitOps branch -------------------------------------------------------------------------

export interface FileChange {
  path: string;
  change: "added" | "modified" | "deleted";
}

export interface TreeChanges {
  /** The branch tip compared against; undefined when the branch does not exist yet. */
  base: string | undefined;
  files: FileChange[];
  /** Unified diff of the changes. */
  patch: string;
  /** The branch's files under the owned root at `base`, when asked for (regular files only). */
  published?: PublishedTree;
}

/**
 * What the branch holds under the owned root: its regular files, and the paths of anything else (links, submodules),
 * never read.
 */
export interface PublishedTree {
  files: Map<string, string>;
  refused: string[];
}

export type PublishResult =
  | { status: "published"; commit: string; parent: string | undefined; files: FileChange[] }
  /** Nothing to commit: the tip already holds these files. */
  | { status: "unchanged"; commit: string };

export interface PublishRequest {
  message: string;
  /** The tip the caller planned against (undefined: the branch must not exist yet). */
  expectedParent: string | undefined;
  /** Files under the root kept as they are on the branch. */
  preserve?: readonly string[];
  /** Commit even when the tree is unchanged, so the message records a new source commit. */
  allowEmpty?: boolean;
}

/** The branch is not where the caller expected: someone else published in between. */
export class BranchMovedError extends Error {
  constructor(branch: string, expected: string | undefined, actual: string | undefined) {
    super(
      `${branch} moved from ${expected ?? "(absent)"} to ` +
        `${actual ?? "(absent)"} since this run looked at it; refusing to ` +
        `overwrite it`,
    );
    this.name = "BranchMovedError";
  }
}

/** The environment's GitOps branch, which Flux pulls. */
export interface GitopsBranchPort {
  readonly branch: string;
  /** The tip, undefined when the branch does not exist. */
  head(): Promise<string | undefined>;
  /** The tip and one file at it (text undefined when absent); undefined when the branch does not exist. */
  readAtTip(path: string): Promise<{ tip: string; text: string | undefined } | undefined>;
  /** What publishing these files would change, without pushing. */
  preview(
    files: ReadonlyMap<string, string>,
    preserve?: readonly string[],
    options?: { published?: boolean },
  ): Promise<TreeChanges>;
  /** Commits the files on top of `expectedParent` and pushes; rejects with BranchMovedError when the tip moved. */
  publish(files: ReadonlyMap<string, string>, request: PublishRequest): Promise<PublishResult>;
  /** The tip and its commit message; undefined when the branch does not exist. */
  tipCommit(): Promise<{ sha: string; message: string } | undefined>;
  /** Releases what the operations kept between them (a scratch repository); a later operation starts afresh. */
  close?(): Promise<void>;
}

export type Publisher = Pick<GitopsBranchPort, "branch" | "head" | "readAtTip" | "publish" | "tipCommit">;

/** The source repository's history: whether one commit is an ancestor of another (undefined: cannot tell). */
export interface SourceHistory {
  isAncestor(ancestor: string, descendant: string): Promise<boolean | undefined>;
}
export type Previewer = Pick<GitopsBranchPort, "branch" | "preview">;

// ---- Time and output ---------------------------------------------------------------------------

export interface Clock {
  /** Rejects when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Log {
  /** Progress and results (stdout). */
  info(line: string): void;
  /** Failures and their details (stderr); a failure's headline starts with "error: ". */
  error(line: string): void;
}

export const systemClock: Clock = {
  sleep: async (ms, signal) => {
    await sleep(ms, undefined, { signal });
  },
};

/** The reason a run's AbortSignal carries: the deadline passed, or the user pressed Ctrl-C. */
export class RunStopped extends Error {
  constructor(readonly why: "timeout" | "flux-timeout" | "interrupt") {
    super(
      why === "timeout"
        ? "the time limit (--timeout) was reached"
        : why === "flux-timeout"
          ? "the Flux wait limit (--flux-timeout) was reached"
          : "interrupted",
    );
    this.name = "RunStopped";
  }
}

export function stopReason(signal: AbortSignal): RunStopped | undefined {
  return signal.aborted
    ? signal.reason instanceof RunStopped
      ? signal.reason
      : new RunStopped("interrupt")
    : undefined;
}

// ---- The public site (engine/site.ts; src/adapters/site.ts implements it) ----------------------

/** The host's IPv4 addresses as this machine resolves them; rejects (or returns none) when it cannot. */
export interface Resolver {
  lookup(host: string): Promise<string[]>;
}

export interface ProbeAnswer {
  status: number;
  location?: string;
  /** The start of the body (the probe bounds it). */
  body: string;
}

/** One GET of `url`, connected to `address`, verifying TLS for the URL's host; redirects are not followed. */
export interface SiteProbe {
  get(url: string, address: string): Promise<ProbeAnswer>;
}

export interface SitePorts {
  resolver: Resolver;
  probe: SiteProbe;
}
