// The bundled deploy action with gitops.auth ssh, against the Azure emulator and the GitHub fake:
// with a token that has the Administration permission it registers the deploy key read-only and
// says so (and finds it on the next deploy); with a workflow token it deploys all the same and
// prints a notice with the manual step. The private key appears in no output, summary or request.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, test } from "vitest";
import { keyMaterial } from "../../../src/engine/deploy-key.js";
import { keyVaultId } from "../../../src/engine/names.js";
import type { AzureEmulator } from "../../emulator/emulator.js";
import { git } from "../support/git-repos.js";
import { dev, DEV_OUTPUTS, type Workspace } from "../support/harness.js";
import type { GitHubFake } from "../../github-fake/server.js";
import { deployFixture, runDeployAction } from "../../action/support/deploy-fixture.js";
import { pushEvent } from "../../action/support/events.js";
import { type ActionRun } from "../../action/support/run-action.js";

const t = deployFixture();
let github: GitHubFake;
let emulator: AzureEmulator;
let ws: Workspace;
beforeEach(() => {
  ({ github, emulator, ws } = t);
  const file = join(ws.cwd, "environments", "dev.yaml");
  writeFileSync(
    file,
    readFileSync(file, "utf8").replace(
      "  repository: https://github.com/acme/codemie-platform\n",
      "  repository: https://github.com/acme/codemie-platform\n  auth: ssh\n",
    ),
  );
  git(ws.cwd, "commit", "-qam", "private GitOps repository");
  emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });
});

function deploy(): Promise<ActionRun> {
  const sha = git(ws.cwd, "rev-parse", "HEAD").trim();
  return runDeployAction(t, {
    event: pushEvent("a".repeat(40), sha),
    inputs: { "record-deployment": "false" },
    nonCompliantReads: 0,
    kustomizations: ["root"],
  });
}

/** Runs of the key's base64 that are its public half (shown on purpose) aside. */
function expectNoPrivateKey(publicKey: string, ...runs: ActionRun[]): void {
  const privateKey = emulator.secretValue(keyVaultId(dev), "gitops-ssh-private-key") ?? "";
  const body = privateKey.split("\n").slice(1, -2).join("");
  const runsOf = (text: string) =>
    Array.from({ length: Math.floor(text.length / 16) }, (_, i) => text.slice(i * 16, i * 16 + 16));
  const pieces = [...runsOf(body), ...runsOf(Buffer.from(privateKey).toString("base64"))].filter(
    (r) => !publicKey.includes(r),
  );
  expect(pieces.length).toBeGreaterThan(20);
  const visible = [
    ...runs.flatMap((r) => [r.stdout, r.stderr, r.summary, JSON.stringify(r.outputs)]),
    JSON.stringify(github.requests),
    JSON.stringify(emulator.requests),
  ].join("\n");
  for (const piece of pieces) expect(visible).not.toContain(piece);
}

describe("the deploy action and Flux's deploy key", () => {
  test("with the Administration permission: registers it read-only, says so, and finds it next time", async () => {
    github.administration = true;
    const first = await deploy();
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const publicKey =
      /gitops-ssh-private-key: created; public key: (ssh-ed25519 \S+ \S+)/.exec(first.stdout)?.[1] ?? "";
    expect(first.stdout).toContain(
      'registered it as the read-only deploy key "flux-dev (codemie-gitops)" ' +
        "of acme/codemie-platform through the GitHub API",
    );
    expect(github.deployKeys).toEqual([
      { id: expect.any(Number), key: keyMaterial(publicKey), title: "flux-dev (codemie-gitops)", readOnly: true },
    ]);

    const second = await deploy();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("it is a read-only deploy key of acme/codemie-platform already");
    expect(github.deployKeys).toHaveLength(1);
    expect(github.requestsTo("POST", /\/keys$/)).toHaveLength(1);
    expectNoPrivateKey(publicKey, first, second);
    github.administration = false;
  }, 300_000);

  test("with a workflow token: deploys, with a notice and the exact manual step", async () => {
    const run = await deploy();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const publicKey = /public key: (ssh-ed25519 \S+ \S+)/.exec(run.stdout)?.[1] ?? "?";
    expect(run.stdout).toContain(
      "notice: the deploy key was not registered through the GitHub API (the " +
        "GitHub token may not read the deploy keys of acme/codemie-platform: it " +
        "needs the Administration permission",
    );
    expect(run.stdout).toContain(`echo '${publicKey}' > flux-dev.pub`);
    expect(run.stdout).toContain(
      "gh repo deploy-key add flux-dev.pub --repo github.com/acme/codemie-platform --title 'flux-dev (codemie-gitops)'",
    );
    expect(github.deployKeys).toEqual([]);
    expectNoPrivateKey(publicKey, run);
  }, 300_000);
});
