// Runs the built CLI as a separate process against the Azure emulator, from a scratch git
// checkout holding environments/dev.yaml, publishing to a scratch bare GitOps repository. The
// test can react to what the CLI prints while it runs (e.g. make Flux report the published
// commit), and a pre-receive hook on the GitOps repository records when anything was pushed.
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { AzureEmulator } from "../../emulator/emulator.js";
import type { ScenarioPatch } from "../../emulator/scenario.js";
import { BIN, ROOT, runNodeAsync, type NodeRun, type StreamOptions } from "../../support/cli.js";
import { bareRemote, branchTip, copyOfTemplate, git, GIT_IDENTITY, type TempDir } from "./git-repos.js";
import { shippedEnvironment } from "./environments.js";
import { uploadOperatorSecrets } from "../preflight/support/operator-secrets.js";

export const ENV_NAME = "dev";
export const dev = shippedEnvironment(ENV_NAME);
export const BRANCH = dev.gitops.branch;

export function startEmulator(): Promise<AzureEmulator> {
  // The emulator plays the tenant and subscription the environment file names.
  return AzureEmulator.start({ tenantId: dev.azure.tenantId, subscriptionId: dev.azure.subscriptionId });
}

/** What-if changes of a portal edit after a review: dev's cluster moved to Kubernetes `to`. */
export function aksUpgradeWhatIf(to: string) {
  const aks =
    `/subscriptions/${dev.azure.subscriptionId}/resourceGroups/${dev.names.resourceGroup}` +
    `/providers/Microsoft.ContainerService/managedClusters/${dev.names.aks}`;
  return [
    {
      resourceId: aks,
      changeType: "Modify",
      delta: [{ path: "properties.kubernetesVersion", propertyChangeType: "Modify", before: "1.30.6", after: to }],
    },
  ];
}

/** What main.bicep's outputs look like after a real deployment of dev. */
export const DEV_OUTPUTS = {
  resourceGroup: dev.names.resourceGroup,
  clusterName: dev.names.aks,
  oidcIssuerUrl: "https://westeurope.oic.prod-aks.azure.com/7f2c1a9e/0b1c2d3e/",
  keyVaultUri: `https://${dev.names.keyVault}.vault.azure.net/`,
  keyVaultKeyName: "codemie-key",
  postgresHost: `${dev.names.postgres}.postgres.database.azure.com`,
  postgresAdminLogin: "pgadmin",
  storageAccountName: dev.names.storageAccount,
  egressIp: "20.31.42.53",
  identityClientIds: {
    api: "6a0f5e3c-1d2b-4c8e-9f70-1a2b3c4d5e01",
    externalSecrets: "6a0f5e3c-1d2b-4c8e-9f70-1a2b3c4d5e02",
    postgresRoles: "6a0f5e3c-1d2b-4c8e-9f70-1a2b3c4d5e03",
  },
};

export interface Workspace {
  /** The source checkout the CLI runs in. */
  cwd: string;
  sourceCommit: string;
  /** Bare GitOps repository (--gitops-remote). */
  remote: string;
  /** Epoch ms of every push the GitOps repository received. */
  pushes(): number[];
  dispose(): void;
}

/**
 * One emulator per test file, reset before each test, and a fresh workspace per test: the
 * set-up every CLI-against-emulator test needs. Read `emulator` and `ws` inside tests and hooks.
 */
export function emulatorAndWorkspace(): { readonly emulator: AzureEmulator; readonly ws: Workspace } {
  const state: { emulator?: AzureEmulator; ws?: Workspace } = {};
  beforeAll(async () => {
    state.emulator = await startEmulator();
  });
  afterAll(async () => {
    await state.emulator?.stop();
  });
  beforeEach(() => {
    state.emulator!.reset();
    // The operator has uploaded the registry key (and any other secret only a person can provide).
    uploadOperatorSecrets(state.emulator!, dev);
    state.ws = createWorkspace();
  });
  afterEach(() => state.ws?.dispose());
  return {
    get emulator() {
      return state.emulator!;
    },
    get ws() {
      return state.ws!;
    },
  };
}

let workspaceCommit: string | undefined;

export function createWorkspace(): Workspace {
  // dev.yaml committed once per process; each workspace is a copy (the same source commit).
  const source: TempDir = copyOfTemplate("workspace", "codemie-source-", (dir) => {
    mkdirSync(join(dir, "environments"));
    copyFileSync(join(ROOT, "environments", `${ENV_NAME}.yaml`), join(dir, "environments", `${ENV_NAME}.yaml`));
    git(dir, "init", "-q");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "environments");
    workspaceCommit = git(dir, "rev-parse", "HEAD");
  });
  const remote = bareRemote();
  const log = join(remote.path, "pushes.log");
  const hook = join(remote.path, "hooks", "pre-receive");
  // Epoch milliseconds from the shell, not node: a push then starts no second Node.js.
  writeFileSync(hook, `#!/bin/sh\ndate +%s%3N >> '${log}'\n`);
  chmodSync(hook, 0o755);
  return {
    cwd: source.path,
    sourceCommit: workspaceCommit!,
    remote: remote.path,
    pushes: () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n")
            .filter((l) => l !== "")
            .map(Number)
        : [],
    dispose: () => {
      source.dispose();
      remote.dispose();
    },
  };
}

export type CliRun = NodeRun;

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  onLine?: StreamOptions["onLine"];
}

export function runCliAsync(args: string[], cwd: string, options: RunOptions = {}): Promise<CliRun> {
  return runNodeAsync([BIN, ...args], { cwd, env: { ...process.env, ...options.env }, onLine: options.onLine });
}

/** The environment a CI job would give the CLI, pointed at the emulator, with test-sized intervals. */
export function cliEnv(emulator: AzureEmulator, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...emulator.env(), ...GIT_IDENTITY, CODEMIE_POLL_INTERVAL_MS: "20", CODEMIE_RETRY_DELAY_MS: "20", ...extra };
}

export interface FluxBehaviour {
  nonCompliantReads: number;
  kustomizations?: string[];
}

/** Once a run says it published, makes the emulator's Flux report that commit with the given behaviour. */
export function reportPublishedToFlux(emulator: AzureEmulator, ws: Workspace, flux: FluxBehaviour, line: string): void {
  if (!/^(Published [0-9a-f]{7} to|GitOps branch \S+ already holds)/.test(line)) return;
  const tip = branchTip(ws.remote, BRANCH);
  const patch: ScenarioPatch = {
    // With the repository, the emulator's Flux judges the published tree as AKS would.
    flux: {
      codemie: {
        nonCompliantReads: flux.nonCompliantReads,
        commit: `${BRANCH}@sha1:${tip ?? ""}`,
        repository: ws.remote,
        kustomizations: flux.kustomizations ?? ["infrastructure", "apps"],
      },
    },
  };
  emulator.script(patch);
}

/**
 * Runs `deploy --env dev` and, once the CLI says it published, makes the emulator's Flux report
 * that commit (in Azure's `branch@sha1:` format) with the given behaviour.
 */
export function deploy(
  emulator: AzureEmulator,
  ws: Workspace,
  flux: FluxBehaviour | undefined,
  extraArgs: string[] = [],
  options: RunOptions = {},
): Promise<CliRun> {
  return runCliAsync(["deploy", "--env", ENV_NAME, "--gitops-remote", ws.remote, ...extraArgs], ws.cwd, {
    env: cliEnv(emulator, options.env),
    onLine: (line, child) => {
      if (flux) reportPublishedToFlux(emulator, ws, flux, line);
      return options.onLine?.(line, child);
    },
  });
}

export const epochOf = (at: number): number => performance.timeOrigin + at;
