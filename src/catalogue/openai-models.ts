// Where Azure OpenAI offers each chat and embedding model, per deployment type (the schema's
// `openai.deployments[].sku`): the account's region (`openai.location`) must be one of these.
// Offline data for validation; the live preflight stays the authority when Azure is reachable.
//
// Source, read 2026-11-29: the model matrix of Microsoft Learn "Azure OpenAI in Foundry Models"
// (github.com/MicrosoftDocs/azure-ai-docs, articles/foundry/openai/includes/model-matrix/):
// standard-models.md and standard-models-gov.md (Standard), datazone-standard.md
// (DataZoneStandard), standard-global.md (GlobalStandard). Image, audio, realtime, codex and
// router models are left out: CodeMie deploys chat and embedding models. Where a table gives
// no answer (a model not listed, a deployment type without a table for the cloud, Azure
// operated by 21Vianet) the catalogue has no opinion and validation stays silent.
import type { CloudName } from "./azure-regions.js";

export type OpenAiSku = "Standard" | "GlobalStandard" | "DataZoneStandard";

/** "model@version" → regions, for one deployment type in one cloud. */
type Availability = Record<string, readonly string[]>;

/** Columns of a transcribed table, and per region one mark per column: 1 offered, 0 not. */
function table(columns: readonly string[], rows: Record<string, string>): Availability {
  const out: Record<string, string[]> = Object.fromEntries(columns.map((c) => [c, []]));
  for (const [region, marks] of Object.entries(rows)) {
    if (marks.length !== columns.length)
      throw new Error(`openai-models: row ${region} has ${marks.length} marks for ${columns.length} columns`);
    columns.forEach((c, i) => marks[i] === "1" && out[c]!.push(region));
  }
  return out;
}

const STANDARD_COLUMNS = [
  "gpt-5.1@2025-11-13",
  "o4-mini@2025-04-16",
  "gpt-4.1@2025-04-14",
  "gpt-4.1-mini@2025-04-14",
  "o1@2024-12-17",
  "gpt-4o@2024-11-20",
  "gpt-4o@2024-08-06",
  "gpt-4o@2024-05-13",
  "gpt-4o-mini@2024-07-18",
  "text-embedding-ada-002@2",
  "text-embedding-ada-002@1",
  "text-embedding-3-large@1",
  "text-embedding-3-small@1",
];

const STANDARD_PUBLIC = table(STANDARD_COLUMNS, {
  australiaeast: "0001010001011",
  brazilsouth: "0000000001000",
  canadaeast: "0001010001011",
  centralus: "1000011000000",
  eastus: "1111111111111",
  eastus2: "1111111111011",
  francecentral: "0001010001010",
  germanywestcentral: "0000000000010",
  japaneast: "0001010001011",
  koreacentral: "0000000000010",
  northcentralus: "1111111111000",
  norwayeast: "0000010001010",
  polandcentral: "0000000000010",
  southafricanorth: "0000000001010",
  southcentralus: "1111111111100",
  southeastasia: "0000000000010",
  southindia: "0001010001010",
  spaincentral: "0000000000010",
  swedencentral: "1111111111010",
  switzerlandnorth: "0011010001011",
  uaenorth: "0000000001011",
  uksouth: "0001010001010",
  westeurope: "0001000001000",
  westus: "1111111111001",
  westus3: "1111111111010",
});

const STANDARD_USGOV = table(
  [
    "gpt-4.1@2025-04-14",
    "gpt-4.1-mini@2025-04-14",
    "gpt-4o@2024-11-20",
    "text-embedding-ada-002@2",
    "text-embedding-3-large@1",
    "text-embedding-3-small@1",
  ],
  {
    usgovarizona: "111111",
    usgovvirginia: "111100",
  },
);

const DATAZONE_COLUMNS = [
  "gpt-5.4-mini@2026-03-17",
  "gpt-5.4-nano@2026-03-17",
  "gpt-5.4@2026-03-05",
  "gpt-5.2@2025-12-11",
  "gpt-5.1@2025-11-13",
  "gpt-5@2025-08-07",
  "gpt-5-mini@2025-08-07",
  "gpt-5-nano@2025-08-07",
  "o3@2025-04-16",
  "o4-mini@2025-04-16",
  "gpt-4.1@2025-04-14",
  "gpt-4.1-mini@2025-04-14",
  "gpt-4.1-nano@2025-04-14",
  "o3-mini@2025-01-31",
  "o1@2024-12-17",
  "gpt-4o@2024-11-20",
  "gpt-4o@2024-08-06",
  "gpt-4o@2024-05-13",
  "gpt-4o-mini@2024-07-18",
  "text-embedding-ada-002@2",
  "text-embedding-3-large@1",
  "text-embedding-3-small@1",
];
const DZ_US = "1111111111111111111111";
const DZ_EU = "0000111111111111111111";
const DZ_EU_OLDER = "0000011111111111111111";

const DATAZONE_PUBLIC = table(DATAZONE_COLUMNS, {
  centralus: DZ_US,
  eastus: DZ_US,
  eastus2: DZ_US,
  northcentralus: DZ_US,
  southcentralus: DZ_US,
  westus: DZ_US,
  westus3: DZ_US,
  francecentral: DZ_EU,
  swedencentral: DZ_EU,
  germanywestcentral: DZ_EU_OLDER,
  polandcentral: DZ_EU_OLDER,
  spaincentral: DZ_EU_OLDER,
  westeurope: DZ_EU_OLDER,
  italynorth: "0000011111111111100111",
});

// GlobalStandard: every model below is offered in every region of the table except where the
// row says otherwise, so the rows are written as those exceptions.
const GLOBAL_COLUMNS = [
  "gpt-5.2@2025-12-11",
  "gpt-5.1@2025-11-13",
  "gpt-5@2025-08-07",
  "gpt-5-mini@2025-08-07",
  "gpt-5-nano@2025-08-07",
  "o3@2025-04-16",
  "o4-mini@2025-04-16",
  "gpt-4.1@2025-04-14",
  "gpt-4.1-mini@2025-04-14",
  "gpt-4.1-nano@2025-04-14",
  "o3-mini@2025-01-31",
  "o1@2024-12-17",
  "gpt-4o@2024-11-20",
  "gpt-4o@2024-08-06",
  "gpt-4o-mini@2024-07-18",
  "gpt-4o@2024-05-13",
  "text-embedding-ada-002@2",
  "text-embedding-3-large@1",
  "text-embedding-3-small@1",
];
const GS_ALL = "1111111111111111111";
const GS_FEW = "1100000111000110000";

const GLOBAL_PUBLIC = table(GLOBAL_COLUMNS, {
  australiaeast: GS_ALL,
  brazilsouth: GS_ALL,
  canadacentral: GS_FEW,
  canadaeast: GS_ALL,
  centralus: "1111111111111111011",
  eastus: GS_ALL,
  eastus2: GS_ALL,
  francecentral: GS_ALL,
  germanywestcentral: GS_ALL,
  italynorth: "1111111111111110111",
  japaneast: GS_ALL,
  koreacentral: GS_ALL,
  northcentralus: GS_ALL,
  norwayeast: GS_ALL,
  polandcentral: GS_ALL,
  southafricanorth: GS_ALL,
  southcentralus: GS_ALL,
  southeastasia: "1111111111000110000",
  southindia: GS_ALL,
  spaincentral: GS_ALL,
  swedencentral: GS_ALL,
  switzerlandnorth: GS_ALL,
  switzerlandwest: GS_FEW,
  uaenorth: GS_ALL,
  uksouth: GS_ALL,
  westeurope: GS_ALL,
  westus: GS_ALL,
  westus3: GS_ALL,
});

export const OPENAI_AVAILABILITY: Partial<Record<CloudName, Partial<Record<OpenAiSku, Availability>>>> = {
  public: { Standard: STANDARD_PUBLIC, DataZoneStandard: DATAZONE_PUBLIC, GlobalStandard: GLOBAL_PUBLIC },
  usgov: { Standard: STANDARD_USGOV },
};

/** Regions of the cloud where an Azure OpenAI account can be created; undefined where the catalogue has no data. */
export function openAiRegions(cloud: CloudName): ReadonlySet<string> | undefined {
  return OPENAI_REGIONS.get(cloud);
}

// Made once: every environment's region check asks.
const OPENAI_REGIONS = new Map(
  Object.entries(OPENAI_AVAILABILITY).map(([cloud, tables]) => [
    cloud as CloudName,
    new Set(Object.values(tables).flatMap((t) => Object.values(t).flat())),
  ]),
);

export type ModelAnswer =
  | { kind: "offered" }
  | { kind: "not-offered"; regions: readonly string[] }
  | { kind: "unknown-version"; versions: string[] }
  | { kind: "unknown-model"; models: string[] }
  | { kind: "no-data" };

/** Whether `model` at `version` can be deployed as `sku` on an account in `region`. */
export function modelAvailability(
  cloud: CloudName,
  sku: string,
  model: string,
  version: string,
  region: string,
): ModelAnswer {
  const t = OPENAI_AVAILABILITY[cloud]?.[sku as OpenAiSku];
  if (!t) return { kind: "no-data" };
  const regions = t[`${model}@${version}`];
  if (regions) return regions.includes(region) ? { kind: "offered" } : { kind: "not-offered", regions };
  const keys = Object.keys(t);
  const versions = keys.filter((k) => k.startsWith(`${model}@`)).map((k) => k.slice(model.length + 1));
  if (versions.length > 0) return { kind: "unknown-version", versions };
  return { kind: "unknown-model", models: [...new Set(keys.map((k) => k.split("@")[0]!))] };
}
