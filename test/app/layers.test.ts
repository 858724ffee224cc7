// The layer rule (eslint/layers.js) as ESLint runs it on this repository's config: relative
// imports, export-from and import() that point against the layers are refused with a message
// naming both directories; imports along them pass.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import layers from "../../eslint/layers.js";
import { describe, expect, test } from "vitest";
import { ROOT } from "../support/cli.js";

const eslint = new ESLint({ cwd: ROOT });

async function layerMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === "codemie/layers").map((m) => m.message);
}

describe("layer rule", () => {
  test.each([
    [
      "src/config/probe.ts",
      'import { planCapacity } from "../capacity/plan.js";\nexport const p = planCapacity;\n',
      "src/config may not import src/capacity",
    ],
    [
      "src/capacity/probe.ts",
      'export type { Environment } from "../app/load.js";\n',
      "src/capacity may not import src/app",
    ],
    ["src/action/probe.ts", 'export const m = () => import("../cli/main.js");\n', "src/action may not import src/cli"],
    ["src/cli/probe.ts", 'export * from "../action/io.js";\n', "src/cli may not import src/action"],
    [
      "src/engine/probe.ts",
      'import type { ArmClient } from "../adapters/azure/arm.js";\nexport type A = ArmClient;\n',
      "src/engine may not import src/adapters",
    ],
    [
      "src/adapters/probe.ts",
      'import { deployEnvironment } from "../engine/deploy.js";\nexport const d = deployEnvironment;\n',
      "src/adapters may not import src/engine",
    ],
  ])("%s: refuses an import against the layers", async (file, code, message) => {
    expect(await layerMessages(file, code)).toEqual([expect.stringContaining(message)]);
  });

  test("allows imports along the layers, adapters reaching only the engine's ports", async () => {
    expect(
      await layerMessages(
        "src/capacity/probe.ts",
        'import { parseBytes } from "../config/quantity.js";\nexport const p = parseBytes;\n',
      ),
    ).toEqual([]);
    expect(
      await layerMessages(
        "src/adapters/probe.ts",
        'import type { Arm } from "../engine/ports.js";\nexport type A = Arm;\n',
      ),
    ).toEqual([]);
    expect(await layerMessages("src/cli/probe.ts", 'export const m = () => import("../app/plan.js");\n')).toEqual([]);
  });

  test("a new directory of src/ must be placed in the layers first", async () => {
    expect(
      await layerMessages("src/newdir/probe.ts", 'import { x } from "../config/quantity.js";\nexport const y = x;\n'),
    ).toEqual([expect.stringContaining("src/newdir is not a known layer")]);
  });
});

describe("no-cycle rule", () => {
  test("refuses each file of a cycle in one directory, relative imports included, and passes the rest", async () => {
    const root = mkdtempSync(join(tmpdir(), "cycle-"));
    try {
      mkdirSync(join(root, "src/core"), { recursive: true });
      writeFileSync(join(root, "src/core/a.ts"), 'import { b } from "./b.js";\nexport const a = () => b;\n');
      writeFileSync(join(root, "src/core/b.ts"), 'import type { c } from "./c.js";\nexport const b: c = 1;\n');
      writeFileSync(join(root, "src/core/c.ts"), 'export type c = number;\nexport { a } from "./a.js";\n');
      writeFileSync(join(root, "src/core/d.ts"), 'import { a } from "./a.js";\nexport const d = a;\n');
      const lint = new ESLint({
        cwd: root,
        overrideConfigFile: true,
        overrideConfig: [
          {
            files: ["src/**/*.ts"],
            languageOptions: { parser: tseslint.parser },
            plugins: { codemie: layers },
            rules: { "codemie/no-cycle": "error" },
          },
        ],
      });
      const results = await lint.lintFiles(["src/core/*.ts"]);
      const messages = Object.fromEntries(
        results.map((r) => [r.filePath.slice(root.length + 1), r.messages.map((m) => m.message)]),
      );
      const cycle = "src/core/a.ts → src/core/b.ts → src/core/c.ts → src/core/a.ts";
      expect(messages).toEqual({
        "src/core/a.ts": [expect.stringContaining(`src/core/a.ts is on an import cycle: ${cycle}`)],
        "src/core/b.ts": [expect.stringContaining(`src/core/b.ts is on an import cycle: ${cycle}`)],
        "src/core/c.ts": [expect.stringContaining(`src/core/c.ts is on an import cycle: ${cycle}`)],
        "src/core/d.ts": [],
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
