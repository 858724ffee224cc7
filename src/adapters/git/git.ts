// Runs the git CLI without a shell. Prompts are off (a deploy must fail, not hang, when a remote
// wants credentials) and messages are in English so refusals can be recognised.
import type { execFile as ExecFile } from "node:child_process";

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ""} failed: ${firstLine(stderr) || "no message"}`);
    this.name = "GitError";
  }
}

export interface GitOptions {
  cwd: string;
  /** Kills git after this long; network operations get one in case a remote never answers. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Written to git's standard input. */
  input?: string;
}

const firstLine = (text: string): string =>
  text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("hint:")) ?? "";

// Loaded on first use: node:child_process brings net, dgram and streams, which a run that never
// starts git (the validate action) would load for nothing.
let execFile: typeof ExecFile | undefined;

export function git(args: readonly string[], options: GitOptions): Promise<string> {
  return run(args, options, "utf8");
}

/** Standard output as bytes, for output that counts bytes (`cat-file --batch`). */
export function gitBytes(args: readonly string[], options: GitOptions): Promise<Buffer> {
  return run(args, options, "buffer");
}

function run(args: readonly string[], options: GitOptions, encoding: "utf8"): Promise<string>;
function run(args: readonly string[], options: GitOptions, encoding: "buffer"): Promise<Buffer>;
async function run(
  args: readonly string[],
  options: GitOptions,
  encoding: "utf8" | "buffer",
): Promise<string | Buffer> {
  execFile ??= (await import("node:child_process")).execFile;
  const start = execFile;
  const env = { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
  return new Promise((resolve, reject) => {
    const child = start(
      "git",
      args,
      { cwd: options.cwd, env, timeout: options.timeoutMs ?? 0, maxBuffer: 64 * 1024 * 1024, encoding },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const reason = error.killed ? `no answer within ${options.timeoutMs ?? 0} ms` : String(stderr) || error.message;
        reject(new GitError(args, reason));
      },
    );
    // git may exit before it reads its input (it needed none, or failed first): its exit status
    // and stderr say what happened, so a closed pipe (EPIPE) must not crash the process.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.input ?? "");
  });
}
