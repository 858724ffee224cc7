// A fast reader for the plain subset of YAML that environment files are written in: block
// mappings and sequences indented with spaces, keys that are identifiers, single-line plain or
// quoted scalars, flow sequences of scalars, whole-line and trailing comments. For a text in that
// subset it returns the data exactly as `yaml` (YAML 1.2, core schema) reads it, about ten times
// faster; for anything else (anchors, tags, block scalars, escapes, multi-line scalars, duplicate
// keys, odd indentation, a document marker, any control or non-ASCII character outside a comment
// or a quoted string...) it returns undefined and the caller parses with `yaml`, which also gives
// every diagnostic. A text it reads is one `yaml` reads without error, warning or finding of
// checkNodes (yaml-source.ts): so it never decides a diagnostic, it only skips building positions
// no diagnostic needs.

/** Nesting past this is left to the full parser (which refuses past LIMITS.maxDepth). */
const MAX_DEPTH = 16;

interface Line {
  indent: number;
  /** The line without its indentation and trailing comment. */
  text: string;
}

type Value = unknown;
const NOT_PLAIN = Symbol("not in the subset");
class Unsupported extends Error {}
const unsupported = (): never => {
  throw new Unsupported();
};

/** The data of `text` when it is a mapping in the subset; undefined when the caller must parse it with `yaml`. */
export function readPlainYaml(text: string): Record<string, unknown> | undefined {
  // Tabs, carriage returns, other control characters, DEL, and line or byte-order marks anywhere.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(text)) return undefined;
  let lines: Line[];
  try {
    lines = contentLines(text);
    if (lines.length === 0) return undefined;
    const reader = { lines, at: 0 };
    if (lines[0]!.indent !== 0) return undefined;
    const root = readBlock(reader, 0, 0);
    if (reader.at !== lines.length || !isMapping(root)) return undefined;
    return root;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function contentLines(text: string): Line[] {
  const out: Line[] = [];
  for (const raw of text.split("\n")) {
    const indent = raw.length - raw.trimStart().length;
    const body = raw.slice(indent);
    if (body === "" || body.startsWith("#")) continue; // blank or whole-line comment
    out.push({ indent, text: withoutComment(body) });
  }
  return out;
}

/** The line before a ` #` comment that is outside quotes, trailing spaces trimmed. */
function withoutComment(body: string): string {
  let quote = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && body[i - 1] === " ") return body.slice(0, i).trimEnd();
  }
  if (quote) unsupported(); // a quote left open: a multi-line scalar
  return body.trimEnd();
}

interface Reader {
  lines: Line[];
  at: number;
}

/** The block (mapping or sequence) whose lines start at `indent`. */
function readBlock(r: Reader, indent: number, depth: number): Value {
  if (depth > MAX_DEPTH) unsupported();
  const first = r.lines[r.at]!;
  if (first.indent !== indent) unsupported();
  return isItem(first.text) ? readSequence(r, indent, depth) : readMapping(r, indent, depth, first.text);
}

const isItem = (text: string): boolean => text === "-" || text.startsWith("- ");

const KEY = /^([A-Za-z_][A-Za-z0-9_-]{0,127}):(?: +(.*))?$/;
/** Keys that `yaml` would read as something other than a string (checkNodes refuses them). */
const NON_STRING_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;

function readMapping(r: Reader, indent: number, depth: number, firstText: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let text: string | undefined = firstText;
  while (text !== undefined) {
    const m = KEY.exec(text);
    if (!m) unsupported();
    const key = m![1]!;
    if (NON_STRING_KEY.test(key) || key === "__proto__" || Object.hasOwn(out, key)) unsupported();
    r.at++;
    out[key] = m![2] === undefined ? readNested(r, indent, depth) : scalarOrFlow(m![2]);
    const next = r.lines[r.at];
    if (!next || next.indent < indent) break;
    if (next.indent > indent || isItem(next.text)) unsupported();
    text = next.text;
  }
  return out;
}

/** The value of a key written with nothing after its colon: a block below it, or null. */
function readNested(r: Reader, indent: number, depth: number): Value {
  const next = r.lines[r.at];
  if (!next || next.indent < indent) return null;
  if (next.indent > indent) return readBlock(r, next.indent, depth + 1);
  // A sequence may sit at its key's own indentation.
  return isItem(next.text) ? readSequence(r, indent, depth + 1) : null;
}

function readSequence(r: Reader, indent: number, depth: number): unknown[] {
  const out: unknown[] = [];
  for (;;) {
    const line = r.lines[r.at];
    // A key at the sequence's own indentation ends it (a sequence written at its key's indentation).
    if (!line || line.indent < indent || (line.indent === indent && !isItem(line.text))) break;
    if (line.indent > indent) unsupported();
    const rest = line.text.slice(2).trimStart();
    if (rest === "" || isItem(rest)) unsupported(); // an empty item, or a sequence in a sequence
    const restIndent = indent + (line.text.length - rest.length);
    if (KEY.test(rest)) {
      // A mapping starting on the item's line: its other keys line up with the first.
      r.lines[r.at] = { indent: restIndent, text: rest };
      out.push(readMapping(r, restIndent, depth + 1, rest));
    } else {
      r.at++;
      out.push(scalarOrFlow(rest));
    }
    const next = r.lines[r.at];
    if (next && next.indent > indent && next.indent !== restIndent) unsupported();
  }
  return out;
}

function scalarOrFlow(text: string): Value {
  if (text.startsWith("[")) return flowSequence(text);
  const v = scalar(text);
  return v === NOT_PLAIN ? unsupported() : v;
}

/** `[a, "b", 'c']` of scalars on one line. */
function flowSequence(text: string): unknown[] {
  if (!text.endsWith("]")) unsupported();
  const inner = text.slice(1, -1).trim();
  if (inner === "") return [];
  const out: unknown[] = [];
  for (const part of splitFlow(inner)) {
    const item = part.trim();
    if (item === "" || /[[\]{},:]/.test(unquoted(item))) unsupported();
    const v = scalar(item);
    out.push(v === NOT_PLAIN ? unsupported() : v);
  }
  return out;
}

/** Splits at commas outside quotes. */
function splitFlow(inner: string): string[] {
  const parts: string[] = [];
  let quote = "";
  let from = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ",") {
      parts.push(inner.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(inner.slice(from));
  return parts;
}

const unquoted = (item: string): string => (item.startsWith('"') || item.startsWith("'") ? "" : item);

/** Characters a plain scalar of the subset is made of (`yaml` reads more; those texts go to it). */
const PLAIN = /^[A-Za-z0-9_.~+/-](?:[A-Za-z0-9_.~+/@=() -]|:(?! |$))*$/;
/** A plain scalar that does not start an item, a comment or another construct. */
const STARTS_OTHER = /^(?:-(?: |$)|---|\.\.\.)/;

/** A single-line scalar as `yaml`'s core schema reads it; NOT_PLAIN when outside the subset. */
function scalar(text: string): Value | typeof NOT_PLAIN {
  if (text.startsWith('"')) {
    // Double-quoted without escapes: the text between the quotes.
    const body = text.slice(1, -1);
    if (text.length < 2 || !text.endsWith('"') || /["\\]/.test(body) || !printable(body)) return NOT_PLAIN;
    return body;
  }
  if (text.startsWith("'")) {
    const body = text.slice(1, -1);
    if (text.length < 2 || !text.endsWith("'") || /'(?!')/.test(body.replace(/''/g, "")) || !printable(body))
      return NOT_PLAIN;
    return body.replace(/''/g, "'");
  }
  if (!PLAIN.test(text) || STARTS_OTHER.test(text) || text.endsWith(":")) return NOT_PLAIN;
  return coreScalar(text);
}

/** Printable ASCII, or any character above it (control characters are refused for the whole text). */
const printable = (s: string): boolean => !/[\u0000-\u001f\u007f]/.test(s); // eslint-disable-line no-control-regex

/** `yaml`'s core schema tags, tried in its order (yaml/dist/schema/core/schema.js); a string otherwise. */
function coreScalar(s: string): Value {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === "t" || s[0] === "T";
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s))
    return s.slice(-3).toLowerCase() === "nan" ? NaN : s[0] === "-" ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}
