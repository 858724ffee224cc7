// Day 2 against the emulator: resources that already exist in Azure, as a later deploy finds them.
// The emulator refuses what Azure refuses (a smaller PostgreSQL disk, a changed agent-pool VM size),
// so these tests prove that `deploy` and `plan` never ask for it, and that a direct deployment of
// the same template would have failed. The plans run the CLI as a separate process; the deploys run
// its use cases in this process (support/in-process.ts; test/engine/deploy.test.ts runs the CLI).
import { describe, expect, test } from "vitest";
import { planCapacity } from "../../src/capacity/plan.js";
import { deploymentRequests } from "../../src/engine/rendered.js";
import { day2Expectations } from "../../src/engine/day2-read.js";
import type { RenderedTree } from "../../src/render/tree.js";
import { armClient } from "../emulator/clients.js";
import { bicepSession } from "../support/bicep.js";
import { BRANCH, cliEnv, dev, DEV_OUTPUTS, emulatorAndWorkspace, runCliAsync } from "./support/harness.js";
import { deployInProcess } from "./support/in-process.js";
import { branchTip, fileAt, pushFiles } from "./support/git-repos.js";
import { parse } from "yaml";
import { DEPLOYED_POOLS_ANNOTATION, publishedPools } from "../../src/engine/day2-published.js";
import { infraOutputsPath } from "../../src/engine/infra-outputs.js";

const t = emulatorAndWorkspace();
/** Each CLI run renders and compiles dev with the real Bicep CLI: minutes on a loaded machine. */
const CLI_TEST_MS = 420_000;
const session = await bicepSession();
const capacity = planCapacity(dev);

const devTree = (): Promise<RenderedTree> => session.cleanTree(dev);

/** What ARM's GETs return for dev's resources as a first deploy left them. */
async function deployedDev(
  changes: { storageGb?: number; workloadsVmSize?: string; geoRedundantBackup?: string; privateCluster?: boolean } = {},
) {
  const expect = day2Expectations(await devTree());
  const pools = expect.cluster.pools.map((p) => ({
    name: p.name,
    vmSize: p.name === "workloads" ? (changes.workloadsVmSize ?? p.immutable.vmSize) : p.immutable.vmSize,
    maxPods: Number(p.immutable.maxPods),
    availabilityZones: p.immutable.availabilityZones.split(","),
    vnetSubnetID: p.immutable.vnetSubnetID,
  }));
  return {
    [expect.postgres.id]: {
      properties: {
        storage: { storageSizeGB: changes.storageGb ?? 32, autoGrow: "Enabled" },
        backup: { geoRedundantBackup: changes.geoRedundantBackup ?? "Disabled" },
        dataEncryption: { type: "SystemManaged" },
      },
    },
    [expect.cluster.id]: {
      properties: {
        apiServerAccessProfile: { enablePrivateCluster: changes.privateCluster ?? false },
        agentPoolProfiles: pools,
      },
    },
    [expect.natPublicIp.id]: { zones: ["3", "1", "2"], properties: {} },
  };
}

/** dev's main deployment as the engine would send it, the Key Vault reference replaced by a value. */
async function mainRequest(storageGb: number) {
  const { main } = deploymentRequests(dev, await devTree());
  return {
    ...main,
    parameters: {
      ...main.parameters,
      postgresAdminPassword: { value: "not-a-real-password-0" },
      postgresStorageGb: { value: storageGb },
    },
  };
}

const workloads = capacity.nodePools.find((p) => p.name === "workloads")!;
const otherSize = workloads.vmSize === "Standard_D8ds_v5" ? "Standard_D4ds_v5" : "Standard_D8ds_v5";

describe("PostgreSQL storage grown by auto-grow", () => {
  test("the emulator refuses a deployment asking for less than the server's 64 GiB, with Azure's error", async () => {
    t.emulator.script({ resources: await deployedDev({ storageGb: 64 }) });

    const outcome = await armClient(t.emulator).deployAtSubscription("direct-32", await mainRequest(32));

    expect(outcome.provisioningState).toBe("Failed");
    const report = outcome.provisioningState === "Failed" ? outcome.report : undefined;
    expect(report?.failedOperations[0]?.error).toMatchObject({
      code: "UpsertServerManagementOperationDowngradeDiskSizeUnsupported",
      message: expect.stringContaining(
        "Requested data Disk size '32768' cannot be less than current size '65536'",
      ) as unknown,
    });
    // The same template with the server's size goes through.
    expect(
      (await armClient(t.emulator).deployAtSubscription("direct-64", await mainRequest(64))).provisioningState,
    ).toBe("Succeeded");
  });

  test(
    "a redeploy asks for the server's size and succeeds; plan shows the real size",
    async () => {
      t.emulator.script({
        resources: await deployedDev({ storageGb: 64 }),
        deployment: { runningPolls: 0, outputs: DEV_OUTPUTS },
      });

      const plan = await runCliAsync(["plan", "--env", "dev", "--azure", "--gitops-remote", t.ws.remote], t.ws.cwd, {
        env: cliEnv(t.emulator),
      });

      expect(plan.stderr).toBe("");
      expect(plan.status).toBe(0);
      expect(plan.stdout).toContain(
        "Day 2: the deployed resources allow this deploy\n  PostgreSQL storage: " +
          "64 GiB deployed (auto-grown; the file asks 32): the deploy keeps 64 GiB",
      );

      const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 });

      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(
        "PostgreSQL storage: the server has grown to 64 GiB (the file asks 32); deploying 64 GiB",
      );
      expect(branchTip(t.ws.remote, BRANCH)).toBeDefined();
    },
    CLI_TEST_MS,
  );
});

describe("immutable node-pool properties", () => {
  test("the emulator refuses a changed agent-pool VM size in preflight, as AKS does", async () => {
    t.emulator.script({ resources: await deployedDev({ workloadsVmSize: otherSize }) });

    const outcome = await armClient(t.emulator).deployAtSubscription("direct-vm", await mainRequest(32));

    expect(outcome.provisioningState).toBe("Failed");
    const report = outcome.provisioningState === "Failed" ? outcome.report : undefined;
    expect(report?.error?.details?.[0]).toMatchObject({
      code: "PropertyChangeNotAllowed",
      target: "agentPoolProfile.vmSize",
    });
  });

  test(
    "deploy refuses before any write, naming the field; plan reports the same and fails",
    async () => {
      t.emulator.script({ resources: await deployedDev({ workloadsVmSize: otherSize }) });

      const plan = await runCliAsync(["plan", "--env", "dev", "--azure", "--gitops-remote", t.ws.remote], t.ws.cwd, {
        env: cliEnv(t.emulator),
      });

      expect(plan.status).toBe(1);
      expect(plan.stdout).toContain("Day 2: REFUSED, 1 change(s) the deployed resources cannot take");
      expect(plan.stdout).toContain(
        `aks.nodePools.workloads.vmSize: node pool workloads runs with vmSize = ` +
          `${otherSize}, and this deploy would ask for ${workloads.vmSize}`,
      );

      const before = t.emulator.armRequests().length;
      const run = await deployInProcess(t.emulator, t.ws, undefined);

      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        `environments/dev.yaml: error: aks.nodePools.workloads.vmSize: node pool ` +
          `workloads runs with vmSize = ${otherSize}`,
      );
      expect(run.stderr).toContain(`set aks.nodePools.workloads.vmSize to ${otherSize}`);
      expect(run.stderr).toContain("error: 1 change(s) cannot be made to the deployed resources; nothing was deployed");
      expect(
        t.emulator
          .armRequests()
          .slice(before)
          .filter((r) => r.method !== "GET"),
      ).toEqual([]);
      expect(t.ws.pushes()).toEqual([]);
    },
    CLI_TEST_MS,
  );
});

describe("settings fixed at creation", () => {
  test(
    "geo-redundant backup and private-cluster mode cannot change on existing resources",
    async () => {
      t.emulator.script({ resources: await deployedDev({ geoRedundantBackup: "Enabled", privateCluster: true }) });

      const plan = await runCliAsync(
        ["plan", "--env", "dev", "--azure", "--json", "--gitops-remote", t.ws.remote],
        t.ws.cwd,
        { env: cliEnv(t.emulator) },
      );

      expect(plan.status).toBe(1);
      const report = JSON.parse(plan.stdout) as {
        day2: { status: string; refusals: { field: string; message: string }[] };
      };
      expect(report.day2.refusals.map((r) => r.field)).toEqual([
        "postgres.geoRedundantBackup",
        "network.privateCluster",
      ]);
      expect(report.day2.refusals[0]?.message).toContain("the resource would have to be rebuilt");
    },
    CLI_TEST_MS,
  );
});

describe("storage account created before the production default of infrastructure encryption", () => {
  test(
    "the deploy keeps the account's value, warns naming the setting, and succeeds",
    async () => {
      const resources = await deployedDev();
      const expect2 = day2Expectations(await devTree());
      // dev asks for no infrastructure encryption; this account was created with it.
      expect(dev.security?.storageInfrastructureEncryption).toBe(false);
      t.emulator.script({
        resources: {
          ...resources,
          [expect2.storageAccount.id]: { properties: { encryption: { requireInfrastructureEncryption: true } } },
        },
        deployment: { runningPolls: 0, outputs: DEV_OUTPUTS },
      });

      const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 });

      expect(run.status).toBe(0);
      expect(run.stderr).toContain(
        "environments/dev.yaml: warning: " +
          "security.storageInfrastructureEncryption: storage account was created " +
          "with properties.encryption.requireInfrastructureEncryption = true",
      );
      expect(run.stderr).toContain("so the deploy keeps true");
      const name = /ARM deployment (\S+) succeeded/.exec(run.stdout)?.[1];
      expect(name).toBeDefined();
      const deployment = (await armClient(t.emulator).getJson(
        `/subscriptions/${dev.azure.subscriptionId}/providers/Microsoft.Resources/deployments/${name!}`,
        "2024-03-01",
      )) as { properties: { parameters: Record<string, { value: unknown }> } };
      expect(deployment.properties.parameters.storageInfrastructureEncryption).toEqual({ value: true });
    },
    CLI_TEST_MS,
  );
});

describe("offline plan: node pools against the last published deploy", () => {
  test(
    "a deploy records its pools on the branch; a plan without Azure refuses a VM size other than the recorded one",
    async () => {
      t.emulator.script({ resources: await deployedDev(), deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });
      const deployed = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 });
      expect(deployed.status).toBe(0);
      const path = infraOutputsPath(dev);
      const configMap = fileAt(t.ws.remote, BRANCH, path)!;
      const recorded = publishedPools(configMap);
      expect(recorded?.find((p) => p.name === "workloads")?.vmSize).toBe(workloads.vmSize);

      // As if the last deploy had chosen another size for the workloads pool.
      const pools = JSON.parse(
        (parse(configMap) as { metadata: { annotations: Record<string, string> } }).metadata.annotations[
          DEPLOYED_POOLS_ANNOTATION
        ]!,
      ) as { name: string; vmSize: string }[];
      const changed = pools.map((p) => (p.name === "workloads" ? { ...p, vmSize: otherSize } : p));
      pushFiles(
        t.ws.remote,
        BRANCH,
        {
          [path]: configMap.replace(
            /^( {4}codemie-gitops\.dev\/deployed-node-pools: ).*$/m,
            `$1${JSON.stringify(JSON.stringify(changed))}`,
          ),
        },
        "an earlier deploy",
      );
      const before = t.emulator.armRequests().length;

      const plan = await runCliAsync(["plan", "--env", "dev", "--gitops-remote", t.ws.remote], t.ws.cwd, {
        env: cliEnv(t.emulator),
      });

      expect(plan.status).toBe(1);
      expect(plan.stdout).toContain(
        "Day 2: REFUSED (offline, against the node pools the last deploy recorded on the GitOps branch at",
      );
      expect(plan.stdout).toContain(
        `aks.nodePools.workloads.vmSize: node pool workloads was last deployed ` +
          `with vmSize = ${otherSize}, and this deploy would ask for ` +
          `${workloads.vmSize}`,
      );
      expect(t.emulator.armRequests().length).toBe(before);
    },
    CLI_TEST_MS,
  );
});
