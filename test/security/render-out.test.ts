// `render --out DIR` replaces only what the tool owns: a checkout, a file, a link or a directory
// holding anyone else's files is refused before anything moves; a previous output of the same
// environment is replaced whole, and only when it holds nothing the tool did not write.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { OUTPUT_MARKER, writeTreeAtomically } from "../../src/adapters/output-tree.js";
import { git, tempDir, type TempDir } from "../engine/support/git-repos.js";
import { ROOT, runCli } from "../support/cli.js";

let ws: TempDir;
const tree = new Map([
  ["bicep/main.bicep", "targetScope = 'subscription'\n"],
  ["clusters/dev/kustomization.yaml", "resources: []\n"],
]);

beforeEach(() => {
  ws = tempDir("render-out-");
  mkdirSync(join(ws.path, "environments"));
  writeFileSync(join(ws.path, "environments/dev.yaml"), readFileSync(join(ROOT, "environments/dev.yaml"), "utf8"));
});
afterEach(() => ws.dispose());

/** Every path under a directory with its content (or its kind), to prove nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  return Object.fromEntries(
    entries.map((e) => {
      const path = join(e.parentPath, e.name);
      return [path, e.isFile() ? readFileSync(path, "utf8") : e.isSymbolicLink() ? "link" : "dir"];
    }),
  );
}

describe("render --out through the CLI", () => {
  test("--out . in a checkout is refused and the checkout, .git included, is untouched", () => {
    git(ws.path, "init", "-q");
    const before = snapshot(ws.path);

    const run = runCli(["render", "--env", "dev", "--out", "."], ws.path);

    expect(run.stderr).toContain(". is not empty and is not an output of codemie-gitops render");
    expect(run.status).toBe(2);
    expect(snapshot(ws.path)).toEqual(before);
  });

  test("a regular file is never replaced by a directory", () => {
    writeFileSync(join(ws.path, "notes.txt"), "mine\n");

    const run = runCli(["render", "--env", "dev", "--out", "notes.txt"], ws.path);

    expect(run.stderr).toContain("notes.txt exists and is not a directory; render never replaces a file");
    expect(run.status).toBe(2);
    expect(readFileSync(join(ws.path, "notes.txt"), "utf8")).toBe("mine\n");
  });

  test("a link is not written through", () => {
    const elsewhere = tempDir("render-elsewhere-");
    try {
      symlinkSync(elsewhere.path, join(ws.path, "out"));
      const run = runCli(["render", "--env", "dev", "--out", "out"], ws.path);
      expect(run.stderr).toContain("out is a symbolic link");
      expect(run.status).toBe(2);
      expect(readdirSync(elsewhere.path)).toEqual([]);
    } finally {
      elsewhere.dispose();
    }
  });
});

describe("writeTreeAtomically", () => {
  const out = (): string => join(ws.path, "out");

  test("writes a marker naming the tool, the environment and every file", async () => {
    await writeTreeAtomically(out(), tree, "dev");

    expect(readFileSync(join(out(), OUTPUT_MARKER), "utf8")).toBe(
      "codemie-gitops render output\nenvironment: dev\nfiles:\n  bicep/main.bicep\n  clusters/dev/kustomization.yaml\n",
    );
  });

  test("replaces its own previous output, stale files included", async () => {
    await writeTreeAtomically(out(), new Map([...tree, ["stale.yaml", "old\n"]]), "dev");

    await writeTreeAtomically(out(), tree, "dev");

    expect(readdirSync(out(), { recursive: true }).sort()).toEqual([
      OUTPUT_MARKER,
      "bicep",
      "bicep/main.bicep",
      "clusters",
      "clusters/dev",
      "clusters/dev/kustomization.yaml",
    ]);
  });

  test("never deletes a file it did not write, even inside its own output", async () => {
    await writeTreeAtomically(out(), tree, "dev");
    writeFileSync(join(out(), "clusters/dev/my-notes.md"), "mine\n");

    await expect(writeTreeAtomically(out(), tree, "dev")).rejects.toThrow(
      `${out()}/clusters/dev/my-notes.md was not written by codemie-gitops render`,
    );
    expect(readFileSync(join(out(), "clusters/dev/my-notes.md"), "utf8")).toBe("mine\n");
  });

  test("another environment's output is refused", async () => {
    await writeTreeAtomically(out(), tree, "prod");

    await expect(writeTreeAtomically(out(), tree, "dev")).rejects.toThrow(
      'holds the output of environment "prod", not "dev"',
    );
  });

  test("a forged marker does not make a link or a foreign file the tool's", async () => {
    mkdirSync(out());
    writeFileSync(
      join(out(), OUTPUT_MARKER),
      "codemie-gitops render output\nenvironment: dev\nfiles:\n  bicep/main.bicep\n  keep\n",
    );
    const target = tempDir("render-target-");
    try {
      symlinkSync(target.path, join(out(), "keep"));
      await expect(writeTreeAtomically(out(), tree, "dev")).rejects.toThrow(
        "keep was not written by codemie-gitops render",
      );
      expect(readdirSync(out()).sort()).toEqual([OUTPUT_MARKER, "keep"]);
    } finally {
      target.dispose();
    }
  });

  test("an empty directory is the tool's to fill", async () => {
    mkdirSync(out());
    await writeTreeAtomically(out(), tree, "dev");
    expect(readFileSync(join(out(), "bicep/main.bicep"), "utf8")).toBe("targetScope = 'subscription'\n");
  });
});
