// The production adapters wired to an emulator the way the CLI wires them to Azure, with test-sized
// intervals and backoffs.
import { ArmClient, type ArmClientOptions } from "../../src/adapters/azure/arm.js";
import { resolveCloud, type AzureCloud } from "../../src/adapters/azure/cloud.js";
import { createRunCredential, type RunCredential } from "../../src/adapters/azure/credentials.js";
import type { AzureEmulator } from "./emulator.js";

export function emulatorCloud(emulator: AzureEmulator): AzureCloud {
  return resolveCloud({ armEndpoint: emulator.url, authorityHost: emulator.url }, {});
}

/** The environment of a GitHub Actions job with `id-token: write`. */
export function gitHubJobEnv(emulator: AzureEmulator): NodeJS.ProcessEnv {
  return {
    ACTIONS_ID_TOKEN_REQUEST_URL: emulator.oidcRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: emulator.identity.oidcRequestToken,
    AZURE_TENANT_ID: emulator.identity.tenantId,
    AZURE_CLIENT_ID: emulator.identity.clientId,
  };
}

export function gitHubCredential(emulator: AzureEmulator, mask?: (secret: string) => void): RunCredential {
  return createRunCredential({
    cloud: emulatorCloud(emulator),
    env: gitHubJobEnv(emulator),
    ca: emulator.caPem,
    ...(mask ? { mask } : {}),
  });
}

export function armClient(emulator: AzureEmulator, overrides: Partial<ArmClientOptions> = {}): ArmClient {
  return new ArmClient({
    credential: gitHubCredential(emulator).credential,
    subscriptionId: emulator.identity.subscriptionId,
    cloud: emulatorCloud(emulator),
    ca: emulator.caPem,
    pollIntervalMs: 10,
    retry: { retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    ...overrides,
  });
}
