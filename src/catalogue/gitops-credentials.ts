// How Flux reads a private GitOps repository: the Key Vault secret that holds its read-only
// credential for each `gitops.auth`, and the host keys it trusts. The credential reaches Flux
// only through ARM (a Key Vault parameter reference turned into the fluxConfiguration's
// configurationProtectedSettings); it is never in git, the rendered tree, logs or plans.

export type GitopsAuth = "none" | "ssh" | "https";

export const GITOPS_CREDENTIALS = {
  ssh: {
    secret: "gitops-ssh-private-key",
    /** The deploy generates an ed25519 deploy key once and never replaces it. */
    seed: "generated",
    purpose:
      "read-only SSH deploy key Flux reads the GitOps repository with (OpenSSH " +
      "ed25519 private key; the secret's content type carries its public key)",
  },
  https: {
    secret: "gitops-https-token",
    /** A person stores a token with read access to the repository's contents. */
    seed: "operator",
    purpose:
      "token with read-only access to the GitOps repository's contents (a " +
      "fine-grained PAT or a GitHub App installation token)",
  },
} as const;

/** Git over HTTPS wants some user name with a token; GitHub ignores which. */
export const HTTPS_USER = "git";

/**
 * github.com's published SSH host keys (https://api.github.com/meta, `ssh_keys`; GitHub docs
 * "GitHub's SSH key fingerprints"). Other hosts come from the environment's gitops.sshKnownHosts.
 */
export const GITHUB_KNOWN_HOSTS = [
  "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
  "github.com ecdsa-sha2-nistp256 " +
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5" +
    "wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=",
] as const;

/** The URL Flux clones: ssh://git@HOST/PATH for a deploy key, the repository's HTTPS URL otherwise. */
export function fluxRepositoryUrl(repository: string, auth: GitopsAuth): string {
  if (auth !== "ssh") return repository;
  const url = new URL(repository);
  return `ssh://git@${url.host}${url.pathname.replace(/\/+$/, "")}${url.pathname.endsWith(".git") ? "" : ".git"}`;
}

/** known_hosts Flux trusts for the repository's host. */
export function knownHostsFor(repository: string, extra: readonly string[]): string[] {
  const host = new URL(repository).hostname.toLowerCase();
  return [...(host === "github.com" ? GITHUB_KNOWN_HOSTS : []), ...extra];
}
