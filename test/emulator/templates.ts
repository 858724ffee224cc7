// Just enough template reading to make simulated deployments and what-ifs echo something useful.

export interface TemplateResource {
  type: string;
  name: string;
  location?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isExpression = (value: unknown): value is string =>
  typeof value === "string" && value.startsWith("[") && !value.startsWith("[[");

/** A literal, or a plain `[parameters('x')]` resolved; other expressions stay unresolved. */
function resolve(value: unknown, parameters: Record<string, unknown>): unknown {
  if (!isExpression(value)) return value;
  const parameter = /^\[parameters\('([^']+)'\)\]$/.exec(value)?.[1];
  const supplied = parameter === undefined ? undefined : parameters[parameter];
  return isRecord(supplied) && "value" in supplied ? supplied.value : undefined;
}

/** Resources of both template dialects: an array, or (languageVersion 2.0) an object by symbolic name. */
export function templateResources(template: Record<string, unknown>, parameters: Record<string, unknown>): TemplateResource[] {
  const declared = Array.isArray(template.resources) ? template.resources : isRecord(template.resources) ? Object.values(template.resources) : [];
  return declared.filter(isRecord).map((resource) => {
    const location = resolve(resource.location, parameters);
    return {
      type: String(resource.type),
      name: String(resolve(resource.name, parameters) ?? resource.name),
      ...(typeof location === "string" ? { location } : {}),
    };
  });
}

const placeholders: Record<string, (name: string) => unknown> = {
  string: (name) => `emulated-${name}`,
  securestring: () => "",
  int: () => 0,
  bool: () => false,
  array: () => [],
  object: () => ({}),
  secureobject: () => ({}),
};

/** ARM-shaped outputs: scripted values, else the template's literal values, else typed placeholders. */
export function simulatedOutputs(
  template: Record<string, unknown>,
  parameters: Record<string, unknown>,
  scripted: Record<string, unknown> | undefined,
): Record<string, { type: string; value: unknown }> {
  if (scripted) {
    return Object.fromEntries(Object.entries(scripted).map(([name, value]) => [name, { type: Array.isArray(value) ? "Array" : typeof value, value }]));
  }
  const declared = isRecord(template.outputs) ? template.outputs : {};
  return Object.fromEntries(
    Object.entries(declared).filter(([, output]) => isRecord(output)).map(([name, output]) => {
      const type = String((output as Record<string, unknown>).type ?? "string");
      const value = resolve((output as Record<string, unknown>).value, parameters);
      return [name, { type, value: value ?? placeholders[type.toLowerCase()]?.(name) ?? null }];
    }),
  );
}
