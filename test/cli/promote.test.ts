// `codemie-gitops promote` as a process: the target file edited in place (comments kept, only
// the version changed), nothing to do when both run the same release, refusals.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { edited, shipped } from "../capacity/environments.js";
import { runCli } from "../support/cli.js";

function workspace(staging: string, prod: string): string {
  const dir = mkdtempSync(join(tmpdir(), "cg-promote-"));
  mkdirSync(join(dir, "environments"));
  writeFileSync(join(dir, "environments", "staging.yaml"), staging);
  writeFileSync(join(dir, "environments", "prod.yaml"), prod);
  return dir;
}

describe("codemie-gitops promote", () => {
  test("sets prod's CodeMie version to staging's, keeping the file's comments and the rest of it", () => {
    const prod = `# Production: promoted from staging\n${edited(shipped("prod"), [
      [["promotion"], { after: "staging" }],
      [["codemie", "version"], "2.50.0"],
    ])}`;
    const dir = workspace(edited(shipped("staging"), [[["codemie", "version"], "2.58.1"]]), prod);

    const r = runCli(["promote", "--from", "staging", "--to", "prod"], dir);

    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      "environments/prod.yaml: codemie.version 2.50.0 → 2.58.1 (what staging " +
        "runs); commit it and open a pull request\n",
    );
    const after = readFileSync(join(dir, "environments", "prod.yaml"), "utf8");
    expect(after).toBe(prod.replace("version: 2.50.0", "version: 2.58.1"));
    expect(after.startsWith("# Production: promoted from staging\n")).toBe(true);

    const again = runCli(["promote", "--from", "staging", "--to", "prod"], dir);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("already runs CodeMie 2.58.1");
  });

  test("warns when the target does not follow the source; refuses one environment twice", () => {
    const dir = workspace(
      edited(shipped("staging"), [[["codemie", "version"], "2.58.1"]]),
      edited(shipped("prod"), [[["codemie", "version"], "2.50.0"]]),
    );
    const r = runCli(["promote", "--from", "staging", "--to", "prod"], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      "warning: environments/prod.yaml does not declare promotion: { after: " +
        "staging }: its deploy will not wait for staging\n",
    );
    expect(runCli(["promote", "--from", "prod", "--to", "prod"], dir).status).toBe(2);
  });
});
