// Compiles the environment schema with ajv. The bundles built by scripts/build.js replace this
// module with ajv's standalone code generated at build time, so the CLI pays no schema
// compilation at start-up; tests and the build run this version.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { buildEnvironmentSchema } from "./schema.js";

export const AJV_OPTIONS = { strict: true, allErrors: true, verbose: true } as const;
/** The bundles' validity check: the verdict alone, at the first error. */
export const LEAN_AJV_OPTIONS = { strict: true, allErrors: false, verbose: false, messages: false } as const;

let compiled: ValidateFunction | undefined;

export function environmentValidator(): ValidateFunction {
  compiled ??= new Ajv2020(AJV_OPTIONS).compile(buildEnvironmentSchema());
  return compiled;
}

/** Whether a document is valid; the bundles answer it with a leaner validator (scripts/build.js). */
export function environmentValidity(): (data: unknown) => boolean {
  return environmentValidator();
}
