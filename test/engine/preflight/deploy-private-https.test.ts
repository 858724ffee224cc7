// More of what `deploy` refuses before its first ARM write, and the private repository over
// HTTPS end to end: the Azure OpenAI checks at their fields; a missing gitops-https-token at
// gitops.auth; and with the token in Key Vault, a deploy that succeeds with the token reaching
// the fluxConfiguration only as ARM resolved it (base64 protected settings), never in output,
// the request log, the deployments' parameters or git history.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { FLUX_API_VERSION, fluxConfigurationPath, keyVaultId } from "../../../src/engine/names.js";
import { armClient } from "../../emulator/clients.js";
import { branchHistoryText, git } from "../support/git-repos.js";
import { BRANCH, deploy, dev, DEV_OUTPUTS, emulatorAndWorkspace } from "../support/harness.js";

const t = emulatorAndWorkspace();
const FILE = "environments/dev.yaml";
const REPO = "  repository: https://github.com/acme/codemie-platform\n";

/** Edits the workspace's dev.yaml and commits it; the 1-based line of `marker` in the result. */
function editDev(edit: (text: string) => string, marker?: string): number {
  const file = join(t.ws.cwd, FILE);
  const text = edit(readFileSync(file, "utf8"));
  writeFileSync(file, text);
  git(t.ws.cwd, "commit", "-qam", "edit dev");
  return marker ? text.split("\n").findIndex((l) => l.includes(marker)) + 1 : 0;
}

const writes = (): string[] =>
  t.emulator
    .armRequests()
    .filter((r) => r.method !== "GET" && r.method !== "HEAD")
    .map((r) => `${r.method} ${r.path}`);

async function refused(): Promise<string> {
  const run = await deploy(t.emulator, t.ws, { nonCompliantReads: 0 });
  expect(run.status).toBe(1);
  expect(writes()).toEqual([]);
  expect(t.ws.pushes()).toEqual([]);
  expect(run.stderr).toMatch(
    /^error: preflight found \d+ problem\(s\) Azure would refuse; nothing was changed in Azure$/m,
  );
  return run.stderr;
}

describe("deploy preflight, further checks", { timeout: 240_000 }, () => {
  test(
    "refuses an Azure OpenAI model version the region lacks and a deployment " +
      "beyond the TPM quota, each at its field",
    async () => {
      // What the offline catalogue allows, but this subscription's region answers otherwise.
      const line = editDev(
        (text) =>
          `${text}openai:\n  enabled: true\n  deployments:\n    - name: chat\n     ` +
          ` model: gpt-4o\n      version: "2024-05-13"\n      capacity: 100\n      ` +
          `sku: GlobalStandard\n    - name: embeddings\n      model: ` +
          `text-embedding-3-large\n      version: "1"\n      capacity: 200\n      ` +
          `sku: GlobalStandard\n`,
        'version: "2024-05-13"',
      );
      const usage = t.emulator.preflight.openaiUsages.find(
        (u) => u.name === "OpenAI.GlobalStandard.text-embedding-3-large",
      )!;
      usage.current = 900;

      const stderr = await refused();

      expect(stderr).toContain(
        `${FILE}:${line}:7: error: Azure OpenAI model gpt-4o version 2024-05-13 ` +
          `is not offered in westeurope; choose one of 2024-08-06, 2024-11-20`,
      );
      expect(stderr).toMatch(
        new RegExp(
          `^${FILE}:${line + 6}:\\d+: error: .*text-embedding-3-large.*this ` +
            `environment's deployments need 200; lower ` +
            `openai\\.deployments\\[\\]\\.capacity to fit 100 or ask for a quota ` +
            `increase to at least 1100$`,
          "m",
        ),
      );
      expect(stderr).toMatch(/^error: preflight found 2 problem\(s\)/m);
    },
  );

  test("refuses gitops.auth https while the vault lacks gitops-https-token, at gitops.auth", async () => {
    const line = editDev((text) => text.replace(REPO, `${REPO}  auth: https\n`), "auth: https");
    // A previous deploy created the vault.
    t.emulator.putSecret(keyVaultId(dev), "postgres-admin-password", "kept-from-an-earlier-deploy-0123456789");

    const stderr = await refused();

    expect(stderr).toContain(
      `${FILE}:${line}:3: error: Key Vault ${dev.names.keyVault} has no secret gitops-https-token`,
    );
    expect(stderr).toContain(`az keyvault secret set --vault-name ${dev.names.keyVault} --name gitops-https-token`);
  });

  test(
    "deploys over HTTPS with the token from Key Vault, which reaches only " +
      "the fluxConfiguration's protected settings",
    async () => {
      editDev((text) => text.replace(REPO, `${REPO}  auth: https\n`));
      const token = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV";
      t.emulator.putSecret(keyVaultId(dev), "gitops-https-token", token);
      t.emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });

      const run = await deploy(t.emulator, t.ws, { nonCompliantReads: 0 });

      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const put = t.emulator.fluxConfigurationPut("codemie");
      expect(put?.url).toBe("https://github.com/acme/codemie-platform");
      expect(put?.protectedSettings).toEqual({
        httpsUser: Buffer.from("git").toString("base64"),
        httpsKey: Buffer.from(token).toString("base64"),
      });
      expect(put?.sshKnownHosts).toBeUndefined();
      const arm = armClient(t.emulator);
      const got = await arm.getJson<{ properties: Record<string, unknown> }>(
        fluxConfigurationPath(dev),
        FLUX_API_VERSION,
      );
      expect(got?.properties.configurationProtectedSettings).toEqual({});
      const deployments = await arm.getJson<unknown>(
        `/subscriptions/${t.emulator.identity.subscriptionId}/providers/Microsoft.Resources/deployments`,
        "2025-04-01",
      );
      expect(JSON.stringify(deployments)).toContain('"secretName":"gitops-https-token"');
      const visible = [
        run.stdout,
        run.stderr,
        branchHistoryText(t.ws.remote, BRANCH),
        JSON.stringify(t.emulator.requests),
        JSON.stringify(got),
        JSON.stringify(deployments),
      ].join("\n");
      for (const secret of [token, Buffer.from(token).toString("base64"), token.slice(20, 40)])
        expect(visible).not.toContain(secret);
    },
  );
});
