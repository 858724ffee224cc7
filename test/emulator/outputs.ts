// Deployment outputs as a finished deployment reports them. The emulator cannot evaluate
// `reference(...)`, and the deploy engine rightly refuses an unevaluated expression as a value, so
// each output stands in with a value of its declared type and of the shape its name promises.
// Generic on purpose: naming conventions only, no list of any project's outputs.
import { createHash } from "node:crypto";
import { isExpression, isRecord, resolve, type TemplateScope } from "./templates.js";

/** A reserved top-level domain (RFC 2606): nothing synthesized can ever resolve. */
const DOMAIN = "example.invalid";

type Shape = "url" | "host" | "guid" | "ip" | "identifier";

/** keyVaultUri → ["key", "vault", "uri"]; also kebab-case and snake_case. */
const words = (name: string): string[] =>
  name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase());

function shapeOf(name: string): Shape | undefined {
  const w = words(name);
  const [before, last] = [w.at(-2), w.at(-1)];
  if (last === "uri" || last === "url" || last === "endpoint") return "url";
  if (last === "host") return "host";
  if ((last === "id" || last === "ids") && ["client", "principal", "tenant", "object"].includes(before ?? ""))
    return "guid";
  if (last === "ip") return "ip";
  if (last === "name" || last === "login") return "identifier";
  return undefined;
}

const digest = (seed: string): string => createHash("sha256").update(seed).digest("hex");

/** A name-based (version 5 layout) GUID: the same seed always gives the same GUID. */
function guidFrom(seed: string): string {
  const h = digest(seed);
  const variant = (8 | (parseInt(h.charAt(16), 16) & 3)).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `path` names the value (`identityClientIds.api`) and seeds it; `leaf` is its own key. */
function synthesizedString(path: string, leaf: string, shape: Shape | undefined): string {
  const label = path
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  switch (shape) {
    case "url":
      return `https://${label}.${DOMAIN}/`;
    case "host":
      return `${label}.${DOMAIN}`;
    case "guid":
      return guidFrom(path);
    case "ip":
      // TEST-NET-1 (RFC 5737), documentation only.
      return `192.0.2.${1 + (parseInt(digest(path).slice(0, 4), 16) % 254)}`;
    default:
      // Names, logins and anything else: a plain identifier no validator could misread.
      return `emulated-${leaf}`;
  }
}

function placeholder(type: string, path: string, leaf: string, shape: Shape | undefined): unknown {
  switch (type.toLowerCase()) {
    case "string":
      return synthesizedString(path, leaf, shape);
    case "securestring":
      return "";
    case "int":
      return 0;
    case "bool":
      return false;
    case "array":
      return [];
    case "object":
    case "secureobject":
      return {};
    default:
      return null;
  }
}

/**
 * Literals are kept, `[parameters('x')]` echoes its value, object and array literals are filled in member by member.
 */
function outputValue(
  compiled: unknown,
  type: string,
  path: string,
  leaf: string,
  shape: Shape | undefined,
  scope: TemplateScope,
): unknown {
  if (isExpression(compiled)) return resolve(compiled, scope) ?? placeholder(type, path, leaf, shape);
  // Members of a literal are mostly expressions of unknown type; in practice they are strings.
  const member = (value: unknown): string => (Array.isArray(value) ? "array" : isRecord(value) ? "object" : "string");
  if (Array.isArray(compiled))
    return compiled.map((v, i) => outputValue(v, member(v), `${path}[${i}]`, leaf, shape, scope));
  if (isRecord(compiled)) {
    // A member without a telling name takes its parent's: identityClientIds.api is a client ID.
    return Object.fromEntries(
      Object.entries(compiled).map(([key, v]) => [
        key,
        outputValue(v, member(v), `${path}.${key}`, key, shapeOf(key) ?? shape, scope),
      ]),
    );
  }
  return resolve(compiled, scope);
}

/** ARM-shaped outputs: the scripted values when a test gave some, else synthesized from the template's `outputs`. */
export function simulatedOutputs(
  template: Record<string, unknown>,
  parameters: Record<string, unknown>,
  scripted: Record<string, unknown> | undefined,
): Record<string, { type: string; value: unknown }> {
  if (scripted) {
    return Object.fromEntries(
      Object.entries(scripted).map(([name, value]) => [
        name,
        { type: Array.isArray(value) ? "Array" : typeof value, value },
      ]),
    );
  }
  const scope: TemplateScope = { template, parameters };
  const declared = isRecord(template.outputs) ? template.outputs : {};
  return Object.fromEntries(
    Object.entries(declared).flatMap(([name, output]) => {
      if (!isRecord(output)) return [];
      const type = String(output.type ?? "string");
      return [[name, { type, value: outputValue(output.value, type, name, name, shapeOf(name), scope) }]];
    }),
  );
}
