// Reads compiled ARM templates the way a reviewer would: every resource, including those of
// nested module deployments, with the module path (Bicep symbolic names) that leads to it.
export interface ArmResource {
  /** "/aks" for resources of module `aks`, "" at the top level. */
  module: string;
  symbol: string;
  type: string;
  name: unknown;
  body: Record<string, unknown>;
}

type Template = { resources?: Record<string, unknown> | unknown[] };

export function allResources(template: Template, module = ""): ArmResource[] {
  const entries = Array.isArray(template.resources)
    ? template.resources.map((r, i) => [String(i), r] as const)
    : Object.entries(template.resources ?? {});
  return entries.flatMap(([symbol, value]) => {
    const r = value as Record<string, unknown>;
    const own: ArmResource = { module, symbol, type: String(r.type), name: r.name, body: r };
    if (r.type !== "Microsoft.Resources/deployments") return [own];
    const inner = (r.properties as { template?: Template }).template;
    return [own, ...(inner ? allResources(inner, `${module}/${symbol}`) : [])];
  });
}

export function ofType(template: Template, type: string): ArmResource[] {
  return allResources(template).filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

/** The parameter values a top-level module deployment is given (expressions stay as strings). */
export function moduleParams(template: Template, symbol: string): Record<string, unknown> {
  const deployment = allResources(template).find((d) => d.module === "" && d.symbol === symbol);
  if (!deployment) throw new Error(`no module deployment ${symbol}`);
  const params = (deployment.body.properties as { parameters: Record<string, { value?: unknown }> }).parameters;
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.value]));
}

/** The variables of a top-level module's template (expressions stay as strings). */
export function moduleVariables(template: Template, symbol: string): Record<string, unknown> {
  const deployment = allResources(template).find((d) => d.module === "" && d.symbol === symbol);
  if (!deployment) throw new Error(`no module deployment ${symbol}`);
  return (deployment.body.properties as { template: { variables?: Record<string, unknown> } }).template.variables ?? {};
}
