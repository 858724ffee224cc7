// Day-2 rules on ARM's GET bodies, without a network: what the shipped environments' rendered
// bicep/day2.json lets a redeploy do to resources that already exist.
import { describe, expect, it } from "vitest";
import { planCapacity } from "../../src/capacity/plan.js";
import { readToolkit } from "../../src/adapters/templates.js";
import { day2Parameters, day2Report, type DeployedState } from "../../src/engine/day2.js";
import { DEPLOYED_POOLS_ANNOTATION, publishedPoolRefusals, publishedPools } from "../../src/engine/day2-published.js";
import { infraOutputsManifest } from "../../src/engine/infra-outputs.js";
import { day2Expectations } from "../../src/engine/day2-read.js";
import { fluxKustomizations } from "../../src/render/bicep/flux-entry.js";
import { renderBicep } from "../../src/render/bicep/render.js";
import { createEngine } from "../../src/render/engine.js";
import { shippedEnvironment } from "./support/environments.js";
import { ROOT } from "../support/bicep.js";

const toolkit = await readToolkit(ROOT);
const prod = shippedEnvironment("prod");
const expect2 = day2Expectations(
  renderBicep(prod, planCapacity(prod), fluxKustomizations(prod), createEngine(toolkit.templates), toolkit.bicepFiles),
);

const nothing: DeployedState = {
  postgres: undefined,
  cluster: undefined,
  storageAccount: undefined,
  natGateway: undefined,
  natPublicIp: undefined,
  encryptionKey: undefined,
};

/** prod as its first deploy left it, in ARM's shapes (zones in any order, booleans as booleans). */
function deployedProd(): DeployedState {
  return {
    postgres: {
      properties: {
        storage: { storageSizeGB: expect2.postgres.storageGb },
        backup: { geoRedundantBackup: prod.postgres.geoRedundantBackup ? "Enabled" : "Disabled" },
        dataEncryption: { type: "SystemManaged" },
      },
    },
    cluster: {
      properties: {
        apiServerAccessProfile: { enablePrivateCluster: prod.network.privateCluster },
        agentPoolProfiles: expect2.cluster.pools.map((p) => ({
          name: p.name,
          vmSize: p.immutable.vmSize,
          maxPods: Number(p.immutable.maxPods),
          availabilityZones: p.immutable.availabilityZones.split(",").reverse(),
          vnetSubnetID: p.immutable.vnetSubnetID.toLowerCase(),
        })),
      },
    },
    storageAccount: {
      properties: { encryption: { requireInfrastructureEncryption: prod.security!.storageInfrastructureEncryption } },
    },
    natGateway: { properties: {} },
    natPublicIp: { zones: ["2", "3", "1"], properties: {} },
    encryptionKey: { properties: { kty: "RSA", keySize: 2048 } },
  };
}

describe("day 2 rules", () => {
  it("a first deploy (nothing exists) asks for the configured storage and refuses nothing", () => {
    expect(day2Report(expect2, nothing)).toEqual({
      postgresStorage: { configuredGb: expect2.postgres.storageGb, deployGb: expect2.postgres.storageGb },
      refusals: [],
    });
  });

  it("a redeploy over unchanged resources refuses nothing, whatever order and case ARM reports", () => {
    expect(day2Report(expect2, deployedProd()).refusals).toEqual([]);
  });

  it("never asks for less storage than the server has", () => {
    const state = deployedProd();
    (state.postgres!.properties as { storage: { storageSizeGB: number } }).storage.storageSizeGB = 4096;
    expect(day2Report(expect2, state).postgresStorage).toEqual({
      configuredGb: expect2.postgres.storageGb,
      deployedGb: 4096,
      deployGb: 4096,
    });
  });

  it("names each immutable pool property and fixed setting that would change", () => {
    const state = deployedProd();
    const pools = (state.cluster!.properties as { agentPoolProfiles: Record<string, unknown>[] }).agentPoolProfiles;
    pools[0]!.maxPods = 30;
    pools[1]!.availabilityZones = ["1"];
    (
      state.storageAccount!.properties as { encryption: { requireInfrastructureEncryption: boolean } }
    ).encryption.requireInfrastructureEncryption = false;
    state.natGateway = { zones: ["1"], properties: {} };
    state.encryptionKey = { properties: { kty: "RSA-HSM", keySize: 3072 } };

    const fields = day2Report(expect2, state).refusals.map((r) => r.field);

    expect(fields).toEqual([
      "node pool system maxPods",
      "node pool workloads availabilityZones",
      "NAT gateway zones (the template sets none)",
      "Key Vault key codemie-key type (a new spec needs a new key name)",
      "Key Vault key codemie-key size (a new spec needs a new key name)",
    ]);
  });

  it(
    "keeps an existing storage account's infrastructure encryption (created " +
      "before the production default) instead of refusing",
    () => {
      const state = deployedProd();
      expect(prod.security!.storageInfrastructureEncryption).toBe(true);
      (
        state.storageAccount!.properties as { encryption: { requireInfrastructureEncryption: boolean } }
      ).encryption.requireInfrastructureEncryption = false;

      const report = day2Report(expect2, state);

      expect(report.refusals).toEqual([]);
      expect(report.kept).toEqual([
        {
          field: "security.storageInfrastructureEncryption",
          parameter: "storageInfrastructureEncryption",
          value: false,
          message: expect.stringContaining(
            "so the deploy keeps false; set security.storageInfrastructureEncryption: false to say so",
          ) as unknown,
        },
      ]);
      expect(day2Parameters(report)).toEqual({
        postgresStorageGb: { value: expect2.postgres.storageGb },
        storageInfrastructureEncryption: { value: false },
      });
    },
  );

  it("an unchanged account keeps the file's value: nothing kept, the parameter not overridden", () => {
    const report = day2Report(expect2, deployedProd());
    expect(report.kept).toBeUndefined();
    expect(day2Parameters(report)).toEqual({ postgresStorageGb: { value: expect2.postgres.storageGb } });
  });

  describe("egress path of an existing cluster (prod: managed firewall by default)", () => {
    const withOutbound = (outboundType: string, firewall?: Record<string, unknown>): DeployedState => {
      const state = deployedProd();
      (state.cluster!.properties as Record<string, unknown>).networkProfile = { outboundType };
      return { ...state, egressFirewall: firewall };
    };

    it("a NAT-gateway cluster whose firewall does not exist yet keeps the NAT gateway this deploy, with why", () => {
      const report = day2Report(expect2, withOutbound("userAssignedNATGateway"));
      expect(report.refusals).toEqual([]);
      expect(report.kept).toEqual([
        expect.objectContaining({ field: "network.egressFirewall", parameter: "egressViaFirewall", value: false }),
      ]);
      expect(report.kept![0]!.message).toContain("deploy again to move egress to the firewall");
      expect(day2Parameters(report)).toMatchObject({ egressViaFirewall: { value: false } });
    });

    it("once the firewall exists (Succeeded) the deploy migrates the cluster in place: nothing kept or refused", () => {
      const report = day2Report(
        expect2,
        withOutbound("userAssignedNATGateway", { properties: { provisioningState: "Succeeded" } }),
      );
      expect(report.refusals).toEqual([]);
      expect(report.kept).toBeUndefined();
      // A firewall still provisioning (or failed) is not one to route to.
      const pending = day2Report(
        expect2,
        withOutbound("userAssignedNATGateway", { properties: { provisioningState: "Updating" } }),
      );
      expect(pending.kept?.map((k) => k.parameter)).toEqual(["egressViaFirewall"]);
    });

    it("an outbound type outside AKS's migration paths for a BYO VNet is refused before any write", () => {
      const refusals = day2Report(expect2, withOutbound("managedNATGateway")).refusals;
      expect(refusals.map((r) => r.field)).toEqual(["network.egressFirewall"]);
      expect(refusals[0]?.message).toContain(
        "AKS cluster runs outbound type managedNATGateway, and this file asks for userDefinedRouting",
      );
    });

    it("a cluster already on userDefinedRouting (in any case) is left alone", () => {
      const report = day2Report(expect2, withOutbound("UserDefinedRouting"));
      expect(report.refusals).toEqual([]);
      expect(report.kept).toBeUndefined();
    });
  });

  it("a pool refusal names the manual replacement path, since the toolkit does not migrate pools", () => {
    const state = deployedProd();
    (state.cluster!.properties as { agentPoolProfiles: Record<string, unknown>[] }).agentPoolProfiles[1]!.vmSize =
      "Standard_E4ds_v5";
    const [refusal] = day2Report(expect2, state).refusals;
    expect(refusal?.field).toBe("aks.nodePools.workloads.vmSize");
    expect(refusal?.message).toContain("set aks.nodePools.workloads.vmSize to Standard_E4ds_v5");
    expect(refusal?.message).toContain('docs/infrastructure.md ("Replacing a node pool")');
  });
});

describe("day 2 offline: the node pools the last deploy published", () => {
  const outputs = {
    keyVaultUri: "https://kv.vault.azure.net/",
    identityClientIds: {
      externalSecrets: "00000000-0000-0000-0000-000000000001",
      postgresRoles: "00000000-0000-0000-0000-000000000004",
      api: "00000000-0000-0000-0000-000000000002",
      llmProxy: "00000000-0000-0000-0000-000000000003",
    },
    postgresHost: "pg.postgres.database.azure.com",
    postgresAdminLogin: "codemieadmin",
    storageAccountName: "stcodemie",
    openaiEndpoint: "https://oai.openai.azure.com/",
  };
  const published = infraOutputsManifest(prod, outputs, expect2.cluster.pools);

  it("the outputs ConfigMap records every pool's immutable properties, read back exactly", () => {
    expect(published).toContain(DEPLOYED_POOLS_ANNOTATION);
    const pools = publishedPools(published);
    expect(pools?.map((p) => p.name)).toEqual(expect2.cluster.pools.map((p) => p.name));
    expect(publishedPoolRefusals(expect2.cluster.pools, pools!)).toEqual([]);
  });

  it("a VM size other than the published one is refused, naming the field", () => {
    const workloads = expect2.cluster.pools.find((p) => p.name === "workloads")!;
    const other = infraOutputsManifest(
      prod,
      outputs,
      expect2.cluster.pools.map((p) =>
        p.name === "workloads" ? { ...p, immutable: { ...p.immutable, vmSize: "Standard_E4ds_v5" } } : p,
      ),
    );
    const refusals = publishedPoolRefusals(expect2.cluster.pools, publishedPools(other)!);
    expect(refusals.map((r) => r.field)).toEqual(["aks.nodePools.workloads.vmSize"]);
    expect(refusals[0]?.message).toContain(
      `node pool workloads was last deployed with vmSize = Standard_E4ds_v5, ` +
        `and this deploy would ask for ${workloads.immutable.vmSize}`,
    );
  });

  it("an older ConfigMap without the record, or a hostile one, gives no verdict instead of a false one", () => {
    expect(publishedPools(infraOutputsManifest(prod, outputs))).toBeUndefined();
    const hostile = (value: string) => published.replace(/(deployed-node-pools: ).*$/m, `$1${JSON.stringify(value)}`);
    expect(publishedPools(hostile("not json"))).toBeUndefined();
    expect(
      publishedPools(
        hostile(
          JSON.stringify([
            { name: "workloads", vmSize: "$(rm -rf /)", maxPods: "30", availabilityZones: "", vnetSubnetID: "" },
          ]),
        ),
      ),
    ).toBeUndefined();
    expect(publishedPools(hostile(JSON.stringify({ name: "workloads" })))).toBeUndefined();
    expect(publishedPools("::: not yaml")).toBeUndefined();
  });
});

describe("the WAF on day 2", () => {
  const gatewayExpect = expect2.appGateway!;
  const running: DeployedState = {
    ...deployedProd(),
    appGateway: { properties: { sku: { name: "WAF_v2" } } },
    appGatewaySubnet: { properties: { addressPrefix: "10.40.3.0/24" } },
  };

  it("names prod's gateway and its subnet, and lets a redeploy over them through", () => {
    expect(gatewayExpect).toEqual({
      id:
        `/subscriptions/${prod.azure.subscriptionId}/resourceGroups/rg-codemie-prod/providers/` +
        "Microsoft.Network/applicationGateways/agw-codemie-prod",
      enabled: true,
      subnetId:
        `/subscriptions/${prod.azure.subscriptionId}/resourceGroups/rg-codemie-prod/providers/` +
        "Microsoft.Network/virtualNetworks/vnet-codemie-prod/subnets/snet-app-gateway",
      subnetPrefix: "10.40.3.0/24",
    });
    expect(day2Report(expect2, running).refusals).toEqual([]);
  });

  it("turning it on over an environment without one changes nothing fixed", () => {
    expect(day2Report(expect2, deployedProd()).refusals).toEqual([]);
    expect(day2Report(expect2, nothing).refusals).toEqual([]);
  });

  it("refuses turning it off while the gateway exists, before any write", () => {
    const off = { ...expect2, appGateway: { ...gatewayExpect, enabled: false } };
    const refusals = day2Report(off, running).refusals;
    expect(refusals.map((r) => r.field)).toEqual(["network.ingress.waf.enabled"]);
    expect(refusals[0]!.message).toContain(
      "Application Gateway agw-codemie-prod exists, and this file turns the WAF off",
    );
    // Without a gateway, off is off.
    expect(day2Report(off, deployedProd()).refusals).toEqual([]);
  });

  it("refuses moving the subnet of a running gateway, naming the deployed range", () => {
    const moved = { ...expect2, appGateway: { ...gatewayExpect, subnetPrefix: "10.40.8.0/24" } };
    const refusals = day2Report(moved, running).refusals;
    expect(refusals.map((r) => r.field)).toEqual(["network.subnets.appGateway"]);
    expect(refusals[0]!.message).toContain("set network.subnets.appGateway: 10.40.3.0/24");
  });
});
