// ARM's error details as text: one line per error, nested details indented, for a log or a PR comment.
import { DEPLOY_IDENTITY_ROLES } from "../catalogue/deploy-identity.js";
import type { ArmErrorDetail } from "./ports.js";

export function formatArmError(error: ArmErrorDetail, depth = 0): string[] {
  const target = error.target ? ` (${error.target})` : "";
  return [
    `${"  ".repeat(depth)}${error.code}: ${error.message}${target}`,
    ...error.details.flatMap((d) => formatArmError(d, depth + 1)),
  ];
}

/** The role that grants each write action the deploy identity may lack, by lowercase action. */
const GRANTED_BY = new Map(
  DEPLOY_IDENTITY_ROLES.flatMap((r) => r.actions.map((action) => [action.toLowerCase(), r.role] as const)),
);

/** What to grant when ARM refused an action the deploy identity lacks (a Contributor writes no Authorization/*). */
export function authorizationHints(error: ArmErrorDetail): string[] {
  const refused = new Set<string>();
  const visit = (e: ArmErrorDetail): void => {
    for (const m of e.message.matchAll(/perform action '([^']+)'/g)) refused.add(m[1]!.toLowerCase());
    e.details.forEach(visit);
  };
  visit(error);
  return [...refused].flatMap((action) => {
    const role = GRANTED_BY.get(action);
    const where = "on the subscription (docs/github-actions.md)";
    return role ? [`the deploy identity may not ${action}: grant it ${role} (or Owner) ${where}`] : [];
  });
}
