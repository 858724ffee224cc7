// A tool's version answer is remembered per binary: asked once, asked again when the binary
// changes, never remembered when the tool failed or the cache is off. A real executable script
// counts its runs.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { rememberedVersion } from "../../src/adapters/tool-versions.js";

const run = promisify(execFile);
let home: string;
let bin: string;
let cache: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "tool-versions-"));
  bin = join(home, "bin");
  cache = join(home, "cache");
  writeTool("v1.2.3");
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** A fresh binary (a new file) that records each run and prints `version`. */
function writeTool(version: string, exit = 0): void {
  rmSync(bin, { recursive: true, force: true });
  mkdirSync(bin);
  writeFileSync(join(home, "runs"), "", { flag: "a" });
  const script = `#!/bin/sh\necho run >> '${join(home, "runs")}'\necho '${version}'\nexit ${exit}\n`;
  writeFileSync(join(bin, "tool"), script);
  chmodSync(join(bin, "tool"), 0o755);
}

const runs = (): number => readFileSync(join(home, "runs"), "utf8").split("\n").filter(Boolean).length;
const ask = (path: string) => async (): Promise<string> => (await run(path, ["--version"])).stdout;

describe("rememberedVersion", () => {
  test("asks a binary once, and again once it changed", async () => {
    const env = { CODEMIE_TOOL_CACHE: cache, PATH: bin };
    const tool = join(bin, "tool");

    await expect(rememberedVersion("tool", ["--version"], ask(tool), env)).resolves.toBe("v1.2.3\n");
    await expect(rememberedVersion("tool", ["--version"], ask(tool), env)).resolves.toBe("v1.2.3\n");
    await expect(rememberedVersion(tool, ["--version"], ask(tool), env)).resolves.toBe("v1.2.3\n");
    expect(runs()).toBe(1);
    expect(readdirSync(cache)).toHaveLength(1);

    writeTool("v2.0.0");
    await expect(rememberedVersion("tool", ["--version"], ask(tool), env)).resolves.toBe("v2.0.0\n");
    await expect(rememberedVersion("tool", ["--version"], ask(tool), env)).resolves.toBe("v2.0.0\n");
    expect(runs()).toBe(2);
  });

  test("a failure is not remembered, and an unresolvable or relative lookup is not cached", async () => {
    writeTool("broken", 3);
    const tool = join(bin, "tool");
    const env = { CODEMIE_TOOL_CACHE: cache, PATH: bin };
    await expect(rememberedVersion("tool", ["--version"], ask(tool), env)).rejects.toThrow();
    await expect(rememberedVersion("tool", ["--version"], ask(tool), env)).rejects.toThrow();
    expect(runs()).toBe(2);

    writeTool("v1.2.3");
    const relative = { CODEMIE_TOOL_CACHE: cache, PATH: `bin:${bin}` };
    await rememberedVersion("tool", ["--version"], ask(tool), relative);
    await rememberedVersion("tool", ["--version"], ask(tool), relative);
    expect(runs()).toBe(4);
    expect(readdirSync(join(home))).not.toContain("cache");
  });

  test("CODEMIE_TOOL_CACHE=off asks every time", async () => {
    const tool = join(bin, "tool");
    const env = { CODEMIE_TOOL_CACHE: "off", PATH: bin };
    await rememberedVersion("tool", ["--version"], ask(tool), env);
    await rememberedVersion("tool", ["--version"], ask(tool), env);
    expect(runs()).toBe(2);
  });
});
