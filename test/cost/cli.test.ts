// `codemie-gitops cost` as a separate process in a real git repository: the lines with unit
// prices, the delta against a base ref's version of the file, JSON, and refusals.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "../support/cli.js";
import { edited, shipped } from "../capacity/environments.js";
import { joinedRegExp } from "../support/regex.js";

function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), "cg-cost-"));
  mkdirSync(join(dir, "environments"));
  writeFileSync(join(dir, "environments", "prod.yaml"), shipped("prod"));
  const git = (...args: string[]): string =>
    execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@e",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@e",
      },
    });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-qm", "prod");
  git("checkout", "-qb", "bigger");
  writeFileSync(
    join(dir, "environments", "prod.yaml"),
    edited(shipped("prod"), [[["aks", "nodePools", "workloads", "minCount"], 7]]),
  );
  return dir;
}

describe("codemie-gitops cost", () => {
  test("prints each line with its unit price, and the change against --base", () => {
    const dir = repository();
    const r = runCli(["cost", "--env", "prod", "--base", "main"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      joinedRegExp(
        /^Monthly cost of prod \(westeurope\): \$[\d,]+\.\d\d\/month, \$[\d,]+\.\d\d with every autoscaled pool at /,
        /its maximum/,
      ),
    );
    expect(r.stdout).toMatch(
      / {2}workloads pool +7 × Standard_E8ds_v5 +@ +\$479\.35 = +\$3,355\.43; at maximum 9: \$4,314\.12/,
    );
    expect(r.stdout).toMatch(
      joinedRegExp(
        /Change against main: \+\$479\/month \(\+\d+(\.\d)?%\)\n {2}\+\$479\/month: workloads pool 6 → 7 × /,
        /Standard_E8ds_v5/,
      ),
    );
    expect(r.stdout).toContain("Prices: Azure Retail Prices API");
  });

  test("--json carries the estimate and the delta", () => {
    const dir = repository();
    const r = runCli(["cost", "--env", "prod", "--base", "main", "--json"], dir);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as {
      estimate: { monthly: number; lines: { key: string }[] };
      base: { ref: string; delta: { changes: { change: string }[] } };
    };
    expect(json.estimate.lines.map((l) => l.key)).toContain("pool:workloads");
    expect(json.base.delta.changes.map((c) => c.change)).toEqual(["6 → 7 × Standard_E8ds_v5"]);
  });

  test("an unknown or option-like base is refused in one line", () => {
    const dir = repository();
    for (const base of ["nope", "--output=x"]) {
      const r = runCli(["cost", "--env", "prod", `--base=${base}`], dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        joinedRegExp(
          /^codemie-gitops: --base: /,
          /(no commit, branch or tag "nope" in this repository|"--output=x" is not a branch, tag or commit name)\n$/,
        ),
      );
    }
  });
});
