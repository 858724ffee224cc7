// Runs the real Bicep CLI (no mocks). Without a CLI every test fails with the install hint.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompileResult, lint } from "../../../src/adapters/bicep/compile.js";
import { parseDiagnosticLines } from "../../../src/adapters/bicep/diagnostics.js";
import { type BicepLocation, BicepNotFoundError, locateBicep } from "../../../src/adapters/bicep/locate.js";
import { type BicepCompiler, openCompiler } from "../../../src/adapters/bicep/session.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const SUBSCRIPTION_SCHEMA =
  "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#";

const VALID = `targetScope = 'subscription'

@description('Azure region of the resource group.')
param location string

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-codemie-test'
  location: location
}

output resourceGroupId string = rg.id
`;

// Line 7, column 13: a misspelt symbol (BCP057).
const BROKEN = `targetScope = 'subscription'

param location string

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-codemie-test'
  location: locaton
}
`;

// Line 5, column 5: an unused variable, a warning by default and an error under bicep/bicepconfig.json.
const LINTED = `targetScope = 'subscription'

param location string

var unusedPrefix = 'codemie'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-codemie-test'
  location: location
}
`;

// Larger than a pipe chunk and full of multi-byte characters, to exercise the JSON-RPC framing.
// 110,000 characters (140 kB of UTF-8), under Bicep's 131,072-character limit for a literal.
const BANNER = "Région ü ✓ ".repeat(10_000);
const LARGE = `targetScope = 'subscription'

output banner string = '${BANNER}'
`;

const work = mkdtempSync(join(tmpdir(), "bicep-cli-test-"));
const fixture = (name: string, text: string): string => {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
};
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("parseDiagnosticLines", () => {
  it("reads position, level, code and message, dropping the help link", () => {
    const output = [
      "/src/main.bicep(8,8) : Error BCP009: Expected a literal value. [https://aka.ms/bicep/core-diagnostics#BCP009]",
      '/src/main.bicep(3,7) : Warning no-unused-params: Parameter "x" is declared but never used.',
      "Build succeeded.",
    ].join("\n");
    expect(parseDiagnosticLines(output)).toEqual([
      {
        file: "/src/main.bicep",
        line: 8,
        column: 8,
        level: "error",
        code: "BCP009",
        message: "Expected a literal value.",
      },
      {
        file: "/src/main.bicep",
        line: 3,
        column: 7,
        level: "warning",
        code: "no-unused-params",
        message: 'Parameter "x" is declared but never used.',
      },
    ]);
  });
});

describe("locateBicep", () => {
  const dir = (...parts: string[]): string => {
    const path = join(work, "locate", ...parts);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const fakeBicep = (folder: string, mode = 0o755): string => {
    const path = join(folder, "bicep");
    writeFileSync(path, "#!/bin/sh\n");
    chmodSync(path, mode);
    return path;
  };
  const onPath = fakeBicep(dir("path"));
  const configured = fakeBicep(dir("configured"));
  const restored = fakeBicep(dir("repo", ".bicep", "bin"));
  const azureCli = fakeBicep(dir("home", ".azure", "bin"));
  const empty = dir("empty");
  const env = { PATH: dir("path"), CODEMIE_BICEP_PATH: configured, HOME: dir("home") };
  const repo = dir("repo");
  const locate = (overrides: NodeJS.ProcessEnv, repoRoot = repo, bicepPath?: string): BicepLocation =>
    locateBicep({ env: { ...env, ...overrides }, repoRoot, bicepPath });

  it("prefers PATH, then the configured path, then the restored package, then ~/.azure/bin", () => {
    expect(locate({})).toEqual({ path: onPath, source: "path" });
    expect(locate({ PATH: empty })).toEqual({ path: configured, source: "configured" });
    expect(locate({ PATH: empty, CODEMIE_BICEP_PATH: "" })).toEqual({ path: restored, source: "restored" });
    expect(locate({ PATH: empty, CODEMIE_BICEP_PATH: "" }, empty)).toEqual({ path: azureCli, source: "azure-cli" });
  });

  it("takes an explicit path in place of CODEMIE_BICEP_PATH", () => {
    const explicit = fakeBicep(dir("explicit"));
    expect(locate({ PATH: empty }, repo, explicit)).toEqual({ path: explicit, source: "configured" });
  });

  it("skips files on PATH that are not executable", () => {
    fakeBicep(dir("not-executable"), 0o644);
    expect(locate({ PATH: dir("not-executable") }).source).toBe("configured");
  });

  it("reports a configured path that is not executable instead of using another CLI", () => {
    expect(() => locate({ PATH: empty, CODEMIE_BICEP_PATH: join(empty, "bicep") })).toThrow(/configured Bicep CLI/);
  });

  it("fails with the install hint when nothing is found", () => {
    const attempt = () => locate({ PATH: empty, CODEMIE_BICEP_PATH: "", HOME: empty }, empty);
    expect(attempt).toThrow(BicepNotFoundError);
    expect(attempt).toThrow(/npm run setup.*bash scripts\/install-bicep\.sh/s);
  });
});

describe("compiling with the real Bicep CLI", () => {
  let rpc: BicepCompiler;
  let fallback: BicepCompiler;
  let viaRpc: CompileResult[];
  let viaProcess: CompileResult[];
  let files: { valid: string; broken: string; linted: string; large: string };

  beforeAll(async () => {
    // Throws BicepNotFoundError, whose message says how to install the CLI, when there is none.
    const bicep = locateBicep();
    // The session reads a directory's bicepconfig.json once, so it must be there before compiling.
    copyFileSync(join(repoRoot, "bicep", "bicepconfig.json"), join(work, "bicepconfig.json"));
    files = {
      valid: fixture("valid.bicep", VALID),
      broken: fixture("broken.bicep", BROKEN),
      linted: fixture("linted.bicep", LINTED),
      large: fixture("large.bicep", LARGE),
    };
    // A CLI whose JSON-RPC mode fails to start forces the one-process-per-file fallback.
    const noRpc = fixture("bicep-without-rpc", `#!/bin/sh\n[ "$1" = jsonrpc ] && exit 3\nexec '${bicep.path}' "$@"\n`);
    chmodSync(noRpc, 0o755);

    [rpc, fallback] = await Promise.all([openCompiler({ mode: "rpc" }), openCompiler({ executable: noRpc })]);
    const inputs = [files.valid, files.broken, files.linted, files.large];
    [viaRpc, viaProcess] = await Promise.all([rpc.compileAll(inputs), fallback.compileAll(inputs)]);
  });

  afterAll(async () => {
    await Promise.all([rpc?.close(), fallback?.close()]);
  });

  it("falls back to one process per file when JSON-RPC does not start", () => {
    expect(rpc.mode).toBe("rpc");
    expect(fallback.mode).toBe("process");
    expect(fallback.fallbackReason).toMatch(/bicep jsonrpc/);
  });

  it("gives the same results through JSON-RPC and through separate processes", () => {
    expect(viaProcess).toEqual(viaRpc);
  });

  it.each(["rpc", "process"] as const)("compiles a subscription-scope file to ARM JSON (%s)", (mode) => {
    const [valid] = mode === "rpc" ? viaRpc : viaProcess;
    expect(valid?.file).toBe(files.valid);
    expect(valid?.diagnostics).toEqual([]);
    expect(valid?.template?.$schema).toBe(SUBSCRIPTION_SCHEMA);
    expect(valid?.template?.resources).toContainEqual(
      expect.objectContaining({ type: "Microsoft.Resources/resourceGroups", name: "rg-codemie-test" }),
    );
  });

  it.each(["rpc", "process"] as const)("reports a compile error at its position (%s)", (mode) => {
    const broken = (mode === "rpc" ? viaRpc : viaProcess)[1];
    expect(broken?.template).toBeUndefined();
    expect(broken?.diagnostics).toContainEqual({
      file: files.broken,
      line: 7,
      column: 13,
      level: "error",
      code: "BCP057",
      message: 'The name "locaton" does not exist in the current context.',
    });
  });

  it.each(["rpc", "process"] as const)("applies the linter levels of bicep/bicepconfig.json (%s)", (mode) => {
    const linted = (mode === "rpc" ? viaRpc : viaProcess)[2];
    expect(linted?.template).toBeUndefined();
    expect(linted?.diagnostics).toEqual([
      expect.objectContaining({ file: files.linted, line: 5, column: 5, level: "error", code: "no-unused-vars" }),
    ]);
  });

  it("carries large, non-ASCII templates intact", () => {
    const outputs = viaRpc[3]?.template?.outputs as Record<string, { value?: unknown }> | undefined;
    expect(outputs?.banner?.value).toBe(BANNER);
  });

  it("lints with `bicep lint` under the same configuration", async () => {
    const [result] = await lint([files.linted]);
    expect(result?.diagnostics).toEqual(viaRpc[2]?.diagnostics);
  });

  it("compiles many files with one server process", async () => {
    const pid = rpc.pid;
    expect(pid).toBeGreaterThan(0);
    const copies = Array.from({ length: 8 }, (_, i) => fixture(`copy-${i}.bicep`, VALID));
    const results = await rpc.compileAll(copies);
    expect(results.map((r) => r.template?.$schema)).toEqual(copies.map(() => SUBSCRIPTION_SCHEMA));
    expect(await rpc.version()).toBe(await fallback.version());
    expect(rpc.mode).toBe("rpc");
    expect(rpc.pid).toBe(pid);
  });

  it("leaves no output files behind", () => {
    expect(readdirSync(work).filter((name) => name.endsWith(".json"))).toEqual(["bicepconfig.json"]);
  });
});
