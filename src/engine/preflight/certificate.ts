// The ingress certificate judged before the first write: ESO copies the Key Vault secret into the
// cluster's TLS secrets (tls.crt: every CERTIFICATE block, tls.key: the PRIVATE KEY block), and
// ingress-nginx serves it for network.ingress.host. A certificate that does not cover the host,
// has expired, lacks its key or its intermediates makes every browser and the API's calls to
// Keycloak fail; ingress-nginx would even fall back to its own fake certificate without a word.
import type { Environment } from "../../model/environment.js";
import type { Finding } from "./finding.js";
import type { CertificateFacts, CertificateRead, VaultFacts } from "./facts.js";
import { wafOf } from "../../model/resolve.js";
import type { FieldPath } from "./needs.js";

/** A certificate that expires sooner than this is worth a warning. */
export const CERTIFICATE_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;
const SECRET_FIELD: FieldPath = ["network", "ingress", "tlsSecretName"];
const HOST_FIELD: FieldPath = ["network", "ingress", "host"];

const error = (message: string, path: FieldPath = SECRET_FIELD): Finding => ({ severity: "error", path, message });
const warning = (message: string, path: FieldPath = SECRET_FIELD): Finding => ({ severity: "warning", path, message });

/** Why the content went unchecked and how to let the preflight check it; undefined when it was checked. */
export function certificateNote(env: Environment, read: CertificateRead | undefined): string | undefined {
  if (read?.status !== "unreadable") return undefined;
  const { host, tlsSecretName } = env.network.ingress;
  return (
    `the content of certificate ${tlsSecretName} in Key Vault ` +
    `${env.names.keyVault} was not checked (${read.reason}); for the ` +
    `preflight to check that it covers ${host}, is valid and carries its key ` +
    `and chain, let the deploy identity read that one secret (az role ` +
    `assignment create --role "Key Vault Secrets User" --assignee <deploy ` +
    `client id> --scope <vault id>/secrets/${tlsSecretName}) from a network ` +
    `the vault admits`
  );
}

export function checkCertificate(env: Environment, read: CertificateRead | undefined): Finding[] {
  if (!read) return [];
  // Unreadable content is a note (certificateNote), not a finding: most deploy identities lack the data role.
  if (read.status === "unreadable") return [];
  return judge(read.facts, env.network.ingress.host, env.names.keyVault);
}

function judge(c: CertificateFacts, host: string, vault: string): Finding[] {
  const what = `certificate ${c.secretName} in Key Vault ${vault}`;
  const reimport =
    `import it again as PEM (az keyvault certificate import --vault-name ` +
    `${vault} --name ${c.secretName} --file FULLCHAIN_AND_KEY.pem)`;
  const leaf = c.certificates[0];
  if (!leaf) {
    const pkcs12 = (c.contentType ?? "").toLowerCase().includes("pkcs12");
    return [
      error(
        `${what} holds ` +
          `${pkcs12 ? "a PKCS#12 bundle (content type application/x-pkcs12)" : "no PEM certificate"}` +
          `, and the GitOps tree's template reads PEM blocks; ${reimport} with a ` +
          `policy whose secret content type is application/x-pem-file`,
      ),
    ];
  }
  const out: Finding[] = [];
  if (!c.keyTypes.includes("PRIVATE KEY")) {
    const other = c.keyTypes.length > 0 ? ` (it holds ${c.keyTypes.join(", ")})` : "";
    out.push(
      error(
        c.keyTypes.length > 0
          ? `${what} has no unencrypted PKCS#8 key${other}, and the tree's template ` +
              `reads the "PRIVATE KEY" block; convert it (openssl pkcs8 -topk8 ` +
              `-nocrypt -in KEY -out KEY.pk8) and ${reimport}`
          : `${what} lacks its private key (a certificate whose key is not ` +
              `exportable, or a PEM without the key); ingress-nginx would serve its ` +
              `own fake certificate; ${reimport} with the key and an exportable key ` +
              `policy`,
      ),
    );
  } else if (!c.keyMatchesLeaf) {
    out.push(
      error(
        `the private key in ${what} does not belong to its first certificate (` +
          `${leaf.subject}); put the leaf certificate first, followed by its ` +
          `intermediates, with the key that signed its request, and ${reimport}`,
      ),
    );
  }
  if (!c.hostMatch) {
    const names = leaf.dnsNames.length > 0 ? leaf.dnsNames.join(", ") : "no DNS name (no subjectAltName)";
    out.push(
      error(
        `${what} covers ${names}, not network.ingress.host ${host} (a name must ` +
          `match exactly, or a wildcard *.zone covers one label of zone, never the ` +
          `zone itself nor deeper names); issue a certificate whose subjectAltName ` +
          `holds ${host} or *.${host.slice(host.indexOf(".") + 1)}, or change ` +
          `network.ingress.host`,
        leaf.dnsNames.length > 0 ? HOST_FIELD : SECRET_FIELD,
      ),
    );
  }
  const now = Date.parse(c.readAt);
  const notBefore = Date.parse(leaf.notBefore);
  const notAfter = Date.parse(leaf.notAfter);
  if (notBefore > now)
    out.push(error(`${what} is not valid before ${leaf.notBefore}; wait until then or upload one valid now`));
  if (notAfter <= now) {
    out.push(error(`${what} expired on ${leaf.notAfter}; upload a renewed certificate (${reimport})`));
  } else if (notAfter - now < CERTIFICATE_WARNING_DAYS * DAY_MS) {
    const days = Math.floor((notAfter - now) / DAY_MS);
    out.push(
      warning(
        `${what} expires on ${leaf.notAfter}, in ${days} day(s); upload a ` +
          `renewed one before then (ESO picks up the new version within its ` +
          `refresh interval)`,
      ),
    );
  }
  const chain = c.chain;
  if (chain.status === "misordered")
    out.push(
      error(
        `certificate ${chain.index + 1} in ${what} is not the issuer of the one ` +
          `before it (expected ${chain.expected}); order the PEM leaf first, then ` +
          `each issuer, as ingress-nginx serves it`,
      ),
    );
  else if (chain.status === "incomplete")
    out.push(
      error(
        `the chain in ${what} is incomplete: ${chain.missing} issued its last ` +
          `certificate and is neither in the secret nor a public root, so clients ` +
          `cannot verify ${host}; append the intermediate certificate(s) after the ` +
          `leaf and ${reimport}`,
      ),
    );
  else if (chain.status === "private")
    out.push(
      warning(
        `${what} chains to ${chain.root}, which is not a public root: browsers ` +
          `must trust that CA, and so must CodeMie's API, which calls Keycloak at ` +
          `https://${host}/keycloak (its image trusts public roots only); prefer a ` +
          `certificate from a public CA`,
      ),
    );
  return out;
}

/** Key Vault's content type of a certificate imported or created as PFX: what Application Gateway reads. */
export const PKCS12_CONTENT_TYPE = "application/x-pkcs12";

/**
 * The WAF listener's certificate: Application Gateway reads a Key Vault certificate's secret as an unencrypted PFX
 * only (the ARM reference: keyVaultSecretId is "base-64 encoded unencrypted pfx"), while ingress-nginx needs the
 * PEM one; so the gateway's is a second certificate, the same one imported as PFX. Its content type is on the
 * management plane, so this check needs no data-plane right.
 */
export function checkGatewayCertificate(env: Environment, vault: VaultFacts): Finding[] {
  const found = vault.gatewayCertificate;
  if (!vault.exists || !found) return [];
  const waf = wafOf(env);
  const path: FieldPath = ["network", "ingress", "waf", "certificateName"];
  const importIt =
    `import the certificate and its key (with the chain) as PFX: az keyvault ` +
    `certificate import --vault-name ${env.names.keyVault} --name ` +
    `${waf.certificateName} --file CERT.pfx (openssl pkcs12 -export -in ` +
    `FULLCHAIN.pem -inkey KEY.pem -out CERT.pfx makes one from the PEM files)`;
  if (!found.present)
    return [
      error(
        `Key Vault ${env.names.keyVault} has no certificate ${waf.certificateName}, ` +
          `which the WAF's HTTPS listener serves (network.ingress.waf); ${importIt}`,
        path,
      ),
    ];
  if ((found.contentType ?? "").toLowerCase() === PKCS12_CONTENT_TYPE) return [];
  return [
    error(
      `certificate ${waf.certificateName} in Key Vault ${env.names.keyVault} has ` +
        `content type ${found.contentType ?? "(none)"}, and Application Gateway reads ` +
        `PFX only (application/x-pkcs12); ${importIt}, under this name or another ` +
        `set in network.ingress.waf.certificateName (the PEM one stays for ingress-nginx)`,
      path,
    ),
  ];
}
