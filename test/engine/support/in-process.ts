// `deploy --env dev` run in the test's own process through the CLI's own deployCommand (the use
// cases of src/app/deploy.ts and src/app/deploy-gates.ts, its printing and exit code): the same
// real parts as the process-level run (the SDK over HTTPS to the emulator, git to the scratch
// GitOps repository, the Bicep compiler through its cache), without starting a process per run.
// Only the face's wiring differs: the emulator's CA is handed to the clients instead of
// NODE_EXTRA_CA_CERTS, and the connections are built here instead of from flags and variables.
// The process-level tests that remain (harness.ts `deploy`) prove that wiring.
import { resolve } from "node:path";
import { siteFromEnvironment } from "../../../src/adapters/site.js";
import { gitopsBranch, type Connections } from "../../../src/app/connections.js";
import { deployCommand } from "../../../src/cli/deploy.js";
import type { Io } from "../../../src/cli/io.js";
import { main } from "../../../src/cli/main.js";
import { armClient } from "../../emulator/clients.js";
import type { AzureEmulator } from "../../emulator/emulator.js";
import { ENV_NAME, type FluxBehaviour, reportPublishedToFlux, type Workspace } from "./harness.js";

const POLL_MS = 100;

export interface InProcessRun {
  /** The exit code the CLI would return. */
  status: number;
  /** What the CLI would print, line by line, each line ending in a newline. */
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  skipInfrastructure?: boolean;
  /** --reviewed-plan DIGEST (a well-formed digest of dev: the CLI refuses others before it starts). */
  reviewedPlan?: string;
  /** --accept-unreviewed-changes. */
  accept?: boolean;
  /** --timeout; the CLI's default is 60m. */
  timeoutMs?: number;
}

/** The connections the CLI builds from cliEnv(emulator) and --gitops-remote, with the emulator's CA. */
export function emulatorConnections(emulator: AzureEmulator, ws: Workspace): Connections {
  return {
    // CODEMIE_RETRY_DELAY_MS of cliEnv; polls less often than its CODEMIE_POLL_INTERVAL_MS, as the
    // emulator now answers in this process too (the scenarios count polls, not time).
    arm: () => armClient(emulator, { pollIntervalMs: POLL_MS, retry: { retryDelayInMs: 20 } }),
    gitops: (env, networkTimeoutMs) => gitopsBranch(env, ws.remote, {}, networkTimeoutMs),
    site: () => siteFromEnvironment({ ...emulator.env(), CODEMIE_SITE_CA_FILE: emulator.caPath }),
  };
}

/**
 * What `deploy --env dev --gitops-remote REMOTE` does (src/cli/deploy.ts without --repo), and, once
 * it says it published, the emulator's Flux reports that commit with the given behaviour.
 */
export async function deployInProcess(
  emulator: AzureEmulator,
  ws: Workspace,
  flux: FluxBehaviour | undefined,
  options: InProcessOptions = {},
): Promise<InProcessRun> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    cwd: ws.cwd,
    out: (line) => {
      stdout += `${line}\n`;
      if (flux) reportPublishedToFlux(emulator, ws, flux, line);
    },
    err: (line) => (stderr += `${line}\n`),
    resolve: (path) => resolve(ws.cwd, path),
  };
  // The poll interval the process-level runs get from cliEnv; no GITHUB_SHA or token of the runner's.
  const env = { CODEMIE_POLL_INTERVAL_MS: String(POLL_MS) };
  const status = await deployCommand(
    {
      env: ENV_NAME,
      gitopsRemote: ws.remote,
      timeoutMs: options.timeoutMs ?? 60 * 60_000,
      skipInfrastructure: options.skipInfrastructure === true,
      ...(options.reviewedPlan ? { reviewedPlan: options.reviewedPlan } : {}),
      acceptUnreviewedChanges: options.accept === true,
    },
    io,
    { connections: emulatorConnections(emulator, ws), env },
  );
  return { status, stdout, stderr };
}

/** The CLI's `main` in this process, for what it decides before reaching Azure or git (usage errors). */
export async function cliInProcess(args: string[], cwd: string): Promise<InProcessRun> {
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    cwd,
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
    resolve: (path) => resolve(cwd, path),
  });
  return { status, stdout, stderr };
}
