// The deploy figures of `npm run bench`: `codemie-gitops deploy --env dev` as a child process
// against an emulator in this process, whose deployments answer Running with a Retry-After and
// whose Flux follows the scratch GitOps repository. Everything is read from the emulator's request
// log (arrival times on this process's clock): requests by kind, how polls follow Retry-After,
// and where the command's wall time goes.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { AzureEmulator, type RecordedRequest } from "../../test/emulator/emulator.js";
import { bareRemote, git, GIT_IDENTITY, tempDir } from "../../test/engine/support/git-repos.js";
import { VAULT_SECRETS } from "../../src/catalogue/secrets.js";

export interface DeployBenchOptions {
  root: string;
  runningPolls: number;
  retryAfterSeconds: number;
  /** Flux reads answered Non-Compliant before Compliant. */
  fluxReads: number;
  /** CODEMIE_POLL_INTERVAL_MS: the engine's floor between ARM polls, and its Flux poll interval. */
  pollFloorMs: number;
}

/** "identity": Entra ID discovery and tokens, GitHub's OIDC token; the rest are ARM requests. */
export type RequestKind = "put" | "poll" | "get" | "operations" | "keyVault" | "flux" | "identity" | "other";

export interface DeployFigures {
  requests: Record<RequestKind, number>;
  /** Between consecutive status polls of one deployment, where the first asked for a Retry-After. */
  pollGapsMs: number[];
  /** Polls sooner than the previous answer's Retry-After. */
  earlyPolls: number;
  /** Retry-After intervals in which more than one poll of the same deployment arrived. */
  crowdedIntervals: number;
  /** The simulated durations: every Retry-After the engine was asked to wait. */
  retryAfterWaitMs: number;
  /** Process start to first request: Node start-up, render, Bicep compile. */
  startupMs: number;
  /** First request (the token) to the last non-Flux ARM request: refusal check, bootstrap, secrets, main. */
  armMs: number;
  /** Last ARM request to first Flux read: the GitOps publish. */
  publishMs: number;
  /** First to last Flux read. */
  fluxMs: number;
  totalMs: number;
}

function kindOf(r: RecordedRequest): RequestKind {
  const path = r.path.toLowerCase();
  if (!path.startsWith("/subscriptions/")) return "identity";
  if (path.includes("/fluxconfigurations/")) return "flux";
  if (path.includes("/secrets/")) return "keyVault";
  if (path.includes("/operationstatuses/")) return "poll";
  if (path.endsWith("/operations")) return "operations";
  if (r.method === "PUT") return "put";
  return r.method === "GET" ? "get" : "other";
}

/** A scratch source checkout holding environments/dev.yaml: the deploy names its commit. */
function sourceCheckout(root: string): { path: string; dispose(): void } {
  const dir = tempDir("bench-source-");
  mkdirSync(join(dir.path, "environments"));
  copyFileSync(join(root, "environments/dev.yaml"), join(dir.path, "environments/dev.yaml"));
  git(dir.path, "init", "-q");
  git(dir.path, "add", "-A");
  git(dir.path, "commit", "-q", "-m", "environments");
  return dir;
}

function runCli(
  root: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stderr: string }> {
  // Asynchronous: the emulator answering this child runs on this process's event loop.
  const child = spawn(process.execPath, [join(root, "bin/codemie-gitops.js"), ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

function pollTiming(
  arm: RecordedRequest[],
): Pick<DeployFigures, "pollGapsMs" | "earlyPolls" | "crowdedIntervals" | "retryAfterWaitMs"> {
  const byOperation = new Map<string, RecordedRequest[]>();
  for (const r of arm.filter((r) => kindOf(r) === "poll"))
    byOperation.set(r.path, [...(byOperation.get(r.path) ?? []), r]);
  const figures = { pollGapsMs: [] as number[], earlyPolls: 0, crowdedIntervals: 0, retryAfterWaitMs: 0 };
  for (const polls of byOperation.values()) {
    polls.forEach((poll, i) => {
      if (poll.retryAfter === undefined) return;
      const askedMs = poll.retryAfter * 1000;
      figures.retryAfterWaitMs += askedMs;
      const next = polls[i + 1];
      if (next) {
        figures.pollGapsMs.push(next.at - poll.at);
        if (next.at - poll.at < askedMs) figures.earlyPolls += 1;
      }
      if (polls.filter((p) => p !== poll && p.at >= poll.at && p.at < poll.at + askedMs).length > 0)
        figures.crowdedIntervals += 1;
    });
  }
  return figures;
}

/** One `deploy --env dev`, from a fresh emulator state, checkout and GitOps repository. */
export async function benchDeploy(emulator: AzureEmulator, options: DeployBenchOptions): Promise<DeployFigures> {
  const source = sourceCheckout(options.root);
  const remote = bareRemote();
  try {
    emulator.reset();
    // The operator's secrets (every one the catalogue names; dev needs a subset) appear in the vault
    // as soon as it exists, as the preflight requires.
    emulator.preflight.operatorUploads = VAULT_SECRETS.filter((s) => s.seed === "operator").map((s) => s.name);
    emulator.script({
      deployment: { runningPolls: options.runningPolls, retryAfterSeconds: options.retryAfterSeconds },
      flux: { "*": { nonCompliantReads: options.fluxReads, repository: remote.path, kustomizations: ["root"] } },
    });
    const env = {
      ...emulator.env(),
      ...GIT_IDENTITY,
      CODEMIE_POLL_INTERVAL_MS: String(options.pollFloorMs),
      CODEMIE_RETRY_DELAY_MS: "50",
    };
    const args = [
      "deploy",
      "--env",
      "dev",
      "--subscription",
      emulator.identity.subscriptionId,
      "--gitops-remote",
      remote.path,
      "--timeout",
      "5m",
    ];
    const started = performance.now();
    const run = await runCli(options.root, args, source.path, env);
    const ended = performance.now();
    if (run.status !== 0) throw new Error(`deploy against the emulator failed (${run.status}): ${run.stderr}`);

    const requests = Object.fromEntries(
      (["put", "poll", "get", "operations", "keyVault", "flux", "identity", "other"] as const).map((k) => [k, 0]),
    ) as Record<RequestKind, number>;
    for (const r of emulator.requests) requests[kindOf(r)] += 1;
    const arm = emulator.armRequests();
    const flux = arm.filter((r) => kindOf(r) === "flux");
    const infra = arm.filter((r) => kindOf(r) !== "flux");
    const at = (r: RecordedRequest | undefined): number => r?.at ?? Number.NaN;
    return {
      requests,
      ...pollTiming(arm),
      startupMs: at(emulator.requests[0]) - started,
      armMs: at(infra.at(-1)) - at(emulator.requests[0]),
      publishMs: at(flux[0]) - at(infra.at(-1)),
      fluxMs: at(flux.at(-1)) - at(flux[0]),
      totalMs: ended - started,
    };
  } finally {
    source.dispose();
    remote.dispose();
  }
}

export { AzureEmulator };
