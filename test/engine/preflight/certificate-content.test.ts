// The ingress certificate's content, checked before the first write: certificates made by the real
// openssl, read by node:crypto, judged by the preflight; then over the wire, the Key Vault data
// plane of the emulator read by the real ArmClient (its own token audience, HTTPS), with the
// findings positioned in environments/prod.yaml.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { azurePreflightReads } from "../../../src/adapters/azure/preflight-reads.js";
import { certificateFacts } from "../../../src/adapters/tls-certificate.js";
import { planCapacity } from "../../../src/capacity/plan.js";
import { formatDiagnostic } from "../../../src/config/diagnostics.js";
import { parseYamlSource } from "../../../src/config/yaml-source.js";
import { keyVaultId } from "../../../src/engine/names.js";
import { checkCertificate } from "../../../src/engine/preflight/certificate.js";
import { preflightNeeds } from "../../../src/engine/preflight/needs.js";
import { recheckOperatorSecrets } from "../../../src/engine/preflight/run.js";
import { armClient } from "../../emulator/clients.js";
import { AzureEmulator } from "../../emulator/emulator.js";
import { environmentText, shippedEnvironment } from "../support/environments.js";
import { createPki, type Pki } from "../../support/tls-pki.js";
import { uploadOperatorSecrets } from "./support/operator-secrets.js";
import { joinedRegExp } from "../../support/regex.js";

const prod = shippedEnvironment("prod");
const HOST = prod.network.ingress.host; // codemie.ai.example.com
const SECRET = prod.network.ingress.tlsSecretName;
const source = parseYamlSource(prod.file, environmentText("prod")).source!;

let pki: Pki;
let emulator: AzureEmulator;
beforeAll(async () => {
  pki = await createPki();
  emulator = await AzureEmulator.start({ tenantId: prod.azure.tenantId, subscriptionId: prod.azure.subscriptionId });
}, 60_000);
afterAll(async () => {
  await emulator.stop();
  await pki.dispose();
});

/** The findings' messages for a PEM as an operator would upload it. */
function judged(pem: string, contentType?: string, readAt?: Date): string[] {
  const facts = certificateFacts(SECRET, pem, contentType, HOST, readAt);
  return checkCertificate(prod, { status: "read", facts }).map(
    (f) => `${f.severity}: ${f.path.join(".")}: ${f.message}`,
  );
}

describe("what the certificate holds", () => {
  test(
    "leaf, intermediate and root of a private CA: covered, keyed, complete; " +
      "only the private CA is worth a warning",
    async () => {
      const leaf = await pki.leaf({ dnsNames: [HOST] });
      const facts = certificateFacts(
        SECRET,
        leaf.keyPem + leaf.certPem + pki.intermediate.certPem + pki.root.certPem,
        undefined,
        HOST,
      );
      expect(facts).toMatchObject({
        hostMatch: HOST,
        keyTypes: ["PRIVATE KEY"],
        keyMatchesLeaf: true,
        chain: { status: "private", root: "CN=Test Private Root CA" },
      });
      expect(facts.certificates.map((c) => c.subject)).toEqual([
        `CN=${HOST}`,
        "CN=Test Issuing CA",
        "CN=Test Private Root CA",
      ]);
      const found = judged(leaf.certPem + pki.intermediate.certPem + pki.root.certPem + leaf.keyPem);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(
        joinedRegExp(
          /^warning: network\.ingress\.tlsSecretName: certificate codemie-tls in Key Vault kv-codemie-prod-\w+ /,
          /chains to CN=Test Private Root CA, which is not a public root: .*CodeMie's API, which calls Keycloak at /,
          /https:\/\/codemie\.ai\.example\.com\/keycloak/,
        ),
      );
    },
  );

  test("a wildcard covers exactly one label, never the zone itself nor deeper names", async () => {
    const wildcard = await pki.leaf({ dnsNames: ["*.ai.example.com"] });
    const pem = wildcard.certPem + pki.intermediate.certPem + pki.root.certPem + wildcard.keyPem;
    expect(certificateFacts(SECRET, pem, undefined, HOST).hostMatch).toBe("*.ai.example.com");
    expect(certificateFacts(SECRET, pem, undefined, "ai.example.com").hostMatch).toBeUndefined();
    expect(certificateFacts(SECRET, pem, undefined, "a.codemie.ai.example.com").hostMatch).toBeUndefined();
    const other = await pki.leaf({ dnsNames: ["*.dev.ai.example.com", "dev.ai.example.com"] });
    const refused = judged(other.certPem + pki.intermediate.certPem + pki.root.certPem + other.keyPem);
    expect(refused).toContain(
      `error: network.ingress.host: certificate codemie-tls in Key Vault ` +
        `${prod.names.keyVault} covers *.dev.ai.example.com, dev.ai.example.com, ` +
        `not network.ingress.host ${HOST} (a name must match exactly, or a ` +
        `wildcard *.zone covers one label of zone, never the zone itself nor ` +
        `deeper names); issue a certificate whose subjectAltName holds ${HOST} ` +
        `or *.ai.example.com, or change network.ingress.host`,
    );
  });

  test("a common name without subjectAltName covers nothing (browsers ignore the CN)", async () => {
    const cnOnly = await pki.leaf({ commonName: HOST });
    const found = judged(cnOnly.certPem + pki.intermediate.certPem + pki.root.certPem + cnOnly.keyPem);
    expect(found.filter((f) => f.startsWith("error"))).toEqual([
      expect.stringMatching(
        joinedRegExp(
          /^error: network\.ingress\.tlsSecretName: .* covers no DNS name \(no subjectAltName\), not /,
          /network\.ingress\.host codemie\.ai\.example\.com/,
        ),
      ),
    ]);
  });

  test("a missing intermediate, or one out of order, is refused", async () => {
    const leaf = await pki.leaf({ dnsNames: [HOST] });
    expect(judged(leaf.certPem + leaf.keyPem).filter((f) => f.startsWith("error"))).toEqual([
      `error: network.ingress.tlsSecretName: the chain in certificate ` +
        `codemie-tls in Key Vault ${prod.names.keyVault} is incomplete: CN=Test ` +
        `Issuing CA issued its last certificate and is neither in the secret nor ` +
        `a public root, so clients cannot verify ${HOST}; append the ` +
        `intermediate certificate(s) after the leaf and import it again as PEM ` +
        `(az keyvault certificate import --vault-name ${prod.names.keyVault} ` +
        `--name codemie-tls --file FULLCHAIN_AND_KEY.pem)`,
    ]);
    const misordered = judged(leaf.certPem + pki.root.certPem + pki.intermediate.certPem + leaf.keyPem);
    expect(misordered.filter((f) => f.startsWith("error"))).toEqual([
      expect.stringContaining("certificate 2 in certificate codemie-tls in Key Vault"),
    ]);
    expect(misordered.find((f) => f.startsWith("error"))).toContain(
      "(expected CN=Test Issuing CA); order the PEM leaf first, then each issuer",
    );
  });

  test("without its key, with a PKCS#1 key, or with another certificate's key, it is refused", async () => {
    const leaf = await pki.leaf({ dnsNames: [HOST] });
    const chain = leaf.certPem + pki.intermediate.certPem + pki.root.certPem;
    const errors = (pem: string) => judged(pem).filter((f) => f.startsWith("error"));
    expect(errors(chain)).toEqual([
      expect.stringContaining("lacks its private key (a certificate whose key is not exportable"),
    ]);
    expect(errors(chain + (await pki.traditional(leaf.keyPem)))).toEqual([
      expect.stringContaining(
        "has no unencrypted PKCS#8 key (it holds RSA PRIVATE KEY), and the " +
          'tree\'s template reads the "PRIVATE KEY" block',
      ),
    ]);
    const stranger = await pki.leaf({ dnsNames: [HOST] });
    expect(errors(chain + stranger.keyPem)).toEqual([
      expect.stringContaining(
        `the private key in certificate codemie-tls in Key Vault ` +
          `${prod.names.keyVault} does not belong to its first certificate (CN=` +
          `${HOST})`,
      ),
    ]);
  });

  test("expired is refused, expiring within 30 days is a warning, a PKCS#12 bundle is refused", async () => {
    const leaf = await pki.leaf({ dnsNames: [HOST], days: 10 });
    const pem = leaf.certPem + pki.intermediate.certPem + pki.root.certPem + leaf.keyPem;
    const soon = judged(pem);
    expect(soon).toContainEqual(
      expect.stringMatching(
        joinedRegExp(
          /^warning: network\.ingress\.tlsSecretName: certificate codemie-tls .* expires on \S+, in (9|10) day\(s\); /,
          /upload a renewed one/,
        ),
      ),
    );
    expect(soon.some((f) => f.startsWith("error"))).toBe(false);
    const later = new Date(Date.now() + 11 * 86_400_000);
    expect(judged(pem, undefined, later)).toContainEqual(
      expect.stringMatching(/^error: .* expired on \S+; upload a renewed certificate/),
    );
    expect(judged(Buffer.from("not a pem").toString("base64"), "application/x-pkcs12")).toEqual([
      expect.stringContaining(
        "holds a PKCS#12 bundle (content type application/x-pkcs12), and the GitOps tree's template reads PEM blocks",
      ),
    ]);
  });
});

describe("read on the Key Vault data plane of the emulator", () => {
  const needs = preflightNeeds(prod, planCapacity(prod), []);
  const vault = keyVaultId(prod);
  let notes: string[] = [];
  const lines = async (): Promise<string[]> => {
    const report = await recheckOperatorSecrets(prod, needs, azurePreflightReads(armClient(emulator)), (path) =>
      source.locate(path),
    );
    if (report.status !== "checked") throw new Error(report.message);
    notes = report.notes;
    return report.diagnostics.map(formatDiagnostic);
  };
  const dataReads = () => emulator.requests.filter((r) => r.path.startsWith("/keyvault/"));

  beforeEach(() => {
    emulator.reset();
    uploadOperatorSecrets(emulator, prod, [SECRET]);
  });

  test(
    "without a data role the content stays unchecked: no finding, a note " + "naming the refusal and the role",
    async () => {
      const leaf = await pki.leaf({ dnsNames: ["other.example.com"] });
      emulator.putSecret(vault, SECRET, leaf.certPem + leaf.keyPem, "application/x-pem-file");
      expect(await lines()).toEqual([]);
      expect(notes).toEqual([
        expect.stringMatching(
          new RegExp(
            `^the content of certificate codemie-tls in Key Vault ` +
              `${prod.names.keyVault} was not checked \\(Key Vault answered HTTP 403 ` +
              `Forbidden \\(ForbiddenByRbac\\): Caller is not authorized to perform ` +
              `action on resource\\.\\); .*--role "Key Vault Secrets User" .*--scope ` +
              `<vault id>/secrets/codemie-tls\\) from a network the vault admits$`,
          ),
        ),
      ]);
      // The read went to the vault's data plane with a token for Key Vault's audience, not ARM's.
      expect(dataReads().map((r) => [r.path, r.status])).toEqual([
        [`/keyvault/${prod.names.keyVault}/secrets/codemie-tls`, 403],
      ]);
      expect(dataReads()[0]?.query).toBe("?api-version=7.4");
    },
  );

  test(
    "with Key Vault Secrets User, a certificate for another host is refused " + "at network.ingress.host, positioned",
    async () => {
      emulator.preflight.vaultDataAccess = "granted";
      const leaf = await pki.leaf({ dnsNames: ["other.example.com"] });
      emulator.putSecret(vault, SECRET, leaf.certPem + pki.intermediate.certPem + pki.root.certPem + leaf.keyPem);
      const found = await lines();
      const at = source.locate(["network", "ingress", "host"]);
      expect(found.filter((l) => l.includes(": error: "))).toEqual([
        expect.stringMatching(
          new RegExp(
            `^environments/prod\\.yaml:${at.line}:${at.column}: error: certificate ` +
              `codemie-tls in Key Vault \\S+ covers other\\.example\\.com, not ` +
              `network\\.ingress\\.host codemie\\.ai\\.example\\.com`,
          ),
        ),
      ]);
      expect(dataReads().map((r) => r.status)).toEqual([200]);
      // The value never appears in what the preflight says.
      expect(found.join("\n")).not.toContain("PRIVATE KEY");
    },
  );

  test("behind the vault's firewall, and a good certificate read in full", async () => {
    emulator.preflight.vaultDataAccess = "ForbiddenByFirewall";
    const leaf = await pki.leaf({ dnsNames: [HOST] });
    emulator.putSecret(vault, SECRET, leaf.certPem + pki.intermediate.certPem + pki.root.certPem + leaf.keyPem);
    expect(await lines()).toEqual([]);
    expect(notes).toEqual([
      expect.stringContaining(
        "(Key Vault answered HTTP 403 Forbidden (ForbiddenByFirewall): Client address is not authorized",
      ),
    ]);
    emulator.preflight.vaultDataAccess = "granted";
    expect(await lines()).toEqual([
      expect.stringContaining("chains to CN=Test Private Root CA, which is not a public root"),
    ]);
    expect(notes).toEqual([]);
  });
});
