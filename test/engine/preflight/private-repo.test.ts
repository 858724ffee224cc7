// A private GitOps repository: the deploy generates Flux's ed25519 deploy key once into Key Vault
// (a real OpenSSH key, as ssh-keygen reads it), shows only its public half, keeps it on
// redeploy, and the private key never appears in output, the request log or git history.
import { describe, expect, test } from "vitest";
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GITHUB_KNOWN_HOSTS, fluxRepositoryUrl } from "../../../src/catalogue/gitops-credentials.js";
import { generateDeployKey } from "../../../src/engine/deploy-key.js";
import { FLUX_API_VERSION, fluxConfigurationPath, keyVaultId } from "../../../src/engine/names.js";
import { armClient } from "../../emulator/clients.js";
import { branchHistoryText, git, tempDir } from "../support/git-repos.js";
import { BRANCH, deploy, dev, DEV_OUTPUTS, emulatorAndWorkspace } from "../support/harness.js";

describe("the deploy key", () => {
  test("is an OpenSSH ed25519 private key whose public half ssh-keygen derives to the line we show", () => {
    const key = generateDeployKey("flux-dev@codemie-gitops");
    const dir = tempDir("deploy-key-");
    try {
      const file = join(dir.path, "id_ed25519");
      writeFileSync(file, key.privateKey);
      chmodSync(file, 0o600);
      const derived = execFileSync("ssh-keygen", ["-y", "-f", file], { encoding: "utf8" }).trim();
      expect(key.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} flux-dev@codemie-gitops$/);
      expect(derived.split(" ").slice(0, 2)).toEqual(key.publicKey.split(" ").slice(0, 2));
    } finally {
      dir.dispose();
    }
    expect(generateDeployKey("x").publicKey).not.toBe(key.publicKey);
  });

  test("Flux clones over ssh:// with github.com's published host keys", () => {
    expect(fluxRepositoryUrl("https://github.com/acme/codemie-platform", "ssh")).toBe(
      "ssh://git@github.com/acme/codemie-platform.git",
    );
    expect(fluxRepositoryUrl("https://github.com/acme/codemie-platform", "https")).toBe(
      "https://github.com/acme/codemie-platform",
    );
    expect(GITHUB_KNOWN_HOSTS.map((l) => l.split(" ")[1])).toEqual(["ssh-ed25519", "ecdsa-sha2-nistp256"]);
  });
});

const t = emulatorAndWorkspace();

describe("deploy with gitops.auth ssh", () => {
  test("generates the key into Key Vault once, shows the public key, and leaks the private key nowhere", async () => {
    const file = join(t.ws.cwd, "environments", "dev.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "gitops:\n  repository: https://github.com/acme/codemie-platform",
        "gitops:\n  repository: https://github.com/acme/codemie-platform\n  auth: ssh",
      ),
    );
    git(t.ws.cwd, "commit", "-qam", "private GitOps repository");
    t.emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });

    const run = await deploy(t.emulator, t.ws, { nonCompliantReads: 0 });

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const privateKey = t.emulator.secretValue(keyVaultId(dev), "gitops-ssh-private-key") ?? "";
    expect(privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const shown = /gitops-ssh-private-key: created; public key: (ssh-ed25519 \S+ flux-dev@codemie-gitops)$/m.exec(
      run.stdout,
    )?.[1];
    expect(shown).toBeDefined();
    expect(run.stdout).toContain("register it as a read-only deploy key of https://github.com/acme/codemie-platform");

    const again = await deploy(t.emulator, t.ws, { nonCompliantReads: 0 });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`gitops-ssh-private-key: exists, kept; public key: ${shown ?? "?"}`);
    expect(t.emulator.secretValue(keyVaultId(dev), "gitops-ssh-private-key")).toBe(privateKey);

    // The key reached the fluxConfiguration's PUT only as ARM resolved the Key Vault reference: base64, as the
    // extension wants it.
    const put = t.emulator.fluxConfigurationPut("codemie");
    expect(put?.url).toBe("ssh://git@github.com/acme/codemie-platform.git");
    expect(put?.protectedSettings).toEqual({ sshPrivateKey: Buffer.from(privateKey).toString("base64") });
    expect(Buffer.from(put?.sshKnownHosts ?? "", "base64").toString()).toMatch(/^github\.com ssh-ed25519 /);
    // ...and never comes back: a GET has the public half only.
    const arm = armClient(t.emulator);
    const got = await arm.getJson<{ properties: Record<string, unknown> }>(
      fluxConfigurationPath(dev),
      FLUX_API_VERSION,
    );
    expect(got?.properties.configurationProtectedSettings).toEqual({});
    expect(Buffer.from(String(got?.properties.repositoryPublicKey), "base64").toString()).toBe(
      (shown ?? "").split(" ").slice(0, 2).join(" "),
    );
    const deployments = await arm.getJson<unknown>(
      `/subscriptions/${t.emulator.identity.subscriptionId}/providers/Microsoft.Resources/deployments`,
      "2025-04-01",
    );

    // Any 16-character run of the key's base64 body, or of the PEM's base64 that ARM carries, would
    // betray it (runs that are the public key, shown on purpose, aside).
    const body = privateKey.split("\n").slice(1, -2).join("");
    const pemBase64 = Buffer.from(privateKey).toString("base64");
    const visible = [
      run.stdout,
      run.stderr,
      again.stdout,
      again.stderr,
      branchHistoryText(t.ws.remote, BRANCH),
      JSON.stringify(t.emulator.requests),
      JSON.stringify(got),
      JSON.stringify(deployments),
    ].join("\n");
    const runsOf = (text: string) =>
      Array.from({ length: Math.floor(text.length / 16) }, (_, i) => text.slice(i * 16, i * 16 + 16)).filter(
        (r) => !(shown ?? "").includes(r),
      );
    const runs = [...runsOf(body), ...runsOf(pemBase64)];
    expect(runs.length).toBeGreaterThan(20);
    expect(JSON.stringify(deployments)).toContain('"secretName":"gitops-ssh-private-key"');
    for (const r of runs) expect(visible).not.toContain(r);
  }, 240_000);
});
