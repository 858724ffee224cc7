// `codemie-gitops validate` as a user meets it: a real process, exit codes, one line per
// diagnostic on stderr, JSON on request, and never a stack trace.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../support/cli.js";

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cg-validate-"));
  mkdirSync(join(dir, "environments"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, "environments", name), text);
  return dir;
}

const prod = readFileSync(join(ROOT, "environments/prod.yaml"), "utf8");

describe("codemie-gitops validate", () => {
  it("accepts every shipped environment", () => {
    const r = runCli(["validate"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toEqual([
      "environments/dev.yaml: valid",
      "environments/prod.yaml: valid",
      "environments/staging.yaml: valid",
    ]);
    expect(r.status).toBe(0);
  });

  it("checks one environment by name", () => {
    const r = runCli(["validate", "--env", "prod"]);
    expect(r.stdout.trim()).toBe("environments/prod.yaml: valid");
    expect(r.status).toBe(0);
  });

  it("reports errors as FILE:LINE:COL lines and exits 1", () => {
    const dir = workspace({
      "prod.yaml": prod.replace("location: westeurope", "location: westeurope\n  locaton: x"),
      "dev.yaml": prod,
    });
    const r = runCli(["validate"], dir);
    expect(r.stderr.trim().split("\n")).toEqual([
      'environments/prod.yaml:10:3: error: unknown key "locaton" in azure; did ' +
        'you mean "location"? Allowed keys: tenantId, subscriptionId, location, ' +
        "cloud, namePrefix, resourceGroup, production, tags",
    ]);
    expect(r.stdout).toContain("environments/dev.yaml: valid");
    expect(r.stdout).toContain("environments/prod.yaml: 1 error");
    expect(r.status).toBe(1);
  });

  it("exits 0 with warnings and prints them", () => {
    const dir = workspace({
      "prod.yaml": prod.replace("highAvailability: ZoneRedundant", "highAvailability: Disabled"),
    });
    const r = runCli(["validate", "--env", "prod"], dir);
    expect(r.stderr).toMatch(
      /^environments\/prod\.yaml:\d+:\d+: warning: azure.production is true but postgres.highAvailability is Disabled/,
    );
    expect(r.stdout.trim()).toBe("environments/prod.yaml: valid, 1 warning");
    expect(r.status).toBe(0);
  });

  it("checks files given as arguments and prints JSON on request", () => {
    const dir = workspace({ "a.yaml": "azure: [\n" });
    const r = runCli(["validate", "--format", "json", "environments/a.yaml"], dir);
    const json = JSON.parse(r.stdout);
    expect(json.valid).toBe(false);
    expect(json.files[0].file).toBe("environments/a.yaml");
    expect(json.files[0].diagnostics[0]).toMatchObject({ file: "environments/a.yaml", line: 2, severity: "error" });
    expect(r.status).toBe(1);
  });

  it.each([
    [["validate", "--env", "nope"], "environments/nope.yaml: no such file"],
    [["validate", "--bogus"], "Unknown option '--bogus'"],
    [["validate", "--format", "xml"], "--format must be text or json"],
    [["deploy-everything"], 'unknown command "deploy-everything"'],
    [["validate", "--env", "prod", "x.yaml"], "give either --env NAME or files, not both"],
  ])("exits 2 on usage errors: %j", (args, message) => {
    const r = runCli(args);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(2);
  });

  it("never prints a stack trace, even for binary garbage", () => {
    const dir = workspace({ "bad.yaml": "\u0000\u0001\uFFFE{{{[[[" });
    const r = runCli(["validate"], dir);
    expect(r.stderr).toMatch(/^environments\/bad\.yaml:1:\d+: error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(1);
  });

  it("refuses files larger than the limit", () => {
    const dir = workspace({ "big.yaml": `# ${"x".repeat(300 * 1024)}\n` });
    const r = runCli(["validate"], dir);
    expect(r.stderr.trim()).toBe(
      "environments/big.yaml:1:1: error: file is larger than 256 KiB; an environment file is a few kilobytes",
    );
    expect(r.status).toBe(1);
  });
});

describe("the bundled CLI (ajv standalone validator) agrees with the core", () => {
  it("reports every corpus case exactly as expected", () => {
    const dir = join(ROOT, "test/fixtures/broken");
    const cases = readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .filter((t) => !/^# env: /m.test(t));
    const ws = workspace(Object.fromEntries(cases.map((text, i) => [`c${i}.yaml`, text])));
    const r = runCli(["validate", "--format", "json"], ws);
    const files = JSON.parse(r.stdout).files as {
      file: string;
      diagnostics: { line: number; column: number; severity: string; message: string }[];
    }[];
    for (const f of files) {
      const text = cases[Number(/c(\d+)\.yaml/.exec(f.file)![1])]!;
      const expected = [...text.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]);
      expect(
        f.diagnostics.map((d) => `${d.line}:${d.column}: ${d.severity}: ${d.message}`),
        f.file,
      ).toEqual(expected);
    }
    expect(files.length).toBe(cases.length);
  });
});
