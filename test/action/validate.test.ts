// The bundled validate action as a process: annotations on the exact line of the environment
// file, outputs, the job summary, and the environments a pull request or push affects.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { GitHubFake } from "../github-fake/server.js";
import { pullRequestEvent, pushEvent } from "./support/events.js";
import { runAction } from "./support/run-action.js";
import { checkout, commitFile } from "./support/workspace.js";

let github: GitHubFake;
beforeAll(async () => {
  github = await GitHubFake.start();
});
afterAll(async () => {
  await github.stop();
});

/** prod.yaml with a bad CIDR, and where the value sits (1-based). */
function brokenProd(dir: string): { line: number; column: number } {
  const path = join(dir, "environments/prod.yaml");
  const lines = readFileSync(path, "utf8").split("\n");
  const index = lines.findIndex((l) => l.includes("vnetCidr: 10.40.0.0/16"));
  lines[index] = lines[index]!.replace("10.40.0.0/16", "10.40.0.0/33");
  commitFile(dir, "environments/prod.yaml", lines.join("\n"));
  return { line: index + 1, column: lines[index]!.indexOf("10.40") + 1 };
}

test(
  "pull request: an error is annotated on its line, the outputs say " + "invalid and name the changed environment",
  async () => {
    const ws = checkout(["dev", "prod", "staging"]);
    try {
      const at = brokenProd(ws.path);
      github.addPullRequest(7, ["environments/prod.yaml", "README.md"]);

      const run = await runAction("validate", { cwd: ws.path, event: pullRequestEvent(7, ws.sha), github });

      expect(run.status).toBe(1);
      expect(run.stdout).toContain(
        `::error file=environments/prod.yaml,line=${at.line},col=${at.column}` +
          `::network.vnetCidr "10.40.0.0/33" is not an IPv4 CIDR`,
      );
      expect(run.stdout).toContain("environments/dev.yaml: valid");
      expect(run.outputs).toEqual({
        valid: "false",
        errors: "1",
        warnings: "0",
        environments: '["prod"]',
        production: "[]",
      }); // a file that does not load is not known to be production
      expect(run.summary).toContain("## Validate: ❌ invalid");
      expect(run.summary).toContain(`| ❌ | \`environments/prod.yaml:${at.line}:${at.column}\` |`);
      expect(github.requestsTo("GET", /\/pulls\/7\/files$/)).toHaveLength(1);
      expect(github.requests.every((r) => r.authorized)).toBe(true);
    } finally {
      ws.dispose();
    }
  },
);

test("push in an adopting repository: its own code and workflows affect no environment", async () => {
  const ws = checkout(["dev", "prod"]);
  try {
    const before = "c".repeat(40);
    github.addComparison(before, ws.sha, ["src/index.ts", "package.json", ".github/workflows/codemie-deploy.yml"]);

    const run = await runAction("validate", { cwd: ws.path, event: pushEvent(before, ws.sha), github });

    expect(run.status).toBe(0);
    expect(run.outputs).toMatchObject({ valid: "true", environments: "[]" });
  } finally {
    ws.dispose();
  }
});

test(
  "a force push affects every environment: what the old tip had and the " + "new one lacks cannot be listed",
  async () => {
    const ws = checkout(["dev", "prod"]);
    try {
      const before = "d".repeat(40);
      // The three-dot comparison would name only dev: a force push must not trust it.
      github.addComparison(before, ws.sha, ["environments/dev.yaml"]);

      const run = await runAction("validate", { cwd: ws.path, event: pushEvent(before, ws.sha, true), github });

      expect(run.status).toBe(0);
      expect(run.outputs).toMatchObject({ environments: '["dev","prod"]' });
      expect(github.requestsTo("GET", new RegExp(`/compare/${before}`))).toHaveLength(0);
    } finally {
      ws.dispose();
    }
  },
);

test(
  "push in the toolkit's own repository: a toolkit change affects every " + "environment; valid files exit 0",
  async () => {
    const ws = checkout(["dev", "prod"], { toolkit: true });
    try {
      const before = "a".repeat(40);
      github.addComparison(before, ws.sha, ["bicep/modules/aks.bicep"]);

      const run = await runAction("validate", { cwd: ws.path, event: pushEvent(before, ws.sha), github });

      expect(run.status).toBe(0);
      expect(run.stdout).not.toContain("::error");
      expect(run.outputs).toMatchObject({ valid: "true", errors: "0", environments: '["dev","prod"]' });
      expect(run.summary).toContain("## Validate: ✅ valid");
    } finally {
      ws.dispose();
    }
  },
);

test("working-directory: annotations stay relative to the repository root", async () => {
  const ws = checkout(["prod"], { under: "platform" });
  try {
    const at = brokenProd(join(ws.path, "platform"));
    github.addPullRequest(8, ["platform/environments/prod.yaml"]);

    const run = await runAction("validate", {
      cwd: ws.path,
      inputs: { "working-directory": "platform" },
      event: pullRequestEvent(8, ws.sha),
      github,
    });

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`::error file=platform/environments/prod.yaml,line=${at.line},col=${at.column}::`);
    expect(run.outputs.environments).toBe('["prod"]');
  } finally {
    ws.dispose();
  }
});

test("a listed environment that does not exist is a usage error (exit 2)", async () => {
  const ws = checkout(["dev"]);
  try {
    const run = await runAction("validate", {
      cwd: ws.path,
      inputs: { environments: "dev, nope" },
      event: pushEvent("0".repeat(40), ws.sha),
      github,
    });

    expect(run.status).toBe(2);
    expect(run.stdout).toMatch(/::error::codemie-gitops: environments\/nope\.yaml: no such file/);
  } finally {
    ws.dispose();
  }
});
