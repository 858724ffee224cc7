// Resource groups and Key Vault secrets on the management plane (values go in, never come back
// out, as with real ARM).
import type { EmulatorState, Reply, RequestContext, Route } from "./context.js";
import { armError, jsonBody } from "./context.js";
import { policyDefinitionFailures } from "./policy.js";
import type { ArmErrorBody, FailedOperationScript } from "./scenario.js";
import { declaredResources, isRecord, nestedScopes, propertyCopy, resolve, type TemplateScope } from "./templates.js";

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
  if (!group)
    return armError(404, "ResourceGroupNotFound", `Resource group '${ctx.params.rg ?? ""}' could not be found.`);
  return ctx.method === "HEAD"
    ? { status: 204 }
    : { status: 200, body: resourceGroupBody(ctx, group.name, group.location) };
}

export const secretKey = (vaultId: string, name: string): string => `${vaultId}/secrets/${name}`.toLowerCase();

function secretBody(ctx: RequestContext, secret: { contentType?: string; updated: Date }): unknown {
  const { rg, vault, name } = ctx.params;
  const uri = `https://${vault ?? ""}.vault.azure.net/secrets/${name ?? ""}`;
  const epoch = Math.floor(secret.updated.getTime() / 1000);
  return {
    id:
      `/subscriptions/${ctx.identity.subscriptionId}/resourceGroups/${rg ?? ""}` +
      `/providers/Microsoft.KeyVault/vaults/${vault ?? ""}/secrets/` +
      `${name ?? ""}`,
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
  `/subscriptions/${ctx.identity.subscriptionId}/resourceGroups/` +
  `${ctx.params.rg ?? ""}/providers/Microsoft.KeyVault/vaults/` +
  `${ctx.params.vault ?? ""}`;

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
  if (!secret)
    return armError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.KeyVault/vaults/${ctx.params.vault ?? ""}` +
        `/secrets/${ctx.params.name ?? ""}' was not found.`,
    );
  return { status: 200, body: secretBody(ctx, secret) };
}

/** Types whose existing state a test can script (scenario.resources) and the engine reads back. */
const SCRIPTED_TYPES = [
  String.raw`Microsoft\.DBforPostgreSQL/flexibleServers`,
  String.raw`Microsoft\.ContainerService/managedClusters`,
  String.raw`Microsoft\.Storage/storageAccounts`,
  String.raw`Microsoft\.Network/natGateways`,
  String.raw`Microsoft\.Network/publicIPAddresses`,
  String.raw`Microsoft\.KeyVault/vaults/[^/]+/keys`,
  String.raw`Microsoft\.Network/applicationGateways`,
  String.raw`Microsoft\.Network/virtualNetworks/[^/]+/subnets`,
  String.raw`Microsoft\.Network/azureFirewalls`,
].join("|");

export function scripted(state: EmulatorState, type: string, name: string): Record<string, unknown> | undefined {
  const suffix = `/providers/${type}/${name}`.toLowerCase();
  return Object.entries(state.scenario.resources).find(([id]) => id.toLowerCase().endsWith(suffix))?.[1];
}

function getScripted(ctx: RequestContext): Reply {
  const id =
    `/subscriptions/${ctx.params.sub ?? ""}/resourceGroups/` +
    `${ctx.params.rg ?? ""}/providers/${ctx.params.type ?? ""}/` +
    `${ctx.params.name ?? ""}`;
  const found = Object.entries(ctx.state.scenario.resources).find(([key]) => key.toLowerCase() === id.toLowerCase());
  if (!found)
    return armError(
      404,
      "ResourceNotFound",
      `The Resource '${ctx.params.type ?? ""}/${ctx.params.name ?? ""}' under ` +
        `resource group '${ctx.params.rg ?? ""}' was not found.`,
    );
  return { status: 200, body: { id: found[0], name: ctx.params.name, type: ctx.params.type, ...found[1] } };
}

/**
 * What Azure refuses of a deployment over the scripted resources: a preflight rejection, or resource operations that
 * fail.
 */
export interface AzureRefusal {
  preflight?: ArmErrorBody;
  failedOperations: FailedOperationScript[];
}

const get = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, key) => (isRecord(v) ? v[key] : undefined), value);
const zones = (value: unknown): string => (Array.isArray(value) ? value.map(String).sort().join(",") : "");

/** AKS preflight: an existing agent pool's VM size, max pods and zones cannot change. */
function agentPoolChange(
  scope: TemplateScope,
  resource: Record<string, unknown>,
  existing: Record<string, unknown>,
): ArmErrorBody | undefined {
  const pools = (get(existing, "properties.agentPoolProfiles") ?? []) as Record<string, unknown>[];
  for (const wanted of propertyCopy(resource, "agentPoolProfiles", scope) ?? []) {
    const pool = pools.find((p) => String(p.name).toLowerCase() === String(wanted.name).toLowerCase());
    if (!pool) continue;
    for (const property of ["vmSize", "maxPods", "availabilityZones"]) {
      const [had, asked] =
        property === "availabilityZones"
          ? [zones(pool[property]), zones(wanted[property])]
          : [pool[property], wanted[property]];
      if (asked === undefined || had === undefined || had === asked) continue;
      const target = `agentPoolProfile.${property}`;
      return { code: "PropertyChangeNotAllowed", target, message: `Changing property "${target}" is not allowed.` };
    }
  }
  return undefined;
}

/**
 * AKS: an existing cluster's outbound type changes in place only along AKS's migration paths for a
 * cluster in its own VNet (loadBalancer, userAssignedNATGateway, userDefinedRouting, none, each to
 * the others); anything else (a managed NAT gateway here) is refused. The code is the emulator's
 * label for that refusal, not one copied from Azure.
 */
function outboundTypeChange(
  scope: TemplateScope,
  resource: Record<string, unknown>,
  existing: Record<string, unknown>,
): ArmErrorBody | undefined {
  const paths = ["loadbalancer", "userassignednatgateway", "userdefinedrouting", "none"];
  const asked = resolve(get(resource, "properties.networkProfile.outboundType"), scope);
  const had = get(existing, "properties.networkProfile.outboundType");
  if (typeof asked !== "string" || typeof had !== "string" || asked.toLowerCase() === had.toLowerCase())
    return undefined;
  if (paths.includes(asked.toLowerCase()) && paths.includes(had.toLowerCase())) return undefined;
  return {
    code: "OutboundTypeMigrationNotSupported",
    target: "networkProfile.outboundType",
    message: `Migrating the outbound type from ${had} to ${asked} is not supported for this cluster.`,
  };
}

/** PostgreSQL Flexible Server: a data disk never shrinks. Sizes in the message are MiB, as Azure writes them. */
function diskDowngrade(
  scope: TemplateScope,
  resource: Record<string, unknown>,
  existing: Record<string, unknown>,
): ArmErrorBody | undefined {
  const asked = resolve(get(resource, "properties.storage.storageSizeGB"), scope);
  const had = get(existing, "properties.storage.storageSizeGB");
  if (typeof asked !== "number" || typeof had !== "number" || asked >= had) return undefined;
  return {
    code: "UpsertServerManagementOperationDowngradeDiskSizeUnsupported",
    message:
      `Requested data Disk size '${asked * 1024}' cannot be less than current ` +
      `size '${had * 1024}'. Please make sure to request correct disk size.`,
  };
}

export function azureRefusal(
  state: EmulatorState,
  template: Record<string, unknown>,
  parameters: Record<string, unknown>,
): AzureRefusal | undefined {
  const refusal: AzureRefusal = { failedOperations: [] };
  for (const scope of nestedScopes({ template, parameters })) {
    for (const { resource } of declaredResources(scope.template)) {
      const type = String(resource.type);
      const name = resolve(resource.name, scope);
      if (typeof name !== "string") continue;
      const existing = scripted(state, type, name);
      if (!existing) continue;
      if (type.toLowerCase() === "microsoft.containerservice/managedclusters") {
        const change = agentPoolChange(scope, resource, existing) ?? outboundTypeChange(scope, resource, existing);
        if (change) {
          refusal.preflight = {
            code: "InvalidTemplateDeployment",
            message:
              `The template deployment failed with error: 'Preflight validation check ` +
              `for resource(s) for container service ${name} failed. Message: ` +
              `${change.message}'.`,
            details: [change],
          };
        }
      }
      if (type.toLowerCase() === "microsoft.dbforpostgresql/flexibleservers") {
        const downgrade = diskDowngrade(scope, resource, existing);
        if (downgrade)
          refusal.failedOperations.push({
            resourceType: type,
            resourceName: name,
            statusCode: "BadRequest",
            error: downgrade,
          });
      }
    }
  }
  refusal.failedOperations.push(
    ...policyDefinitionFailures((type, name) => scripted(state, type, name), template, parameters),
  );
  return refusal.preflight || refusal.failedOperations.length > 0 ? refusal : undefined;
}

export const resourceRoutes: Route[] = [
  {
    methods: ["GET"],
    pattern: new RegExp(String.raw`${RESOURCE_GROUP}/providers/(?<type>${SCRIPTED_TYPES})/(?<name>[^/]+)$`, "i"),
    arm: true,
    handle: getScripted,
  },
  { methods: ["PUT"], pattern: new RegExp(`${RESOURCE_GROUP}$`, "i"), arm: true, handle: putResourceGroup },
  { methods: ["GET", "HEAD"], pattern: new RegExp(`${RESOURCE_GROUP}$`, "i"), arm: true, handle: getResourceGroup },
  {
    methods: ["PUT"],
    pattern: new RegExp(
      String.raw`${RESOURCE_GROUP}/providers/Microsoft\.KeyVault/vaults/(?<vault>[^/]+)/secrets/(?<name>[^/]+)$`,
      "i",
    ),
    arm: true,
    handle: putSecret,
  },
  {
    methods: ["GET"],
    pattern: new RegExp(
      String.raw`${RESOURCE_GROUP}/providers/Microsoft\.KeyVault/vaults/(?<vault>[^/]+)/secrets/(?<name>[^/]+)$`,
      "i",
    ),
    arm: true,
    handle: getSecret,
  },
];
