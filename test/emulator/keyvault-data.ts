// The Key Vault data plane's GET secret (api-version 7.4), at `/keyvault/{vault}/` of the emulator
// (the vaultUri its ARM answer names). What the real vault refuses, it refuses: a token for another
// audience (401 with the challenge), no api-version, the deploy identity without a data role
// (403 ForbiddenByRbac, the default: Owner grants no data action) or from outside the vault's
// network (403 ForbiddenByFirewall), and a secret that does not exist (404 SecretNotFound).
import type { Reply, RequestContext, Route } from "./context.js";
import { preflightData } from "./preflight.js";

const AUDIENCE = "https://vault.azure.net";

const kvError = (status: number, code: string, message: string, inner?: string): Reply => ({
  status,
  body: { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } },
});

function getSecret(ctx: RequestContext): Reply {
  const bearer = /^Bearer (.+)$/.exec(String(ctx.headers.authorization ?? ""))?.[1];
  const token = bearer === undefined ? undefined : ctx.state.accessTokens.get(bearer);
  if (!token || token.expiresAt <= Date.now() || token.audience.replace(/\/+$/, "") !== AUDIENCE)
    return {
      ...kvError(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."),
      headers: {
        "WWW-Authenticate": `Bearer authorization="${ctx.baseUrl}/${ctx.identity.tenantId}", resource="${AUDIENCE}"`,
      },
    };
  if (!ctx.url.searchParams.get("api-version"))
    return kvError(400, "BadParameter", "The 'api-version' query parameter is missing.");
  const { vault = "", name = "" } = ctx.params;
  const access = preflightData(ctx.state).vaultDataAccess;
  if (access === "ForbiddenByRbac")
    return kvError(
      403,
      "Forbidden",
      `Caller is not authorized to perform action on resource.\r\nIf role ` +
        `assignments, deny assignments or role definitions were changed ` +
        `recently, please observe propagation time.\r\nAction: ` +
        `'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nVault: ${vault}` +
        `;location=westeurope`,
      "ForbiddenByRbac",
    );
  if (access === "ForbiddenByFirewall")
    return kvError(
      403,
      "Forbidden",
      `Client address is not authorized and caller is not a trusted ` +
        `service.\r\nClient address: 203.0.113.7\r\nVault: ${vault}` +
        `;location=westeurope`,
      "ForbiddenByFirewall",
    );
  const suffix = `/providers/microsoft.keyvault/vaults/${vault}/secrets/${name}`.toLowerCase();
  const found = [...ctx.state.secrets.entries()].find(([key]) => key.endsWith(suffix));
  if (!found) return kvError(404, "SecretNotFound", `A secret with (name/id) ${name} was not found in this key vault.`);
  const [, secret] = found;
  const epoch = Math.floor(secret.updated.getTime() / 1000);
  return {
    status: 200,
    body: {
      value: secret.value,
      ...(secret.contentType ? { contentType: secret.contentType } : {}),
      id: `${ctx.baseUrl}/keyvault/${vault}/secrets/${name}/${epoch.toString(16)}`,
      attributes: { enabled: true, created: epoch, updated: epoch, recoveryLevel: "Recoverable+Purgeable" },
    },
  };
}

export const keyVaultDataRoutes: Route[] = [
  {
    methods: ["GET"],
    pattern: /^\/keyvault\/(?<vault>[^/]+)\/secrets\/(?<name>[^/]+)$/i,
    arm: false,
    handle: getSecret,
  },
];
