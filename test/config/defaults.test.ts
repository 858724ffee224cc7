// Defaults are written once (src/model/defaults.ts): what the schema tells an editor a left-out
// field means is what the resolver makes of a file that leaves it out.
import { describe, expect, test } from "vitest";
import { buildEnvironmentSchema } from "../../src/config/schema.js";
import type { Environment } from "../../src/model/environment.js";
import { resolveEnvironment } from "../../src/model/resolve.js";

/** Only what the schema requires. */
const MINIMAL = {
  azure: {
    tenantId: "7f2c1a9e-4b3d-4e8a-9c61-2d5f8b0e3a14",
    subscriptionId: "3b9d6e21-8c4f-4a7b-b5e2-91f0c7d4a836",
    location: "westeurope",
  },
  network: {
    vnetCidr: "10.40.0.0/16",
    subnets: {
      system: "10.40.0.0/24",
      workloads: "10.40.4.0/22",
      postgres: "10.40.1.0/28",
      privateEndpoints: "10.40.2.0/27",
    },
    ingress: { host: "codemie.example.com" },
  },
  gitops: { repository: "https://github.com/acme/codemie-platform" },
};

/** A field of the file, and where the resolved environment holds it. */
const FIELDS: [path: string, resolved: (env: Environment) => unknown][] = [
  ["profile", (e) => e.profile],
  ["codemie.version", (e) => e.codemieVersion],
  ["azure.cloud", (e) => e.azure.cloud],
  ["azure.namePrefix", (e) => e.azure.namePrefix],
  ["azure.production", (e) => e.production],
  ["network.podCidr", (e) => e.network.podCidr],
  ["network.serviceCidr", (e) => e.network.serviceCidr],
  ["network.dnsServiceIp", (e) => e.network.dnsServiceIp],
  ["network.privateCluster", (e) => e.network.privateCluster],
  ["network.ingress.tls", (e) => e.network.ingress.tls],
  ["network.ingress.tlsSecretName", (e) => e.network.ingress.tlsSecretName],
  ["network.ingress.internal", (e) => e.network.ingress.internal],
  ["aks.kubernetesVersion", (e) => e.aks.kubernetesVersion],
  ["aks.upgradeChannel", (e) => e.aks.upgradeChannel],
  ["aks.maintenanceWindow.day", (e) => e.aks.maintenanceWindow.day],
  ["aks.maintenanceWindow.startHour", (e) => e.aks.maintenanceWindow.startHour],
  ["aks.maintenanceWindow.durationHours", (e) => e.aks.maintenanceWindow.durationHours],
  ["aks.zones", (e) => e.aks.zones],
  ["aks.autoSizing.families", (e) => e.aks.autoSizing.families],
  ["postgres.version", (e) => e.postgres.version],
  ["postgres.backupRetentionDays", (e) => e.postgres.backupRetentionDays],
  ["postgres.geoRedundantBackup", (e) => e.postgres.geoRedundantBackup],
  ["keyVault.softDeleteRetentionDays", (e) => e.keyVault.softDeleteRetentionDays],
  ["keyVault.purgeProtection", (e) => e.keyVault.purgeProtection],
  ["openai.enabled", (e) => e.openai.enabled],
  ["components.keycloak.database", (e) => e.keycloakDatabase],
  ["gitops.auth", (e) => e.gitops.auth],
  ["components.kibana.enabled", (e) => e.components.find((c) => c.key === "kibana")?.enabled],
  ["components.llmProxy.enabled", (e) => e.components.find((c) => c.key === "llmProxy")?.enabled],
];

function schemaDefault(path: string): unknown {
  let node = buildEnvironmentSchema() as { properties?: Record<string, unknown>; default?: unknown };
  for (const key of path.split(".")) {
    const next = node.properties?.[key];
    if (next === undefined) throw new Error(`the schema has no ${path}`);
    node = next as typeof node;
  }
  return node.default;
}

describe("defaults", () => {
  const env = resolveEnvironment("dev", "environments/dev.yaml", MINIMAL);

  test.each(FIELDS)("%s: the schema's default is what a file without it resolves to", (path, resolved) => {
    const stated = schemaDefault(path);
    expect(stated).toBeDefined();
    expect(resolved(env)).toEqual(stated);
  });
});
