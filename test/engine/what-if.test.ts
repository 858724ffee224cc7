// What-if classification: every ARM change type lands in one typed bucket, unevaluated changes
// are unknown, and noise rules set properties apart with their reasons.
import { describe, expect, test } from "vitest";
import { NOISE_RULES } from "../../src/engine/noise-rules.js";
import { parseResourceId, summarizeWhatIf, type WhatIfChangeInput } from "../../src/engine/what-if.js";

const sub = "/subscriptions/33333333-3333-4333-8333-333333333333";
const rg = `${sub}/resourceGroups/rg-codemie-dev`;
const aks = `${rg}/providers/Microsoft.ContainerService/managedClusters/aks-codemie-dev`;

describe("parseResourceId", () => {
  test.each([
    [`${sub}/resourceGroups/rg-x`, "Microsoft.Resources/resourceGroups", "rg-x"],
    [
      `${rg}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks`,
      "Microsoft.Network/virtualNetworks/subnets",
      "aks",
    ],
    [
      `${aks}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/codemie`,
      "Microsoft.KubernetesConfiguration/fluxConfigurations",
      "codemie",
    ],
    [`${sub}/providers/Microsoft.Authorization/roleAssignments/abc`, "Microsoft.Authorization/roleAssignments", "abc"],
  ])("%s", (id, type, name) => {
    expect(parseResourceId(id)).toEqual({ type, name });
  });
});

describe("summarizeWhatIf", () => {
  test("classifies every change type; what ARM could not evaluate is unknown, never unchanged", () => {
    const changes: WhatIfChangeInput[] = [
      { resourceId: `${sub}/resourceGroups/rg-codemie-dev`, changeType: "NoChange" },
      { resourceId: `${rg}/providers/Microsoft.KeyVault/vaults/kv`, changeType: "Create" },
      { resourceId: `${rg}/providers/Microsoft.Network/publicIPAddresses/old`, changeType: "Delete" },
      { resourceId: `${rg}/providers/Microsoft.Insights/components/a`, changeType: "Ignore" },
      { resourceId: `${rg}/providers/Microsoft.Web/sites/b`, changeType: "Deploy" },
      {
        resourceId: `${rg}/providers/Microsoft.Foo/bars/c`,
        changeType: "Unsupported",
        unsupportedReason: "Changes to the resource type are not supported by what-if.",
      },
      { resourceId: `${rg}/providers/Microsoft.Foo/bars/d`, changeType: "SomethingNew" },
    ];
    const potential: WhatIfChangeInput[] = [
      { resourceId: `${rg}/providers/Microsoft.Storage/storageAccounts/st`, changeType: "Modify" },
    ];

    const summary = summarizeWhatIf(changes, potential);

    expect(summary.counts).toEqual({ create: 1, modify: 0, delete: 1, unknown: 5, noChange: 1 });
    expect(summary.changes.map((c) => `${c.kind} ${c.name}`)).toEqual([
      "create kv",
      "delete old",
      "unknown c",
      "unknown d",
      "unknown a",
      "unknown st",
      "unknown b",
      "noChange rg-codemie-dev",
    ]);
    const reason = (name: string): string | undefined => summary.changes.find((c) => c.name === name)?.reason;
    expect(reason("a")).toMatch(/did not evaluate/);
    expect(reason("b")).toMatch(/cannot tell/);
    expect(reason("c")).toBe("Changes to the resource type are not supported by what-if.");
    expect(reason("st")).toMatch(/cannot evaluate before deploying \(would be Modify\)/);
  });

  test("flattens nested property changes into paths and sets noise apart with its rule", () => {
    const change: WhatIfChangeInput = {
      resourceId: aks,
      changeType: "Modify",
      after: {
        properties: {
          agentPoolProfiles: [
            { name: "system", count: 2, enableAutoScaling: true },
            { name: "workloads", count: 3, enableAutoScaling: false },
          ],
        },
      },
      delta: [
        {
          path: "properties.agentPoolProfiles",
          propertyChangeType: "Array",
          children: [
            { path: "0", propertyChangeType: "Modify", children: [{ path: "count", propertyChangeType: "Modify" }] },
            { path: "1", propertyChangeType: "Modify", children: [{ path: "count", propertyChangeType: "Modify" }] },
          ],
        },
        { path: "properties.powerState.code", propertyChangeType: "NoEffect" },
      ],
    };

    const summary = summarizeWhatIf([change], []);

    expect(summary.counts.modify).toBe(1);
    expect(summary.changes[0]).toMatchObject({
      kind: "modify",
      resourceType: "Microsoft.ContainerService/managedClusters",
      // The fixed-count pool's count is a real change; the autoscaled one's is noise.
      properties: [{ path: "properties.agentPoolProfiles[1].count", change: "Modify" }],
      ignored: [
        { path: "properties.agentPoolProfiles[0].count", rule: "aks-autoscaled-count" },
        { path: "properties.powerState.code", rule: "read-only" },
      ],
    });
    expect(summary.noiseRules.map((r) => r.id).sort()).toEqual(["aks-autoscaled-count", "read-only"]);
  });

  test("a modification made only of noise counts as unchanged; secret values never reach the summary", () => {
    const server = `${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql`;
    const summary = summarizeWhatIf(
      [
        {
          resourceId: server,
          changeType: "Modify",
          delta: [{ path: "properties.administratorLoginPassword", propertyChangeType: "Create" }],
        },
        {
          resourceId: `${rg}/providers/Microsoft.Foo/bars/x`,
          changeType: "Modify",
          after: { secret: "throwaway-1" },
          delta: [{ path: "properties.secret", propertyChangeType: "Modify", before: "x", after: "throwaway-1" }],
        },
        {
          resourceId: `${rg}/providers/Microsoft.Foo/bars/y`,
          changeType: "Modify",
          delta: [
            { path: "properties.uri", propertyChangeType: "Modify", before: "a", after: "https://h/?sig=throwaway-1" },
          ],
        },
      ],
      [],
      undefined,
      ["throwaway-1"],
    );

    expect(summary.changes.find((c) => c.name === "psql")).toMatchObject({
      kind: "noChange",
      ignored: [{ rule: "postgres-admin-password" }],
    });
    expect(summary.changes.find((c) => c.name === "x")?.properties).toEqual([
      { path: "properties.secret", change: "Modify", before: "(hidden)", after: "(hidden)" },
    ]);
    expect(summary.changes.find((c) => c.name === "y")?.properties).toEqual([
      { path: "properties.uri", change: "Modify", before: "a", after: "(hidden)" },
    ]);
    expect(JSON.stringify(summary)).not.toContain("throwaway-1");
  });

  test("every noise rule has an id and a reason", () => {
    for (const rule of NOISE_RULES) {
      expect(rule.id).toMatch(/^[a-z0-9-]+$/);
      expect(rule.reason.length).toBeGreaterThan(20);
    }
    expect(new Set(NOISE_RULES.map((r) => r.id)).size).toBe(NOISE_RULES.length);
  });
});
