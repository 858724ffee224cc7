// Polls the environment's fluxConfiguration until Flux has synced the expected commit and
// reports everything Compliant, printing each object's state when it changes and, in one line,
// how far the layers have got.
import type { Environment } from "../model/environment.js";
import { planGitops, rootTimeoutMinutes } from "../render/gitops/plan.js";
import {
  isReconciled,
  layerProgress,
  objectKey,
  objectLine,
  readFluxView,
  summaryLine,
  type FluxView,
} from "./flux.js";
import { FLUX_API_VERSION, fluxConfigurationPath } from "./names.js";
import type { Clock, FluxArm, Log } from "./ports.js";

export interface FluxWait {
  arm: FluxArm;
  clock: Clock;
  log: Log;
  signal: AbortSignal;
  intervalMs: number;
}

/**
 * Time for Flux to fetch the published commit before the root Kustomization starts (sync interval 2m, then its own).
 */
const FIRST_SYNC_MS = 5 * 60_000;

/**
 * The Flux wait's own limit: the one asked for (--flux-timeout); undefined leaves the wait to the
 * run's limit. `firstDeployHint` is what a first deploy may need, the root Kustomization's timeout
 * (its layers' timeouts one after another), for the deploy to suggest.
 */
export function fluxWaitLimitMs(
  env: Environment,
  opts: { explicitMs?: number | undefined; firstDeploy: boolean },
): { limitMs?: number; firstDeployHint?: number } {
  if (opts.explicitMs) return { limitMs: opts.explicitMs };
  return opts.firstDeploy ? { firstDeployHint: rootTimeoutMinutes(planGitops(env)) * 60_000 + FIRST_SYNC_MS } : {};
}

/** `view` is the last state read (undefined if the configuration never appeared). */
export type FluxWaitResult = { reconciled: true; view: FluxView } | { reconciled: false; view?: FluxView };

export async function readFlux(arm: FluxArm, env: Environment): Promise<FluxView | undefined> {
  const raw = await arm.getJson(fluxConfigurationPath(env), FLUX_API_VERSION);
  return raw === undefined ? undefined : readFluxView(raw);
}

/** Resolves when reconciled, or with the last view once the signal aborts. */
export async function waitForFlux(env: Environment, commit: string, wait: FluxWait): Promise<FluxWaitResult> {
  const shown = new Map<string, string>();
  const layers = planGitops(env).layers.map((l) => l.name);
  let lastSummary: string | undefined;
  let lastProgress: string | undefined;
  let view: FluxView | undefined;
  for (;;) {
    view = await readFlux(wait.arm, env);
    const summary = view ? summaryLine(view) : "Flux: the fluxConfiguration does not exist yet";
    if (summary !== lastSummary) wait.log.info(summary);
    lastSummary = summary;
    for (const o of view?.objects ?? []) {
      const line = objectLine(o);
      if (shown.get(objectKey(o)) !== line) wait.log.info(`  ${line}`);
      shown.set(objectKey(o), line);
    }
    const progress = view && layerProgress(view, layers);
    if (progress && progress !== lastProgress) wait.log.info(progress);
    lastProgress = progress;
    if (view && isReconciled(view, commit)) return { reconciled: true, view };
    try {
      await wait.clock.sleep(wait.intervalMs, wait.signal);
    } catch {
      return { reconciled: false, ...(view ? { view } : {}) };
    }
  }
}
