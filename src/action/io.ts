// The Io the commands print to, inside a GitHub Action. Lines go to the job log; a diagnostic
// line (`FILE:LINE:COL: error: MESSAGE`, the form every command prints) becomes an annotation
// on that line of the file, so a pull request shows it in its diff; a failure headline
// (`error: …`) becomes an annotation of the run. The lines are also kept for the job summary.
import { error as annotateError, warning as annotateWarning } from "@actions/core";
import { isAbsolute, relative, resolve } from "node:path";
import type { Io } from "../cli/io.js";

export interface ActionIo extends Io {
  /** Every line printed, in order (not the captured ones). */
  readonly lines: string[];
  /** The diagnostics seen, as annotated (paths relative to the repository root). */
  readonly diagnostics: AnnotatedDiagnostic[];
  /** Stdout captured instead of printed (for --json output the action parses). */
  captured(): string;
}

export interface AnnotatedDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: "error" | "warning";
  message: string;
}

export interface ActionIoOptions {
  cwd: string;
  /** Annotation paths are relative to this (the repository root). */
  repoRoot: string;
  /** Keep stdout for the caller instead of printing it. */
  captureOut?: boolean;
}

const DIAGNOSTIC = /^(?<file>[^\s:][^:]*):(?<line>\d+):(?<column>\d+): (?<severity>error|warning): (?<message>.+)$/;
const HEADLINE = /^error: (?<message>.+)$/;

export function actionIo(options: ActionIoOptions): ActionIo {
  const { cwd, repoRoot } = options;
  // Stdout only: the runner reads workflow commands there, and one stream keeps the log in order.
  const write = (text: string): boolean => process.stdout.write(text);
  const lines: string[] = [];
  const diagnostics: AnnotatedDiagnostic[] = [];
  const captured: string[] = [];
  const toRepo = (file: string): string => {
    const path = relative(repoRoot, isAbsolute(file) ? file : resolve(cwd, file));
    return path.split("\\").join("/");
  };
  const print = (text: string): void => {
    for (const line of text.split("\n")) {
      lines.push(line);
      const diagnostic = DIAGNOSTIC.exec(line)?.groups;
      const headline = HEADLINE.exec(line)?.groups;
      if (diagnostic) {
        const d: AnnotatedDiagnostic = {
          file: toRepo(diagnostic.file!),
          line: Number(diagnostic.line),
          column: Number(diagnostic.column),
          severity: diagnostic.severity === "error" ? "error" : "warning",
          message: diagnostic.message!,
        };
        diagnostics.push(d);
        const annotate = d.severity === "error" ? annotateError : annotateWarning;
        annotate(d.message, { file: d.file, startLine: d.line, startColumn: d.column });
      } else if (headline) {
        annotateError(headline.message!);
      } else {
        write(`${line}\n`);
      }
    }
  };
  return {
    cwd,
    resolve: (p) => resolve(cwd, p),
    out: (text) => (options.captureOut ? captured.push(text) : print(text)),
    err: print,
    lines,
    diagnostics,
    captured: () => captured.join("\n"),
  };
}

/** An Io that prints nothing: for reading an environment the command itself will report on. */
export function quietIo(cwd: string): Io {
  return { cwd, resolve: (p) => resolve(cwd, p), out: () => undefined, err: () => undefined };
}
