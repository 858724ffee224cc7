// Locations, zones and Azure OpenAI models against the offline Azure catalogue: a typo'd
// region is refused with a suggestion at the field's position, zones are refused where a
// region has none, a region of another cloud is refused, and every fact of the catalogue
// agrees with the rest of it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AZURE_REGIONS, azureRegion } from "../../src/catalogue/azure-regions.js";
import { OPENAI_AVAILABILITY, modelAvailability } from "../../src/catalogue/openai-models.js";
import { formatDiagnostic } from "../../src/config/diagnostics.js";
import { loadEnvironment } from "../../src/app/load.js";
import { joinedRegExp } from "../support/regex.js";

const root = join(import.meta.dirname, "../..");
const base = readFileSync(join(root, "test/fixtures/base.yaml"), "utf8");

/** base.yaml with `from` replaced by `to` once (the edit must apply). */
function edit(text: string, from: string, to: string): string {
  expect(text.includes(from), `base.yaml contains ${JSON.stringify(from)}`).toBe(true);
  return text.replace(from, to);
}

const lines = (text: string) =>
  loadEnvironment("environments/test.yaml", text, "test").diagnostics.map(formatDiagnostic);

describe("azure.location and openai.location", () => {
  it("refuses a typo'd region with the closest name, at the value", () => {
    expect(lines(edit(base, "location: westeurope", "location: westeurop"))).toEqual([
      'environments/test.yaml:6:13: error: azure.location "westeurop" is not a ' +
        'region of the public cloud; did you mean "westeurope"?',
    ]);
  });

  it("refuses a name far from every region without a guess", () => {
    expect(lines(edit(base, "location: westeurope", "location: atlantis"))).toEqual([
      'environments/test.yaml:6:13: error: azure.location "atlantis" is not a ' +
        "region of the public cloud; `az account list-locations -o table` lists " +
        "the names",
    ]);
  });

  it("checks openai.location the same way, where it is written", () => {
    const text = `${base}openai:\n  location: swedencentrl\n`;
    expect(lines(text)).toEqual([
      'environments/test.yaml:40:13: error: openai.location "swedencentrl" is ' +
        'not a region of the public cloud; did you mean "swedencentral"?',
    ]);
  });

  it("refuses a region of another cloud and names the setting that fixes it", () => {
    const text = edit(
      edit(base, "location: westeurope", "location: usgovvirginia"),
      "postgres:\n  highAvailability: ZoneRedundant\n",
      "",
    );
    expect(lines(text)).toEqual([
      "environments/test.yaml:6:13: error: azure.location usgovvirginia (USGov " +
        "Virginia) is a region of Azure Government (usgov), but the environment " +
        "is in the public cloud; set azure.cloud: usgov or choose a region of " +
        "the public cloud",
    ]);
    expect(lines(edit(text, "location: usgovvirginia", "location: usgovvirginia\n  cloud: usgov"))).toEqual([]);
  });

  it("suggests within the environment's cloud", () => {
    const text = edit(base, "location: westeurope", "location: chinanoth3\n  cloud: china");
    expect(lines(text)[0]).toContain('did you mean "chinanorth3"?');
  });
});

describe("zones", () => {
  const noZones = edit(base, "location: westeurope", "location: northcentralus");

  it("refuses the default zones and zone-redundant PostgreSQL in a region without zones", () => {
    expect(lines(noZones)).toEqual([
      "environments/test.yaml:6:13: error: aks.zones defaults to 1, 2, 3, but " +
        "northcentralus (North Central US) has no availability zones; set " +
        "aks.zones: [] for regional node pools, or a region with zones such as " +
        "its pair southcentralus",
      "environments/test.yaml:28:21: error: postgres.highAvailability " +
        "ZoneRedundant needs availability zones, but northcentralus (North " +
        "Central US) has no availability zones; use SameZone, or a region with " +
        "zones such as its pair southcentralus",
    ]);
  });

  it("points at aks.zones when the file writes them, and accepts a regional environment", () => {
    const written = edit(noZones, "aks:\n", 'aks:\n  zones: ["1", "2"]\n');
    expect(lines(written)[0]).toMatch(
      /^environments\/test\.yaml:23:10: error: aks\.zones lists 1, 2, but northcentralus/,
    );
    const regional = edit(
      edit(noZones, "aks:\n", "aks:\n  zones: []\n"),
      "highAvailability: ZoneRedundant",
      "highAvailability: SameZone",
    );
    expect(lines(regional)).toEqual([]);
  });
});

describe("Azure OpenAI models", () => {
  const withOpenAi = (location: string, deployment: string) =>
    `${base}openai:\n  enabled: true\n  location: ${location}\n  deployments:\n    - ${deployment}\n`;

  it("accepts a model where the catalogue offers it", () => {
    expect(
      lines(
        withOpenAi("swedencentral", "{ name: chat, model: gpt-4.1, version: 2025-04-14, capacity: 10, sku: Standard }"),
      ),
    ).toEqual([]);
  });

  it("refuses a model the account's region does not offer, naming where it is offered", () => {
    const [line, ...rest] = lines(
      withOpenAi("westeurope", "{ name: chat, model: gpt-4.1, version: 2025-04-14, capacity: 10, sku: Standard }"),
    );
    expect(rest).toEqual([]);
    expect(line).toMatch(
      joinedRegExp(
        /^environments\/test\.yaml:43:28: error: openai\.deployments\[0\]: Azure OpenAI does not offer gpt-4\.1 /,
        /2025-04-14 \(Standard\) in westeurope; it does in eastus, eastus2, /,
      ),
    );
  });

  it("refuses a region without Azure OpenAI", () => {
    expect(
      lines(withOpenAi("francesouth", "{ name: chat, model: gpt-4.1, version: 2025-04-14, capacity: 10 }"))[0],
    ).toMatch(
      joinedRegExp(
        /^environments\/test\.yaml:41:13: error: Azure OpenAI is not offered in francesouth \(France South\); it is /,
        /in australiaeast, /,
      ),
    );
  });

  it(
    "warns about a version or a near-miss model the catalogue does not know, " + "and stays silent about other models",
    () => {
      expect(
        lines(withOpenAi("swedencentral", "{ name: chat, model: gpt-4.1, version: 2099-01-01, capacity: 10 }")),
      ).toEqual([
        "environments/test.yaml:43:46: warning: openai.deployments[0].version " +
          "2099-01-01 of gpt-4.1 is not in the offline catalogue (known for " +
          "DataZoneStandard: 2025-04-14); the deployment will tell whether Azure " +
          "offers it",
      ]);
      expect(
        lines(withOpenAi("swedencentral", "{ name: chat, model: gpt-4.l, version: 2025-04-14, capacity: 10 }")),
      ).toEqual([
        "environments/test.yaml:43:28: warning: openai.deployments[0].model " +
          '"gpt-4.l" is not in the offline catalogue; did you mean "gpt-4.1"?',
      ]);
      expect(
        lines(withOpenAi("swedencentral", '{ name: chat, model: mistral-large, version: "2411", capacity: 10 }')),
      ).toEqual([]);
    },
  );
});

describe("the offline catalogue", () => {
  it("names each region once, pairs each with a region of its own cloud", () => {
    expect(new Set(AZURE_REGIONS.map((r) => r.name)).size).toBe(AZURE_REGIONS.length);
    for (const r of AZURE_REGIONS) {
      if (r.pair) expect(azureRegion(r.pair)?.cloud, `${r.name}'s pair ${r.pair}`).toBe(r.cloud);
      expect(r.name, "programmatic names match the schema's region pattern").toMatch(/^[a-z][a-z0-9]{2,30}$/);
    }
  });

  it("offers models only in regions of the cloud it lists them under", () => {
    for (const [cloud, tables] of Object.entries(OPENAI_AVAILABILITY)) {
      for (const table of Object.values(tables ?? {})) {
        for (const [model, regions] of Object.entries(table ?? {})) {
          expect(regions.length, model).toBeGreaterThan(0);
          for (const region of regions) expect(azureRegion(region)?.cloud, `${model} in ${region}`).toBe(cloud);
        }
      }
    }
  });

  it("answers for the deployments of the committed environments", () => {
    expect(modelAvailability("public", "GlobalStandard", "gpt-4.1", "2025-04-14", "swedencentral")).toEqual({
      kind: "offered",
    });
    expect(modelAvailability("public", "Standard", "text-embedding-3-large", "1", "swedencentral")).toEqual({
      kind: "offered",
    });
    expect(modelAvailability("china", "Standard", "gpt-4.1", "2025-04-14", "chinanorth3")).toEqual({ kind: "no-data" });
    for (const name of ["dev", "staging", "prod"]) {
      const result = loadEnvironment(
        `environments/${name}.yaml`,
        readFileSync(join(root, "environments", `${name}.yaml`), "utf8"),
      );
      expect(result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    }
  });
});
