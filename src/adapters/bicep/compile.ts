// Compiles and lints .bicep files with one Bicep CLI process per file. Output goes to stdout, so
// a failed or interrupted build never leaves a partial .json next to the source. `bicep build`
// takes a single input (its --pattern cannot be combined with --stdout), so files run in
// parallel processes instead, one per core. For many files prefer openCompiler() in session.ts.
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { type BicepDiagnostic, hasErrors, parseDiagnosticLines, sortDiagnostics } from "./diagnostics.js";
import { type LocateOptions, locateBicep } from "./locate.js";

/** An ARM deployment template as emitted by `bicep build`. */
export interface ArmTemplate {
  $schema: string;
  [key: string]: unknown;
}

export interface CompileResult {
  /** Absolute path of the compiled .bicep file. */
  file: string;
  /** Undefined when an error-level diagnostic (compiler or linter) stopped the build. */
  template: ArmTemplate | undefined;
  /** Compiler and linter diagnostics of the file and the modules it uses. */
  diagnostics: BicepDiagnostic[];
}

export interface LintResult {
  file: string;
  diagnostics: BicepDiagnostic[];
}

export interface BicepRunOptions extends LocateOptions {
  /** Run exactly this executable instead of locating one. */
  executable?: string;
}

/** The CLI failed without saying why in diagnostics (missing file, wrong extension, crash). */
export class BicepCliError extends Error {
  override readonly name = "BicepCliError";
}

export function bicepExecutable(options: BicepRunOptions = {}): string {
  return options.executable ?? locateBicep(options).path;
}

export async function compileFiles(files: readonly string[], options: BicepRunOptions = {}): Promise<CompileResult[]> {
  const executable = bicepExecutable(options);
  return Promise.all(files.map((file) => compileWithProcess(executable, file)));
}

export async function lint(files: readonly string[], options: BicepRunOptions = {}): Promise<LintResult[]> {
  const executable = bicepExecutable(options);
  return Promise.all(
    files.map(async (file) => {
      const path = resolve(file);
      const run = await runBicep(executable, ["lint", path]);
      // The CLI prints diagnostics on stderr today; reading both keeps that an implementation detail.
      const diagnostics = sortDiagnostics(parseDiagnosticLines(`${run.stderr}\n${run.stdout}`));
      if (run.exitCode !== 0 && !hasErrors(diagnostics)) throw cliFailure(`lint ${path}`, run);
      return { file: path, diagnostics };
    }),
  );
}

export async function compileWithProcess(executable: string, file: string): Promise<CompileResult> {
  const path = resolve(file);
  const run = await runBicep(executable, ["build", "--stdout", path]);
  const diagnostics = sortDiagnostics(parseDiagnosticLines(run.stderr));
  if (run.exitCode === 0) return { file: path, template: parseTemplate(run.stdout, path), diagnostics };
  if (hasErrors(diagnostics)) return { file: path, template: undefined, diagnostics };
  throw cliFailure(`build ${path}`, run);
}

/** The CLI's version number, e.g. "0.49.2". */
export async function bicepVersion(executable: string): Promise<string> {
  const run = await runBicep(executable, ["--version"]);
  const version = /\d+\.\d+\.\d+/.exec(run.stdout)?.[0];
  if (run.exitCode !== 0 || version === undefined) throw cliFailure("--version", run);
  return version;
}

export function parseTemplate(json: string, file: string): ArmTemplate {
  const template: unknown = JSON.parse(json);
  if (typeof template !== "object" || template === null || typeof (template as ArmTemplate).$schema !== "string") {
    throw new BicepCliError(`Bicep output for ${file} is not an ARM template`);
  }
  return template as ArmTemplate;
}

interface ProcessRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function runBicep(executable: string, args: string[]): Promise<ProcessRun> {
  return withProcessSlot(() => spawnBicep(executable, args));
}

function spawnBicep(executable: string, args: string[]): Promise<ProcessRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(executable, args, { stdio: ["ignore", "pipe", "pipe"], env: bicepEnvironment() });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (exitCode) =>
      resolveRun({
        exitCode,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }),
    );
  });
}

function cliFailure(command: string, run: ProcessRun): BicepCliError {
  const said = (run.stderr.trim() || run.stdout.trim() || "no output").slice(0, 2000);
  return new BicepCliError(`bicep ${command} exited with ${run.exitCode}: ${said}`);
}

// At most one Bicep process per core across all callers: more only make each one slower.
const maxProcesses = availableParallelism();
let running = 0;
const waiting: (() => void)[] = [];

async function withProcessSlot<T>(task: () => Promise<T>): Promise<T> {
  if (running < maxProcesses) running++;
  else await new Promise<void>((resolveSlot) => waiting.push(resolveSlot));
  try {
    return await task();
  } finally {
    const next = waiting.shift();
    if (next === undefined) running--;
    else next(); // hand the slot over without releasing it
  }
}

/**
 * The environment Bicep runs in. .NET's dynamic PGO instruments hot methods so a long-lived
 * process can re-optimise them later; a compiler run of seconds never gets there and only pays
 * the instrumentation (measured: the first compile of a session 15-20% faster without it).
 */
export function bicepEnvironment(): NodeJS.ProcessEnv {
  return { DOTNET_TieredPGO: "0", ...process.env };
}
