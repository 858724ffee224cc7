// GitHub Actions expressions (docs.github.com, "Evaluate expressions in workflows and actions"), as
// far as the workflows of this repository use them: literals, context paths with `.name`, `[index]`
// and `.*`, `!`, `&&`, `||` (each returning an operand, as GitHub's do), `==` and `!=` (strings
// compared ignoring case, other types coerced to numbers), and the functions fromJSON, toJSON,
// format, contains, startsWith, endsWith, join and the status checks. An unknown function or
// syntax throws: a journey never runs on a guess.

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Contexts = Record<string, Value>;

export interface Status {
  success: boolean;
  failure: boolean;
  cancelled: boolean;
}

type Token = { kind: "num" | "str" | "id" | "op"; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(-?\d+(?:\.\d+)?)|'((?:[^']|'')*)'|([A-Za-z_][\w-]*)|(==|!=|<=|>=|&&|\|\||[!<>()[\].,*]))/y;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(source);
    if (!m) throw new Error(`cannot read expression "${source}" at ${at}`);
    at = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: "num", text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: "str", text: m[2].replace(/''/g, "'") });
    else if (m[3] !== undefined) tokens.push({ kind: "id", text: m[3] });
    else tokens.push({ kind: "op", text: m[4]! });
  }
  return tokens;
}

export const truthy = (v: Value | undefined): boolean =>
  !(v === undefined || v === null || v === false || v === 0 || v === "" || Number.isNaN(v));

function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  if (typeof v === "string") return v.trim() === "" ? 0 : Number(v);
  return NaN;
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b && (typeof a !== "object" || a === null || b === null)) return a === b;
  if (typeof a === "object" && a !== null) return a === b;
  return toNumber(a) === toNumber(b);
}

/** How GitHub writes a value into a string: objects as JSON, null as nothing. */
export function asString(v: Value | undefined): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "object") return JSON.stringify(v, null, 2);
  return String(v);
}

export function evaluate(source: string, contexts: Contexts, status: Status): Value {
  const tokens = tokenize(source);
  let i = 0;
  const peek = (text?: string): Token | undefined =>
    text === undefined || tokens[i]?.text === text ? tokens[i] : undefined;
  const expect = (text: string): void => {
    if (tokens[i]?.text !== text) throw new Error(`expected "${text}" in expression "${source}"`);
    i += 1;
  };

  const call = (name: string, args: Value[]): Value => {
    switch (name.toLowerCase()) {
      case "fromjson":
        return JSON.parse(asString(args[0])) as Value;
      case "tojson":
        return JSON.stringify(args[0] ?? null, null, 2);
      case "format":
        return asString(args[0]).replace(/\{(\d+)\}/g, (_, n: string) => asString(args[Number(n) + 1]));
      case "contains": {
        const [hay, needle] = args;
        if (Array.isArray(hay)) return hay.some((v) => equal(v, needle ?? null));
        return asString(hay).toLowerCase().includes(asString(needle).toLowerCase());
      }
      case "startswith":
        return asString(args[0]).toLowerCase().startsWith(asString(args[1]).toLowerCase());
      case "endswith":
        return asString(args[0]).toLowerCase().endsWith(asString(args[1]).toLowerCase());
      case "join":
        return Array.isArray(args[0])
          ? args[0].map(asString).join(args[1] === undefined ? "," : asString(args[1]))
          : asString(args[0]);
      case "success":
        return status.success;
      case "failure":
        return status.failure;
      case "cancelled":
        return status.cancelled;
      case "always":
        return true;
      default:
        throw new Error(`function ${name}() is not modelled (expression "${source}")`);
    }
  };

  const postfix = (value: Value | undefined): Value => {
    let v = value;
    for (;;) {
      if (peek(".")) {
        i += 1;
        const t = tokens[i++];
        if (t?.text === "*") v = Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : null;
        else if (t?.kind === "id") v = v && typeof v === "object" && !Array.isArray(v) ? lookup(v, t.text) : null;
        else throw new Error(`bad property access in "${source}"`);
      } else if (peek("[")) {
        i += 1;
        const key = or();
        expect("]");
        if (Array.isArray(v)) v = v[toNumber(key)] ?? null;
        else v = v && typeof v === "object" ? lookup(v, asString(key)) : null;
      } else return v ?? null;
    }
  };

  /** Context and object keys are matched ignoring case, as GitHub does. */
  const lookup = (object: { [key: string]: Value }, key: string): Value | undefined => {
    if (key in object) return object[key];
    const found = Object.keys(object).find((k) => k.toLowerCase() === key.toLowerCase());
    return found === undefined ? undefined : object[found];
  };

  const primary = (): Value => {
    const t = tokens[i++];
    if (!t) throw new Error(`expression "${source}" ends early`);
    if (t.kind === "num") return Number(t.text);
    if (t.kind === "str") return t.text;
    if (t.text === "(") {
      const v = or();
      expect(")");
      return postfix(v);
    }
    if (t.kind === "id") {
      if (t.text === "true" || t.text === "false") return t.text === "true";
      if (t.text === "null") return null;
      if (peek("(")) {
        i += 1;
        const args: Value[] = [];
        while (!peek(")")) {
          args.push(or());
          if (peek(",")) i += 1;
        }
        expect(")");
        return postfix(call(t.text, args));
      }
      return postfix(lookup(contexts, t.text));
    }
    throw new Error(`unexpected "${t.text}" in expression "${source}"`);
  };

  const unary = (): Value => {
    if (peek("!")) {
      i += 1;
      return !truthy(unary());
    }
    const left = primary();
    const op = tokens[i]?.text;
    if (op === "==" || op === "!=") {
      i += 1;
      const right = primary();
      return op === "==" ? equal(left, right) : !equal(left, right);
    }
    if (op === "<" || op === ">" || op === "<=" || op === ">=")
      throw new Error(`comparison ${op} is not modelled (expression "${source}")`);
    return left;
  };

  const and = (): Value => {
    let v = unary();
    while (peek("&&")) {
      i += 1;
      const right = unary();
      v = truthy(v) ? right : v;
    }
    return v;
  };

  const or = (): Value => {
    let v = and();
    while (peek("||")) {
      i += 1;
      const right = and();
      v = truthy(v) ? v : right;
    }
    return v;
  };

  const value = or();
  if (i !== tokens.length) throw new Error(`unexpected "${tokens[i]!.text}" in expression "${source}"`);
  return value;
}

/** A workflow value: a whole `${{ x }}` keeps x's type; text with expressions inside is a string. */
export function interpolate(value: unknown, contexts: Contexts, status: Status): Value {
  if (typeof value !== "string") return (value ?? null) as Value;
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(value);
  if (whole && !whole[1]!.includes("}}")) return evaluate(whole[1]!, contexts, status);
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => asString(evaluate(expr, contexts, status)));
}

/**
 * A job's or step's `if:`, which may leave out the `${{ }}`; without a status check (success(),
 * failure(), cancelled(), always()) GitHub adds `success() &&`.
 */
export function condition(value: unknown, contexts: Contexts, status: Status): boolean {
  if (value === undefined) return status.success;
  if (typeof value === "boolean") return value && status.success;
  const text = String(value).trim();
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(text)?.[1] ?? text;
  const checksStatus = /\b(success|failure|cancelled|always)\s*\(/i.test(inner);
  return (checksStatus || status.success) && truthy(evaluate(inner, contexts, status));
}
