// git may exit without reading its standard input; writing that input must not crash the
// process with an unhandled EPIPE (seen on a loaded machine in the validate action and deploy).
import { tmpdir } from "node:os";
import { expect, test } from "vitest";
import { git } from "../../../src/adapters/git/git.js";

test("a git command that exits before reading its input resolves with its output", async () => {
  // Far more than a pipe holds, so the write is still going when git has exited.
  const out = await git(["--version"], { cwd: tmpdir(), input: "x".repeat(16 * 2 ** 20) });
  expect(out).toMatch(/^git version \d+\.\d+/);
});
