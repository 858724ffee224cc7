// Validates parsed YAML against the environment schema and turns ajv's errors into one
// friendly, positioned diagnostic per offending field: what was found, what is allowed,
// and a "did you mean" where a near miss is likely.
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { dotted, type Diagnostic } from "./diagnostics.js";
import { CPU_PATTERN, MEMORY_PATTERN, suggestCpu, suggestMemory } from "./quantity.js";
import { COMPONENTS } from "../catalogue/components.js";
import { PATTERN_TEXT } from "./schema.js";
import { pathOf as errorPath, repairDocument, type Repaired } from "./repair.js";
import { closest } from "./spelling.js";
import { environmentValidator, environmentValidity } from "./validator.js";
import type { YamlSource } from "./yaml-source.js";

type Schema = { description?: string; enum?: unknown[]; properties?: Record<string, unknown>; pattern?: string };

let compiled: ValidateFunction | undefined;
let validity: ((data: unknown) => boolean) | undefined;

function validator(): ValidateFunction {
  compiled ??= environmentValidator();
  return compiled;
}

export function checkSchema(source: YamlSource): Diagnostic[] {
  // The verdict first: a valid file needs no error details (the bundles then never compile them).
  validity ??= environmentValidity();
  if (validity(source.data)) return [];
  const validate = validator();
  if (validate(source.data)) return [];
  const errors = validate.errors ?? [];
  // oneOf reports its branches' errors too; keep only the oneOf summary for that field.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath));
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of errors) {
    if (e.keyword === "if" || e.schemaPath.includes("/propertyNames/")) continue;
    if (oneOfPaths.has(e.instancePath) && e.keyword !== "oneOf") continue;
    const path = pathOf(e);
    const key = `${path.join("/")}|${e.keyword === "propertyNames" ? "" : e.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const prefer =
      e.keyword === "additionalProperties" || e.keyword === "required" || e.keyword === "propertyNames"
        ? "key"
        : "value";
    const pos = source.locate(path, prefer);
    out.push({ file: source.file, ...pos, severity: "error", path: dotted(path), message: describe(e, path) });
  }
  return out;
}

/** The field a diagnostic points at: for a missing key, the mapping that lacks it. */
function pathOf(e: ErrorObject): (string | number)[] {
  const path = errorPath(e);
  return e.keyword === "required" ? path.slice(0, -1) : path;
}

/** The document with what the schema rejects taken out, and the paths a later check must not read. */
export function repairForChecks(source: YamlSource): Repaired {
  return repairDocument(source.data, validator());
}

const show = (v: unknown): string =>
  typeof v === "string"
    ? JSON.stringify(v)
    : v === null
      ? "null"
      : Array.isArray(v)
        ? "a list"
        : typeof v === "object"
          ? "a mapping"
          : String(v);
const found = (v: unknown): string =>
  v === null || Array.isArray(v) || typeof v === "object" ? show(v) : `${typeof v} ${show(v)}`;

function describe(e: ErrorObject, path: (string | number)[]): string {
  const field = dotted(path) || "the document";
  const schema = (e.parentSchema ?? {}) as Schema;
  switch (e.keyword) {
    case "additionalProperties": {
      const name = String(path[path.length - 1]);
      const allowed = Object.keys(schema.properties ?? {});
      const parent = dotted(path.slice(0, -1)) || "the top level";
      const core =
        path[0] === "components" && name === "enabled" ? COMPONENTS.find((c) => c.key === path[1]) : undefined;
      if (core)
        return (
          `${parent} cannot be disabled: ${core.displayName} is part of the ` +
          `platform's core; only optional components take "enabled"`
        );
      const guess = closest(name, allowed);
      return (
        `unknown key "${name}" in ${parent}; ` +
        `${guess ? `did you mean "${guess}"? Allowed` : "allowed"} keys: ` +
        `${allowed.join(", ")}`
      );
    }
    case "required": {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const target = dotted([...path, missing]);
      const desc = (schema.properties?.[missing] as Schema | undefined)?.description;
      return `missing required key ${target}${desc ? `: ${desc.replace(/\.$/, "")}` : ""}`;
    }
    case "type":
      return `${field} must be ${article((e.params as { type: string }).type)}, found ${found(e.data)}`;
    case "enum": {
      const allowed = schema.enum ?? [];
      const guess = typeof e.data === "string" ? closest(e.data, allowed.map(String)) : undefined;
      return (
        `${field} is ${show(e.data)}; allowed: ` +
        `${allowed.map((a) => show(a)).join(", ")}` +
        `${guess ? `; did you mean ${show(guess)}?` : ""}`
      );
    }
    case "pattern":
      return patternMessage(field, String(e.data), schema);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return (
        `${field} is ${show(e.data)}; it must be ` +
        `${e.keyword.endsWith("inimum") ? "at least" : "at most"} ` +
        `${(e.params as { limit: number }).limit}`
      );
    case "oneOf":
      return `${field} is ${show(e.data)}; it must be a whole number of at least 1, or "auto"`;
    case "maxLength":
      return (
        `${field} is ${(e.data as string).length} characters long; at most ` +
        `${(e.params as { limit: number }).limit} allowed`
      );
    case "uniqueItems":
      return `${field} lists the same value twice`;
    case "maxItems":
    case "minItems":
    case "maxProperties":
      return `${field} ${e.message}`;
    case "propertyNames":
      return `tag name ${show(path[path.length - 1])} may not contain < > % & \\ ? /`;
    default:
      return `${field} ${e.message ?? "is invalid"}`;
  }
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: "a mapping",
    array: "a list",
    integer: "a whole number",
    number: "a number",
    string: "a string",
    boolean: "true or false",
  };
  return names[type] ?? type;
}

function patternMessage(field: string, value: string, schema: Schema): string {
  const shown = show(value);
  if (schema.pattern === MEMORY_PATTERN) {
    const guess = suggestMemory(value);
    return (
      `${field} ${shown} is not a Kubernetes quantity` +
      `${guess ? `; did you mean "${guess}"?` : ' such as "512Mi" or "16Gi"'}`
    );
  }
  if (schema.pattern === CPU_PATTERN) {
    const guess = suggestCpu(value);
    return (
      `${field} ${shown} is not a Kubernetes CPU quantity` +
      `${guess ? `; did you mean "${guess}"?` : ' such as "2", "0.5" or "500m"'}`
    );
  }
  return `${field} ${shown} is not valid; expected ${PATTERN_TEXT[schema.pattern ?? ""] ?? "a different value"}`;
}
