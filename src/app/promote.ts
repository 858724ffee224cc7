// Use case `promote`: set an environment to the release another one runs (the CodeMie version of
// `from`), editing the target file in place so its comments and layout stay. The toolkit commit
// is the repository's, shared by both: nothing to edit for it.
import { parseDocument } from "yaml";
import { hasErrors, type Diagnostic } from "../config/diagnostics.js";
import { loadEnvironment } from "./load.js";

export interface PromoteInput {
  from: { file: string; text: string };
  to: { file: string; text: string };
}

export type PromoteResult =
  | {
      status: "changed";
      text: string;
      from: string;
      to: string;
      version: { before: string; after: string };
      warnings: string[];
    }
  | { status: "unchanged"; version: string; warnings: string[] }
  | { status: "invalid"; diagnostics: Diagnostic[] };

export function promote(input: PromoteInput): PromoteResult {
  const from = loadEnvironment(input.from.file, input.from.text);
  const to = loadEnvironment(input.to.file, input.to.text);
  const diagnostics = [...from.diagnostics, ...to.diagnostics].filter((d) => d.severity === "error");
  if (!from.env || !to.env || hasErrors(diagnostics)) return { status: "invalid", diagnostics };
  const warnings =
    to.env.promotion?.after === from.env.name
      ? []
      : [
          `${to.env.file} does not declare promotion: { after: ${from.env.name} }: ` +
            `its deploy will not wait for ${from.env.name}`,
        ];
  const before = to.env.codemieVersion;
  const after = from.env.codemieVersion;
  if (before === after) return { status: "unchanged", version: after, warnings };
  const doc = parseDocument(input.to.text);
  doc.setIn(["codemie", "version"], after);
  const text = doc.toString();
  // The edit must leave a file that still loads, with nothing but the version changed.
  const check = loadEnvironment(input.to.file, text);
  if (!check.env || check.env.codemieVersion !== after) return { status: "invalid", diagnostics: check.diagnostics };
  return { status: "changed", text, from: from.env.name, to: to.env.name, version: { before, after }, warnings };
}
