// Rules no single environment file can be checked against alone: what a deploy would own on the
// GitOps repository must be its own. Each environment owns one directory of one branch and
// replaces it whole on every deploy, so that directory must be a real subdirectory (never the
// root: a deploy would delete everything else on the branch), the branch must not be the one
// holding the environments (or the default branch), and no two environments may own the same
// or nested directories of one branch (staging's deploy would overwrite prod's tree). Tag keys are
// checked here too: Azure tag names are case-insensitive, so keys equal ignoring case collide.
import type { Environment } from "../model/environment.js";
import { builtInTags } from "../model/resolve.js";
import type { Diagnostic } from "./diagnostics.js";
import type { YamlSource } from "./yaml-source.js";

export interface CheckedFile {
  file: string;
  env: Environment;
  source: YamlSource;
}

/** What is known of the repository holding environments/; each field only when known. */
export interface SourceRepository {
  /** Its URL (https://host/owner/name). */
  url?: string;
  /** The branches the environments are on (a pull request's head and base). */
  branches?: readonly string[];
  defaultBranch?: string;
}

/** What is known of that repository, as far as it bears on the GitOps repositories the checked files name. */
export type SourceRepositoryQuery = (gitopsRepositories: readonly string[]) => Promise<SourceRepository>;

/** https://Host/Owner/Name.git/ and https://host/owner/name name one repository. */
export function sameRepository(a: string, b: string): boolean {
  const norm = (url: string): string =>
    url
      .trim()
      .toLowerCase()
      .replace(/\/+$/, "")
      .replace(/\.git$/, "");
  return norm(a) === norm(b);
}

function ownedRoot(env: Environment): string {
  return env.gitops.path
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

const contains = (outer: string, inner: string): boolean => outer === inner || inner.startsWith(`${outer}/`);

function at(f: CheckedFile, path: (string | number)[], message: string): Diagnostic {
  const pos = f.source.locate(path, "value");
  return { file: f.file, line: pos.line, column: pos.column, severity: "error", path: path.join("."), message };
}

function ownedDirectory(f: CheckedFile, repo: SourceRepository): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { branch, repository } = f.env.gitops;
  if (ownedRoot(f.env) === "") {
    out.push(
      at(
        f,
        ["gitops", "path"],
        `gitops.path "${f.env.gitops.path}" is the root of the branch; a deploy ` +
          `replaces its directory whole, so name a subdirectory such as clusters/` +
          `${f.env.name}`,
      ),
    );
  }
  const here = repo.url !== undefined && sameRepository(repo.url, repository);
  if (here && repo.branches?.includes(branch)) {
    out.push(
      at(
        f,
        ["gitops", "branch"],
        `gitops.branch "${branch}" is the branch holding the environment files; ` +
          `a deploy would rewrite it, so use a branch of its own such as gitops/` +
          `${f.env.name}`,
      ),
    );
  } else if (here && repo.defaultBranch !== undefined && branch === repo.defaultBranch) {
    out.push(
      at(
        f,
        ["gitops", "branch"],
        `gitops.branch "${branch}" is the repository's default branch; a deploy ` +
          `would rewrite it, so use a branch of its own such as gitops/` +
          `${f.env.name}`,
      ),
    );
  }
  return out;
}

function tagKeys(f: CheckedFile): Diagnostic[] {
  const written = (f.source.data.azure as { tags?: Record<string, unknown> } | undefined)?.tags ?? {};
  const builtIn = new Set(Object.keys(builtInTags(f.env.name)).map((k) => k.toLowerCase()));
  const seen = new Map<string, string>();
  const out: Diagnostic[] = [];
  for (const key of Object.keys(written)) {
    const folded = key.toLowerCase();
    const pos = f.source.locate(["azure", "tags", key], "key");
    const problem = builtIn.has(folded)
      ? `tag "${key}" is set by the toolkit on every resource; choose another name`
      : seen.has(folded)
        ? `tag "${key}" is the same tag as "${seen.get(folded)}" (Azure tag names ignore case); keep one of them`
        : undefined;
    if (problem)
      out.push({
        file: f.file,
        line: pos.line,
        column: pos.column,
        severity: "error",
        path: `azure.tags.${key}`,
        message: problem,
      });
    seen.set(folded, seen.get(folded) ?? key);
  }
  return out;
}

function sharedDirectories(files: readonly CheckedFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [i, a] of files.entries()) {
    for (const b of files.slice(i + 1)) {
      if (
        !sameRepository(a.env.gitops.repository, b.env.gitops.repository) ||
        a.env.gitops.branch !== b.env.gitops.branch
      )
        continue;
      const [ra, rb] = [ownedRoot(a.env), ownedRoot(b.env)];
      if (ra === "" || rb === "" || !(contains(ra, rb) || contains(rb, ra))) continue;
      const where = (f: CheckedFile): string => {
        const pos = f.source.locate(["gitops", "path"], "value");
        return `${f.file}:${pos.line}:${pos.column}`;
      };
      const what = ra === rb ? `the same directory ${ra}/` : `nested directories (${ra}/ and ${rb}/)`;
      const message = (other: CheckedFile): string =>
        `environments ${a.env.name} and ${b.env.name} own ${what} of branch ` +
        `${a.env.gitops.branch} in ${a.env.gitops.repository} (see ` +
        `${where(other)}); each deploy would overwrite the other's tree, so give ` +
        `each its own gitops.path or branch`;
      out.push(at(a, ["gitops", "path"], message(b)), at(b, ["gitops", "path"], message(a)));
    }
  }
  return out;
}

/** promotion.after names another environment of the repository, and the gates form no cycle. */
function promotionGates(files: readonly CheckedFile[]): Diagnostic[] {
  const byName = new Map(files.map((f) => [f.env.name, f]));
  const out: Diagnostic[] = [];
  for (const f of files) {
    const after = f.env.promotion?.after;
    if (after === undefined) continue;
    const here = ["promotion", "after"];
    if (after === f.env.name) {
      out.push(
        at(
          f,
          here,
          `promotion.after "${after}" is this environment itself; name the ` +
            `environment that must run the release first, such as staging`,
        ),
      );
      continue;
    }
    if (!byName.has(after)) {
      const known = [...byName.keys()].filter((n) => n !== f.env.name).sort();
      out.push(
        at(
          f,
          here,
          `promotion.after "${after}" is not an environment of this repository (no ` +
            `valid environments/${after}.yaml); use one of: ` +
            `${known.join(", ") || "(none)"}`,
        ),
      );
      continue;
    }
    // Following the gates from f must not come back to f: no deploy of a cycle could ever start.
    const chain = [f.env.name];
    for (
      let next: string | undefined = after;
      next !== undefined && !chain.includes(next);
      next = byName.get(next)?.env.promotion?.after
    )
      chain.push(next);
    const last = chain.at(-1) ?? f.env.name;
    const closes = byName.get(last)?.env.promotion?.after === f.env.name;
    if (closes)
      out.push(
        at(
          f,
          here,
          `promotion gates form a cycle (${[...chain, f.env.name].join(" → ")}); ` +
            `no environment of it could deploy first, so remove one promotion.after`,
        ),
      );
  }
  return out;
}

/** Every cross-file diagnostic, each at the line of the file it concerns. */
export function checkAcrossFiles(files: readonly CheckedFile[], repo: SourceRepository = {}): Diagnostic[] {
  return [
    ...files.flatMap((f) => [...ownedDirectory(f, repo), ...tagKeys(f)]),
    ...sharedDirectories(files),
    ...promotionGates(files),
  ];
}
