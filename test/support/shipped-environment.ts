// A shipped environment file (environments/NAME.yaml), optionally edited, loaded into the model;
// a file that does not load throws with its diagnostics, so a test never reads a half model.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvironment } from "../../src/app/load.js";
import type { Environment } from "../../src/model/environment.js";

const ROOT = join(import.meta.dirname, "../..");

export function shippedEnvironment(name: string, change: (yaml: string) => string = (y) => y): Environment {
  const file = `environments/${name}.yaml`;
  const { env, diagnostics } = loadEnvironment(file, change(readFileSync(join(ROOT, file), "utf8")), name);
  if (!env) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n"));
  return env;
}
