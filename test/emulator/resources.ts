// Resource groups and Key Vault secrets on the management plane (values go in, never come back
// out, as with real ARM).
import type { Reply, RequestContext, Route } from "./context.js";
import { armError, jsonBody } from "./context.js";

const RESOURCE_GROUP = String.raw`^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)`;

function resourceGroupBody(ctx: RequestContext, name: string, location: string): unknown {
  return {
    id: `/subscriptions/${ctx.identity.subscriptionId}/resourceGroups/${name}`,
    name,
    type: "Microsoft.Resources/resourceGroups",
    location,
    properties: { provisioningState: "Succeeded" },
  };
}

function putResourceGroup(ctx: RequestContext): Reply {
  const name = ctx.params.rg ?? "";
  const { location } = jsonBody<{ location?: string }>(ctx);
  if (!location) return armError(400, "LocationRequired", "The location property is required for this definition.");
  const existed = ctx.state.resourceGroups.has(name.toLowerCase());
  ctx.state.resourceGroups.set(name.toLowerCase(), { name, location });
  return { status: existed ? 200 : 201, body: resourceGroupBody(ctx, name, location) };
}

function getResourceGroup(ctx: RequestContext): Reply {
  const group = ctx.state.resourceGroups.get((ctx.params.rg ?? "").toLowerCase());
  if (!group) return armError(404, "ResourceGroupNotFound", `Resource group '${ctx.params.rg ?? ""}' could not be found.`);
  return ctx.method === "HEAD" ? { status: 204 } : { status: 200, body: resourceGroupBody(ctx, group.name, group.location) };
}

export const secretKey = (vaultId: string, name: string): string => `${vaultId}/secrets/${name}`.toLowerCase();

function secretBody(ctx: RequestContext, secret: { contentType?: string; updated: Date }): unknown {
  const { rg, vault, name } = ctx.params;
  const uri = `https://${vault ?? ""}.vault.azure.net/secrets/${name ?? ""}`;
  const epoch = Math.floor(secret.updated.getTime() / 1000);
  return {
    id: `/subscriptions/${ctx.identity.subscriptionId}/resourceGroups/${rg ?? ""}/providers/Microsoft.KeyVault/vaults/${vault ?? ""}/secrets/${name ?? ""}`,
    name,
    type: "Microsoft.KeyVault/vaults/secrets",
    properties: {
      ...(secret.contentType ? { contentType: secret.contentType } : {}),
      attributes: { enabled: true, created: epoch, updated: epoch },
      secretUri: uri,
      secretUriWithVersion: `${uri}/${epoch.toString(16)}`,
    },
  };
}

const vaultIdOf = (ctx: RequestContext): string =>
  `/subscriptions/${ctx.identity.subscriptionId}/resourceGroups/${ctx.params.rg ?? ""}/providers/Microsoft.KeyVault/vaults/${ctx.params.vault ?? ""}`;

function putSecret(ctx: RequestContext): Reply {
  const { properties } = jsonBody<{ properties?: { value?: string; contentType?: string } }>(ctx);
  if (typeof properties?.value !== "string") return armError(400, "BadRequest", "properties.value is required.");
  const key = secretKey(vaultIdOf(ctx), ctx.params.name ?? "");
  const existed = ctx.state.secrets.has(key);
  const secret = { value: properties.value, contentType: properties.contentType, updated: new Date() };
  ctx.state.secrets.set(key, secret);
  return { status: existed ? 200 : 201, body: secretBody(ctx, secret) };
}

function getSecret(ctx: RequestContext): Reply {
  const secret = ctx.state.secrets.get(secretKey(vaultIdOf(ctx), ctx.params.name ?? ""));
  if (!secret) return armError(404, "ResourceNotFound", `The Resource 'Microsoft.KeyVault/vaults/${ctx.params.vault ?? ""}/secrets/${ctx.params.name ?? ""}' was not found.`);
  return { status: 200, body: secretBody(ctx, secret) };
}

export const resourceRoutes: Route[] = [
  { methods: ["PUT"], pattern: new RegExp(`${RESOURCE_GROUP}$`, "i"), arm: true, handle: putResourceGroup },
  { methods: ["GET", "HEAD"], pattern: new RegExp(`${RESOURCE_GROUP}$`, "i"), arm: true, handle: getResourceGroup },
  {
    methods: ["PUT"],
    pattern: new RegExp(String.raw`${RESOURCE_GROUP}/providers/Microsoft\.KeyVault/vaults/(?<vault>[^/]+)/secrets/(?<name>[^/]+)$`, "i"),
    arm: true,
    handle: putSecret,
  },
  {
    methods: ["GET"],
    pattern: new RegExp(String.raw`${RESOURCE_GROUP}/providers/Microsoft\.KeyVault/vaults/(?<vault>[^/]+)/secrets/(?<name>[^/]+)$`, "i"),
    arm: true,
    handle: getSecret,
  },
];
