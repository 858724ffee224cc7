// A throwaway PKI made with the real openssl at test time: a root CA, an intermediate and leaves
// with chosen names, lifetimes and key formats, as PEM text (what an operator uploads to Key Vault).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Issued {
  certPem: string;
  /** PKCS#8 ("PRIVATE KEY"), as openssl 3 writes it. */
  keyPem: string;
}

export interface LeafOptions {
  /** subjectAltName DNS entries; none: a certificate with a common name only. */
  dnsNames?: string[];
  commonName?: string;
  days?: number;
  /** Signed by the root directly instead of the intermediate. */
  byRoot?: boolean;
}

export interface Pki {
  root: Issued;
  intermediate: Issued;
  leaf(options?: LeafOptions): Promise<Issued>;
  /** The same key in PKCS#1 form ("RSA PRIVATE KEY"). */
  traditional(keyPem: string): Promise<string>;
  dispose(): Promise<void>;
}

export async function createPki(): Promise<Pki> {
  const dir = await mkdtemp(join(tmpdir(), "codemie-pki-"));
  let serial = 0;
  const file = (name: string) => join(dir, name);
  const key = async (name: string): Promise<string> => {
    await run("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", file(name)]);
    return readFile(file(name), "utf8");
  };
  const sign = async (name: string, subject: string, ext: string, issuer: string | undefined, days: number) => {
    const keyPem = await key(`${name}.key`);
    await writeFile(file(`${name}.ext`), ext);
    if (!issuer) {
      await run("openssl", [
        ...["req", "-x509", "-new", "-key", file(`${name}.key`), "-subj", subject, "-days", String(days)],
        ...["-extensions", "v3", "-config", file(`${name}.ext`), "-out", file(`${name}.pem`)],
      ]);
    } else {
      await run("openssl", ["req", "-new", "-key", file(`${name}.key`), "-subj", subject, "-out", file(`${name}.csr`)]);
      await run("openssl", [
        ...["x509", "-req", "-in", file(`${name}.csr`), "-CA", file(`${issuer}.pem`), "-CAkey", file(`${issuer}.key`)],
        ...["-set_serial", String(++serial + 1000), "-days", String(days)],
        ...["-extfile", file(`${name}.ext`), "-extensions", "v3", "-out", file(`${name}.pem`)],
      ]);
    }
    return { certPem: await readFile(file(`${name}.pem`), "utf8"), keyPem };
  };
  const caExt =
    "[req]\ndistinguished_name=dn\n[dn]\n[v3]\n" +
    "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
  const root = await sign("root", "/CN=Test Private Root CA", caExt, undefined, 365);
  const intermediate = await sign("intermediate", "/CN=Test Issuing CA", caExt, "root", 365);
  let leaves = 0;
  return {
    root,
    intermediate,
    leaf: (options = {}) => {
      const names = options.dnsNames ?? [];
      const san = names.length > 0 ? `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\n` : "";
      const ext = `[v3]\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n${san}`;
      const cn = options.commonName ?? names[0] ?? "leaf";
      return sign(`leaf${++leaves}`, `/CN=${cn}`, ext, options.byRoot ? "root" : "intermediate", options.days ?? 90);
    },
    async traditional(keyPem) {
      await writeFile(file("in.key"), keyPem);
      await run("openssl", ["pkey", "-in", file("in.key"), "-traditional", "-out", file("out.key")]);
      return readFile(file("out.key"), "utf8");
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
