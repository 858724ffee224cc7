// What a use case reports, inside a GitHub Action. Log lines go to the job log; a failure's
// headline (`error: …`, as the engine and the faces start one) becomes an annotation of the run;
// a diagnostic (data from the use case) becomes an annotation on its line of the file, so a pull
// request shows it in its diff. Everything is also kept for the job summary.
import { error as annotateError, warning as annotateWarning } from "@actions/core";
import { isAbsolute, relative, resolve } from "node:path";
import type { BicepDiagnostic } from "../adapters/bicep/diagnostics.js";
import { bicepLine } from "../app/bicep-line.js";
import { formatDiagnostic, type Diagnostic } from "../config/diagnostics.js";
import type { Log } from "../engine/ports.js";

export interface ActionLog extends Log {
  /** Every line reported, in order. */
  readonly lines: string[];
  /** The diagnostics reported, as annotated (paths relative to the repository root). */
  readonly diagnostics: AnnotatedDiagnostic[];
  /** An environment file's diagnostic. */
  diagnostic(d: Diagnostic): void;
  /** The Bicep compiler's finding on the rendered Bicep (info is logged, not annotated). */
  bicep(d: BicepDiagnostic): void;
}

export interface AnnotatedDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: "error" | "warning";
  message: string;
}

export interface ActionLogOptions {
  cwd: string;
  /** Annotation paths are relative to this (the repository root). */
  repoRoot: string;
}

const HEADLINE = "error: ";

export function actionLog(options: ActionLogOptions): ActionLog {
  const { cwd, repoRoot } = options;
  // Stdout only: the runner reads workflow commands there, and one stream keeps the log in order.
  const write = (text: string): boolean => process.stdout.write(text);
  const lines: string[] = [];
  const diagnostics: AnnotatedDiagnostic[] = [];
  const toRepo = (file: string): string =>
    relative(repoRoot, isAbsolute(file) ? file : resolve(cwd, file))
      .split("\\")
      .join("/");
  const annotate = (d: AnnotatedDiagnostic): void => {
    diagnostics.push(d);
    (d.severity === "error" ? annotateError : annotateWarning)(d.message, {
      file: d.file,
      startLine: d.line,
      startColumn: d.column,
    });
  };
  const info = (text: string): void => {
    for (const line of text.split("\n")) {
      lines.push(line);
      write(`${line}\n`);
    }
  };
  return {
    info,
    error: (text) => {
      for (const line of text.split("\n")) {
        if (!line.startsWith(HEADLINE)) {
          info(line);
          continue;
        }
        lines.push(line);
        annotateError(line.slice(HEADLINE.length));
      }
    },
    diagnostic: (d) => {
      lines.push(formatDiagnostic(d));
      annotate({ file: toRepo(d.file), line: d.line, column: d.column, severity: d.severity, message: d.message });
    },
    bicep: (d) => {
      lines.push(bicepLine(d));
      if (d.level === "info") write(`${bicepLine(d)}\n`);
      else
        annotate({
          file: toRepo(d.file),
          line: d.line,
          column: d.column,
          severity: d.level,
          message: `${d.code}: ${d.message}`,
        });
    },
    lines,
    diagnostics,
  };
}
