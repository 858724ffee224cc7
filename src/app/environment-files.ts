// Where the use cases read environment files from: the port, and the working directory on disk
// that implements it (environments/NAME.yaml, paths shown relative to it).
import {
  environmentPath,
  listEnvironmentFiles,
  readEnvironmentFile,
  type EnvironmentFile,
} from "../adapters/environment-files.js";

export type { EnvironmentFile };

export interface EnvironmentFiles {
  /** Every environments/*.yaml, sorted; a usage error when there is no environments/ directory. */
  list(): Promise<string[]>;
  /** The path of environments/NAME.yaml. */
  pathOf(name: string): string;
  /** The text, and the path to show in diagnostics; a usage error when the file cannot be read. */
  read(path: string): Promise<EnvironmentFile>;
}

export function workspaceFiles(root: string): EnvironmentFiles {
  return {
    list: () => listEnvironmentFiles(root),
    pathOf: (name) => environmentPath(root, name),
    read: (path) => readEnvironmentFile(path, root),
  };
}
