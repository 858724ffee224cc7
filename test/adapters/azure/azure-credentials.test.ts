// Cloud selection and credential choice, plus the GitHub OIDC token exchange against the emulator.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { resolveCloud } from "../../../src/adapters/azure/cloud.js";
import { createRunCredential } from "../../../src/adapters/azure/credentials.js";
import { fetchGitHubIdToken } from "../../../src/adapters/azure/github-oidc.js";
import { emulatorCloud, gitHubCredential, gitHubJobEnv } from "../../emulator/clients.js";
import { AzureEmulator } from "../../emulator/emulator.js";

describe("resolveCloud", () => {
  test("defaults to the public cloud with MSAL instance discovery left on", () => {
    expect(resolveCloud({}, {})).toEqual({
      armEndpoint: "https://management.azure.com",
      authorityHost: "https://login.microsoftonline.com",
      armScope: "https://management.azure.com/.default",
      federatedAudience: "api://AzureADTokenExchange",
      disableInstanceDiscovery: false,
      keyVaultScope: "https://vault.azure.net/.default",
    });
  });

  test("knows the sovereign clouds and their token-exchange audiences", () => {
    expect(resolveCloud({ cloud: "usgov" }, {})).toMatchObject({
      armScope: "https://management.usgovcloudapi.net/.default",
      authorityHost: "https://login.microsoftonline.us",
      federatedAudience: "api://AzureADTokenExchangeUSGov",
      keyVaultScope: "https://vault.usgovcloudapi.net/.default",
    });
    expect(resolveCloud({ cloud: "china" }, {})).toMatchObject({
      armEndpoint: "https://management.chinacloudapi.cn",
      authorityHost: "https://login.chinacloudapi.cn",
      federatedAudience: "api://AzureADTokenExchangeChina",
    });
  });

  test("takes custom endpoints from the environment and disables instance discovery for them", () => {
    const env = {
      AZURE_RESOURCE_MANAGER_ENDPOINT: "https://127.0.0.1:8443/",
      AZURE_AUTHORITY_HOST: "https://127.0.0.1:8443",
    };
    expect(resolveCloud({}, env)).toMatchObject({
      armEndpoint: "https://127.0.0.1:8443",
      authorityHost: "https://127.0.0.1:8443",
      armScope: "https://127.0.0.1:8443/.default",
      disableInstanceDiscovery: true,
    });
  });

  test("explicit endpoints win over the environment; a separate ARM audience sets the scope", () => {
    const cloud = resolveCloud(
      {
        armEndpoint: "https://management.local.azurestack.external",
        armAudience: "https://management.contoso.onmicrosoft.com/abc/",
      },
      { AZURE_RESOURCE_MANAGER_ENDPOINT: "https://ignored.example" },
    );
    expect(cloud.armEndpoint).toBe("https://management.local.azurestack.external");
    expect(cloud.armScope).toBe("https://management.contoso.onmicrosoft.com/abc/.default");
    expect(cloud.disableInstanceDiscovery).toBe(false);
  });

  test("refuses plain http, which the SDKs would reject later and less clearly", () => {
    expect(() => resolveCloud({ authorityHost: "http://127.0.0.1:1" }, {})).toThrow(/must be an https URL/);
  });
});

describe("createRunCredential", () => {
  const cloud = resolveCloud({}, {});

  test("uses the Azure CLI login outside GitHub Actions, even when a client secret is lying around", () => {
    const env = { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s" };
    expect(createRunCredential({ cloud, env }).kind).toBe("azure-cli");
  });

  test("prefers the GitHub OIDC token, then a federated token file", () => {
    const app = { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c" };
    const oidc = { ACTIONS_ID_TOKEN_REQUEST_URL: "https://example.invalid/x?a=1", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "r" };
    expect(createRunCredential({ cloud, env: { ...app, ...oidc, AZURE_FEDERATED_TOKEN_FILE: "/f" } }).kind).toBe(
      "github-oidc",
    );
    expect(createRunCredential({ cloud, env: { ...app, AZURE_FEDERATED_TOKEN_FILE: "/f" } }).kind).toBe(
      "workload-identity",
    );
  });

  test("federated sign-in needs a tenant and a client id", () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: "https://example.invalid/x?a=1", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "r" };
    expect(() => createRunCredential({ cloud, env })).toThrow(/AZURE_TENANT_ID/);
  });
});

describe("against the emulator", () => {
  let emulator: AzureEmulator;
  beforeAll(async () => {
    emulator = await AzureEmulator.start();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(() => emulator.reset());

  test("exchanges the job's GitHub ID token for an ARM token and masks the ID token", async () => {
    const masked: string[] = [];
    const { credential, kind } = gitHubCredential(emulator, (secret) => masked.push(secret));
    expect(kind).toBe("github-oidc");

    const token = await credential.getToken(emulatorCloud(emulator).armScope);

    expect(token?.token).toMatch(/^emu\.1\./);
    expect(emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "GET /_apis/idtoken 200",
      `GET /${emulator.identity.tenantId}/v2.0/.well-known/openid-configuration 200`,
      "GET /_apis/idtoken 200",
      `POST /${emulator.identity.tenantId}/oauth2/v2.0/token 200`,
    ]);
    expect(emulator.requests[0]?.query).toContain("audience=api%3A%2F%2FAzureADTokenExchange");
    // msal-node 5 asks for the assertion twice per token request (once eagerly, once building its
    // client), so each Entra token costs two GitHub ID tokens; both get masked.
    expect(emulator.idTokensIssued).toBe(2);
    expect(masked).toHaveLength(2);
  });

  test("an expired assertion is refused, so reusing an old ID token would fail", async () => {
    emulator.script({ idTokenLifetimeSeconds: 0 });
    const { credential } = gitHubCredential(emulator);
    await expect(credential.getToken(emulatorCloud(emulator).armScope)).rejects.toThrow(/AADSTS700024/);
  });

  test("a wrong request token is reported without echoing it", async () => {
    const source = {
      requestUrl: emulator.oidcRequestUrl,
      requestToken: "not-the-token",
      audience: "api://AzureADTokenExchange",
      ca: emulator.caPem,
    };
    const failure = fetchGitHubIdToken(source);
    await expect(failure).rejects.toThrow(/HTTP 401/);
    await expect(failure).rejects.not.toThrow(/not-the-token/);
  });

  test("retries the OIDC endpoint after a server error", async () => {
    emulator.script({ faults: [{ path: "/_apis/idtoken", respond: { status: 500 } }] });
    const source = {
      requestUrl: emulator.oidcRequestUrl,
      requestToken: emulator.identity.oidcRequestToken,
      audience: "aud",
      ca: emulator.caPem,
      retryDelayMs: 10,
    };
    await expect(fetchGitHubIdToken(source)).resolves.toMatch(/^ey/);
    expect(emulator.requests.map((r) => r.status)).toEqual([500, 200]);
  });

  test("signs in with a federated token file (workload identity)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wi-"));
    try {
      const tokenFile = join(dir, "token");
      await writeFile(tokenFile, emulator.issueIdToken());
      const env = {
        ...gitHubJobEnv(emulator),
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
        AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      };
      const { credential, kind } = createRunCredential({ cloud: emulatorCloud(emulator), env, ca: emulator.caPem });
      expect(kind).toBe("workload-identity");
      await expect(credential.getToken(emulatorCloud(emulator).armScope)).resolves.toMatchObject({
        token: expect.stringMatching(/^emu\./),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
