// Which environments a change affects: an environment file affects its own environment; a
// change to the toolkit (templates, modules, code, the actions, the workflows) affects every
// one, as does a change GitHub cannot list in full.
import { posix } from "node:path";

/** Relative to the working directory, except the workflows, which live at the repository root. */
const TOOLKIT = [/^bicep\//, /^helm-values\//, /^src\//, /^schema\//, /^actions\//, /^action\.yml$/, /^package(-lock)?\.json$/];
const WORKFLOWS = /^\.github\/workflows\//;

/**
 * `changed`: repository-relative paths, or undefined when unknown. `prefix`: the working
 * directory relative to the repository root ("" at the root). `environments`: the names that
 * exist now, so a deleted environment is never acted on.
 */
export function affectedEnvironments(changed: readonly string[] | undefined, environments: readonly string[], prefix = ""): string[] {
  if (changed === undefined) return [...environments];
  const base = prefix === "" || prefix === "." ? "" : `${posix.normalize(prefix).replace(/\/+$/, "")}/`;
  const inside = changed.filter((path) => path.startsWith(base)).map((path) => path.slice(base.length));
  if (changed.some((path) => WORKFLOWS.test(path)) || inside.some((path) => TOOLKIT.some((pattern) => pattern.test(path)))) return [...environments];
  const touched = new Set(inside.map((path) => /^environments\/([^/]+)\.ya?ml$/.exec(path)?.[1]).filter((name) => name !== undefined));
  return environments.filter((name) => touched.has(name));
}
