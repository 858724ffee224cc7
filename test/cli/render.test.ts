// `codemie-gitops render` as a process: writes the whole tree or nothing, and --check names
// exactly the stale files.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../support/cli.js";

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "cg-render-"));
  cpSync(join(ROOT, "environments"), join(dir, "environments"), { recursive: true });
  return dir;
}

describe("codemie-gitops render", () => {
  const ws = workspace();

  it("writes Bicep, compiled ARM templates, parameters and the GitOps tree", () => {
    const r = runCli(["render", "--env", "prod", "--out", "out/prod"], ws);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = join(ws, "out/prod");
    expect(JSON.parse(readFileSync(join(out, "bicep/main.json"), "utf8")).$schema).toMatch(
      /subscriptionDeploymentTemplate/,
    );
    expect(
      JSON.parse(readFileSync(join(out, "bicep/main.parameters.json"), "utf8")).parameters.postgresAdminPassword
        .reference.secretName,
    ).toBe("postgres-admin-password");
    for (const f of [
      "bicep/bootstrap.json",
      "bicep/bicepconfig.json",
      "bicep/modules/aks.bicep",
      "clusters/prod/kustomization.yaml",
      "clusters/prod/layers.yaml",
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(r.stdout.trim()).toMatch(/^environments\/prod\.yaml: rendered \d+ files to out\/prod$/);
  });

  it("--check passes on a fresh tree and lists exactly what is stale", () => {
    expect(runCli(["render", "--env", "prod", "--out", "out/prod", "--check"], ws).status).toBe(0);
    writeFileSync(join(ws, "out/prod/clusters/prod/layers.yaml"), "edited by hand\n");
    writeFileSync(join(ws, "out/prod/stray.txt"), "x");
    const r = runCli(["render", "--env", "prod", "--out", "out/prod", "--check"], ws);
    expect(r.stderr.trim().split("\n")).toEqual([
      "out/prod: changed clusters/prod/layers.yaml",
      "out/prod: extra stray.txt",
    ]);
    expect(r.status).toBe(1);
  });

  it("leaves the previous output untouched when the environment no longer validates", () => {
    runCli(["render", "--env", "prod", "--out", "out/prod"], ws);
    const before = readdirSync(join(ws, "out/prod"), { recursive: true }).length;
    const main = readFileSync(join(ws, "out/prod/bicep/main.bicep"), "utf8");
    const file = join(ws, "environments/prod.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("vnetCidr: 10.40.0.0/16", "vnetCidr: 10.40.0.0/33"));
    const r = runCli(["render", "--env", "prod", "--out", "out/prod"], ws);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^environments\/prod\.yaml:\d+:\d+: error: network\.vnetCidr/);
    expect(readFileSync(join(ws, "out/prod/bicep/main.bicep"), "utf8")).toBe(main);
    expect(readdirSync(join(ws, "out/prod"), { recursive: true }).length).toBe(before);
    expect(readdirSync(join(ws, "out")).filter((n) => n !== "prod")).toEqual([]);
  });

  it("renders every environment with one compiler into out/<env>", () => {
    const dir = workspace();
    const r = runCli(["render", "--all"], dir);
    expect(r.status).toBe(0);
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["dev", "prod", "staging"]);
  });

  it("rejects ambiguous usage", () => {
    expect(runCli(["render"], ws).status).toBe(2);
    expect(runCli(["render", "--env", "prod", "--all"], ws).status).toBe(2);
  });
});
