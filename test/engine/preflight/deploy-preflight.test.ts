// `codemie-gitops deploy` refuses before its first ARM write what Azure would refuse later: each
// preflight failure is a positioned line at the environment field to change, and the emulator's
// request log shows no write (no PUT, no POST) and the GitOps repository no push.
import { describe, expect, test } from "vitest";
import { planCapacity } from "../../../src/capacity/plan.js";
import { vmSize } from "../../../src/catalogue/vm-sizes.js";
import { keyVaultId } from "../../../src/engine/names.js";
import { quotaFamily } from "../../emulator/preflight-data.js";
import { BRANCH, cliEnv, deploy, dev, DEV_OUTPUTS, emulatorAndWorkspace, runCliAsync } from "../support/harness.js";
import { branchTip } from "../support/git-repos.js";

const t = emulatorAndWorkspace();
const FILE = "environments/dev.yaml";
const workloads = planCapacity(dev).nodePools.find((p) => p.name === "workloads")!;
const family = quotaFamily(vmSize(workloads.vmSize)!.family);

const writes = (): string[] =>
  t.emulator
    .armRequests()
    .filter((r) => r.method !== "GET" && r.method !== "HEAD")
    .map((r) => `${r.method} ${r.path}`);

async function refused(): Promise<string> {
  const run = await deploy(t.emulator, t.ws, { nonCompliantReads: 0 });
  expect(run.status).toBe(1);
  expect(writes()).toEqual([]);
  expect(t.ws.pushes()).toEqual([]);
  expect(branchTip(t.ws.remote, BRANCH)).toBeUndefined();
  expect(run.stdout).not.toContain("bootstrap: ARM deployment");
  expect(run.stderr).toMatch(
    /^error: preflight found \d+ problem\(s\) Azure would refuse; nothing was changed in Azure$/m,
  );
  return run.stderr;
}

// Each test runs the CLI as a process (a full render and Bicep compile): slow on a busy machine.
describe("deploy preflight", { timeout: 180_000 }, () => {
  test(
    "refuses a node pool whose vCPUs at maximum plus surge exceed the family " + "quota, after waiting out a 429",
    async () => {
      const quota = t.emulator.preflight.computeUsages.find((u) => u.name === family.name)!;
      quota.limit = 24;
      quota.current = 11;
      t.emulator.script({
        faults: [{ method: "GET", path: "/Microsoft.Compute/locations/", respond: { status: 429, retryAfter: 1 } }],
      });

      const stderr = await refused();

      // Both pools land on the same family here: the message counts each.
      const pools = planCapacity(dev).nodePools.filter(
        (p) => vmSize(p.vmSize)?.family === vmSize(workloads.vmSize)?.family,
      );
      const needs = pools.map(
        (p) =>
          `the ${p.name} pool needs ${(p.maxCount + 1) * p.vcpu} at ` +
          `${p.maxCount + 1} nodes (${p.maxCount} at most plus 1 upgrade surge)`,
      );
      const total = pools.reduce((sum, p) => sum + (p.maxCount + 1) * p.vcpu, 0);
      const label = family.label.replace(/ vCPUs$/, "");
      expect(stderr).toContain(
        `${FILE}:24:5: error: quota 24 vCPUs of ${label} in westeurope, 11 in ` +
          `use, ${needs.join(" and ")}; ask for a quota increase of ${label} in ` +
          `westeurope to at least ${11 + total}`,
      );
      expect(stderr).toMatch(/^error: preflight found 1 problem\(s\)/m);
      // The throttled read was retried after its Retry-After, not given up on.
      const usages = t.emulator
        .armRequests()
        .filter(
          (r) =>
            r.path.toLowerCase().endsWith("/microsoft.compute/locations/westeurope/usages") &&
            !r.query.includes("skiptoken"),
        );
      expect(usages.map((r) => r.status)).toEqual([429, 200]);
      expect((usages[1]?.at ?? 0) - (usages[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000 - 2);
    },
  );

  test(
    "refuses a VM size restricted for the subscription, a zone it lacks, a " +
      "missing Kubernetes version and an unregistered provider, all in one run",
    async () => {
      const data = t.emulator.preflight;
      const sku = data.vmSkus.find((s) => s.name === workloads.vmSize)!;
      sku.restrictions.push({ type: "Location", reasonCode: "NotAvailableForSubscription" });
      const system = planCapacity(dev).nodePools.find((p) => p.name === "system")!;
      data.vmSkus
        .find((s) => s.name === system.vmSize)!
        .restrictions.push({ type: "Zone", reasonCode: "NotAvailableForSubscription", zones: ["2"] });
      data.kubernetesVersions = data.kubernetesVersions.filter((v) => v.version !== dev.aks.kubernetesVersion);
      data.providers["Microsoft.KubernetesConfiguration"] = "NotRegistered";

      const stderr = await refused();

      expect(stderr).toContain(
        `${FILE}:25:7: error: VM size ${workloads.vmSize} of the workloads pool ` +
          `is restricted for subscription ${dev.azure.subscriptionId} in ` +
          `westeurope (NotAvailableForSubscription); choose one of `,
      );
      expect(stderr).toContain(
        `${FILE}:22:1: error: VM size ${system.vmSize} of the system pool is not ` +
          `available to this subscription in zone 2 of westeurope (available in ` +
          `zones 1, 3); set aks.zones to [1, 3] or choose one of `,
      );
      expect(stderr).toContain(
        `${FILE}:22:1: error: Kubernetes ${dev.aks.kubernetesVersion} is not ` +
          `offered by AKS in westeurope; choose one of 1.32, 1.33`,
      );
      expect(stderr).toContain(
        `${FILE}:8:3: error: resource provider Microsoft.KubernetesConfiguration ` +
          `is NotRegistered in subscription ${dev.azure.subscriptionId}, and the ` +
          `templates deploy its resources; register it (az provider register ` +
          `--namespace Microsoft.KubernetesConfiguration --subscription ` +
          `${dev.azure.subscriptionId}) and run again`,
      );
      expect(stderr).toMatch(/^error: preflight found 4 problem\(s\)/m);
    },
  );

  test("refuses a PostgreSQL SKU the region does not offer", async () => {
    const burstable = t.emulator.preflight.postgres.editions.find((e) => e.name === dev.postgres.tier)!;
    burstable.skus = burstable.skus.filter((s) => s.name !== dev.postgres.sku);

    const stderr = await refused();

    expect(stderr).toContain(
      `${FILE}:1:1: error: PostgreSQL SKU ${dev.postgres.sku} is not offered ` +
        `in the ${dev.postgres.tier} tier in westeurope; choose one of ` +
        `${burstable.skus.map((s) => s.name).join(", ")}`,
    );
  });

  test("refuses when the existing vault lacks an operator secret, naming it and how to upload it", async () => {
    t.emulator.reset();
    // A previous deploy left the vault with its random secrets; nobody uploaded the registry key.
    t.emulator.putSecret(keyVaultId(dev), "postgres-admin-password", "kept-from-an-earlier-deploy-0123456789");

    const stderr = await refused();

    expect(stderr).toContain(
      `${FILE}:5:3: error: Key Vault ${dev.names.keyVault} has no secret ` +
        `codemie-registry-key (key.json of the Google service account the ` +
        `CodeMie team issues for its registry (expires every 90 days: upload a ` +
        `new version)), which the GitOps tree reads; upload it (az keyvault ` +
        `secret set --vault-name ${dev.names.keyVault} --name ` +
        `codemie-registry-key --file FILE) and run again`,
    );
  });

  test(
    "on a first deploy, checks the operator secrets once bootstrap created " +
      "the vault, and stops before the main deployment",
    async () => {
      t.emulator.reset();
      t.emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });

      const run = await deploy(t.emulator, t.ws, { nonCompliantReads: 0 });

      expect(run.status).toBe(1);
      expect(run.stdout).toContain(
        `preflight: Key Vault ${dev.names.keyVault} does not exist yet; the ` +
          `operator's secrets are checked once the bootstrap deployment created it`,
      );
      expect(run.stderr).toContain(
        `${FILE}:5:3: error: Key Vault ${dev.names.keyVault} has no secret codemie-registry-key`,
      );
      expect(run.stderr).toContain(
        `the bootstrap deployment created Key Vault ${dev.names.keyVault}; ` +
          `upload the secret(s) above and run deploy again`,
      );
      const deployments = writes().filter((w) => w.startsWith("PUT") && w.includes("/deployments/"));
      expect(deployments).toHaveLength(1);
      expect(deployments[0]).toMatch(/\.bootstrap$/);
      expect(t.ws.pushes()).toEqual([]);
    },
  );

  test("plan --azure reports the same findings, positioned, and exits 1", async () => {
    t.emulator.preflight.kubernetesVersions = t.emulator.preflight.kubernetesVersions.filter(
      (v) => v.version !== dev.aks.kubernetesVersion,
    );

    const run = await runCliAsync(["plan", "--env", "dev", "--azure", "--gitops-remote", t.ws.remote], t.ws.cwd, {
      env: cliEnv(t.emulator),
    });

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      [
        "Preflight: 1 error(s), 0 warning(s); deploy refuses to start while any error stands",
        `${FILE}:22:1: error: Kubernetes ${dev.aks.kubernetesVersion} is not ` +
          `offered by AKS in westeurope; choose one of 1.32, 1.33`,
      ].join("\n"),
    );
    expect(t.emulator.armRequests().filter((r) => r.method === "PUT")).toEqual([]);
  });
});
