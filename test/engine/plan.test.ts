// `codemie-gitops plan` as a separate process: offline against a scratch GitOps repository, and
// with --azure against the emulator's what-if.
import { describe, expect, test } from "vitest";
import { GitopsBranch } from "../../src/adapters/git/gitops-branch.js";
import { readToolkit } from "../../src/adapters/templates.js";
import { renderSources } from "../../src/app/render-environment.js";
import { gitopsFiles } from "../../src/engine/rendered.js";
import { environmentText } from "./support/environments.js";
import { GIT_IDENTITY } from "./support/git-repos.js";
import { BRANCH, cliEnv, dev, emulatorAndWorkspace, runCliAsync } from "./support/harness.js";

const t = emulatorAndWorkspace();

/** The GitOps files of dev as the renderer makes them (no Bicep compile needed for these). */
async function renderedGitops(): Promise<Map<string, string>> {
  const { tree } = renderSources("environments/dev.yaml", environmentText("dev"), await readToolkit());
  if (!tree) throw new Error("dev does not render");
  return gitopsFiles(tree);
}

const sub = `/subscriptions/${dev.azure.subscriptionId}`;
const rg = `${sub}/resourceGroups/${dev.names.resourceGroup}`;
const aksId = `${rg}/providers/Microsoft.ContainerService/managedClusters/${dev.names.aks}`;

describe("plan", () => {
  test("offline: capacity, and what publishing would change on the GitOps branch", async () => {
    const files = await renderedGitops();
    const layers = "clusters/dev/layers.yaml";
    const published = new Map(files);
    published.set(layers, `${files.get(layers) ?? ""}# an edit someone made by hand\n`);
    published.set("clusters/dev/stale.yaml", "kind: ConfigMap\n");
    published.set("clusters/dev/infra-outputs.yaml", "kind: ConfigMap\n");
    Object.assign(process.env, GIT_IDENTITY);
    const gitops = new GitopsBranch({ remote: t.ws.remote, branch: BRANCH, root: "clusters/dev" });
    const { commit } = await gitops.publish(published, { message: "earlier deploy", expectedParent: undefined });
    // No Azure variables at all: the offline plan needs none.
    const offline = GIT_IDENTITY;

    const text = await runCliAsync(["plan", "--env", "dev", "--gitops-remote", t.ws.remote], t.ws.cwd, {
      env: offline,
    });

    expect(text.stderr).toBe("");
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("Capacity (small profile)");
    expect(text.stdout).toMatch(/^ {2}workloads {2}Standard_\w+ \(\d+ vCPU, \d+ GiB\) × \d+ needed/m);
    expect(text.stdout).toContain(
      `GitOps branch ${BRANCH} at ${commit.slice(0, 7)}: 2 file(s) would ` +
        `change\n  M ${layers}\n  D clusters/dev/stale.yaml\n`,
    );
    expect(text.stdout).toContain("-# an edit someone made by hand");
    // A comment in layers.yaml changes no chart's input: no release is templated, none differs.
    expect(text.stdout).toMatch(
      /^Kubernetes objects: 0 release\(s\) render differently, \d+ unchanged \(helm template v4\./m,
    );
    expect(text.stdout).toContain("What-if: not run (offline plan; add --azure to ask ARM)");

    const json = await runCliAsync(["plan", "--env", "dev", "--json", "--gitops-remote", t.ws.remote], t.ws.cwd, {
      env: offline,
    });

    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as {
      gitops: { status: string; base: string; files: unknown[] };
      capacity: { fits: boolean; pools: unknown[] };
      whatIf?: unknown;
    };
    expect(report.gitops).toMatchObject({
      status: "compared",
      base: commit,
      files: [
        { path: layers, change: "modified" },
        { path: "clusters/dev/stale.yaml", change: "deleted" },
      ],
    });
    expect(report.capacity).toMatchObject({ fits: true, pools: [{ name: "system" }, { name: "workloads" }] });
    expect(report.whatIf).toBeUndefined();
  });

  test("--azure adds ARM what-if, typed, with noise set apart; --markdown shapes it for a pull request", async () => {
    t.emulator.script({
      whatIf: {
        pendingPolls: 1,
        changes: [
          { resourceId: `${sub}/resourceGroups/${dev.names.resourceGroup}`, changeType: "NoChange" },
          {
            resourceId: `${rg}/providers/Microsoft.Storage/storageAccounts/${dev.names.storageAccount}`,
            changeType: "Create",
          },
          {
            resourceId: aksId,
            changeType: "Modify",
            after: {
              properties: {
                agentPoolProfiles: [
                  { count: 2, enableAutoScaling: true },
                  { count: 4, enableAutoScaling: false },
                ],
              },
            },
            delta: [
              {
                path: "properties.agentPoolProfiles",
                propertyChangeType: "Array",
                children: [
                  {
                    path: "0",
                    propertyChangeType: "Modify",
                    children: [{ path: "count", propertyChangeType: "Modify", before: 3, after: 2 }],
                  },
                  {
                    path: "1",
                    propertyChangeType: "Modify",
                    children: [{ path: "count", propertyChangeType: "Modify", before: 3, after: 4 }],
                  },
                ],
              },
            ],
          },
          {
            resourceId: `${rg}/providers/Microsoft.Insights/diagnosticSettings/kv`,
            changeType: "Unsupported",
            unsupportedReason: "Diagnostic settings are not supported by what-if.",
          },
          {
            resourceId: `${rg}/providers/Microsoft.OperationalInsights/workspaces/${dev.names.logAnalytics}`,
            changeType: "Ignore",
          },
        ],
      },
    });

    const run = await runCliAsync(
      ["plan", "--env", "dev", "--azure", "--markdown", "--gitops-remote", t.ws.remote],
      t.ws.cwd,
      { env: cliEnv(t.emulator) },
    );

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "| create | modify | delete | unknown | unchanged |\n|---:|---:|---:|---:|---:|\n| 1 | 1 | 0 | 2 | 1 |",
    );
    expect(run.stdout).toContain(
      `| ~ | \`${dev.names.aks}\` | Microsoft.ContainerService/managedClusters ` +
        `| \`~ properties.agentPoolProfiles[1].count: 3 → 4\`<br>noise ` +
        `(aks-autoscaled-count): \`properties.agentPoolProfiles[0].count\` |`,
    );
    expect(run.stdout).toContain(
      "| ? | `kv` | Microsoft.Insights/diagnosticSettings | Diagnostic settings are not supported by what-if. |",
    );
    expect(run.stdout).toContain("- `aks-autoscaled-count`: The cluster autoscaler owns");
    expect(run.stdout).toContain(`Branch \`${BRANCH}\` (new)`);
    // A plan deploys nothing: reads of the deployed resources and the preflight's, one what-if and its polls, no PUT.
    expect(
      t.emulator
        .armRequests()
        .filter((r) => r.method !== "GET")
        .map((r) => r.method),
    ).toEqual(["POST"]);
  });

  test("a what-if that ARM answers with status Failed fails the plan with Azure's error", async () => {
    t.emulator.script({
      whatIf: {
        pendingPolls: 0,
        failure: {
          code: "InvalidTemplate",
          message: "Deployment template validation failed.",
          details: [{ code: "InvalidResourceName", message: "The name is invalid." }],
        },
      },
    });

    const run = await runCliAsync(["plan", "--env", "dev", "--azure", "--gitops-remote", t.ws.remote], t.ws.cwd, {
      env: cliEnv(t.emulator),
    });

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      "What-if: ARM reported an error\n  InvalidTemplate: Deployment template " +
        "validation failed.\n    InvalidResourceName: The name is invalid.",
    );
  });
});
