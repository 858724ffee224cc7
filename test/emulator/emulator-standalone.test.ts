// docs/emulator.md's "watch a deploy by hand" recipe, run as written: the standalone emulator bundled the
// way `npm run emulator` bundles it and started as its own process, its printed exports handed to
// `codemie-gitops deploy` and then `status`, each a separate process. Passes only if a person
// following docs/emulator.md gets a whole deploy: synthesized outputs accepted, Flux following the
// GitOps repository to Compliant.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { branchTip, fileAt, GIT_IDENTITY, tempDir, type TempDir } from "../engine/support/git-repos.js";
import { BRANCH, createWorkspace, runCliAsync, type Workspace } from "../engine/support/harness.js";
import { ROOT } from "../support/cli.js";

let bundle: TempDir;
let ws: Workspace;
let emulator: ChildProcessWithoutNullStreams;
let exported: Record<string, string>;

/** Resolves with the `export NAME='value'` lines once the emulator says it is ready. */
function printedExports(child: ChildProcessWithoutNullStreams): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (!out.includes("Ctrl+C to stop.")) return;
      resolve(Object.fromEntries([...out.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""])));
    });
    child.on("exit", (code) => reject(new Error(`the emulator exited (${code}) before it was ready: ${out}${err}`)));
  });
}

beforeAll(async () => {
  bundle = tempDir("emulator-bundle-");
  // The options of `npm run emulator`, into a scratch file so parallel runs do not share out/.
  await build({
    entryPoints: [join(ROOT, "test/emulator/main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: join(bundle.path, "emulator.mjs"),
    logLevel: "warning",
  });
  ws = createWorkspace();
  emulator = spawn(
    process.execPath,
    [join(bundle.path, "emulator.mjs"), "--gitops-remote", ws.remote, "--running-polls", "1", "--retry-after", "1"],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  exported = await printedExports(emulator);
});

afterAll(async () => {
  // SIGTERM lets the emulator stop cleanly, removing its certificate directory.
  if (emulator?.exitCode === null) {
    const exited = once(emulator, "exit");
    emulator.kill("SIGTERM");
    await exited;
  }
  ws?.dispose();
  bundle?.dispose();
});

describe("the standalone emulator", () => {
  test("prints what the CLI needs, Flux following the GitOps repository", () => {
    expect(exported.AZURE_RESOURCE_MANAGER_ENDPOINT).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(exported.CODEMIE_GITOPS_REMOTE).toBe(ws.remote);
    expect(Object.keys(exported)).toEqual(
      expect.arrayContaining([
        "AZURE_AUTHORITY_HOST",
        "AZURE_TENANT_ID",
        "AZURE_SUBSCRIPTION_ID",
        "NODE_EXTRA_CA_CERTS",
        "CODEMIE_POLL_INTERVAL_MS",
      ]),
    );
  });

  test("takes `deploy --env dev` from bootstrap to Flux Compliant, then `status` agrees", async () => {
    // Only the poll floors are shortened; everything else is what the emulator printed.
    const env = { ...exported, ...GIT_IDENTITY, CODEMIE_POLL_INTERVAL_MS: "50", CODEMIE_RETRY_DELAY_MS: "50" };
    const azure = ["--subscription", exported.AZURE_SUBSCRIPTION_ID ?? "", "--gitops-remote", ws.remote];

    const run = await runCliAsync(["deploy", "--env", "dev", ...azure, "--timeout", "2m"], ws.cwd, { env });

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const tip = branchTip(ws.remote, BRANCH) ?? "";
    expect(tip).toMatch(/^[0-9a-f]{40}$/);
    expect(run.stdout).toContain(`Published ${tip.slice(0, 7)} to ${BRANCH}`);
    const lines = run.stdout.split("\n");
    const pending = lines.findIndex((l) => l.startsWith(`Flux: Non-Compliant, synced ${BRANCH}@sha1:${tip}`));
    const compliant = lines.findIndex((l) => l.startsWith(`Flux: Compliant, synced ${BRANCH}@sha1:${tip}`));
    expect(pending).toBeGreaterThan(0);
    expect(compliant).toBeGreaterThan(pending);
    expect(run.stdout).toMatch(
      new RegExp(
        `Deployed dev: ARM deployment codemie-dev\\.` +
          `${ws.sourceCommit.slice(0, 7)} succeeded and Flux reports ` +
          `${tip.slice(0, 7)} Compliant\\n$`,
      ),
    );
    // Synthesized outputs, of the shapes their names promise, reached the cluster's ConfigMap.
    const configMap = fileAt(ws.remote, BRANCH, "clusters/dev/infra-outputs.yaml") ?? "";
    expect(configMap).toContain('KEY_VAULT_URI: "https://keyvaulturi.example.invalid/"');
    expect(configMap).toMatch(/ESO_CLIENT_ID: "[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/);

    const status = await runCliAsync(["status", "--env", "dev", ...azure], ws.cwd, { env });

    expect(status.stderr).toBe("");
    expect(status.status).toBe(0);
    expect(status.stdout).toContain(`dev is reconciled: Flux reports ${tip.slice(0, 7)} Compliant`);
  });
});
