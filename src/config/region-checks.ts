// Locations, zones and Azure OpenAI models against the offline catalogue of Azure: what ARM
// would refuse minutes into a deployment, refused at validation with a suggestion instead.
import { azureRegion, regionsOf, type AzureRegion, type CloudName } from "../catalogue/azure-regions.js";
import { modelAvailability, openAiRegions } from "../catalogue/openai-models.js";
import type { Environment } from "../model/environment.js";
import type { Report, Valid } from "./report.js";
import { closest } from "./spelling.js";
import type { YamlSource } from "./yaml-source.js";

const CLOUD_TEXT: Record<CloudName, string> = {
  public: "the public cloud",
  usgov: "Azure Government (usgov)",
  china: "Azure operated by 21Vianet (china)",
};

export function checkRegions(env: Environment, source: YamlSource, report: Report, ok: Valid): void {
  if (!ok(["azure", "cloud"])) return;
  const cloud = env.azure.cloud;
  const location = ok(["azure", "location"])
    ? regionOf(env.azure.location, ["azure", "location"], cloud, report)
    : undefined;
  if (location) checkZones(env, source, location, report, ok);
  const written = (source.data.openai as Record<string, unknown> | undefined)?.location !== undefined;
  // openai.location defaults to azure.location, which is reported above when it is wrong.
  const openaiPath = written ? ["openai", "location"] : ["azure", "location"];
  if (!ok(openaiPath)) return;
  const openai = written ? regionOf(env.openai.location, openaiPath, cloud, report) : location;
  if (openai && ok(["openai", "enabled"]) && env.openai.enabled) checkModels(env, openai, openaiPath, report, ok);
}

/** The region a location names, or undefined after reporting why it names none of this cloud. */
function regionOf(name: string, path: string[], cloud: CloudName, report: Report): AzureRegion | undefined {
  const field = path.join(".");
  const region = azureRegion(name);
  if (!region) {
    const guess = closest(
      name,
      regionsOf(cloud).map((r) => r.name),
    );
    report(
      "error",
      path,
      `${field} "${name}" is not a region of ${CLOUD_TEXT[cloud]}; ` +
        `${guess ? `did you mean "${guess}"?` : "`az account list-locations -o table` lists the names"}`,
    );
    return undefined;
  }
  if (region.cloud !== cloud) {
    report(
      "error",
      path,
      `${field} ${name} (${region.displayName}) is a region of ` +
        `${CLOUD_TEXT[region.cloud]}, but the environment is in ` +
        `${CLOUD_TEXT[cloud]}; set azure.cloud: ${region.cloud} or choose a ` +
        `region of ${CLOUD_TEXT[cloud]}`,
    );
    return undefined;
  }
  return region;
}

function checkZones(env: Environment, source: YamlSource, region: AzureRegion, report: Report, ok: Valid): void {
  if (region.zones.length > 0) return;
  const pair = region.pair ? azureRegion(region.pair) : undefined;
  const instead = pair && pair.zones.length > 0 ? `, or a region with zones such as its pair ${pair.name}` : "";
  const where = `${region.name} (${region.displayName}) has no availability zones`;
  const zonesWritten = (source.data.aks as Record<string, unknown> | undefined)?.zones !== undefined;
  if (ok(["aks", "zones"]) && env.aks.zones.length > 0) {
    const list = env.aks.zones.join(", ");
    report(
      "error",
      zonesWritten ? ["aks", "zones"] : ["azure", "location"],
      `aks.zones ${zonesWritten ? "lists" : "defaults to"} ${list}, but ` +
        `${where}; set aks.zones: [] for regional node pools${instead}`,
    );
  }
  if (ok(["postgres", "highAvailability"], ["profile"]) && env.postgres.highAvailability === "ZoneRedundant") {
    report(
      "error",
      ["postgres", "highAvailability"],
      `postgres.highAvailability ZoneRedundant needs availability zones, but ${where}; use SameZone${instead}`,
    );
  }
}

function checkModels(env: Environment, region: AzureRegion, locationPath: string[], report: Report, ok: Valid): void {
  const offered = openAiRegions(region.cloud);
  if (offered && !offered.has(region.name)) {
    report(
      "error",
      locationPath,
      `Azure OpenAI is not offered in ${region.name} (${region.displayName}); ` +
        `it is in ${[...offered].sort().join(", ")}`,
    );
    return;
  }
  env.openai.deployments.forEach((d, i) => {
    const path = ["openai", "deployments", i];
    if (!ok([...path, "model"], [...path, "version"], [...path, "sku"])) return;
    const answer = modelAvailability(region.cloud, d.sku, d.model, d.version, region.name);
    const what = `${d.model} ${d.version} (${d.sku})`;
    if (answer.kind === "not-offered") {
      report(
        "error",
        [...path, "model"],
        `openai.deployments[${i}]: Azure OpenAI does not offer ${what} in ` +
          `${region.name}; it does in ${answer.regions.join(", ")}`,
      );
    } else if (answer.kind === "unknown-version") {
      report(
        "warning",
        [...path, "version"],
        `openai.deployments[${i}].version ${d.version} of ${d.model} is not in ` +
          `the offline catalogue (known for ${d.sku}: ${answer.versions.join(", ")}` +
          `); the deployment will tell whether Azure offers it`,
      );
    } else if (answer.kind === "unknown-model") {
      const guess = closest(d.model, answer.models);
      if (guess)
        report(
          "warning",
          [...path, "model"],
          `openai.deployments[${i}].model "${d.model}" is not in the offline catalogue; did you mean "${guess}"?`,
        );
    }
  });
}
