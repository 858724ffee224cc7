// `codemie-gitops deploy` against the Azure emulator and a scratch GitOps repository: the outcome,
// the exit code, what the user sees, and what reached Azure and git. A full deploy, Ctrl-C and
// --skip-infrastructure run the built CLI as a separate process (the face's wiring: flags,
// variables, the CA from NODE_EXTRA_CA_CERTS, signals); the engine's other behaviours run the same
// use cases in this process (support/in-process.ts), which spares a CLI start per run.
import { describe, expect, test } from "vitest";
import { placeholderOutputsManifest } from "../../src/engine/infra-outputs.js";
import { keyVaultId } from "../../src/engine/names.js";
import { secretsToSeed } from "../../src/engine/secret-values.js";
import { armClient } from "../emulator/clients.js";
import type { RecordedRequest } from "../emulator/emulator.js";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { operatorSecretNames } from "./preflight/support/operator-secrets.js";
import { branchHistoryText, branchTip, commitCount, fileAt, git, pushFiles } from "./support/git-repos.js";
import { BRANCH, deploy, dev, DEV_OUTPUTS, emulatorAndWorkspace, epochOf } from "./support/harness.js";
import { joinedRegExp } from "../support/regex.js";
import { deployInProcess } from "./support/in-process.js";

const t = emulatorAndWorkspace();

const short = (): string => t.ws.sourceCommit.slice(0, 7);
const names = () => ({ main: `codemie-dev.${short()}`, bootstrap: `codemie-dev.${short()}.bootstrap` });
const isDeployment = (r: RecordedRequest, name: string, suffix = ""): boolean =>
  r.path.toLowerCase().endsWith(`/deployments/${name}${suffix}`.toLowerCase());
const fluxReads = (): RecordedRequest[] =>
  t.emulator.armRequests().filter((r) => r.path.toLowerCase().includes("/fluxconfigurations/"));

/** Another deployment of dev that stays Running, as a concurrent run would leave it. */
async function startNeverEndingDeployment(): Promise<void> {
  t.emulator.script({ deployment: { runningPolls: 1_000_000 } });
  const stop = new AbortController();
  const request = { location: "westeurope", template: { resources: [] }, parameters: {} };
  await armClient(t.emulator)
    .deployAtSubscription("codemie-dev.0000000", request, { signal: stop.signal, onProgress: () => stop.abort() })
    .catch(() => undefined);
}

describe("deploy", () => {
  test("deploys bootstrap, seeds secrets, deploys main, then publishes, then waits for Flux", async () => {
    t.emulator.script({ deployment: { runningPolls: 2, outputs: DEV_OUTPUTS } });

    const run = await deploy(t.emulator, t.ws, { nonCompliantReads: 0 });

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const tip = branchTip(t.ws.remote, BRANCH) ?? "";
    expect(run.stdout).toContain(
      `Deploying dev from ${short()} to subscription ${dev.azure.subscriptionId} (westeurope)`,
    );
    expect(run.stdout).toContain(`Published ${tip.slice(0, 7)} to ${BRANCH}`);
    expect(run.stdout).toMatch(
      new RegExp(
        `Deployed dev: ARM deployment ${names().main} succeeded and Flux reports ${tip.slice(0, 7)} Compliant\\n$`,
      ),
    );

    // The order on the wire: bootstrap, secrets, main to its end, the push, then Flux.
    const arm = t.emulator.armRequests();
    const first = (match: (r: RecordedRequest) => boolean): number => arm.findIndex(match);
    const last = (match: (r: RecordedRequest) => boolean): number => arm.map(match).lastIndexOf(true);
    const bootstrapPut = first((r) => r.method === "PUT" && isDeployment(r, names().bootstrap));
    const secretPut = first((r) => r.method === "PUT" && r.path.includes("/secrets/"));
    const mainPut = first((r) => r.method === "PUT" && isDeployment(r, names().main));
    const mainDone = last((r) => r.method === "GET" && isDeployment(r, names().main));
    expect(bootstrapPut).toBeGreaterThanOrEqual(0);
    expect(bootstrapPut).toBeLessThan(secretPut);
    expect(secretPut).toBeLessThan(mainPut);
    expect(mainPut).toBeLessThan(mainDone);
    const pushes = t.ws.pushes();
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toBeGreaterThan(epochOf(arm[mainDone]?.at ?? Infinity));
    expect(epochOf(fluxReads()[0]?.at ?? 0)).toBeGreaterThan(pushes[0] ?? Infinity);

    // What Flux gets: the tree, the outputs ConfigMap and a message naming the source commit.
    const configMap = fileAt(t.ws.remote, BRANCH, "clusters/dev/infra-outputs.yaml") ?? "";
    expect(configMap).toContain(`KEY_VAULT_URI: "${DEV_OUTPUTS.keyVaultUri}"`);
    expect(configMap).toContain(`ESO_CLIENT_ID: "${DEV_OUTPUTS.identityClientIds.externalSecrets}"`);
    expect(fileAt(t.ws.remote, BRANCH, "clusters/dev/kustomization.yaml")).toContain("infra-outputs.yaml");
    expect(git(t.ws.remote, "log", "-1", "--format=%B", BRANCH)).toContain(`source commit ${t.ws.sourceCommit}`);

    // Every random secret was seeded, and no value appears anywhere the user or Flux can see.
    const seeded = secretsToSeed(dev).map((name) => t.emulator.secretValue(keyVaultId(dev), name));
    expect(seeded.every((v) => typeof v === "string" && v.length >= 32)).toBe(true);
    const visible = [
      run.stdout,
      run.stderr,
      branchHistoryText(t.ws.remote, BRANCH),
      JSON.stringify(t.emulator.requests),
    ].join("\n");
    for (const value of seeded) expect(visible).not.toContain(value);

    // Running it again changes nothing: same deployments, no new commit, secrets kept.
    const again = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(
      `GitOps branch ${BRANCH} already holds this tree at ${tip.slice(0, 7)}; nothing to commit`,
    );
    expect(again.stdout).toContain("  postgres-admin-password: exists, kept");
    expect(commitCount(t.ws.remote, BRANCH)).toBe(1);
    expect(secretsToSeed(dev).map((name) => t.emulator.secretValue(keyVaultId(dev), name))).toEqual(seeded);
  });

  test("a failed infrastructure deployment publishes nothing and shows Azure's nested errors", async () => {
    const conflict = {
      code: "VaultAlreadyExists",
      message: `The vault name '${dev.names.keyVault}' is already in use.`,
    };
    t.emulator.script({
      deployment: {
        runningPolls: 1,
        failure: {
          error: {
            code: "DeploymentFailed",
            message: "At least one resource deployment operation failed.",
            details: [
              {
                code: "ResourceDeploymentFailure",
                message: "The resource write operation failed to complete successfully.",
                target: "keyVault",
                details: [conflict],
              },
            ],
          },
          failedOperations: [
            {
              resourceType: "Microsoft.KeyVault/vaults",
              resourceName: dev.names.keyVault,
              statusCode: "Conflict",
              error: conflict,
            },
          ],
        },
      },
    });

    const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 });

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^error: bootstrap deployment ${names().bootstrap.replace(/\./g, "\\.")} ` +
          `failed \\(correlation id [0-9a-f-]{36}\\)$`,
        "m",
      ),
    );
    expect(run.stderr).toContain(
      [
        "  DeploymentFailed: At least one resource deployment operation failed.",
        "    ResourceDeploymentFailure: The resource write operation failed to complete successfully. (keyVault)",
        `      VaultAlreadyExists: The vault name '${dev.names.keyVault}' is already in use.`,
        "  failed resources:",
        `    Microsoft.KeyVault/vaults ${dev.names.keyVault} (Conflict)`,
        `      VaultAlreadyExists: The vault name '${dev.names.keyVault}' is already in use.`,
      ].join("\n"),
    );
    expect(run.stdout).not.toContain("Deployed dev");
    expect(t.ws.pushes()).toEqual([]);
    expect(branchTip(t.ws.remote, BRANCH)).toBeUndefined();
    const arm = t.emulator.armRequests();
    expect(arm.some((r) => r.method === "PUT" && (r.path.includes("/secrets/") || isDeployment(r, names().main)))).toBe(
      false,
    );
    expect(fluxReads()).toEqual([]);
  });

  test("recovers from 429s with and without Retry-After, 5xx and a dropped connection", async () => {
    t.emulator.script({
      deployment: { runningPolls: 1, outputs: DEV_OUTPUTS },
      faults: [
        { method: "PUT", path: "/deployments/", respond: { status: 429 } },
        { method: "GET", path: "/operationStatuses/", respond: { status: 503 } },
        { method: "GET", path: /\/operations\?/, respond: { status: 429, retryAfter: 1 } },
        { method: "GET", path: "/secrets/", respond: "drop" },
        { method: "PUT", path: "/secrets/", respond: { status: 500 } },
        { method: "GET", path: "/fluxConfigurations/", skip: 1, respond: "drop" },
      ],
    });

    const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 1 });

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const faults = t.emulator.requests.filter((r) => r.fault).map((r) => `${r.method} ${r.status}`);
    expect(faults.sort()).toEqual(["GET 0", "GET 0", "GET 429", "GET 503", "PUT 429", "PUT 500"]);
    // The Retry-After of the throttled request was waited out in full before the retry.
    const operations = t.emulator.armRequests().filter((r) => r.method === "GET" && r.path.endsWith("/operations"));
    const throttled = operations.findIndex((r) => r.fault);
    expect((operations[throttled + 1]?.at ?? 0) - (operations[throttled]?.at ?? 0)).toBeGreaterThanOrEqual(1000 - 2);
    expect(t.ws.pushes()).toHaveLength(1);
  });

  test("waits while Flux reports Non-Compliant, printing each object's state, until Compliant", async () => {
    t.emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });

    const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 2 });

    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    const failing = lines.indexOf(
      "  Kustomization flux-system/codemie-apps: Non-Compliant (ReconciliationFailed: kustomization path not found)",
    );
    const healed = lines.indexOf("  Kustomization flux-system/codemie-apps: Compliant");
    expect(failing).toBeGreaterThan(0);
    expect(healed).toBeGreaterThan(failing);
    expect(lines.filter((l) => l.includes("codemie-apps: Non-Compliant"))).toHaveLength(1);
    expect(fluxReads().filter((r) => r.status === 200)).toHaveLength(3);
  });

  test("fails when Flux is not Compliant in time, listing every non-compliant object", async () => {
    t.emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });

    // Long enough for the run to reach the wait on a loaded machine (the emulator answers in this process).
    const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 1_000_000 }, { timeoutMs: 8_000 });

    expect(run.status).toBe(1);
    const tip = branchTip(t.ws.remote, BRANCH) ?? "";
    expect(run.stderr).toContain(
      [
        `error: Flux did not report ${tip.slice(0, 7)} Compliant: the time limit (--timeout) was reached`,
        "  non-compliant objects:",
        "    Kustomization flux-system/codemie-infrastructure: Non-Compliant " +
          "(ReconciliationFailed: kustomization path not found)",
        "    Kustomization flux-system/codemie-apps: Non-Compliant " +
          "(ReconciliationFailed: kustomization path not found)",
      ].join("\n"),
    );
    expect(run.stdout).not.toContain("Deployed dev");
  });

  test("refuses to start while a deployment of the environment is running", async () => {
    await startNeverEndingDeployment();
    const before = t.emulator.armRequests().length;

    const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 });

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      joinedRegExp(
        /^error: deployment codemie-dev\.0000000 of dev is Running since \S+; wait for it to end \(or cancel it\) /,
        /and run again$/m,
      ),
    );
    expect(
      t.emulator
        .armRequests()
        .slice(before)
        .map((r) => r.method),
    ).toEqual(["GET"]);
    expect(t.ws.pushes()).toEqual([]);
  });

  test("renews an access token that expires mid-deployment with a fresh GitHub ID token", async () => {
    // Tokens outlive a request's trip through a loaded event loop that also runs the emulator; the
    // run (preflight, two deployments of at least 2 s each, the publish) outlives them.
    t.emulator.script({
      accessTokenLifetimeSeconds: 4,
      idTokenLifetimeSeconds: 4,
      deployment: { runningPolls: 2, retryAfterSeconds: 1, outputs: DEV_OUTPUTS },
    });

    const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 });

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const arm = t.emulator.armRequests();
    expect(arm.every((r) => r.status !== 401)).toBe(true);
    expect(new Set(arm.map((r) => r.token)).size).toBeGreaterThanOrEqual(2);
    expect(t.emulator.idTokensIssued).toBeGreaterThanOrEqual(2);
    expect(
      t.emulator.requests.filter((r) => r.path.endsWith("/oauth2/v2.0/token")).every((r) => r.status === 200),
    ).toBe(true);
  });

  test("Ctrl-C cancels the running ARM deployment and publishes nothing", async () => {
    t.emulator.script({ deployment: { runningPolls: 1_000_000 } });
    let interrupted = false;

    const run = await deploy(t.emulator, t.ws, undefined, [], {
      onLine: async (line, child) => {
        if (interrupted || !line.startsWith("bootstrap: ARM deployment")) return;
        interrupted = true;
        await expect
          .poll(() => t.emulator.armRequests().filter((r) => r.path.includes("/operationStatuses/")).length)
          .toBeGreaterThan(1);
        child.kill("SIGINT");
      },
    });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain("codemie-gitops: interrupted; stopping cleanly");
    expect(run.stderr).toContain(
      `error: interrupted during the bootstrap deployment; cancelling ARM deployment ${names().bootstrap}`,
    );
    expect(run.stderr).toContain(`  ARM accepted the cancellation of ${names().bootstrap}`);
    expect(t.emulator.armRequests().filter((r) => r.method === "POST" && r.path.endsWith("/cancel"))).toHaveLength(1);
    await expect(armClient(t.emulator).findRunningDeployment("codemie-dev.")).resolves.toBeUndefined();
    expect(t.ws.pushes()).toEqual([]);
  });

  test("cancels the ARM deployment when the time limit is reached", async () => {
    t.emulator.script({ deployment: { runningPolls: 1_000_000 } });

    const run = await deployInProcess(t.emulator, t.ws, undefined, { timeoutMs: 5_000 });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `error: the time limit (--timeout) was reached during the bootstrap ` +
        `deployment; cancelling ARM deployment ${names().bootstrap}`,
    );
    expect(run.stderr).toContain(`  ARM accepted the cancellation of ${names().bootstrap}`);
    expect(t.ws.pushes()).toEqual([]);
  });
});

describe("deploy --skip-infrastructure", () => {
  const OUTPUTS_FILE = "clusters/dev/infra-outputs.yaml";
  const deploymentPuts = (): RecordedRequest[] =>
    t.emulator.armRequests().filter((r) => r.method === "PUT" && r.path.toLowerCase().includes("/deployments/"));

  /** Commits a change to environments/dev.yaml that changes the rendered GitOps tree (not the outputs it needs). */
  function changeIngressHost(): void {
    const file = join(t.ws.cwd, "environments", "dev.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(`host: ${dev.network.ingress.host}`, "host: redeployed.dev.ai.example.com"),
    );
    git(t.ws.cwd, "commit", "-q", "-am", "new ingress host");
  }

  test(
    "after a full deploy, publishes a changed tree with the same " +
      "infra-outputs.yaml, no ARM deployment, and waits for Flux",
    async () => {
      t.emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });
      const full = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 });
      expect(full.status).toBe(0);
      const first = branchTip(t.ws.remote, BRANCH) ?? "";
      const outputs = fileAt(t.ws.remote, BRANCH, OUTPUTS_FILE);
      expect(outputs).toContain(`KEY_VAULT_URI: "${DEV_OUTPUTS.keyVaultUri}"`);
      changeIngressHost();
      const before = t.emulator.armRequests().length;
      const putsBefore = deploymentPuts().length;

      const run = await deploy(t.emulator, t.ws, { nonCompliantReads: 1 }, ["--skip-infrastructure"]);

      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(deploymentPuts()).toHaveLength(putsBefore);
      const arm = t.emulator.armRequests().slice(before);
      expect(arm.filter((r) => r.method !== "GET")).toEqual([]);
      // No secret is seeded: only the operator's secrets are looked up, by name, for the preflight.
      const secretPaths = new Set(
        arm.filter((r) => r.path.includes("/secrets/")).map((r) => r.path.split("/secrets/")[1]!.split("?")[0]),
      );
      expect([...secretPaths].sort()).toEqual(operatorSecretNames(dev).sort());
      const tip = branchTip(t.ws.remote, BRANCH) ?? "";
      expect(tip).not.toBe(first);
      expect(git(t.ws.remote, "rev-parse", `${tip}^`)).toBe(first);
      expect(fileAt(t.ws.remote, BRANCH, OUTPUTS_FILE)).toBe(outputs);
      expect(git(t.ws.remote, "diff", "--name-only", first, tip).split("\n")).not.toContain(OUTPUTS_FILE);
      expect(branchHistoryText(t.ws.remote, BRANCH)).toContain("redeployed.dev.ai.example.com");
      expect(git(t.ws.remote, "log", "-1", "--format=%B", BRANCH)).toContain(
        `ARM deployment: none (infrastructure skipped; ${OUTPUTS_FILE} kept from ${first})`,
      );
      expect(run.stdout).toContain("without the infrastructure (skipped): no ARM deployment");
      expect(run.stdout).toContain(`keeping its ${OUTPUTS_FILE}`);
      expect(run.stdout).toMatch(
        new RegExp(
          `Deployed dev: infrastructure skipped \\(no ARM deployment\\) and Flux ` +
            `reports ${tip.slice(0, 7)} Compliant\\n$`,
        ),
      );
      // Flux was read after the push, through a Non-Compliant read, until Compliant.
      expect(run.stdout).toContain("  Kustomization flux-system/codemie-apps: Compliant");
      expect(epochOf(fluxReads().at(-1)?.at ?? 0)).toBeGreaterThan(t.ws.pushes().at(-1) ?? Infinity);
    },
  );

  test("with nothing published: exit 1 and why, before publishing anything", async () => {
    const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 }, { skipInfrastructure: true });

    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: GitOps branch ${BRANCH} does not exist: nothing published yet; run a full deploy first\n`,
    );
    expect(deploymentPuts()).toEqual([]);
    expect(t.ws.pushes()).toEqual([]);
    expect(fluxReads()).toEqual([]);
  });

  test("with a branch that lacks infra-outputs.yaml: exit 1 and why, the branch left as it was", async () => {
    const tip = pushFiles(t.ws.remote, BRANCH, { "README.md": "someone else's branch\n" });

    const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 }, { skipInfrastructure: true });

    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: GitOps branch ${BRANCH} has no ${OUTPUTS_FILE}: nothing published yet; run a full deploy first\n`,
    );
    expect(branchTip(t.ws.remote, BRANCH)).toBe(tip);
    expect(deploymentPuts()).toEqual([]);
  });

  test("never publishes the placeholder outputs render writes: refused, the branch left as it was", async () => {
    const tip = pushFiles(t.ws.remote, BRANCH, { [OUTPUTS_FILE]: placeholderOutputsManifest(dev) });

    const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 }, { skipInfrastructure: true });

    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: ${OUTPUTS_FILE} on ${BRANCH} is a placeholder written by render, ` +
        `not a deployment's outputs; run a full deploy\n`,
    );
    expect(branchTip(t.ws.remote, BRANCH)).toBe(tip);
    expect(deploymentPuts()).toEqual([]);
  });

  test("refuses published outputs that lack a variable the tree now needs", async () => {
    const stale = [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: codemie-infra-outputs",
      "  namespace: flux-system",
      "data:",
      `  KEY_VAULT_URI: "${DEV_OUTPUTS.keyVaultUri}"`,
      "",
    ].join("\n");
    const tip = pushFiles(t.ws.remote, BRANCH, { [OUTPUTS_FILE]: stale });

    const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 }, { skipInfrastructure: true });

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^error: ${OUTPUTS_FILE} on ${BRANCH} lacks \\S.*ESO_CLIENT_ID.*, which ` +
          `the tree now needs; run a full deploy\\n$`,
      ),
    );
    expect(branchTip(t.ws.remote, BRANCH)).toBe(tip);
  });

  test("still refuses while a deployment of the environment is running", async () => {
    await startNeverEndingDeployment();

    const run = await deployInProcess(t.emulator, t.ws, { nonCompliantReads: 0 }, { skipInfrastructure: true });

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      joinedRegExp(
        /^error: deployment codemie-dev\.0000000 of dev is Running since \S+; wait for it to end \(or cancel it\) /,
        /and run again$/m,
      ),
    );
    expect(t.ws.pushes()).toEqual([]);
  });
});
