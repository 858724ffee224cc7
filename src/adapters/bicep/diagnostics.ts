// One diagnostic shape for both ways of running Bicep: the CLI's text lines and the JSON-RPC
// records. Lines and columns are 1-based, as the CLI prints them.

export type BicepLevel = "error" | "warning" | "info";

export interface BicepDiagnostic {
  file: string;
  line: number;
  column: number;
  level: BicepLevel;
  /** BCPnnn for compiler diagnostics, the rule name (e.g. no-unused-params) for linter ones. */
  code: string;
  message: string;
}

// path(line,col) : Level CODE: message [https://aka.ms/...]
const DIAGNOSTIC_LINE = new RegExp(
  String.raw`^(?<file>.+)\((?<line>\d+),(?<column>\d+)\) : (?<level>Error|Warning|Info) ` +
    String.raw`(?<code>[^:]+): (?<message>.*?)(?: \[https?://[^\]\s]+\])?$`,
);

export function parseDiagnosticLines(output: string): BicepDiagnostic[] {
  const diagnostics: BicepDiagnostic[] = [];
  for (const line of output.split(/\r?\n/)) {
    const groups = DIAGNOSTIC_LINE.exec(line)?.groups;
    if (groups === undefined) continue;
    diagnostics.push({
      file: groups.file!,
      line: Number(groups.line),
      column: Number(groups.column),
      level: toLevel(groups.level!),
      code: groups.code!,
      message: groups.message!,
    });
  }
  return diagnostics;
}

/** Bicep's DiagnosticLevel names (Error, Warning, Info) in our lower-case form. */
export function toLevel(level: string): BicepLevel {
  const lower = level.toLowerCase();
  return lower === "error" || lower === "warning" ? lower : "info";
}

export function hasErrors(diagnostics: readonly BicepDiagnostic[]): boolean {
  return diagnostics.some((d) => d.level === "error");
}

/** Stable order (file, position, code) so both ways of compiling report identically. */
export function sortDiagnostics(diagnostics: BicepDiagnostic[]): BicepDiagnostic[] {
  return diagnostics.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code),
  );
}
