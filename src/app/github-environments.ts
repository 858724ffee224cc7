// Use case: the GitHub Environments a production deploy runs through, checked before it starts.
// A production environment NAME deploys in two jobs (reusable-deploy.yml): an approval job in the
// GitHub Environment NAME-approval, which carries the required reviewers and holds no concurrency
// group, then the deploy job in the GitHub Environment NAME, which holds the environment's
// concurrency group and signs in to Azure with the subject `environment:NAME`. So:
//
// - NAME must exist and limit its deployment branches: it is what the Azure federated credential
//   trusts, and a workflow on any other branch naming it would get the deploy identity. It must not
//   wait (reviewers, wait timer, an app's gate): a job waiting there holds the concurrency group,
//   so every later deploy and rollback of NAME queues behind it, and GitHub drops all but one.
// - NAME-approval must exist with required reviewers (or an app's gate): a job naming a missing
//   one makes GitHub create it unprotected, and NAME would deploy unreviewed.
import type { EnvironmentProtection } from "../adapters/github/environments.js";

export const APPROVAL_SUFFIX = "-approval";

/** The GitHub Environment whose reviewers approve a production deploy of `name`. */
export const approvalEnvironment = (name: string): string => `${name}${APPROVAL_SUFFIX}`;

export interface GitHubEnvironmentsPort {
  /** Throws when the API cannot be read. */
  protection(name: string): Promise<EnvironmentProtection>;
}

/** The GitHub API could not tell how `environment` is protected (the message is the API's). */
export class UnreadableEnvironment extends Error {
  constructor(
    readonly environment: string,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Rules that make a job wait before it starts; branch_policy only decides whether it may run. */
const waits = (rules: readonly string[]): string[] => rules.filter((rule) => rule !== "branch_policy");

/**
 * One sentence per problem with the GitHub Environments of production environment `name`; throws
 * UnreadableEnvironment naming the one the API would not show.
 */
export async function productionEnvironmentProblems(name: string, port: GitHubEnvironmentsPort): Promise<string[]> {
  const approval = approvalEnvironment(name);
  const problems: string[] = [];
  const read = (environment: string): Promise<EnvironmentProtection> =>
    port.protection(environment).catch((error: unknown) => {
      throw new UnreadableEnvironment(environment, error);
    });
  const deploy = await read(name);
  if (!deploy.exists) {
    problems.push(
      `GitHub Environment "${name}" does not exist: a deploy would create it ` +
        `without protection; create it and limit its deployment branches to the ` +
        `default branch (Settings → Environments)`,
    );
  } else {
    if (!deploy.rules.includes("branch_policy")) {
      problems.push(
        `GitHub Environment "${name}" does not limit its deployment branches: a ` +
          `workflow on any branch could sign in to Azure as ${name}'s deploy ` +
          `identity; limit them to the default branch`,
      );
    }
    const waiting = waits(deploy.rules);
    if (waiting.length > 0) {
      problems.push(
        `GitHub Environment "${name}" has ${waiting.join(", ")}: the deploy job ` +
          `would wait inside ${name}'s concurrency group, holding back every later ` +
          `deploy and rollback of ${name}; move them to GitHub Environment "` +
          `${approval}"`,
      );
    }
  }
  const gate = await read(approval);
  if (!gate.exists) {
    problems.push(
      `GitHub Environment "${approval}" does not exist: the approval job would ` +
        `create it without reviewers and ${name} would deploy unreviewed; create ` +
        `it with required reviewers (Settings → Environments)`,
    );
  } else if (waits(gate.rules).filter((rule) => rule !== "wait_timer").length === 0) {
    problems.push(
      `GitHub Environment "${approval}" has no required reviewers: ${name} ` +
        `would deploy unreviewed; add required reviewers`,
    );
  }
  return problems;
}
