// gitops.auth ssh against the host Flux clones from: github.com's keys come with the tool, any
// other host's must be written down, or Flux would fail host-key verification on every fetch.
// Each refusal is one positioned line at the field to change.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/config/diagnostics.js";
import { loadEnvironment } from "../../src/app/load.js";

const root = join(import.meta.dirname, "../..");
const base = readFileSync(join(root, "test/fixtures/base.yaml"), "utf8");
const REPO = "  repository: https://github.com/acme/codemie-platform\n";
const GHES_KEY = "ghes.acme.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

function withGitops(lines: string): string {
  expect(base.includes(REPO), "base.yaml names the GitOps repository").toBe(true);
  return base.replace(REPO, lines);
}

const diagnostics = (text: string) =>
  loadEnvironment("environments/test.yaml", text, "test").diagnostics.map(formatDiagnostic);
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("gitops.auth ssh", () => {
  it("needs nothing more for github.com", () => {
    expect(diagnostics(withGitops(`${REPO}  auth: ssh\n`))).toEqual([]);
  });

  it("refuses another host without sshKnownHosts, at gitops.auth", () => {
    const text = withGitops("  repository: https://ghes.acme.example/platform/codemie\n  auth: ssh\n");
    expect(diagnostics(text)).toEqual([
      `environments/test.yaml:${lineOf(text, "auth: ssh")}:9: error: ` +
        `gitops.auth ssh for ghes.acme.example needs gitops.sshKnownHosts: Flux ` +
        `trusts github.com's published host keys only; add the host's keys ` +
        `(\`ssh-keyscan ghes.acme.example\`, one "ghes.acme.example ssh-ed25519 ` +
        `AAAA…" line each), or use gitops.auth: https`,
    ]);
  });

  it("takes the host's keys, bracketed with a port too", () => {
    expect(
      diagnostics(
        withGitops(
          `  repository: https://ghes.acme.example/platform/codemie\n  auth: ssh\n ` +
            ` sshKnownHosts:\n    - ${GHES_KEY}\n`,
        ),
      ),
    ).toEqual([]);
    expect(
      diagnostics(
        withGitops(
          `  repository: https://ghes.acme.example/platform/codemie\n  auth: ssh\n ` +
            ` sshKnownHosts:\n    - "[ghes.acme.example]:2222 ` +
            `${GHES_KEY.split(" ").slice(1).join(" ")}"\n`,
        ),
      ),
    ).toEqual([]);
  });

  it("refuses a known_hosts line of another host, at that line", () => {
    const text = withGitops(
      `  repository: https://ghes.acme.example/platform/codemie\n  auth: ssh\n ` +
        ` sshKnownHosts:\n    - ${GHES_KEY}\n    - ` +
        `${GHES_KEY.replace("ghes.acme.example", "git.other.example")}\n`,
    );
    expect(diagnostics(text)).toEqual([
      `environments/test.yaml:${lineOf(text, "git.other.example")}:7: error: ` +
        `gitops.sshKnownHosts[1] names git.other.example, not ghes.acme.example, ` +
        `the host of gitops.repository; Flux checks the key of ghes.acme.example ` +
        `only`,
    ]);
  });

  it("warns that sshKnownHosts does nothing without ssh", () => {
    const text = withGitops(
      `${REPO}  auth: https\n  sshKnownHosts:\n    - ${GHES_KEY.replace("ghes.acme.example", "github.com")}\n`,
    );
    expect(diagnostics(text)).toEqual([
      `environments/test.yaml:${lineOf(text, "sshKnownHosts:")}:3: warning: ` +
        `gitops.sshKnownHosts is used only with gitops.auth: ssh (it is https); ` +
        `remove it or set gitops.auth: ssh`,
    ]);
  });
});
