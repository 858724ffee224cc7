// `codemie-gitops doctor`: the federated-credential subjects the workflows sign in with.
import { expect, test } from "vitest";
import { runCli } from "../support/cli.js";

test("prints one subject for pull requests, one for the drift schedule and one per environment", () => {
  const run = runCli(["doctor", "--repo", "acme/codemie-platform", "--json"]);

  expect(run.status).toBe(0);
  const report = JSON.parse(run.stdout) as { issuer: string; audience: string; subjects: { subject: string }[] };
  expect(report.issuer).toBe("https://token.actions.githubusercontent.com");
  expect(report.audience).toBe("api://AzureADTokenExchange");
  expect(report.subjects.map((s) => s.subject)).toEqual([
    "repo:acme/codemie-platform:pull_request",
    "repo:acme/codemie-platform:ref:refs/heads/main",
    "repo:acme/codemie-platform:environment:dev",
    "repo:acme/codemie-platform:environment:prod",
    "repo:acme/codemie-platform:environment:staging",
  ]);
});

test("a sovereign cloud's audience; a missing or malformed --repo is a usage error", () => {
  expect(runCli(["doctor", "--repo", "acme/x", "--cloud", "usgov"]).stdout).toContain("audience api://AzureADTokenExchangeUSGov");
  expect(runCli(["doctor"]).status).toBe(2);
  expect(runCli(["doctor", "--repo", "acme"]).status).toBe(2);
});
