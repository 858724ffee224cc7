// `codemie-gitops plan --offline`, the README's first command: it reads no GitOps branch, so a
// newcomer without access to the environment's repository gets the plan and exit 0, while a plan
// that tried to compare and could not still fails (issue 11's rule).
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../support/cli.js";

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "cg-plan-offline-"));
  cpSync(join(ROOT, "environments"), join(dir, "environments"), { recursive: true });
  return dir;
}

describe("codemie-gitops plan --offline", () => {
  const ws = workspace();
  // A remote that does not exist stands for a repository the newcomer cannot reach.
  const unreachable = { CODEMIE_GITOPS_REMOTE: join(ws, "no-such-repository.git") };

  it("plans without reading the GitOps branch and exits 0", () => {
    const r = runCli(["plan", "--env", "dev", "--offline"], ws, unreachable);
    expect(r.stderr).not.toContain("error");
    expect(r.stdout).toMatch(/GitOps branch gitops\/dev: not read \(--offline\); \d+ file\(s\) rendered/);
    expect(r.stdout).toContain(
      "Kubernetes objects: not compared (offline plan: the published branch is " +
        "not read, so there is nothing to render against)",
    );
    expect(r.status).toBe(0);
  });

  it("without --offline, an unreachable branch is a plan that could not compare: exit 1", () => {
    const r = runCli(["plan", "--env", "dev"], ws, unreachable);
    expect(r.stdout).toContain("GitOps branch gitops/dev: not compared");
    expect(r.status).toBe(1);
  });

  it("refuses --offline with --azure, which reads Azure", () => {
    const r = runCli(["plan", "--env", "dev", "--offline", "--azure"], ws);
    expect(r.stderr).toContain("--offline reads nothing remote");
    expect(r.status).toBe(2);
  });
});
