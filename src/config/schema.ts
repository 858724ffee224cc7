// The JSON Schema (draft 2020-12) of environment files, built from the component catalogue
// and the profiles so that it can never disagree with them. `npm run build` writes it to
// schema/environment.schema.json for editors (yaml-language-server); a test keeps it fresh.
import { CLOUD_NAMES } from "../catalogue/azure-regions.js";
import { COMPONENTS } from "../catalogue/components.js";
import { ADDONS, COMPANION_RELEASES } from "../catalogue/platform.js";
import { PROFILE_KEYS, PROFILES } from "../catalogue/profiles.js";
import { DEFAULTS } from "../model/defaults.js";
import { POD_SECURITY_INITIATIVES, POD_SECURITY_SYSTEM_NAMESPACES } from "../catalogue/pod-security.js";
import {
  allowedEffects,
  AUDIT_IN_PRODUCTION,
  HOST_PATH_EXCLUSIONS,
  READ_ONLY_ROOT_EXCLUSIONS,
  KUBERNETES_POLICIES,
  KUBERNETES_POLICY_KEYS,
} from "../catalogue/kubernetes-policies.js";
import { CIDR_PATTERN } from "./cidr.js";
import { CPU_PATTERN, MEMORY_PATTERN } from "./quantity.js";

type Schema = Record<string, unknown>;

export const SCHEMA_ID = "https://codemie-gitops.dev/schema/environment.schema.json";

const UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
const HOSTNAME = "^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$";
const SEMVER = "^[0-9]+\\.[0-9]+\\.[0-9]+$";
const GIT_REF = "^(?!.*\\.\\.)(?!/)(?!.*//)(?!.*/$)[A-Za-z0-9._/-]{1,200}$";
const REPO_PATH = "^(?!/)(?!.*\\.\\.)[A-Za-z0-9._/-]{1,200}$";

const REGION = "^[a-z][a-z0-9]{2,30}$";
const PREFIX = "^[a-z][a-z0-9]{1,9}$";
const RESOURCE_GROUP = "^[-\\w._()]{1,89}[-\\w_()]$";
const VM_SIZE = "^(auto|Standard_[A-Za-z0-9_]{2,40})$";
const PG_SKU = "^Standard_[A-Za-z0-9_]{2,30}$";
const K8S_NAME = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
const IPV4 = "^([0-9]{1,3}\\.){3}[0-9]{1,3}$";
const NETWORK_RESOURCE = "^[A-Za-z0-9]([-\\w.]{0,78}\\w)?$";
/** A Key Vault object name: letters, digits and hyphens. */
const KEY_VAULT_NAME = "^[0-9A-Za-z-]{1,127}$";
/** One known_hosts line: host(s), key type, base64 key. */
const KNOWN_HOST =
  "^[A-Za-z0-9.,:\\[\\]-]+ " +
  "(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|ssh-rsa) " +
  "[A-Za-z0-9+/]+={0,2}$";
const HTTPS_REPO = "^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/[A-Za-z0-9._/-]+$";
const DEPLOYMENT_NAME = "^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$";
const MODEL_NAME = "^[A-Za-z0-9][A-Za-z0-9.-]{1,63}$";
const MODEL_VERSION = "^[A-Za-z0-9][A-Za-z0-9.-]{0,31}$";
const KEYCLOAK_USER = "^[a-z0-9][a-z0-9._@-]{1,62}$";
const EMAIL = "^[^@\\s]{1,64}@[A-Za-z0-9.-]{1,253}$";
const PROJECT = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
const ENTRA_GROUP_NAME = "^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,127}$";

/** An image repository, or a registry prefix ending in "/" that allows every repository below it. */
const IMAGE_SOURCE = "^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*/?$";

/** An environment's name (its file's base name); config/environment-name.ts checks the same. */
const ENV_NAME = "^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$";

/** What every pattern of the schema accepts, in words, for error messages (a test checks coverage). */
export const PATTERN_TEXT: Record<string, string> = {
  [ENV_NAME]: "an environment name such as staging (1-12 lowercase letters, digits or hyphens)",
  [UUID]: "a GUID such as 00000000-0000-0000-0000-000000000000",
  [KNOWN_HOST]: "a known_hosts line such as `ghes.example.com ssh-ed25519 AAAAC3Nza…` (ssh-keyscan HOST)",
  [HOSTNAME]: "a lowercase DNS name such as codemie.example.com",
  [SEMVER]: "a release number such as 2.57.2",
  [GIT_REF]: "a branch name of letters, digits, . _ / - (no .., no leading or trailing /)",
  [REPO_PATH]: "a relative path of letters, digits, . _ / - (no .., no leading /)",
  [REGION]: "an Azure region name in lowercase letters and digits, such as westeurope",
  [PREFIX]: "2-10 lowercase letters and digits, starting with a letter",
  [RESOURCE_GROUP]: "1-90 letters, digits, - _ . ( ), not ending in a period",
  [VM_SIZE]: "an Azure VM size such as Standard_E8ds_v5, or auto",
  [PG_SKU]: "a PostgreSQL Flexible Server SKU such as Standard_D4ds_v5",
  [K8S_NAME]: "a Kubernetes name: lowercase letters, digits and hyphens",
  [IMAGE_SOURCE]:
    "an image repository such as myacr.azurecr.io/codemie/api, or a registry prefix such as myacr.azurecr.io/",
  [IPV4]: "an IPv4 address such as 172.16.0.10",
  [NETWORK_RESOURCE]: "an Azure network resource name such as NetworkWatcher_westeurope (letters, digits, - _ .)",
  [KEY_VAULT_NAME]: "a Key Vault certificate name such as codemie-gateway-tls (letters, digits, -)",
  [HTTPS_REPO]: "an https:// repository URL such as https://github.com/acme/codemie-platform",
  [DEPLOYMENT_NAME]: "letters, digits, . _ -, up to 64 characters",
  [MODEL_NAME]: "a model name of letters, digits, . and -",
  [MODEL_VERSION]: "a model version of letters, digits, . and -",
  [KEYCLOAK_USER]: "a Keycloak user name of lowercase letters, digits, . _ @ -",
  [EMAIL]: "an email address such as admin@example.com",
  [PROJECT]: "a CodeMie project name of letters, digits, . _ -",
  [ENTRA_GROUP_NAME]: "an Entra group display name of letters, digits, spaces, . _ @ -",
  [MEMORY_PATTERN]: "a Kubernetes quantity such as 512Mi or 16Gi",
  [CPU_PATTERN]: "a Kubernetes CPU quantity such as 2, 0.5 or 500m",
  [CIDR_PATTERN]: "an IPv4 CIDR such as 10.40.0.0/16",
};
/** Azure tag names may not contain < > % & \ ? / ; values are any printable text up to 256. */
const TAG_NAME = "^[^<>%&\\\\?/]{1,512}$";

const obj = (description: string, properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: "object",
  description,
  additionalProperties: false,
  properties,
  ...extra,
});
const str = (description: string, extra: Schema = {}): Schema => ({ type: "string", description, ...extra });
const int = (description: string, minimum: number, maximum: number, extra: Schema = {}): Schema => ({
  type: "integer",
  description,
  minimum,
  maximum,
  ...extra,
});
const bool = (description: string, def: boolean): Schema => ({ type: "boolean", description, default: def });

const memory = (description: string, def?: string): Schema =>
  str(`${description} Kubernetes quantity, e.g. "512Mi" or "16Gi".`, {
    pattern: MEMORY_PATTERN,
    ...(def ? { default: def, examples: [def] } : {}),
  });
const cpu = (description: string, def?: string): Schema =>
  str(`${description} Kubernetes CPU quantity: cores ("4", "0.5") or millicores ("100m").`, {
    pattern: CPU_PATTERN,
    ...(def ? { default: def, examples: [def] } : {}),
  });

/** Per-environment Helm values of one release: merged last, checked against what the chart reads. */
const helmValues = (release: string): Schema => ({
  type: "object",
  description:
    `Helm values merged last into release ${release}'s values (Flux ` +
    `spec.values, over the rendered values). Every key must be one the chart ` +
    `reads (its defaults or templates).`,
});

function componentSchema(): Schema {
  const properties: Record<string, Schema> = {};
  const prod = PROFILES.production.components;
  for (const c of COMPONENTS) {
    const table = prod[c.key];
    const props: Record<string, Schema> = {};
    if (c.optional) props.enabled = bool(`Deploy ${c.displayName}. Optional component.`, table.enabled);
    if (c.kind === "Deployment" || c.kind === "StatefulSet") {
      props.replicas = int(`Pods of ${c.displayName}. Table: ${table.replicas}.`, 1, 50, { default: table.replicas });
    }
    if (c.kind !== "managed") {
      props.memory = memory(
        `Memory request (and limit) per ${c.displayName} pod. Table: ${table.memory}.`,
        table.memory,
      );
      props.cpu = cpu(`CPU request per ${c.displayName} pod. Table: ${table.cpu}.`, table.cpu);
    }
    if (c.kind === "StatefulSet" && table.storage) {
      props.storage = memory(`Persistent volume per ${c.displayName} pod. Table: ${table.storage}.`, table.storage);
    }
    if (table.companion && "companion" in c) {
      const comp = table.companion;
      props.companion = obj(`${c.companion.displayName}: the "+" workload of the table row "${c.displayName}".`, {
        memory: memory(`Memory request per ${c.companion.displayName} pod.`, comp.memory),
        cpu: cpu(`CPU request per ${c.companion.displayName} pod.`, comp.cpu),
        ...(comp.storage ? { storage: memory(`Persistent volume of ${c.companion.displayName}.`, comp.storage) } : {}),
        ...Object.fromEntries(
          Object.values(COMPANION_RELEASES)
            .filter((r) => r.parent === c.key)
            .map((r) => ["values", helmValues(r.release)]),
        ),
      });
    }
    if (c.key === "keycloak") {
      props.database = str(
        "Where Keycloak's database lives: `inCluster` (the table's \"+ DB\", 1 " +
          "GB volume) or `managed` (a `keycloak` database on the environment's " +
          "PostgreSQL Flexible Server).",
        {
          enum: ["inCluster", "managed"],
          default: DEFAULTS.keycloakDatabase,
        },
      );
    }
    if (c.kind === "managed") continue; // PostgreSQL is sized under `postgres`.
    if (c.release) props.values = helmValues(c.release);
    properties[c.key] = obj(`${c.displayName}: ${c.summary} Overrides the profile's sizing.`, props);
  }
  return obj(
    "Per-component overrides of the profile's sizing. Omit a component to take the profile's values.",
    properties,
  );
}

function nodePoolSchema(name: string, def: { vmSize: string; minCount: number; maxCount: number }): Schema {
  return obj(
    `The ${name} node pool. Fixed size with \`count\`, autoscaled with ` +
      `\`minCount\`/\`maxCount\`, or \`auto\` to let the capacity planner ` +
      `decide.`,
    {
      vmSize: str(
        "Azure VM size, e.g. Standard_E8ds_v5, or `auto` for the cheapest size " +
          "from `aks.autoSizing.families` that fits.",
        {
          pattern: VM_SIZE,
          default: def.vmSize,
          examples: [def.vmSize],
        },
      ),
      count: {
        description: "Fixed node count (no autoscaler), or `auto`.",
        oneOf: [{ type: "integer", minimum: 1, maximum: 1000 }, { const: "auto" }],
      },
      minCount: int("Autoscaler minimum.", 1, 1000, { default: def.minCount }),
      maxCount: int("Autoscaler maximum.", 1, 1000, { default: def.maxCount }),
    },
  );
}

export function buildEnvironmentSchema(): Schema {
  const pools = PROFILES.production.infra.nodePools;
  const pg = PROFILES.production.infra.postgres;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: SCHEMA_ID,
    title: "codemie-gitops environment",
    description: "One CodeMie environment on Azure. The file name (without .yaml) is the environment name.",
    type: "object",
    additionalProperties: false,
    required: ["azure", "network", "gitops"],
    properties: {
      profile: str(
        "Sizing profile. `production` is the resource table for 500+ concurrent " +
          "users; `small` suits teams up to about 50.",
        {
          enum: [...PROFILE_KEYS],
          default: DEFAULTS.profile,
        },
      ),
      codemie: obj("The CodeMie release to deploy.", {
        version: str("CodeMie release (x.y.z); CodeMie's own charts and images use this version.", {
          pattern: SEMVER,
          default: DEFAULTS.codemieVersion,
          examples: [DEFAULTS.codemieVersion],
        }),
      }),
      azure: obj(
        "Azure placement.",
        {
          tenantId: str("Entra ID tenant ID (GUID).", { pattern: UUID }),
          subscriptionId: str("Subscription ID (GUID).", { pattern: UUID }),
          location: str("Azure region name, e.g. westeurope.", { pattern: REGION, examples: ["westeurope"] }),
          cloud: str(
            "Azure cloud of the subscription: `public`, `usgov` (Azure Government) " +
              "or `china` (operated by 21Vianet). Validation checks the regions " +
              "against it.",
            {
              enum: [...CLOUD_NAMES],
              default: DEFAULTS.azure.cloud,
            },
          ),
          namePrefix: str(
            "Prefix of every derived resource name: 2-10 lowercase letters and digits, starting with a letter.",
            {
              pattern: PREFIX,
              default: DEFAULTS.azure.namePrefix,
            },
          ),
          resourceGroup: str("Resource group to create; default rg-<prefix>-<env>.", { pattern: RESOURCE_GROUP }),
          production: bool(
            "Marks the environment as production: CanNotDelete locks on stateful " +
              "resources, Retain volumes, N+1 node headroom.",
            DEFAULTS.azure.production,
          ),
          tags: {
            type: "object",
            description: "Tags on every resource (environment and managed-by tags are added).",
            maxProperties: 40,
            propertyNames: { pattern: TAG_NAME },
            additionalProperties: { type: "string", maxLength: 256 },
          },
        },
        { required: ["tenantId", "subscriptionId", "location"] },
      ),
      network: obj(
        "Virtual network and ingress.",
        {
          vnetCidr: str("Address space of the spoke VNet.", { pattern: CIDR_PATTERN, examples: ["10.40.0.0/16"] }),
          subnets: obj(
            "Subnets inside `vnetCidr`.",
            {
              system: str("AKS system node pool subnet.", { pattern: CIDR_PATTERN }),
              workloads: str("AKS workload node pool subnet.", { pattern: CIDR_PATTERN }),
              postgres: str("Subnet delegated to PostgreSQL Flexible Server (at least /28).", {
                pattern: CIDR_PATTERN,
              }),
              privateEndpoints: str("Subnet for private endpoints (Key Vault, Storage, OpenAI).", {
                pattern: CIDR_PATTERN,
              }),
              appGateway: str(
                "Subnet of the Application Gateway WAF (`ingress.waf`), for it alone: " +
                  "at least maxCapacity + 1 usable addresses (Azure recommends a /24). " +
                  "Required while the WAF is on; keep it once a gateway was deployed.",
                { pattern: CIDR_PATTERN },
              ),
              firewall: str(
                "AzureFirewallSubnet of the managed egress firewall (`egressFirewall.mode: managed`, " +
                  "production's default): at least /26, inside `vnetCidr`. The firewall takes its " +
                  "first usable address (.4 of the range), which the node subnets' default route points at.",
                { pattern: CIDR_PATTERN },
              ),
            },
            { required: ["system", "workloads", "postgres", "privateEndpoints"] },
          ),
          podCidr: str("Pod address space of Azure CNI overlay; must not overlap the VNet.", {
            pattern: CIDR_PATTERN,
            default: DEFAULTS.network.podCidr,
          }),
          serviceCidr: str("Kubernetes service address space; must not overlap the VNet or pods.", {
            pattern: CIDR_PATTERN,
            default: DEFAULTS.network.serviceCidr,
          }),
          dnsServiceIp: str("Cluster DNS service IP, inside `serviceCidr`.", {
            pattern: IPV4,
            default: DEFAULTS.network.dnsServiceIp,
          }),
          privateCluster: bool(
            "API server reachable only through a private endpoint; PaaS public access is then disabled.",
            DEFAULTS.network.privateCluster,
          ),
          egressFirewallIp: str(
            "Older spelling of `egressFirewall: { mode: hub, ip }`, still read: the private " +
              "address of a hub firewall that all node egress goes through.",
            { pattern: IPV4 },
          ),
          egressFirewall: obj(
            "Where node egress goes. Instead of the NAT gateway, a route 0.0.0.0/0 on the node " +
              "subnets sends it through a firewall (AKS outbound type userDefinedRouting) that " +
              "allows only bicep/egress-fqdns.txt. Needs an internal ingress (or a WAF in front): " +
              "a public load balancer's replies would leave through the firewall.",
            {
              mode: str(
                "`managed`: an Azure Firewall in `subnets.firewall`, its policy generated from the " +
                  "allow-list. `hub`: a firewall your landing zone runs at `ip` (reached by peering). " +
                  "`none`: direct egress through the NAT gateway. Default: `hub` when `ip` is set, " +
                  "else `managed` with `azure.production`, else `none`. Turn it off for cost, or " +
                  "when a landing-zone hub already inspects egress (use `hub`).",
                { enum: ["none", "hub", "managed"] },
              ),
              ip: str("Private address of the hub firewall (`mode: hub`).", { pattern: IPV4 }),
              sku: str(
                "Azure Firewall tier (`mode: managed`): Standard, or Premium, which adds intrusion " +
                  "detection and prevention (IDPS) in the threat-intelligence mode (Deny in production).",
                { enum: ["Standard", "Premium"], default: DEFAULTS.network.egressFirewall.sku },
              ),
            },
          ),
          networkWatcher: obj(
            "The region's Network Watcher, which VNet flow logs (security.flowLogs) " +
              "belong to. Azure creates one per region and subscription, by default " +
              "NetworkWatcher_<region> in resource group NetworkWatcherRG; a " +
              "subscription has at most one per region, so name the existing one when " +
              "your landing zone keeps it elsewhere. The deploy creates the flow log " +
              "in that resource group (docs/infrastructure.md: the deploy identity " +
              "needs write access there).",
            {
              resourceGroup: str("Resource group of the Network Watcher.", {
                pattern: RESOURCE_GROUP,
                default: DEFAULTS.network.networkWatcherResourceGroup,
              }),
              name: str("Name of the Network Watcher. Default: NetworkWatcher_<azure.location>.", {
                pattern: NETWORK_RESOURCE,
              }),
            },
          ),
          ingress: obj(
            "The one host that serves CodeMie: / (UI), /code-assistant-api, /oauth2, /keycloak, /kibana.",
            {
              host: str("Fully qualified host name, lowercase.", {
                pattern: HOSTNAME,
                examples: ["codemie.example.com"],
              }),
              tls: bool("Serve HTTPS with the certificate in `tlsSecretName`.", DEFAULTS.network.ingress.tls),
              tlsSecretName: str("Kubernetes TLS secret (synced from Key Vault) holding the certificate.", {
                pattern: K8S_NAME,
                default: DEFAULTS.network.ingress.tlsSecretName,
              }),
              internal: bool("Put ingress-nginx behind an internal load balancer.", DEFAULTS.network.ingress.internal),
              privateIp: str(
                "Fixed address of the internal load balancer (`internal: true`), inside " +
                  "`subnets.workloads` (not one of Azure's reserved first four or last). " +
                  "Default: the subnet's last usable address.",
                { pattern: IPV4 },
              ),
              dns: obj("The A record of `host`, pointing at the ingress load balancer's fixed address.", {
                mode: str(
                  "`azure`: the deploy keeps the record in an Azure DNS zone: a private " +
                    "zone linked to the VNet for an internal ingress, a public zone for a " +
                    "public one. `external`: you keep it in your own DNS; deploy and status " +
                    "print the record to create.",
                  { enum: ["azure", "external"], default: DEFAULTS.network.ingress.dns.mode },
                ),
                zone: str(
                  "DNS zone holding the record; `host` must be inside it. Default: `host` without its first label.",
                  { pattern: HOSTNAME },
                ),
                zoneResourceGroup: str(
                  "Resource group (same subscription) of an existing zone the deploy adds " +
                    "the record to. Default: the deploy creates the zone in the " +
                    "environment's resource group.",
                  { pattern: RESOURCE_GROUP },
                ),
              }),
              sourceRanges: {
                type: "array",
                description:
                  "Who may reach a public ingress (`internal: false`) on TCP 80/443: the " +
                  "node subnets' NSGs allow these CIDRs. Default: the whole internet. " +
                  "Ignored when the ingress is internal.",
                items: { type: "string", pattern: CIDR_PATTERN },
                minItems: 1,
                maxItems: 50,
                uniqueItems: true,
              },
              waf: obj(
                "An Application Gateway WAF_v2 in front of ingress-nginx (as the AKS " +
                  "baseline does): OWASP-based Microsoft_DefaultRuleSet 2.1 and bot rules, " +
                  "TLS 1.2 at least, HTTP redirected to HTTPS, end-to-end TLS to the " +
                  "ingress, which then always sits on its internal load balancer. " +
                  "`internal` chooses the gateway's listener: public address or private one " +
                  "in `subnets.appGateway`. Needs `subnets.appGateway` and `tls`.",
                {
                  enabled: {
                    type: "boolean",
                    description:
                      "Default: on when azure.production is true, off otherwise. Off saves " +
                      "the gateway's cost (hundreds of dollars a month before traffic) where " +
                      "nothing sensitive is served, or where a WAF of the landing zone " +
                      "(Front Door, a hub gateway) already fronts the host.",
                  },
                  mode: str(
                    "Prevention blocks what the rules match; Detection only logs it (to " +
                      "tune false positives before enforcing).",
                    { enum: ["Prevention", "Detection"], default: DEFAULTS.network.ingress.waf.mode },
                  ),
                  certificateName: str(
                    "Key Vault certificate the gateway's HTTPS listener serves, imported with " +
                      "content type application/x-pkcs12 (the gateway reads PFX only; " +
                      "ingress-nginx reads the PEM one in `tlsSecretName`): the same " +
                      "certificate and key, imported a second time as PFX.",
                    { pattern: KEY_VAULT_NAME, default: DEFAULTS.network.ingress.waf.certificateName },
                  ),
                  minCapacity: int("Fewest gateway instances (autoscale).", 0, 125, {
                    default: DEFAULTS.network.ingress.waf.minCapacity,
                  }),
                  maxCapacity: int("Most gateway instances (autoscale).", 2, 125, {
                    default: DEFAULTS.network.ingress.waf.maxCapacity,
                  }),
                },
              ),
            },
            { required: ["host"] },
          ),
        },
        { required: ["vnetCidr", "subnets", "ingress"] },
      ),
      aks: obj("Azure Kubernetes Service.", {
        kubernetesVersion: str("Kubernetes minor version (1.31-1.34).", {
          enum: ["1.31", "1.32", "1.33", "1.34"],
          default: DEFAULTS.aks.kubernetesVersion,
        }),
        upgradeChannel: str("Automatic upgrade channel.", {
          enum: ["none", "patch", "stable", "rapid", "node-image"],
          default: DEFAULTS.aks.upgradeChannel,
        }),
        maintenanceWindow: obj("Weekly window for automatic upgrades.", {
          day: str("Day of the week.", {
            enum: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            default: DEFAULTS.aks.maintenanceWindow.day,
          }),
          startHour: int("Start hour, UTC.", 0, 23, { default: DEFAULTS.aks.maintenanceWindow.startHour }),
          durationHours: int("Length in hours.", 4, 24, { default: DEFAULTS.aks.maintenanceWindow.durationHours }),
        }),
        zones: {
          type: "array",
          description: "Availability zones for node pools and zone-redundant services.",
          items: { enum: ["1", "2", "3"] },
          uniqueItems: true,
          maxItems: 3,
          default: [...DEFAULTS.aks.zones],
        },
        nodePools: obj("Node pools. `system` runs AKS add-ons only; `workloads` runs CodeMie.", {
          system: nodePoolSchema("system", pools.system),
          workloads: nodePoolSchema("workloads", pools.workloads),
        }),
        autoSizing: obj("Choices for pools whose vmSize or count is `auto`.", {
          families: {
            type: "array",
            description: "VM families the planner may pick from, cheapest fitting first.",
            items: { enum: ["Dsv5", "Ddsv5", "Dasv5", "Esv5", "Edsv5", "Fsv2"] },
            minItems: 1,
            uniqueItems: true,
            default: [...DEFAULTS.aks.autoSizingFamilies],
          },
        }),
      }),
      postgres: obj("Azure Database for PostgreSQL Flexible Server (the table's PostgreSQL row).", {
        version: str("PostgreSQL major version.", {
          enum: ["14", "15", "16", "17"],
          default: DEFAULTS.postgres.version,
        }),
        tier: str("Compute tier.", { enum: ["Burstable", "GeneralPurpose", "MemoryOptimized"], default: pg.tier }),
        sku: str(
          "Compute SKU matching the tier: Standard_B* (Burstable), Standard_D* " +
            "(GeneralPurpose), Standard_E* (MemoryOptimized).",
          { pattern: PG_SKU, default: pg.sku },
        ),
        storageGb: {
          type: "integer",
          description:
            "Storage in GiB, one of Azure's sizes. The table asks 30-50 GB: 32 is " +
            "the Azure size in that range, and auto-grow raises it when needed.",
          enum: [32, 64, 128, 256, 512, 1024, 2048, 4096],
          default: pg.storageGb,
        },
        highAvailability: str("High availability mode; ZoneRedundant needs GeneralPurpose or MemoryOptimized.", {
          enum: ["Disabled", "SameZone", "ZoneRedundant"],
          default: pg.highAvailability,
        }),
        backupRetentionDays: int("Point-in-time restore window.", 7, 35, {
          default: DEFAULTS.postgres.backupRetentionDays,
        }),
        geoRedundantBackup: bool("Copy backups to the paired region.", DEFAULTS.postgres.geoRedundantBackup),
        entraAdminGroup: obj(
          "Entra ID group administering the server with Entra sign-in (set it in " +
            "production: people sign in as themselves, audited, instead of with the " +
            "password administrator, which nothing in the cluster uses for this).",
          {
            objectId: str("Object ID of the group.", { pattern: UUID }),
            name: str("Display name of the group, as PostgreSQL names the role.", { pattern: ENTRA_GROUP_NAME }),
          },
          { required: ["objectId", "name"] },
        ),
      }),
      keyVault: obj("Key Vault holding CodeMie's encryption key and every generated secret.", {
        softDeleteRetentionDays: int("Soft-delete retention.", 7, 90, {
          default: DEFAULTS.keyVault.softDeleteRetentionDays,
        }),
        purgeProtection: bool(
          "Forbid purging deleted secrets and keys before retention ends.",
          DEFAULTS.keyVault.purgeProtection,
        ),
      }),
      identity: obj("Entra ID principals.", {
        aksAdminGroupObjectIds: {
          type: "array",
          description: "Entra ID groups with cluster-admin through Azure RBAC.",
          items: { type: "string", pattern: UUID },
          uniqueItems: true,
          maxItems: 10,
          default: [],
        },
      }),
      openai: obj("Optional Azure OpenAI account and model deployments, reached through a private endpoint.", {
        enabled: bool("Create the Azure OpenAI account.", DEFAULTS.openai.enabled),
        location: str("Region of the account (model availability differs by region).", { pattern: REGION }),
        deployments: {
          type: "array",
          description: "Model deployments.",
          maxItems: 20,
          items: obj(
            "One model deployment.",
            {
              name: str("Deployment name.", { pattern: DEPLOYMENT_NAME }),
              model: str("Model name, e.g. gpt-4.1.", { pattern: MODEL_NAME }),
              version: str("Model version, e.g. 2025-04-14.", { pattern: MODEL_VERSION }),
              capacity: int("Capacity in thousands of tokens per minute.", 1, 10000),
              sku: str(
                "Deployment type. Default: DataZoneStandard where the account's region " +
                  "is in an EU or US data zone (prompts stay in that geography), " +
                  "GlobalStandard elsewhere.",
                { enum: ["Standard", "GlobalStandard", "DataZoneStandard"] },
              ),
            },
            { required: ["name", "model", "version", "capacity"] },
          ),
        },
      }),
      gitops: obj(
        "Where Flux reads this environment's rendered manifests.",
        {
          repository: str("HTTPS URL of the Git repository Flux pulls.", {
            pattern: HTTPS_REPO,
            examples: ["https://github.com/acme/codemie-platform"],
          }),
          branch: str("Branch that holds the published manifests; default gitops/<env>.", { pattern: GIT_REF }),
          path: str("Directory inside the branch; default clusters/<env>.", { pattern: REPO_PATH }),
          multiTenancyOptOut: obj(
            "Turns off the Flux extension's multi-tenancy enforcement " +
              "(`multiTenancy.enforce: false`: cross-namespace references allowed, no " +
              "default service account). Leave it out: the rendered tree works with " +
              "enforcement on, which is the secure default. Setting it needs the " +
              "reason, reviewed with the change.",
            {
              reason: str("Why this environment cannot run with multi-tenancy enforced.", {
                minLength: 10,
                maxLength: 500,
              }),
            },
            { required: ["reason"] },
          ),
          auth: str(
            "How Flux reads a private repository: none (public), ssh (a read-only " +
              "deploy key the deploy generates into Key Vault), https (a token the " +
              "operator stores in Key Vault as gitops-https-token). docs/enterprise.md.",
            { enum: ["none", "ssh", "https"], default: DEFAULTS.gitops.auth },
          ),
          sshKnownHosts: {
            type: "array",
            description:
              "known_hosts lines of the Git host for auth ssh, required for a host " +
              "other than github.com (GitHub Enterprise Server): `ssh-keyscan HOST`.",
            items: { type: "string", pattern: KNOWN_HOST, maxLength: 1000 },
            maxItems: 20,
          },
        },
        { required: ["repository"] },
      ),
      components: componentSchema(),
      security: obj(
        "Protections beyond the defaults. Each defaults to on when " +
          "`azure.production` is true; docs/infrastructure.md gives the reason to " +
          "turn one off and compares them with the AKS baseline.",
        {
          networkPolicy: str(
            "Kubernetes NetworkPolicy enforcement: `cilium` (Azure CNI powered by " +
              "Cilium), `azure` (Azure Network Policy Manager) or `none`. Default: " +
              "`cilium` in production, `none` otherwise.",
            {
              enum: ["cilium", "azure", "none"],
            },
          ),
          azurePolicy: {
            type: "boolean",
            description:
              "Azure Policy add-on (Gatekeeper) on the cluster, so policy assignments " +
              "can audit and deny workloads. Default: on in production.",
          },
          defender: {
            type: "boolean",
            description:
              "Microsoft Defender for Containers sensor, reporting to the " +
              "environment's Log Analytics workspace (billed by the subscription's " +
              "Defender plan). Default: on in production.",
          },
          runCommand: {
            type: "boolean",
            description:
              "Allow `az aks command invoke` (Run Command), which runs kubectl in the " +
              "cluster with the caller's Azure rights. Default: allowed outside " +
              "production only.",
          },
          apiServerAuthorizedIpRanges: {
            type: "array",
            description:
              "CIDRs allowed to reach the public API server (not used by private " +
              "clusters). Deploys do not need it (ARM and the Flux extension work " +
              "inside Azure). Default: none (any address, Entra ID still required).",
            items: { type: "string", pattern: CIDR_PATTERN },
            maxItems: 200,
            uniqueItems: true,
          },
          logRetentionDays: int(
            "Log Analytics retention (audit logs of the control plane, Key Vault, " +
              "PostgreSQL). Default: 365 in production, 30 otherwise.",
            30,
            730,
          ),
          storageInfrastructureEncryption: {
            type: "boolean",
            description:
              "Double encryption (infrastructure layer) of the storage account. Fixed " +
              "when the account is created: changing it later needs a new account. " +
              "Default: on in production.",
          },
          controlPlaneOperationalLogs: {
            type: "boolean",
            description:
              "Collect the cluster-autoscaler and kube-controller-manager " +
              "control-plane logs in Log Analytics besides the audit logs " +
              "(kube-audit-admin, guard), as the AKS baseline does: why nodes were " +
              "added or removed, why pods were evicted or volumes failed to attach. " +
              "Off only to save ingestion cost; the audit logs stay on. Default: on in " +
              "production.",
          },
          podSecurity: obj(
            `Azure Policy's built-in pod security initiative assigned to the ` +
              `cluster, enforced by the Azure Policy add-on (security.azurePolicy must ` +
              `be on): "${POD_SECURITY_INITIATIVES.baseline.displayName}" or its ` +
              `restricted sibling. AKS's system namespaces (` +
              `${POD_SECURITY_SYSTEM_NAMESPACES.join(", ")}) are excluded. Default: on ` +
              `wherever security.azurePolicy is on.`,
            {
              enabled: { type: "boolean", description: "Default: security.azurePolicy." },
              standard: str(
                "Pod Security Standard the initiative checks: baseline (no privileged " +
                  "containers, host namespaces, host paths or added capabilities) or " +
                  "restricted (baseline plus non-root, no privilege escalation, seccomp, " +
                  "dropped capabilities).",
                { enum: ["baseline", "restricted"], default: DEFAULTS.podSecurity.standard },
              ),
              effect: str(
                "audit reports violations in Azure Policy compliance; deny rejects the " +
                  "pods at admission. Default audit: Elasticsearch's sysctl init container " +
                  "is privileged and Fluent Bit reads the nodes' logs through hostPath, " +
                  "both of which the baseline forbids; set deny together with " +
                  "excludedNamespaces [elastic, fluentbit] to enforce it on the rest.",
                { enum: ["audit", "deny"], default: DEFAULTS.podSecurity.effect },
              ),
              excludedNamespaces: {
                type: "array",
                description: "Namespaces excluded besides AKS's system namespaces.",
                items: { type: "string", pattern: K8S_NAME },
                maxItems: 50,
                uniqueItems: true,
              },
            },
          ),
          kubernetesPolicies: kubernetesPoliciesSchema(),
          flowLogs: obj(
            "VNet flow logs: every flow through the environment's VNet (allowed and " +
              "denied, with the NSG rule that decided) written by the region's Network " +
              "Watcher (network.networkWatcher) to a storage account of their own, " +
              "reached with a managed identity (no shared keys). The AKS baseline does " +
              "not ship them; a regulated review asks for them.",
            {
              enabled: {
                type: "boolean",
                description:
                  "Default: on in production. Off where the landing zone already collects " +
                  "flow logs for this VNet (Azure allows one flow log per VNet), or to " +
                  "save storage cost outside production.",
              },
              retentionDays: int(
                "Days flow log records are kept (Azure keeps at most 365). Default: " +
                  "security.logRetentionDays, at most 365.",
                1,
                365,
              ),
              trafficAnalytics: {
                type: "boolean",
                description:
                  "Traffic analytics: flow logs aggregated into the environment's Log " +
                  "Analytics workspace every 10 minutes (billed per GB processed). " +
                  "Default: off.",
                default: DEFAULTS.flowLogs.trafficAnalytics,
              },
            },
          ),
        },
      ),
      platform: obj(
        "The platform releases beside the resource table (ingress, secrets operator, Keycloak operator).",
        Object.fromEntries(
          ADDONS.map((a) => [a.key, obj(`${a.displayName}: ${a.summary}`, { values: helmValues(a.release) })]),
        ),
      ),
      login: obj("Who signs in to CodeMie first: nothing is left to do by hand after a deploy (docs/first-login.md).", {
        firstAdmin: obj(
          "CodeMie's first administrator, created once in realm codemie-prod by " +
            "the Keycloak operator: role admin, email verified, first password the " +
            "Key Vault secret codemie-admin-password (temporary).",
          {
            username: str("Keycloak user name.", { pattern: KEYCLOAK_USER, default: DEFAULTS.firstAdmin.username }),
            email: str(
              "The administrator's email (oauth2-proxy identifies users by it). " +
                "Default: <username>@<network.ingress.host>.",
              { pattern: EMAIL },
            ),
            projects: {
              type: "array",
              description: "CodeMie projects the administrator belongs to (Keycloak attribute applications).",
              items: { type: "string", pattern: PROJECT },
              maxItems: 50,
              uniqueItems: true,
              default: [],
            },
          },
        ),
      }),
      promotion: obj(
        "Promotion gate: a deploy of this environment refuses unless the same " +
          "CodeMie version and toolkit commit were deployed to `after` and are " +
          "Compliant there (docs/review.md).",
        {
          after: str("The environment that must run this release first, e.g. staging.", { pattern: ENV_NAME }),
        },
        { required: ["after"] },
      ),
      usage: obj("Optional workload figures the capacity planner uses to size storage and the database.", {
        users: int("Concurrent users expected.", 1, 100000),
        datasourceGb: int("Total size of indexed datasources, GB.", 0, 100000),
        logGbPerDay: int("Container log volume per day, GB.", 0, 10000),
        logRetentionDays: int("Days logs stay in Elasticsearch.", 1, 3650),
      }),
    },
  };
}

/** security.kubernetesPolicies: one effect per definition, limited to what the definition allows. */
function kubernetesPoliciesSchema(): Schema {
  const productionDeny = new Set<string>(DEFAULTS.kubernetesPolicies.productionDeny);
  const effect = (key: (typeof KUBERNETES_POLICY_KEYS)[number]): Schema => {
    const why = AUDIT_IN_PRODUCTION[key];
    const production = productionDeny.has(key)
      ? key === "internalLoadBalancers"
        ? "deny in production when network.ingress.internal or behind the WAF"
        : key === "httpsIngress"
          ? "deny in production when network.ingress.tls"
          : "deny in production"
      : why
        ? `audit, also in production: ${why}`
        : "audit";
    const skips =
      key === "readOnlyRootFilesystem"
        ? ` Skips the containers named ${READ_ONLY_ROOT_EXCLUSIONS.map((e) => e.container).join(", ")} ` +
          "(each with its reason in docs/read-only-root.md)."
        : "";
    return str(`"${KUBERNETES_POLICIES[key].displayName}". Default: ${production}.${skips}`, {
      enum: allowedEffects(key),
    });
  };
  return obj(
    "The single built-in Azure Policy definitions the AKS baseline assigns beside the pod security " +
      "initiative (HTTPS ingress, internal load balancers, allowed images and host paths, no default " +
      "namespace, resource limits, cluster settings) and its custom Ingress-hosts rule (a definition the " +
      "deploy creates in the subscription), each assigned on the cluster. The admission rules " +
      "need the Azure Policy add-on (security.azurePolicy) and skip AKS's system namespaces (" +
      `${POD_SECURITY_SYSTEM_NAMESPACES.join(", ")}). Default: on wherever security.azurePolicy is on.`,
    {
      enabled: { type: "boolean", description: "Default: security.azurePolicy." },
      effects: obj(
        "audit reports violations in Azure Policy compliance; deny rejects them (at admission for the " +
          "Kubernetes rules, at deployment for the cluster rules). Only the effects each definition allows.",
        Object.fromEntries(KUBERNETES_POLICY_KEYS.map((k) => [k, effect(k)])),
      ),
      excludedNamespaces: {
        type: "array",
        description:
          "Namespaces every admission rule skips besides AKS's system namespaces. The host-path rule " +
          "also skips " +
          HOST_PATH_EXCLUSIONS.map((e) => `${e.namespace} (${e.reason})`).join("; ") +
          ".",
        items: { type: "string", pattern: K8S_NAME },
        maxItems: 50,
        uniqueItems: true,
      },
      additionalImages: {
        type: "array",
        description:
          "Image repositories the allowed-images rule accepts besides the platform's own (CodeMie's " +
          "registry, the pinned charts' images): a repository (myacr.azurecr.io/codemie/api) or a " +
          'registry prefix ending in "/" (myacr.azurecr.io/) for a mirror the Helm values point to.',
        items: { type: "string", pattern: IMAGE_SOURCE, maxLength: 255 },
        maxItems: 50,
        uniqueItems: true,
      },
      additionalIngressDomains: {
        type: "array",
        description:
          "Domains the Ingress-hosts rule accepts besides network.ingress.host (each also allows its " +
          "subdomains), for a team that serves Ingresses of its own under other names on this cluster.",
        items: { type: "string", pattern: HOSTNAME },
        maxItems: 50,
        uniqueItems: true,
      },
    },
  );
}
