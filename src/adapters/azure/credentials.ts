// The Azure credential for one run. In GitHub Actions the job's OIDC ID token is exchanged for an
// Entra token (workload identity federation); locally a federated token file or the Azure CLI login
// is used. Client secrets are deliberately unsupported: nothing here reads AZURE_CLIENT_SECRET.
import { setSecret } from "@actions/core";
import {
  AzureCliCredential,
  ClientAssertionCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from "@azure/identity";
import { sdkTlsWithExtraCa } from "../extra-ca.js";
import type { AzureCloud } from "./cloud.js";
import { fetchGitHubIdToken } from "./github-oidc.js";

export type CredentialKind = "github-oidc" | "workload-identity" | "azure-cli";

export interface CredentialOptions {
  cloud: AzureCloud;
  /** Default: AZURE_TENANT_ID. */
  tenantId?: string;
  /** The app registration (or user-assigned identity) holding the federated credential. Default: AZURE_CLIENT_ID. */
  clientId?: string;
  /** Default: the cloud's token-exchange audience. */
  federatedAudience?: string;
  env?: NodeJS.ProcessEnv;
  /** A PEM certificate to trust on top of the public roots (the emulator's). */
  ca?: string;
  /** Hides each ID token in the job log. Default: @actions/core setSecret when GITHUB_ACTIONS is "true". */
  mask?: (secret: string) => void;
}

export interface RunCredential {
  credential: TokenCredential;
  kind: CredentialKind;
}

function requireApp(
  tenantId: string | undefined,
  clientId: string | undefined,
  kind: CredentialKind,
): { tenantId: string; clientId: string } {
  if (!tenantId || !clientId)
    throw new Error(`${kind} sign-in needs a tenant id and a client id (AZURE_TENANT_ID, AZURE_CLIENT_ID).`);
  return { tenantId, clientId };
}

export function createRunCredential(options: CredentialOptions): RunCredential {
  const { cloud, ca } = options;
  const env = options.env ?? process.env;
  const tenantId = options.tenantId ?? env.AZURE_TENANT_ID;
  const clientId = options.clientId ?? env.AZURE_CLIENT_ID;
  const identityOptions = {
    authorityHost: cloud.authorityHost,
    disableInstanceDiscovery: cloud.disableInstanceDiscovery,
    ...(ca ? { tlsOptions: sdkTlsWithExtraCa(ca) } : {}),
  };

  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (requestUrl && requestToken) {
    const app = requireApp(tenantId, clientId, "github-oidc");
    const mask = options.mask ?? (env.GITHUB_ACTIONS === "true" ? setSecret : undefined);
    const audience = options.federatedAudience ?? cloud.federatedAudience;
    // MSAL calls this for every token request, and GitHub ID tokens expire within minutes, so a
    // fresh one is fetched each time rather than cached.
    const getAssertion = async (): Promise<string> => {
      const idToken = await fetchGitHubIdToken({ requestUrl, requestToken, audience, ...(ca ? { ca } : {}) });
      mask?.(idToken);
      return idToken;
    };
    return {
      kind: "github-oidc",
      credential: new ClientAssertionCredential(app.tenantId, app.clientId, getAssertion, identityOptions),
    };
  }

  const tokenFilePath = env.AZURE_FEDERATED_TOKEN_FILE;
  if (tokenFilePath) {
    const app = requireApp(tenantId, clientId, "workload-identity");
    return {
      kind: "workload-identity",
      credential: new WorkloadIdentityCredential({ ...app, tokenFilePath, ...identityOptions }),
    };
  }

  // The Azure CLI signs in to whichever cloud `az cloud set` selected; the authority is not ours to pick.
  return { kind: "azure-cli", credential: new AzureCliCredential(tenantId ? { tenantId } : {}) };
}
