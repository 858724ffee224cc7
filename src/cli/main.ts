// The `codemie-gitops` command line. Exit codes: 0 success (warnings allowed), 1 the input
// or the run failed, 2 usage error. No stack trace ever reaches the user.
import { parseArgs } from "node:util";
import { UsageError } from "../adapters/environment-files.js";
import { capacityCommand } from "./capacity.js";
import { processIo, type Io } from "./io.js";
import { renderCommand } from "./render.js";
import { validateCommand } from "./validate.js";

const USAGE = `Usage: codemie-gitops <command> [options]

Commands:
  validate [--env NAME] [FILE...]   check environment files (all of environments/ by default)
  capacity --env NAME | FILE        plan node pools, storage and database for one environment
  render (--env NAME | --all)       write Bicep, compiled ARM templates and the GitOps tree
         [--out DIR] [--check]      to DIR (default out/NAME); --check lists stale files instead

Options:
  --env NAME          environment name (environments/NAME.yaml)
  --format text|json  output format (default text)
  --json              same as --format json
  -h, --help          show this help`;

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
      options: { env: { type: "string" }, format: { type: "string", default: "text" }, json: { type: "boolean" }, all: { type: "boolean" }, out: { type: "string" }, check: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const format = values.json ? "json" : values.format;
    if (format !== "text" && format !== "json") throw new UsageError(`--format must be text or json, not "${format}"`);
    if (values.env !== undefined && positionals.length > 0) throw new UsageError("give either --env NAME or files, not both");
    switch (command) {
      case "validate":
        return await validateCommand({ env: values.env, files: positionals, format }, io);
      case "render":
        if ((values.env === undefined) === (values.all !== true) || positionals.length > 0) throw new UsageError("render takes --env NAME or --all");
        return await renderCommand({ envs: values.all ? "all" : [values.env!], out: values.out, check: values.check === true }, io);
      case "capacity":
        return await capacityCommand({ env: values.env, files: positionals, json: format === "json" }, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
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
