// How plan, deploy and status refuse bad invocations: usage errors exit 2, run failures exit 1,
// and neither prints a stack trace. None of these reach Azure or compile anything.
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ROOT, runCli } from "../support/cli.js";
import { tempDir, type TempDir } from "../engine/support/git-repos.js";

let dir: TempDir;
beforeAll(() => {
  dir = tempDir("codemie-usage-");
  mkdirSync(join(dir.path, "environments"));
  copyFileSync(join(ROOT, "environments", "dev.yaml"), join(dir.path, "environments", "dev.yaml"));
});
afterAll(() => dir.dispose());

const noStack = (text: string): void => expect(text).not.toMatch(/^\s+at /m);

describe("usage", () => {
  test.each([
    [["deploy"], "deploy takes --env NAME and no files"],
    [["plan", "environments/dev.yaml"], "plan takes --env NAME and no files"],
    [["plan", "--env", "dev", "--json", "--markdown"], "give either --json or --markdown, not both"],
    [["deploy", "--env", "dev", "--timeout", "soon"], '--timeout takes a duration such as 90s, 45m or 1h, not "soon"'],
    [
      ["status", "--env", "dev", "--subscription", "prod-sub"],
      '--subscription takes a subscription id (a GUID), not "prod-sub"',
    ],
    [["status", "--env", "dev", "--cloud", "mars"], '--cloud must be one of public, usgov, china, not "mars"'],
    [
      ["status", "--env", "dev", "--cloud", "usgov"],
      "--cloud usgov contradicts azure.cloud: public in environments/dev.yaml; drop the flag or correct the file",
    ],
    [
      ["status", "--env", "dev", "--arm-endpoint", "http://127.0.0.1:1"],
      "The ARM endpoint must be an https URL, got http://127.0.0.1:1",
    ],
    [["status", "--env", "nope"], "environments/nope.yaml: no such file"],
  ])("%j is a usage error", (args, message) => {
    const r = runCli(args, dir.path);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`codemie-gitops: ${message}`);
    noStack(r.stderr);
  });

  test("deploy outside a checkout, without GITHUB_SHA, cannot name its source commit", () => {
    const r = runCli(["deploy", "--env", "dev"], dir.path, { GITHUB_SHA: "" });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "error: cannot tell which commit is being deployed: run inside a git checkout (or set GITHUB_SHA)\n",
    );
  });

  test("a sign-in that cannot work is a one-line error, not a stack trace", () => {
    const r = runCli(["status", "--env", "dev"], dir.path, {
      ACTIONS_ID_TOKEN_REQUEST_URL: "https://127.0.0.1:9/token?x=1",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t",
      AZURE_CLIENT_ID: "",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "error: github-oidc sign-in needs a tenant id and a client id (AZURE_TENANT_ID, AZURE_CLIENT_ID).\n",
    );
  });
});
