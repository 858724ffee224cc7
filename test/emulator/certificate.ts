// A throwaway self-signed certificate for the emulator. Both SDKs refuse bearer tokens over plain
// HTTP, so the emulator must speak TLS; clients trust this certificate explicitly.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export interface Certificate {
  keyPem: string;
  certPem: string;
  /** For NODE_EXTRA_CA_CERTS in child processes. */
  certPath: string;
  dispose(): Promise<void>;
}

/** `names`: more DNS names the certificate is valid for (a site's host, beside localhost). */
export async function createSelfSignedCertificate(names: readonly string[] = []): Promise<Certificate> {
  const dir = await mkdtemp(join(tmpdir(), "azure-emulator-"));
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  await promisify(execFile)("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    `subjectAltName=IP:127.0.0.1,DNS:localhost${names.map((n) => `,DNS:${n}`).join("")}`,
    "-keyout",
    keyPath,
    "-out",
    certPath,
  ]);
  return {
    keyPem: await readFile(keyPath, "utf8"),
    certPem: await readFile(certPath, "utf8"),
    certPath,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
