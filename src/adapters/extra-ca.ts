// Trust in one more CA on top of the public roots (the test emulator's, for the Azure clients). Given `ca`,
// Node builds a secure context from the ~140 public roots for every TLS connection, and an agent
// names its connection pool by the whole list on every request: milliseconds of CPU each time.
// One context per CA, built once per process, serves every connection instead.
import type { TlsSettings } from "@azure/core-rest-pipeline";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";

const contexts = new Map<string, SecureContext>();

export function withExtraCa(ca: string): SecureContext {
  let context = contexts.get(ca);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, ca] });
    contexts.set(ca, context);
  }
  return context;
}

/**
 * The Azure SDK's TLS settings for it: the SDK spreads them into its https.Agent's options, which
 * take a secure context although the SDK's type names only the certificate fields.
 */
export function sdkTlsWithExtraCa(ca: string): TlsSettings {
  const settings: TlsSettings = {};
  return Object.assign(settings, { secureContext: withExtraCa(ca) });
}
