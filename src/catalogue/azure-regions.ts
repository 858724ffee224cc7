// The Azure regions an environment may name, per cloud, with their availability zones and
// pairs: what validation can know about a location without reaching Azure. The live
// preflight stays the authority when Azure is reachable; this catches typos, zones asked of a
// region without them and regions of another cloud, offline (forks' pull requests included).
//
// Sources, read 2026-11-29:
// - Public cloud: Microsoft Learn, "Azure regions list" (learn.microsoft.com/azure/reliability/regions-list):
//   programmatic name, display name, availability zones, paired region. West US's zones follow
//   ARM's `GET /subscriptions/{id}/locations` (availabilityZoneMappings 1-3).
// - Azure Government: Learn, "Availability zone service and regional support" (US Gov Virginia is the
// Government region with zones) and the region pairs table
// (learn.microsoft.com/azure/reliability/cross-region-replication-azure).
// - Azure operated by 21Vianet: docs.azure.cn/reliability/regions-list (China North 3 has zones).
// Regions that are access-restricted (Australia Central 2, Brazil Southeast, ...) are listed:
// a subscription may be granted them. Canary regions (EUAP) and retired ones are not.

export type CloudName = "public" | "usgov" | "china";

export const CLOUD_NAMES: readonly CloudName[] = ["public", "usgov", "china"];

export interface AzureRegion {
  name: string;
  displayName: string;
  cloud: CloudName;
  /** Logical availability zones; empty where the region has none. */
  zones: readonly string[];
  /** The region's pair, when it has one. */
  pair?: string;
}

const AZ = ["1", "2", "3"] as const;

// [programmatic name, display name, has zones, pair]
type Row = [string, string, boolean, string?];

const PUBLIC: Row[] = [
  ["australiacentral", "Australia Central", false, "australiacentral2"],
  ["australiacentral2", "Australia Central 2", false, "australiacentral"],
  ["australiaeast", "Australia East", true, "australiasoutheast"],
  ["australiasoutheast", "Australia Southeast", false, "australiaeast"],
  ["austriaeast", "Austria East", true],
  ["belgiumcentral", "Belgium Central", true],
  ["brazilsouth", "Brazil South", true, "southcentralus"],
  ["brazilsoutheast", "Brazil Southeast", false, "brazilsouth"],
  ["canadacentral", "Canada Central", true, "canadaeast"],
  ["canadaeast", "Canada East", false, "canadacentral"],
  ["centralindia", "Central India", true, "southindia"],
  ["centralus", "Central US", true, "eastus2"],
  ["chilecentral", "Chile Central", true],
  ["eastasia", "East Asia", true, "southeastasia"],
  ["eastus", "East US", true, "westus"],
  ["eastus2", "East US 2", true, "centralus"],
  ["francecentral", "France Central", true, "francesouth"],
  ["francesouth", "France South", false, "francecentral"],
  ["germanynorth", "Germany North", false, "germanywestcentral"],
  ["germanywestcentral", "Germany West Central", true, "germanynorth"],
  ["indonesiacentral", "Indonesia Central", true],
  ["israelcentral", "Israel Central", true],
  ["italynorth", "Italy North", true],
  ["japaneast", "Japan East", true, "japanwest"],
  ["japanwest", "Japan West", true, "japaneast"],
  ["jioindiacentral", "Jio India Central", false, "jioindiawest"],
  ["jioindiawest", "Jio India West", false, "jioindiacentral"],
  ["koreacentral", "Korea Central", true, "koreasouth"],
  ["koreasouth", "Korea South", false, "koreacentral"],
  ["malaysiawest", "Malaysia West", true],
  ["mexicocentral", "Mexico Central", true],
  ["newzealandnorth", "New Zealand North", true],
  ["northcentralus", "North Central US", false, "southcentralus"],
  ["northeurope", "North Europe", true, "westeurope"],
  ["norwayeast", "Norway East", true, "norwaywest"],
  ["norwaywest", "Norway West", false, "norwayeast"],
  ["polandcentral", "Poland Central", true],
  ["qatarcentral", "Qatar Central", true],
  ["southafricanorth", "South Africa North", true, "southafricawest"],
  ["southafricawest", "South Africa West", false, "southafricanorth"],
  ["southcentralus", "South Central US", true, "northcentralus"],
  ["southeastasia", "Southeast Asia", true, "eastasia"],
  ["southindia", "South India", false, "centralindia"],
  ["spaincentral", "Spain Central", true],
  ["swedencentral", "Sweden Central", true, "swedensouth"],
  ["swedensouth", "Sweden South", false, "swedencentral"],
  ["switzerlandnorth", "Switzerland North", true, "switzerlandwest"],
  ["switzerlandwest", "Switzerland West", false, "switzerlandnorth"],
  ["uaecentral", "UAE Central", false, "uaenorth"],
  ["uaenorth", "UAE North", true, "uaecentral"],
  ["uksouth", "UK South", true, "ukwest"],
  ["ukwest", "UK West", false, "uksouth"],
  ["westcentralus", "West Central US", false, "westus2"],
  ["westeurope", "West Europe", true, "northeurope"],
  ["westindia", "West India", false, "southindia"],
  ["westus", "West US", true, "eastus"],
  ["westus2", "West US 2", true, "westcentralus"],
  ["westus3", "West US 3", true, "eastus"],
];

const USGOV: Row[] = [
  ["usgovarizona", "USGov Arizona", false, "usgovtexas"],
  ["usgovtexas", "USGov Texas", false, "usgovarizona"],
  ["usgovvirginia", "USGov Virginia", true, "usgovtexas"],
  ["usdodcentral", "USDoD Central", false, "usdodeast"],
  ["usdodeast", "USDoD East", false, "usdodcentral"],
];

const CHINA: Row[] = [
  ["chinaeast", "China East", false, "chinanorth"],
  ["chinaeast2", "China East 2", false, "chinanorth2"],
  ["chinaeast3", "China East 3", false, "chinanorth3"],
  ["chinanorth", "China North", false, "chinaeast"],
  ["chinanorth2", "China North 2", false, "chinaeast2"],
  ["chinanorth3", "China North 3", true, "chinaeast3"],
];

const toRegion =
  (cloud: CloudName) =>
  ([name, displayName, zoned, pair]: Row): AzureRegion => ({
    name,
    displayName,
    cloud,
    zones: zoned ? AZ : [],
    ...(pair ? { pair } : {}),
  });

export const AZURE_REGIONS: readonly AzureRegion[] = [
  ...PUBLIC.map(toRegion("public")),
  ...USGOV.map(toRegion("usgov")),
  ...CHINA.map(toRegion("china")),
];

const BY_NAME = new Map(AZURE_REGIONS.map((r) => [r.name, r]));

export function azureRegion(name: string): AzureRegion | undefined {
  return BY_NAME.get(name);
}

export function regionsOf(cloud: CloudName): AzureRegion[] {
  return AZURE_REGIONS.filter((r) => r.cloud === cloud);
}
