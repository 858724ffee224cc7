// The CLI's deploy holds itself to the same gates as the deploy action, through the same use case
// (src/app/deploy-gates.ts), against the Azure emulator and the GitHub fake: the plan it was told
// was reviewed (--reviewed-plan, the digest `plan` prints), with --accept-unreviewed-changes to
// deploy a difference anyway, and the promotion gate, read from the followed environment's GitOps
// branch and Flux, or from GitHub deployments with --repo and GITHUB_TOKEN. Each flag is proven
// with the CLI as a separate process; the further cases of a gate run the CLI's use cases (or, for
// a usage error, its `main`) in this process (test/engine/support/in-process.ts).
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { AzureEmulator } from "../emulator/emulator.js";
import { shippedEnvironment } from "../engine/support/environments.js";
import { git } from "../engine/support/git-repos.js";
import {
  aksUpgradeWhatIf,
  cliEnv,
  createWorkspace,
  deploy,
  dev,
  DEV_OUTPUTS,
  runCliAsync,
  startEmulator,
  type Workspace,
} from "../engine/support/harness.js";
import { cliInProcess, deployInProcess } from "../engine/support/in-process.js";
import { GitHubFake } from "../github-fake/server.js";
import { uploadOperatorSecrets } from "../engine/preflight/support/operator-secrets.js";
import { ROOT } from "../support/cli.js";

let emulator: AzureEmulator;
let github: GitHubFake;
let ws: Workspace;
beforeAll(async () => {
  [emulator, github] = await Promise.all([startEmulator(), GitHubFake.start()]);
});
afterAll(async () => {
  await Promise.all([emulator.stop(), github.stop()]);
});
beforeEach(() => {
  emulator.reset();
  uploadOperatorSecrets(emulator, dev);
  github.deployments.length = 0;
  ws?.dispose();
  ws = createWorkspace();
});

const deploymentPuts = (): number =>
  emulator.armRequests().filter((r) => r.method === "PUT" && /\/deployments\//i.test(r.path)).length;
const whatIfs = (): number =>
  emulator.armRequests().filter((r) => r.method === "POST" && /\/whatIf$/i.test(r.path.split("?")[0]!)).length;

let digest: string | undefined;

/**
 * The digest `plan --azure` prints for the workspace's commit while Azure would move the cluster
 * to 1.31.2 (scripted here). Every workspace of the file holds the same commit, so one plan serves every test.
 */
async function reviewedDigest(): Promise<string> {
  // What Azure would change, for the plan and for a deploy that follows it.
  emulator.script({ whatIf: { pendingPolls: 0, changes: aksUpgradeWhatIf("1.31.2") } });
  if (digest) return digest;
  const planned = await runCliAsync(["plan", "--env", "dev", "--azure", "--gitops-remote", ws.remote], ws.cwd, {
    env: cliEnv(emulator),
  });
  expect(planned.status).toBe(0);
  digest = /^Reviewed-plan digest: (rp2\.dev\.\S+)$/m.exec(planned.stdout)?.[1];
  expect(digest).toBeDefined();
  return digest!;
}

describe("deploy --reviewed-plan", () => {
  test(
    "Azure changed after the review: the deploy stops before the first " +
      "write, naming the difference; --accept-unreviewed-changes deploys it " +
      "and says so",
    async () => {
      const digest = await reviewedDigest();
      // Someone changed the cluster in the portal: ARM now sees a different change.
      emulator.script({ whatIf: { pendingPolls: 0, changes: aksUpgradeWhatIf("1.32.0") } });
      const asked = whatIfs();

      const stopped = await deploy(emulator, ws, undefined, ["--reviewed-plan", digest]);

      expect(stopped.status).toBe(1);
      expect(stopped.stderr).toContain(`error: dev differs from the plan reviewed as --reviewed-plan ${digest}:`);
      expect(stopped.stderr).toContain("  what-if: Azure's changes differ from the reviewed ones");
      expect(stopped.stderr).toContain("properties.kubernetesVersion: 1.30.6 → 1.32.0");
      expect(stopped.stderr).toContain("deploy again with --accept-unreviewed-changes to accept the difference");
      expect(stopped.stderr).not.toContain("GitOps tree");
      expect(deploymentPuts()).toBe(0);
      expect(ws.pushes()).toEqual([]);
      expect(whatIfs() - asked).toBe(1);

      emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });
      const accepted = await deploy(emulator, ws, { nonCompliantReads: 1 }, [
        "--reviewed-plan",
        digest,
        "--accept-unreviewed-changes",
      ]);

      expect(accepted.stderr).toContain(`warning: dev differs from the plan reviewed as --reviewed-plan ${digest}:`);
      expect(accepted.stderr).toContain("accepted (accept-unreviewed-changes): deploying anyway");
      expect(accepted.status).toBe(0);
      expect(deploymentPuts()).toBeGreaterThan(0);
      // One what-if per deploy: the check's.
      expect(whatIfs() - asked).toBe(2);
    },
    240_000,
  );

  test(
    "a digest that still matches lets the deploy through; a malformed one or " +
      "another environment's is a usage error",
    async () => {
      const digest = await reviewedDigest();
      emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });

      const run = await deployInProcess(emulator, ws, { nonCompliantReads: 1 }, { reviewedPlan: digest });

      expect(run.stdout).toContain(
        `dev: Azure, the GitOps tree, the Kubernetes objects and the toolkit ` +
          `match the plan reviewed as --reviewed-plan ${digest}`,
      );
      expect(run.status).toBe(0);

      const deployArgs = ["deploy", "--env", "dev", "--gitops-remote", ws.remote, "--reviewed-plan"];
      const bad = await cliInProcess([...deployArgs, "sha256:abc"], ws.cwd);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("--reviewed-plan takes the digest a plan prints");
      const other = await cliInProcess([...deployArgs, digest.replace("rp2.dev.", "rp2.prod.")], ws.cwd);
      expect(other.status).toBe(2);
      expect(other.stderr).toContain("--reviewed-plan is a plan of prod, not of dev");
    },
    240_000,
  );
});

describe("deploy: the promotion gate", () => {
  beforeEach(() => {
    copyFileSync(join(ROOT, "environments", "staging.yaml"), join(ws.cwd, "environments", "staging.yaml"));
    const file = join(ws.cwd, "environments", "dev.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8")}promotion:\n  after: staging\n`);
    git(ws.cwd, "add", "-A");
    git(ws.cwd, "commit", "-qm", "dev follows staging");
  });

  test(
    "from staging's GitOps branch and Flux: refused while staging published " + "nothing, or Flux does not run it",
    async () => {
      const none = await deploy(emulator, ws, undefined);

      expect(none.status).toBe(1);
      expect(none.stderr).toContain("error: dev follows staging: staging has no finished deployment recorded.");
      expect(deploymentPuts()).toBe(0);

      // staging's branch records the release, but no Flux reports it.
      const toolkit = git(ROOT, "rev-parse", "HEAD");
      const tree = git(ws.remote, "hash-object", "-t", "tree", "-w", "/dev/null");
      const commit = git(
        ws.remote,
        "commit-tree",
        tree,
        "-m",
        `Deploy staging\n\nCodeMie-Version: ${dev.codemieVersion}\nToolkit-Commit: ${toolkit}\n`,
      );
      git(ws.remote, "update-ref", `refs/heads/${shippedEnvironment("staging").gitops.branch}`, commit);

      const unseen = await deployInProcess(emulator, ws, undefined);

      expect(unseen.status).toBe(1);
      expect(unseen.stderr).toContain(
        `error: dev follows staging: the latest deployment of staging (` +
          `${commit.slice(0, 7)}) ended unreported (staging's cluster has no ` +
          `fluxConfiguration), not Compliant.`,
      );
      expect(deploymentPuts()).toBe(0);
      expect(ws.pushes()).toEqual([]);
    },
    240_000,
  );

  test(
    "from GitHub deployments with --repo: refused for another release, open " + "once staging runs this one",
    async () => {
      const toolkit = git(ROOT, "rev-parse", "HEAD");
      const env = { GITHUB_TOKEN: github.token, GITHUB_API_URL: github.url };
      const repo = ["--repo", `${github.owner}/codemie-platform`];
      github.deployments.push({
        id: 1,
        ref: "1".repeat(40),
        environment: "staging",
        payload: { codemieVersion: "2.0.0", toolkit },
        statuses: [{ state: "success" }],
      });

      const refused = await deploy(emulator, ws, undefined, repo, { env });

      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(
        `error: dev follows staging: staging runs CodeMie 2.0.0, not ${dev.codemieVersion}`,
      );
      expect(deploymentPuts()).toBe(0);

      github.deployments.push({
        id: 2,
        ref: "2".repeat(40),
        environment: "staging",
        payload: { codemieVersion: dev.codemieVersion, toolkit },
        statuses: [{ state: "success" }],
      });
      emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });

      const run = await deploy(emulator, ws, { nonCompliantReads: 1 }, repo, { env });

      expect(run.stdout).toContain("Promotion: open, staging runs this release Compliant (2222222)");
      expect(run.status).toBe(0);
      // The release is recorded on dev's GitOps branch, for the environments that follow dev.
      expect(git(ws.remote, "log", "-1", "--format=%B", dev.gitops.branch)).toContain(
        `CodeMie-Version: ${dev.codemieVersion}\nToolkit-Commit: ${toolkit}`,
      );
    },
    240_000,
  );
});
