// ARM's error details as text: one line per error, nested details indented, for a log or a PR comment.
import type { ArmErrorDetail } from "./ports.js";

export function formatArmError(error: ArmErrorDetail, depth = 0): string[] {
  const target = error.target ? ` (${error.target})` : "";
  return [
    `${"  ".repeat(depth)}${error.code}: ${error.message}${target}`,
    ...error.details.flatMap((d) => formatArmError(d, depth + 1)),
  ];
}
