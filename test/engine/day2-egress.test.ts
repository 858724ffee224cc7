// Day 2 of the egress path against the emulator (issue 17): an environment that ran its egress
// through the NAT gateway and now asks for a managed Azure Firewall (production's new default).
// The emulator refuses what AKS refuses (an outbound-type change off AKS's paths for a cluster in
// its own VNet) and accepts NAT gateway -> userDefinedRouting, which AKS migrates in place; the
// engine reads the cluster and the firewall over HTTPS and decides before the first write.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadEnvironment } from "../../src/app/load.js";
import { day2Parameters } from "../../src/engine/day2.js";
import { assessDay2, day2Expectations } from "../../src/engine/day2-read.js";
import { deploymentRequests } from "../../src/engine/rendered.js";
import type { Environment } from "../../src/model/environment.js";
import type { RenderedTree } from "../../src/render/tree.js";
import { armClient } from "../emulator/clients.js";
import { bicepSession, ROOT } from "../support/bicep.js";
import { emulatorAndWorkspace } from "./support/harness.js";

const t = emulatorAndWorkspace();
const session = await bicepSession();

/** dev with production's egress: a managed firewall in its own subnet, behind an internal ingress. */
function managedDev(): Environment {
  const text = readFileSync(join(ROOT, "environments/dev.yaml"), "utf8")
    .replace("    privateEndpoints: 10.42.2.0/27\n", "    privateEndpoints: 10.42.2.0/27\n    firewall: 10.42.3.0/26\n")
    .replace("    internal: false\n", "    internal: true\n")
    .replace("network:\n", "network:\n  egressFirewall:\n    mode: managed\n");
  const { env, diagnostics } = loadEnvironment("environments/dev.yaml", text, "dev");
  if (!env) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return env;
}

const env = managedDev();
const tree = (): Promise<RenderedTree> => session.cleanTree(env);

/** The cluster as an earlier deploy left it (agent pools as this render asks), on `outboundType`. */
async function deployed(outboundType: string, firewallState?: string) {
  const expect2 = day2Expectations(await tree());
  return {
    [expect2.cluster.id]: {
      properties: {
        networkProfile: { outboundType },
        agentPoolProfiles: expect2.cluster.pools.map((p) => ({
          name: p.name,
          vmSize: p.immutable.vmSize,
          maxPods: Number(p.immutable.maxPods),
          availabilityZones: p.immutable.availabilityZones.split(","),
          vnetSubnetID: p.immutable.vnetSubnetID,
        })),
      },
    },
    ...(firewallState ? { [expect2.egress.firewall!.id]: { properties: { provisioningState: firewallState } } } : {}),
  };
}

/** The main deployment as the engine sends it: the day-2 parameters over the file's, no Key Vault reference. */
async function mainRequest(parameters: Record<string, { value: unknown }>) {
  const { main } = deploymentRequests(env, await tree());
  return {
    ...main,
    parameters: { ...main.parameters, postgresAdminPassword: { value: "not-a-real-password-0" }, ...parameters },
  };
}

const writes = () => t.emulator.armRequests().filter((r) => r.method !== "GET");

describe("NAT gateway egress -> managed egress firewall on an existing cluster", () => {
  test("the firewall does not exist yet: the deploy keeps the NAT gateway, creating the firewall first", async () => {
    t.emulator.script({ resources: await deployed("userAssignedNATGateway") });

    const report = await assessDay2(await tree(), armClient(t.emulator));

    expect(writes()).toEqual([]);
    expect(report.refusals).toEqual([]);
    expect(report.kept).toEqual([
      expect.objectContaining({ field: "network.egressFirewall", parameter: "egressViaFirewall", value: false }),
    ]);
    expect(report.kept![0]!.message).toContain("this deploy creates the firewall and its rules and keeps egress");
    // The AKS outbound type stays: the emulator, like AKS, takes that deployment.
    const outcome = await armClient(t.emulator).deployAtSubscription(
      "egress-step-1",
      await mainRequest(day2Parameters(report)),
    );
    expect(outcome.provisioningState).toBe("Succeeded");
  });

  test("the firewall exists (Succeeded): nothing held back, and AKS takes the move to userDefinedRouting", async () => {
    t.emulator.script({ resources: await deployed("userAssignedNATGateway", "Succeeded") });

    const report = await assessDay2(await tree(), armClient(t.emulator));

    expect(report.refusals).toEqual([]);
    expect(report.kept).toBeUndefined();
    expect(day2Parameters(report)).not.toHaveProperty("egressViaFirewall");
    const outcome = await armClient(t.emulator).deployAtSubscription(
      "egress-step-2",
      await mainRequest(day2Parameters(report)),
    );
    expect(outcome.provisioningState).toBe("Succeeded");
  });

  test("a cluster on a managed NAT gateway: the emulator refuses as AKS does, and day 2 before any write", async () => {
    t.emulator.script({ resources: await deployed("managedNATGateway", "Succeeded") });

    const outcome = await armClient(t.emulator).deployAtSubscription("egress-direct", await mainRequest({}));
    expect(outcome.provisioningState).toBe("Failed");
    const failure = outcome.provisioningState === "Failed" ? outcome.report : undefined;
    expect(failure?.error?.details?.[0]).toMatchObject({
      code: "OutboundTypeMigrationNotSupported",
      target: "networkProfile.outboundType",
    });

    const before = writes().length;
    const report = await assessDay2(await tree(), armClient(t.emulator));
    expect(writes().length).toBe(before);
    expect(report.refusals).toEqual([
      expect.objectContaining({
        field: "network.egressFirewall",
        message: expect.stringContaining(
          "AKS cluster runs outbound type managedNATGateway, and this file asks for userDefinedRouting",
        ) as unknown,
      }),
    ]);
  });
});
