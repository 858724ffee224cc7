// Environment files arrive by pull request: a committed link to a device, a FIFO, a link to any
// readable file, a linked environments/ directory or a huge file must end in exit 1 with one
// positioned line, quickly, and never print what a link points at. `.yml` is the same as `.yaml`.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { BIN, ROOT } from "../support/cli.js";
import { tempDir, type TempDir } from "../engine/support/git-repos.js";

const dev = readFileSync(join(ROOT, "environments/dev.yaml"), "utf8");
let ws: TempDir;
let secrets: TempDir;

beforeEach(() => {
  ws = tempDir("hostile-envs-");
  secrets = tempDir("not-in-the-repo-");
  writeFileSync(join(secrets.path, "credentials"), "azure_client_secret: TOP-SECRET-VALUE\n");
});
afterEach(() => {
  ws.dispose();
  secrets.dispose();
});

/** The CLI as a process, killed if it runs away (the attack on the old code: it never ends). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ws.path, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`codemie-gitops ${args.join(" ")} did not finish within 30 s`));
    }, 30_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function environments(): string {
  const dir = join(ws.path, "environments");
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe("environment files that are not files", () => {
  test.each([
    [
      "a link to /dev/urandom",
      () => symlinkSync("/dev/urandom", join(environments(), "dev.yaml")),
      "is a symbolic link",
    ],
    ["a link to /dev/zero", () => symlinkSync("/dev/zero", join(environments(), "dev.yaml")), "is a symbolic link"],
    [
      "a link to a readable file outside the repository",
      () => symlinkSync(join(secrets.path, "credentials"), join(environments(), "dev.yaml")),
      "is a symbolic link",
    ],
    ["a FIFO", () => execFileSync("mkfifo", [join(environments(), "dev.yaml")]), "is a named pipe"],
    ["a directory", () => mkdirSync(join(environments(), "dev.yaml")), "is a directory"],
  ])("%s: exit 1 with a positioned message, nothing read", async (_, plant, reason) => {
    plant();

    const run = await cli(["validate", "--env", "dev"]);

    expect(run.stderr.trim()).toMatch(new RegExp(`^environments/dev\\.yaml:1:1: error: ${reason}`));
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain("TOP-SECRET-VALUE");
    expect(run.status).toBe(1);
  });

  test("a character device named directly is refused the same way", async () => {
    const run = await cli(["validate", "/dev/zero"]);
    expect(run.stderr.trim()).toMatch(
      /^(\.\.\/)*dev\/zero:1:1: error: is a device; an environment file must be a regular file$/,
    );
    expect(run.status).toBe(1);
  });

  test("a linked environments/ directory is refused, whatever it points at", async () => {
    writeFileSync(join(secrets.path, "dev.yaml"), dev);
    symlinkSync(secrets.path, join(ws.path, "environments"));

    const run = await cli(["validate", "--env", "dev"]);

    expect(run.stderr.trim()).toBe(
      "environments/dev.yaml:1:1: error: environments is a symbolic link; " +
        "environment files are read only from plain directories of the repository",
    );
    expect(run.status).toBe(1);
  });

  test("a file over 256 KiB is refused with a positioned message after reading at most one byte more", async () => {
    writeFileSync(join(environments(), "dev.yaml"), `${dev}\n# ${"x".repeat(300 * 1024)}\n`);

    const run = await cli(["validate", "--env", "dev"]);

    expect(run.stderr.trim()).toBe(
      "environments/dev.yaml:1:1: error: file is larger than 256 KiB; an environment file is a few kilobytes",
    );
    expect(run.status).toBe(1);
  });
});

describe(".yml is the same environment as .yaml", () => {
  test("an environment named by --env is found as NAME.yml", async () => {
    writeFileSync(join(environments(), "dev.yml"), dev);

    const run = await cli(["validate", "--env", "dev"]);

    expect(run.stdout.trim()).toBe("environments/dev.yml: valid");
    expect(run.status).toBe(0);
  });

  test("NAME.yaml beside NAME.yml is refused as ambiguous", async () => {
    writeFileSync(join(environments(), "dev.yml"), dev);
    writeFileSync(join(environments(), "dev.yaml"), dev);

    const byName = await cli(["validate", "--env", "dev"]);
    const all = await cli(["validate"]);

    expect(byName.stderr).toContain(
      "environments/dev.yaml and environments/dev.yml are the same environment; keep one of them",
    );
    expect(all.stderr).toContain(
      "environments/dev.yaml and environments/dev.yml are the same environment; keep one of them",
    );
    expect(byName.status).toBe(2);
    expect(all.status).toBe(2);
  });
});
