// Day-2 rules on ARM's GET bodies, without a network: what the shipped environments' rendered
// bicep/day2.json lets a redeploy do to resources that already exist.
import { describe, expect, it } from "vitest";
import { planCapacity } from "../../src/capacity/plan.js";
import { readToolkit } from "../../src/adapters/templates.js";
import { day2Report, type DeployedState } from "../../src/engine/day2.js";
import { day2Expectations } from "../../src/engine/day2-read.js";
import { fluxKustomizations } from "../../src/render/bicep/flux-entry.js";
import { renderBicep } from "../../src/render/bicep/render.js";
import { createEngine } from "../../src/render/engine.js";
import { shippedEnvironment } from "./support/environments.js";
import { ROOT } from "../support/bicep.js";

const toolkit = await readToolkit(ROOT);
const prod = shippedEnvironment("prod");
const expect2 = day2Expectations(renderBicep(prod, planCapacity(prod), fluxKustomizations(prod), createEngine(toolkit.templates), toolkit.bicepFiles));

const nothing: DeployedState = { postgres: undefined, cluster: undefined, storageAccount: undefined, natGateway: undefined, natPublicIp: undefined, encryptionKey: undefined };

/** prod as its first deploy left it, in ARM's shapes (zones in any order, booleans as booleans). */
function deployedProd(): DeployedState {
  return {
    postgres: { properties: { storage: { storageSizeGB: expect2.postgres.storageGb }, backup: { geoRedundantBackup: prod.postgres.geoRedundantBackup ? "Enabled" : "Disabled" }, dataEncryption: { type: "SystemManaged" } } },
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
    storageAccount: { properties: { encryption: { requireInfrastructureEncryption: prod.security!.storageInfrastructureEncryption } } },
    natGateway: { properties: {} },
    natPublicIp: { zones: ["2", "3", "1"], properties: {} },
    encryptionKey: { properties: { kty: "RSA", keySize: 2048 } },
  };
}

describe("day 2 rules", () => {
  it("a first deploy (nothing exists) asks for the configured storage and refuses nothing", () => {
    expect(day2Report(expect2, nothing)).toEqual({ postgresStorage: { configuredGb: expect2.postgres.storageGb, deployGb: expect2.postgres.storageGb }, refusals: [] });
  });

  it("a redeploy over unchanged resources refuses nothing, whatever order and case ARM reports", () => {
    expect(day2Report(expect2, deployedProd()).refusals).toEqual([]);
  });

  it("never asks for less storage than the server has", () => {
    const state = deployedProd();
    (state.postgres!.properties as { storage: { storageSizeGB: number } }).storage.storageSizeGB = 4096;
    expect(day2Report(expect2, state).postgresStorage).toEqual({ configuredGb: expect2.postgres.storageGb, deployedGb: 4096, deployGb: 4096 });
  });

  it("names each immutable pool property and fixed setting that would change", () => {
    const state = deployedProd();
    const pools = (state.cluster!.properties as { agentPoolProfiles: Record<string, unknown>[] }).agentPoolProfiles;
    pools[0]!.maxPods = 30;
    pools[1]!.availabilityZones = ["1"];
    (state.storageAccount!.properties as { encryption: { requireInfrastructureEncryption: boolean } }).encryption.requireInfrastructureEncryption = false;
    state.natGateway = { zones: ["1"], properties: {} };
    state.encryptionKey = { properties: { kty: "RSA-HSM", keySize: 3072 } };

    const fields = day2Report(expect2, state).refusals.map((r) => r.field);

    expect(fields).toEqual([
      "node pool system maxPods",
      "node pool workloads availabilityZones",
      "security.storageInfrastructureEncryption",
      "NAT gateway zones (the template sets none)",
      "Key Vault key codemie-key type (a new spec needs a new key name)",
      "Key Vault key codemie-key size (a new spec needs a new key name)",
    ]);
  });
});
