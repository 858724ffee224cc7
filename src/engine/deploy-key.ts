// An ed25519 SSH deploy key in the OpenSSH formats Flux and GitHub take: the private key as an
// unencrypted "openssh-key-v1" PEM (what `ssh-keygen -t ed25519 -N ''` writes) and the public key
// as an authorized_keys line. Node's crypto makes the key; this only frames it.
import { generateKeyPairSync, randomBytes } from "node:crypto";

export interface DeployKey {
  /** -----BEGIN OPENSSH PRIVATE KEY----- … */
  privateKey: string;
  /** "ssh-ed25519 AAAA… comment" */
  publicKey: string;
}

const KEY_TYPE = "ssh-ed25519";

function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

const uint32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

export function generateDeployKey(comment: string): DeployKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  const seed = Buffer.from(jwk.d ?? "", "base64url");
  const pub = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  const publicBlob = Buffer.concat([sshString(KEY_TYPE), sshString(pub)]);
  const check = randomBytes(4).readUInt32BE();
  let secret = Buffer.concat([
    uint32(check),
    uint32(check),
    sshString(KEY_TYPE),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  // Padded to the cipher block size ("none": 8) with 1, 2, 3, …
  const padding = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: padding }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "binary"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    uint32(1),
    sshString(publicBlob),
    sshString(secret),
  ]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  return {
    privateKey: ["-----BEGIN OPENSSH PRIVATE KEY-----", ...lines, "-----END OPENSSH PRIVATE KEY-----", ""].join("\n"),
    publicKey: `${KEY_TYPE} ${publicBlob.toString("base64")} ${comment}`,
  };
}

/** The title of an environment's deploy key on GitHub. */
export const deployKeyTitle = (envName: string): string => `flux-${envName} (codemie-gitops)`;

/** "ssh-ed25519 AAAA…" without the comment: how GitHub stores and returns a key. */
export const keyMaterial = (publicKey: string): string => publicKey.trim().split(/\s+/).slice(0, 2).join(" ");

/** "acme/codemie-platform" and the host of an HTTPS repository URL. */
export function repositorySlug(repository: string): { host: string; slug: string } {
  const url = new URL(repository);
  return { host: url.host, slug: url.pathname.replace(/^\/+|\/+$/g, "").replace(/\.git$/, "") };
}

/**
 * The exact ways a person registers the key as a read-only deploy key: the gh CLI, or the repository's settings page.
 */
export function registrationSteps(repository: string, publicKey: string, title: string): string[] {
  const { host, slug } = repositorySlug(repository);
  const file = `${title.split(" ")[0]}.pub`;
  return [
    `echo '${publicKey}' > ${file}`,
    `gh repo deploy-key add ${file} --repo ${host}/${slug} --title '${title}'   (read-only: leave out --allow-write)`,
    `or on GitHub: https://${host}/${slug}/settings/keys/new, title "${title}` +
      `", paste the key, leave "Allow write access" unchecked`,
  ];
}

/** What registering the key through the GitHub API came to. */
export type DeployKeyRegistration =
  | { state: "registered"; slug: string }
  | { state: "present"; slug: string; readOnly: boolean }
  | { state: "manual"; reason: string };

/**
 * Registers a public key as a read-only deploy key of the GitOps repository (the deploy action's GitHub token, when
 * it may).
 */
export interface DeployKeyRegistry {
  register(repository: string, publicKey: string, title: string): Promise<DeployKeyRegistration>;
}
