// The emulator's ARM surface as the plain SDK sees it, for the endpoints the adapter does not use
// itself but a person or a future adapter might: validate, resource groups, request gatekeeping.
import { ResourceManagementClient } from "@azure/arm-resources";
import { request } from "node:https";
import { afterAll, beforeAll, expect, test } from "vitest";
import { emulatorCloud, gitHubCredential } from "./clients.js";
import { AzureEmulator } from "./emulator.js";

let emulator: AzureEmulator;
let sdk: ResourceManagementClient;
beforeAll(async () => {
  emulator = await AzureEmulator.start();
  const cloud = emulatorCloud(emulator);
  sdk = new ResourceManagementClient(gitHubCredential(emulator).credential, emulator.identity.subscriptionId, {
    endpoint: cloud.armEndpoint,
    credentialScopes: [cloud.armScope],
    tlsOptions: { ca: emulator.caPem },
  });
});
afterAll(async () => {
  await emulator.stop();
});

function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${emulator.url}${path}`, { ca: emulator.caPem, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("validates a subscription deployment", async () => {
  const template = {
    resources: [{ type: "Microsoft.Resources/resourceGroups", name: "rg-a", location: "westeurope" }],
  };
  const result = await sdk.deployments.beginValidateAtSubscriptionScopeAndWait("v1", {
    location: "westeurope",
    properties: { mode: "Incremental", template },
  });
  expect(result.properties?.validatedResources).toEqual([
    { id: `/subscriptions/${emulator.identity.subscriptionId}/resourceGroups/rg-a` },
  ]);
});

test("creates, reads and probes resource groups, matching paths case-insensitively", async () => {
  await expect(sdk.resourceGroups.checkExistence("rg-b")).resolves.toEqual({ body: false });
  await sdk.resourceGroups.createOrUpdate("rg-b", { location: "westeurope" });
  await expect(sdk.resourceGroups.checkExistence("RG-B")).resolves.toEqual({ body: true });
  await expect(sdk.resourceGroups.get("rg-b")).resolves.toMatchObject({ name: "rg-b", location: "westeurope" });
});

test("ARM wants a bearer token it issued, then an api-version", async () => {
  const path = `/subscriptions/${emulator.identity.subscriptionId}/resourcegroups/rg-b`;
  const anonymous = await rawGet(`${path}?api-version=2024-03-01`);
  expect(anonymous.status).toBe(401);
  expect(JSON.parse(anonymous.body)).toMatchObject({ error: { code: "AuthenticationFailed" } });

  const { token } = (await gitHubCredential(emulator).credential.getToken(emulatorCloud(emulator).armScope)) ?? {
    token: "",
  };
  const withoutVersion = await rawGet(path, { Authorization: `Bearer ${token}` });
  expect(withoutVersion.status).toBe(400);
  expect(JSON.parse(withoutVersion.body)).toMatchObject({ error: { code: "MissingApiVersionParameter" } });
  expect(emulator.requests.every((r) => !JSON.stringify(r).includes(token))).toBe(true);
});
