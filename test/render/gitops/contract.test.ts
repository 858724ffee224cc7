// The GitOps tree's contract with the rest of the toolkit: the names the Bicep, the capacity
// planner and the deploy step use are the ones the tree uses, and docs/gitops-tree.md documents them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { PLATFORM_DEPLOYMENTS } from "../../../src/capacity/cluster-addons.js";
import { HARD_ANTI_AFFINITY } from "../../../src/capacity/scheduling.js";
import { WORKLOAD_IDENTITIES } from "../../../src/catalogue/identities.js";
import { ADDONS } from "../../../src/catalogue/platform.js";
import { VAULT_SECRETS } from "../../../src/catalogue/secrets.js";
import { POSTGRES_PASSWORD_SECRET } from "../../../src/render/bicep/context.js";
import { CLIENT_ID_VARIABLES, FLUX, substitutionVariables } from "../../../src/render/gitops/contract.js";
import { ENV_NAMES, ROOT, loadEnv, render } from "./support.js";

it("uses the Key Vault secret the Bicep gives the PostgreSQL server", () => {
  expect(VAULT_SECRETS.map((s) => s.name)).toContain(POSTGRES_PASSWORD_SECRET);
});

it("pulls through the GitRepository of the fluxConfiguration the Bicep creates", () => {
  const bicep = readFileSync(join(ROOT, "bicep/modules/flux.bicep"), "utf8");
  expect(bicep).toMatch(new RegExp(`fluxConfigurations@[^']+' = \\{\\s*name: '${FLUX.sourceName}'`));
  expect(bicep).toContain(`namespace: '${FLUX.namespace}'`);
});

it("annotates every workload identity's service account with its client ID", async () => {
  expect(Object.keys(CLIENT_ID_VARIABLES).sort()).toEqual(WORKLOAD_IDENTITIES.map((w) => w.key).sort());
  const env = loadEnv("prod");
  const text = [...(await render(env)).values()].join("\n");
  for (const id of WORKLOAD_IDENTITIES) {
    expect(text).toContain(`"\${${CLIENT_ID_VARIABLES[id.key]}}"`);
    expect(text).toContain(`name: "${id.serviceAccount}"`);
  }
});

it("sizes the add-ons as the capacity planner counts them, and spreads what it spreads", () => {
  const counted = new Set(PLATFORM_DEPLOYMENTS.map((d) => d.name));
  for (const a of ADDONS) for (const name of a.capacityNames) expect(counted.has(name), name).toBe(true);
  expect([...HARD_ANTI_AFFINITY]).toEqual(["elasticsearch"]);
});

it("documents every deploy output and Key Vault secret in docs/gitops-tree.md", () => {
  const readme = readFileSync(join(ROOT, "docs/gitops-tree.md"), "utf8");
  const variables = new Set(ENV_NAMES.flatMap((n) => substitutionVariables(loadEnv(n)).map((v) => v.name)));
  variables.add("LLM_PROXY_CLIENT_ID").add("OPENAI_ENDPOINT");
  for (const v of variables) expect(readme, v).toContain(`\`${v}\``);
  for (const s of VAULT_SECRETS) if (!("tls" in s)) expect(readme, s.name).toContain(`\`${s.name}\``);
  expect(readme).toContain(`\`${FLUX.outputsConfigMap}\``);
});
