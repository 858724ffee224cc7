// One Key Vault id: the model builds it (src/model/resource-ids.ts), and everything that names the
// vault by id (the parameters file, the deploy's seeding, the preflight, the day-2 key check)
// reads it from there; the only Bicep output about the vault is its URI, which depends on the cloud.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readToolkit } from "../../src/adapters/templates.js";
import { planCapacity } from "../../src/capacity/plan.js";
import { keyVaultId, resourceGroupId } from "../../src/model/resource-ids.js";
import { createEngine } from "../../src/render/engine.js";
import { fluxKustomizations } from "../../src/render/bicep/flux-entry.js";
import { renderBicep } from "../../src/render/bicep/render.js";
import { loadEnv, ROOT } from "../render/gitops/support.js";

const files = (dir: string, ext: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(ext))
    .map((f) => join(dir, f));

describe("the Key Vault id", () => {
  test("is the vault under the environment's resource group, named by the model", () => {
    const env = loadEnv("dev");
    expect(resourceGroupId(env)).toBe(
      `/subscriptions/${env.azure.subscriptionId}/resourceGroups/${env.names.resourceGroup}`,
    );
    expect(keyVaultId(env)).toBe(`${resourceGroupId(env)}/providers/Microsoft.KeyVault/vaults/${env.names.keyVault}`);
  });

  test("is built in one place in src/", () => {
    const building = files("src", ".ts").filter((f) =>
      readFileSync(join(ROOT, f), "utf8").includes("Microsoft.KeyVault/vaults/"),
    );
    expect(building).toEqual(["src/model/resource-ids.ts"]);
  });

  test("is what the parameters file references and what the day-2 key check reads under", async () => {
    const env = loadEnv("prod");
    const { templates, bicepFiles } = await readToolkit(ROOT);
    const tree = renderBicep(env, planCapacity(env), fluxKustomizations(env), createEngine(templates), bicepFiles);
    const parameters = JSON.parse(tree.get("bicep/main.parameters.json") ?? "{}") as {
      parameters: Record<string, { reference?: { keyVault: { id: string } } }>;
    };
    const references = Object.values(parameters.parameters).flatMap((p) =>
      p.reference ? [p.reference.keyVault.id] : [],
    );
    expect(references.length).toBeGreaterThan(0);
    expect(new Set(references)).toEqual(new Set([keyVaultId(env)]));
    const day2 = JSON.parse(tree.get("bicep/day2.json") ?? "{}") as { encryptionKey: { id: string } };
    expect(day2.encryptionKey.id).toBe(`${keyVaultId(env)}/keys/codemie-key`);
  });

  test("has one Bicep output locating the vault: main.bicep's keyVaultUri", () => {
    const outputs = files("bicep/templates", ".hbs").flatMap((f) =>
      readFileSync(join(ROOT, f), "utf8")
        .split("\n")
        .filter((line) => /^output\s/.test(line) && /keyVault\.outputs\.(id|uri|name)\b/.test(line))
        .map((line) => `${f}: ${line}`),
    );
    expect(outputs).toEqual(["bicep/templates/main.bicep.hbs: output keyVaultUri string = keyVault.outputs.uri"]);
  });
});
