// The emulator as the Flux extension's resource provider and ARM treat a fluxConfiguration's
// credentials: a Key Vault reference ARM cannot read refuses the deployment before anything
// deploys; protected settings must arrive base64-encoded and fit the URL's scheme, or the
// configuration's operation fails (private-repo.test.ts shows a GET never returns them). The
// template is flux.bicep compiled by the real Bicep CLI.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { locateBicep } from "../../../src/adapters/bicep/locate.js";
import type { DeploymentRequest } from "../../../src/engine/ports.js";
import { generateDeployKey } from "../../../src/engine/deploy-key.js";
import { armClient } from "../../emulator/clients.js";
import { AzureEmulator } from "../../emulator/emulator.js";
import { ROOT } from "../../support/bicep.js";
import { joinedRegExp } from "../../support/regex.js";

const fluxTemplate = JSON.parse(
  execFileSync(locateBicep({ repoRoot: ROOT }).path, ["build", "--stdout", join(ROOT, "bicep/modules/flux.bicep")], {
    encoding: "utf8",
  }),
) as Record<string, unknown>;

let emulator: AzureEmulator;
beforeAll(async () => {
  emulator = await AzureEmulator.start();
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

const vault = () =>
  `/subscriptions/${emulator.identity.subscriptionId}/resourceGroups/rg-x/providers/Microsoft.KeyVault/vaults/kv-x`;
const reference = (secretName: string) => ({ reference: { keyVault: { id: vault() }, secretName } });

function request(parameters: DeploymentRequest["parameters"], template = fluxTemplate): DeploymentRequest {
  return {
    location: "westeurope",
    template,
    parameters: {
      clusterName: { value: "aks-x" },
      branch: { value: "gitops/dev" },
      kustomizations: { value: [{ name: "root", path: "./clusters/dev", dependsOn: [], timeoutSeconds: 600 }] },
      ...parameters,
    },
  };
}

describe("a fluxConfiguration's protected settings", () => {
  test(
    "a Key Vault reference to a missing secret refuses the deployment, " + "naming the parameter and the secret",
    async () => {
      const outcome = await armClient(emulator).deployAtSubscription(
        "flux-missing",
        request({
          repositoryUrl: { value: "ssh://git@github.com/acme/x.git" },
          sshPrivateKey: reference("gitops-ssh-private-key"),
        }),
      );
      expect(outcome.provisioningState).toBe("Failed");
      const error = outcome.provisioningState === "Failed" ? outcome.report.error : undefined;
      expect(error?.code).toBe("KeyVaultParameterReferenceSecretRetrieveFailed");
      expect(error?.message).toMatch(
        joinedRegExp(
          /^The secret of KeyVault parameter 'sshPrivateKey' cannot be retrieved\. .*gitops-ssh-private-key was not /,
          /found/,
        ),
      );
      // Refused at the PUT: no deployment was created.
      expect(
        emulator
          .armRequests()
          .filter((r) => r.method === "PUT")
          .map((r) => r.status),
      ).toEqual([400]);
      expect(emulator.fluxConfigurationPut("codemie")).toBeUndefined();
    },
  );

  test("arrive resolved from Key Vault and base64-encoded, as the provider wants them", async () => {
    const key = generateDeployKey("flux-x@codemie-gitops");
    emulator.putSecret(vault(), "gitops-ssh-private-key", key.privateKey);
    const outcome = await armClient(emulator).deployAtSubscription(
      "flux-ok",
      request({
        repositoryUrl: { value: "ssh://git@github.com/acme/x.git" },
        sshPrivateKey: reference("gitops-ssh-private-key"),
      }),
    );
    expect(outcome.provisioningState).toBe("Succeeded");
    expect(emulator.fluxConfigurationPut("codemie")?.protectedSettings).toEqual({
      sshPrivateKey: Buffer.from(key.privateKey).toString("base64"),
    });
  });

  test("a key for an https:// URL fails the configuration's operation", async () => {
    emulator.putSecret(vault(), "gitops-ssh-private-key", generateDeployKey("x").privateKey);
    const outcome = await armClient(emulator).deployAtSubscription(
      "flux-scheme",
      request({
        repositoryUrl: { value: "https://github.com/acme/x" },
        sshPrivateKey: reference("gitops-ssh-private-key"),
      }),
    );
    expect(outcome.provisioningState).toBe("Failed");
    const failed = outcome.provisioningState === "Failed" ? outcome.report.failedOperations : [];
    expect(failed.map((f) => [f.resourceType, f.resourceName, f.error?.code, f.error?.message])).toEqual([
      [
        "Microsoft.KubernetesConfiguration/fluxConfigurations",
        "codemie",
        "InvalidConfigurationProtectedSettings",
        "An SSH private key can only be used with an ssh:// repository URL",
      ],
    ]);
    expect(emulator.fluxConfigurationPut("codemie")).toBeUndefined();
  });

  test("a value that is not base64, or an HTTPS token without its user, fails the configuration", async () => {
    // flux.bicep encodes; a template that forgot to is what the provider refuses.
    const raw = structuredClone(fluxTemplate) as { variables: Record<string, string> };
    raw.variables.protectedSettings = "[createObject('httpsKey', parameters('httpsKey'))]";
    emulator.putSecret(vault(), "gitops-https-token", "github_pat_11AAAA-not:base64");
    const https = { repositoryUrl: { value: "https://github.com/acme/x" }, httpsKey: reference("gitops-https-token") };
    const notEncoded = await armClient(emulator).deployAtSubscription("flux-raw", request(https, raw));
    expect(notEncoded.provisioningState === "Failed" && notEncoded.report.failedOperations[0]?.error?.message).toBe(
      "The value of 'httpsKey' must be base64 encoded",
    );
    raw.variables.protectedSettings = "[createObject('httpsKey', base64(parameters('httpsKey')))]";
    const noUser = await armClient(emulator).deployAtSubscription("flux-nouser", request(https, raw));
    expect(noUser.provisioningState === "Failed" && noUser.report.failedOperations[0]?.error?.message).toBe(
      "'httpsUser' is required with 'httpsKey'",
    );
    const fine = await armClient(emulator).deployAtSubscription(
      "flux-https",
      request({ ...https, httpsUser: { value: "git" } }),
    );
    expect(fine.provisioningState).toBe("Succeeded");
    expect(emulator.fluxConfigurationPut("codemie")?.protectedSettings).toEqual({
      httpsUser: "Z2l0",
      httpsKey: Buffer.from("github_pat_11AAAA-not:base64").toString("base64"),
    });
  });
});
