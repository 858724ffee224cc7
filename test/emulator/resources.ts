// Resource groups, Key Vault secrets on the management plane (values go in, never come back out,
// as with real ARM) and AKS fluxConfigurations whose compliance is scripted per test.
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

function getFluxConfiguration(ctx: RequestContext): Reply {
  const name = ctx.params.name ?? "";
  const script = ctx.state.scenario.flux[name] ?? ctx.state.scenario.flux["*"];
  if (!script) return armError(404, "ResourceNotFound", `The Resource 'Microsoft.KubernetesConfiguration/fluxConfigurations/${name}' was not found.`);
  const key = ctx.url.pathname.toLowerCase();
  const reads = (ctx.state.fluxReads.get(key) ?? 0) + 1;
  ctx.state.fluxReads.set(key, reads);
  const compliance = reads <= script.nonCompliantReads ? "Non-Compliant" : "Compliant";
  const ready = compliance === "Compliant" ? "True" : "False";
  const condition = {
    lastTransitionTime: new Date().toISOString(),
    message: ready === "True" ? `Applied revision: ${script.commit}` : "kustomization path not found",
    reason: ready === "True" ? "ReconciliationSucceeded" : "ReconciliationFailed",
    status: ready,
    type: "Ready",
  };
  const kustomizations = script.kustomizations.map((k) => ({
    name: `${name}-${k}`,
    namespace: "flux-system",
    kind: "Kustomization",
    complianceState: compliance,
    appliedBy: null,
    statusConditions: [condition],
  }));
  return {
    status: 200,
    body: {
      id: ctx.url.pathname,
      name,
      type: "Microsoft.KubernetesConfiguration/fluxConfigurations",
      properties: {
        scope: "cluster",
        namespace: "flux-system",
        sourceKind: "GitRepository",
        provisioningState: "Succeeded",
        complianceState: compliance,
        sourceSyncedCommitId: script.commit,
        sourceUpdatedAt: new Date().toISOString(),
        statusUpdatedAt: new Date().toISOString(),
        statuses: [
          { name, namespace: "flux-system", kind: "GitRepository", complianceState: "Compliant", appliedBy: null, statusConditions: [{ ...condition, status: "True", reason: "Succeeded" }] },
          ...kustomizations,
        ],
      },
    },
  };
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
  {
    methods: ["GET"],
    pattern: new RegExp(
      String.raw`${RESOURCE_GROUP}/providers/Microsoft\.ContainerService/managedClusters/(?<cluster>[^/]+)/providers/Microsoft\.KubernetesConfiguration/fluxConfigurations/(?<name>[^/]+)$`,
      "i",
    ),
    arm: true,
    handle: getFluxConfiguration,
  },
];
