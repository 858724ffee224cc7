// What the engine needs from the outside world, as narrow interfaces: the CLI passes the real
// adapters, tests may pass fakes. The engine itself never reads files, spawns or opens sockets.
import { setTimeout as sleep } from "node:timers/promises";
import type { ArmClient } from "../adapters/azure/arm.js";
import type { GitopsBranch } from "../adapters/git/gitops-branch.js";

export type DeployArm = Pick<ArmClient, "deployAtSubscription" | "cancelDeployment" | "findRunningDeployment" | "putKeyVaultSecretIfMissing" | "getJson">;
export type WhatIfArm = Pick<ArmClient, "whatIfAtSubscription">;
export type FluxArm = Pick<ArmClient, "getJson">;
export type Publisher = Pick<GitopsBranch, "branch" | "head" | "readAtTip" | "publish" | "tipCommit">;
export type Previewer = Pick<GitopsBranch, "preview">;

/** The source repository's history: whether one commit is an ancestor of another (undefined: cannot tell). */
export interface SourceHistory {
  isAncestor(ancestor: string, descendant: string): Promise<boolean | undefined>;
}

export interface Clock {
  /** Rejects when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Log {
  /** Progress and results (stdout). */
  info(line: string): void;
  /** Failures and their details (stderr). */
  error(line: string): void;
}

export const systemClock: Clock = {
  sleep: async (ms, signal) => {
    await sleep(ms, undefined, { signal });
  },
};

/** The reason a run's AbortSignal carries: the deadline passed, or the user pressed Ctrl-C. */
export class RunStopped extends Error {
  constructor(readonly why: "timeout" | "interrupt") {
    super(why === "timeout" ? "the time limit (--timeout) was reached" : "interrupted");
    this.name = "RunStopped";
  }
}

export function stopReason(signal: AbortSignal): RunStopped | undefined {
  return signal.aborted ? (signal.reason instanceof RunStopped ? signal.reason : new RunStopped("interrupt")) : undefined;
}
