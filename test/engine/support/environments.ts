// Shipped environment files, loaded the way the CLI loads them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvironment } from "../../../src/app/load.js";
import type { Environment } from "../../../src/model/environment.js";
import { ROOT } from "../../support/cli.js";

export function environmentText(name: string): string {
  return readFileSync(join(ROOT, "environments", `${name}.yaml`), "utf8");
}

/** environments/NAME.yaml, optionally edited first; a file that does not load throws with its diagnostics. */
export function shippedEnvironment(name: string, change: (yaml: string) => string = (y) => y): Environment {
  const { env, diagnostics } = loadEnvironment(`environments/${name}.yaml`, change(environmentText(name)));
  if (!env) throw new Error(`environments/${name}.yaml does not load: ${JSON.stringify(diagnostics)}`);
  return env;
}
