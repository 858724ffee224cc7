// Finds the Helm CLI the chart checks run: a `helm` on PATH of a supported version (v4) wins,
// then the copy scripts/install-helm.sh keeps in <repo>/.helm/bin/helm. Asking for the version
// costs one short process, paid once per binary (tool-versions.ts).
import { execFile } from "node:child_process";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { isExecutableFile } from "../executable.js";
import { rememberedVersion } from "../tool-versions.js";

const run = promisify(execFile);

/** Helm major versions the checks are written against (template flags, values coalescing). */
export const SUPPORTED_HELM = /^v4\./;
export const INSTALLED_HELM = join(".helm", "bin", "helm");

export interface HelmLocation {
  path: string;
  version: string;
  source: "path" | "installed";
}

export class HelmNotFoundError extends Error {
  override readonly name = "HelmNotFoundError";
}

/** The Helm CLI to use, or a HelmNotFoundError saying where it looked and how to install one. */
export async function locateHelm(repoRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<HelmLocation> {
  const looked: string[] = [];
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "helm");
    if (!isExecutableFile(candidate)) continue;
    const answer = await versionOf(candidate);
    if ("version" in answer && SUPPORTED_HELM.test(answer.version))
      return { path: candidate, version: answer.version, source: "path" };
    looked.push(`${candidate} (${"version" in answer ? `${answer.version}, not v4` : answer.failed})`);
    break;
  }
  if (looked.length === 0) looked.push("helm on PATH (none)");
  const installed = join(repoRoot, INSTALLED_HELM);
  const answer = isExecutableFile(installed) ? await versionOf(installed) : { failed: "absent" };
  if ("version" in answer && SUPPORTED_HELM.test(answer.version))
    return { path: installed, version: answer.version, source: "installed" };
  looked.push(`${installed} (${"version" in answer ? `${answer.version}, not v4` : answer.failed})`);
  throw new HelmNotFoundError(
    `Helm v4 not found (looked at ${looked.join("; ")}); run \`npm run ` +
      `setup\` or \`bash scripts/install-helm.sh\`, or put Helm v4 on PATH`,
  );
}

/**
 * What the binary says its version is, or why it said nothing. The answer is remembered per binary, so
 * the time limit can be generous: a loaded runner once took over 10 s and Helm was reported missing.
 */
async function versionOf(path: string): Promise<{ version: string } | { failed: string }> {
  const args = ["version", "--template", "{{.Version}}"];
  try {
    const stdout = await rememberedVersion(path, args, async () => (await run(path, args, { timeout: 60_000 })).stdout);
    return stdout.trim() ? { version: stdout.trim() } : { failed: "printed no version" };
  } catch (error) {
    const e = error as { killed?: boolean; code?: unknown };
    return { failed: e.killed ? "did not answer within 60 s" : `does not run: exit ${String(e.code ?? "?")}` };
  }
}
