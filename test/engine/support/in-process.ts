// `deploy --env dev` run in the test's own process through the use cases the CLI calls
// (src/app/deploy.ts, src/app/deploy-gates.ts), with the CLI's printing and exit code: the same
// real parts as the process-level run (the SDK over HTTPS to the emulator, git to the scratch
// GitOps repository, the Bicep compiler through its cache), without starting a process per run.
// Only the face's wiring differs: the emulator's CA is handed to the clients instead of
// NODE_EXTRA_CA_CERTS, and the connections are built here instead of from flags and variables.
// The process-level tests that remain (harness.ts `deploy`) prove that wiring.
import { resolve } from "node:path";
import { isAncestor, readSourceCommit } from "../../../src/adapters/git/source-commit.js";
import { siteFromEnvironment } from "../../../src/adapters/site.js";
import { gitopsBranch, type Connections } from "../../../src/app/connections.js";
import { ACCEPT, checkDeployGates } from "../../../src/app/deploy-gates.js";
import { NO_SOURCE, prepareDeploy, runDeploy, type DeployPorts } from "../../../src/app/deploy.js";
import { workspaceFiles } from "../../../src/app/environment-files.js";
import { publishedPromotionRecords } from "../../../src/app/promotion-records.js";
import { INTERRUPTED } from "../../../src/app/run-signal.js";
import { packageToolchain } from "../../../src/app/toolchain.js";
import { reportFailures } from "../../../src/cli/failures.js";
import type { Io } from "../../../src/cli/io.js";
import { main } from "../../../src/cli/main.js";
import { printPrepared } from "../../../src/cli/prepared.js";
import { systemClock } from "../../../src/engine/ports.js";
import { parseCompactDigest } from "../../../src/engine/review-digest.js";
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
  const request = {
    name: ENV_NAME,
    skipInfrastructure: options.skipInfrastructure === true,
    timeoutMs: options.timeoutMs ?? 60 * 60_000,
    fluxIntervalMs: POLL_MS,
  };
  const review = options.reviewedPlan
    ? { reviewed: parseCompactDigest(options.reviewedPlan), where: `as --reviewed-plan ${options.reviewedPlan}` }
    : undefined;
  const connections = emulatorConnections(emulator, ws);
  const files = workspaceFiles(ws.cwd);
  const log = { info: io.out, error: io.err };
  const ports: DeployPorts = {
    files,
    toolchain: packageToolchain,
    readSource: () => readSourceCommit(ws.cwd, {}),
    history: { isAncestor: (a, b) => isAncestor(ws.cwd, a, b) },
    connections,
    clock: systemClock,
    log,
    onInterrupt: () => io.err(INTERRUPTED),
  };
  const status = await reportFailures(io, async () => {
    const start = await prepareDeploy(request, ports);
    if (!start.source) {
      io.err(`error: ${NO_SOURCE}`);
      return 1;
    }
    printPrepared(start.prepared, io);
    if (!start.ok) return 1;
    const gates = await checkDeployGates(
      start,
      {
        ...(review ? { review } : {}),
        accept: options.accept === true,
        acceptHint: `deploy again with --${ACCEPT}`,
        skipInfrastructure: request.skipInfrastructure,
        timeoutMs: request.timeoutMs,
      },
      {
        connections,
        log,
        onInterrupt: ports.onInterrupt,
        promotionRecords: publishedPromotionRecords(files, connections),
      },
    );
    if (!gates.ok) return 1;
    const { result } = await runDeploy(start, request, ports);
    return result.ok ? 0 : 1;
  });
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
