// Flux post-build substitution, made safe. Every file of the tree is applied by a Flux
// Kustomization with `postBuild.substituteFrom`, so its text goes through Flux's envsubst
// (github.com/fluxcd/pkg/envsubst): `${NAME}` is replaced and `$$` becomes `$`; a lone `$`
// followed by anything else is left alone. We therefore write every literal `$` as `$$`, so no
// value (user input or chart syntax such as nginx's `$host`) can ever start a substitution,
// and the only `${...}` in the output are the deploy outputs this module names on purpose.

/** Text that is already in Flux's substitution syntax (literal parts escaped). */
export class FluxText {
  constructor(readonly encoded: string) {}
  toString(): string {
    return this.encoded;
  }
}

/** Escapes a literal for Flux substitution: every `$` becomes `$$`. */
export function fluxLiteral(value: string): string {
  return value.includes("$") ? value.replace(/\$/g, "$$$$") : value;
}

const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;

/** A reference to a substitution variable: renders as `${NAME}`. */
export function fluxVar(name: string): FluxText {
  if (!VARIABLE_NAME.test(name)) throw new Error(`invalid substitution variable name "${name}"`);
  return new FluxText(`\${${name}}`);
}

/** Tagged template: literal parts and string arguments are escaped, FluxText arguments kept. */
export function flux(strings: TemplateStringsArray, ...parts: Array<string | number | FluxText>): FluxText {
  let out = fluxLiteral(strings[0] ?? "");
  parts.forEach((part, i) => {
    out += part instanceof FluxText ? part.encoded : fluxLiteral(String(part));
    out += fluxLiteral(strings[i + 1] ?? "");
  });
  return new FluxText(out);
}

/** What `encode` turns a value into: strings and FluxText become (escaped) strings. */
export type Encoded<T> = T extends FluxText
  ? string
  : T extends string
    ? string
    : T extends ReadonlyArray<infer U>
      ? Encoded<U>[]
      : T extends object
        ? { [K in keyof T]: Encoded<T[K]> }
        : T;

/** Deep copy of a template context with every string escaped and every FluxText expanded. */
export function encode<T>(value: T): Encoded<T> {
  return encodeAny(value) as Encoded<T>;
}

/**
 * `encode`, and whether the copy is plain JSON data (strings, finite numbers, booleans, null,
 * arrays, objects): only then does its JSON text identify it exactly, so a render of it can be
 * reused for another context with the same text.
 */
export function encodeData<T>(value: T): { encoded: Encoded<T>; plain: boolean } {
  plain = true;
  const encoded = encodeAny(value) as Encoded<T>;
  return { encoded, plain };
}

// Cleared by encodeAny on any value JSON would drop or change (undefined, NaN, -0, a function...).
let plain = true;

function encodeAny(value: unknown): unknown {
  if (typeof value === "string") return fluxLiteral(value);
  if (value === null || typeof value === "boolean") return value;
  if (typeof value !== "object") {
    if (typeof value !== "number" || !Number.isFinite(value) || Object.is(value, -0)) plain = false;
    return value;
  }
  if (value instanceof FluxText) return value.encoded;
  if (Array.isArray(value)) {
    // A hole reads as undefined here (JSON would print null for it).
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = encodeAny(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k in value) {
    // Assigning "__proto__" sets the copy's prototype, which JSON does not show.
    if (k === "__proto__") plain = false;
    out[k] = encodeAny((value as Record<string, unknown>)[k]);
  }
  return out;
}

/**
 * What Flux's envsubst does to a text, given the variables: `$$` becomes `$`, `${NAME}` the
 * variable's value. Throws on a `${` it cannot parse or a variable that is not given (the
 * behaviour of the StrictPostBuildSubstitutions feature gate). Used by tests and by
 * `substitutionVariablesIn` to check rendered files.
 */
export function fluxSubstitute(text: string, variables: Readonly<Record<string, string>>): string {
  let out = "";
  let from = 0;
  scanSubstitutions(text, (at, length, name) => {
    out += text.slice(from, at);
    if (name === undefined) out += "$";
    else {
      const value = variables[name];
      if (value === undefined) throw new Error(`substitution variable ${name} is not defined`);
      out += value;
    }
    from = at + length;
  });
  return out + text.slice(from);
}

/** Calls `found` for every `$$` (name undefined) and `${NAME}` in the text, jumping between `$` signs. */
function scanSubstitutions(text: string, found: (at: number, length: number, name?: string) => void): void {
  for (let i = text.indexOf("$"); i >= 0; i = text.indexOf("$", i + 1)) {
    const next = text[i + 1];
    if (next === "$") {
      found(i, 2);
      i++;
    } else if (next === "{") {
      const end = text.indexOf("}", i + 2);
      const name = end < 0 ? "" : text.slice(i + 2, end);
      if (!VARIABLE_NAME.test(name))
        throw new Error(`unparseable substitution at offset ${i}: ${text.slice(i, i + 40)}`);
      found(i, end - i + 1, name);
      i = end;
    }
  }
}

/** Names of the substitution variables a text references (sorted, unique). */
export function substitutionVariablesIn(text: string): string[] {
  const names = new Set<string>();
  scanSubstitutions(text, (_at, _length, name) => {
    if (name !== undefined) names.add(name);
  });
  return [...names].sort();
}
