// `codemie-gitops deploy` and `status` end with the smoke check of the public URL (issue 20):
// the emulator plays the environment's edge on loopback (CODEMIE_SITE_ADDRESS), its CA trusted
// the way every child process trusts it (NODE_EXTRA_CA_CERTS), TLS verified for the host.
import { describe, expect, test } from "vitest";
import { branchTip } from "./support/git-repos.js";
import { BRANCH, deploy, DEV_OUTPUTS, emulatorAndWorkspace } from "./support/harness.js";

const t = emulatorAndWorkspace();

describe("smoke check after Flux reports Compliant", () => {
  test("a deploy prints the URL and the record, probes every link and succeeds when all answer", async () => {
    t.emulator.script({
      deployment: {
        runningPolls: 1,
        outputs: {
          ...DEV_OUTPUTS,
          ingressAddress: "20.31.42.99",
          ingressNameServers: ["ns1-01.azure-dns.com.", "ns2-01.azure-dns.net."],
        },
      },
    });

    const run = await deploy(t.emulator, t.ws, { nonCompliantReads: 0 });

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    const compliant = lines.findIndex((l) => l.startsWith("Flux reports") || l.includes("Compliant"));
    const url = lines.indexOf("CodeMie: https://codemie.dev.ai.example.com/");
    expect(url).toBeGreaterThan(compliant);
    expect(lines).toContain("  DNS: A codemie.dev.ai.example.com → 20.31.42.99, in public zone dev.ai.example.com");
    expect(lines).toContain(
      "  DNS: zone dev.ai.example.com answers once its parent zone delegates " +
        "it (NS records) to ns1-01.azure-dns.com., ns2-01.azure-dns.net.",
    );
    expect(lines).toContain(
      "Smoke check passed: https://codemie.dev.ai.example.com/ answers, and " +
        "signing in leads to Keycloak realm codemie-prod",
    );
    expect(t.emulator.siteRequests).toEqual([
      "/",
      "/code-assistant-api/v1/healthcheck",
      "/keycloak/realms/codemie-prod/.well-known/openid-configuration",
      "/oauth2/start",
    ]);
    // The smoke check runs after the publish, and the run's last line is still the verdict.
    expect(branchTip(t.ws.remote, BRANCH)).toBeDefined();
    expect(lines.filter((l) => l !== "").at(-1)).toMatch(/^Deployed dev: /);
  });

  test("a link that fails fails the deploy and is named", async () => {
    t.emulator.script({ deployment: { runningPolls: 1, outputs: DEV_OUTPUTS } });
    t.emulator.siteBreaks = ["issuer"];

    const run = await deploy(t.emulator, t.ws, { nonCompliantReads: 0 });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "failed: Keycloak OIDC discovery " +
        "(https://codemie.dev.ai.example.com/keycloak/realms/codemie-prod/.well-known/openid-configuration): " +
        "issuer is",
    );
    expect(run.stderr).toContain("error: smoke check failed: 1 of 4 link(s)");
    expect(run.stdout).not.toContain("Deployed dev:");
  });
});
