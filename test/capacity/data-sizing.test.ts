// Elasticsearch storage and the PostgreSQL recommendation from the `usage` figures.
import { describe, expect, it } from "vitest";
import { readToolkit } from "../../src/adapters/templates.js";
import { renderSources } from "../../src/app/render-environment.js";
import { databaseRole } from "../../src/catalogue/database-roles.js";
import { edited, load, shipped } from "./environments.js";

const LITELLM = databaseRole("litellm").database;

describe("Elasticsearch storage per pod", () => {
  it(
    "prod: (60 GiB datasources + 4 GiB/day x 14 days) x 2 copies x 1.25 / 2 " +
      "pods = 145Gi, under the configured 200Gi",
    () => {
      expect(load("prod").capacity!.data.elasticsearch).toEqual({
        pods: 2,
        copies: 2,
        datasourceGiB: 60,
        logGiBPerDay: 4,
        logRetentionDays: 14,
        primaryGiB: 116,
        totalGiB: 290,
        perPodGiB: 145,
        configuredGiB: 200,
      });
    },
  );

  it("warns when the configured volume is below the estimate, pointing at the usage figures it came from", () => {
    // (60 + 4 x 30) x 2 x 1.25 / 2 = 225.
    const text = edited(shipped("prod"), [[["usage", "logRetentionDays"], 30]]);
    const { env, diagnostics } = load("prod", text);
    expect(env).toBeDefined();
    expect(diagnostics.map((d) => `${d.severity}: ${d.path}: ${d.message}`)).toEqual([
      "warning: components.elasticsearch.storage: " +
        "components.elasticsearch.storage 200Gi is below the 225Gi per pod the " +
        "usage figures need: (60 GiB of datasource indices + 4 GiB/day of logs x " +
        "30 days) x 2 copies x 1.25 headroom / 2 pods; raise it to 225Gi",
    ]);
    expect(text.split("\n")[diagnostics[0]!.line - 1]).toBe("usage:");
  });

  it("a single pod keeps no replica copy", () => {
    const text = edited(shipped("prod"), [
      [["components", "elasticsearch"], { replicas: 1, memory: "16Gi", cpu: "4", storage: "200Gi" }],
    ]);
    expect(load("prod", text).capacity!.data.elasticsearch).toMatchObject({ pods: 1, copies: 1, perPodGiB: 145 });
  });

  it("is not estimated without datasource or log volume", () => {
    expect(load("staging").capacity!.data.elasticsearch).toBeUndefined();
  });
});

describe("PostgreSQL recommendation", () => {
  it.each(["dev", "staging", "prod"])(
    "%s: the plan sizes the server for the databases the Bicep creates and LiteLLM connects to",
    async (name) => {
      const { plan, tree } = renderSources(`environments/${name}.yaml`, shipped(name), await readToolkit());
      const databases = plan!.data.postgres.databases;
      const bicep = tree!.get("bicep/main.bicep") ?? "";
      expect(bicep).toContain(`databases: [${databases.map((d) => `'${d}'`).join(", ")}]`);
      const litellm = [...tree!].find(([path]) => path.endsWith("/litellm/values.yaml"))?.[1];
      expect(litellm === undefined ? undefined : /database: "([^"]+)"/.exec(litellm)?.[1]).toBe(
        databases.includes(LITELLM) ? LITELLM : undefined,
      );
    },
  );

  it(
    "prod: 500 users, LiteLLM sharing the server → GeneralPurpose " +
      "Standard_D4ds_v5, 32 GiB (the production profile)",
    () => {
      expect(load("prod").capacity!.data.postgres).toEqual({
        users: 500,
        usersFrom: "usage.users",
        databases: ["codemie", "litellm"],
        tier: "GeneralPurpose",
        sku: "Standard_D4ds_v5",
        vCores: 4,
        storageGb: 32,
        configured: { tier: "GeneralPurpose", sku: "Standard_D4ds_v5", storageGb: 32 },
      });
    },
  );

  it("dev: 50 users and no other database → Burstable Standard_B2ms (the small profile)", () => {
    expect(load("dev").capacity!.data.postgres).toMatchObject({
      users: 50,
      usersFrom: "profile",
      databases: ["codemie"],
      tier: "Burstable",
      sku: "Standard_B2ms",
      storageGb: 32,
    });
  });

  it("staging: Keycloak and LiteLLM share the server → General Purpose even for 50 users", () => {
    expect(load("staging").capacity!.data.postgres).toMatchObject({
      databases: ["codemie", "keycloak", "litellm"],
      tier: "GeneralPurpose",
      sku: "Standard_D2ds_v5",
      storageGb: 32,
    });
  });

  it("warns when users outgrow the configured server: 1,200 users need 10 → 16 vCores and 72 → 128 GiB", () => {
    const text = edited(shipped("prod"), [[["usage", "users"], 1200]]);
    const { env, diagnostics } = load("prod", text);
    expect(env).toBeDefined();
    // Neither field is written in prod.yaml: both point at `postgres:` and sort by message.
    expect(diagnostics.map((d) => `${d.path}: ${d.message}`)).toEqual([
      "postgres.sku: postgres.sku Standard_D4ds_v5 has 4 vCores; 1200 " +
        "concurrent users need 16 (2 per 250 users), e.g. Standard_D16ds_v5",
      "postgres.storageGb: postgres.storageGb 32 is below the 128 GiB " +
        "recommended for 1200 concurrent users (30 GiB per 500 users, at least " +
        "30, rounded up to an Azure storage size)",
    ]);
  });

  it("warns when a Burstable server would carry several databases", () => {
    const text = edited(shipped("dev"), [
      [["components", "keycloak"], { database: "managed" }],
      [["components", "llmProxy"], { enabled: true }],
    ]);
    const { diagnostics } = load("dev", text);
    expect(diagnostics.map((d) => d.message)).toEqual([
      "postgres.tier Burstable is below the GeneralPurpose tier recommended " +
        "for 50 concurrent users (the small profile's figure; set usage.users) " +
        "with 3 databases on the server (codemie, keycloak, litellm); Burstable " +
        "suits up to 100 users and one other database, e.g. use Standard_D2ds_v5",
    ]);
  });
});
