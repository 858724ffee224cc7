// A changed property's values as the plan prints them after its path:
// `: Standard_D4ds_v5 → Standard_E8ds_v5`, `: 3` for a created one, `: (was 3)` for a deleted one.
import type { PropertyChange } from "./what-if.js";

export function propertyValues(p: PropertyChange): string {
  if (p.before !== undefined && p.after !== undefined) return `: ${p.before} → ${p.after}`;
  if (p.after !== undefined) return `: ${p.after}`;
  if (p.before !== undefined) return `: (was ${p.before})`;
  return "";
}
