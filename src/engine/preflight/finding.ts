// One preflight result at the environment field to change (its own file so that the rule files
// and the evaluator that gathers them depend on it, not on each other).
import type { FieldPath } from "./needs.js";

export interface Finding {
  severity: "error" | "warning";
  path: FieldPath;
  message: string;
}
