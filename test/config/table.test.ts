// prod.yaml must resolve to the resource table of the CodeMie Azure architecture page,
// row by row. The table is written out here on purpose: it is the specification the
// catalogue is checked against, not a second copy the code reads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../src/app/load.js";
import { parseBytes, parseMillicores } from "../../src/config/quantity.js";

const root = join(import.meta.dirname, "../..");

// Component | Pods | RAM | vCPU | Storage  (mission.md, "production sizing for 500+ concurrent users")
const TABLE = [
  ["CodeMie API", "2", "8Gi", "4.0", "-"],
  ["CodeMie UI", "1", "128Mi", "0.1", "-"],
  ["Elasticsearch", "2", "16Gi", "4.0", "200 GB per pod"],
  ["Kibana", "1", "1Gi", "1.0", "-"],
  ["Mermaid-server", "1", "512Mi", "1.0", "-"],
  ["PostgreSQL", "managed service in cloud", "-", "-", "30-50 GB"],
  ["Keycloak + DB", "1 + 1", "4Gi", "2.0", "1 GB"],
  ["Oauth2-proxy", "1", "128Mi", "0.1", "-"],
  ["NATS + Auth Callout", "1 + 1", "512Mi", "1.0", "-"],
  ["MCP Connect", "1", "1Gi", "0.5", "-"],
  ["Fluent Bit", "DaemonSet", "128Mi", "0.1", "-"],
  ["LLM Proxy", "1", "1Gi", "1.0", "-"],
] as const;

const GB = 1e9;

describe("prod.yaml resolves to the resource table", () => {
  const file = "environments/prod.yaml";
  const { env, diagnostics } = loadEnvironment(file, readFileSync(join(root, file), "utf8"));

  it("loads without errors", () => {
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(env?.profile).toBe("production");
  });

  it.each(TABLE)("%s", (name, pods, ram, vcpu, storage) => {
    if (name === "PostgreSQL") {
      const bytes = env!.postgres.storageGb * 2 ** 30;
      expect(bytes).toBeGreaterThanOrEqual(30 * GB);
      expect(bytes).toBeLessThanOrEqual(50 * GB);
      expect(env!.components.find((c) => c.displayName === name)).toBeUndefined();
      return;
    }
    const c = env!.components.find((x) => x.displayName === name);
    expect(c, `component "${name}"`).toBeDefined();
    expect(c!.enabled).toBe(true);
    if (pods === "DaemonSet") expect(c!.kind).toBe("DaemonSet");
    else expect(c!.replicas).toBe(Number(pods.split(" + ")[0]));
    if (pods.includes(" + ")) expect(c!.companion?.replicas).toBe(Number(pods.split(" + ")[1]));
    expect(parseBytes(c!.memory)).toBe(parseBytes(ram));
    expect(parseMillicores(c!.cpu)).toBe(Math.round(Number(vcpu) * 1000));
    if (storage !== "-") {
      // "200 GB per pod" on the pod; "1 GB" of "Keycloak + DB" belongs to the DB companion.
      const holder = c!.companion?.storage ? c!.companion : c!;
      expect(parseBytes(holder.storage!)).toBe(Number(storage.split(" ")[0]) * 2 ** 30);
    }
  });

  it("has no component the table does not list", () => {
    const names = TABLE.map((r) => r[0]);
    expect(env!.components.map((c) => c.displayName).filter((n) => !names.includes(n as never))).toEqual([]);
  });
});
