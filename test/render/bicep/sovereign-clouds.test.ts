// Each cloud's private DNS zones, from the catalogue's one table of clouds: an environment in Azure
// Government or Azure operated by 21Vianet renders and compiles (real Bicep) with that cloud's
// zone for Key Vault, blob storage, Azure OpenAI and the PostgreSQL server, and no public-cloud
// host appears anywhere in its templates.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../../src/app/load.js";
import { AZURE_CLOUDS } from "../../../src/catalogue/azure-clouds.js";
import type { CloudName } from "../../../src/catalogue/azure-regions.js";
import { formatDiagnostic, hasErrors } from "../../../src/config/diagnostics.js";
import { bicepSession, ROOT } from "../../support/bicep.js";

const session = await bicepSession();
const dev = readFileSync(join(ROOT, "environments/dev.yaml"), "utf8");

/** dev.yaml moved to `location` of `cloud`, with an Azure OpenAI deployment the cloud offers. */
function environmentIn(cloud: CloudName, location: string) {
  const text =
    `${dev.replace("  location: westeurope\n", `  location: ${location}\n  cloud: ${cloud}\n`)}` +
    `openai:\n  enabled: true\n  deployments:\n    - { name: gpt-4o, model: ` +
    `gpt-4o, version: "2024-11-20", capacity: 10, sku: Standard }\n`;
  const loaded = loadEnvironment("environments/dev.yaml", text, "dev");
  expect(hasErrors(loaded.diagnostics), loaded.diagnostics.map(formatDiagnostic).join("\n")).toBe(false);
  return { env: loaded.env!, plan: loaded.capacity! };
}

type Json = Record<string, unknown>;

/** zoneName of every privateDnsZones resource the compiled main template creates, through its modules. */
function privateZones(template: Json, parameters: Json = {}): string[] {
  const resources = Object.values((template.resources ?? {}) as Json) as Json[];
  return resources.flatMap((r) => {
    if (r.type === "Microsoft.Network/privateDnsZones") {
      const name = String(r.name);
      const param = /^\[parameters\('([^']+)'\)\]$/.exec(name)?.[1];
      return [param ? String((parameters[param] as Json | undefined)?.value) : name];
    }
    if (r.type !== "Microsoft.Resources/deployments") return [];
    const properties = r.properties as Json;
    return privateZones(properties.template as Json, (properties.parameters ?? {}) as Json);
  });
}

const PUBLIC_HOSTS = /vaultcore\.azure\.net|core\.windows\.net|openai\.azure\.com|postgres\.database\.azure\.com/;

describe.each([
  ["usgov", "usgovvirginia"],
  ["china", "chinanorth3"],
] as const)("an environment in %s", (cloud, location) => {
  it("renders and compiles with that cloud's private DNS zones, none of the public cloud's", async () => {
    const { env, plan } = environmentIn(cloud, location);
    const compiled = await session.compile(env, plan);
    expect(compiled.diagnostics.filter((d) => d.level === "error")).toEqual([]);
    const zones = AZURE_CLOUDS[cloud].privateDnsZones;
    const main = compiled.tree.get("bicep/main.bicep")!;
    expect(main).not.toMatch(PUBLIC_HOSTS);
    const created = privateZones(JSON.parse(compiled.tree.get("bicep/main.json")!) as Json).sort();
    expect(created).toEqual(
      [zones.keyVault, zones.blob, zones.openai, `${env.names.postgres}.${zones.postgresServer}`].sort(),
    );
    expect(compiled.tree.get("bicep/main.json")).not.toMatch(PUBLIC_HOSTS);
  }, 300_000);
});

describe("the table of clouds", () => {
  it("names each zone once per cloud, within that cloud's own DNS suffixes", () => {
    const suffix: Record<CloudName, RegExp> = {
      public: /\.(azure\.net|windows\.net|azure\.com)$/,
      usgov: /\.(usgovcloudapi\.net|azure\.us)$/,
      china: /\.(azure\.cn|chinacloudapi\.cn)$/,
    };
    const all = Object.values(AZURE_CLOUDS).flatMap((c) => Object.values(c.privateDnsZones));
    expect(new Set(all).size).toBe(all.length);
    for (const cloud of Object.values(AZURE_CLOUDS)) {
      for (const zone of Object.values(cloud.privateDnsZones))
        expect(zone, `${cloud.name}: ${zone}`).toMatch(suffix[cloud.name]);
      expect(new URL(cloud.armEndpoint).hostname).toMatch(suffix[cloud.name]);
    }
  });
});
