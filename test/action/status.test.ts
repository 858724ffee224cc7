// The bundled status action as a process against the Azure emulator: Flux's state as outputs and
// a per-object table in the job summary; exit 0 only when the branch tip is Compliant and the smoke
// check of the site (the emulator's public edge over real HTTPS on 127.0.0.1) passes.
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import type { AzureEmulator } from "../emulator/emulator.js";
import { pushFiles } from "../engine/support/git-repos.js";
import { BRANCH, cliEnv, createWorkspace, startEmulator, type Workspace } from "../engine/support/harness.js";
import { workflowDispatchEvent } from "./support/events.js";
import { runAction, type ActionRun } from "./support/run-action.js";

let emulator: AzureEmulator;
let ws: Workspace;
let tip: string;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.reset();
  ws = createWorkspace();
  tip = pushFiles(ws.remote, BRANCH, { "clusters/dev/kustomization.yaml": "resources: []\n" });
});
afterEach(() => ws.dispose());

function status(): Promise<ActionRun> {
  return runAction("status", {
    cwd: ws.cwd,
    inputs: { environment: "dev", "azure-client-id": emulator.identity.clientId },
    event: workflowDispatchEvent(ws.sourceCommit, {}),
    env: cliEnv(emulator, { CODEMIE_GITOPS_REMOTE: ws.remote }),
  });
}

test("Flux Compliant at the branch tip: reconciled, exit 0", async () => {
  emulator.script({
    flux: {
      codemie: { nonCompliantReads: 0, commit: `${BRANCH}@sha1:${tip}`, kustomizations: ["infrastructure", "apps"] },
    },
  });

  const run = await status();

  expect(run.status).toBe(0);
  expect(run.outputs).toEqual({
    reconciled: "true",
    "compliance-state": "Compliant",
    "synced-commit": tip,
    url: "https://codemie.dev.ai.example.com/",
    resolves: "true",
    smoke: "passed",
  });
  expect(run.stdout).toContain(`dev is reconciled: Flux reports ${tip.slice(0, 7)} Compliant`);
  expect(run.stdout).toContain("CodeMie: https://codemie.dev.ai.example.com/");
  expect(run.stdout).toContain("codemie.dev.ai.example.com resolves to 127.0.0.1");
  expect(run.summary).toContain("## Status: `dev` ✅ reconciled");
  expect(run.summary).toMatch(/\| `Kustomization flux-system\/codemie-apps` \| ✅ Compliant \|/);
  expect(run.summary).toContain("Smoke check: ✅ passed");
  expect(run.summary).toContain("| Keycloak OIDC discovery | ✅ |");
  // Every link was asked of the public edge, over HTTPS with the host's name.
  expect(emulator.siteRequests).toHaveLength(4);
});

test(
  "Flux Compliant but Keycloak answers with the wrong issuer: the smoke " + "check fails the step, naming the link",
  async () => {
    emulator.script({
      flux: {
        codemie: { nonCompliantReads: 0, commit: `${BRANCH}@sha1:${tip}`, kustomizations: ["infrastructure", "apps"] },
      },
    });
    emulator.siteBreaks = ["issuer"];

    const run = await status();

    expect(run.status).toBe(1);
    expect(run.outputs).toMatchObject({ reconciled: "true", resolves: "true", smoke: "failed" });
    expect(run.stdout).toContain(
      "  failed: Keycloak OIDC discovery " +
        "(https://codemie.dev.ai.example.com/keycloak/realms/codemie-prod/.well-known/openid-configuration): " +
        "issuer is",
    );
    expect(run.stdout).toContain(
      "::error::smoke check failed: 1 of 4 link(s) of https://codemie.dev.ai.example.com/ do not answer as they should",
    );
    expect(run.summary).toContain("## Status: `dev` ❌ smoke check failed");
    expect(run.summary).toContain("Smoke check: ❌ failed");
    expect(run.summary).toMatch(/\| Keycloak OIDC discovery \| ❌ \| .*issuer is/);
    expect(run.summary).toMatch(/\| UI \| ✅ \|/);
  },
);

test("Flux still Non-Compliant: not reconciled, exit 1, the objects and Flux's reasons in the summary", async () => {
  emulator.script({
    flux: {
      codemie: { nonCompliantReads: 100, commit: `${BRANCH}@sha1:${tip}`, kustomizations: ["infrastructure", "apps"] },
    },
  });

  const run = await status();

  expect(run.status).toBe(1);
  expect(run.outputs).toMatchObject({ reconciled: "false", "compliance-state": "Non-Compliant", "synced-commit": tip });
  expect(run.stdout).toContain("::error::dev is not reconciled");
  expect(run.summary).toContain("## Status: `dev` ❌ not reconciled");
  expect(run.summary).toMatch(/\| `Kustomization flux-system\/codemie-\w+` \| ❌ Non-Compliant \| \w+/);
  // No smoke check before Flux is Compliant: the outputs say so by being empty.
  expect(run.outputs).toMatchObject({ url: "", resolves: "", smoke: "" });
  expect(run.summary).toContain("Smoke check: not run (Flux has not reported the branch tip Compliant).");
  expect(emulator.siteRequests).toEqual([]);
});
