// `codemie-gitops status` as a separate process: the GitOps branch and Flux as Azure reports them.
import { describe, expect, test } from "vitest";
import { pushFiles } from "./support/git-repos.js";
import { BRANCH, cliEnv, emulatorAndWorkspace, runCliAsync } from "./support/harness.js";

const t = emulatorAndWorkspace();

const status = () =>
  runCliAsync(["status", "--env", "dev", "--gitops-remote", t.ws.remote], t.ws.cwd, { env: cliEnv(t.emulator) });

describe("status", () => {
  test("reports reconciled when Flux has the branch tip Compliant", async () => {
    const tip = pushFiles(t.ws.remote, BRANCH, { "clusters/dev/kustomization.yaml": "resources: []\n" });
    t.emulator.script({
      flux: {
        codemie: { nonCompliantReads: 0, commit: `${BRANCH}@sha1:${tip}`, kustomizations: ["infrastructure", "apps"] },
      },
    });

    const run = await status();

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`GitOps branch ${BRANCH}: at ${tip.slice(0, 7)}`);
    expect(run.stdout).toContain("ARM: no deployment of dev is running");
    expect(run.stdout).toContain("  Kustomization flux-system/codemie-apps: Compliant");
    expect(run.stdout).toContain(`dev is reconciled: Flux reports ${tip.slice(0, 7)} Compliant`);
  });

  test("fails while Flux has not applied the branch tip, showing what it reports", async () => {
    const older = pushFiles(t.ws.remote, BRANCH, { "clusters/dev/kustomization.yaml": "resources: []\n" });
    const tip = pushFiles(t.ws.remote, BRANCH, { "clusters/dev/kustomization.yaml": "resources: [layers.yaml]\n" });
    t.emulator.script({
      flux: { codemie: { nonCompliantReads: 5, commit: `${BRANCH}@sha1:${older}`, kustomizations: ["apps"] } },
    });

    const run = await status();

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      "  Kustomization flux-system/codemie-apps: Non-Compliant (ReconciliationFailed: kustomization path not found)",
    );
    expect(run.stderr).toContain(`error: dev is not reconciled: Flux has not synced ${tip.slice(0, 7)} yet`);
  });

  test("fails when the environment has no Flux configuration", async () => {
    const run = await status();

    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: the fluxConfiguration does not exist (has the infrastructure been deployed?)");
  });
});
