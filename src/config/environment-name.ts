// What an environment is called: the base name of its file, environments/NAME.yaml, checked
// before it becomes part of a path or an Azure resource name.

export const ENV_NAME_PATTERN = /^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/;

export function environmentName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.ya?ml$/, "");
}
