// `codemie-gitops capacity` as a separate process, and `validate` reporting the same checks.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { edited, shipped } from "./environments.js";
import { joinedRegExp } from "../support/regex.js";

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cg-capacity-"));
  mkdirSync(join(dir, "environments"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, "environments", name), text);
  return dir;
}

const tooFew = edited(shipped("prod"), [[["aks", "nodePools", "workloads"], { minCount: 3, maxCount: 5 }]]);

describe("codemie-gitops capacity", () => {
  it("prints a table per pool and per component and exits 0 when the environment fits", () => {
    const r = runCli(["capacity", "--env", "prod"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("environments/prod.yaml: fits");
    expect(lines.find((l) => l.startsWith("workloads "))).toMatch(
      joinedRegExp(
        /^workloads\s+Standard_E8ds_v5 8 vCPU 64 GiB\s+6 = 4 \+ 1 surge \+ 1 spare\s+6-9 /,
        /autoscaled\s+\[█+░+\]\s+\d+% [\d.]+ \/ 46\.92\s+\[█+░+\]/,
      ),
    );
    expect(lines.find((l) => l.startsWith("system "))).toMatch(
      /Standard_D4ds_v5 4 vCPU 16 GiB\s+3 = 1 \+ 1 surge \+ 1 spare\s+3-3 autoscaled/,
    );
    expect(lines.find((l) => l.startsWith("Elasticsearch "))).toMatch(
      /^Elasticsearch\s+Elasticsearch\s+StatefulSet\s+2\s+4\s+16Gi\s+200Gi\s+\d, \d$/,
    );
    expect(r.stdout).toContain("node 5 (zone 3): empty (spare)");
  });

  it("prints JSON with components, nodePools, fits and diagnostics on --json", () => {
    const r = runCli(["capacity", "--env", "dev", "--json"]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(["components", "nodePools", "fits", "diagnostics", "data"]);
    expect(json.fits).toBe(true);
    expect(json.diagnostics).toEqual([]);
    expect(json.nodePools.map((p: { name: string; vmSize: string }) => [p.name, p.vmSize])).toEqual([
      ["system", "Standard_D2ds_v5"],
      ["workloads", "Standard_D4ds_v5"],
    ]);
    expect(json.components.find((c: { component: string }) => c.component === "nats").enabled).toBe(false);
  });

  it("exits 1 with a FILE:LINE:COL error when the environment does not fit, and still prints the plan", () => {
    const dir = workspace({ "prod.yaml": tooFew });
    const line = tooFew.split("\n").findIndex((l) => l.includes("maxCount: 5")) + 1;
    const text = runCli(["capacity", "--env", "prod"], dir);
    expect(text.status).toBe(1);
    expect(text.stderr.trim()).toBe(
      `environments/prod.yaml:${line}:17: error: ` +
        `aks.nodePools.workloads.maxCount 5 is below the 6 nodes the plan needs ` +
        `(4 for pods + 1 surge + 1 spare for N+1); raise it to 6 or choose a ` +
        `larger vmSize`,
    );
    expect(text.stdout.split("\n")[0]).toBe("environments/prod.yaml: does NOT fit");
    const json = runCli(["capacity", "--json", "environments/prod.yaml"], dir);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      fits: false,
      diagnostics: [{ line, severity: "error", path: "aks.nodePools.workloads.maxCount" }],
    });
  });

  it("is run by validate too", () => {
    const r = runCli(["validate"], workspace({ "prod.yaml": tooFew }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error: aks.nodePools.workloads.maxCount 5 is below the 6 nodes the plan needs");
    expect(r.stdout.trim()).toBe("environments/prod.yaml: 1 error");
  });

  it("exits 2 without exactly one environment", () => {
    const r = runCli(["capacity"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("capacity plans one environment: give --env NAME or one FILE");
  });
});
