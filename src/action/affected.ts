// Which environments a change affects: an environment file affects its own environment; in the
// toolkit's own repository, a change to the toolkit (templates, modules, code, schema, the actions,
// the workflows) affects every one, as does a change GitHub cannot list in full. In an adopting
// repository the toolkit is pinned by its workflows, so its own src/, package.json or workflow
// files change no environment.
import { posix } from "node:path";

/**
 * The toolkit's paths, relative to the working directory; the plan and deploy workflows' path filters list the same.
 */
export const TOOLKIT_PATHS = [
  "bicep/**",
  "helm-values/**",
  "src/**",
  "schema/**",
  "actions/**",
  "action.yml",
  "package.json",
  "package-lock.json",
] as const;
/** The workflows live at the repository root, whatever the working directory. */
export const WORKFLOW_PATHS = ".github/workflows/**";

/** A path filter's glob as a pattern: `dir/**` is everything under dir, anything else is one file. */
const pattern = (glob: string): RegExp =>
  new RegExp(
    `^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\/\*\*$/, "/")}${glob.endsWith("/**") ? "" : "$"}`,
  );
const TOOLKIT = TOOLKIT_PATHS.map(pattern);
const WORKFLOWS = pattern(WORKFLOW_PATHS);

export interface AffectedOptions {
  /** The working directory relative to the repository root ("" at the root). */
  prefix?: string;
  /** The repository is codemie-gitops itself, whose toolkit files deploy with the environments. */
  toolkitRepository?: boolean;
}

/**
 * `changed`: repository-relative paths, or undefined when unknown. `environments`: the names that
 * exist now, so a deleted environment is never acted on.
 */
export function affectedEnvironments(
  changed: readonly string[] | undefined,
  environments: readonly string[],
  options: AffectedOptions = {},
): string[] {
  if (changed === undefined) return [...environments];
  const prefix = options.prefix ?? "";
  const base = prefix === "" || prefix === "." ? "" : `${posix.normalize(prefix).replace(/\/+$/, "")}/`;
  const inside = changed.filter((path) => path.startsWith(base)).map((path) => path.slice(base.length));
  const toolkitChanged =
    changed.some((path) => WORKFLOWS.test(path)) || inside.some((path) => TOOLKIT.some((p) => p.test(path)));
  if (options.toolkitRepository && toolkitChanged) return [...environments];
  const touched = new Set(
    inside.map((path) => /^environments\/([^/]+)\.ya?ml$/.exec(path)?.[1]).filter((name) => name !== undefined),
  );
  return environments.filter((name) => touched.has(name));
}
