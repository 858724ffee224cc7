// The read-only ARM APIs a preflight asks, answered from PreflightData in ARM's wire shapes
// (azure-rest-api-specs): lists are paged with an absolute nextLink, SKUs honour the location
// $filter, and a Key Vault exists once a deployment created it or it holds a secret.
import type { EmulatorState, Reply, RequestContext, Route } from "./context.js";
import { armError, newId } from "./context.js";
import { defaultPreflightData, type PreflightData, type UsageData } from "./preflight-data.js";
import { scripted } from "./resources.js";
import { declaredResources, nestedScopes, resolve } from "./templates.js";

const SUB = String.raw`^/subscriptions/(?<sub>[^/]+)`;
const LOCATION = String.raw`/locations/(?<loc>[^/]+)`;
const PAGE = 10;

const data = new WeakMap<EmulatorState, PreflightData>();

/** The data of this emulator state, created with the defaults on first use. */
export function preflightData(state: EmulatorState): PreflightData {
  let d = data.get(state);
  if (!d) data.set(state, (d = defaultPreflightData()));
  return d;
}

const route = (pattern: string, handle: (ctx: RequestContext, d: PreflightData) => Reply): Route => ({
  methods: ["GET"],
  pattern: new RegExp(pattern, "i"),
  arm: true,
  handle: (ctx) => handle(ctx, preflightData(ctx.state)),
});

/** One page of a list; the rest behind an absolute nextLink with a skip token, as ARM pages. */
function paged(ctx: RequestContext, items: unknown[]): Reply {
  const skip = Number(ctx.url.searchParams.get("$skiptoken") ?? "0") || 0;
  const page = items.slice(skip, skip + PAGE);
  const body: Record<string, unknown> = { value: page };
  if (skip + PAGE < items.length) {
    const next = new URL(ctx.url.pathname + ctx.url.search, ctx.baseUrl);
    next.searchParams.set("$skiptoken", String(skip + PAGE));
    body.nextLink = next.href;
  }
  return { status: 200, body };
}

function knownRegion(ctx: RequestContext, d: PreflightData): Reply | undefined {
  const loc = (ctx.params.loc ?? "").toLowerCase();
  if (d.regions.includes(loc)) return undefined;
  return armError(
    404,
    "LocationNotAvailableForResourceType",
    `The provided location '${ctx.params.loc ?? ""}' is not available for resource type.`,
  );
}

const usage = (u: UsageData): unknown => ({
  unit: "Count",
  currentValue: u.current,
  limit: u.limit,
  name: { value: u.name, localizedValue: u.label },
});

function computeUsages(ctx: RequestContext, d: PreflightData): Reply {
  return knownRegion(ctx, d) ?? paged(ctx, d.computeUsages.map(usage));
}

function skus(ctx: RequestContext, d: PreflightData): Reply {
  const filter = ctx.url.searchParams.get("$filter") ?? "";
  const loc = /^location eq '([^']+)'$/i.exec(filter.trim())?.[1]?.toLowerCase();
  const regions = loc ? (d.regions.includes(loc) ? [loc] : []) : d.regions;
  const items = regions.flatMap((region) =>
    d.vmSkus.map((s) => ({
      resourceType: "virtualMachines",
      name: s.name,
      tier: "Standard",
      size: s.name.replace(/^Standard_/, ""),
      family: s.family,
      locations: [region],
      locationInfo: [{ location: region, zones: s.zones, zoneDetails: [] }],
      capabilities: [
        { name: "vCPUs", value: String(s.vcpus) },
        { name: "vCPUsAvailable", value: String(s.vcpus) },
      ],
      restrictions: s.restrictions.map((r) => ({
        type: r.type,
        values: [region],
        restrictionInfo: r.type === "Zone" ? { locations: [region], zones: r.zones ?? [] } : { locations: [region] },
        reasonCode: r.reasonCode,
      })),
    })),
  );
  return paged(ctx, items);
}

function kubernetesVersions(ctx: RequestContext, d: PreflightData): Reply {
  return (
    knownRegion(ctx, d) ?? {
      status: 200,
      body: {
        values: d.kubernetesVersions.map((v) => ({
          version: v.version,
          capabilities: { supportPlan: v.supportPlans },
          isPreview: v.preview === true,
          patchVersions: Object.fromEntries(v.patches.map((p) => [p, { upgrades: [] }])),
        })),
      },
    }
  );
}

function postgresCapabilities(ctx: RequestContext, d: PreflightData): Reply {
  const p = d.postgres;
  const enabled = (b: boolean): string => (b ? "Enabled" : "Disabled");
  return (
    knownRegion(ctx, d) ?? {
      status: 200,
      body: {
        value: [
          {
            name: "FlexibleServerCapabilities",
            supportedServerEditions: p.editions.map((e) => ({
              name: e.name,
              defaultSkuName: e.skus[0]?.name,
              supportedStorageEditions: [
                {
                  name: "ManagedDisk",
                  defaultStorageSizeMb: 65536,
                  supportedStorageMb: e.storageMb.map((mb) => ({
                    storageSizeMb: mb,
                    supportedIops: 500,
                    status: "Available",
                  })),
                },
              ],
              supportedServerSkus: e.skus.map((s) => ({
                name: s.name,
                vCores: s.vCores,
                supportedHaMode: s.haModes,
                supportedZones: ["1", "2", "3"],
                status: "Available",
              })),
              status: "Available",
            })),
            supportedServerVersions: p.versions.map((name) => ({
              name,
              supportedVersionsToUpgrade: [],
              status: "Available",
            })),
            zoneRedundantHaSupported: enabled(p.zoneRedundantHa),
            zoneRedundantHaAndGeoBackupSupported: enabled(p.zoneRedundantHa),
            geoBackupSupported: "Enabled",
            restricted: enabled(p.restricted),
            ...(p.reason ? { reason: p.reason } : {}),
            status: "Available",
          },
        ],
      },
    }
  );
}

function openaiModels(ctx: RequestContext, d: PreflightData): Reply {
  return (
    knownRegion(ctx, d) ??
    paged(
      ctx,
      d.openaiModels.map((m) => ({
        kind: "OpenAI",
        skuName: "S0",
        model: {
          format: "OpenAI",
          name: m.name,
          version: m.version,
          lifecycleStatus: "GenerallyAvailable",
          skus: m.skus.map((sku) => ({
            name: sku,
            usageName: `OpenAI.${sku}.${m.name}`,
            capacity: { default: 10, maximum: 1000 },
          })),
        },
      })),
    )
  );
}

function openaiUsages(ctx: RequestContext, d: PreflightData): Reply {
  return knownRegion(ctx, d) ?? paged(ctx, d.openaiUsages.map(usage));
}

function provider(ctx: RequestContext, d: PreflightData): Reply {
  const ns = Object.keys(d.providers).find((n) => n.toLowerCase() === (ctx.params.ns ?? "").toLowerCase());
  if (!ns)
    return armError(404, "InvalidResourceNamespace", `The resource namespace '${ctx.params.ns ?? ""}' is invalid.`);
  return {
    status: 200,
    body: {
      id: `/subscriptions/${ctx.identity.subscriptionId}/providers/${ns}`,
      namespace: ns,
      registrationState: d.providers[ns],
      resourceTypes: [],
    },
  };
}

/** A cluster the preflight data runs, else one a day-2 scenario scripted (scenario.resources), else none. */
function managedCluster(ctx: RequestContext, d: PreflightData): Reply {
  const name = ctx.params.cluster ?? "";
  const pools = Object.entries(d.clusters).find(([cluster]) => cluster.toLowerCase() === name.toLowerCase())?.[1];
  const existing = pools ? undefined : scripted(ctx.state, "Microsoft.ContainerService/managedClusters", name);
  if (existing) return { status: 200, body: { name, type: "Microsoft.ContainerService/managedClusters", ...existing } };
  if (!pools)
    return armError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.ContainerService/managedClusters/${ctx.params.cluster ?? ""}' was not found.`,
    );
  return {
    status: 200,
    body: {
      name: ctx.params.cluster,
      properties: {
        provisioningState: "Succeeded",
        agentPoolProfiles: pools.map((p) => ({ ...p, mode: p.name === "system" ? "System" : "User" })),
      },
    },
  };
}

/** A vault exists once a succeeded deployment declared it (nested modules included) or a secret was put in it. */
function vaultExists(state: EmulatorState, vaultPath: string, name: string): boolean {
  if ([...state.secrets.keys()].some((key) => key.startsWith(`${vaultPath.toLowerCase()}/secrets/`))) return true;
  return [...state.deployments.values()]
    .filter((d) => d.state === "Succeeded")
    .some((d) =>
      nestedScopes({ template: d.template, parameters: d.parameters }).some((scope) =>
        declaredResources(scope.template).some(
          ({ resource }) =>
            String(resource.type).toLowerCase() === "microsoft.keyvault/vaults" &&
            String(resolve(resource.name, scope)).toLowerCase() === name.toLowerCase(),
        ),
      ),
    );
}

function vault(ctx: RequestContext): Reply {
  const { rg, vault: name } = ctx.params;
  const id =
    `/subscriptions/${ctx.identity.subscriptionId}/resourceGroups/${rg ?? ""}` +
    `/providers/Microsoft.KeyVault/vaults/${name ?? ""}`;
  if (!vaultExists(ctx.state, id, name ?? ""))
    return armError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.KeyVault/vaults/${name ?? ""}' under resource group '${rg ?? ""}' was not found.`,
    );
  for (const secret of preflightData(ctx.state).operatorUploads) {
    const key = `${id}/secrets/${secret}`.toLowerCase();
    if (!ctx.state.secrets.has(key))
      ctx.state.secrets.set(key, { value: `uploaded-by-the-operator-${newId()}`, updated: new Date() });
  }
  return {
    status: 200,
    body: {
      id,
      name,
      type: "Microsoft.KeyVault/vaults",
      // The emulator plays the vault's data plane at its own address (keyvault-data.ts).
      properties: { vaultUri: `${ctx.baseUrl}/keyvault/${name ?? ""}/`, provisioningState: "Succeeded" },
    },
  };
}

const RG = String.raw`${SUB}/resourceGroups/(?<rg>[^/]+)`;

/** A Network Watcher, or its flow logs (paged), as ARM answers; 403 in a group the identity may not read. */
function networkWatcher(ctx: RequestContext, d: PreflightData): Reply {
  const { rg = "", watcher = "" } = ctx.params;
  if (d.forbiddenResourceGroups.some((g) => g.toLowerCase() === rg.toLowerCase()))
    return armError(
      403,
      "AuthorizationFailed",
      `The client '${ctx.identity.clientId}' does not have authorization to ` +
        `perform action 'Microsoft.Network/networkWatchers/read' over scope ` +
        `'/subscriptions/${ctx.identity.subscriptionId}/resourceGroups/${rg}'.`,
    );
  const found = d.networkWatchers.find(
    (w) => w.resourceGroup.toLowerCase() === rg.toLowerCase() && w.name.toLowerCase() === watcher.toLowerCase(),
  );
  const id =
    `/subscriptions/${ctx.identity.subscriptionId}/resourceGroups/${rg}` +
    `/providers/Microsoft.Network/networkWatchers/${watcher}`;
  if (!found)
    return armError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.Network/networkWatchers/${watcher}' under resource group '${rg}' was not found.`,
    );
  if (ctx.url.pathname.toLowerCase().endsWith("/flowlogs"))
    return paged(
      ctx,
      found.flowLogs.map((l) => ({
        id: `${id}/flowLogs/${l.name}`,
        name: l.name,
        type: "Microsoft.Network/networkWatchers/flowLogs",
        properties: { targetResourceId: l.targetResourceId, enabled: true, provisioningState: "Succeeded" },
      })),
    );
  return {
    status: 200,
    body: {
      id,
      name: found.name,
      type: "Microsoft.Network/networkWatchers",
      properties: { provisioningState: "Succeeded" },
    },
  };
}

export const preflightRoutes: Route[] = [
  route(`${SUB}/providers/Microsoft\\.Compute${LOCATION}/usages$`, computeUsages),
  route(`${SUB}/providers/Microsoft\\.Compute/skus$`, skus),
  route(`${SUB}/providers/Microsoft\\.ContainerService${LOCATION}/kubernetesVersions$`, kubernetesVersions),
  route(`${SUB}/providers/Microsoft\\.DBforPostgreSQL${LOCATION}/capabilities$`, postgresCapabilities),
  route(`${SUB}/providers/Microsoft\\.CognitiveServices${LOCATION}/models$`, openaiModels),
  route(`${SUB}/providers/Microsoft\\.CognitiveServices${LOCATION}/usages$`, openaiUsages),
  route(`${SUB}/providers/(?<ns>[^/]+)$`, provider),
  route(`${RG}/providers/Microsoft\\.ContainerService/managedClusters/(?<cluster>[^/]+)$`, managedCluster),
  route(`${RG}/providers/Microsoft\\.Network/networkWatchers/(?<watcher>[^/]+)(/flowLogs)?$`, networkWatcher),
  {
    methods: ["GET"],
    pattern: new RegExp(`${RG}/providers/Microsoft\\.KeyVault/vaults/(?<vault>[^/]+)$`, "i"),
    arm: true,
    handle: vault,
  },
];
