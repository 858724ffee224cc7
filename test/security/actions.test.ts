// The bundled plan action as a process, the way the plan job runs it on a pull request: an
// environment file pointing gitops.repository at the author's own HTTPS server gets an error and
// that server no request; the operator's gitops-trusted-hosts input lets the token reach a host
// it names; the token and its base64 header form are masked in the log either way.
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { basicCredential } from "../../src/adapters/git/credentials.js";
import { pullRequestEvent } from "../action/support/events.js";
import { runAction, type ActionRun } from "../action/support/run-action.js";
import { checkout, commitFile, type Checkout } from "../action/support/workspace.js";
import { createSelfSignedCertificate, type Certificate } from "../emulator/certificate.js";
import { git, GIT_IDENTITY, tempDir, type TempDir } from "../engine/support/git-repos.js";
import { GitHubFake } from "../github-fake/server.js";
import { startGitHttpsServer, type GitHttpsServer } from "./git-https-server.js";

const TOKEN = "ghs_secretOfThePlanJob0000000000";
const PR = 5;
let cert: Certificate;
let projects: TempDir;
let server: GitHttpsServer;
let github: GitHubFake;
let ws: Checkout;

beforeAll(async () => {
  cert = await createSelfSignedCertificate();
  projects = tempDir("git-projects-");
  git(projects.path, "init", "-q", "--bare", "gitops.git");
  [server, github] = await Promise.all([startGitHttpsServer(projects.path, cert), GitHubFake.start()]);
});
afterAll(async () => {
  await Promise.all([server.close(), github.stop()]);
  projects.dispose();
  await cert.dispose();
});
beforeEach(() => {
  ws = checkout(["dev"]);
  server.requests.length = 0;
  github.addPullRequest(PR, ["environments/dev.yaml"]);
});
afterEach(() => ws.dispose());

function pointAt(url: string): void {
  const file = `${ws.path}/environments/dev.yaml`;
  commitFile(
    ws.path,
    "environments/dev.yaml",
    readFileSync(file, "utf8").replace(/repository: .*/, `repository: ${url}`),
  );
}

function plan(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction("plan", {
    cwd: ws.path,
    inputs: { environment: "dev", "gitops-token": TOKEN, comment: "false", ...inputs },
    event: pullRequestEvent(PR, ws.sha),
    github,
    env: { ...GIT_IDENTITY, GIT_SSL_CAINFO: cert.certPath },
  });
}

describe("plan action", () => {
  test("a pull request naming its own host: exit 1 with the reason, no request reaches that host", async () => {
    pointAt(server.url("gitops.git"));

    const run = await plan({});

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`is on ${server.host}, which is not a host the GitOps token is sent to (github.com)`);
    expect(server.requests).toEqual([]);
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
    expect(run.stdout).toContain(`::add-mask::${basicCredential(TOKEN)}`);
  });

  test("a host the operator names in gitops-trusted-hosts gets the scoped token", async () => {
    pointAt(server.url("gitops.git"));

    const run = await plan({ "gitops-trusted-hosts": server.host });

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => r.authorization === `basic ${basicCredential(TOKEN)}`)).toBe(true);
  });
});
