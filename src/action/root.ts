// The root action (action.yml): its `command` input picks one of the actions under actions/. The
// runner filled in only the root's own defaults, so the chosen action's defaults are filled in
// here for the inputs left empty, as the runner would have done for that action used directly;
// then its bundle runs in this process, reading the same inputs and writing the same outputs.
import { getInput } from "@actions/core";
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { UsageError } from "../adapters/environment-files.js";

const COMMANDS = ["validate", "plan", "deploy", "status", "promote"];

/** INPUT_<NAME> as the runner spells it: upper case, spaces as underscores, hyphens kept. */
const variableOf = (input: string): string => `INPUT_${input.replace(/ /g, "_").toUpperCase()}`;

export async function runCommandAction(actionsDir: URL, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const command = getInput("command");
  if (!COMMANDS.includes(command))
    throw new UsageError(`input "command" must be one of ${COMMANDS.join(", ")}, not "${command}"`);
  const metadata = parse(await readFile(new URL(`${command}/action.yml`, actionsDir), "utf8")) as {
    inputs?: Record<string, { default?: unknown }>;
  };
  for (const [name, input] of Object.entries(metadata.inputs ?? {})) {
    const variable = variableOf(name);
    // Expressions (${{ github.token }}) are the runner's to evaluate: the root declares those itself.
    if (!env[variable] && typeof input.default === "string" && !input.default.includes("${{"))
      env[variable] = input.default;
  }
  // A computed specifier: the bundler leaves it alone and Node resolves it beside the actions.
  await import(new URL(`${command}/dist/index.js`, actionsDir).href);
}
