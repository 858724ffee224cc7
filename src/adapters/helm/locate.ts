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
    const version = await versionOf(candidate);
    if (version && SUPPORTED_HELM.test(version)) return { path: candidate, version, source: "path" };
    looked.push(`${candidate} (${version ?? "does not run"}, not v4)`);
    break;
  }
  if (looked.length === 0) looked.push("helm on PATH (none)");
  const installed = join(repoRoot, INSTALLED_HELM);
  const version = isExecutableFile(installed) ? await versionOf(installed) : undefined;
  if (version && SUPPORTED_HELM.test(version)) return { path: installed, version, source: "installed" };
  looked.push(`${installed} (${version ?? "absent"})`);
  throw new HelmNotFoundError(
    `Helm v4 not found (looked at ${looked.join("; ")}); run \`npm run ` +
      `setup\` or \`bash scripts/install-helm.sh\`, or put Helm v4 on PATH`,
  );
}

async function versionOf(path: string): Promise<string | undefined> {
  try {
    const args = ["version", "--template", "{{.Version}}"];
    const stdout = await rememberedVersion(path, args, async () => (await run(path, args, { timeout: 10_000 })).stdout);
    return stdout.trim();
  } catch {
    return undefined;
  }
}
