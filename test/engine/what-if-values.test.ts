// What-if with values: the real SDK against the emulator answering with what-if bodies shaped as
// ARM sends them. The SDK alone loses the values; the adapter reads the raw answer, and the plan
// shows each changed property with its before → after, summarised, with secrets hidden.
import { ResourceManagementClient } from "@azure/arm-resources";
import { rootCertificates } from "node:tls";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { planText } from "../../src/engine/plan-format.js";
import { summarizeWhatIf } from "../../src/engine/what-if.js";
import { armClient, emulatorCloud, gitHubCredential } from "../emulator/clients.js";
import { AzureEmulator } from "../emulator/emulator.js";
import { REAL_WHAT_IF_CHANGES } from "../emulator/what-if-bodies.js";

const template = {
  $schema: "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
  contentVersion: "1.0.0.0",
  resources: [],
};
const request = { location: "westeurope", template, parameters: {} };

let emulator: AzureEmulator;
beforeAll(async () => {
  emulator = await AzureEmulator.start();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => emulator.reset());

describe("what-if values over the wire", () => {
  test("the SDK's own deserialization loses the values (the reason the adapter reads the raw answer)", async () => {
    emulator.script({ whatIf: { pendingPolls: 0, changes: REAL_WHAT_IF_CHANGES } });
    const client = new ResourceManagementClient(
      gitHubCredential(emulator).credential,
      emulator.identity.subscriptionId,
      {
        endpoint: emulator.url,
        credentialScopes: [emulatorCloud(emulator).armScope],
        tlsOptions: { ca: [...rootCertificates, emulator.caPem] },
      },
    );
    const result = await client.deployments.beginWhatIfAtSubscriptionScopeAndWait(
      "sdk-only",
      { location: "westeurope", properties: { mode: "Incremental", template } },
      { updateIntervalInMs: 10 },
    );
    const count = result.changes?.[0]?.delta?.[0]?.children?.[1]?.children?.[1];
    expect(count?.path).toBe("count");
    expect(count?.after).not.toBe(7);
  });

  test("the adapter returns ARM's values as sent: numbers, booleans, null, nested arrays", async () => {
    emulator.script({ whatIf: { pendingPolls: 1, changes: REAL_WHAT_IF_CHANGES } });

    const outcome = await armClient(emulator).whatIfAtSubscription("codemie-prod-plan", request);

    expect(outcome.status).toBe("Succeeded");
    if (outcome.status !== "Succeeded") return;
    expect(outcome.changes).toEqual(REAL_WHAT_IF_CHANGES);
    expect(outcome.potentialChanges).toEqual([]);
  });

  test("the plan shows each changed property with its values, summarised, noise apart and secrets hidden", async () => {
    emulator.script({ whatIf: { pendingPolls: 0, changes: REAL_WHAT_IF_CHANGES } });
    const outcome = await armClient(emulator).whatIfAtSubscription("codemie-prod-plan", request);
    if (outcome.status !== "Succeeded") throw new Error("what-if failed");

    const summary = summarizeWhatIf(outcome.changes, outcome.potentialChanges, undefined, ["THROWAWAY-Secret-123"]);
    const aks = summary.changes.find((c) => c.name === "aks-codemie-prod");
    expect(aks?.properties).toEqual([
      {
        path: "properties.agentPoolProfiles[1].vmSize",
        change: "Modify",
        before: "Standard_D4ds_v5",
        after: "Standard_E8ds_v5",
      },
      { path: "properties.agentPoolProfiles[1].count", change: "Modify", before: "6", after: "7" },
      { path: "properties.agentPoolProfiles[1].nodeLabels", change: "Create", after: "{1 property: codemie.ai/pool}" },
      { path: "properties.agentPoolProfiles[2]", change: "Create", after: "{7 properties: name, vmSize, count, …}" },
      { path: "properties.kubernetesVersion", change: "Modify", before: "1.30.6", after: "1.31.2" },
      { path: "properties.disableLocalAccounts", change: "Modify", before: "false", after: "true" },
      { path: "properties.nodeResourceGroupProfile", change: "Delete", before: "{1 property: restrictionLevel}" },
      { path: "properties.networkProfile.outboundType", change: "Modify", before: "null", after: "managedNATGateway" },
      { path: "tags.owners", change: "Array", before: "[a, b]", after: "[a, b, c]" },
    ]);
    // Noise rules unchanged: the autoscaled pool's count and the read-only power state stay apart, without values.
    expect(aks?.ignored).toEqual([
      { path: "properties.agentPoolProfiles[0].count", rule: "aks-autoscaled-count" },
      { path: "properties.powerState.code", rule: "read-only" },
    ]);
    const psql = summary.changes.find((c) => c.name === "psql-codemie-prod");
    expect(psql?.properties).toEqual([
      { path: "properties.storage.storageSizeGB", change: "Modify", before: "128", after: "256" },
      { path: "properties.highAvailability.mode", change: "Modify", before: "Disabled", after: "ZoneRedundant" },
      { path: "properties.authConfig.token", change: "Modify", before: "(hidden)", after: "(hidden)" },
    ]);
    expect(JSON.stringify(summary)).not.toContain("THROWAWAY");

    const text = planText({
      environment: "prod",
      file: "environments/prod.yaml",
      subscriptionId: "s",
      location: "westeurope",
      capacity: { profile: "production", fits: true, pools: [] },
      gitops: { status: "skipped", branch: "gitops/prod", renderedFiles: 0 },
      whatIf: { status: "succeeded", summary },
    });
    expect(text).toContain("~ properties.agentPoolProfiles[1].vmSize: Standard_D4ds_v5 → Standard_E8ds_v5");
    expect(text).toContain("- properties.nodeResourceGroupProfile: (was {1 property: restrictionLevel})");
  });
});
