// Typed access to an action's inputs and outputs. Each action lists the names it reads and writes;
// a test compares those lists with its action.yml, and the runner fills in action.yml's
// defaults, so defaults live in one place: the action.yml.
import { getInput, setOutput } from "@actions/core";
import { appendFileSync, existsSync } from "node:fs";
import { EOL } from "node:os";
import { UsageError } from "../adapters/environment-files.js";

export interface Inputs<Name extends string> {
  /** The input's value, "" when not given and without a default. */
  text(name: Name): string;
  /** As `text`, but an empty value is a usage error. */
  required(name: Name): string;
  /** true / false (YAML 1.2 core schema spellings, as @actions/core accepts). */
  flag(name: Name): boolean;
}

const TRUE = ["true", "True", "TRUE"];
const FALSE = ["false", "False", "FALSE"];

export function readInputs<Name extends string>(): Inputs<Name> {
  const text = (name: Name): string => getInput(name);
  return {
    text,
    required: (name) => {
      const value = text(name);
      if (value === "") throw new UsageError(`input "${name}" is required`);
      return value;
    },
    flag: (name) => {
      const value = text(name);
      if (TRUE.includes(value)) return true;
      if (FALSE.includes(value)) return false;
      throw new UsageError(`input "${name}" must be true or false, not "${value}"`);
    },
  };
}

/**
 * Sets every output an action declares, at once: the type lists exactly the action.yml's outputs. A one-line value is
 * written as the runner's `name=value` line, which needs no random delimiter (so a run loads no node:crypto); a value
 * with a line break goes through @actions/core, whose form has one.
 */
export function writeOutputs<Name extends string>(values: Record<Name, string>): void {
  const file = process.env.GITHUB_OUTPUT;
  for (const [name, value] of Object.entries<string>(values)) {
    if (file && existsSync(file) && !/[\r\n]/.test(value)) appendFileSync(file, `${name}=${value}${EOL}`, "utf8");
    else setOutput(name, value);
  }
}
