// What is known of the repository holding environments/, for validate's cross-file rules: in
// GitHub Actions from the runner's variables and the event (the operator's, not the pull
// request's files), locally from the checkout's git. Anything that cannot be learnt is left out.
import { readFile } from "node:fs/promises";
import type { SourceRepository } from "../../config/cross-file.js";
import { git } from "./git.js";

async function fromActions(env: NodeJS.ProcessEnv): Promise<SourceRepository> {
  const server = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  const event = env.GITHUB_EVENT_PATH
    ? await readFile(env.GITHUB_EVENT_PATH, "utf8").then(
        (t) => JSON.parse(t) as { repository?: { default_branch?: unknown } },
        () => undefined,
      )
    : undefined;
  const defaultBranch = event?.repository?.default_branch;
  const branches = [env.GITHUB_HEAD_REF, env.GITHUB_BASE_REF, env.GITHUB_REF_NAME].filter((b): b is string => !!b);
  return {
    url: `${server}/${env.GITHUB_REPOSITORY}`,
    ...(branches.length > 0 ? { branches: [...new Set(branches)] } : {}),
    ...(typeof defaultBranch === "string" ? { defaultBranch } : {}),
  };
}

async function fromCheckout(cwd: string): Promise<SourceRepository> {
  const ask = (...args: string[]): Promise<string | undefined> =>
    git(args, { cwd, timeoutMs: 10_000 }).then(
      (o) => o.trim() || undefined,
      () => undefined,
    );
  const [url, branch, originHead] = await Promise.all([
    ask("remote", "get-url", "origin"),
    ask("symbolic-ref", "--short", "-q", "HEAD"),
    ask("symbolic-ref", "--short", "-q", "refs/remotes/origin/HEAD"),
  ]);
  return {
    ...(url ? { url } : {}),
    ...(branch ? { branches: [branch] } : {}),
    ...(originHead ? { defaultBranch: originHead.replace(/^origin\//, "") } : {}),
  };
}

export function sourceRepository(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<SourceRepository> {
  return env.GITHUB_ACTIONS === "true" && env.GITHUB_REPOSITORY ? fromActions(env) : fromCheckout(cwd);
}
