// One run reports every independent error of a file: schema errors do not hide the semantic
// and capacity checks whose inputs are valid, checks that read an invalid field stay silent,
// and the diagnostics come sorted, each once.
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { sortDiagnostics, type Diagnostic } from "../../src/config/diagnostics.js";
import { loadEnvironment } from "../../src/app/load.js";

const base = readFileSync(join(import.meta.dirname, "../fixtures/base.yaml"), "utf8");

/** One independent error: what it writes into base.yaml and the field it must be reported at. */
interface Injection {
  kind: "schema" | "semantic" | "capacity";
  at: string;
  set: [path: (string | number)[], value: unknown];
}

const INJECTIONS: Injection[] = [
  { kind: "schema", at: "colour", set: [["colour"], "blue"] },
  { kind: "schema", at: "postgres.backupRetentionDays", set: [["postgres", "backupRetentionDays"], 3] },
  { kind: "schema", at: "aks.kubernetesVersion", set: [["aks", "kubernetesVersion"], "1.20"] },
  { kind: "schema", at: "network.ingress.host", set: [["network", "ingress", "host"], "Not A Host"] },
  { kind: "schema", at: "keyVault.softDeleteRetentionDays", set: [["keyVault", "softDeleteRetentionDays"], 1] },
  { kind: "schema", at: "azure.tenantId", set: [["azure", "tenantId"], "not-a-guid"] },
  { kind: "semantic", at: "network.vnetCidr", set: [["network", "vnetCidr"], "10.40.0.0/33"] },
  { kind: "semantic", at: "azure.location", set: [["azure", "location"], "westeurop"] },
  { kind: "semantic", at: "network.dnsServiceIp", set: [["network", "dnsServiceIp"], "10.9.0.10"] },
  { kind: "semantic", at: "postgres.sku", set: [["postgres", "sku"], "Standard_E4ds_v5"] },
  { kind: "semantic", at: "network.subnets.postgres", set: [["network", "subnets", "postgres"], "10.40.1.0/29"] },
  {
    kind: "capacity",
    at: "components.elasticsearch.memory",
    set: [["components", "elasticsearch", "memory"], "500Gi"],
  },
];

function inject(injections: readonly Injection[]): string {
  const doc = parseDocument(base);
  for (const {
    set: [path, value],
  } of injections)
    doc.setIn(path, value);
  return doc.toString();
}

const errors = (text: string): Diagnostic[] =>
  loadEnvironment("environments/test.yaml", text, "test").diagnostics.filter((d) => d.severity === "error");

describe("one run reports every independent error", () => {
  it("base.yaml is clean, and each injection alone is one error at its field", () => {
    expect(errors(base)).toEqual([]);
    for (const i of INJECTIONS)
      expect(
        errors(inject([i])).map((d) => d.path),
        `${i.kind} ${i.at}`,
      ).toEqual([i.at]);
  });

  it("a file with k independent errors, schema, semantic and capacity mixed, reports all k, sorted, each once", () => {
    fc.assert(
      fc.property(fc.subarray(INJECTIONS, { minLength: 1 }), (chosen) => {
        const { diagnostics } = loadEnvironment("environments/test.yaml", inject(chosen), "test");
        const found = diagnostics.filter((d) => d.severity === "error");
        expect(found.map((d) => d.path).sort()).toEqual(chosen.map((i) => i.at).sort());
        expect(diagnostics).toEqual(sortDiagnostics([...diagnostics]));
        expect(new Set(diagnostics.map((d) => JSON.stringify(d))).size).toBe(diagnostics.length);
      }),
      { numRuns: 60 },
    );
  });

  it("stays silent about a check whose input the schema rejected", () => {
    // postgres.tier is misspelt: the SKU-tier and Burstable checks would only echo it.
    const text = inject([{ kind: "schema", at: "postgres.tier", set: [["postgres", "tier"], "Burstible"] }]);
    expect(errors(text).map((d) => d.message)).toEqual([
      'postgres.tier is "Burstible"; allowed: "Burstable", "GeneralPurpose", ' +
        '"MemoryOptimized"; did you mean "Burstable"?',
    ]);
  });
});
