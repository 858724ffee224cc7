// What a PEM certificate secret holds, as the preflight's facts: the certificates in the order
// ingress-nginx serves them, which key blocks ESO's template would pick, whether the key belongs
// to the leaf, whether the leaf covers the host (OpenSSL's rules through X509Certificate.checkHost)
// and where the chain leads. The key is parsed here and dropped: no key material leaves this file.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import type { CertificateFacts, CertificateSummary, ChainFacts } from "../engine/ports.js";

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

/** `DNS:a.example.com, DNS:"odd,name", IP Address:…` → the DNS names (Node quotes unusual values as JSON). */
function dnsNames(cert: X509Certificate): string[] {
  const san = cert.subjectAltName ?? "";
  const names: string[] = [];
  for (const match of san.matchAll(/DNS:("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    const raw = match[1] ?? "";
    try {
      names.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.trim());
    } catch {
      names.push(raw);
    }
  }
  return names;
}

const oneLine = (dn: string): string => dn.split(/\r?\n/).filter(Boolean).join(", ");

function summary(cert: X509Certificate): CertificateSummary {
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    dnsNames: dnsNames(cert),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

const issuedBy = (cert: X509Certificate, issuer: X509Certificate): boolean =>
  cert.checkIssued(issuer) && cert.verify(issuer.publicKey);

let publicRoots: X509Certificate[] | undefined;
const roots = (): X509Certificate[] => (publicRoots ??= rootCertificates.map((pem) => new X509Certificate(pem)));

/** Each certificate must be followed by its issuer; the last must be a root or be issued by a public one. */
function chainOf(certs: X509Certificate[]): ChainFacts {
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!issuedBy(certs[i]!, certs[i + 1]!))
      return { status: "misordered", index: i + 1, expected: oneLine(certs[i]!.issuer) };
  }
  const last = certs[certs.length - 1]!;
  if (issuedBy(last, last)) {
    const isPublic = roots().some((r) => r.fingerprint256 === last.fingerprint256);
    return isPublic ? { status: "public" } : { status: "private", root: oneLine(last.subject) };
  }
  return roots().some((r) => issuedBy(last, r))
    ? { status: "public" }
    : { status: "incomplete", missing: oneLine(last.issuer) };
}

export function certificateFacts(
  secretName: string,
  value: string,
  contentType: string | undefined,
  host: string,
  readAt: Date = new Date(),
): CertificateFacts {
  const blocks = [...value.matchAll(PEM_BLOCK)].map((m) => ({ type: m[1]!, pem: m[0] }));
  const certs: X509Certificate[] = [];
  for (const block of blocks.filter((b) => b.type === "CERTIFICATE")) {
    try {
      certs.push(new X509Certificate(block.pem));
    } catch {
      // Not a certificate OpenSSL can read: left out, so the chain around it reads as broken.
    }
  }
  const keyBlocks = blocks.filter((b) => b.type.endsWith("PRIVATE KEY"));
  const pkcs8 = keyBlocks.find((b) => b.type === "PRIVATE KEY");
  let keyMatchesLeaf = false;
  if (pkcs8 && certs[0]) {
    try {
      keyMatchesLeaf = certs[0].checkPrivateKey(createPrivateKey(pkcs8.pem));
    } catch {
      keyMatchesLeaf = false;
    }
  }
  const hostMatch = certs[0]?.checkHost(host, {
    subject: "never",
    partialWildcards: false,
    multiLabelWildcards: false,
  });
  return {
    secretName,
    ...(contentType ? { contentType } : {}),
    readAt: readAt.toISOString(),
    certificates: certs.map(summary),
    keyTypes: keyBlocks.map((b) => b.type),
    keyMatchesLeaf,
    ...(hostMatch ? { hostMatch } : {}),
    chain: certs.length > 0 ? chainOf(certs) : { status: "incomplete", missing: "a certificate" },
  };
}
