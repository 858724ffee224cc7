// What ARM refuses of Azure Policy resources in a deployment: a write the deploy identity's roles do not
// grant (Contributor's NotActions hold Microsoft.Authorization/*/Write, so a Contributor cannot write policy
// definitions or assignments), refused in preflight before anything is written; and an update of an
// existing custom policy definition that removes a parameter, changes its type, or adds one without a
// default value, refused when the definition's PUT runs. Messages are the emulator's rendition of ARM's.
import type { Identity } from "./context.js";
import type { ArmErrorBody, FailedOperationScript } from "./scenario.js";
import { declaredResources, isRecord, nestedScopes, resolve, type TemplateScope } from "./templates.js";

const DEFINITIONS = "microsoft.authorization/policydefinitions";

interface Declared {
  type: string;
  name: string;
  resource: Record<string, unknown>;
  scope: TemplateScope;
}

function declared(template: Record<string, unknown>, parameters: Record<string, unknown>): Declared[] {
  return nestedScopes({ template, parameters }).flatMap((scope) =>
    declaredResources(scope.template).flatMap(({ resource }) => {
      const name = resolve(resource.name, scope);
      return typeof name === "string" ? [{ type: String(resource.type), name, resource, scope }] : [];
    }),
  );
}

/** ARM's preflight permission check: the first resource whose write action the identity lacks. */
export function authorizationRefusal(
  identity: Identity,
  deniedActions: readonly string[],
  template: Record<string, unknown>,
  parameters: Record<string, unknown>,
): ArmErrorBody | undefined {
  const denied = new Set(deniedActions.map((a) => a.toLowerCase()));
  for (const r of declared(template, parameters)) {
    const action = `${r.type}/write`;
    if (!denied.has(action.toLowerCase())) continue;
    const scope = `/subscriptions/${identity.subscriptionId}/providers/${r.type}/${r.name}`;
    const detail =
      `Authorization failed for template resource '${r.name}' of type '${r.type}'. The client ` +
      `'${identity.clientId}' with object id '${identity.clientId}' does not have permission to perform ` +
      `action '${action}' at scope '${scope}'.`;
    return {
      code: "InvalidTemplateDeployment",
      message: `The template deployment failed with error: '${detail}'`,
      details: [{ code: "AuthorizationFailed", message: detail }],
    };
  }
  return undefined;
}

type Parameters = Record<string, { type?: string; defaultValue?: unknown }>;

const parametersOf = (value: unknown): Parameters =>
  (isRecord(value) && isRecord(value.parameters) ? value.parameters : {}) as Parameters;

/** Why ARM refuses to update the existing definition's parameters to the asked ones, if it does. */
function parameterUpdate(name: string, had: Parameters, asked: Parameters): ArmErrorBody | undefined {
  const lower = (p: Parameters) => new Map(Object.entries(p).map(([k, v]) => [k.toLowerCase(), v]));
  const [before, after] = [lower(had), lower(asked)];
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const retyped = [...before.keys()].filter(
    (k) => after.has(k) && String(after.get(k)?.type).toLowerCase() !== String(before.get(k)?.type).toLowerCase(),
  );
  const added = [...after.keys()].filter((k) => !before.has(k) && after.get(k)?.defaultValue === undefined);
  const problem = removed.length
    ? `removes parameter(s) '${removed.join("', '")}'`
    : retyped.length
      ? `changes the type of parameter(s) '${retyped.join("', '")}'`
      : added.length
        ? `adds parameter(s) '${added.join("', '")}' without a default value`
        : undefined;
  if (!problem) return undefined;
  return {
    code: "InvalidPolicyParameterUpdate",
    message:
      `The policy '${name}' ${problem}. Parameters of an existing policy definition can only be added with ` +
      `a default value; they can neither be removed nor change type.`,
  };
}

/** The definition PUTs that fail over the scripted definitions (`existing` finds one by type and name). */
export function policyDefinitionFailures(
  existing: (type: string, name: string) => Record<string, unknown> | undefined,
  template: Record<string, unknown>,
  parameters: Record<string, unknown>,
): FailedOperationScript[] {
  return declared(template, parameters).flatMap((r) => {
    if (r.type.toLowerCase() !== DEFINITIONS) return [];
    const had = existing(r.type, r.name);
    if (!had) return [];
    const asked = isRecord(r.resource.properties) ? r.resource.properties : {};
    const error = parameterUpdate(r.name, parametersOf(had.properties), parametersOf(asked));
    return error ? [{ resourceType: r.type, resourceName: r.name, statusCode: "BadRequest", error }] : [];
  });
}
