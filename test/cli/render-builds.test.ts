// `codemie-gitops render` writes a tree that builds as it is: without a deployment's outputs it
// writes a clearly marked placeholder infra-outputs.yaml, and every kustomization under the
// output then builds with the real kubectl kustomize.
import { cpSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { PLACEHOLDER_ANNOTATION, unfilledVariables } from "../../src/engine/infra-outputs.js";
import { loadEnvironment } from "../../src/app/load.js";
import { ROOT, runCli } from "../support/cli.js";
import { kustomizeBuild } from "../support/kustomize.js";

function kustomizationDirs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((p) => p === "kustomization.yaml" || p.endsWith("/kustomization.yaml"))
    .map((p) => join(dir, dirname(p)));
}

describe("codemie-gitops render writes a tree that builds", () => {
  it("writes placeholder deploy outputs, and every kustomization under the output builds", async () => {
    const ws = mkdtempSync(join(tmpdir(), "cg-render-builds-"));
    cpSync(join(ROOT, "environments"), join(ws, "environments"), { recursive: true });
    const r = runCli(["render", "--env", "staging", "--out", "out"], ws);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);

    const outputs = readFileSync(join(ws, "out/clusters/staging/infra-outputs.yaml"), "utf8");
    expect(outputs).toContain(`${PLACEHOLDER_ANNOTATION}: "true"`);
    expect(outputs).toMatch(/^# PLACEHOLDER written by `codemie-gitops render`/m);
    expect(outputs).toContain('KEY_VAULT_URI: "PLACEHOLDER-KEY_VAULT_URI"');
    const text = readFileSync(join(ws, "environments/staging.yaml"), "utf8");
    expect(unfilledVariables(loadEnvironment("environments/staging.yaml", text).env!, outputs)).toEqual([]);

    const dirs = kustomizationDirs(join(ws, "out/clusters/staging"));
    expect(dirs.map((d) => relative(join(ws, "out"), d))).toContain("clusters/staging");
    for (const d of dirs) {
      const built = await kustomizeBuild(d);
      expect(built.length, relative(ws, d)).toBeGreaterThan(0);
    }
    expect(await kustomizeBuild(join(ws, "out/clusters/staging"))).toContain("PLACEHOLDER-KEY_VAULT_URI");

    // --check agrees with what render wrote, placeholder included.
    expect(runCli(["render", "--env", "staging", "--out", "out", "--check"], ws).status).toBe(0);
  }, 300_000);
});
