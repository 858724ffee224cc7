// What an environment is called: the base name of its file, environments/NAME.yaml, checked
// before it becomes part of a path or an Azure resource name.

export const ENV_NAME_PATTERN = /^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/;

export function environmentName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.ya?ml$/, "");
}

/**
 * Why a name cannot be an environment's, or undefined. A production environment NAME is approved
 * in GitHub Environment NAME-approval, so an environment of that name would share it.
 */
export function environmentNameProblem(name: string): string | undefined {
  if (!ENV_NAME_PATTERN.test(name))
    return (
      `environment name "${name}" (from the file name) must be 1-12 lowercase ` +
      `letters, digits or hyphens, starting with a letter`
    );
  if (name.endsWith("-approval"))
    return (
      `environment name "${name}" (from the file name) ends in -approval, the ` +
      `suffix of the GitHub Environment that approves a production ` +
      `environment's deploys; rename the file`
    );
  return undefined;
}
