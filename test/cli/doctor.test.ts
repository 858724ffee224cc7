// `codemie-gitops doctor`: the federated-credential subjects the workflows sign in with.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GitHubFake } from "../github-fake/server.js";
import { BIN, ROOT, runCli, runNodeAsync, type NodeRun } from "../support/cli.js";

test(
  "prints one subject for pull requests, one for the drift schedule and " +
    "one per environment, and each production environment's approval " +
    "environment",
  () => {
    const run = runCli(["doctor", "--repo", "acme/codemie-platform", "--json"], ROOT, {
      GITHUB_TOKEN: "",
      GH_TOKEN: "",
    });

    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as {
      issuer: string;
      audience: string;
      subjects: { subject: string }[];
      approvals: { environment: string; approves: string; purpose: string }[];
      deployRoles: { role: string; grants: string }[];
    };
    expect(report.issuer).toBe("https://token.actions.githubusercontent.com");
    expect(report.audience).toBe("api://AzureADTokenExchange");
    expect(report.subjects.map((s) => s.subject)).toEqual([
      "repo:acme/codemie-platform:pull_request",
      "repo:acme/codemie-platform:ref:refs/heads/main",
      "repo:acme/codemie-platform:environment:dev",
      "repo:acme/codemie-platform:environment:prod",
      "repo:acme/codemie-platform:environment:staging",
    ]);
    // Only prod is production: its deploys wait for prod-approval's reviewers, which needs no credential.
    expect(report.approvals).toEqual([
      {
        environment: "prod-approval",
        approves: "prod",
        purpose: "its reviewers approve each deploy of prod; the approval job signs in nowhere: no credential",
      },
    ]);
    // Short of Owner: Contributor writes no Microsoft.Authorization/*; role and policy writes need roles of their own.
    expect(report.deployRoles.map((r) => r.role)).toEqual([
      "Contributor",
      "Role Based Access Control Administrator",
      "Resource Policy Contributor",
    ]);
    const text = runCli(["doctor", "--repo", "acme/codemie-platform"], ROOT, { GITHUB_TOKEN: "", GH_TOKEN: "" });
    expect(text.stdout).toContain("Each environment's deploy app needs on its subscription Owner, or all of:");
    expect(text.stdout).toMatch(/ {2}Resource Policy Contributor +the Kubernetes policy assignments and the toolkit's/);
  },
);

test("a sovereign cloud's audience; a missing or malformed --repo is a usage error", () => {
  expect(runCli(["doctor", "--repo", "acme/x", "--cloud", "usgov"]).stdout).toContain(
    "audience api://AzureADTokenExchangeUSGov",
  );
  expect(runCli(["doctor"]).status).toBe(2);
  expect(runCli(["doctor", "--repo", "acme"]).status).toBe(2);
});

describe("the immutable subject form GitHub issues since its 2026 change", () => {
  let github: GitHubFake;
  beforeAll(async () => {
    github = await GitHubFake.start();
  });
  afterAll(async () => {
    await github.stop();
  });
  // Asynchronously: the fake answers from this process.
  const doctor = (...args: string[]): Promise<NodeRun> =>
    runNodeAsync([BIN, "doctor", "--repo", "acme/codemie-platform", ...args], {
      cwd: ROOT,
      env: { ...process.env, GH_TOKEN: "", GITHUB_TOKEN: github.token, GITHUB_API_URL: github.url },
    });
  const viaApi = (): Promise<NodeRun> => doctor("--json");
  type Report = {
    applies: string;
    why: string;
    ownerId?: number;
    repoId?: number;
    subjects: { subject: string; immutableSubject?: string }[];
  };

  test(
    "ids from the REST API: both forms, and a repository created after the " + "change gets the immutable one",
    async () => {
      github.repository.createdAt = "2026-08-01T12:00:00Z";
      const run = await viaApi();

      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout) as Report;
      expect(report).toMatchObject({ applies: "immutable", ownerId: 5544123, repoId: 821093847 });
      expect(report.subjects.map((s) => s.immutableSubject)).toEqual([
        "repo:acme@5544123/codemie-platform@821093847:pull_request",
        "repo:acme@5544123/codemie-platform@821093847:ref:refs/heads/main",
        "repo:acme@5544123/codemie-platform@821093847:environment:dev",
        "repo:acme@5544123/codemie-platform@821093847:environment:prod",
        "repo:acme@5544123/codemie-platform@821093847:environment:staging",
      ]);
      expect(report.subjects[3]!.subject).toBe("repo:acme/codemie-platform:environment:prod");
      expect(github.requestsTo("GET", /^\/repos\/acme\/codemie-platform$/).every((r) => r.authorized)).toBe(true);
    },
  );

  test(
    "an older repository keeps the name-based form unless renamed, " + "transferred or opted in; the text says which",
    async () => {
      github.repository.createdAt = "2024-03-11T09:30:00Z";
      const report = JSON.parse((await viaApi()).stdout) as Report;
      expect(report.applies).toBe("name");
      expect(report.why).toContain("unless it was renamed or transferred since or an admin opted it in");

      const text = (await doctor()).stdout;
      expect(text).toContain("  repo:acme/codemie-platform:environment:prod");
      // The deploy job signs in from GitHub Environment prod; its approval job (prod-approval) signs in nowhere.
      expect(text).toContain(
        "(a production environment's approval job runs in GitHub Environment " +
          "NAME-approval, which signs in nowhere: no credential)",
      );
      expect(text).toContain(
        "  prod-approval: its reviewers approve each deploy of prod; the approval job signs in nowhere: no credential",
      );
      expect(text).not.toContain("environment:prod-approval");
      expect(text).toContain("Immutable form (owner id 5544123, repository id 821093847):");
      expect(text).toContain("  repo:acme@5544123/codemie-platform@821093847:environment:prod");
      expect(text).toContain(
        "Applies: the name-based form: the repository was created 2024-03-11, before GitHub's change",
      );
    },
  );

  test("ids from flags, without the API: both forms, which one applies cannot be told", () => {
    const run = runCli(["doctor", "--repo", "acme/x", "--owner-id", "42", "--repo-id", "4242", "--json"], ROOT, {
      GITHUB_TOKEN: "",
      GH_TOKEN: "",
    });
    const report = JSON.parse(run.stdout) as Report;
    expect(report.applies).toBe("unknown");
    expect(report.subjects[0]!.immutableSubject).toBe("repo:acme@42/x@4242:pull_request");
    expect(runCli(["doctor", "--repo", "acme/x", "--owner-id", "42"]).status).toBe(2);
    expect(runCli(["doctor", "--repo", "acme/x", "--owner-id", "42", "--repo-id", "x1"]).status).toBe(2);
  });

  test("without ids or a token: the name-based form only, and how to get the other", () => {
    const report = JSON.parse(
      runCli(["doctor", "--repo", "acme/x", "--json"], ROOT, { GITHUB_TOKEN: "", GH_TOKEN: "" }).stdout,
    ) as Report;
    expect(report.applies).toBe("name");
    expect(report.why).toContain("pass --owner-id and --repo-id, or set GITHUB_TOKEN");
    expect(report.subjects.every((s) => s.immutableSubject === undefined)).toBe(true);
  });
});
