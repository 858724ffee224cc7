// Just enough template reading to make simulated deployments, what-ifs and Flux echo something
// useful: literals, plain `[parameters('x')]` references, and inline nested deployments. Any other
// expression stays unevaluated; callers substitute something of the right shape.
import { createHash } from "node:crypto";
import { evaluate, Unsupported } from "./expressions.js";

export interface TemplateResource {
  type: string;
  name: string;
  location?: string;
}

/** A template and the parameter values one deployment gave it (`{ name: { value } }`, as sent). */
export interface TemplateScope {
  template: Record<string, unknown>;
  parameters: Record<string, unknown>;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const isExpression = (value: unknown): value is string =>
  typeof value === "string" && value.startsWith("[") && !value.startsWith("[[");

/**
 * A literal (ARM's "[[" escape undone), or `[parameters('x')]` resolved from the value supplied, else
 * from a literal default; undefined for anything else.
 */
export function resolve(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === "string" && value.startsWith("[[")) return value.slice(1);
  if (!isExpression(value)) return value;
  const name = /^\[parameters\('([^']+)'\)\]$/.exec(value)?.[1];
  if (name === undefined) return undefined;
  const supplied = scope.parameters[name];
  if (isRecord(supplied) && "value" in supplied) return supplied.value;
  const declared = isRecord(scope.template.parameters) ? scope.template.parameters[name] : undefined;
  const fallback = isRecord(declared) ? declared.defaultValue : undefined;
  return isExpression(fallback) ? undefined : fallback;
}

/**
 * Resources of both template dialects (an array, or by symbolic name in languageVersion 2.0), `existing` ones left out
 * as ARM does.
 */
export function declaredResources(
  template: Record<string, unknown>,
): { symbol?: string; resource: Record<string, unknown> }[] {
  const entries: [string | undefined, unknown][] = Array.isArray(template.resources)
    ? template.resources.map((r: unknown) => [undefined, r])
    : isRecord(template.resources)
      ? Object.entries(template.resources)
      : [];
  return entries.flatMap(([symbol, resource]) =>
    isRecord(resource) && resource.existing !== true ? [{ ...(symbol === undefined ? {} : { symbol }), resource }] : [],
  );
}

/** 13 lowercase characters, the shape of ARM's uniqueString(). */
function uniqueString(seed: string): string {
  return BigInt(`0x${createHash("sha256").update(seed).digest("hex").slice(0, 16)}`)
    .toString(32)
    .padStart(13, "a")
    .slice(0, 13);
}

export function templateResources(
  template: Record<string, unknown>,
  parameters: Record<string, unknown>,
): TemplateResource[] {
  const scope: TemplateScope = { template, parameters };
  return declaredResources(template).map(({ symbol, resource }) => {
    const type = String(resource.type);
    const name = resolve(resource.name, scope);
    const location = resolve(resource.location, scope);
    // A computed name (Bicep's module names are `format('x-{0}', uniqueString(...))`) gets a stable
    // stand-in of the same shape, so progress lines read like Azure's.
    const fallback = `${symbol ?? type.split("/").pop() ?? "resource"}-${uniqueString(String(resource.name))}`;
    return {
      type,
      name: typeof name === "string" ? name : fallback,
      ...(typeof location === "string" ? { location } : {}),
    };
  });
}

/** The scope and every inline nested deployment's, depth first, parameters resolved as ARM would pass them. */
export function nestedScopes(scope: TemplateScope): TemplateScope[] {
  const nested = declaredResources(scope.template).flatMap(({ resource }) => {
    const properties = resource.properties;
    if (
      String(resource.type).toLowerCase() !== "microsoft.resources/deployments" ||
      !isRecord(properties) ||
      !isRecord(properties.template)
    )
      return [];
    const evaluation = properties.expressionEvaluationOptions;
    // Bicep modules evaluate inside; a classic nested template sees its parent's parameters.
    if (!isRecord(evaluation) || String(evaluation.scope).toLowerCase() !== "inner") {
      return nestedScopes({
        template: { ...properties.template, parameters: scope.template.parameters },
        parameters: scope.parameters,
      });
    }
    const supplied = isRecord(properties.parameters) ? properties.parameters : {};
    const parameters = Object.fromEntries(
      Object.entries(supplied).map(([name, p]) => [
        name,
        isRecord(p) && "value" in p
          ? { value: handedOver(p.value, scope) }
          : // A ternary over a module parameter compiles to if(…, createObject('value', …), …).
            isExpression(p)
            ? handedOver(p, scope)
            : p,
      ]),
    );
    return nestedScopes({ template: properties.template, parameters });
  });
  return [scope, ...nested];
}

/**
 * A module parameter's value as ARM hands it to the module: the expression evaluated where the
 * evaluator can (a Bicep ternary compiles to if()), else what resolve() makes of it.
 */
function handedOver(value: unknown, scope: TemplateScope): unknown {
  try {
    return evaluate(value, scope);
  } catch (error) {
    if (error instanceof Unsupported) return resolve(value, scope);
    throw error;
  }
}

/** `[parameters('p')[copyIndex('c')].field]`, the element form Bicep compiles a `for` in a property to. */
const COPY_ELEMENT = /^\[parameters\('([^']+)'\)\[copyIndex\('([^']+)'\)\]\.([A-Za-z0-9_]+)\]$/;

/**
 * A property loop (`properties.copy`) evaluated where each input field is a literal or a plain
 * element field; other fields stay undefined. E.g. a managed cluster's agentPoolProfiles.
 */
export function propertyCopy(
  resource: Record<string, unknown>,
  name: string,
  scope: TemplateScope,
): Record<string, unknown>[] | undefined {
  const properties = resource.properties;
  const copies = isRecord(properties) && Array.isArray(properties.copy) ? (properties.copy as unknown[]) : [];
  const copy = copies.find((c) => isRecord(c) && c.name === name);
  if (!isRecord(copy) || !isRecord(copy.input)) return undefined;
  const source = /^\[length\(parameters\('([^']+)'\)\)\]$/.exec(String(copy.count))?.[1];
  const items = source === undefined ? undefined : resolve(`[parameters('${source}')]`, scope);
  if (!Array.isArray(items)) return undefined;
  const input = copy.input;
  return items.map((item: unknown) =>
    Object.fromEntries(
      Object.entries(input).map(([key, value]) => {
        const element = typeof value === "string" ? COPY_ELEMENT.exec(value) : null;
        if (element && element[1] === source && element[2] === name)
          return [key, isRecord(item) ? item[element[3] ?? ""] : undefined];
        return [key, isExpression(value) ? undefined : resolve(value, scope)];
      }),
    ),
  );
}
