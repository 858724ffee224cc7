// Compiles the environment schema with ajv. The bundles built by scripts/build.js replace this
// module with ajv's standalone code generated at build time, so the CLI pays no schema
// compilation at start-up; tests and the build run this version.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { buildEnvironmentSchema } from "./schema.js";

export const AJV_OPTIONS = { strict: true, allErrors: true, verbose: true } as const;

export function environmentValidator(): ValidateFunction {
  return new Ajv2020(AJV_OPTIONS).compile(buildEnvironmentSchema());
}
