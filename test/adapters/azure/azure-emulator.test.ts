// The ARM adapter over the real SDK and real HTTPS against the emulator: deployments, what-if,
// throttling and faults, failures, cancel, Flux status and Key Vault seeding.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { ArmRequestError } from "../../../src/adapters/azure/arm-errors.js";
import { formatArmError } from "../../../src/engine/arm-error-text.js";
import type { DeploymentRequest, OperationProgress } from "../../../src/engine/ports.js";
import { armClient, emulatorCloud } from "../../emulator/clients.js";
import { AzureEmulator, type RecordedRequest } from "../../emulator/emulator.js";

const template = {
  $schema: "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
  contentVersion: "1.0.0.0",
  parameters: { env: { type: "string" } },
  resources: [
    {
      type: "Microsoft.Resources/resourceGroups",
      apiVersion: "2024-03-01",
      name: "[parameters('env')]",
      location: "westeurope",
    },
  ],
  outputs: {
    resourceGroup: { type: "string", value: "[parameters('env')]" },
    clusterName: { type: "string", value: "[reference('aks').outputs.name.value]" },
  },
};
const request: DeploymentRequest = {
  location: "westeurope",
  template,
  parameters: { env: { value: "rg-codemie-dev" } },
};

let emulator: AzureEmulator;
beforeAll(async () => {
  emulator = await AzureEmulator.start();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => emulator.reset());

const kindOf = (r: RecordedRequest): string => {
  const path = r.path.toLowerCase();
  if (path.endsWith("/operations")) return "operations";
  if (path.includes("/operationstatuses/")) return "status";
  if (path.includes("/operationresults/")) return "result";
  return `${r.method} ${path.split("/").slice(-1)[0] ?? ""}`;
};
const armSequence = (): string[] => emulator.armRequests().map((r) => `${kindOf(r)} ${r.status}`);
const gaps = (requests: RecordedRequest[]): number[] => requests.slice(1).map((r, i) => r.at - (requests[i]?.at ?? 0));
// Node timers may fire up to a millisecond before the requested delay.
const TIMER_SLACK_MS = 2;

describe("deployments", () => {
  test("runs a deployment to Succeeded, polling no sooner and no more often than Retry-After asks", async () => {
    emulator.script({ deployment: { runningPolls: 2, retryAfterSeconds: 1 } });
    const progress: OperationProgress[][] = [];

    const outcome = await armClient(emulator).deployAtSubscription("codemie-dev-1", request, {
      onProgress: (ops) => progress.push(ops),
    });

    expect(outcome).toMatchObject({
      provisioningState: "Succeeded",
      outputs: { resourceGroup: "rg-codemie-dev", clusterName: "emulated-clusterName" },
    });
    expect(armSequence()).toEqual([
      "PUT codemie-dev-1 201",
      "status 200", // core-lro polls right after the PUT
      "operations 200",
      "status 200",
      "operations 200",
      "status 200",
      "GET codemie-dev-1 200", // the final GET on the PUT URL
    ]);
    const polls = emulator.armRequests().filter((r) => kindOf(r) === "status");
    for (const gap of gaps(polls)) {
      expect(gap).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS);
      expect(gap).toBeLessThan(1400);
    }
    expect(progress).toEqual([
      [
        {
          resourceType: "Microsoft.Resources/resourceGroups",
          resourceName: "rg-codemie-dev",
          provisioningState: "Running",
          statusCode: undefined,
        },
      ],
      [
        {
          resourceType: "Microsoft.Resources/resourceGroups",
          resourceName: "rg-codemie-dev",
          provisioningState: "Running",
          statusCode: undefined,
        },
      ],
    ]);
    // One token for the whole run, on every ARM request.
    expect(new Set(emulator.armRequests().map((r) => r.token))).toEqual(new Set([1]));
    expect(emulator.accessTokensIssued).toBe(1);
    // The deployment created its resource group.
    await expect(
      armClient(emulator).getJson(
        `/subscriptions/${emulator.identity.subscriptionId}/resourcegroups/rg-codemie-dev`,
        "2024-03-01",
      ),
    ).resolves.toMatchObject({
      properties: { provisioningState: "Succeeded" },
    });
  });

  test("renews an access token that expires mid-deployment with a fresh GitHub ID token", async () => {
    // The deployment (5 polls 1 s apart) outlives both the first access token and the first ID
    // token, so a reused assertion would be refused on renewal. The ID token lives 3 s, not 1 s:
    // on a loaded machine a fresh one could expire between GitHub issuing it and Entra reading it.
    emulator.script({
      accessTokenLifetimeSeconds: 3,
      idTokenLifetimeSeconds: 3,
      deployment: { runningPolls: 5, retryAfterSeconds: 1 },
    });

    const outcome = await armClient(emulator).deployAtSubscription("codemie-dev-2", request);

    expect(outcome.provisioningState).toBe("Succeeded");
    const arm = emulator.armRequests();
    expect(arm.every((r) => r.status < 400)).toBe(true);
    expect(new Set(arm.map((r) => r.token)).size).toBeGreaterThanOrEqual(2);
    expect(emulator.accessTokensIssued).toBeGreaterThanOrEqual(2);
    // Two ID tokens per exchange (msal-node asks twice); a background refresh may still be in flight.
    expect(emulator.idTokensIssued).toBeGreaterThanOrEqual(2 * emulator.accessTokensIssued);
    expect(emulator.requests.filter((r) => r.path.endsWith("/oauth2/v2.0/token")).every((r) => r.status === 200)).toBe(
      true,
    );
  });

  test("surfaces the nested error codes and the failed operations of a failed deployment", async () => {
    const skuError = { code: "SkuNotAvailable", message: "Standard_D8s_v5 is not available in westeurope." };
    emulator.script({
      deployment: {
        runningPolls: 1,
        failure: {
          error: {
            code: "DeploymentFailed",
            message: "At least one resource deployment operation failed.",
            details: [
              {
                code: "ResourceDeploymentFailure",
                message: "The resource operation completed with terminal provisioning state 'Failed'.",
                target: "aks",
                details: [skuError],
              },
            ],
          },
          failedOperations: [
            {
              resourceType: "Microsoft.ContainerService/managedClusters",
              resourceName: "aks-codemie-dev",
              statusCode: "BadRequest",
              error: skuError,
            },
          ],
        },
      },
    });
    const arm = armClient(emulator);

    const outcome = await arm.deployAtSubscription("codemie-dev-3", request);

    expect(outcome.provisioningState).toBe("Failed");
    if (outcome.provisioningState !== "Failed") return;
    expect(outcome.report.error?.details[0]?.details[0]?.code).toBe("SkuNotAvailable");
    expect(outcome.report.failedOperations).toEqual([
      {
        resourceType: "Microsoft.ContainerService/managedClusters",
        resourceName: "aks-codemie-dev",
        resourceId:
          `/subscriptions/${emulator.identity.subscriptionId}` +
          `/providers/Microsoft.ContainerService/managedClusters/aks-codemie-dev`,
        statusCode: "BadRequest",
        error: { code: "SkuNotAvailable", message: "Standard_D8s_v5 is not available in westeurope.", details: [] },
      },
    ]);
    await expect(arm.getDeploymentError("codemie-dev-3")).resolves.toEqual(outcome.report);
    expect(formatArmError(outcome.report.error ?? { code: "", message: "", details: [] })).toEqual([
      "DeploymentFailed: At least one resource deployment operation failed.",
      "  ResourceDeploymentFailure: The resource operation completed with terminal provisioning state 'Failed'. (aks)",
      "    SkuNotAvailable: Standard_D8s_v5 is not available in westeurope.",
    ]);
  });

  test("reports a template rejected by preflight (HTTP 400) as a failed outcome", async () => {
    emulator.script({
      preflightError: {
        code: "InvalidTemplateDeployment",
        message: "The template deployment failed validation.",
        details: [{ code: "InvalidParameter", message: "env is too long." }],
      },
    });
    const arm = armClient(emulator);

    await expect(arm.deployAtSubscription("codemie-dev-4", request)).resolves.toMatchObject({
      provisioningState: "Failed",
      report: {
        error: { code: "InvalidTemplateDeployment", details: [{ code: "InvalidParameter" }] },
        failedOperations: [],
      },
    });
    await expect(arm.whatIfAtSubscription("codemie-dev-4", request)).resolves.toMatchObject({
      status: "Failed",
      error: { details: [{ code: "InvalidParameter" }] },
    });
  });

  test("cancels a running deployment found by its name prefix", async () => {
    emulator.script({ deployment: { runningPolls: 0 }, listPageSize: 1 });
    const arm = armClient(emulator, { pollIntervalMs: 20 });
    await arm.deployAtSubscription("codemie-dev-5", request); // an earlier, finished run
    emulator.script({ deployment: { runningPolls: 1000 } });
    const running = arm.deployAtSubscription("codemie-dev-6", request);
    await expect.poll(() => emulator.armRequests().filter((r) => kindOf(r) === "status").length).toBeGreaterThan(2);

    // The list is paged one deployment at a time here, so the running one is on page 2.
    await expect(arm.findRunningDeployment("codemie-dev-")).resolves.toMatchObject({
      name: "codemie-dev-6",
      provisioningState: "Running",
    });
    await expect(arm.cancelDeployment("codemie-dev-6")).resolves.toBe(true);

    await expect(running).resolves.toEqual({ provisioningState: "Canceled" });
    await expect(arm.cancelDeployment("codemie-dev-6")).resolves.toBe(false);
    await expect(arm.findRunningDeployment("codemie-dev-")).resolves.toBeUndefined();
  });
  test("stops waiting when the caller aborts, leaving the deployment to be cancelled", async () => {
    emulator.script({ deployment: { runningPolls: 1000 } });
    const arm = armClient(emulator, { pollIntervalMs: 20 });
    const abort = new AbortController();

    const waiting = arm.deployAtSubscription("codemie-dev-15", request, {
      signal: abort.signal,
      onProgress: () => abort.abort(),
    });

    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
    await expect(arm.findRunningDeployment("codemie-dev-15")).resolves.toMatchObject({ provisioningState: "Running" });
    await expect(arm.cancelDeployment("codemie-dev-15")).resolves.toBe(true);
  });
});

describe("what-if", () => {
  test("follows 202 + Location at the pace ARM asks and returns the changes", async () => {
    emulator.script({ whatIf: { pendingPolls: 1, retryAfterSeconds: 1 } });

    const outcome = await armClient(emulator).whatIfAtSubscription("codemie-dev-7", request);

    expect(outcome).toMatchObject({
      status: "Succeeded",
      changes: [
        {
          changeType: "Create",
          resourceId: `/subscriptions/${emulator.identity.subscriptionId}/resourceGroups/rg-codemie-dev`,
        },
      ],
    });
    expect(armSequence()).toEqual(["POST whatif 202", "result 202", "result 200"]);
    const [, firstPoll, secondPoll] = emulator.armRequests();
    expect((secondPoll?.at ?? 0) - (firstPoll?.at ?? 0)).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS);
  });

  test("detects a failed what-if, which ARM answers with HTTP 200 and status Failed", async () => {
    emulator.script({
      whatIf: {
        pendingPolls: 0,
        failure: {
          code: "DeploymentWhatIfResourceError",
          message: "The what-if operation failed.",
          details: [{ code: "ResourceNotFound", message: "Vault kv-codemie was not found." }],
        },
      },
    });

    await expect(armClient(emulator).whatIfAtSubscription("codemie-dev-8", request)).resolves.toEqual({
      status: "Failed",
      error: {
        code: "DeploymentWhatIfResourceError",
        message: "The what-if operation failed.",
        details: [{ code: "ResourceNotFound", message: "Vault kv-codemie was not found.", details: [] }],
      },
    });
  });
});

describe("throttling and faults", () => {
  test("waits out a 429 with Retry-After", async () => {
    emulator.script({
      deployment: { runningPolls: 0 },
      faults: [{ method: "PUT", path: "/deployments/", respond: { status: 429, retryAfter: 1 } }],
    });

    await expect(armClient(emulator).deployAtSubscription("codemie-dev-9", request)).resolves.toMatchObject({
      provisioningState: "Succeeded",
    });

    const puts = emulator.armRequests().filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.status)).toEqual([429, 201]);
    expect(gaps(puts)[0]).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS);
  });

  test("retries a 429 without Retry-After, on the PUT and on an LRO poll", async () => {
    emulator.script({
      faults: [
        { method: "PUT", path: "/deployments/", respond: { status: 429 } },
        { path: "/operationStatuses/", respond: { status: 429 } },
      ],
    });

    await expect(armClient(emulator).deployAtSubscription("codemie-dev-10", request)).resolves.toMatchObject({
      provisioningState: "Succeeded",
    });
    expect(armSequence()).toEqual([
      "PUT codemie-dev-10 429",
      "PUT codemie-dev-10 201",
      "status 429",
      "status 200",
      "status 200",
      "GET codemie-dev-10 200",
    ]);
  });

  test("recovers from 500 and 503", async () => {
    emulator.script({
      faults: [
        { method: "POST", path: "/whatIf", respond: { status: 500 } },
        { path: "/operationresults/", respond: { status: 503 } },
      ],
    });

    await expect(armClient(emulator).whatIfAtSubscription("codemie-dev-11", request)).resolves.toMatchObject({
      status: "Succeeded",
    });
    expect(armSequence()).toEqual(["POST whatif 500", "POST whatif 202", "result 503", "result 202", "result 200"]);
  });

  test("recovers from dropped connections", async () => {
    emulator.script({
      faults: [
        { method: "PUT", respond: "drop" },
        { path: "/operationStatuses/", skip: 1, respond: "drop" },
      ],
    });

    await expect(armClient(emulator).deployAtSubscription("codemie-dev-12", request)).resolves.toMatchObject({
      provisioningState: "Succeeded",
    });
    expect(armSequence()).toEqual([
      "PUT codemie-dev-12 0",
      "PUT codemie-dev-12 201",
      "status 200",
      "status 0",
      "status 200",
      "GET codemie-dev-12 200",
    ]);
  });

  test("resumes polling from the last good state when a poll fails beyond the pipeline's retries", async () => {
    emulator.script({
      deployment: { runningPolls: 2 },
      faults: [{ path: "/operationStatuses/", skip: 1, times: 2, respond: { status: 500 } }],
    });

    const outcome = await armClient(emulator, { retry: { maxRetries: 0 } }).deployAtSubscription(
      "codemie-dev-13",
      request,
    );

    expect(outcome.provisioningState).toBe("Succeeded");
    expect(armSequence().filter((s) => s.startsWith("status"))).toEqual([
      "status 200",
      "status 500",
      "status 500",
      "status 200",
      "status 200",
    ]);
  });

  test("gives up once poll failures exceed the allowance", async () => {
    emulator.script({ faults: [{ path: "/operationStatuses/", skip: 1, times: 5, respond: { status: 500 } }] });
    const arm = armClient(emulator, { retry: { maxRetries: 0 }, maxPollFailures: 1 });

    const failure = arm.deployAtSubscription("codemie-dev-14", request);

    await expect(failure).rejects.toBeInstanceOf(ArmRequestError);
    await expect(failure).rejects.toMatchObject({ statusCode: 500, error: { code: "InternalServerError" } });
  });
});

describe("ARM gatekeeping", () => {
  test("refuses a token issued for another audience", async () => {
    const arm = armClient(emulator);
    const wrongAudience = armClient(emulator, {
      cloud: { ...emulatorCloud(emulator), armScope: "https://management.azure.com/.default" },
    });
    await expect(
      arm.getJson(`/subscriptions/${emulator.identity.subscriptionId}/resourcegroups/none`, "2024-03-01"),
    ).resolves.toBeUndefined();
    await expect(
      wrongAudience.getJson(`/subscriptions/${emulator.identity.subscriptionId}/resourcegroups/none`, "2024-03-01"),
    ).rejects.toMatchObject({
      statusCode: 401,
      error: { code: "InvalidAuthenticationTokenAudience" },
    });
  });
});

describe("Flux and Key Vault", () => {
  const sub = (): string => `/subscriptions/${emulator.identity.subscriptionId}`;
  const fluxPath = (name: string): string =>
    `${sub()}` +
    `/resourceGroups/rg-codemie-dev/providers/Microsoft.ContainerService/managedClusters/aks-codemie-dev` +
    `/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/` +
    `${name}`;

  test("reads a fluxConfiguration going Non-Compliant then Compliant", async () => {
    emulator.script({
      flux: { codemie: { nonCompliantReads: 2, commit: "main/0ba6f0d", kustomizations: ["infra", "apps"] } },
    });
    const arm = armClient(emulator);
    type Flux = {
      properties: {
        complianceState: string;
        sourceSyncedCommitId: string;
        statuses: { name: string; complianceState: string }[];
      };
    };

    const reads: Flux[] = [];
    for (let i = 0; i < 3; i += 1) reads.push((await arm.getJson<Flux>(fluxPath("codemie"), "2024-11-01")) as Flux);

    expect(reads.map((r) => r.properties.complianceState)).toEqual(["Non-Compliant", "Non-Compliant", "Compliant"]);
    expect(reads[2]?.properties.sourceSyncedCommitId).toBe("main/0ba6f0d");
    expect(reads[2]?.properties.statuses.map((s) => `${s.name}:${s.complianceState}`)).toEqual([
      "codemie:Compliant",
      "codemie-infra:Compliant",
      "codemie-apps:Compliant",
    ]);
    await expect(arm.getJson(fluxPath("absent"), "2024-11-01")).resolves.toBeUndefined();
  });

  test("seeds only missing secrets, and no secret value is ever recorded or returned", async () => {
    const vaultId = `${sub()}/resourceGroups/rg-codemie-dev/providers/Microsoft.KeyVault/vaults/kv-codemie-dev`;
    const arm = armClient(emulator);
    const first = "first-value-7f3a";
    const second = "second-value-91bc";
    const replacement = "replacement-value-0d2e";

    await expect(arm.putKeyVaultSecretIfMissing(vaultId, "postgres-password", first)).resolves.toBe("created");
    await expect(arm.putKeyVaultSecretIfMissing(vaultId, "postgres-password", replacement)).resolves.toBe("exists");
    await expect(arm.putKeyVaultSecretIfMissing(vaultId, "litellm-master-key", second)).resolves.toBe("created");

    expect(emulator.secretValue(vaultId, "postgres-password")).toBe(first);
    expect(emulator.secretValue(vaultId, "litellm-master-key")).toBe(second);
    expect(emulator.armRequests().map((r) => `${r.method} ${r.status}`)).toEqual([
      "GET 404",
      "PUT 201",
      "GET 200",
      "GET 404",
      "PUT 201",
    ]);
    const readBack = JSON.stringify(await arm.getJson(`${vaultId}/secrets/postgres-password`, "2023-07-01"));
    const recorded = JSON.stringify(emulator.requests);
    for (const value of [first, second, replacement]) {
      expect(recorded).not.toContain(value);
      expect(readBack).not.toContain(value);
    }
  });
});
