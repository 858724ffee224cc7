// The preflight over the real ARM pipeline against the emulator, in process: the adapter reads
// ARM's wire shapes (paged lists, the SKU $filter, provider registrations) and the evaluator's
// findings land on the right field of environments/prod.yaml.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { planCapacity } from "../../../src/capacity/plan.js";
import { formatDiagnostic } from "../../../src/config/diagnostics.js";
import { parseYamlSource } from "../../../src/config/yaml-source.js";
import { azurePreflightReads } from "../../../src/adapters/azure/preflight-reads.js";
import { keyVaultId } from "../../../src/engine/names.js";
import { preflightNeeds } from "../../../src/engine/preflight/needs.js";
import { runPreflight } from "../../../src/engine/preflight/run.js";
import type { Environment } from "../../../src/model/environment.js";
import { armClient } from "../../emulator/clients.js";
import { AzureEmulator } from "../../emulator/emulator.js";
import { environmentText, shippedEnvironment } from "../support/environments.js";
import { uploadOperatorSecrets } from "./support/operator-secrets.js";
import { joinedRegExp } from "../../support/regex.js";

const prod = shippedEnvironment("prod");
const source = parseYamlSource(prod.file, environmentText("prod")).source!;
const TEMPLATE = {
  resources: [
    { type: "Microsoft.ContainerService/managedClusters", name: "aks" },
    {
      type: "Microsoft.Resources/deployments",
      properties: {
        template: {
          resources: [
            { type: "Microsoft.CognitiveServices/accounts/deployments" },
            { type: "Microsoft.DBforPostgreSQL/flexibleServers" },
          ],
        },
      },
    },
  ],
};

let emulator: AzureEmulator;
beforeAll(async () => {
  emulator = await AzureEmulator.start({ tenantId: prod.azure.tenantId, subscriptionId: prod.azure.subscriptionId });
});
afterAll(async () => emulator.stop());
beforeEach(() => {
  emulator.reset();
  uploadOperatorSecrets(emulator, prod);
});

async function lines(env: Environment = prod): Promise<string[]> {
  const needs = preflightNeeds(env, planCapacity(env), [TEMPLATE]);
  const report = await runPreflight(env, needs, azurePreflightReads(armClient(emulator)), (path) =>
    source.locate(path),
  );
  if (report.status !== "checked") throw new Error(report.message);
  return report.diagnostics.map(formatDiagnostic);
}

describe("preflight reads and findings", () => {
  test("a healthy subscription passes, reading every page and only the templates' providers", async () => {
    expect(await lines()).toEqual([]);
    const arm = emulator.armRequests();
    expect(arm.every((r) => r.method === "GET")).toBe(true);
    // Compute usages come in two pages: the second was asked for through nextLink.
    expect(
      arm
        .filter((r) => r.path.toLowerCase().endsWith("/microsoft.compute/locations/westeurope/usages"))
        .map((r) => r.query.includes("skiptoken")),
    ).toEqual([false, true]);
    expect(arm.find((r) => r.path.endsWith("/Microsoft.Compute/skus"))?.query).toContain(
      "filter=location+eq+%27westeurope%27",
    );
    expect(arm.some((r) => r.path.toLowerCase().includes("/locations/swedencentral/models"))).toBe(true);
    const providers = arm.filter((r) => /\/providers\/[^/]+$/.test(r.path)).map((r) => r.path.split("/").pop());
    expect(providers.sort()).toEqual([
      "Microsoft.CognitiveServices",
      "Microsoft.ContainerService",
      "Microsoft.DBforPostgreSQL",
    ]);
  });

  test("Azure OpenAI: a SKU not offered and quota, each at its deployment's field", async () => {
    const data = emulator.preflight;
    data.openaiModels = data.openaiModels
      .filter((m) => m.name !== "gpt-4.1")
      .concat({ name: "gpt-4.1", version: "2025-04-14", skus: ["Standard"] });
    data.openaiUsages.find((u) => u.name === "OpenAI.Standard.text-embedding-3-large")!.current = 950;

    expect(await lines()).toEqual([
      "environments/prod.yaml:53:7: error: Azure OpenAI model gpt-4.1 " +
        "2025-04-14 is not offered with SKU DataZoneStandard in swedencentral; " +
        "choose one of Standard",
      "environments/prod.yaml:60:7: error: quota 1000 of Tokens Per Minute " +
        "(thousands) - text-embedding-3-large - Standard in swedencentral, 950 " +
        "in use, this environment's deployments need 100; lower " +
        "openai.deployments[].capacity to fit 50 or ask for a quota increase to " +
        "at least 1050",
    ]);
  });

  test("an AKS version offered only with Long Term Support, PostgreSQL HA and storage not offered", async () => {
    const data = emulator.preflight;
    data.kubernetesVersions.find((v) => v.version === "1.34")!.supportPlans = ["AKSLongTermSupport"];
    data.postgres.zoneRedundantHa = false;
    for (const e of data.postgres.editions)
      e.storageMb = e.storageMb.filter((mb) => mb !== prod.postgres.storageGb * 1024);
    const offered = [32, 64, 128, 256, 512, 1024, 2048].filter((gb) => gb !== prod.postgres.storageGb).join(", ");

    expect(await lines()).toEqual([
      "environments/prod.yaml:32:3: error: Kubernetes 1.34 is offered in " +
        "westeurope only with AKS Long Term Support, which needs the Premium " +
        "tier; this environment's cluster uses the Standard tier; choose one of " +
        "1.32, 1.33",
      `environments/prod.yaml:42:1: error: PostgreSQL storage of ` +
        `${prod.postgres.storageGb} GB is not offered in the GeneralPurpose tier ` +
        `in westeurope; choose one of ${offered} (GB)`,
      "environments/prod.yaml:44:3: error: zone-redundant high availability of " +
        "PostgreSQL is not offered in westeurope; choose SameZone or Disabled",
    ]);
  });

  test(
    "quota above 80% after the deploy is a warning; the cluster's own " + "running nodes count as freed on a redeploy",
    async () => {
      const pools = planCapacity(prod).nodePools;
      const need = pools.reduce((sum, p) => sum + (p.maxCount + 1) * p.vcpu, 0);
      const total = emulator.preflight.computeUsages.find((u) => u.name === "cores")!;
      total.limit = need + 10;
      total.current = 12;

      const warned = await lines();
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatch(
        /^environments\/prod\.yaml:\d+:\d+: error: quota \d+ vCPUs of Total Regional in westeurope, 12 in use, /,
      );

      // The same 12 vCPUs are this environment's own cluster, which the deploy updates in place.
      const system = pools.find((p) => p.name === "system")!;
      emulator.preflight.clusters[prod.names.aks] = [
        { name: "system", vmSize: system.vmSize, count: 12 / system.vcpu },
      ];
      const redeploy = await lines();
      expect(redeploy).toHaveLength(1);
      expect(redeploy[0]).toContain(
        `warning: quota ${need + 10} vCPUs of Total Regional in westeurope, 12 ` +
          `in use: after this deploy ${need} of ${need + 10}`,
      );
    },
  );

  test("VNet flow logs: the Network Watcher must exist, be readable, and not already log the VNet", async () => {
    const data = emulator.preflight;
    const watcher = data.networkWatchers.find((w) => w.name === "NetworkWatcher_westeurope")!;
    expect(await lines()).toEqual([]);
    expect(
      emulator
        .armRequests()
        .some((r) =>
          r.path.endsWith(
            "/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers" +
              "/NetworkWatcher_westeurope/flowLogs",
          ),
        ),
    ).toBe(true);

    // A flow log the landing zone's policy created for the same VNet: Azure keeps one per target.
    const vnet =
      `/subscriptions/${prod.azure.subscriptionId}/resourceGroups/` +
      `${prod.names.resourceGroup}/providers/Microsoft.Network/virtualNetworks/` +
      `${prod.names.vnet}`;
    watcher.flowLogs.push({ name: "policy-flowlog", targetResourceId: vnet.toUpperCase() });
    // Our own flow log from an earlier deploy is not a conflict.
    watcher.flowLogs.push({ name: `fl-${prod.names.vnet}`, targetResourceId: vnet });
    const [conflict, ...rest] = await lines();
    expect(rest).toEqual([]);
    expect(conflict).toMatch(
      joinedRegExp(
        /^environments\/prod\.yaml:\d+:\d+: error: flow log policy-flowlog of Network Watcher /,
        /NetworkWatcher_westeurope in resource group NetworkWatcherRG already covers VNet vnet-codemie-prod, and /,
        /Azure keeps one flow log per VNet; set security.flowLogs.enabled: false/,
      ),
    );

    watcher.flowLogs = [];
    data.forbiddenResourceGroups.push("NetworkWatcherRG");
    expect(await lines()).toEqual([
      expect.stringMatching(
        joinedRegExp(
          /^environments\/prod\.yaml:\d+:\d+: error: the deploy identity cannot read Network Watcher /,
          /NetworkWatcher_westeurope in resource group NetworkWatcherRG \(The client .* does not have authorization /,
          /.*\), and the deploy creates the VNet flow log there; grant it Network Contributor on resource group /,
          /NetworkWatcherRG \(or Contributor on the subscription\), or set security.flowLogs.enabled: false$/,
        ),
      ),
    ]);

    data.forbiddenResourceGroups = [];
    data.networkWatchers = data.networkWatchers.filter((w) => w !== watcher);
    expect(await lines()).toEqual([
      expect.stringMatching(
        joinedRegExp(
          /^environments\/prod\.yaml:\d+:\d+: error: Network Watcher NetworkWatcher_westeurope in resource group /,
          /NetworkWatcherRG does not exist, and the VNet flow log \(security.flowLogs\) is created under it; enable /,
          /Network Watcher for westeurope \(az network watcher configure -g NetworkWatcherRG -l westeurope --enabled /,
          /true\), set network.networkWatcher to the region's watcher, or set security.flowLogs.enabled: false$/,
        ),
      ),
    ]);

    // Without flow logs the watcher is not read at all.
    emulator.reset();
    uploadOperatorSecrets(emulator, prod);
    const off = { ...prod, security: { ...prod.security!, flowLogs: { ...prod.security!.flowLogs, enabled: false } } };
    expect(await lines(off)).toEqual([]);
    expect(emulator.armRequests().some((r) => r.path.includes("/networkWatchers/"))).toBe(false);
  });

  test("reads secrets' existence on the management plane; the one value it asks for is the certificate's", async () => {
    await lines();
    const secretReads = emulator.armRequests().filter((r) => r.path.includes("/secrets/"));
    expect(secretReads.length).toBeGreaterThan(0);
    expect(secretReads.every((r) => r.method === "GET" && r.path.startsWith(keyVaultId(prod)))).toBe(true);
    // On the data plane (refused here: the deploy identity holds no data role), only the ingress certificate.
    const valueReads = emulator.requests.filter((r) => r.path.startsWith("/keyvault/"));
    expect(valueReads.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /keyvault/${prod.names.keyVault}/secrets/${prod.network.ingress.tlsSecretName} 403`,
    ]);
  });
});

describe("the WAF listener's certificate", () => {
  const gatewayCertificate = "codemie-gateway-tls";

  test("must exist in the vault, at network.ingress.waf", async () => {
    emulator.reset();
    uploadOperatorSecrets(emulator, prod, [gatewayCertificate]);
    const found = (await lines()).filter((l) => l.includes(gatewayCertificate));
    expect(found).toEqual([
      `environments/prod.yaml:28:3: error: Key Vault ${prod.names.keyVault} has no certificate ` +
        `${gatewayCertificate}, which the WAF's HTTPS listener serves (network.ingress.waf); import the ` +
        `certificate and its key (with the chain) as PFX: az keyvault certificate import --vault-name ` +
        `${prod.names.keyVault} --name ${gatewayCertificate} --file CERT.pfx (openssl pkcs12 -export -in ` +
        `FULLCHAIN.pem -inkey KEY.pem -out CERT.pfx makes one from the PEM files)`,
    ]);
  });

  test("must be PFX: a PEM import is refused before the first write, read on the management plane", async () => {
    emulator.reset();
    uploadOperatorSecrets(emulator, prod, [gatewayCertificate]);
    emulator.putSecret(keyVaultId(prod), gatewayCertificate, "-----BEGIN CERTIFICATE-----", "application/x-pem-file");
    const found = (await lines()).filter((l) => l.includes(gatewayCertificate));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(
      `certificate ${gatewayCertificate} in Key Vault ${prod.names.keyVault} has content type ` +
        "application/x-pem-file, and Application Gateway reads PFX only (application/x-pkcs12)",
    );
    // Its content type came from ARM's GET of the secret resource, never from its value.
    const paths = emulator.armRequests().map((r) => r.path);
    expect(paths.some((p) => p.endsWith(`/secrets/${gatewayCertificate}`))).toBe(true);
  });

  test("is not asked for when the WAF is off", async () => {
    emulator.reset();
    const off = shippedEnvironment("staging");
    expect(off.network.ingress.waf?.enabled).toBe(false);
    const needs = preflightNeeds(off, planCapacity(off), [TEMPLATE]);
    const facts = await azurePreflightReads(armClient(emulator)).vault(off, needs);
    expect(facts.gatewayCertificate).toBeUndefined();
  });
});
