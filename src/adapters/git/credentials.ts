// Where the GitOps token may go. The token can push the GitOps branch, so it is sent only to hosts
// the operator trusts: the GitHub server the workflow runs on (GITHUB_SERVER_URL, github.com by
// default) and hosts named in CODEMIE_GITOPS_TRUSTED_HOSTS (the gitops-trusted-hosts input), never
// a host an environment file names. The header is scoped to the remote's https origin, as
// actions/checkout scopes its own, and reaches git through GIT_CONFIG_* variables so no file of
// the clone ever holds it.

export const TRUSTED_HOSTS_VARIABLE = "CODEMIE_GITOPS_TRUSTED_HOSTS";

/** The host (with a non-default port) of a URL or of a bare "host[:port]", lower-cased. */
function hostOf(text: string): string | undefined {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`).host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/** The hosts the operator lets the GitOps token reach. */
export function trustedGitopsHosts(env: NodeJS.ProcessEnv): string[] {
  const named = (env[TRUSTED_HOSTS_VARIABLE] ?? "").split(/[\s,]+/).filter((h) => h !== "");
  const hosts = [env.GITHUB_SERVER_URL || "https://github.com", ...named].map((h) => {
    const host = hostOf(h);
    if (host === undefined) throw new Error(`${TRUSTED_HOSTS_VARIABLE} holds "${h}", which is not a host name`);
    return host;
  });
  return [...new Set(hosts)];
}

/** The token in the form git sends it (and the form a log must mask). */
export function basicCredential(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString("base64");
}

/** The GitOps token does not go to this remote's host. */
export class UntrustedHostError extends Error {
  constructor(remote: string, host: string, trusted: readonly string[]) {
    super(
      `the GitOps repository ${remote} is on ${host}, which is not a host the ` +
        `GitOps token is sent to (${trusted.join(", ")}); ` +
        `if that host is yours, name it in ${TRUSTED_HOSTS_VARIABLE} (the gitops-trusted-hosts input)`,
    );
    this.name = "UntrustedHostError";
  }
}

/**
 * The git configuration carrying the token for this remote, or nothing when the remote is not an
 * https URL. Throws before any git command runs
 * when the remote's host is not trusted: an environment file naming its own server gets an error,
 * not the token.
 */
export function tokenConfig(
  remote: string,
  token: string | undefined,
  trusted: readonly string[],
): Array<[string, string]> {
  if (!token) return [];
  // A local path, file:// or any other scheme never gets the header: it is scoped to an https origin.
  if (!/^https:\/\//i.test(remote)) return [];
  const url = new URL(remote);
  const host = url.host.toLowerCase();
  if (!trusted.includes(host)) throw new UntrustedHostError(remote, host, trusted);
  return [
    [`http.https://${host}/.extraheader`, `AUTHORIZATION: basic ${basicCredential(token)}`],
    // A redirect would carry the request (and curl's custom headers) to a host nobody trusted.
    ["http.followRedirects", "false"],
  ];
}

/** GIT_CONFIG_COUNT/KEY/VALUE variables adding `pairs` after whatever the caller's environment already sets. */
export function configEnvironment(
  pairs: ReadonlyArray<[string, string]>,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  if (pairs.length === 0) return {};
  const start = Number(base.GIT_CONFIG_COUNT ?? 0) || 0;
  const env: NodeJS.ProcessEnv = { GIT_CONFIG_COUNT: String(start + pairs.length) };
  pairs.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${start + i}`] = key;
    env[`GIT_CONFIG_VALUE_${start + i}`] = value;
  });
  return env;
}
