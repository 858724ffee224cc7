// Day 2 of the toolkit's own Azure Policy definition (bicep/modules/ingress-hosts-policy.bicep) against the
// emulator, which refuses what ARM refuses of it: an update of an existing definition that drops, retypes or
// adds a parameter without a default, and a deployment by an identity whose roles may not write policy
// definitions (a Contributor). A redeploy over the definition a first deploy (or another environment of the
// subscription) created goes through; a deploy identity without the right fails before the main deployment
// writes anything and publishes nothing.
import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { KUBERNETES_POLICIES } from "../../src/catalogue/kubernetes-policies.js";
import { deploymentRequests } from "../../src/engine/rendered.js";
import type { RenderedTree } from "../../src/render/tree.js";
import { armClient } from "../emulator/clients.js";
import { allResources } from "../support/arm.js";
import { bicepSession } from "../support/bicep.js";
import { shippedEnvironment } from "./support/environments.js";
import { BRANCH, DEV_OUTPUTS, emulatorAndWorkspace } from "./support/harness.js";
import { deployInProcess } from "./support/in-process.js";
import { branchTip } from "./support/git-repos.js";

const t = emulatorAndWorkspace();
const CLI_TEST_MS = 420_000;
const session = await bicepSession();
const WITH_ADD_ON = "security:\n  azurePolicy: true\n";
const env = shippedEnvironment("dev", (yaml) => yaml + WITH_ADD_ON);
const NAME = KUBERNETES_POLICIES.ingressHosts.id;
const TYPE = "Microsoft.Authorization/policyDefinitions";
const WRITE = `${TYPE}/write`;

const tree = (): Promise<RenderedTree> => session.cleanTree(env);

/** The definition as ARM's GET returns it after a deploy of this toolkit: the compiled properties. */
async function deployedDefinition(edit: (parameters: Record<string, unknown>) => void = () => {}) {
  const main = JSON.parse((await tree()).get("bicep/main.json")!) as Record<string, unknown>;
  const definition = allResources(main).find((r) => r.type === TYPE)!;
  const properties = structuredClone(definition.body.properties) as { parameters: Record<string, unknown> };
  edit(properties.parameters);
  return { [`/subscriptions/${t.emulator.identity.subscriptionId}/providers/${TYPE}/${NAME}`]: { properties } };
}

async function mainRequest() {
  const { main } = deploymentRequests(env, await tree());
  return { ...main, parameters: { ...main.parameters, postgresAdminPassword: { value: "not-a-real-password-0" } } };
}

/** The workspace's dev.yaml with the add-on on (and so the rules), committed as a reviewed change would be. */
function enableAddOn(cwd: string): void {
  appendFileSync(join(cwd, "environments/dev.yaml"), WITH_ADD_ON);
  execFileSync("git", ["-C", cwd, "commit", "-qam", "azure policy"]);
}

describe("the toolkit's policy definition on day 2", () => {
  test("the emulator refuses an update that drops or adds a parameter without default, as ARM does", async () => {
    // A definition of another shape under the same name (an older toolkit, or someone's by hand).
    t.emulator.script({ resources: await deployedDefinition((p) => (p.labelSelector = { type: "Object" })) });
    const dropped = await armClient(t.emulator).deployAtSubscription("direct-dropped", await mainRequest());
    expect(dropped.provisioningState).toBe("Failed");
    const report = dropped.provisioningState === "Failed" ? dropped.report : undefined;
    expect(report?.failedOperations[0]).toMatchObject({
      resourceType: TYPE,
      resourceName: NAME,
      error: { code: "InvalidPolicyParameterUpdate", message: expect.stringContaining("'labelselector'") as unknown },
    });

    t.emulator.reset();
    t.emulator.script({ resources: await deployedDefinition((p) => delete p.allowedDomains) });
    const added = await armClient(t.emulator).deployAtSubscription("direct-added", await mainRequest());
    expect(added.provisioningState).toBe("Failed");

    t.emulator.reset();
    t.emulator.script({ resources: await deployedDefinition() });
    const same = await armClient(t.emulator).deployAtSubscription("direct-same", await mainRequest());
    expect(same.provisioningState).toBe("Succeeded");
  });

  test(
    "a redeploy over the definition a first deploy created succeeds and publishes",
    async () => {
      enableAddOn(t.ws.cwd);
      t.emulator.script({
        resources: await deployedDefinition(),
        deployment: { runningPolls: 0, outputs: DEV_OUTPUTS },
      });

      const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 });

      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(branchTip(t.ws.remote, BRANCH)).toBeDefined();
    },
    CLI_TEST_MS,
  );

  test(
    "a deploy identity that may not write policy definitions is refused before main writes; nothing is published",
    async () => {
      enableAddOn(t.ws.cwd);
      t.emulator.script({ deniedActions: [WRITE], deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });

      const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 });

      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`does not have permission to perform action '${WRITE}'`);
      expect(run.stderr).toContain(
        `the deploy identity may not ${WRITE.toLowerCase()}: grant it Resource Policy Contributor (or Owner) ` +
          "on the subscription (docs/github-actions.md)",
      );
      expect(run.stdout).not.toMatch(/^(main: succeeded|Published)/m);
      expect(t.ws.pushes()).toEqual([]);
    },
    CLI_TEST_MS,
  );
});
