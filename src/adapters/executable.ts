// Whether a path is a file this process may execute: the check every tool locator (Bicep, Helm)
// applies to a candidate before trusting it.
import { accessSync, constants, statSync } from "node:fs";

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
