// The `codemie-gitops` command line. Exit codes: 0 success (warnings allowed), 1 the input
// or the run failed, 2 usage error. No stack trace ever reaches the user.
// Commands are imported when run, so `validate` does not load the Azure SDK or the Bicep
// adapter (the bundle splits them into chunks; see scripts/build.js).
import { parseArgs } from "node:util";
import { EnvironmentFileError, UsageError } from "../adapters/environment-files.js";
import { processIo, type Io } from "./io.js";

const USAGE = `Usage: codemie-gitops <command> [options]

Commands:
  validate [--env NAME] [FILE...]   check environment files (all of environments/ by default)
  capacity --env NAME | FILE        plan node pools, storage and database for one environment
  cost --env NAME [--base REF]      monthly cost with unit prices; --base: the change from REF's file
  promote --from NAME --to NAME     set NAME's CodeMie version to what --from runs (file edited in place)
  render (--env NAME | --all)       write Bicep, compiled ARM templates and the GitOps tree
         [--out DIR] [--check]      to DIR (default out/NAME); --check lists stale files instead
         [--kubernetes DIR]         also template every HelmRelease with the real Helm, check the
                                    objects (schemas, capacity plan, placement, probes, ingresses)
                                    and write them to DIR for inspection (never published)
  plan --env NAME [--azure]         what a deploy would change: capacity, GitOps tree diff, and
                                    with --azure the ARM what-if (--json, --markdown for a PR);
       [--offline]                  --offline reads no GitOps branch (exit 0 without comparing)
       [--base REF]                 price the change against the file on REF (cost delta)
  deploy --env NAME                 deploy the infrastructure, publish the GitOps tree, wait for Flux
         [--skip-infrastructure]    no ARM deployment: publish the tree with the deploy outputs
                                    already on the GitOps branch (a redeploy), wait for Flux
         [--reviewed-plan DIGEST]   stop before the first write when Azure, the GitOps tree, the
                                    Kubernetes objects or the toolkit differ from the plan that
                                    printed DIGEST (Reviewed-plan digest: rp2.…)
         [--accept-unreviewed-changes]  deploy despite such a difference, printing it
         [--repo OWNER/NAME]        read the promotion gate from GitHub deployments (GITHUB_TOKEN);
                                    without it, from the followed environment's branch and Flux
  status --env NAME                 running deployment, GitOps branch and Flux state of an environment
  doctor --repo OWNER/NAME          the Entra ID federated-credential subjects the GitHub workflows
         [--branch main]            of that repository need (pull requests, drift, each environment),
         [--owner-id N --repo-id N] name-based and immutable (ids from the flags or, with
                                    GITHUB_TOKEN, the GitHub API), and which one applies
  doctor --env NAME                 Flux's SSH deploy key (gitops.auth ssh): its public key from Key
                                    Vault, whether GitHub has it (with GITHUB_TOKEN) and the step
                                    that registers it read-only

Options:
  --env NAME          environment name (environments/NAME.yaml)
  --format text|json  output format (default text)
  --json              same as --format json
  -h, --help          show this help

Azure options (plan --azure, deploy, status, doctor --env):
  --cloud public|usgov|china  Azure cloud; must match the file's azure.cloud (the default)
  --arm-endpoint URL          ARM endpoint (or AZURE_RESOURCE_MANAGER_ENDPOINT)
  --authority-host URL        Entra ID authority (or AZURE_AUTHORITY_HOST)
  --subscription ID           use this subscription instead of the environment file's
  --gitops-remote URL|PATH    read and publish the GitOps branch here (or CODEMIE_GITOPS_REMOTE)
  --timeout DURATION          limit for Azure and Flux, e.g. 45m (default 60m, plan 15m)
  --flux-timeout DURATION     (deploy) limit for the wait for Flux alone, from the publish (a first
                              deploy prints what its layers may take); default: within --timeout`;

/** plan, deploy and status act on one environment, named with --env. */
function environmentOf(env: string | undefined, positionals: string[], command: string): string {
  if (env === undefined || positionals.length > 0) throw new UsageError(`${command} takes --env NAME and no files`);
  return env;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "-h" || command === "--help") {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        env: { type: "string" },
        format: { type: "string", default: "text" },
        json: { type: "boolean" },
        all: { type: "boolean" },
        out: { type: "string" },
        check: { type: "boolean" },
        kubernetes: { type: "string" },
        offline: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        azure: { type: "boolean" },
        markdown: { type: "boolean" },
        cloud: { type: "string" },
        "arm-endpoint": { type: "string" },
        "authority-host": { type: "string" },
        subscription: { type: "string" },
        "gitops-remote": { type: "string" },
        timeout: { type: "string" },
        "flux-timeout": { type: "string" },
        "skip-infrastructure": { type: "boolean" },
        "reviewed-plan": { type: "string" },
        "accept-unreviewed-changes": { type: "boolean" },
        repo: { type: "string" },
        branch: { type: "string" },
        "owner-id": { type: "string" },
        "repo-id": { type: "string" },
        base: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
      },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const format = values.json ? "json" : values.format;
    if (format !== "text" && format !== "json") throw new UsageError(`--format must be text or json, not "${format}"`);
    if (values.env !== undefined && positionals.length > 0)
      throw new UsageError("give either --env NAME or files, not both");
    switch (command) {
      case "validate":
        return await (
          await import("./validate.js")
        ).validateCommand({ env: values.env, files: positionals, format }, io);
      case "render":
        if ((values.env === undefined) === (values.all !== true) || positionals.length > 0)
          throw new UsageError("render takes --env NAME or --all");
        return await (
          await import("./render.js")
        ).renderCommand(
          {
            envs: values.all ? "all" : [values.env!],
            out: values.out,
            check: values.check === true,
            ...(values.kubernetes === undefined ? {} : { kubernetes: values.kubernetes }),
          },
          io,
        );
      case "capacity":
        return await (
          await import("./capacity.js")
        ).capacityCommand({ env: values.env, files: positionals, json: format === "json" }, io);
      case "cost":
        if (positionals.length > 0) throw new UsageError("cost takes --env NAME and no files");
        return await (
          await import("./cost.js")
        ).costCommand(
          { env: values.env, ...(values.base === undefined ? {} : { base: values.base }), json: format === "json" },
          io,
        );
      case "promote":
        if (positionals.length > 0 || values.env !== undefined)
          throw new UsageError("promote takes --from NAME --to NAME");
        return await (await import("./promote.js")).promoteCommand({ from: values.from, to: values.to }, io);
      case "plan":
      case "deploy":
      case "status": {
        const { checkSubscription, parseDuration } = await import("../app/connections.js");
        const azure = {
          env: environmentOf(values.env, positionals, command),
          cloud: values.cloud,
          armEndpoint: values["arm-endpoint"],
          authorityHost: values["authority-host"],
          subscription: checkSubscription(values.subscription),
          gitopsRemote: values["gitops-remote"],
        };
        if (command === "status") return await (await import("./status.js")).statusCommand(azure, io);
        const timeoutMs = parseDuration(values.timeout ?? (command === "plan" ? "15m" : "60m"), "--timeout");
        const fluxTimeout = values["flux-timeout"];
        if (fluxTimeout !== undefined && command !== "deploy")
          throw new UsageError("--flux-timeout applies to deploy only");
        if (command !== "deploy" && (values["reviewed-plan"] !== undefined || values["accept-unreviewed-changes"]))
          throw new UsageError("--reviewed-plan and --accept-unreviewed-changes apply to deploy only");
        if (command === "deploy") {
          const fluxTimeoutMs = fluxTimeout === undefined ? undefined : parseDuration(fluxTimeout, "--flux-timeout");
          return await (
            await import("./deploy.js")
          ).deployCommand(
            {
              ...azure,
              timeoutMs,
              ...(fluxTimeoutMs ? { fluxTimeoutMs } : {}),
              skipInfrastructure: values["skip-infrastructure"] === true,
              ...(values["reviewed-plan"] === undefined ? {} : { reviewedPlan: values["reviewed-plan"] }),
              acceptUnreviewedChanges: values["accept-unreviewed-changes"] === true,
              ...(values.repo === undefined ? {} : { repo: values.repo }),
            },
            io,
          );
        }
        if (values.markdown && format === "json") throw new UsageError("give either --json or --markdown, not both");
        if (values.offline && (values.azure || values["gitops-remote"] !== undefined))
          throw new UsageError("--offline reads nothing remote: it goes with neither --azure nor --gitops-remote");
        return await (
          await import("./plan.js")
        ).planCommand(
          {
            ...azure,
            timeoutMs,
            azure: values.azure ?? false,
            offline: values.offline ?? false,
            output: values.markdown ? "markdown" : format,
            ...(values.base === undefined ? {} : { base: values.base }),
          },
          io,
        );
      }
      case "doctor":
        if (values.env !== undefined) {
          if (values.repo !== undefined)
            throw new UsageError(
              "doctor takes --env NAME (the deploy key) or --repo OWNER/NAME (federated credentials), not both",
            );
          const { checkSubscription } = await import("../app/connections.js");
          const azure = {
            env: values.env,
            cloud: values.cloud,
            armEndpoint: values["arm-endpoint"],
            authorityHost: values["authority-host"],
            subscription: checkSubscription(values.subscription),
            format: format === "json" ? ("json" as const) : ("text" as const),
          };
          return await (await import("./doctor.js")).deployKeyCommand(azure, io);
        }
        return await (
          await import("./doctor.js")
        ).doctorCommand(
          {
            repo: values.repo,
            branch: values.branch,
            cloud: values.cloud,
            ownerId: values["owner-id"],
            repoId: values["repo-id"],
            format,
          },
          io,
        );
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof EnvironmentFileError) {
      io.err(e.message);
      return 1;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`codemie-gitops: ${(e as Error).message}`);
      io.err("Run codemie-gitops --help for usage.");
      return 2;
    }
    io.err(`codemie-gitops: internal error: ${(e as Error).message ?? String(e)}`);
    return 1;
  }
}

export async function run(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), processIo());
}
