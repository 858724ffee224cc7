// The Azure emulator and the GitHub fake, started once per test file, and a fresh workspace (dev's
// environment file, committed, with the operator's secrets in the emulated vault) for each test:
// what every test of the bundled deploy action starts from.
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { AzureEmulator } from "../../emulator/emulator.js";
import { branchTip } from "../../engine/support/git-repos.js";
import { BRANCH, cliEnv, createWorkspace, dev, startEmulator, type Workspace } from "../../engine/support/harness.js";
import { GitHubFake } from "../../github-fake/server.js";
import { uploadOperatorSecrets } from "../../engine/preflight/support/operator-secrets.js";
import { runAction, type ActionEvent, type ActionRun } from "./run-action.js";

export interface DeployFixture {
  github: GitHubFake;
  emulator: AzureEmulator;
  ws: Workspace;
}

/** Registers the file's hooks; the fields are set before each test (the file's own beforeEach runs after these). */
export function deployFixture(): DeployFixture {
  const t = {} as DeployFixture;
  beforeAll(async () => {
    [t.github, t.emulator] = await Promise.all([GitHubFake.start(), startEmulator()]);
  });
  afterAll(async () => {
    await Promise.all([t.github.stop(), t.emulator.stop()]);
  });
  beforeEach(() => {
    t.emulator.reset();
    uploadOperatorSecrets(t.emulator, dev);
    t.github.deployments.length = 0;
    t.github.deployKeys.length = 0;
    t.github.requests.length = 0;
    t.ws = createWorkspace();
  });
  afterEach(() => t.ws.dispose());
  return t;
}

export interface DeployActionRun {
  event: ActionEvent;
  inputs?: Record<string, string>;
  /** Reads of the published commit before the emulator's Flux reports it Compliant. */
  nonCompliantReads?: number;
  kustomizations?: string[];
  /** More environment for the action's process. */
  env?: NodeJS.ProcessEnv;
}

/** Runs the bundled deploy action for dev; once it has published, the emulator's Flux reconciles that commit. */
export function runDeployAction(t: DeployFixture, run: DeployActionRun): Promise<ActionRun> {
  const { github, emulator, ws } = t;
  return runAction("deploy", {
    cwd: ws.cwd,
    inputs: { environment: "dev", "azure-client-id": emulator.identity.clientId, "wait-timeout": "2m", ...run.inputs },
    event: run.event,
    github,
    env: cliEnv(emulator, { CODEMIE_GITOPS_REMOTE: ws.remote, ...run.env }),
    onLine: (line) => {
      if (!/^(Published [0-9a-f]{7} to|GitOps branch \S+ already holds)/.test(line)) return;
      emulator.script({
        flux: {
          codemie: {
            nonCompliantReads: run.nonCompliantReads ?? 1,
            commit: `${BRANCH}@sha1:${branchTip(ws.remote, BRANCH) ?? ""}`,
            kustomizations: run.kustomizations ?? ["infrastructure", "apps"],
          },
        },
      });
    },
  });
}
