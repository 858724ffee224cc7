// The same attacks through the built CLI as a process, the way a workflow runs it: a pull request
// that points gitops.repository at its own HTTPS server gets an error and no request, and a GitOps
// branch holding a link to the clone's config makes plan fail with one line, leaking nothing.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { basicCredential } from "../../src/adapters/git/credentials.js";
import { createSelfSignedCertificate, type Certificate } from "../emulator/certificate.js";
import { createWorkspace, runCliAsync, type Workspace } from "../engine/support/harness.js";
import { git, GIT_IDENTITY, tempDir, type TempDir } from "../engine/support/git-repos.js";
import { startGitHttpsServer, type GitHttpsServer } from "./git-https-server.js";
import { pushEntries } from "./support.js";

const TOKEN = "ghs_pullRequestMustNeverSeeThis42";
let cert: Certificate;
let projects: TempDir;
let trusted: GitHttpsServer;
let attacker: GitHttpsServer;
let ws: Workspace;

beforeAll(async () => {
  cert = await createSelfSignedCertificate();
  projects = tempDir("git-projects-");
  git(projects.path, "init", "-q", "--bare", "gitops.git");
  trusted = await startGitHttpsServer(projects.path, cert);
  attacker = await startGitHttpsServer(projects.path, cert);
});
afterAll(async () => {
  await trusted.close();
  await attacker.close();
  projects.dispose();
  await cert.dispose();
});
beforeEach(() => {
  ws = createWorkspace();
  trusted.requests.length = 0;
  attacker.requests.length = 0;
});
afterEach(() => ws.dispose());

/** What a CI job gives the CLI: the token, this GitHub server, a CA that trusts the loopback servers. */
const ciEnv = (): NodeJS.ProcessEnv => ({
  ...GIT_IDENTITY,
  CODEMIE_GITOPS_TOKEN: TOKEN,
  GITHUB_SERVER_URL: `https://${trusted.host}`,
  GIT_SSL_CAINFO: cert.certPath,
});

function pointRepositoryAt(url: string): void {
  const file = join(ws.cwd, "environments/dev.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/repository: .*/, `repository: ${url}`));
}

describe("plan through the CLI", () => {
  test("an environment file naming another host gets an error and the host gets nothing", async () => {
    pointRepositoryAt(attacker.url("gitops.git"));

    const run = await runCliAsync(["plan", "--env", "dev"], ws.cwd, { env: ciEnv() });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`is on ${attacker.host}, which is not a host the GitOps token is sent to`);
    expect(attacker.requests).toEqual([]);
    expect(`${run.stdout}${run.stderr}`).not.toContain(basicCredential(TOKEN));
  });

  test("the operator's trusted host gets the token; the plan compares", async () => {
    pointRepositoryAt(trusted.url("gitops.git"));

    const run = await runCliAsync(["plan", "--env", "dev"], ws.cwd, { env: ciEnv() });

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(trusted.requests.length).toBeGreaterThan(0);
    expect(trusted.requests.every((r) => r.authorization === `basic ${basicCredential(TOKEN)}`)).toBe(true);
  });

  test("infra-outputs.yaml linked to the clone's config: exit 1, one line, no header in the plan", async () => {
    pointRepositoryAt(trusted.url("gitops.git"));
    pushEntries(join(projects.path, "gitops.git"), "gitops/dev", {
      "clusters/dev/infra-outputs.yaml": { link: "../../.git/config" },
    });

    const run = await runCliAsync(["plan", "--env", "dev", "--markdown"], ws.cwd, { env: ciEnv() });

    expect(run.status).toBe(1);
    expect(run.stdout).toContain("not compared");
    expect(run.stdout).toContain(
      "refusing to use gitops/dev: clusters/dev/infra-outputs.yaml is a symbolic link on the branch",
    );
    expect(run.stdout).not.toContain(basicCredential(TOKEN));
    expect(run.stdout).not.toContain("extraheader");
  });
});
