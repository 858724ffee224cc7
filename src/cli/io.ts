// What a command may touch of the process: kept narrow so commands run in-process in tests.
import { resolve } from "node:path";

export interface Io {
  cwd: string;
  out(line: string): void;
  err(line: string): void;
  resolve(path: string): string;
}

export function processIo(): Io {
  const cwd = process.cwd();
  return {
    cwd,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    resolve: (p) => resolve(cwd, p),
  };
}
