// What the emulator makes up so a deploy can finish without scripting: deployment outputs
// synthesized from the template, and Flux following a git repository.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { armClient } from "./clients.js";
import { AzureEmulator } from "./emulator.js";
import { simulatedOutputs } from "./outputs.js";
import { bareRemote, pushFiles, type TempDir } from "../engine/support/git-repos.js";

describe("synthesized deployment outputs", () => {
  const outputs = (
    declared: Record<string, unknown>,
    parameters: Record<string, unknown> = {},
    defaults: Record<string, unknown> = {},
  ) =>
    Object.fromEntries(
      Object.entries(simulatedOutputs({ parameters: defaults, outputs: declared }, parameters, undefined)).map(
        ([name, o]) => [name, o.value],
      ),
    );
  const computed = (type: string) => ({ type, value: "[reference('x').outputs.y.value]" });

  test("a computed value takes the shape its name promises, on a reserved domain", () => {
    expect(
      outputs({
        keyVaultUri: computed("string"),
        oidcIssuerUrl: computed("string"),
        "search-endpoint": computed("string"),
        postgresHost: computed("string"),
        clusterName: computed("string"),
        adminLogin: computed("string"),
        egressIp: computed("string"),
        whatever: computed("string"),
        replicas: computed("int"),
        zones: computed("array"),
      }),
    ).toEqual({
      keyVaultUri: "https://keyvaulturi.example.invalid/",
      oidcIssuerUrl: "https://oidcissuerurl.example.invalid/",
      "search-endpoint": "https://search-endpoint.example.invalid/",
      postgresHost: "postgreshost.example.invalid",
      clusterName: "emulated-clusterName",
      adminLogin: "emulated-adminLogin",
      egressIp: expect.stringMatching(/^192\.0\.2\.\d+$/),
      whatever: "emulated-whatever",
      replicas: 0,
      zones: [],
    });
  });

  test("an object literal keeps its keys; client IDs become GUIDs fixed by the key", () => {
    const declared = {
      identityClientIds: {
        type: "object",
        value: { api: "[reference('ids').outputs.v.value[0]]", worker: "[reference('ids').outputs.v.value[1]]" },
      },
      endpoints: { type: "object", value: { blobUri: "[reference('s').outputs.blob.value]", region: "westeurope" } },
    };
    const first = outputs(declared);
    const ids = first.identityClientIds as Record<string, string>;
    expect(Object.keys(ids)).toEqual(["api", "worker"]);
    for (const id of Object.values(ids))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids.api).not.toBe(ids.worker);
    expect(outputs(declared)).toEqual(first);
    expect(first.endpoints).toEqual({ blobUri: "https://endpoints-bloburi.example.invalid/", region: "westeurope" });
  });

  test("[parameters('x')] echoes the value passed, else a literal default; literals stay as written", () => {
    const declared = {
      passed: { type: "string", value: "[parameters('env')]" },
      defaulted: { type: "string", value: "[parameters('location')]" },
      computedDefault: { type: "string", value: "[parameters('suffix')]" },
      literal: { type: "string", value: "rg-codemie-dev" },
      escaped: { type: "string", value: "[[not an expression]" },
    };
    const defaults = {
      env: { type: "string" },
      location: { type: "string", defaultValue: "westeurope" },
      suffix: { type: "string", defaultValue: "[uniqueString(subscription().id)]" },
    };
    expect(outputs(declared, { env: { value: "dev" } }, defaults)).toEqual({
      passed: "dev",
      defaulted: "westeurope",
      computedDefault: "emulated-computedDefault",
      literal: "rg-codemie-dev",
      escaped: "[not an expression]",
    });
  });

  test("scripted outputs replace the synthesized ones", () => {
    expect(
      simulatedOutputs(
        { outputs: { keyVaultUri: computed("string") } },
        {},
        { keyVaultUri: "https://kv.vault.azure.net/" },
      ),
    ).toEqual({
      keyVaultUri: { type: "string", value: "https://kv.vault.azure.net/" },
    });
  });
});

describe("Flux following a git repository", () => {
  let emulator: AzureEmulator;
  let remote: TempDir;
  beforeAll(async () => {
    emulator = await AzureEmulator.start();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(() => {
    emulator.reset();
    remote = bareRemote();
  });
  afterEach(() => remote.dispose());

  const sub = (): string => `/subscriptions/${emulator.identity.subscriptionId}`;
  const fluxPath =
    "/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks" +
    "/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/codemie";
  type Flux = {
    properties: {
      complianceState: string;
      sourceSyncedCommitId?: string;
      statuses: { kind: string; complianceState: string }[];
    };
  };
  const read = async (): Promise<Flux | undefined> =>
    armClient(emulator).getJson<Flux>(`${sub()}${fluxPath}`, "2024-11-01");
  // The shape Bicep compiles a module to: an inner-scope nested deployment whose branch is a parameter.
  const template = {
    parameters: { branch: { type: "string", defaultValue: "gitops/dev" } },
    resources: {
      flux: {
        type: "Microsoft.Resources/deployments",
        name: "[format('flux-{0}', uniqueString(deployment().name))]",
        properties: {
          expressionEvaluationOptions: { scope: "inner" },
          parameters: { branch: { value: "[parameters('branch')]" } },
          template: {
            parameters: { branch: { type: "string" } },
            resources: {
              configuration: {
                type: "Microsoft.KubernetesConfiguration/fluxConfigurations",
                name: "codemie",
                properties: {
                  gitRepository: {
                    url: "https://example.invalid/repo",
                    repositoryRef: { branch: "[parameters('branch')]" },
                  },
                },
              },
            },
          },
        },
      },
    },
  };

  test(
    "exists once deployed, reports the configured branch's tip, " +
      "Non-Compliant for the scripted reads of each new commit",
    async () => {
      emulator.script({
        deployment: { runningPolls: 0 },
        flux: { "*": { nonCompliantReads: 1, repository: remote.path, kustomizations: ["root"] } },
      });
      await expect(read()).resolves.toBeUndefined();

      await armClient(emulator).deployAtSubscription("codemie-dev.1", {
        location: "westeurope",
        template,
        parameters: {},
      });
      const unpublished = await read();
      expect(unpublished?.properties.complianceState).toBe("Non-Compliant");
      expect(unpublished?.properties.sourceSyncedCommitId).toBeUndefined();
      expect(unpublished?.properties.statuses).toEqual([
        expect.objectContaining({ kind: "GitRepository", complianceState: "Non-Compliant" }),
      ]);

      for (const files of [{ "a.yaml": "a: 1\n" }, { "a.yaml": "a: 2\n" }]) {
        const tip = pushFiles(remote.path, "gitops/dev", files);
        const reads = [await read(), await read()].map(
          (f) => `${f?.properties.complianceState} ${f?.properties.sourceSyncedCommitId}`,
        );
        expect(reads).toEqual([`Non-Compliant gitops/dev@sha1:${tip}`, `Compliant gitops/dev@sha1:${tip}`]);
      }
    },
  );
});
