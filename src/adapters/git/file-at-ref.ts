// One file as a commit, branch or tag holds it (`git show REF:PATH`): the base branch's version
// of an environment file, to price a change against. Undefined when the ref has no such file.
import { git, GitError } from "./git.js";

const REF = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

export class UnknownRefError extends Error {}

export async function fileAtRef(cwd: string, ref: string, path: string): Promise<string | undefined> {
  // Names only: a ref starting with "-" would be an option.
  if (!REF.test(ref) || ref.includes("..")) throw new UnknownRefError(`"${ref}" is not a branch, tag or commit name`);
  try {
    await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], { cwd });
  } catch {
    throw new UnknownRefError(`no commit, branch or tag "${ref}" in this repository`);
  }
  try {
    return await git(["show", "--end-of-options", `${ref}:${path}`], { cwd });
  } catch (error) {
    if (error instanceof GitError && /does not exist|exists on disk, but not in/.test(error.stderr)) return undefined;
    throw error;
  }
}
