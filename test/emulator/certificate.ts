// A throwaway self-signed certificate for the emulator. Both SDKs refuse bearer tokens over plain
// HTTP, so the emulator must speak TLS; clients trust this certificate explicitly.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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

const generated = new Map<string, Promise<Pick<Certificate, "keyPem" | "certPem">>>();

/**
 * The same as createSelfSignedCertificate, with the key generated once per process for each set of
 * names: a test worker starts an emulator per file or more, and generating an RSA key costs more CPU
 * than the rest of a start. Each certificate still has a file of its own, removed by its dispose.
 */
export async function processCertificate(names: readonly string[] = []): Promise<Certificate> {
  const key = names.join(",");
  let pems = generated.get(key);
  if (!pems) {
    pems = createSelfSignedCertificate(names).then(async ({ keyPem, certPem, dispose }) => {
      await dispose();
      return { keyPem, certPem };
    });
    generated.set(key, pems);
  }
  const { keyPem, certPem } = await pems;
  const dir = await mkdtemp(join(tmpdir(), "azure-emulator-"));
  const certPath = join(dir, "cert.pem");
  await writeFile(certPath, certPem);
  return { keyPem, certPem, certPath, dispose: () => rm(dir, { recursive: true, force: true }) };
}
