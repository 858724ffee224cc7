// What is known of the repository holding environments/, for validate's cross-file rules: in
// GitHub Actions from the runner's variables and the event (the operator's, not the pull
// request's files), locally from the checkout's git. Anything that cannot be learnt is left out.
import { readFile } from "node:fs/promises";
import { sameRepository, type SourceRepository, type SourceRepositoryQuery } from "../../config/cross-file.js";
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

/**
 * The origin's URL is asked at once (it says whether a GitOps repository is this one), while the
 * files are checked; the branches only when a GitOps repository is this one, as only then do they
 * matter (`ownedDirectory` in src/config/cross-file.ts): usually one git process instead of three.
 */
function fromCheckout(cwd: string): SourceRepositoryQuery {
  const ask = (...args: string[]): Promise<string | undefined> =>
    git(args, { cwd, timeoutMs: 10_000 }).then(
      (o) => o.trim() || undefined,
      () => undefined,
    );
  const origin = ask("remote", "get-url", "origin");
  return async (gitopsRepositories) => {
    const url = await origin;
    if (!url) return {};
    if (!gitopsRepositories.some((r) => sameRepository(url, r))) return { url };
    const [branch, originHead] = await Promise.all([
      ask("symbolic-ref", "--short", "-q", "HEAD"),
      ask("symbolic-ref", "--short", "-q", "refs/remotes/origin/HEAD"),
    ]);
    return {
      url,
      ...(branch ? { branches: [branch] } : {}),
      ...(originHead ? { defaultBranch: originHead.replace(/^origin\//, "") } : {}),
    };
  };
}

export function sourceRepository(cwd: string, env: NodeJS.ProcessEnv = process.env): SourceRepositoryQuery {
  if (env.GITHUB_ACTIONS !== "true" || !env.GITHUB_REPOSITORY) return fromCheckout(cwd);
  const known = fromActions(env);
  known.catch(() => undefined); // awaited when asked; a run that fails before must not leave it unhandled
  return () => known;
}
