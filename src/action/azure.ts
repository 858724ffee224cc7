// The Azure and GitOps inputs plan, deploy and status share. They reach the connections the way
// a shell would pass them: AZURE_CLIENT_ID / AZURE_TENANT_ID name the federated app (the tenant
// defaults to the environment file's), CODEMIE_GITOPS_TOKEN reads and pushes the GitOps branch.
import { setSecret } from "@actions/core";
import { basicCredential, TRUSTED_HOSTS_VARIABLE } from "../adapters/git/credentials.js";
import { azureConnections, checkSubscription, type AzureFlags, type Connections } from "../app/connections.js";
import type { Inputs } from "./inputs.js";

export const AZURE_INPUTS = [
  "azure-client-id",
  "azure-tenant-id",
  "azure-subscription-id",
  "azure-cloud",
  "gitops-token",
  "gitops-trusted-hosts",
] as const;

export interface AzureSetup {
  flags: AzureFlags;
  subscription?: string;
  /** An app to sign in as was named. */
  clientId: string;
  /** Azure and the GitOps branch (CODEMIE_GITOPS_REMOTE may point it elsewhere). */
  connections: Connections;
}

export function azureSetup(
  inputs: Inputs<(typeof AZURE_INPUTS)[number]>,
  env: NodeJS.ProcessEnv = process.env,
): AzureSetup {
  const clientId = inputs.text("azure-client-id");
  const tenantId = inputs.text("azure-tenant-id");
  const token = inputs.text("gitops-token");
  if (clientId) env.AZURE_CLIENT_ID = clientId;
  if (tenantId) env.AZURE_TENANT_ID = tenantId;
  if (token) {
    // The header git sends is the token's base64 form: a log line holding it must be masked too.
    setSecret(token);
    setSecret(basicCredential(token));
    env.CODEMIE_GITOPS_TOKEN = token;
  }
  const trustedHosts = inputs.text("gitops-trusted-hosts");
  if (trustedHosts) env[TRUSTED_HOSTS_VARIABLE] = trustedHosts;
  const cloud = inputs.text("azure-cloud");
  const subscription = checkSubscription(inputs.text("azure-subscription-id") || undefined);
  const flags: AzureFlags = cloud ? { cloud } : {};
  return {
    flags,
    ...(subscription ? { subscription } : {}),
    clientId,
    connections: azureConnections(flags, undefined, env),
  };
}
