// How Flux reads the GitOps repository: what the schema cannot tell. Over SSH, Flux trusts only
// the known_hosts it is given; github.com's published keys come from the catalogue, any other
// host (GitHub Enterprise Server) needs its own, or every fetch fails host-key verification.
import { knownHostsFor } from "../catalogue/gitops-credentials.js";
import type { Environment } from "../model/environment.js";
import type { Report, Valid } from "./report.js";

/** The hosts a known_hosts line names ("host1,[host2]:2222 ssh-ed25519 AAAA…"), lower-cased, ports dropped. */
function hostsOf(line: string): string[] {
  return (line.split(" ")[0] ?? "").split(",").map((h) => h.replace(/^\[([^\]]+)\](:\d+)?$/, "$1").toLowerCase());
}

export function checkGitopsAuth(env: Environment, report: Report, ok: Valid): void {
  if (!ok(["gitops", "repository"], ["gitops", "auth"], ["gitops", "sshKnownHosts"])) return;
  const { auth, repository, sshKnownHosts } = env.gitops;
  const host = new URL(repository).hostname.toLowerCase();
  if (auth !== "ssh") {
    if (sshKnownHosts.length > 0)
      report(
        "warning",
        ["gitops", "sshKnownHosts"],
        `gitops.sshKnownHosts is used only with gitops.auth: ssh (it is ${auth}); remove it or set gitops.auth: ssh`,
        "key",
      );
    return;
  }
  if (knownHostsFor(repository, sshKnownHosts).length === 0) {
    report(
      "error",
      ["gitops", "auth"],
      `gitops.auth ssh for ${host} needs gitops.sshKnownHosts: Flux trusts ` +
        `github.com's published host keys only; add the host's keys ` +
        `(\`ssh-keyscan ${host}\`, one "${host} ssh-ed25519 AAAA…" line each), ` +
        `or use gitops.auth: https`,
    );
    return;
  }
  sshKnownHosts.forEach((line, i) => {
    if (!hostsOf(line).includes(host))
      report(
        "error",
        ["gitops", "sshKnownHosts", i],
        `gitops.sshKnownHosts[${i}] names ${hostsOf(line).join(", ")}, not ` +
          `${host}, the host of gitops.repository; Flux checks the key of ${host} ` +
          `only`,
      );
  });
}
