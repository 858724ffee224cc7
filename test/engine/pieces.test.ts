// The engine's pure pieces: names, seeded secrets, the infra-outputs ConfigMap, Flux views.
import yaml from "js-yaml";
import { describe, expect, test } from "vitest";
import { isReconciled, nonCompliantObjects, objectLine, readFluxView, syncedCommit } from "../../src/engine/flux.js";
import { infraOutputsManifest, infraOutputsPath, infraOutputValues } from "../../src/engine/infra-outputs.js";
import { deploymentNames, deploymentPrefix, fluxConfigurationPath, keyVaultId } from "../../src/engine/names.js";
import { newSecretValue, password, secretsToSeed } from "../../src/engine/secret-values.js";
import { VAULT_SECRETS } from "../../src/catalogue/secrets.js";
import { substitutionVariables } from "../../src/render/gitops/contract.js";
import { withSubscription } from "../../src/app/prepare.js";
import { environmentText, shippedEnvironment } from "./support/environments.js";

const dev = shippedEnvironment("dev");
const prod = shippedEnvironment("prod");
const sha = "0123456789abcdef0123456789abcdef01234567";

describe("names", () => {
  test("deployment names carry the environment and the source commit, and a prefix no other environment shares", () => {
    expect(deploymentNames(dev, { sha, dirty: false })).toEqual({
      main: "codemie-dev.0123456",
      bootstrap: "codemie-dev.0123456.bootstrap",
    });
    expect(deploymentNames(dev, { sha, dirty: true }).main).toBe("codemie-dev.0123456-dirty");
    expect(deploymentPrefix(dev)).toBe("codemie-dev.");
    expect("codemie-dev-eu.0123456".startsWith(deploymentPrefix(dev))).toBe(false);
  });

  test("the vault and the Flux configuration are the environment's", () => {
    expect(keyVaultId(dev)).toBe(
      `/subscriptions/${dev.azure.subscriptionId}/resourceGroups/` +
        `${dev.names.resourceGroup}/providers/Microsoft.KeyVault/vaults/` +
        `${dev.names.keyVault}`,
    );
    expect(fluxConfigurationPath(dev)).toMatch(
      new RegExp(
        `/managedClusters/${dev.names.aks}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/codemie$`,
      ),
    );
  });

  test("--subscription rewrites only the subscription id, so names follow it and positions stay", () => {
    const other = "44444444-4444-4444-8444-444444444444";
    const text = environmentText("dev");
    const rewritten = withSubscription(text, other);
    expect(rewritten.split("\n").length).toBe(text.split("\n").length);
    expect(rewritten.replace(other, dev.azure.subscriptionId)).toBe(text);
  });
});

describe("seeded secrets", () => {
  test("come from the catalogue's random secrets, filtered by the environment", () => {
    const random = VAULT_SECRETS.filter((s) => s.seed === "random").map((s) => s.name);
    expect(secretsToSeed(prod).every((name) => random.includes(name))).toBe(true);
    // dev has no LLM proxy: its keys are not seeded.
    expect(secretsToSeed(dev)).not.toContain("litellm-master-key");
    expect(secretsToSeed(dev)).toContain("postgres-admin-password");
  });

  test("values are strong and shaped as their consumers need", () => {
    for (let i = 0; i < 200; i += 1) {
      const p = password();
      expect(p).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[0-9]/);
    }
    expect(newSecretValue("kibana-security-key")).toMatch(/^[0-9a-f]{32}$/);
    expect(newSecretValue("oauth2-proxy-cookie-secret")).toHaveLength(32);
    expect(newSecretValue("litellm-master-key")).toMatch(/^sk-[A-Za-z0-9]{32}$/);
    expect(new Set(Array.from({ length: 50 }, () => newSecretValue("postgres-admin-password"))).size).toBe(50);
  });
});

describe("infra outputs ConfigMap", () => {
  const outputs = {
    keyVaultUri: "https://kv-codemie-dev-ab12.vault.azure.net/",
    postgresHost: "psql-codemie-dev-ab12.postgres.database.azure.com",
    postgresAdminLogin: "pgadmin",
    storageAccountName: "stcodemiedevab12",
    identityClientIds: {
      api: "aaaaaaaa-0000-4000-8000-000000000001",
      externalSecrets: "aaaaaaaa-0000-4000-8000-000000000002",
      postgresRoles: "aaaaaaaa-0000-4000-8000-000000000003",
    },
  };

  test("holds exactly the contract's variables, as plain values in flux-system", () => {
    const manifest = yaml.load(infraOutputsManifest(dev, outputs)) as {
      kind: string;
      metadata: { name: string; namespace: string };
      data: Record<string, string>;
    };
    expect(manifest).toMatchObject({
      kind: "ConfigMap",
      metadata: {
        name: "codemie-infra-outputs",
        namespace: "flux-system",
        labels: { "reconcile.fluxcd.io/watch": "Enabled" },
      },
    });
    expect(Object.keys(manifest.data)).toEqual(substitutionVariables(dev).map((v) => v.name));
    expect(manifest.data.ESO_CLIENT_ID).toBe(outputs.identityClientIds.externalSecrets);
    expect(infraOutputsPath(dev)).toBe("clusters/dev/infra-outputs.yaml");
  });

  test("refuses outputs that are missing or could be misread", () => {
    expect(() => infraOutputValues(dev, { ...outputs, postgresHost: undefined })).toThrow(
      "POSTGRES_HOST (no value in the deployment outputs)",
    );
    expect(() => infraOutputValues(dev, { ...outputs, keyVaultUri: "https://x/${EVIL}" })).toThrow(
      "KEY_VAULT_URI (unexpected characters",
    );
  });
});

describe("Flux views", () => {
  const raw = (complianceState: string, commit: string) => ({
    properties: {
      complianceState,
      provisioningState: "Succeeded",
      sourceSyncedCommitId: commit,
      statuses: [
        {
          kind: "GitRepository",
          name: "codemie",
          namespace: "flux-system",
          complianceState: "Compliant",
          statusConditions: [{ type: "Ready", status: "True", reason: "Succeeded", message: "ok" }],
        },
        {
          kind: "Kustomization",
          name: "codemie-apps",
          namespace: "flux-system",
          complianceState,
          statusConditions: [
            {
              type: "Ready",
              status: "False",
              reason: "HealthCheckFailed",
              message: "timeout waiting for HelmRelease codemie/api",
            },
          ],
        },
      ],
    },
  });

  test("reads the synced commit in Azure's formats", () => {
    for (const id of [`gitops/dev/${sha}`, `gitops/dev@sha1:${sha}`, sha])
      expect(syncedCommit(readFluxView(raw("Compliant", id)))).toBe(sha);
    expect(syncedCommit(readFluxView(raw("Compliant", "gitops/dev/abc")))).toBeUndefined();
  });

  test("is reconciled only at the expected commit and Compliant", () => {
    expect(isReconciled(readFluxView(raw("Compliant", `gitops/dev@sha1:${sha}`)), sha)).toBe(true);
    expect(isReconciled(readFluxView(raw("Non-Compliant", `gitops/dev@sha1:${sha}`)), sha)).toBe(false);
    expect(isReconciled(readFluxView(raw("Compliant", `gitops/dev@sha1:${"f".repeat(40)}`)), sha)).toBe(false);
  });

  test("lists non-compliant objects with Flux's reason", () => {
    const view = readFluxView(raw("Non-Compliant", sha));
    expect(nonCompliantObjects(view).map(objectLine)).toEqual([
      "Kustomization flux-system/codemie-apps: Non-Compliant " +
        "(HealthCheckFailed: timeout waiting for HelmRelease codemie/api)",
    ]);
    expect(readFluxView(undefined)).toEqual({ complianceState: "Unknown", objects: [] });
  });
});
