// The PostgreSQL roles Job's Azure side, read from the ARM JSON the real Bicep CLI compiles: a
// user-assigned identity of its own, federated with the Job's service account, and made an Entra
// administrator (service principal) of the server, after the people's Entra group.
import { describe, expect, it } from "vitest";
import { ROLES_JOB } from "../../../src/catalogue/database-roles.js";
import { planCapacity } from "../../../src/capacity/plan.js";
import { allResources, moduleParams, ofType } from "../../support/arm.js";
import { bicepSession } from "../../support/bicep.js";
import { loadEnv } from "../gitops/support.js";

const session = await bicepSession();

describe("the roles Job's identity in the compiled ARM JSON", async () => {
  const env = loadEnv("prod");
  const compiled = await session.compile(env, planCapacity(env));
  if (!compiled.tree.get("bicep/main.json")) throw new Error(JSON.stringify(compiled.diagnostics, null, 1));
  const main = JSON.parse(compiled.tree.get("bicep/main.json")!) as Record<string, unknown>;
  const name = env.names.identities.postgresRoles;

  it("compiles with no diagnostics", () => {
    expect(compiled.diagnostics).toEqual([]);
  });

  it("creates the identity and federates it with the Job's service account", () => {
    const names = moduleParams(main, "identities").workloadNames as string[];
    expect(names).toContain(name);
    const federations = moduleParams(main, "workloadIdentity").federations as Array<Record<string, string>>;
    expect(federations).toContainEqual({
      identityName: name,
      namespace: ROLES_JOB.namespace,
      serviceAccount: ROLES_JOB.identity.serviceAccount,
    });
    const credential = ofType(
      main,
      "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
    )[0]!;
    expect(credential.body.properties).toMatchObject({
      subject:
        "[format('system:serviceaccount:{0}:{1}', " +
        "parameters('federations')[copyIndex()].namespace, " +
        "parameters('federations')[copyIndex()].serviceAccount)]",
      audiences: ["api://AzureADTokenExchange"],
    });
    // The identity gets no Azure RBAC role: it only administers PostgreSQL.
    const grants = allResources(main).filter(
      (r) => r.type === "Microsoft.Authorization/roleAssignments" && JSON.stringify(r.body).includes(name),
    );
    expect(grants).toEqual([]);
  });

  it(
    "makes the identity an Entra administrator of the server as a service " + "principal, after the server's module",
    () => {
      const index = names().indexOf(name);
      expect(moduleParams(main, "postgresRolesAdmin")).toEqual({
        serverName: env.names.postgres,
        principalId: `[reference('identities').outputs.workloadPrincipalIds.value[${index}]]`,
        principalName: name,
      });
      const admin = allResources(main).find(
        (r) =>
          r.module === "/postgresRolesAdmin" && r.type === "Microsoft.DBforPostgreSQL/flexibleServers/administrators",
      )!;
      expect(admin.name).toBe("[format('{0}/{1}', parameters('serverName'), parameters('principalId'))]");
      expect(admin.body.properties).toEqual({
        principalType: "ServicePrincipal",
        principalName: "[parameters('principalName')]",
        tenantId: "[tenant().tenantId]",
      });
      const deployment = allResources(main).find((r) => r.module === "" && r.symbol === "postgresRolesAdmin")!;
      expect(deployment.body.dependsOn).toContain("postgres");
      expect(JSON.stringify((main.outputs as Record<string, unknown>).identityClientIds)).toContain("postgresRoles");
    },
  );

  function names(): string[] {
    return moduleParams(main, "identities").workloadNames as string[];
  }
});
