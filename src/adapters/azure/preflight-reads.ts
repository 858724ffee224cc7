// Reads what the preflight judges, over the ArmClient's pipeline (so throttling and retries
// behave as for every other ARM call): quotas, VM SKUs and their restrictions, AKS versions,
// PostgreSQL capabilities, Azure OpenAI models and quota, provider registrations, and which
// operator secrets the Key Vault holds (by name on the management plane, never values).
import type {
  Arm,
  CertificateRead,
  KubernetesVersionFacts,
  NetworkWatcherFacts,
  OpenAiFacts,
  PostgresFacts,
  PreflightNeeds,
  PreflightReads,
  Usage,
  VaultFacts,
  VmSkuFacts,
} from "../../engine/ports.js";
import { certificateFacts } from "../tls-certificate.js";
import type { Environment } from "../../model/environment.js";
import { keyVaultId, networkWatcherId } from "../../model/resource-ids.js";
import { wafOf } from "../../model/resolve.js";
import { ArmRequestError } from "./arm-errors.js";

/** api-versions of the read-only calls (azure-rest-api-specs, stable). */
export const PREFLIGHT_API = {
  computeUsages: "2024-07-01",
  resourceSkus: "2021-07-01",
  kubernetesVersions: "2024-09-01",
  managedClusters: "2025-07-01",
  postgresCapabilities: "2024-08-01",
  cognitiveServices: "2024-10-01",
  providers: "2021-04-01",
  keyVault: "2023-07-01",
  networkWatchers: "2025-05-01",
} as const;

type JsonReader = Pick<Arm, "getJson" | "readKeyVaultSecret">;

/** getJson, typed: ARM's answer is trusted for shape only as far as each reader checks it. */
const getAs = async <T>(arm: JsonReader, path: string, apiVersion: string): Promise<T | undefined> =>
  (await arm.getJson(path, apiVersion)) as T | undefined;

interface Page<T> {
  value?: T[];
  nextLink?: string;
}

interface WireUsage {
  name?: { value?: string; localizedValue?: string };
  currentValue?: number;
  limit?: number;
}

interface WireSku {
  resourceType?: string;
  name?: string;
  family?: string;
  locationInfo?: { location?: string; zones?: string[] }[];
  capabilities?: { name?: string; value?: string }[];
  restrictions?: { type?: string; reasonCode?: string; restrictionInfo?: { zones?: string[] } }[];
}

interface WirePostgres {
  supportedServerEditions?: {
    name?: string;
    supportedStorageEditions?: { supportedStorageMb?: { storageSizeMb?: number }[] }[];
    supportedServerSkus?: { name?: string; supportedHaMode?: string[] }[];
  }[];
  supportedServerVersions?: { name?: string }[];
  zoneRedundantHaSupported?: string;
  restricted?: string;
  reason?: string;
}

interface WireModel {
  model?: { name?: string; version?: string; skus?: { name?: string; usageName?: string }[] };
}

interface WireOpenAiDeployment {
  name?: string;
  sku?: { name?: string; capacity?: number };
  properties?: { model?: { name?: string } };
}

const enc = encodeURIComponent;
const isZone = (restriction: { type?: string }): boolean => (restriction.type ?? "").toLowerCase() === "zone";

/** Every page of a list. A nextLink is followed on the ARM endpoint only: its host is never trusted. */
async function listAll<T>(arm: JsonReader, path: string, apiVersion: string): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = path;
  for (let page = 0; next !== undefined && page < 100; page += 1) {
    const body: Page<T> | undefined = await getAs<Page<T>>(arm, next, apiVersion);
    out.push(...(body?.value ?? []));
    next = body?.nextLink ? relative(body.nextLink) : undefined;
  }
  return out;
}

function relative(link: string): string {
  const url = new URL(link, "https://arm.invalid");
  return `${url.pathname}${url.search}`;
}

const toUsage = (u: WireUsage): Usage => ({
  name: u.name?.value ?? "",
  label: u.name?.localizedValue ?? u.name?.value ?? "",
  current: u.currentValue ?? 0,
  limit: u.limit ?? 0,
});

function toSku(s: WireSku, location: string): VmSkuFacts {
  const info = (s.locationInfo ?? []).find((l) => (l.location ?? "").toLowerCase() === location.toLowerCase());
  const vcpus = Number((s.capabilities ?? []).find((c) => c.name === "vCPUs")?.value);
  return {
    name: s.name ?? "",
    ...(s.family ? { family: s.family } : {}),
    ...(Number.isFinite(vcpus) && vcpus > 0 ? { vcpus } : {}),
    zones: info?.zones ?? [],
    restrictions: (s.restrictions ?? []).map((r) => ({
      type: isZone(r) ? ("Zone" as const) : ("Location" as const),
      ...(r.reasonCode ? { reasonCode: r.reasonCode } : {}),
      zones: r.restrictionInfo?.zones ?? [],
    })),
  };
}

function toPostgres(capabilities: WirePostgres[]): PostgresFacts | undefined {
  const c = capabilities.find((x) => (x.supportedServerEditions ?? []).length > 0) ?? capabilities[0];
  if (!c) return undefined;
  return {
    restricted: (c.restricted ?? "").toLowerCase() === "enabled",
    ...(c.reason ? { reason: c.reason } : {}),
    zoneRedundantHa: (c.zoneRedundantHaSupported ?? "").toLowerCase() === "enabled",
    versions: (c.supportedServerVersions ?? []).map((v) => v.name ?? ""),
    editions: (c.supportedServerEditions ?? []).map((e) => ({
      name: e.name ?? "",
      skus: (e.supportedServerSkus ?? []).map((s) => ({ name: s.name ?? "", haModes: s.supportedHaMode ?? [] })),
      storageMb: (e.supportedStorageEditions ?? []).flatMap((st) =>
        (st.supportedStorageMb ?? []).map((m) => m.storageSizeMb ?? 0),
      ),
    })),
  };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The ingress certificate's content, read on the Key Vault data plane. That needs Key Vault Secrets User (Owner
 * alone grants no data action) and a network path to the vault: without either the content stays unchecked.
 */
async function readCertificate(
  arm: JsonReader,
  vaultUri: string | undefined,
  env: Environment,
): Promise<CertificateRead> {
  const name = env.network.ingress.tlsSecretName;
  if (!arm.readKeyVaultSecret || !vaultUri)
    return { status: "unreadable", reason: "the vault's data plane is not known" };
  try {
    const secret = await arm.readKeyVaultSecret(vaultUri, name);
    if (!secret) return { status: "unreadable", reason: `the data plane has no secret ${name}` };
    return {
      status: "read",
      facts: certificateFacts(name, secret.value, secret.contentType, env.network.ingress.host),
    };
  } catch (error) {
    return { status: "unreadable", reason: messageOf(error) };
  }
}

/** The WAF listener's certificate on the management plane: exists, and its content type (PFX or PEM). */
async function gatewayCertificate(
  arm: JsonReader,
  vaultId: string,
  env: Environment,
): Promise<Pick<VaultFacts, "gatewayCertificate">> {
  const waf = wafOf(env);
  if (!waf.enabled) return {};
  const secret = (await arm.getJson(`${vaultId}/secrets/${enc(waf.certificateName)}`, PREFLIGHT_API.keyVault)) as
    | { properties?: { contentType?: unknown } }
    | undefined;
  const contentType = secret?.properties?.contentType;
  return {
    gatewayCertificate: {
      present: secret !== undefined,
      ...(typeof contentType === "string" ? { contentType } : {}),
    },
  };
}

export function azurePreflightReads(arm: JsonReader): PreflightReads {
  const vault = async (env: Environment, needs: PreflightNeeds): Promise<VaultFacts> => {
    const id = keyVaultId(env);
    const found = await getAs<{ properties?: { vaultUri?: unknown } }>(arm, id, PREFLIGHT_API.keyVault);
    if (found === undefined) return { exists: false, present: [] };
    const present: string[] = [];
    for (const secret of needs.operatorSecrets) {
      // GET of the secret resource: its attributes only; ARM never returns a value.
      if ((await arm.getJson(`${id}/secrets/${enc(secret.name)}`, PREFLIGHT_API.keyVault)) !== undefined)
        present.push(secret.name);
    }
    const gateway = await gatewayCertificate(arm, id, env);
    const { tls, tlsSecretName } = env.network.ingress;
    if (!tls || !present.includes(tlsSecretName)) return { exists: true, present, ...gateway };
    const vaultUri = typeof found.properties?.vaultUri === "string" ? found.properties.vaultUri : undefined;
    return { exists: true, present, certificate: await readCertificate(arm, vaultUri, env), ...gateway };
  };

  return {
    vault,
    async read(env, needs) {
      const sub = `/subscriptions/${env.azure.subscriptionId}`;
      const location = env.azure.location;
      const group = `${sub}/resourceGroups/${env.names.resourceGroup}`;
      const filter = `$filter=${enc(`location eq '${location}'`)}`;
      const [usages, skus, versions, cluster, postgres, providers, vaultFacts, openai, watcher] = await Promise.all([
        listAll<WireUsage>(
          arm,
          `${sub}/providers/Microsoft.Compute/locations/${enc(location)}/usages`,
          PREFLIGHT_API.computeUsages,
        ),
        listAll<WireSku>(arm, `${sub}/providers/Microsoft.Compute/skus?${filter}`, PREFLIGHT_API.resourceSkus),
        getAs<{
          values?: {
            version?: string;
            isPreview?: boolean;
            capabilities?: { supportPlan?: string[] };
            patchVersions?: Record<string, unknown>;
          }[];
        }>(
          arm,
          `${sub}/providers/Microsoft.ContainerService/locations/${enc(location)}/kubernetesVersions`,
          PREFLIGHT_API.kubernetesVersions,
        ),
        getAs<{ properties?: { agentPoolProfiles?: { vmSize?: string; count?: number }[] } }>(
          arm,
          `${group}/providers/Microsoft.ContainerService/managedClusters/${enc(env.names.aks)}`,
          PREFLIGHT_API.managedClusters,
        ),
        listAll<WirePostgres>(
          arm,
          `${sub}/providers/Microsoft.DBforPostgreSQL/locations/${enc(location)}/capabilities`,
          PREFLIGHT_API.postgresCapabilities,
        ),
        Promise.all(
          needs.providers.map(async (ns) => {
            const provider = await getAs<{ registrationState?: string }>(
              arm,
              `${sub}/providers/${enc(ns)}`,
              PREFLIGHT_API.providers,
            );
            return [ns, provider?.registrationState ?? "NotFound"] as const;
          }),
        ),
        vault(env, needs),
        env.openai.enabled ? readOpenAi(arm, env, group) : Promise.resolve(undefined),
        env.security?.flowLogs.enabled ? readNetworkWatcher(arm, env) : Promise.resolve(undefined),
      ]);
      const kubernetesVersions: KubernetesVersionFacts[] = (versions?.values ?? []).map((v) => ({
        version: v.version ?? "",
        supportPlans: v.capabilities?.supportPlan ?? [],
        patches: Object.keys(v.patchVersions ?? {}),
        preview: v.isPreview === true,
      }));
      return {
        location,
        subscriptionId: env.azure.subscriptionId,
        compute: {
          usages: usages.map(toUsage),
          skus: skus
            .filter((s) => (s.resourceType ?? "").toLowerCase() === "virtualmachines")
            .map((s) => toSku(s, location)),
        },
        runningNodes: (cluster?.properties?.agentPoolProfiles ?? []).map((p) => ({
          vmSize: p.vmSize ?? "",
          count: p.count ?? 0,
        })),
        kubernetesVersions,
        ...(toPostgres(postgres) ? { postgres: toPostgres(postgres) } : {}),
        ...(openai ? { openai } : {}),
        ...(watcher ? { networkWatcher: watcher } : {}),
        providers: Object.fromEntries(providers),
        vault: vaultFacts,
      };
    },
  };
}

async function readOpenAi(arm: JsonReader, env: Environment, group: string): Promise<OpenAiFacts> {
  const location = env.openai.location;
  const base =
    `/subscriptions/${env.azure.subscriptionId}` + `/providers/Microsoft.CognitiveServices/locations/${enc(location)}`;
  const [models, usages, deployed] = await Promise.all([
    listAll<WireModel>(arm, `${base}/models`, PREFLIGHT_API.cognitiveServices),
    listAll<WireUsage>(arm, `${base}/usages`, PREFLIGHT_API.cognitiveServices),
    listAll<WireOpenAiDeployment>(
      arm,
      `${group}/providers/Microsoft.CognitiveServices/accounts/${enc(env.names.openai)}/deployments`,
      PREFLIGHT_API.cognitiveServices,
    ),
  ]);
  return {
    location,
    models: models.map((m) => ({
      name: m.model?.name ?? "",
      version: m.model?.version ?? "",
      skus: (m.model?.skus ?? []).map((s) => ({
        name: s.name ?? "",
        ...(s.usageName ? { usageName: s.usageName } : {}),
      })),
    })),
    usages: usages.map(toUsage),
    deployed: deployed.map((d) => ({
      name: d.name ?? "",
      sku: d.sku?.name ?? "",
      model: d.properties?.model?.name ?? "",
      capacity: d.sku?.capacity ?? 0,
    })),
  };
}

/** The watcher and its flow logs; a 403 is a finding (the deploy would fail there), not a failed preflight. */
async function readNetworkWatcher(arm: JsonReader, env: Environment): Promise<NetworkWatcherFacts> {
  const id = networkWatcherId(env);
  try {
    if ((await arm.getJson(id, PREFLIGHT_API.networkWatchers)) === undefined) return { status: "missing" };
    const logs = await listAll<{ name?: string; properties?: { targetResourceId?: string } }>(
      arm,
      `${id}/flowLogs`,
      PREFLIGHT_API.networkWatchers,
    );
    return {
      status: "exists",
      flowLogs: logs.map((l) => ({ name: l.name ?? "", targetResourceId: l.properties?.targetResourceId ?? "" })),
    };
  } catch (error) {
    if (error instanceof ArmRequestError && error.statusCode === 403)
      return { status: "forbidden", message: error.error.message };
    throw error;
  }
}
