// The deploy use case in this process, beside the process-level tests of the CLI and the action:
// the real adapters (ARM client over HTTPS to the Azure emulator, git to a scratch GitOps
// repository, the Bicep compiler) wired through the ports, and the result a face reports from
// checked against what reached Azure and git.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readSourceCommit } from "../../src/adapters/git/source-commit.js";
import { gitopsBranch, type Connections } from "../../src/app/connections.js";
import { prepareDeploy, runDeploy, type DeployPorts, type DeployRequest } from "../../src/app/deploy.js";
import { workspaceFiles } from "../../src/app/environment-files.js";
import { packageToolchain } from "../../src/app/toolchain.js";
import { systemClock } from "../../src/engine/ports.js";
import { armClient } from "../emulator/clients.js";
import type { RecordedRequest } from "../emulator/emulator.js";
import { branchTip } from "../engine/support/git-repos.js";
import { BRANCH, DEV_OUTPUTS, emulatorAndWorkspace } from "../engine/support/harness.js";

const t = emulatorAndWorkspace();

const request = (overrides: Partial<DeployRequest> = {}): DeployRequest => ({
  name: "dev",
  skipInfrastructure: false,
  timeoutMs: 60_000,
  fluxIntervalMs: 20,
  ...overrides,
});

/**
 * The real ports, pointed at the emulator and the scratch GitOps repository; once published, Flux reports that commit.
 */
function ports(nonCompliantReads: number): DeployPorts & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  const connections: Connections = {
    arm: () => armClient(t.emulator),
    gitops: (env) => gitopsBranch(env, t.ws.remote, {}),
  };
  return {
    files: workspaceFiles(t.ws.cwd),
    toolchain: packageToolchain,
    readSource: () => readSourceCommit(t.ws.cwd, {}),
    connections,
    clock: systemClock,
    log: {
      info: (line) => {
        lines.push(line);
        if (/^(Published [0-9a-f]{7} to|GitOps branch \S+ already holds)/.test(line)) {
          const commit = `${BRANCH}@sha1:${branchTip(t.ws.remote, BRANCH) ?? ""}`;
          t.emulator.script({
            flux: { codemie: { nonCompliantReads, commit, kustomizations: ["infrastructure", "apps"] } },
          });
        }
      },
      error: (line) => errors.push(line),
    },
    onInterrupt: () => errors.push("interrupted"),
    lines,
    errors,
  };
}

const fluxReads = (requests: RecordedRequest[]): RecordedRequest[] =>
  requests.filter((r) => r.path.toLowerCase().includes("/fluxconfigurations/"));

describe("deploy use case, in process", () => {
  test(
    "prepares once and returns what a face reports: the deployment, the " + "published commit and Flux's state",
    async () => {
      t.emulator.script({ deployment: { runningPolls: 1, outputs: DEV_OUTPUTS } });
      const p = ports(1);

      const start = await prepareDeploy(request(), p);
      if (!start.ok) throw new Error(`not prepared: ${JSON.stringify(start)}`);
      expect(start.source).toEqual({ sha: t.ws.sourceCommit, dirty: false });
      expect(start.deployment).toBe(`codemie-dev.${t.ws.sourceCommit.slice(0, 7)}`);
      expect(start.prepared.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect([...start.tree.keys()]).toEqual(
        expect.arrayContaining(["bicep/main.json", "bicep/bootstrap.json", "clusters/dev/kustomization.yaml"]),
      );
      // Nothing reached Azure or the GitOps repository while preparing.
      expect(t.emulator.armRequests()).toEqual([]);
      expect(t.ws.pushes()).toEqual([]);

      const outcome = await runDeploy(start, request(), p);

      const tip = branchTip(t.ws.remote, BRANCH) ?? "";
      expect(p.errors).toEqual([]);
      expect(outcome.result).toMatchObject({ ok: true, deployment: start.deployment, commit: tip });
      expect(outcome.published).toBe(tip);
      expect(outcome.flux?.complianceState).toBe("Compliant");
      expect(outcome.flux?.objects.map((o) => `${o.kind} ${o.name}: ${o.complianceState}`)).toEqual(
        expect.arrayContaining([
          "Kustomization codemie-infrastructure: Compliant",
          "Kustomization codemie-apps: Compliant",
        ]),
      );
      expect(p.lines.at(-1)).toBe(
        `Deployed dev: ARM deployment ${start.deployment} succeeded and Flux reports ${tip.slice(0, 7)} Compliant`,
      );
      // Flux was read while waiting, never again afterwards: the last read is the state returned.
      const reads = fluxReads(t.emulator.armRequests());
      expect(reads.length).toBeGreaterThanOrEqual(2);
      expect(t.emulator.armRequests().at(-1)).toBe(reads.at(-1));
    },
  );

  test(
    "Flux never Compliant in time: stage flux, the last view returned with " + "its objects, nothing published as done",
    async () => {
      t.emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });
      const p = ports(1_000_000);
      const start = await prepareDeploy(request({ timeoutMs: 4_000 }), p);
      if (!start.ok) throw new Error("not prepared");

      const outcome = await runDeploy(start, request({ timeoutMs: 4_000 }), p);

      expect(outcome.result).toMatchObject({ ok: false, stage: "flux" });
      expect(outcome.published).toBe("");
      expect(outcome.flux?.complianceState).toBe("Non-Compliant");
      expect(
        outcome.flux?.objects.filter((o) => o.kind === "Kustomization").map((o) => `${o.name}: ${o.complianceState}`),
      ).toEqual(["codemie-infrastructure: Non-Compliant", "codemie-apps: Non-Compliant"]);
      expect(p.errors[0]).toMatch(
        /^error: Flux did not report [0-9a-f]{7} Compliant: the time limit \(--timeout\) was reached$/,
      );
    },
  );

  test("a run that stops before Flux reads it once only when asked (fluxAfterFailure)", async () => {
    const p = ports(0);
    const start = await prepareDeploy(request(), p);
    if (!start.ok) throw new Error("not prepared");
    // Every ARM deployment of dev fails at once: the run stops at bootstrap, before the wait.
    const failure = { error: { code: "DeploymentFailed", message: "no" }, failedOperations: [] };

    t.emulator.script({ deployment: { runningPolls: 0, failure } });
    const quiet = await runDeploy(start, request(), p);
    expect(quiet.result).toEqual({ ok: false, stage: "bootstrap" });
    expect(fluxReads(t.emulator.armRequests())).toEqual([]);

    const before = t.emulator.armRequests().length;
    const asked = await runDeploy(start, request({ fluxAfterFailure: true }), p);
    expect(asked.result).toEqual({ ok: false, stage: "bootstrap" });
    const after = t.emulator.armRequests().slice(before);
    expect(fluxReads(after).map((r) => r.method)).toEqual(["GET"]);
    // Nothing was deployed, so there is no fluxConfiguration to report, and no error reading it.
    expect(asked.flux).toBeUndefined();
    expect(asked.fluxError).toBeUndefined();
    expect(t.ws.pushes()).toEqual([]);
  });

  test("refuses to prepare without a source commit, and returns an invalid file's diagnostics as data", async () => {
    const p = ports(0);
    expect(await prepareDeploy(request(), { ...p, readSource: async () => undefined })).toEqual({ ok: false });

    writeFileSync(join(t.ws.cwd, "environments", "dev.yaml"), "name: [\n");
    const start = await prepareDeploy(request(), p);
    expect(start.ok).toBe(false);
    expect(start.source?.dirty).toBe(true);
    if (start.ok || !start.source) throw new Error("expected a failed preparation with a source");
    expect(start.prepared).toMatchObject({
      ok: false,
      failure: "invalid",
      file: "environments/dev.yaml",
      bicepDiagnostics: [],
    });
    expect(start.prepared.diagnostics[0]).toMatchObject({ file: "environments/dev.yaml", severity: "error" });
    expect(t.emulator.armRequests()).toEqual([]);
  });
});
