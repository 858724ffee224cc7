// `codemie-gitops doctor --env NAME` as a process against the Azure emulator and the GitHub fake:
// the public key from the Key Vault secret's content type (the management plane never returns a
// value, so the private key is not read), the exact step that registers it read-only, and with
// GITHUB_TOKEN whether GitHub has it already.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateDeployKey, keyMaterial } from "../../../src/engine/deploy-key.js";
import { keyVaultId } from "../../../src/engine/names.js";
import type { AzureEmulator } from "../../emulator/emulator.js";
import { git } from "../support/git-repos.js";
import { cliEnv, createWorkspace, dev, runCliAsync, startEmulator, type Workspace } from "../support/harness.js";
import { GitHubFake } from "../../github-fake/server.js";

let emulator: AzureEmulator;
let github: GitHubFake;
let ws: Workspace;
const key = generateDeployKey("flux-dev@codemie-gitops");
beforeAll(async () => {
  [emulator, github] = await Promise.all([startEmulator(), GitHubFake.start({ administration: true })]);
  ws = createWorkspace();
  const file = join(ws.cwd, "environments", "dev.yaml");
  writeFileSync(
    file,
    readFileSync(file, "utf8").replace(
      "  repository: https://github.com/acme/codemie-platform\n",
      "  repository: https://github.com/acme/codemie-platform\n  auth: ssh\n",
    ),
  );
  git(ws.cwd, "commit", "-qam", "private GitOps repository");
});
afterAll(async () => {
  ws.dispose();
  await Promise.all([emulator.stop(), github.stop()]);
});

const doctor = (extra: NodeJS.ProcessEnv = {}) =>
  runCliAsync(["doctor", "--env", "dev"], ws.cwd, {
    env: cliEnv(emulator, { GITHUB_TOKEN: "", GH_TOKEN: "", ...extra }),
  });
const withToken = () => ({ GITHUB_TOKEN: github.token, GITHUB_API_URL: github.url });

describe("doctor --env", () => {
  test("before the first deploy: says the deploy generates the key", async () => {
    const run = await doctor();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `no deploy key yet: the first deploy generates it into Key Vault ` +
        `${dev.names.keyVault} (secret gitops-ssh-private-key) and prints its ` +
        `public key\n`,
    );
  }, 60_000);

  test("prints the public key from Key Vault and the exact read-only registration, never the private key", async () => {
    emulator.putSecret(keyVaultId(dev), "gitops-ssh-private-key", key.privateKey, key.publicKey);
    const run = await doctor();
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        `Flux reads https://github.com/acme/codemie-platform with the deploy key ` +
          `in Key Vault ${dev.names.keyVault} (secret gitops-ssh-private-key); its ` +
          `public key:`,
        `  ${key.publicKey}`,
        "Register it as a read-only deploy key of https://github.com/acme/codemie-platform:",
        `  echo '${key.publicKey}' > flux-dev.pub`,
        "  gh repo deploy-key add flux-dev.pub --repo " +
          "github.com/acme/codemie-platform --title 'flux-dev (codemie-gitops)'   " +
          "(read-only: leave out --allow-write)",
        "  or on GitHub: " +
          "https://github.com/acme/codemie-platform/settings/keys/new, title " +
          '"flux-dev (codemie-gitops)", paste the key, leave "Allow write access" ' +
          "unchecked",
        "",
      ].join("\n"),
    );
    // What it read: the secret's metadata on the management plane, no data-plane value.
    const secretReads = emulator.armRequests().filter((r) => r.path.includes("/secrets/"));
    expect(secretReads.length).toBeGreaterThan(0);
    expect(new Set(secretReads.map((r) => r.method))).toEqual(new Set(["GET"]));
    expect(run.stdout).not.toContain(key.privateKey.split("\n")[3]);
  }, 60_000);

  test("with GITHUB_TOKEN: whether GitHub has the key, and read-only", async () => {
    emulator.putSecret(keyVaultId(dev), "gitops-ssh-private-key", key.privateKey, key.publicKey);
    const absent = await doctor(withToken());
    expect(absent.stdout).toContain(
      "It is not a deploy key of acme/codemie-platform yet.\nRegister it as a read-only deploy key",
    );
    github.deployKeys.push({
      id: 1,
      key: keyMaterial(key.publicKey),
      title: "flux-dev (codemie-gitops)",
      readOnly: true,
    });
    const present = await doctor(withToken());
    expect(present.stdout).toContain("It is a read-only deploy key of acme/codemie-platform: nothing to do.\n");
    expect(present.stdout).not.toContain("gh repo deploy-key add");
    const json = JSON.parse(
      (await runCliAsync(["doctor", "--env", "dev", "--json"], ws.cwd, { env: cliEnv(emulator, withToken()) })).stdout,
    ) as Record<string, unknown>;
    expect(json).toMatchObject({
      environment: "dev",
      publicKey: key.publicKey,
      registration: { state: "present", slug: "acme/codemie-platform", readOnly: true },
      steps: [],
    });
  }, 60_000);
});
