// A small evaluator of ARM template expressions, for the properties the emulator must see as ARM
// would hand them to a resource provider (a fluxConfiguration's protected settings): string and
// number literals, parameters(), variables() and the functions Bicep compiles conditionals and
// objects to. Anything else is Unsupported, so a caller never mistakes a guess for a value.
import { isExpression, isRecord, type TemplateScope } from "./templates.js";

export class Unsupported extends Error {}

type Value = unknown;

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  if: ([condition, yes, no]) => (condition === true ? yes : no),
  not: ([value]) => value !== true,
  empty: ([value]) =>
    value === null ||
    value === undefined ||
    value === "" ||
    (Array.isArray(value) ? value.length === 0 : isRecord(value) && Object.keys(value).length === 0),
  equals: ([a, b]) => JSON.stringify(a) === JSON.stringify(b),
  createObject: (args) =>
    Object.fromEntries(Array.from({ length: args.length / 2 }, (_, i) => [String(args[2 * i]), args[2 * i + 1]])),
  base64: ([text]) => Buffer.from(String(text), "utf8").toString("base64"),
  string: ([value]) => (typeof value === "string" ? value : JSON.stringify(value)),
  concat: (args) => args.map(String).join(""),
  null: () => null,
  true: () => true,
  false: () => false,
};

class Parser {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly scope: TemplateScope,
  ) {}

  parse(): Value {
    const value = this.expression();
    this.space();
    if (this.at !== this.text.length) throw new Unsupported(`unexpected "${this.text.slice(this.at)}"`);
    return value;
  }

  private space(): void {
    while (this.text[this.at] === " ") this.at++;
  }

  private expression(): Value {
    this.space();
    let value: Value;
    const c = this.text[this.at];
    if (c === "'") value = this.literal();
    else if (c !== undefined && /[-0-9]/.test(c)) {
      const number = /^-?[0-9]+/.exec(this.text.slice(this.at))![0];
      this.at += number.length;
      value = Number(number);
    } else value = this.call();
    // Property and index access: x.name, x['name'], x[0]
    for (;;) {
      if (this.text[this.at] === ".") {
        this.at++;
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at))?.[0];
        if (!name) throw new Unsupported("a property name after '.'");
        this.at += name.length;
        value = isRecord(value) ? value[name] : undefined;
      } else if (this.text[this.at] === "[") {
        this.at++;
        const key = this.expression();
        this.expect("]");
        value = Array.isArray(value) ? value[Number(key)] : isRecord(value) ? value[String(key)] : undefined;
      } else return value;
    }
  }

  private literal(): string {
    let out = "";
    this.at++;
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined) throw new Unsupported("an unterminated string");
      if (c === "'") {
        if (this.text[this.at] !== "'") return out;
        this.at++;
      }
      out += c;
    }
  }

  private call(): Value {
    const name = /^[A-Za-z][A-Za-z0-9]*/.exec(this.text.slice(this.at))?.[0];
    if (!name) throw new Unsupported(`unexpected "${this.text.slice(this.at)}"`);
    this.at += name.length;
    this.expect("(");
    const args: Value[] = [];
    this.space();
    if (this.text[this.at] !== ")") {
      for (;;) {
        args.push(this.expression());
        this.space();
        if (this.text[this.at] === ",") this.at++;
        else break;
      }
    }
    this.expect(")");
    if (name === "parameters") return parameterValue(String(args[0]), this.scope);
    if (name === "variables")
      return evaluate(
        (isRecord(this.scope.template.variables) ? this.scope.template.variables : {})[String(args[0])],
        this.scope,
      );
    const fn = FUNCTIONS[name];
    if (!fn) throw new Unsupported(`the function ${name}()`);
    return fn(args);
  }

  private expect(token: string): void {
    this.space();
    if (this.text[this.at] !== token) throw new Unsupported(`"${token}" at ${this.at} of ${this.text}`);
    this.at++;
  }
}

function parameterValue(name: string, scope: TemplateScope): Value {
  const supplied = scope.parameters[name];
  if (isRecord(supplied) && "value" in supplied) return supplied.value;
  const declared = isRecord(scope.template.parameters) ? scope.template.parameters[name] : undefined;
  if (!isRecord(declared) || !("defaultValue" in declared)) throw new Unsupported(`parameter ${name} has no value`);
  return evaluate(declared.defaultValue, scope);
}

/** A template value as ARM evaluates it: expressions inside objects and arrays too. */
export function evaluate(value: Value, scope: TemplateScope): Value {
  if (typeof value === "string" && value.startsWith("[[")) return value.slice(1);
  if (isExpression(value)) return new Parser(value.slice(1, -1), scope).parse();
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, scope)]));
  return value;
}
