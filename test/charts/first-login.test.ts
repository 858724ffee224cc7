// Issue 20, "login that works for every created user", checked on what the real charts render:
// oauth2-proxy accepts an ID token whose email Keycloak has not verified (CodeMie's reference
// values), the realm keeps CodeMie's unmanaged user attributes, and keycloak-operator gets the
// memory its chart's defaults give it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import type { Manifest } from "../../src/kubernetes/helm-release.js";
import { addonSize } from "../../src/render/gitops/scheduling.js";
import { mirror, rendered } from "./support.js";

const SLOW = 300_000;

async function objectsOf(name: string, release: string): Promise<Manifest[]> {
  const { k8s } = await rendered(name);
  const r = k8s.releases.find((x) => x.release.name === release);
  if (!r) throw new Error(`no release ${release}`);
  expect(r.error).toBeUndefined();
  return r.objects;
}

/** oauth2-proxy's config file as the chart mounts it (its ConfigMap), parsed line by line. */
function oauth2ProxyConfig(objects: Manifest[]): Map<string, string> {
  const cm = objects.find(
    (o) =>
      o.kind === "ConfigMap" &&
      typeof (o.data as Record<string, string> | undefined)?.["oauth2_proxy.cfg"] === "string",
  );
  if (!cm) throw new Error("oauth2-proxy rendered no oauth2_proxy.cfg ConfigMap");
  const text = (cm.data as Record<string, string>)["oauth2_proxy.cfg"]!;
  return new Map(
    text
      .split("\n")
      .map((l) => l.match(/^\s*"?([a-z_]+)"?\s*=\s*(.+)$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => [m[1]!, m[2]!.trim()]),
  );
}

describe.each(["dev", "prod"])("%s: first login", (name) => {
  it(
    "lets users whose email is not verified sign in, as CodeMie's reference values do",
    { timeout: SLOW },
    async () => {
      const config = oauth2ProxyConfig(await objectsOf(name, "oauth2-proxy"));
      expect(config.get("insecure_oidc_allow_unverified_email")).toBe("true");
      // Still only CodeMie's roles get in.
      expect(config.get("allowed_roles")).toBe('["developer","admin"]');
    },
  );

  it(
    "declares unmanaged attributes on the realm (CodeMie's applications attribute survives)",
    { timeout: SLOW },
    async () => {
      const realm = (await objectsOf(name, "oauth2-proxy")).find((o) => o.kind === "KeycloakRealm");
      expect((realm?.spec as Record<string, unknown>)["userProfileConfig"]).toEqual({
        unmanagedAttributePolicy: "ENABLED",
      });
    },
  );
});

describe("first administrator", () => {
  it.each(["dev", "prod"])(
    "%s: created once by the operator, email verified, role admin, a temporary first password from Key Vault",
    { timeout: SLOW },
    async (name) => {
      const { env, tree } = await rendered(name);
      const user = (await objectsOf(name, "oauth2-proxy")).find((o) => o.kind === "KeycloakRealmUser");
      expect(user?.metadata?.namespace ?? "oauth2-proxy").toBe("oauth2-proxy");
      expect(user?.spec).toEqual({
        realmRef: { kind: "KeycloakRealm", name: "codemie-prod" },
        username: "codemie-admin",
        email: `codemie-admin@${env.network.ingress.host}`,
        emailVerified: true,
        enabled: true,
        keepResource: true,
        reconciliationStrategy: "addOnly",
        roles: ["admin"],
        passwordSecret: { name: "codemie-first-admin", key: "password", temporary: true },
      });
      // The password reaches the cluster from Key Vault only, in the user's namespace.
      const secrets = [...tree.entries()].find(([p]) => p.endsWith("secrets/external-secrets.yaml"))![1];
      const es = (
        yaml.loadAll(secrets) as Array<{
          metadata: { name: string; namespace: string };
          spec: { data: Array<{ remoteRef: { key: string } }> };
        }>
      ).find((d) => d?.metadata?.name === "codemie-first-admin");
      expect(es?.metadata.namespace).toBe("oauth2-proxy");
      expect(es?.spec.data.map((d) => d.remoteRef.key)).toEqual(["codemie-admin-password"]);
      expect(secrets).not.toMatch(/password:\s*\S{20,}/);
    },
  );

  it("takes the user name, email and projects the environment file names", { timeout: SLOW }, async () => {
    const { k8s } = await rendered("dev", (e) => ({
      ...e,
      login: { firstAdmin: { username: "alice", email: "alice@acme.example", projects: ["platform", "demo"] } },
    }));
    const user = k8s.releases
      .find((r) => r.release.name === "oauth2-proxy")!
      .objects.find((o) => o.kind === "KeycloakRealmUser");
    expect(user?.spec).toMatchObject({
      username: "alice",
      email: "alice@acme.example",
      attributesV2: { applications: ["platform", "demo"] },
    });
  });
});

describe("keycloak-operator", () => {
  it("is sized from its chart's defaults: the CPU request and the memory limit the chart sets", () => {
    const defaults = yaml.load(readFileSync(join(mirror(), "keycloak-operator-1.34.0", "values.yaml"), "utf8")) as {
      resources: { requests: { cpu: string }; limits: { memory: string } };
    };
    const size = addonSize("keycloak-operator");
    expect({ cpu: size.cpu, memory: size.memory }).toEqual({
      cpu: defaults.resources.requests.cpu,
      memory: defaults.resources.limits.memory,
    });
  });
});
